"""The `pocketchain` command."""

import typer

from .. import __version__

app = typer.Typer(
    help="pocketchain: a small, real proof-of-work blockchain.",
    no_args_is_help=True,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"pocketchain {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        callback=_print_version,
        is_eager=True,
    ),
) -> None:
    """pocketchain: a small, real proof-of-work blockchain."""


def main() -> None:
    app()
