"""mine_attempts_per_s (one worker, the kernel that mines: C where it was built),
mine_attempts_per_s_python (the pure-Python reference) and mine_scaling_2_workers.

The search is given the target 0, which no hash meets, so every attempt is counted; the scaling
figure is the throughput of two worker processes on disjoint nonce ranges over that of one.
"""

import time
from concurrent.futures import ProcessPoolExecutor

from pocketchain.consensus.params import REGTEST
from pocketchain.mining.search import KERNEL, search_nonce, search_nonce_python

ATTEMPTS = 20_000_000 if KERNEL.startswith("C") else 2_000_000
PYTHON_ATTEMPTS = 1_000_000
HEADER76 = REGTEST.genesis.header.raw[:76]


def _attempts(start: int) -> float:
    """Time ATTEMPTS hashes starting at nonce `start`; returns seconds."""
    t0 = time.perf_counter()
    search_nonce(HEADER76, 0, start, start + ATTEMPTS)
    return time.perf_counter() - t0


def _throughput(workers: int) -> float:
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_attempts, [0] * workers))  # start the processes before timing
        t0 = time.perf_counter()
        list(pool.map(_attempts, [n * ATTEMPTS for n in range(workers)]))
        return workers * ATTEMPTS / (time.perf_counter() - t0)


def run() -> dict[str, float]:
    _attempts(0)  # warm-up
    single = ATTEMPTS / min(_attempts(0) for _ in range(3))
    scaling = _throughput(2) / _throughput(1)
    t0 = time.perf_counter()
    search_nonce_python(HEADER76, 0, 0, PYTHON_ATTEMPTS)
    python = PYTHON_ATTEMPTS / (time.perf_counter() - t0)
    return {
        "mine_attempts_per_s": round(single),
        "mine_attempts_per_s_python": round(python),
        "mine_scaling_2_workers": round(scaling, 2),
    }


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
