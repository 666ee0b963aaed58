"""`pocketchain scenario list | run NAME`: the lab's ready experiments (lab/scenario.py)."""

import json
from pathlib import Path
from typing import Annotated

import typer

from .errors import UserError

app = typer.Typer(help="Ready experiments on real in-process nodes, checked against the papers.")


@app.command("list")
def list_cmd() -> None:
    """The shipped scenarios, their parameters and defaults."""
    from ..lab.scenario import shipped

    for scenario in shipped():
        params = " ".join(f"{key}={value}" for key, value in scenario.defaults.items())
        typer.echo(f"{scenario.name:<15} {scenario.summary}")
        typer.echo(f"{'':<15} params: {params}")


@app.command("run")
def run_cmd(
    name: Annotated[str, typer.Argument(help="A scenario's name, or a .py file defining one.")],
    param: Annotated[
        list[str] | None, typer.Option(help="KEY=VALUE, a parameter (repeat for more).")
    ] = None,
    seed: Annotated[int, typer.Option(help="The seed of every random draw: a run repeats.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="A directory for result.json, plot.svg and trace.jsonl."),
    ] = None,
) -> None:
    """Run a scenario and print what it measured beside what theory predicts.

    Example: pocketchain scenario run selfish-mining --param alpha=0.4 --param gamma=0 --json
    """
    from ..lab.scenario import load, parse_params, run, write_out

    if out is not None and out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file, not a directory")
    scenario = load(name)
    params = parse_params(scenario, param or [])
    report, outcome, trace = run(scenario, params, seed)
    written = write_out(out, report, outcome, trace) if out is not None else []
    if as_json:
        typer.echo(json.dumps(report))
    else:
        typer.echo(f"{scenario.name} with {_pairs(params)} (seed {seed}, {report['seconds']} s)")
        typer.echo(f"  measured: {_pairs(report['result'])}")
        if report["theory"]:
            typer.echo(f"  theory:   {_pairs(report['theory'])}")
    for path in written:
        typer.echo(f"wrote {path}", err=True)


def _pairs(values: dict[str, object]) -> str:
    return ", ".join(f"{key} {value}" for key, value in values.items())
