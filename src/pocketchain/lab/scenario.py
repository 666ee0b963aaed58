"""What a scenario is and how one runs: `pocketchain scenario list | run NAME`.

A scenario is a Python module (a shipped one in lab/scenarios/, or any file a user writes by
copying one) with four names:

    NAME = "selfish-mining"
    SUMMARY = "one line for `scenario list`"
    PARAMS = {"alpha": 0.33, "gamma": 0.0, "blocks": 1000}   # defaults; their types parse --param
    def run(params: dict, rng: random.Random, trace: Trace) -> Outcome: ...

`run` drives real nodes (pocketchain.Node, in this process) and returns what it measured, what
the papers predict for the same parameters, and a chart. The runner makes the CONTRACT section 8
object of it: {"scenario", "params", "seed", "result", "theory", "seconds"}; with --out DIR it
also writes result.json, trace.jsonl (one event a line) and plot.svg there.
"""

import importlib
import importlib.util
import json
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from ..consensus.errors import PocketchainError
from .plot import Chart

SHIPPED = ("double-spend", "selfish-mining", "partition", "propagation")
MAX_TRACE = 200_000  # events kept; a longer run's trace says how many it left out


class ScenarioError(PocketchainError, ValueError):
    """An unknown scenario, a parameter it does not take, or a value out of its range."""


@dataclass
class Outcome:
    result: dict[str, Any]
    theory: dict[str, Any] = field(default_factory=dict)
    chart: Chart | None = None


class Trace:
    """The events of a run, each with its time in seconds since the start (`t`)."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.left_out = 0
        self._start = time.monotonic()

    def __call__(self, event: str, **fields: Any) -> None:
        if len(self.events) >= MAX_TRACE:
            self.left_out += 1
            return
        t = round(time.monotonic() - self._start, 4)
        self.events.append({"t": t, "event": event, **fields})


class Module(Protocol):
    NAME: str
    SUMMARY: str
    PARAMS: dict[str, Any]

    def run(self, params: dict[str, Any], rng: random.Random, trace: Trace) -> Outcome: ...


@dataclass(frozen=True)
class Scenario:
    name: str
    summary: str
    defaults: dict[str, Any]
    run: Callable[[dict[str, Any], random.Random, Trace], Outcome]


def shipped() -> list[Scenario]:
    return [load(name) for name in SHIPPED]


def load(name: str) -> Scenario:
    """A shipped scenario by name, or the scenario a .py file defines."""
    if name.endswith(".py"):
        module = _from_file(Path(name))
    elif name in SHIPPED:
        module = importlib.import_module(f"{__package__}.scenarios.{name.replace('-', '_')}")
    else:
        raise ScenarioError(f"no scenario {name!r}; `pocketchain scenario list` names them")
    for attr in ("NAME", "SUMMARY", "PARAMS", "run"):
        if not hasattr(module, attr):
            raise ScenarioError(f"{name} does not define {attr} (see lab/scenario.py)")
    m: Module = module
    return Scenario(m.NAME, m.SUMMARY, dict(m.PARAMS), m.run)


def _from_file(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"scenario_{path.stem}", path)
    if spec is None or spec.loader is None or not path.is_file():
        raise ScenarioError(f"{path}: no such scenario file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_params(scenario: Scenario, texts: Iterable[str]) -> dict[str, Any]:
    """The defaults with each KEY=VALUE of `texts` in place, read as the default's type."""
    params = dict(scenario.defaults)
    for text in texts:
        key, sep, value = text.partition("=")
        if not sep:
            raise ScenarioError(f"--param {text!r} is not KEY=VALUE")
        if key not in params:
            known = ", ".join(params) or "none"
            raise ScenarioError(f"{scenario.name} has no parameter {key!r} (it has {known})")
        kind = type(params[key])
        try:
            params[key] = kind(value) if kind is not bool else value.lower() in ("1", "true")
        except ValueError:
            raise ScenarioError(f"--param {key}={value!r}: a {kind.__name__} is wanted") from None
    return params


def run(
    scenario: Scenario, params: dict[str, Any], seed: int
) -> tuple[dict[str, Any], Outcome, Trace]:
    """Run it: the CONTRACT section 8 object, the outcome (for its chart) and the trace."""
    trace = Trace()
    start = time.monotonic()
    outcome = scenario.run(params, random.Random(seed), trace)
    report = {
        "scenario": scenario.name,
        "params": params,
        "seed": seed,
        "result": outcome.result,
        "theory": outcome.theory,
        "seconds": round(time.monotonic() - start, 3),
    }
    return report, outcome, trace


def write_out(where: Path, report: dict[str, Any], outcome: Outcome, trace: Trace) -> list[Path]:
    """result.json, trace.jsonl and plot.svg in `where` (made if missing); the files written."""
    where.mkdir(parents=True, exist_ok=True)
    files = [where / "result.json", where / "trace.jsonl"]
    _write(files[0], json.dumps(report, indent=2) + "\n")
    lines = [json.dumps(event) for event in trace.events]
    if trace.left_out:
        lines.append(json.dumps({"event": "left-out", "count": trace.left_out}))
    _write(files[1], "\n".join(lines) + "\n")
    if outcome.chart is not None:
        files.append(where / "plot.svg")
        _write(files[2], outcome.chart.svg())
    return files


def _write(path: Path, text: str) -> None:
    temp = path.with_suffix(path.suffix + ".tmp")
    temp.write_text(text)
    temp.replace(path)  # never half-written
