"""ui_explorer: the dashboard and the explorer pages (blocks, block, tx, address, search) in
Chromium against a real regtest node."""

from browser import PHONE, screenshot
from coins import address, spend_hex
from framework import wait_until
from playwright.sync_api import expect

TIP = 105  # blocks mined to key 1 first: the coinbases of blocks 1 to 5 can be spent
POST = '<img src=x onerror="window.pwned = 1"><script>window.pwned = 2</script>'


def short(h: str, n: int = 10) -> str:
    """What the pages show of a long hash (format.js `short`)."""
    return f"{h[:n]}…{h[-4:]}"


def spend_coinbases(node, hashes: list[str], data: bytes = b"") -> list[str]:
    """Send one tx per block in `hashes`, each spending that block's coinbase (key 1) to key 2;
    the last one carries `data`. Returns the txids."""
    txids = []
    for i, block_hash in enumerate(hashes):
        coinbase = node.api("GET", f"/blocks/{block_hash}")["txs"][0]["txid"]
        last = i == len(hashes) - 1
        txid, raw = spend_hex(coinbase, 0, 49_0000_0000 - i, 2, 1, data if last else b"")
        node.api("POST", "/txs", json={"hex": raw})
        txids.append(txid)
    return txids


def test_ui_dashboard_follows_the_node_live(nodes, open_page) -> None:
    node = nodes()
    hashes = node.mine(TIP, address(1))
    page = open_page(node, "/#/")
    height = page.locator("#dash-height")
    wait_until(lambda: height.inner_text() == str(TIP), 15, "the height card")
    assert page.locator("#dash-blocks tbody tr").count() == 10
    described = page.locator("svg[role=img] desc").text_content()
    assert described.startswith(f"Difficulty over blocks {TIP - 49} to {TIP}: from 1 to 1")
    # the work of 10 regtest blocks (2 hashes each) over the seconds they took, as the node's
    # own block times say
    times = [node.api("GET", f"/blocks/height/{h}")["time"] for h in (TIP - 10, TIP)]
    rate = 20 / max(times[1] - times[0], 1)
    assert f"Estimated network hash rate: {rate:.3g} hashes per second" in described
    # one estimate: the Hash rate card shows the chart's, and says how it is made
    assert page.locator("#dash-hashrate").inner_text() == f"{round(rate)} H/s"
    expect(page.locator("#dash-hashrate-how")).to_contain_text("estimated from the work")
    # every tick label is whole inside the chart, and the chart takes the page's width
    clipped = page.evaluate(
        """() => {
          const svg = document.querySelector("#dash-chart svg").getBoundingClientRect();
          return [...document.querySelectorAll("#dash-chart text.tick")]
            .filter((t) => t.getBoundingClientRect().left < svg.left - 0.5)
            .map((t) => t.textContent);
        }"""
    )
    assert clipped == []
    widths = page.evaluate(
        "[document.querySelector('#dash-chart svg').getBoundingClientRect().width,"
        " document.querySelector('main').getBoundingClientRect().width]"
    )
    assert widths[0] > 0.8 * widths[1]

    (new,) = node.mine(1)  # a block mined elsewhere shows up without a reload
    page.locator(f'#dash-blocks a[href="#/block/{new}"]').wait_for()
    assert height.inner_text() == str(TIP + 1)
    assert page.locator("#dash-tip").inner_text() == short(new, 8)

    (txid,) = spend_coinbases(node, hashes[:1])  # and so does a new mempool transaction
    page.locator(f'#dash-pool a[href="#/tx/{txid}"]').wait_for()
    assert page.locator("#dash-mempool").inner_text().startswith("1")
    screenshot(page, "dashboard")

    page.get_by_role("button", name="Start mining").click()
    page.get_by_role("button", name="Stop mining").wait_for()
    assert node.status()["mining"] is True
    wait_until(lambda: int(height.inner_text()) > TIP + 2, 15, "blocks mined to show up")
    page.get_by_text("The mempool is empty.").wait_for()  # the miner took the tx
    page.get_by_role("button", name="Stop mining").click()
    page.get_by_role("button", name="Start mining").wait_for()
    assert node.status()["mining"] is False
    assert page.locator("#dash-mining").inner_text() == "off"


def test_ui_pages_fit_a_phone(nodes, open_page) -> None:
    node = nodes()
    hashes = node.mine(TIP, address(1))
    (txid,) = spend_coinbases(node, hashes[:1], POST.encode())
    node.mine(1)
    page = open_page(node, "/#/", viewport=PHONE)
    page.locator("#dash-height").get_by_text(str(TIP + 1)).wait_for()
    pages = {
        "/#/": "Dashboard",
        "/#/blocks": "Blocks",
        f"/#/block/{TIP + 1}": f"Block {TIP + 1}",
        f"/#/tx/{txid}": "Transaction",
        f"/#/address/{address(1)}": "Address",
        "/#/chain": "Chain",
    }
    for path, heading in pages.items():
        page.goto(path)
        page.get_by_role("heading", name=heading, exact=True).wait_for()
        page.locator(".loading").first.wait_for(state="detached")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways: {width} px"


def test_ui_search_finds_blocks_txs_and_addresses(nodes, open_page) -> None:
    node = nodes()
    hashes = node.mine(TIP, address(1))
    (txid,) = spend_coinbases(node, hashes[:1])
    page = open_page(node, "/#/blocks")
    page.get_by_role("heading", name="Blocks").wait_for()
    page.get_by_text(f"heights {TIP - 19} to {TIP}").wait_for()
    screenshot(page, "blocks")
    page.get_by_role("button", name="Older").click()
    page.get_by_text(f"heights {TIP - 39} to {TIP - 20}").wait_for()
    page.get_by_role("button", name="Newer").click()
    page.get_by_text(f"heights {TIP - 19} to {TIP}").wait_for()

    def search(query: str) -> None:
        page.get_by_label("Search a height, block hash, txid or address").fill(query)
        page.get_by_role("button", name="Search").click()

    search("7")
    page.get_by_role("heading", name="Block 7", exact=True).wait_for()
    assert page.evaluate("location.hash") == f"#/block/{hashes[6]}"
    search(hashes[41].upper())
    page.get_by_role("heading", name="Block 42", exact=True).wait_for()
    search(txid)
    page.get_by_role("heading", name="Transaction").wait_for()
    page.get_by_text("in the mempool").wait_for()
    search(address(2))
    page.get_by_role("heading", name="Address").wait_for()
    expect(page.locator("main > p.hash")).to_have_text(address(2))
    page.go_back()  # the search left no step in the history: back is the transaction
    page.get_by_role("heading", name="Transaction").wait_for()
    for nonsense in ("no such thing", "99999", "pcrt1bogus", "ab" * 32, "x" * 300):
        search(nonsense)
        expect(page.locator("main q")).to_have_text(nonsense)
        page.get_by_role("heading", name="Nothing found").wait_for()


def test_ui_block_page_shows_its_proof_of_work_and_neighbours(nodes, open_page) -> None:
    node = nodes()
    hashes = node.mine(TIP, address(1))
    txids = spend_coinbases(node, hashes[:3])
    block, child = node.mine(2)
    page = open_page(node, f"/#/block/{block}")
    page.get_by_role("heading", name=f"Block {TIP + 1}").wait_for()
    pow_rows = page.locator(".pow > div")
    assert pow_rows.nth(0).inner_text().split() == ["hash", block]
    assert pow_rows.nth(1).inner_text().split() == ["target", "7fffff" + "0" * 58]
    zero_bits = 256 - int(block, 16).bit_length()
    page.get_by_text(f"starts with {zero_bits} zero bit{'' if zero_bits == 1 else 's'}").wait_for()
    page.get_by_text("hash ≤ target: valid").wait_for()
    rows = page.locator("#block-txs tbody tr")
    assert rows.count() == 4
    for txid in txids:
        page.locator(f'#block-txs a[href="#/tx/{txid}"]').wait_for()
    wait_until(lambda: "…" not in rows.nth(1).locator("td").last.inner_text(), 10, "fees")
    fees = sorted(rows.nth(i).locator("td").last.inner_text() for i in range(1, 4))
    assert fees == ["1 PCRT", "1.00000001 PCRT", "1.00000002 PCRT"]
    screenshot(page, "block")

    page.get_by_role("link", name=hashes[-1]).click()  # the parent
    page.get_by_role("heading", name=f"Block {TIP}").wait_for()
    page.get_by_role("link", name=block).click()  # its child, back where we were
    page.get_by_role("heading", name=f"Block {TIP + 1}").wait_for()
    page.get_by_role("link", name=child).click()
    page.get_by_role("heading", name=f"Block {TIP + 2}").wait_for()
    page.get_by_text("none yet: this is the tip").wait_for()


def test_ui_tx_page_verifies_its_merkle_proof_and_shows_a_post_as_text(nodes, open_page) -> None:
    node = nodes()
    hashes = node.mine(TIP, address(1))
    *_, post = spend_coinbases(node, hashes[:5], POST.encode())
    page = open_page(node, f"/#/tx/{post}")
    page.get_by_text("in the mempool").wait_for()
    assert page.locator("#tx-data").inner_text() == POST
    (block,) = node.mine(1)  # five txs: a proof three levels deep
    page.locator("#tx-proof-result").get_by_text("verified").wait_for()  # confirmed live
    assert page.locator("#tx-proof tbody tr").count() == 4  # the leaf and three levels
    proof = node.api("GET", f"/txs/{post}/proof")
    assert proof["index"] > 0 and len(proof["branch"]) == 3
    page.get_by_text(proof["merkle_root"]).first.wait_for()
    page.locator(f'a[href="#/block/{block}"]').first.wait_for()
    assert page.locator("#tx-data").inner_text() == POST  # the post is text, not markup
    assert page.locator("main img, main script").count() == 0
    assert page.evaluate("window.pwned") is None
    # the input shows the coin it spends: the coinbase of block 5, paid to key 1
    coinbase = node.api("GET", f"/blocks/{hashes[4]}")["txs"][0]["txid"]
    page.get_by_role("link", name=f"{short(coinbase)}:0").wait_for()
    page.get_by_role("link", name=short(address(1), 12)).wait_for()
    page.get_by_role("heading", name="Data").evaluate("h => h.scrollIntoView()")
    screenshot(page, "tx")


def test_ui_address_page_lists_coins_and_history(nodes, open_page) -> None:
    node = nodes()
    hashes = node.mine(TIP, address(1))
    spent = spend_coinbases(node, hashes[:2])
    node.mine(1)  # to the node's own key: key 1 keeps its coinbases less the two spent
    page = open_page(node, f"/#/address/{address(1)}")
    page.get_by_role("heading", name="Address").wait_for()
    # waiting assertions: the cards and tables fill in as the page's requests come back
    expect(page.locator("#address-summary .card")).to_have_text(
        [
            "Balance 5150 PCRT",
            "Pending 0 PCRT",
            "Received 5250 PCRT",
            "Sent 100 PCRT",
            "Transactions 107",
        ],
        use_inner_text=True,
    )
    utxos = page.locator("#address-utxos")
    rows = utxos.locator("tbody tr")
    expect(rows).to_have_count(25)
    screenshot(page, "address")
    assert rows.first.get_by_text("mature", exact=True).count() == 1
    utxos.get_by_role("button", name="Next").click()
    utxos.get_by_text("26 to 50").wait_for()
    for _ in range(3):
        utxos.get_by_role("button", name="Next").click()
    utxos.get_by_text("101 to 103").wait_for()
    assert rows.last.get_by_text("immature").count() == 1  # the newest coinbases
    assert utxos.get_by_role("button", name="Next").is_disabled()
    history = page.locator("#address-txs")
    expect(history.locator("tbody tr")).to_have_count(25)
    history.get_by_role("link", name=short(spent[1])).wait_for()  # newest first
    history.get_by_role("button", name="Older").click()
    history.get_by_text("page 2").wait_for()
    history.get_by_role("button", name="Newer").click()
    history.get_by_text("page 1").wait_for()
    expect(page.locator("#address-spent")).to_have_count(0)  # it still has coins

    # key 2 got two payments; it spends them both: its page says where they went
    onward = [spend_hex(txid, 0, 48_0000_0000, 3, 2) for txid in spent]
    for _, raw in onward:
        node.api("POST", "/txs", json={"hex": raw})
    node.mine(1)
    page.goto(f"/#/address/{address(2)}")
    gone = page.locator("#address-spent")
    expect(gone).to_contain_text("Everything this address received has been spent")
    expect(gone.get_by_role("link", name=address(3))).to_have_count(1)


def test_ui_an_unknown_block_or_tx_is_named_and_the_search_offered(nodes, open_page) -> None:
    node = nodes()
    (tip,) = node.mine(1, address(1))
    unknown = "ab" * 32
    page = open_page(node, f"/#/block/{unknown}")
    page.get_by_role("heading", name="Not found").wait_for()
    expect(page.locator("#unknown")).to_have_text(f"No block with hash {unknown} on this node.")
    page.goto("/#/block/99")
    expect(page.locator("#unknown")).to_have_text("No block at height 99 on this node.")
    page.goto("/#/tamper/99")  # the Tamper page names a missing block the same way
    expect(page.locator("#unknown")).to_have_text("No block at height 99 on this node.")
    page.goto(f"/#/tx/{unknown}")
    no_tx = f"No transaction with txid {unknown} on this node."
    expect(page.locator("#unknown")).to_have_text(no_tx)
    page.get_by_label("Search", exact=True).fill(tip)
    page.locator("#search-again").get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="Block 1", exact=True).wait_for()
    # the browser logs each 404 the pages met; those were asked for, nothing else may show
    watch = page.console_watch  # type: ignore[attr-defined]
    watch.errors[:] = [e for e in watch.errors if "404 (Not Found)" not in e]
