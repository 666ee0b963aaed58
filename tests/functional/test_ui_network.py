"""ui_network: the web UI's shell and its Network page, against real nodes in Chromium."""

from browser import PHONE, screenshot
from framework import connected, wait_until
from playwright.sync_api import expect


def test_ui_network_page_adds_a_peer_and_switches_mining(nodes, open_page) -> None:
    a, b = nodes(), nodes()
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
    screenshot(page, "network")
    page.get_by_role("button", name="Stop mining").click()
    page.get_by_role("button", name="Start mining").wait_for()
    assert a.status()["mining"] is False
    page.get_by_role("button", name="Forget").click()
    page.get_by_text("No peers yet.").wait_for()


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
