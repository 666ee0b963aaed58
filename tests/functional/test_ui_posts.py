"""ui_posts: posting from the browser wallet, and the feed checking every author in the browser,
against two real nodes in Chromium."""

from hashlib import sha256

from browser import DESKTOP, PHONE, Page, screenshot
from framework import TestNode, connected, sync_all, wait_until
from playwright.sync_api import Locator

from pocketchain.consensus.hashes import from_display, to_display
from pocketchain.consensus.keys import encode_address, key_hash, pubkey_from_secret
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.tx import COIN, TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx

PASSPHRASE = "a long browser passphrase"
HELLO = "hello from the browser\n  kept as written: <b>not bold</b> & ✓"
XSS = "<img src=x onerror=alert(1)>"


def funded_wallet(page: Page, node: TestNode) -> str:
    """Create a wallet in the page and give it confirmed faucet coins; its address."""
    page.locator("#create-pass").fill(PASSPHRASE)
    page.locator("#create-confirm").fill(PASSPHRASE)
    page.get_by_role("button", name="Create wallet").click()
    address = page.locator("#my-address").inner_text()
    page.get_by_role("button", name="Get coins from the faucet").click()
    page.get_by_text("The faucet sent you").wait_for()
    node.mine(1)
    page.locator("#balance-spendable", has_text="10 PCRT").wait_for()
    return address


def post(page: Page, text: str) -> str:
    """Sign and post `text` from the compose box; the txid."""
    page.get_by_label("Your post").fill(text)
    page.get_by_role("button", name="Sign and post").click()
    return page.get_by_role("status").get_by_role("link").get_attribute("href").split("/")[-1]


def article(page: Page, txid: str) -> Locator:
    return page.locator(f'article.post[data-txid="{txid}"]')


def test_ui_posts_signed_in_the_browser_verified_on_another_node(nodes, open_page) -> None:
    a, b = nodes(), nodes()
    a.mine(101)
    a.connect(b)
    wait_until(lambda: connected(a, b) and connected(b, a), what="the nodes to connect")
    sync_all([a, b])

    other = open_page(b, "/#/posts", viewport=PHONE)  # the second node's feed, open all along
    dialogs: list[str] = []
    other.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page = open_page(a, "/#/posts", viewport=PHONE)
    page.get_by_role("link", name="create or unlock it").click()
    address = funded_wallet(page, a)
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Posts").click()

    # the compose box counts UTF-8 bytes and refuses a post over 512 of them
    page.get_by_label("Your post").fill("é" * 257)
    page.get_by_text("514 / 512 bytes: 2 too many").wait_for()
    page.get_by_role("button", name="Sign and post").click()
    page.get_by_role("alert").get_by_text("at most 512 bytes").wait_for()
    assert a.api("GET", "/mempool")["count"] == 0

    hello = post(page, HELLO)
    mine = article(page, hello)
    mine.get_by_text("verified", exact=True).wait_for()
    mine.get_by_text("pending").wait_for()

    # the second node's feed: relayed as a transaction, shown live, checked in that browser too
    shown = article(other, hello)
    shown.get_by_text("verified", exact=True).wait_for()
    shown.get_by_text("pending").wait_for()
    assert shown.locator(".post-meta a").first.inner_text() == address
    assert shown.locator(".content").inner_text() == HELLO  # escaped, white space kept
    assert shown.locator("b").count() == 0

    # a block confirms it: both feeds follow without a reload
    a.mine(1)
    sync_all([a, b])
    shown.get_by_text("in block").wait_for()
    assert shown.get_by_text("pending").count() == 0
    mine.get_by_text("in block").wait_for()

    # markup in a post is text: no element is made, nothing runs
    xss = post(page, XSS)
    risky = article(other, xss)
    risky.get_by_text("verified", exact=True).wait_for()
    assert risky.locator(".content").inner_text() == XSS
    assert other.locator("img").count() == 0 and page.locator("img").count() == 0
    assert dialogs == []
    assert a.api("GET", f"/addresses/{address}")["pending"] < 0  # paid only the fee
    assert a.api("GET", f"/addresses/{address}")["balance"] > 9 * COIN

    assert other.get_by_text("unverified").count() == 0

    page.get_by_label("Your post").fill("A draft: the counter shows its size in bytes ✓")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "posts")


def post_chain(node: TestNode, count: int) -> list[Tx]:
    """`count` posts signed here in Python, each spending the last one's change (not sent yet)."""
    key = sha256(b"ui posts key").digest()
    own = key_hash(pubkey_from_secret(key))
    paid = node.api("POST", "/faucet", json={"address": encode_address(REGTEST.hrp, own)})
    outputs = node.api("GET", f"/txs/{paid['txid']}")["outputs"]
    vout = [o["amount"] for o in outputs].index(paid["amount"])
    prevout, amount = OutPoint(from_display(paid["txid"]), vout), paid["amount"]
    txs = []
    for n in range(count):
        amount -= 1000  # the fee: well over 1 unit per byte
        unsigned = Tx(TX_VERSION, (TxIn(prevout, b"", b""),), (TxOut(amount, own),), b"post %d" % n)
        txs.append(sign_tx(unsigned, (key,), REGTEST.magic))
        prevout = OutPoint(txs[-1].txid, 0)
    return txs


def test_ui_posts_pages_through_the_feed(nodes, open_page) -> None:
    node = nodes()
    node.mine(101)
    txs = post_chain(node, 21)
    for n, tx in enumerate(txs):
        if n == 10:
            node.mine(1)  # the first ten confirmed, the other eleven pending
        node.api("POST", "/txs", json={"hex": tx.raw.hex()})
    txids = [to_display(tx.txid) for tx in txs]
    page = open_page(node, "/#/posts", viewport=PHONE)
    posts = page.locator("article.post")
    wait_until(lambda: posts.count() == 20, what="a page of 20 posts")
    assert [posts.nth(i).get_attribute("data-txid") for i in range(20)] == txids[:0:-1]
    assert posts.first.locator(".content").inner_text() == "post 20"
    wait_until(
        lambda: page.get_by_text("verified", exact=True).count() == 20, what="20 posts verified"
    )
    assert page.get_by_text("pending", exact=True).count() == 11
    page.get_by_role("button", name="Older posts").click()
    article(page, txids[0]).get_by_text("verified", exact=True).wait_for()
    assert posts.count() == 1 and page.get_by_role("button", name="Older posts").is_disabled()
    page.get_by_role("button", name="Newer posts").click()
    article(page, txids[-1]).wait_for()
    assert posts.count() == 20
