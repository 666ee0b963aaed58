"""faults_submissions: 5,000 concurrent transaction submissions while two nodes reorganize.

A and B share a chain that funds 5,000 outputs, then part. Clients submit a spend of each output
to A at once, while A mines some of them and B confirms rival spends of every tenth output on a
heavier branch. The partition heals while the submissions still pour in: A switches to B's
branch. In the end every transaction A's API accepted is confirmed on the chain both nodes
agree on, or conflicted (a rival spend of one of its inputs is confirmed); none is simply lost.
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from coins import address, spend_hex
from faults import Background, fan_out, fan_out_each
from framework import TestNode, connected, sync_all, wait_until

from pocketchain.consensus.tx import COIN

pytestmark = pytest.mark.faults

FANS = 10
OUTPUTS = 500  # per fan-out: FANS * OUTPUTS transactions to submit
CLIENTS = 16
MINE_AT = (1_500, 3_000)  # A mines a block when this many submissions are answered
HEAL_AT = 3_500
REFUSALS = {(409, "bad-txns-inputs-missingorspent"), (409, "txn-mempool-conflict")}


def funded_pair(nodes) -> tuple[TestNode, TestNode, list[str]]:
    """A and B on one chain with FANS confirmed fan-outs of OUTPUTS outputs to key 2."""
    a = nodes("--no-discover")  # the partition below holds
    b = nodes("--no-discover", "--peer", a.url)
    wait_until(lambda: connected(a, b) and connected(b, a), what="A and B to shake hands")
    hashes = a.mine(100 + FANS, address(1))
    coinbases = [a.api("GET", f"/blocks/{h}")["txs"][0]["txid"] for h in hashes[:FANS]]
    fans = [fan_out(a, txid, 50 * COIN, OUTPUTS, key=1, to=2) for txid in coinbases]
    a.mine(1)
    assert a.status()["mempool"] == 0
    sync_all([a, b])
    return a, b, fans


def confirmed_since(node: TestNode, height: int) -> tuple[set[str], dict[tuple[str, int], str]]:
    """The txids of the active chain's blocks above `height`, and which of them spent what."""
    txids: set[str] = set()
    spent_by: dict[tuple[str, int], str] = {}
    for h in range(height + 1, node.height() + 1):
        for tx in node.api("GET", f"/blocks/height/{h}")["txs"][1:]:
            txids.add(tx["txid"])
            for txin in tx["inputs"]:
                spent_by[(txin["txid"], txin["vout"])] = tx["txid"]
    return txids, spent_by


def submit_while_reorganizing(
    a: TestNode, b: TestNode, spends: list, rivals: list
) -> tuple[list[tuple[int, str]], list[str]]:
    """Submit every spend to A from CLIENTS threads at once while A mines (MINE_AT) and B
    confirms the rivals on a heavier branch; heal at HEAL_AT. Each submission's (status, error
    code), and A's blocks."""

    def b_side() -> None:  # B confirms the rivals on a branch heavier than A's
        for _, raw in rivals:
            b.api("POST", "/txs", json={"hex": raw})
        b.mine(len(MINE_AT) + 2)

    answers: list[tuple[int, str]] = [(0, "")] * len(spends)
    answered = 0
    lock = threading.Lock()

    def submit(n: int) -> None:
        nonlocal answered
        response = a.http.post("/api/v1/txs", json={"hex": spends[n][1]})
        body = response.json()
        answers[n] = (response.status_code, body["error"]["code"] if "error" in body else "")
        with lock:
            answered += 1

    branch = Background(b_side)
    a_blocks = []
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(submit, n) for n in range(len(spends))]
        for step in (*MINE_AT, HEAL_AT):
            wait_until(lambda s=step: answered >= s, 120, f"{step} answers")
            if step == HEAL_AT:
                branch.join(120)
                assert branch.finished is not None, "B's branch was not built"
                a.connect(b)  # heal, with submissions still under way
            else:
                a_blocks += a.mine(1)
        for future in futures:
            future.result()
    assert answered == len(spends)
    return answers, a_blocks


def test_every_accepted_tx_is_confirmed_or_conflicted_after_a_reorg(nodes) -> None:
    a, b, fans = funded_pair(nodes)
    fork = a.height()
    a.disconnect(b)  # the partition
    b.disconnect(a)
    each = fan_out_each(50 * COIN, OUTPUTS)
    spends = [  # (txid, raw, the output it spends)
        (*spend_hex(fan, n, each - 1_000, to=3, key=2), (fan, n))
        for fan in fans
        for n in range(OUTPUTS)
    ]
    rivals = [spend_hex(fan, n, each - 2_000, to=4, key=2) for *_, (fan, n) in spends[::10]]

    answers, a_blocks = submit_while_reorganizing(a, b, spends, rivals)

    tip = sync_all([a, b], 120)
    for _ in range(5):  # a few blocks: the mempool's transactions all fit in them
        if a.status()["mempool"] == 0:
            break
        a.mine(1)
    assert a.status()["mempool"] == 0
    assert sync_all([a, b], 60) != tip
    wait_until(lambda: b.status()["mempool"] == 0, 30, "B's mempool to empty")

    txids, spent_by = confirmed_since(b, fork)
    assert confirmed_since(a, fork)[0] == txids  # both nodes agree
    accepted = [s for s, (status, _) in zip(spends, answers, strict=True) if status in (200, 201)]
    refused = Counter(answer for answer in answers if answer[0] not in (200, 201))
    assert set(refused) <= REFUSALS, refused
    confirmed = [s for s in accepted if s[0] in txids]
    conflicted = [s for s in accepted if s[0] not in txids and s[2] in spent_by]
    lost = [s[0] for s in accepted if s[0] not in txids and s[2] not in spent_by]
    assert lost == [], f"{len(lost)} accepted transactions lost, e.g. {lost[:3]}"
    print(
        f"\n{len(accepted)} of {len(spends)} accepted: {len(confirmed)} confirmed,"
        f" {len(conflicted)} conflicted by B's rivals; refused: {dict(refused)}"
    )
    assert len(accepted) > len(spends) // 2
    assert conflicted  # B's double spends did win over some of A's accepted transactions
    assert {rival for rival, _ in rivals} <= txids
    a_tips = {t["hash"]: t["status"] for t in a.api("GET", "/tips")}
    assert a_tips.get(a_blocks[-1]) == "valid-fork"  # A's own branch lost
