"""The figures of docs/lab.md: each shipped scenario over a range of parameters, on real nodes.

    .venv/bin/python scripts/lab_figures.py [OUT_DIR]    # default docs/lab; about 15 minutes

Writes the plots (SVG) into OUT_DIR and prints the tables as Markdown.
"""

import sys
from pathlib import Path
from typing import Any

from pocketchain.lab import scenario
from pocketchain.lab.plot import Chart, Series
from pocketchain.lab.theory import eyal_sirer, nakamoto, rosenfeld

SEED = 0


def run(name: str, **params: Any) -> dict[str, Any]:
    chosen = scenario.load(name)
    texts = [f"{key}={value}" for key, value in params.items()]
    report, _, _ = scenario.run(chosen, scenario.parse_params(chosen, texts), SEED)
    print(f"  {name} {texts}: {report['result']} ({report['seconds']} s)", file=sys.stderr)
    return report


def header(*columns: str) -> None:
    """A Markdown table's head; a column named with a leading '<' is aligned left."""
    names = [c.lstrip("<") for c in columns]
    rules = ["---" if c.startswith("<") else "---:" for c in columns]
    print(f"\n| {' | '.join(names)} |\n|{'|'.join(rules)}|")


def row(*cells: object) -> None:
    print(f"| {' | '.join(str(c) for c in cells)} |")


def selfish(out: Path) -> None:
    alphas = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45]
    chart = Chart("Selfish mining: the pool's revenue", "alpha (the pool's share)", "revenue share")
    header("alpha", "gamma", "measured", "Eyal-Sirer", "honest mining")
    for gamma in (0.0, 0.5):
        points = []
        for alpha in alphas:
            share = run("selfish-mining", alpha=alpha, gamma=gamma)["result"]["revenue_share"]
            points.append((alpha, share))
            theory = eyal_sirer(alpha, gamma)
            row(alpha, gamma, f"{share:.3f}", f"{theory:.3f}", alpha)
        curve = tuple((a / 100, eyal_sirer(a / 100, gamma)) for a in range(5, 50))
        chart.series += [
            Series(f"measured, gamma {gamma}", tuple(points), dots=True),
            Series(f"Eyal-Sirer, gamma {gamma}", curve),
        ]
    chart.series.append(Series("honest mining", ((0.05, 0.05), (0.49, 0.49))))
    (out / "selfish-mining.svg").write_text(chart.svg())


def double_spend(out: Path) -> None:
    chart = Chart("Double spend: the attacker's success", "z (confirmations)", "success rate")
    header("q", "z", "trials", "measured", "exact (Rosenfeld)", "Nakamoto")
    for q, zs in ((0.1, range(0, 6)), (0.3, range(0, 11, 2))):
        points = []
        for z in zs:
            trials = 2000 if q < 0.2 else 1000
            rate = run("double-spend", q=q, z=z, trials=trials)["result"]["success_rate"]
            points.append((z, rate))
            row(q, z, trials, f"{rate:.4f}", f"{rosenfeld(q, z):.4f}", f"{nakamoto(q, z):.4f}")
        chart.series += [
            Series(f"measured, q {q}", tuple(points), dots=True),
            Series(f"exact, q {q}", tuple((z, rosenfeld(q, z)) for z in zs)),
            Series(f"Nakamoto, q {q}", tuple((z, nakamoto(q, z)) for z in zs)),
        ]
    (out / "double-spend.svg").write_text(chart.svg())


def partition() -> None:
    header("split for", "orphaned blocks", "resurrected txs", "payments", "converge (s)")
    for seconds in (5, 20, 60):
        r = run("partition", seconds=float(seconds))["result"]
        row(f"{seconds} s", r["orphaned_blocks"], r["resurrected_txs"], r["payments"],
            r["converge_seconds"])  # fmt: skip


def propagation() -> None:
    header("<topology", "latency", "block interval", "reach p50", "reach p95", "stale rate",
           "estimate")  # fmt: skip
    for topology, latency, interval, blocks in (
        ("ring", 0, 1, 60),
        ("ring", 50, 1, 60),
        ("ring", 200, 1, 60),
        ("mesh", 200, 1, 60),
        ("ring", 200, 5, 40),
    ):
        report = run("propagation", topology=topology, latency_ms=float(latency),
                     block_interval=float(interval), blocks=blocks)  # fmt: skip
        r, t = report["result"], report["theory"]
        p50, p95 = f"{r['reach_p50_ms']:.0f} ms", f"{r['reach_p95_ms']:.0f} ms"
        row(f"{topology} of 8", f"{latency} ms", f"{interval} s", p50, p95,
            f"{r['stale_rate']:.3f}", f"{t['stale_rate_estimate']:.3f}")  # fmt: skip


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/lab")
    out.mkdir(parents=True, exist_ok=True)
    selfish(out)
    double_spend(out)
    partition()
    propagation()


if __name__ == "__main__":
    main()
