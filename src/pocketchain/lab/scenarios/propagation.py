"""How fast blocks cross a network, and what slowness costs, on real nodes that talk HTTP on
loopback through links of a given latency.

The nodes, linked as `topology` says, mine in the exponential mode with equal shares. For every
block the scenario notes when each node got it (from each node's events) and measures:

- the reach time: from the moment the block's first node had it to the moment another node has
  it, over every (block, node) pair: its median and 95th percentile;
- the stale rate: the share of the blocks mined that did not make the final chain.

A block that needs t seconds to reach the network is overtaken when another block is found in
that time, with probability about 1 - exp(-t / interval): slower links and shorter intervals give
more stale blocks, which is why Bitcoin's interval is long compared to its propagation time.
"""

import math
import random
import statistics
import time
from typing import Any

from ..network import LabNetwork, Seen
from ..plot import Chart, Series
from ..race import ChainView
from ..scenario import Outcome, ScenarioError, Trace
from ..topology import TopologyError, links

NAME = "propagation"
SUMMARY = "blocks over a topology with link latencies: reach time p50/p95 and stale rate"
PARAMS: dict[str, Any] = {
    "topology": "ring",
    "nodes": 8,
    "latency_ms": 100.0,
    "loss": 0.0,
    "blocks": 40,
    "block_interval": 1.0,
}
POLL = 0.05  # seconds between two counts of the blocks mined
QUIET = 3.0  # seconds, plus the time to cross the network, before a tie is broken


def run(params: dict[str, Any], rng: random.Random, trace: Trace) -> Outcome:
    count, blocks = int(params["nodes"]), int(params["blocks"])
    latency, loss = float(params["latency_ms"]), float(params["loss"])
    interval = float(params["block_interval"])
    if not (2 <= count <= 16 and 1 <= blocks <= 10_000 and 0.1 <= interval <= 60):
        raise ScenarioError("nodes is 2 to 16, blocks 1 to 10,000, block_interval 0.1 to 60")
    try:
        pairs = links(str(params["topology"]), count, rng)
    except TopologyError as exc:
        raise ScenarioError(f"topology: {exc}") from None
    with LabNetwork(count, pairs, latency, loss) as net:
        net.wait_connected()
        net.mine(interval)
        while len(set().union(*net.seen.at)) < blocks:
            time.sleep(POLL)
        mined = set().union(*net.seen.at)
        net.settle(quiet=QUIET + count * 8 * latency / 1000)
        final = ChainView(net.nodes[0]).refresh()
        seen = net.seen
    reach: list[float] = []
    for block_hash in mined:
        first = seen.first(block_hash)
        arrivals = [at[block_hash] for at in seen.at if block_hash in at]
        assert first is not None
        reach += [(t - first) * 1000 for t in arrivals if t > first]
        trace("block", hash=block_hash, nodes=len(arrivals), last_ms=round(max(reach or [0]), 1))
    stale = len(mined - set(final)) / max(len(mined), 1)
    p50, p95 = _quantile(reach, 0.5), _quantile(reach, 0.95)
    reach.sort()
    chart = Chart(
        f"Block reach, {params['topology']} of {count}, {latency:g} ms links",
        "ms after the first node had the block",
        "share of deliveries",
        [Series("measured", tuple((ms, (i + 1) / len(reach)) for i, ms in enumerate(reach)))],
    )
    return Outcome(
        {
            "reach_p50_ms": round(p50, 1),
            "reach_p95_ms": round(p95, 1),
            "stale_rate": round(stale, 4),
            "blocks": len(mined),
            "mode": "exponential",
        },
        {
            "stale_rate_estimate": round(
                _stale_estimate(seen, [h for h in final if h in mined], count, interval), 4
            )
        },
        chart,
    )


def _stale_estimate(seen: Seen, final: list[str], count: int, interval: float) -> float:
    """The chance that a block meets a rival: while node j has not got it yet (t_j seconds),
    j finds a block of its own at rate 1 / (count * interval); averaged over the blocks of the
    final chain that every node got, 1 - exp(-sum of t_j / (count * interval))."""
    chances = []
    for block_hash in final:
        first = seen.first(block_hash)
        delays = [at[block_hash] - (first or 0.0) for at in seen.at if block_hash in at]
        if len(delays) == count:
            chances.append(1 - math.exp(-sum(delays) / (count * interval)))
    return statistics.fmean(chances) if chances else 0.0


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
