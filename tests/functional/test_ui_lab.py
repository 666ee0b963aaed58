"""ui_lab: a devnet's Network page (its topology, split and heal) and the Chain page's view of
every node (forks while split, the stale blocks after the heal), in Chromium."""

from pathlib import Path
from types import SimpleNamespace

from browser import screenshot
from devnets import admin, three_nodes
from framework import wait_until
from playwright.sync_api import expect


def test_ui_splits_and_heals_a_devnet_and_shows_every_nodes_chain(
    tmp_path: Path, open_page
) -> None:
    with three_nodes(tmp_path) as (urls, data_dir, http):
        wait_until((data_dir / "devnet.json").exists, 120, "the devnet to start")

        def status(n: int) -> dict:  # type: ignore[type-arg]
            return http.get(f"{urls[n]}/api/v1/status").json()

        def mine(n: int, blocks: int) -> list[str]:
            answer = http.post(
                f"{urls[n]}/api/v1/mine", json={"blocks": blocks}, headers=admin(data_dir, n)
            )
            return list(answer.json()["hashes"])

        wait_until(lambda: [status(n)["peers"] for n in range(3)] == [2, 2, 2], 60, "a mesh")
        page = open_page(SimpleNamespace(url=urls[0]), "/#/network")
        devnet = page.get_by_role("region", name="Devnet")
        expect(devnet.locator("svg.topology g.node")).to_have_count(3)
        expect(devnet.locator("svg.topology g.link")).to_have_count(3)
        expect(page.locator("#split-state")).to_have_text("whole")

        page.get_by_label("Split into groups").fill("0,1 2")
        page.get_by_role("button", name="Split").click()
        expect(page.locator("#split-state")).to_have_text("split: 2 links cut")
        expect(devnet.locator("g.link.cut")).to_have_count(2)
        expect(devnet.locator('g.link.cut[data-link="0-2"]')).to_have_count(1)
        wait_until(lambda: status(2)["peers"] == 0, 30, "node 2 cut off")
        lost = mine(0, 1)[0]
        wait_until(lambda: status(1)["tip"] == lost, 30, "node 0's block on node 1")
        won = mine(2, 2)[-1]
        assert status(0)["tip"] == lost  # nothing crossed the split
        screenshot(page, "lab-network")

        chain = open_page(SimpleNamespace(url=urls[0]), "/#/chain")
        rows = chain.locator("#every-node table.views tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.nth(2).locator("td.view-cell.fork")).not_to_have_count(0)  # node 2 parts
        expect(rows.nth(0).locator("td.view-cell.fork")).to_have_count(0)
        expect(chain.locator("#no-stale")).to_be_visible()

        page.get_by_role("button", name="Heal").click()
        expect(page.locator("#split-state")).to_have_text("whole")
        wait_until(lambda: {status(n)["tip"] for n in range(3)} == {won}, 60, "one tip")
        stale = chain.locator("#stale")
        expect(stale).to_contain_text("valid-fork", timeout=15_000)
        expect(stale.get_by_role("link")).to_have_attribute("href", f"#/block/{lost}")
        expect(stale).to_contain_text("node0")
        expect(chain.locator("#every-node td.view-cell.fork")).to_have_count(0)
        screenshot(chain, "lab-chain")


def test_off_a_devnet_the_devnet_is_null_and_its_views_404(nodes) -> None:
    node = nodes()
    answer = node.http.get("/api/v1/devnet")
    assert answer.status_code == 200 and answer.json() is None
    views = node.http.get("/api/v1/devnet/views")
    assert views.status_code == 404 and views.json()["error"]["code"] == "not-found"
    assert node.http.post("/api/v1/devnet/heal").status_code == 401  # admin only
