"""`make bench`: run every benchmark and print `name: value` lines."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_chain
import bench_mine
import bench_node
import bench_validate

for module in (bench_validate, bench_mine, bench_chain, bench_node):
    for name, value in module.run().items():
        print(f"{name}: {value}", flush=True)
