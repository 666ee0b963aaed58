"""What the papers predict, for the scenarios to set their measurements against. Pure math.

- The Bitcoin paper, section 11: the chance that an attacker with a share q of the hash power
  ever replaces a payment the merchant accepted after z confirmations, with the attacker's
  progress taken as Poisson (Nakamoto's approximation).
- Rosenfeld, "Analysis of hashrate-based double spending" (2014): the same chance exactly, the
  attacker's progress negative binomial, with one block pre-mined before the payment is sent.
- Eyal and Sirer, "Majority is not enough: Bitcoin mining is vulnerable" (2014): the share of the
  blocks on the final chain a selfish pool of share alpha earns, gamma being the share of honest
  power that mines on the pool's block in a tie.
"""

import math


def catch_up(q: float, behind: int) -> float:
    """The chance that a miner of share q ever gains `behind` blocks on the rest (gambler's
    ruin)."""
    p = 1 - q
    if behind <= 0 or q >= p:
        return 1.0
    return (q / p) ** behind


def nakamoto(q: float, z: int) -> float:
    """The attacker's success probability in the Bitcoin paper, section 11 (its C program)."""
    p = 1 - q
    lam = z * q / p
    total = 1.0
    for k in range(z + 1):
        poisson = math.exp(-lam) * lam**k / math.factorial(k)
        total -= poisson * (1 - catch_up(q, z - k))
    return total


def rosenfeld(q: float, z: int) -> float:
    """The exact success probability (Rosenfeld 2014, with a pre-mined block):
    1 - sum over m = 0..z of C(m+z-1, m) (p^z q^m - p^m q^z)."""
    p = 1 - q
    if q >= p:
        return 1.0
    if z == 0:
        return 1.0
    total = 1.0
    for m in range(z + 1):
        total -= math.comb(m + z - 1, m) * (p**z * q**m - p**m * q**z)
    return total


def eyal_sirer(alpha: float, gamma: float) -> float:
    """The selfish pool's revenue share (Eyal and Sirer 2014, equation 8)."""
    num = alpha * (1 - alpha) ** 2 * (4 * alpha + gamma * (1 - 2 * alpha)) - alpha**3
    return num / (1 - alpha * (1 + (2 - alpha) * alpha))


def selfish_threshold(gamma: float) -> float:
    """The smallest pool share for which selfish mining pays: (1 - gamma) / (3 - 2 gamma)."""
    return (1 - gamma) / (3 - 2 * gamma)
