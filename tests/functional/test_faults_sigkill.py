"""faults_sigkill: 100 SIGKILLs at random moments while a node mines, reorganizes and syncs.

After every kill `chain verify` re-validates the data exactly as the kill left it, and the node
restarts into a chain that holds the last tip it reported (nothing it announced is lost) and that
is the most-work valid chain it knows.
"""

import random
import shutil
import time

import pytest
from coins import address, spend_hex
from faults import Background, Watch, fan_out, fan_out_each, on_active_chain, work
from framework import TestNode, sync_all, wait_until

from pocketchain.consensus.tx import COIN

pytestmark = pytest.mark.faults

MINING_ROUNDS = 40
REORG_ROUNDS = 35
SYNC_ROUNDS = 25
MINING_RESET = 2_000  # start a fresh chain past this height
FUNDED = 110  # blocks paying key 1 first: their coinbases mature as the chain grows
BRANCHES = [30, 40, 50, 60, 70, 80, 90, 100]  # lengths of the competing branches of the reorgs
SYNC_LENGTH = 400  # blocks the syncing node catches up (with transactions)
RESUME_SECONDS = 3.0  # a restarted node goes on syncing within this (not a speed target)


def coinbase(node: TestNode, height: int) -> str:
    return str(node.api("GET", f"/blocks/height/{height}")["txs"][0]["txid"])


def spend_coinbase(node: TestNode, height: int, to: int) -> None:
    """Spend the (key 1) coinbase of the block at `height` to key `to`, through the mempool."""
    node.api(
        "POST", "/txs", json={"hex": spend_hex(coinbase(node, height), 0, 49 * COIN, to, 1)[1]}
    )


# -- (a) mining -----------------------------------------------------------------------------------


def test_sigkill_while_mining(nodes) -> None:
    rng = random.Random(71)
    victim: TestNode = nodes()
    victim.mine(FUNDED, address(1))
    spent = mined = 0
    for n in range(MINING_ROUNDS):
        height = victim.height()
        if height > MINING_RESET:  # a fresh chain: verifying a long one is slow, not better
            mined += height
            victim.kill()
            shutil.rmtree(victim.data_dir)
            victim.start()
            victim.mine(FUNDED, address(1))
            spent = 0
        for _ in range(rng.randint(0, 3)):  # blocks with transactions, not only coinbases
            if spent + 1 <= victim.height() - 99:  # a mature coinbase
                spent += 1
                spend_coinbase(victim, spent, to=2)
        if n % 2 == 0:  # switched on by the API; in odd rounds, on from the start (--mine)
            mining = {"enabled": True, "miners": 1, "address": address(1)}
            victim.api("POST", "/mining", admin=True, json=mining)
        watch = Watch(victim)
        crash = watch.kill_after(rng.uniform(0.0, 0.3))
        victim.start(*(("--mine", "--mine-to", address(1)) if n % 2 == 0 else ()))
        crashed = crash.verified()
        last = watch.last
        assert on_active_chain(victim, last["tip"]), "a tip the node reported is lost"
        assert on_active_chain(victim, crashed["tip"])  # the restart only went forward
        assert crashed["height"] >= last["height"]
    mined += victim.height()
    assert mined > FUNDED + MINING_ROUNDS * 10
    assert victim.stop() == 0
    verify = victim.verify()
    assert verify.returncode == 0, verify.stdout + verify.stderr


# -- (b) reorgs -----------------------------------------------------------------------------------


def prepare_branches(helper: TestNode) -> list[list[str]]:
    """On `helper`, after its funded blocks: competing branches from the same fork point, each
    longer than the one before, each with transactions (the same ones come back to the mempool
    when a branch is invalidated, and more join)."""
    branches = []
    for n, length in enumerate(BRANCHES):
        spend_coinbase(helper, n + 1, to=2)
        branch = helper.mine(length, address(3))
        helper.api("POST", f"/blocks/{branch[0]}/invalidate", admin=True)
        branches.append(branch)
    assert helper.height() == FUNDED
    return branches


def invalidated(node: TestNode, branches: list[list[str]]) -> list[list[str]]:
    """The branches whose first block the node treats as invalid."""
    bad = {t["hash"] for t in node.api("GET", "/tips") if t["status"] == "invalid"}
    return [b for b in branches if any(h in bad for h in b)]


def check_restarted(victim: TestNode, watch: Watch, crashed: str, action: Background) -> str:
    """After a restart in the middle of `action`: the node is on its most-work valid chain and
    knows every tip it reported, and the one the kill left (`crashed`); its tip is the last it
    reported if that answer came after the action was done. Its tip."""
    tips = victim.api("GET", "/tips")
    active = tips[0]
    assert active["status"] == "active"
    rivals = [t for t in tips if t["status"] == "valid-fork"]
    assert all(work(active) >= work(t) for t in rivals), "not on the most-work valid chain"
    for tip in {status["tip"] for _, status in watch.reported} | {crashed}:
        assert victim.api("GET", f"/blocks/{tip}")["hash"] == tip
    asked, last = watch.reported[-1]
    if action.finished is not None and action.finished < asked:
        assert active["hash"] == last["tip"], "the tip moved after the last answer"
    return str(active["hash"])


def test_sigkill_while_reorganizing(nodes) -> None:
    rng = random.Random(72)
    victim: TestNode = nodes()
    helper: TestNode = nodes()
    base = helper.mine(FUNDED, address(1))
    branches = prepare_branches(helper)

    def feed(blocks: list[str]) -> None:
        helper.send_blocks_to(victim, blocks)

    feed(base + branches[0] + branches[1])
    fed = 2
    moved = midway = 0
    lasts = {"feed": 1.0, "reconsider": 0.3, "invalidate": 0.3}  # how long one takes, about
    for _ in range(REORG_ROUNDS):
        bad = invalidated(victim, branches[:fed])
        watch = Watch(victim)
        before = watch.last
        choice = rng.random()
        if fed < len(branches) and choice < 0.3:  # a heavier branch arrives block by block
            kind, action = "feed", Background(feed, branches[fed])
            fed += 1
        elif bad and (choice < 0.65 or before["height"] == FUNDED):
            first = rng.choice(bad)[0]
            kind = "reconsider"
            action = Background(victim.api, "POST", f"/blocks/{first}/reconsider", admin=True)
        else:  # back to the best branch that is left
            first = victim.api("GET", f"/blocks/height/{FUNDED + 1}")["hash"]
            kind = "invalidate"
            action = Background(victim.api, "POST", f"/blocks/{first}/invalidate", admin=True)
        crash = watch.kill_after(rng.uniform(0.0, 1.2 * lasts[kind]))  # mostly in the middle
        action.join()
        if action.finished is None:  # killed before it was done: it takes longer than thought
            lasts[kind] *= 1.5
        else:
            lasts[kind] = action.finished - action.started
        victim.start()
        crashed = crash.verified()

        active = check_restarted(victim, watch, crashed["tip"], action)
        moved += active != before["tip"]
        midway += crashed["tip"] not in (before["tip"], active)  # killed inside a switch
    print(f"{REORG_ROUNDS} kills: {moved} moved the tip, {midway} inside a switch; {lasts}")
    assert moved >= REORG_ROUNDS // 4  # the kills did hit a chain on the move
    assert victim.stop() == 0
    verify = victim.verify()
    assert verify.returncode == 0, verify.stdout + verify.stderr


# -- (c) syncing ----------------------------------------------------------------------------------


def build_source(source: TestNode) -> None:
    """A chain of SYNC_LENGTH blocks, a dozen of them with 10 transactions each."""
    source.mine(FUNDED, address(1))
    fans = [fan_out(source, coinbase(source, h), 50 * COIN, 40, key=1, to=2) for h in (1, 2, 3)]
    source.mine(1)
    each = fan_out_each(50 * COIN, 40)
    for fan in fans:
        for n in range(40):
            source.api("POST", "/txs", json={"hex": spend_hex(fan, n, each - 1000, 3, 2)[1]})
            if n % 10 == 9:
                source.mine(1)
    source.mine(SYNC_LENGTH - source.height())


def resumes(victim: TestNode, source: TestNode, crashed: dict) -> bool:
    """After a restart the node syncs on: within a few seconds it passes the height the kill
    left, or it has caught up."""
    deadline = time.monotonic() + RESUME_SECONDS
    while time.monotonic() < deadline:
        if victim.height() > crashed["height"] or victim.tip() == source.tip():
            return True
        time.sleep(0.05)
    return False


def sync_anew(victim: TestNode, source: TestNode) -> None:
    """Wipe the victim's data and start it syncing from the source from genesis."""
    victim.kill()
    shutil.rmtree(victim.data_dir)
    victim.start()
    victim.connect(source)


def test_sigkill_while_syncing(nodes) -> None:
    rng = random.Random(73)
    source: TestNode = nodes()
    build_source(source)
    victim: TestNode = nodes()
    victim.connect(source)
    # a first sync, timed from where the kills below count (the connect's answer): how long
    # the rest of a sync takes here
    began = time.monotonic()
    wait_until(lambda: victim.tip() == source.tip(), 60, "a first sync")
    window = time.monotonic() - began
    mid_sync = 0
    anew = True
    for _ in range(SYNC_ROUNDS):
        if anew or victim.tip() == source.tip():
            sync_anew(victim, source)
        watch = Watch(victim)
        # aimed inside the sync: the window's end holds the polling that noticed it was over
        crash = watch.kill_after(rng.uniform(0.0, 0.8 * window))
        victim.start()  # it remembers its peer and syncs on
        crashed = crash.verified()
        last = watch.last
        assert on_active_chain(victim, last["tip"]), "a tip the node reported is lost"
        assert on_active_chain(victim, crashed["tip"])
        assert on_active_chain(source, crashed["tip"])  # nothing but the peer's blocks
        anew = False
        if crashed["height"] < SYNC_LENGTH:
            mid_sync += 1
            # headers stored before the kill have their blocks fetched after it
            assert resumes(victim, source, crashed), f"the sync stopped at {crashed['height']}"
    print(f"{SYNC_ROUNDS} kills, {mid_sync} in the middle of a sync of {window:.2f} s")
    assert mid_sync >= SYNC_ROUNDS // 3
    assert sync_all([source, victim], 60) == source.tip()
    wait_until(lambda: victim.status()["synced"], 10, "the victim to say it is synced")
    assert victim.stop() == 0
    verify = victim.verify()
    assert verify.returncode == 0, verify.stdout + verify.stderr
