"""ui_tamper: the Tamper page in Chromium, on a devnet node (its proof of work is hard enough
that an edited header almost never meets the target by chance: odds 1 in 65,536). A block with
a post is edited the way Anders Brownworth's demo does it, and the node's own dry run names what
breaks at each step; the node's chain never changes until a block is submitted."""

import json
from pathlib import Path

from browser import DESKTOP, screenshot
from playwright.sync_api import Page, expect

from builders import kh, secret
from pocketchain.consensus.hashes import from_display
from pocketchain.consensus.keys import encode_address
from pocketchain.consensus.params import DEVNET
from pocketchain.consensus.tx import COIN, TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx

RULES = json.loads(
    (Path(__file__).parents[2] / "src/pocketchain/api/web/rules.json").read_text(encoding="utf-8")
)
POST = "hello, chain"


def address(n: int) -> str:
    return encode_address(DEVNET.hrp, kh(n))


def chain_with_a_post(node) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    """Mine a devnet chain whose block holds a post, then two blocks on it: (that block's
    hash, the hashes after it)."""
    first = node.mine(DEVNET.coinbase_maturity + 1, address(1))
    coinbase = node.api("GET", f"/blocks/{first[0]}")["txs"][0]["txid"]
    unsigned = Tx(
        TX_VERSION,
        (TxIn(OutPoint(from_display(coinbase), 0), b"", b""),),
        (TxOut(49 * COIN, kh(1)),),
        POST.encode(),
    )
    node.api("POST", "/txs", json={"hex": sign_tx(unsigned, (secret(1),), DEVNET.magic).raw.hex()})
    (posted,) = node.mine(1, address(1))
    return posted, node.mine(2, address(1))


def verdict(page: Page, code: str) -> None:
    """Wait for the node's dry-run verdict `code` ("valid" or a reject code) and its rule."""
    box = page.locator("#tamper-verdict")
    expect(box).to_have_attribute("data-code", code)
    if code != "valid":
        expect(box).to_contain_text(RULES[code])


def mine(page: Page) -> None:
    page.get_by_role("button", name="Mine", exact=True).click()
    expect(page.locator("#mine-status")).to_contain_text("Found nonce", timeout=60_000)
    expect(page.locator("#mine-status")).to_contain_text("kH/s")
    expect(page.locator("#tamper-pow")).to_contain_text("meets the target")


def test_ui_tamper_breaks_a_block_and_every_block_after_it(nodes, open_page) -> None:
    node = nodes(network="devnet")
    posted, later = chain_with_a_post(node)
    tip = node.status()["tip"]
    page = open_page(node, "/#/tamper", viewport=DESKTOP)
    page.get_by_label("Block height or hash").fill(posted)
    page.get_by_role("button", name="Open a copy").click()
    verdict(page, "valid")
    expect(page.locator("#tamper-chain .broken")).to_have_count(0)
    text = page.get_by_label("Post text of transaction 1")
    expect(text).to_have_value(POST)

    # one byte of the post: its txid, the tree's path to the root, the verdict
    text.fill(POST.replace("o", "O", 1))
    verdict(page, "bad-txnmrklroot")
    expect(page.locator("#tx-1-txid")).to_have_class("changed")
    expect(page.locator("#tx-0-txid")).not_to_have_class("changed")
    expect(page.locator(".merkle-node.changed")).to_have_count(2)  # the post's leaf and the root
    expect(page.locator("#root-agreement")).to_contain_text("no longer commits")
    screenshot(page, "tamper-merkle")

    # the header made to commit to the edit: the proof of work is gone
    page.get_by_role("button", name="Fix the merkle root").click()
    verdict(page, "high-hash")
    expect(page.locator("#tamper-pow")).to_contain_text("above the target")

    # mined again in the browser: what cannot be fixed without the key is the signature
    mine(page)
    verdict(page, "bad-signature")
    expect(page.locator("#tx-1-sigs")).to_contain_text("signature broken")

    # and every block after it names the old hash as its prev
    cards = page.locator("#tamper-chain .chain-card")
    expect(cards).to_have_count(1 + 1 + len(later))  # its parent, itself, the later ones
    expect(cards.nth(0)).not_to_have_class("chain-card broken")
    for n in range(1, 2 + len(later)):
        expect(cards.nth(n)).to_have_class("chain-card broken")
    expect(cards.nth(2)).to_contain_text("its prev names the old hash")
    page.locator("#tamper-chain").scroll_into_view_if_needed()
    screenshot(page, "tamper-chain")
    assert node.status()["tip"] == tip  # dry runs only


def test_ui_tamper_submits_a_valid_block_that_loses_to_the_longer_chain(nodes, open_page) -> None:
    node = nodes(network="devnet")
    posted, later = chain_with_a_post(node)
    page = open_page(node, f"/#/block/{posted}", viewport=DESKTOP)
    page.get_by_role("link", name="Tamper with a copy of this block").click()
    verdict(page, "valid")

    # the miner's reward paid to another key: no signature covers a coinbase
    page.get_by_label("Address of output 0 of transaction 0").fill(address(2))
    verdict(page, "bad-txnmrklroot")
    page.get_by_label("Address of output 0 of transaction 0").fill("pcd1notanaddress")
    expect(page.get_by_role("alert")).to_contain_text("pays to an address of this network")
    page.get_by_label("Address of output 0 of transaction 0").fill(address(2))
    expect(page.get_by_role("alert")).to_be_hidden()
    page.get_by_role("button", name="Fix the merkle root").click()
    verdict(page, "high-hash")
    mine(page)
    verdict(page, "valid")
    screenshot(page, "tamper")

    page.get_by_role("button", name="Submit this block to the node").click()
    expect(page.get_by_role("status")).to_contain_text("less work than the active chain")
    assert node.status()["tip"] == later[-1]  # the node keeps its heavier chain
    edited = page.locator("#tamper-hash").inner_text()
    tips = {t["hash"]: t["status"] for t in node.api("GET", "/tips")}
    assert tips == {later[-1]: "active", edited: "headers-only"}
    page.get_by_role("status").get_by_role("link", name="Chain page").click()
    tree = page.locator("svg.tree")
    expect(tree).to_contain_text("headers-only")
    expect(tree).to_have_attribute(
        "aria-label",
        f"active chain to height {node.status()['height']}; 1 side branch: headers-only,"
        " 1 block forking after height 21",
    )
    screenshot(page, "tamper-submitted")
