"""Options and defaults shared by the commands."""

from pathlib import Path
from typing import Annotated

import typer

from ..consensus.params import ChainParams, get_params

DEFAULT_DATA_DIR = Path.home() / ".pocketchain"
DEFAULT_NODE = "http://127.0.0.1:5000"

Network = Annotated[str, typer.Option("--network", help="regtest, devnet or main.")]
DataDir = Annotated[Path, typer.Option("--data-dir", help="Where each network keeps its data.")]
NodeUrl = Annotated[str, typer.Option("--node", help="The node's base URL.")]
Token = Annotated[
    str | None, typer.Option("--token", help="Admin token (default: read from the data dir).")
]


def params_of(network: str) -> ChainParams:
    try:
        return get_params(network)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--network") from None
