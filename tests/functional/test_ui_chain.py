"""ui_chain: the chain view draws the block tree near the tip, so a learner sees where a fork
happened and which branch won."""

from browser import screenshot
from framework import connected, sync_all, wait_until
from playwright.sync_api import expect


def boxed(h: str) -> str:
    """What a block's box shows of its hash (format.js `short(hash, 6)`)."""
    return f"{h[:6]}…{h[-4:]}"


def test_ui_chain_shows_the_losing_side_of_a_healed_partition(nodes, open_page) -> None:
    a, b = nodes("--no-discover"), nodes("--no-discover")  # the partition below holds
    a.connect(b)
    wait_until(lambda: connected(a, b) and connected(b, a), what="A and B to shake hands")
    a.mine(5)
    sync_all([a, b])
    page = open_page(b, "/#/chain")
    tree = page.locator("svg.tree")
    expect(tree).to_have_attribute(
        "aria-label", "active chain to height 5; no side branch near the tip"
    )

    a.disconnect(b)  # the partition
    b.disconnect(a)
    (lost,) = b.mine(1)
    won = a.mine(2)
    page.locator(f'svg.tree a[href="#/block/{lost}"]').wait_for()  # B's own block, live
    a.connect(b)  # heal: B reorganizes onto A's heavier branch
    sync_all([a, b], 15)

    for _ in range(2):  # live, then drawn afresh
        expect(tree).to_have_attribute(
            "aria-label",
            "active chain to height 7; 1 side branch: valid-fork, 1 block forking after height 5",
        )
        tree.get_by_text("valid-fork").wait_for()
        tree.get_by_text(boxed(lost)).wait_for()
        for block in won:
            tree.locator(f'a[href="#/block/{block}"]').wait_for()
        page.reload()
    page.get_by_role("cell", name="valid-fork").wait_for()
    screenshot(page, "chain")

    tree.get_by_text(boxed(lost)).click()  # a box is a link to its block
    page.get_by_role("heading", name="Block 6").wait_for()
    page.get_by_text("not on the active chain").wait_for()


def test_ui_chain_marks_an_invalidated_branch(nodes, open_page) -> None:
    node = nodes()
    hashes = node.mine(4)
    node.api("POST", f"/blocks/{hashes[2]}/invalidate", admin=True)  # blocks 3 and 4
    page = open_page(node, "/#/chain")
    tree = page.locator("svg.tree")
    expect(tree).to_have_attribute(
        "aria-label",
        "active chain to height 2; 1 side branch: invalid, 2 blocks forking after height 2",
    )
    tree.get_by_text("invalid").wait_for()
    node.api("POST", f"/blocks/{hashes[2]}/reconsider", admin=True)  # back, drawn live
    expect(tree).to_have_attribute(
        "aria-label", "active chain to height 4; no side branch near the tip"
    )
    tree.locator(f'a[href="#/block/{hashes[3]}"]').focus()  # the boxes work from the keyboard
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Block 4").wait_for()


def test_ui_chain_keeps_the_tip_in_view_and_pans_or_fits_to_a_fork(nodes, open_page) -> None:
    node = nodes()
    hashes = node.mine(12)
    node.api("POST", f"/blocks/{hashes[8]}/invalidate", admin=True)  # 9 to 12: a side branch
    node.mine(20)  # the tip, 28, is 20 columns right of where the branch parts
    page = open_page(node, "/#/chain")
    tree = page.locator("svg.tree")
    expect(tree).to_have_attribute(
        "aria-label",
        "active chain to height 28; 1 side branch: invalid, 4 blocks forking after height 8",
    )
    # the drawing is wider than the window: it opens on the active tip
    branch_tip = tree.locator(f'a[href="#/block/{hashes[11]}"]')
    expect(tree.get_by_text("active", exact=True)).to_be_in_viewport()
    expect(branch_tip).not_to_be_in_viewport()
    page.get_by_role("row").filter(has_text="invalid").get_by_role("button", name="Show").click()
    expect(branch_tip).to_be_in_viewport()  # panned to where the branch parts
    page.get_by_role("button", name="Fit the whole tree").click()
    expect(tree.get_by_text("active", exact=True)).to_be_in_viewport()
    expect(branch_tip).to_be_in_viewport()
    expect(page.get_by_role("button", name="Actual size")).to_have_attribute("aria-pressed", "true")
