"""Options and defaults shared by the commands."""

from pathlib import Path
from typing import Annotated

import typer

from .._client import TIMEOUT, Client
from ..consensus.params import ChainParams, get_params
from ..node.keyfiles import TOKEN_FILE
from .errors import UserError

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


def local_token(data_dir: Path, network: str) -> str | None:
    """The admin token of a node running on this machine with this data directory, if any."""
    path = data_dir.expanduser() / network / TOKEN_FILE
    return path.read_text().strip() if path.exists() else None


def connect(url: str, network: str, token: str | None, timeout: float | None = None) -> Client:
    """A client of the node at `url`, once it said it serves `network`."""
    client = Client(url, token, timeout=TIMEOUT if timeout is None else timeout)
    serves = client.status().network
    if serves != network:
        client.close()
        raise UserError(f"the node at {url} serves {serves!r}, not {network!r} (use --network)")
    return client
