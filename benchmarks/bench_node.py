"""node_rss_mb: resident memory of a node process after it connected 100,000 transactions.

A fresh process opens a real Node (SQLite, the default UTXO cache bound), and 100 blocks of 1,000
signed transactions are submitted to its writer, as the API would. The coins they spend are put
in the UTXO set first. The figure is the process's resident set size at the end.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

BLOCKS = 100

_CHILD = """
import sys, time
from pathlib import Path
sys.path.insert(0, {bench_dir!r})
from bench_chain import TXS, _block_on, _funded_txs
from pocketchain.consensus.params import REGTEST
from pocketchain.node.node import Node

node = Node(REGTEST, Path({data_dir!r}), miners=1)
prev = REGTEST.genesis
for height in range(1, {blocks} + 1):
    txs = tuple(_funded_txs(node.chain, TXS, height)[0])
    prev = _block_on(prev, height, txs)
    node.call(node.accept_block, prev, False)
assert node.chain.height == {blocks}
rss_kb = int(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1])
print(rss_kb // 1024, len(node.chain.coins), node.chain.coins.max_size)
node.close()
"""


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        code = _CHILD.format(bench_dir=str(Path(__file__).parent), data_dir=tmp, blocks=BLOCKS)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=600
        ).stdout.split()
    rss_mb, cached, bound = (int(x) for x in out)
    assert cached <= bound, "the UTXO cache exceeded its bound"
    return {"node_rss_mb": rss_mb, "node_utxo_cache_entries": cached}


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
