"""The native nonce search (mining/_kernel.c) against the Python reference and Bitcoin's blocks.

`make test` builds the C kernel (a compiler is part of the set-up), so these tests use it for
real; where it is missing they fail rather than pass on the Python search. The C code has two
SHA-256s: the CPU's SHA extensions when it has them, and portable C, run here in a subprocess
with POCKETCHAIN_KERNEL=portable.
"""

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from pocketchain.consensus.block import BlockHeader
from pocketchain.consensus.hashes import from_display
from pocketchain.consensus.pow import compact_to_target
from pocketchain.mining import search
from pocketchain.mining.search import KERNEL, search_nonce, search_nonce_python

# (header with nonce 0, the nonce it was mined with, its hash): Bitcoin's genesis block and block
# 100,000, as every block explorer shows them
BITCOIN = [
    (
        BlockHeader(
            1,
            bytes(32),
            from_display("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"),
            1231006505,
            0x1D00FFFF,
            0,
        ),
        2083236893,
        "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
    ),
    (
        BlockHeader(
            1,
            from_display("000000000002d01c1fccc21636b607dfd930d31d01c3a62104612a1719011250"),
            from_display("f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766"),
            1293623863,
            0x1B04864C,
            0,
        ),
        274148111,
        "000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506",
    ),
]
AROUND = 200_000  # nonces searched before the known one


def test_the_c_kernel_mines() -> None:
    assert KERNEL in ("C (SHA-NI)", "C (portable)"), f"mining with {KERNEL}: _kernel.c not built"


def test_it_finds_the_nonces_of_bitcoin_blocks() -> None:
    for header, nonce, block_hash in BITCOIN:
        target = compact_to_target(header.bits)[0]
        found = search_nonce(header.raw[:76], target, nonce - AROUND, nonce + AROUND)
        assert found == nonce
        assert replace(header, nonce=nonce).hash_hex == block_hash
        assert search_nonce(header.raw[:76], target, nonce + 1, nonce + AROUND) is None


targets = st.one_of(
    st.integers(0, 2**256 - 1).map(lambda t: t >> 248),  # almost nothing meets these
    st.integers(0, 2**256 - 1).map(lambda t: t >> 4),  # about 1 in 16 hashes meets these
    st.integers(0, 2**256 - 1),  # about half
    st.just(2**256 - 1),
    st.just(0),
)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=76, max_size=76), targets, st.integers(0, 2**32 - 600))
def test_c_and_python_agree(header76: bytes, target: int, start: int) -> None:
    stop = start + 500
    assert search_nonce(header76, target, start, stop) == search_nonce_python(
        header76, target, start, stop
    )


def test_the_portable_c_agrees_too() -> None:
    """The same checks in a process whose kernel may not use the SHA extensions."""
    script = """
import json, random
from pocketchain.mining.search import KERNEL, search_nonce, search_nonce_python
rnd = random.Random(7)
cases = [(rnd.randbytes(76), rnd.getrandbits(256) >> rnd.randrange(0, 8), rnd.randrange(2**31))
         for _ in range(150)]
same = all(search_nonce(h, t, s, s + 400) == search_nonce_python(h, t, s, s + 400)
           for h, t, s in cases)
print(json.dumps([KERNEL, same]))
"""
    env = os.environ | {"POCKETCHAIN_KERNEL": "portable"}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == ["C (portable)", True]


def test_edges_of_the_range_and_the_target() -> None:
    header, nonce, _ = BITCOIN[0]
    head = header.raw[:76]
    target = compact_to_target(header.bits)[0]
    assert search_nonce(head, target, nonce, nonce + 1) == nonce
    assert search_nonce(head, target, nonce, nonce) is None  # an empty range
    assert search_nonce(head, -1, 0, 1_000) is None  # no hash is below zero
    assert search_nonce(head, 2**300, 5, 10) == 5  # every hash is below 2**256
    assert search_nonce(head, 2**256 - 1, 2**32 - 1, 2**32) == 2**32 - 1  # the last nonce


def test_the_search_lets_other_threads_run() -> None:
    """It releases the GIL: a thread counting beside a long search keeps counting."""
    if search._NATIVE is None:
        raise AssertionError("the C kernel is not built")
    ticks = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    counter = threading.Thread(target=count)
    counter.start()
    started = time.perf_counter()
    search_nonce(BITCOIN[0][0].raw[:76], 0, 0, 3_000_000)
    took = time.perf_counter() - started
    stop.set()
    counter.join()
    # with the GIL held for the whole search the counter could tick once at most
    assert ticks >= 5 or took < 0.02, (ticks, took)
