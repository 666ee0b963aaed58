"""Selfish mining (Eyal and Sirer, "Majority is not enough", 2014), on real nodes.

A pool with a share `alpha` of the hash power keeps the blocks it finds to itself and publishes
them by the paper's strategy (its Algorithm 1), to waste the honest miners' work:

- ahead by one and the others find a block: publish ours; the tie is a race;
- ahead by two and the others find one: publish everything, and win;
- further ahead: publish one block for each of theirs, staying ahead;
- in a tie, the pool's next block settles it: publish it, and win both.

The honest power is two nodes. In a tie, the one that heard the pool's block first mines on it:
it holds a share `gamma` of the honest power for that race, the other (which found the honest
block) the rest. Every block is real and every node follows the real rules: the most work wins,
and a tie goes to the block that came first. The pool's revenue is its share of the blocks on
the honest nodes' final chain; the paper's closed form predicts it.
"""

import random
from typing import Any

from ..._embedded import Node
from ..plot import Chart, Series
from ..race import ChainView, first_to_find, hand_over
from ..scenario import Outcome, ScenarioError, Trace
from ..theory import eyal_sirer, selfish_threshold

NAME = "selfish-mining"
SUMMARY = "a pool withholds its blocks (Eyal and Sirer 2014); its revenue against the closed form"
PARAMS: dict[str, Any] = {"alpha": 0.33, "gamma": 0.0, "blocks": 5000}
POINTS = 40  # of the running share, for the chart
POOL, HONEST_A, HONEST_B = 0, 1, 2


class Race:
    """The three nodes and what the pool has not published yet."""

    def __init__(self, nodes: list[Node], trace: Trace) -> None:
        self.nodes = nodes
        self.trace = trace
        self.hidden: list[str] = []  # the pool's unpublished blocks, oldest first
        self.tie_with: int | None = None  # in a tie: the honest node that mines on the pool's block
        self.pool_blocks: set[str] = set()

    def height(self, node: int) -> int:
        return self.nodes[node].status().height

    def lead(self) -> int:
        """How many blocks the pool's chain is ahead of the honest nodes' best."""
        return self.height(POOL) - max(self.height(HONEST_A), self.height(HONEST_B))

    def publish(self, count: int, first_to: int | None = None) -> None:
        """Hand the pool's oldest `count` hidden blocks to the honest nodes (`first_to` first)."""
        blocks, self.hidden = self.hidden[:count], self.hidden[count:]
        order = [HONEST_A, HONEST_B] if first_to != HONEST_B else [HONEST_B, HONEST_A]
        for node in order:
            hand_over(self.nodes[POOL], self.nodes[node], blocks)
        self.trace("publish", blocks=len(blocks))

    def pool_finds(self) -> None:
        lead, tie = self.lead(), self.tie_with is not None
        (block,) = self.nodes[POOL].mine(1)
        self.pool_blocks.add(block)
        self.hidden.append(block)
        self.trace("found", by="pool", block=block, lead=lead + 1)
        if lead == 0 and tie:  # the pool settles the race it was in
            self.publish(len(self.hidden))
            self.tie_with = None

    def honest_finds(self, finder: int) -> None:
        lead = self.lead()
        other = HONEST_B if finder == HONEST_A else HONEST_A
        (block,) = self.nodes[finder].mine(1)
        self.trace("found", by=f"honest{finder}", block=block, lead=lead - 1)
        if lead == 1:  # a tie: the pool's block reaches the other honest node first
            self.publish(len(self.hidden), first_to=other)
            self.tie_with = other
        elif lead == 2:  # publish everything: the pool's branch is longer
            hand_over(self.nodes[finder], self.nodes[other], [block])
            self.publish(len(self.hidden))
        elif lead > 2:  # keep ahead: publish one block for theirs
            self.publish(1)
        else:
            self.tie_with = None
        for node in (other, POOL):
            hand_over(self.nodes[finder], self.nodes[node], [block])


def run(params: dict[str, Any], rng: random.Random, trace: Trace) -> Outcome:
    alpha, gamma, blocks = float(params["alpha"]), float(params["gamma"]), int(params["blocks"])
    if not 0 < alpha < 0.5:
        raise ScenarioError("alpha, the pool's share, is between 0 and 0.5")
    if not 0 <= gamma <= 1:
        raise ScenarioError("gamma is between 0 and 1")
    if not 1 <= blocks <= 100_000:
        raise ScenarioError("blocks is 1 to 100,000")
    with Node(miners=1) as pool, Node(miners=1) as a, Node(miners=1) as b:
        race = Race([pool, a, b], trace)
        view_a, view_b = ChainView(a), ChainView(b)
        running: list[tuple[float, float]] = []
        for mined in range(1, blocks + 1):
            if race.tie_with is None:  # the honest halves mine alike
                shares = [alpha, (1 - alpha) / 2, (1 - alpha) / 2]
            else:  # gamma of the honest power is on the pool's block
                on_pool = (1 - alpha) * gamma
                shares = [alpha, 0.0, 0.0]
                shares[race.tie_with] = on_pool
                shares[HONEST_A + HONEST_B - race.tie_with] = 1 - alpha - on_pool
            finder = first_to_find(shares, rng)
            race.pool_finds() if finder == POOL else race.honest_finds(finder)
            if mined % max(blocks // POINTS, 1) == 0:
                chain = view_a.refresh()
                share = sum(h in race.pool_blocks for h in chain) / max(len(chain), 1)
                running.append((mined, share))
        race.publish(len(race.hidden))  # the end: whatever the pool holds, it shows
        if view_a.refresh() != view_b.refresh():
            hand_over(b, a, view_b.hashes)  # a tie left open: settle on one view
        chain = view_a.refresh()
        pool_on_chain = sum(h in race.pool_blocks for h in chain)
    theory = eyal_sirer(alpha, gamma)
    chart = Chart(
        f"Selfish mining, alpha {alpha:g}, gamma {gamma:g}",
        "blocks mined",
        "pool's share of the chain",
        [
            Series("measured", tuple(running), dots=True),
            Series(f"Eyal-Sirer {theory:.3f}", ((1, theory), (blocks, theory))),
            Series(f"honest mining {alpha:g}", ((1, alpha), (blocks, alpha))),
        ],
    )
    return Outcome(
        {
            "revenue_share": round(pool_on_chain / len(chain), 4),
            "chain_blocks": len(chain),
            "pool_blocks_on_chain": pool_on_chain,
            "stale_blocks": blocks - len(chain),
            "mode": "exponential",
        },
        {"eyal_sirer": round(theory, 4), "threshold": round(selfish_threshold(gamma), 4)},
        chart,
    )
