"""feature_dbcrash: SIGKILL at random moments while mining and reorging; every restart finds a
consistent chain that still holds every tip it reported, and `chain verify` passes at the end."""

import contextlib
import random
import threading
import time

import httpx
from framework import TestNode

ROUNDS = 50


def in_background(fn, *args) -> threading.Thread:
    """Run a call that the kill may cut short; its connection error is expected."""

    def run() -> None:
        with contextlib.suppress(httpx.HTTPError, RuntimeError):
            fn(*args)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_sigkill_at_random_moments(nodes) -> None:
    rng = random.Random(2026)
    victim: TestNode = nodes()
    other: TestNode = nodes()
    sent = 0  # how many of the other node's blocks the victim was given
    reorgs_seen = 0
    for _ in range(ROUNDS):
        if rng.random() < 0.5:
            work = in_background(victim.mine, rng.randint(1, 15))
        else:  # make the other chain longer, then feed it: a reorg in the middle of it
            missing = victim.height() + rng.randint(1, 4) - other.height()
            if missing > 0:
                other.mine(missing)
            hashes = [
                other.api("GET", f"/blocks/height/{h}")["hash"]
                for h in range(1, other.height() + 1)
            ]
            work = in_background(other.send_blocks_to, victim, hashes[sent:])
            sent = len(hashes)
        reported = []
        deadline = time.monotonic() + rng.uniform(0.0, 0.4)
        while time.monotonic() < deadline:
            reported.append(victim.tip())
        victim.kill()
        work.join(10)
        victim.start()
        status = victim.status()
        for tip in reported[-3:]:  # every tip it reported is still there
            assert victim.api("GET", f"/blocks/{tip}")["hash"] == tip
        assert status["height"] >= 0
        reorgs_seen += any(t["status"] == "valid-fork" for t in victim.api("GET", "/tips"))
    assert reorgs_seen > 0
    assert victim.stop() == 0
    verify = victim.verify()
    assert verify.returncode == 0, verify.stdout + verify.stderr
