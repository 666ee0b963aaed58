"""A double spend against a merchant who waits z confirmations (the Bitcoin paper, section 11),
on real nodes.

Two nodes: the merchant's (the honest network, share 1 - q) and the attacker's (share q). In
each trial the attacker:

1. mines a block that pays one of its coins back to itself, and keeps it (a pre-mined block,
   as Rosenfeld's exact analysis assumes);
2. pays the merchant with the same coin: the merchant's node takes the payment and mines it;
3. keeps mining its own branch. Once the payment has z confirmations and the attacker's branch
   is longer, it hands its branch to the merchant's node, which reorganizes onto it by the real
   rules: the payment to the merchant conflicts with the attacker's block and is gone;
4. gives up when it has fallen so far behind that catching up is all but impossible.

The measured success rate is set against Nakamoto's table (his Poisson approximation) and the
exact negative-binomial form (Rosenfeld 2014) that this setting follows.
"""

import math
import random
from typing import Any

from ..._embedded import Node
from ...consensus.errors import NotFound
from ...consensus.hashes import to_display
from ...consensus.tx import Tx
from ..plot import Chart, Series
from ..race import Purse, first_to_find, hand_over, new_key
from ..scenario import Outcome, ScenarioError, Trace
from ..theory import catch_up, nakamoto, rosenfeld

NAME = "double-spend"
SUMMARY = "an attacker of share q reverses a payment after z confirmations (Nakamoto section 11)"
PARAMS: dict[str, Any] = {"q": 0.1, "z": 2, "trials": 1000}
HOPELESS = 1e-4  # the attacker gives up when its chance of catching up falls below this
MAX_BEHIND = 60  # blocks: it gives up there in any case


def give_up_at(q: float) -> int:
    """Blocks behind at which the attacker stops: its chance to catch up is below HOPELESS."""
    for behind in range(1, MAX_BEHIND):
        if catch_up(q, behind) < HOPELESS:
            return behind
    return MAX_BEHIND


def trial(
    n: int,
    attacker: Node,
    merchant: Node,
    who: Purse,
    merchant_key: bytes,
    z: int,
    q: float,
    rng: random.Random,
    trace: Trace,
) -> bool:
    """One attempt; True when the merchant's node lost the payment."""
    to_self, to_merchant = who.pay(n, who.key_hash), who.pay(n, merchant_key)
    attacker.submit(to_self)
    private = list(attacker.mine(1, to=who.address))  # the pre-mined block
    merchant.submit(to_merchant)
    public: list[str] = []
    give_up = give_up_at(q)
    while True:
        if len(public) >= z and len(private) > len(public):
            hand_over(attacker, merchant, private)
            lost = _lost(merchant, to_merchant, to_self)
            trace("published", trial=n, public=len(public), private=len(private), won=lost)
            return lost
        if len(public) - len(private) >= give_up:
            hand_over(merchant, attacker, public)  # back on the honest chain
            trace("gave-up", trial=n, public=len(public), private=len(private))
            return False
        if first_to_find([q, 1 - q], rng) == 0:
            private += attacker.mine(1, to=who.address)
        else:
            public += merchant.mine(1)


def _lost(merchant: Node, payment: Tx, to_self: Tx) -> bool:
    """The merchant's node confirms the attacker's spend and no longer knows its payment."""
    try:
        merchant.tx(to_display(payment.txid))
    except NotFound:
        return merchant.tx(to_display(to_self.txid)).status == "confirmed"
    return False


def run(params: dict[str, Any], rng: random.Random, trace: Trace) -> Outcome:
    q, z, trials = float(params["q"]), int(params["z"]), int(params["trials"])
    if not 0 < q < 0.5:
        raise ScenarioError("q, the attacker's share, is between 0 and 0.5")
    if not 0 <= z <= 30:
        raise ScenarioError("z is 0 to 30 confirmations")
    if not 1 <= trials <= 5_000:
        raise ScenarioError("trials is 1 to 5,000")
    won = 0
    running: list[tuple[float, float]] = []
    with Node(miners=1) as attacker, Node(miners=1) as merchant:
        who = Purse(rng)
        hand_over(attacker, merchant, who.fund(attacker, trials))
        merchant_key = new_key(rng)[1]
        for n in range(trials):
            won += trial(n, attacker, merchant, who, merchant_key, z, q, rng, trace)
            if (n + 1) % max(trials // 40, 1) == 0:
                running.append((n + 1, won / (n + 1)))
    rate = won / trials
    exact, paper = rosenfeld(q, z), nakamoto(q, z)
    chart = Chart(
        f"Double spend, q {q:g}, z {z}",
        "trials",
        "attacker's success rate",
        [
            Series("measured", tuple(running), dots=True),
            Series(f"exact (Rosenfeld) {exact:.4f}", ((1, exact), (trials, exact))),
            Series(f"Nakamoto {paper:.4f}", ((1, paper), (trials, paper))),
        ],
    )
    error = math.sqrt(max(exact * (1 - exact), 1e-12) / trials)
    return Outcome(
        {
            "success_rate": round(rate, 4),
            "successes": won,
            "standard_error": round(error, 4),
            "mode": "exponential",
        },
        {"nakamoto": round(paper, 7), "exact": round(exact, 7)},
        chart,
    )
