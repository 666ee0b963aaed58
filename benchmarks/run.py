"""`make bench`: run every benchmark and print `name: value` lines."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_api
import bench_chain
import bench_flood
import bench_front
import bench_lab
import bench_longchain
import bench_mine
import bench_network
import bench_node
import bench_p2p
import bench_validate
import bench_web

if __name__ == "__main__":  # bench_flood starts a process that imports this module again
    for module in (
        bench_validate,
        bench_mine,
        bench_chain,
        bench_node,
        bench_api,
        bench_front,
        bench_flood,
        bench_p2p,
        bench_network,
        bench_lab,
        bench_web,
        bench_longchain,  # last: its chains take minutes to build the first time
    ):
        for name, value in module.run().items():
            print(f"{name}: {value}", flush=True)
