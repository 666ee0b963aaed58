"""ui_network: the web UI's shell and its Network page, against real nodes in Chromium."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from browser import PHONE, screenshot
from framework import connected, wait_until
from playwright.sync_api import expect
from sender import Sender, greedy_block


def test_ui_network_page_adds_a_peer_and_switches_mining(nodes, open_page) -> None:
    a, b = nodes("--no-discover"), nodes("--no-discover")  # B does not dial A back
    page = open_page(a, "/#/network")
    page.get_by_role("heading", name="Network").wait_for()
    assert page.locator("#network").inner_text() == "regtest"
    page.get_by_label("Add a peer").fill(b.url)
    page.get_by_role("button", name="Connect").click()
    page.get_by_role("cell", name=b.url).wait_for()
    wait_until(lambda: connected(a, b), what="A to connect to B")
    page.get_by_role("button", name="Start mining").click()
    page.get_by_role("button", name="Stop mining").wait_for()
    assert a.status()["mining"] is True
    wait_until(lambda: a.height() >= 2 and b.height() >= 2, what="blocks mined and relayed")
    page.get_by_role("button", name="Stop mining").click()
    page.get_by_role("button", name="Start mining").wait_for()
    assert a.status()["mining"] is False
    page.get_by_role("button", name="Forget").click()
    page.get_by_text("No peers yet.").wait_for()


def test_ui_network_page_shows_directions_the_address_book_and_bans(nodes, open_page) -> None:
    node = nodes(host="127.0.0.1")
    dialler = nodes("--peer", node.url, host="127.3.0.1")  # an inbound peer of the node
    wait_until(lambda: node.api("GET", "/network")["inbound"] >= 1, what="the inbound peer")
    bad = Sender(node, "127.0.0.77")
    key = bad.hello("http://127.0.0.77:7001").json()["key"]
    block = greedy_block(node).raw.hex()
    bad.http.post("/api/v1/peers/blocks", json={"hex": block}, headers={"X-Peer-Key": key})
    page = open_page(node, "/#/network")
    slots = page.locator("#slots")
    expect(slots).to_contain_text("inbound")
    inbound = node.api("GET", "/network")["inbound"]
    expect(slots).to_contain_text(f"inbound {inbound} of 64")
    expect(page.locator("#book")).to_contain_text("heard of")
    rows = page.get_by_role("row").filter(has_text=dialler.url)
    expect(rows.filter(has_text="inbound")).to_have_count(1)
    bans = page.get_by_role("region", name="Bans (1)")
    expect(bans.get_by_role("cell", name="127.0.0.77")).to_be_visible()
    expect(bans).to_contain_text("bad-cb-amount")
    screenshot(page, "network")


def test_ui_serves_its_page_and_guards_the_admin_token(nodes, open_page) -> None:
    node = nodes()
    index = node.http.get("/")
    assert index.status_code == 200 and "text/html" in index.headers["content-type"]
    assert '<script type="module" src="/web/app.js">' in index.text
    assert node.http.get("/web/app.js").status_code == 200
    # outside the browser's own same-origin requests the token is never given
    refused = node.http.get("/ui/admin-token")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert node.token not in refused.text
    cross = node.http.get("/ui/admin-token", headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    assert "access-control-allow-origin" not in {k.lower() for k in cross.headers}
    # the page on this machine gets it by itself (Chromium marks the request same-origin)
    page = open_page(node, "/#/network", viewport=PHONE)
    page.get_by_role("button", name="Start mining").click()
    page.get_by_role("button", name="Stop mining").wait_for()
    page.get_by_role("button", name="Stop mining").click()
    page.get_by_role("button", name="Start mining").wait_for()
    page.goto("/#/no-such-page")
    page.get_by_role("heading", name="Not found").wait_for()


def test_ui_works_from_the_keyboard(nodes, open_page) -> None:
    node = nodes()
    page = open_page(node, "/#/network")
    page.get_by_role("heading", name="Network").wait_for()
    page.keyboard.press("Tab")  # the first stop: the skip link, shown when focused
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    stops = []
    for _ in range(8):  # then the brand and the navigation, in order
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.textContent"))
    assert stops[:7] == [
        "pocketchain",
        "Dashboard",
        "Blocks",
        "Chain",
        "Wallet",
        "Posts",
        "Network",
    ]
    page.get_by_role("link", name="Network").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # Posts, opened from the keyboard
    page.wait_for_url("**/#/posts")
    posts = page.get_by_role("navigation", name="Pages").get_by_role("link", name="Posts")
    expect(posts).to_have_attribute("aria-current", "page")  # set once the router has run


class ForeignSite:
    """Another site (127.0.0.2, another origin and site than the node's) whose page frames the
    node's Network page, as a clickjacking page would."""

    def __init__(self, framed: str) -> None:
        page = f'<!doctype html><title>foreign</title><iframe src="{framed}"></iframe>'.encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
        self.url = f"http://127.0.0.2:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_ui_cannot_be_framed_by_another_site(nodes, browser) -> None:
    node = nodes()
    site = ForeignSite(f"{node.url}/#/network")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site.url)
        wait_until(lambda: len(page.frames) == 2 and page.frames[1].url != "about:blank")
        framed = page.frames[1]
        framed.wait_for_load_state()
        assert not framed.url.startswith(node.url), "the browser showed the node in a frame"
        assert framed.get_by_role("button", name="Start mining").count() == 0
        assert node.status()["mining"] is False
    finally:
        context.close()
        site.close()


def test_ui_api_docs_run_under_the_pages_policy(nodes, open_page) -> None:
    """/docs is Swagger UI: it renders the node's routes with scripts from the node only (a
    script the Content-Security-Policy blocked would be a console error, which fails the test)."""
    node = nodes()
    page = open_page(node, "/docs")
    page.get_by_text("/api/v1/status", exact=True).first.wait_for()
    policy = page.evaluate("fetch('/docs').then(r => r.headers.get('content-security-policy'))")
    assert "script-src 'self'" in policy
