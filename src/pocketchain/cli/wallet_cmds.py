"""`pocketchain wallet ...` and `pocketchain post`: a wallet file here, a node over HTTP.

Keys stay in this process: the node only ever sees signed transactions. Output meant for
scripts (an address, a txid, --json) goes to stdout; what is meant for a person (the mnemonic,
warnings, tables) goes where a person looks, and tables only when asked for no JSON.
"""

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .._client import Client
from ..consensus.errors import PocketchainError
from ..consensus.hashes import to_display
from ..consensus.keys import decode_address
from ..consensus.params import ChainParams
from ..consensus.tx import Tx
from ..wallet.amounts import coins_text, parse_amount
from ..wallet.build import InsufficientFundsError
from ..wallet.history import history
from ..wallet.keystore import is_encrypted, load_wallet, save_wallet, wallet_exists, wallet_lock
from ..wallet.mnemonic import check_mnemonic, new_mnemonic
from ..wallet.send import pay, post, post_data
from ..wallet.sync import scan
from ..wallet.wallet import CHANGE, RECEIVE, Wallet
from .errors import UserError
from .options import (
    DEFAULT_DATA_DIR,
    DEFAULT_NODE,
    DataDir,
    Network,
    NodeUrl,
    Token,
    connect,
    local_token,
    params_of,
)

PASSPHRASE_ENV = "POCKETCHAIN_PASSPHRASE"

app = typer.Typer(
    help="Keys, addresses, balances and payments; keys never leave this computer.",
    no_args_is_help=True,
)

WalletFile = Annotated[
    Path | None,
    typer.Option("--wallet", help="The wallet file (default: DATA_DIR/NETWORK/wallet.json)."),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
NoPassphrase = Annotated[
    bool,
    typer.Option(
        "--no-passphrase", help="Store the keys unencrypted (throwaway test wallets only)."
    ),
]


class Context:
    """What every wallet command works with: the network, the file and (lazily) the node."""

    def __init__(
        self,
        network: str,
        data_dir: Path,
        wallet_file: Path | None,
        node_url: str = DEFAULT_NODE,
        token: str | None = None,
    ) -> None:
        self.params: ChainParams = params_of(network)
        self.data_dir = data_dir.expanduser()
        self.path = (wallet_file or self.data_dir / network / "wallet.json").expanduser()
        self.node_url = node_url
        self.token = token
        self.passphrase: str | None = None

    def client(self) -> Client:
        token = self.token or local_token(self.data_dir, self.params.name)
        return connect(self.node_url, self.params.name, token)

    def open(self) -> Wallet:
        """The wallet; a passphrase in the environment is used, and refused by an unencrypted
        file (load_wallet: no silent downgrade)."""
        if wallet_exists(self.path) and (is_encrypted(self.path) or os.environ.get(PASSPHRASE_ENV)):
            self.passphrase = _passphrase(confirm=False)
        payload = load_wallet(self.path, self.passphrase, self.params.name)
        return Wallet.from_payload(self.params, payload)

    def save(self, wallet: Wallet) -> None:
        save_wallet(self.path, wallet.payload(), self.params.name, self.passphrase)

    @contextmanager
    def changing(self) -> Iterator[Wallet]:
        """The wallet, opened under its lock and saved when the block ends without an error: two
        commands that change it at once take turns, and each one's record is kept."""
        with wallet_lock(self.path):
            wallet = self.open()
            yield wallet
            self.save(wallet)

    def coins(self, units: int) -> str:
        return coins_text(units, self.params.hrp)

    @contextmanager
    def funds(self) -> Iterator[None]:
        """Says in coins what a payment lacks."""
        try:
            yield
        except InsufficientFundsError as exc:
            raise UserError(
                f"insufficient funds: {self.coins(exc.available)} spendable now,"
                f" {self.coins(exc.needed)} needed with the fee"
            ) from None


def _passphrase(confirm: bool) -> str:
    """From POCKETCHAIN_PASSPHRASE, else asked at the terminal without echo."""
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase is None:
        if not sys.stdin.isatty():
            raise UserError(
                f"the wallet needs a passphrase: set {PASSPHRASE_ENV} or run in a terminal"
            )
        passphrase = str(typer.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm))
    if not passphrase:
        raise UserError("an empty passphrase protects nothing (see --no-passphrase)")
    return passphrase


def _new_wallet(ctx: Context, mnemonic: str, no_passphrase: bool) -> Wallet:
    if wallet_exists(ctx.path):
        raise UserError(f"a wallet already exists at {ctx.path}; it was left as it is")
    wallet = Wallet(ctx.params, mnemonic)
    ctx.passphrase = None if no_passphrase else _passphrase(confirm=True)
    if no_passphrase:
        typer.echo(
            f"warning: {ctx.path} is not encrypted: anyone who reads it has the keys", err=True
        )
    return wallet


@app.command()
def create(
    wallet_file: WalletFile = None,
    no_passphrase: NoPassphrase = False,
    words: Annotated[int, typer.Option(help="Mnemonic length: 12 or 24 words.")] = 12,
    network: Network = "devnet",
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Create a wallet; show its recovery words once; print its first address.

    Example: POCKETCHAIN_PASSPHRASE=... pocketchain wallet create --network regtest
    """
    if words not in (12, 24):
        raise typer.BadParameter("12 or 24", param_hint="--words")
    ctx = Context(network, data_dir, wallet_file)
    mnemonic = new_mnemonic(128 if words == 12 else 256)
    with wallet_lock(ctx.path):  # two creates at once: the second finds the first's file
        wallet = _new_wallet(ctx, mnemonic, no_passphrase)
        ctx.save(wallet)
    typer.echo(
        "Write down these words and keep them safe: they restore every key of this wallet\n"
        f"(pocketchain wallet import). They are not shown again.\n\n  {mnemonic}\n",
        err=True,
    )
    typer.echo(wallet.address(RECEIVE, 0))


@app.command("import")
def import_(
    mnemonic: Annotated[
        str | None, typer.Option(help="The recovery words (asked at the terminal if left out).")
    ] = None,
    wallet_file: WalletFile = None,
    no_passphrase: NoPassphrase = False,
    node_url: NodeUrl = DEFAULT_NODE,
    token: Token = None,
    network: Network = "devnet",
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Restore a wallet from its recovery words; print its first address.

    When the node answers, the addresses already used on the chain are found and counted as
    given out. Example: pocketchain wallet import --mnemonic "word1 word2 ... word12"
    """
    ctx = Context(network, data_dir, wallet_file, node_url, token)
    if mnemonic is None:
        mnemonic = str(typer.prompt("Recovery words", hide_input=True))
    with wallet_lock(ctx.path):
        wallet = _new_wallet(ctx, check_mnemonic(mnemonic), no_passphrase)
        try:
            state = scan(wallet, ctx.client())
            typer.echo(f"found {len(state.addresses)} addresses in use on the chain", err=True)
        except PocketchainError as exc:  # the node is not there, or of another network
            typer.echo(f"warning: not scanned for used addresses ({exc})", err=True)
        ctx.save(wallet)
    typer.echo(wallet.address(RECEIVE, 0))


@app.command()
def address(
    new: Annotated[bool, typer.Option("--new", help="Give out a new receiving address.")] = False,
    all_: Annotated[
        bool,
        typer.Option(
            "--all",
            help="List every receiving address, then the change addresses, marked (--json: the"
            " receiving ones).",
        ),
    ] = False,
    json_: Json = False,
    wallet_file: WalletFile = None,
    network: Network = "devnet",
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Print the wallet's current receiving address (--new for another, --all for all).

    Example: pocketchain wallet address --new
    """
    ctx = Context(network, data_dir, wallet_file)
    if new:
        with ctx.changing() as wallet:
            wallet.new_key_hash(RECEIVE)
    else:
        wallet = ctx.open()
    issued = wallet.issued[RECEIVE]
    indexes = range(issued) if all_ else [issued - 1]
    addresses = [wallet.address(RECEIVE, i) for i in indexes]
    if json_:
        typer.echo(json.dumps(addresses if all_ else addresses[0]))
    elif all_:  # change addresses too: payments send what is left to them, and posts may come
        change = [wallet.address(CHANGE, i) for i in range(wallet.issued[CHANGE])]
        typer.echo("\n".join(addresses + [f"{a}  change" for a in change]))
    else:
        typer.echo(addresses[0])


@app.command()
def balance(
    json_: Json = False,
    wallet_file: WalletFile = None,
    node_url: NodeUrl = DEFAULT_NODE,
    token: Token = None,
    network: Network = "devnet",
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Show what the wallet holds: confirmed, unconfirmed and maturing (mined) coins.

    Example: pocketchain wallet balance --json
    """
    ctx = Context(network, data_dir, wallet_file, node_url, token)
    wallet = ctx.open()
    state = scan(wallet, ctx.client())
    rows = {
        "confirmed": state.confirmed,
        "unconfirmed": state.unconfirmed,
        "immature": state.immature,
        "total": state.total,
    }
    if json_:
        typer.echo(json.dumps(rows | {"unit": "base units"}))
        return
    table = Table(title=f"balance ({ctx.params.name})", show_header=False)
    for name, units in rows.items():
        table.add_row(name, ctx.coins(units))
    Console().print(table)


@app.command("history")
def history_cmd(
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many, newest first.")] = 20,
    json_: Json = False,
    wallet_file: WalletFile = None,
    node_url: NodeUrl = DEFAULT_NODE,
    token: Token = None,
    network: Network = "devnet",
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """List the wallet's transactions, newest first, with confirmations and the other side.

    Example: pocketchain wallet history --limit 5
    """
    ctx = Context(network, data_dir, wallet_file, node_url, token)
    wallet = ctx.open()
    client = ctx.client()
    entries = history(wallet, client, scan(wallet, client), limit)
    if json_:
        typer.echo(json.dumps([asdict(e) for e in entries]))
        return
    table = Table(title=f"history ({ctx.params.name}), newest first")
    for column in ("txid", "status", "conf.", "what", "amount", "counterparty"):
        table.add_column(column, justify="right" if column in ("conf.", "amount") else "left")
    for e in entries:
        what = e.direction + (f": {e.text}" if e.text else "")
        table.add_row(
            e.txid[:16] + "…",
            e.status,
            str(e.confirmations),
            what,
            ctx.coins(e.amount),
            e.counterparty,
        )
    Console().print(table)


@app.command(context_settings={"ignore_unknown_options": True})
def faucet(
    amount: Annotated[
        str | None, typer.Argument(help="In coins (default: what the node gives, 10).")
    ] = None,
    wallet_file: WalletFile = None,
    node_url: NodeUrl = DEFAULT_NODE,
    token: Token = None,
    network: Network = "devnet",
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Ask a regtest or devnet node for coins to the current receiving address; print the txid.

    The coins are spendable once a block has them. Example: pocketchain wallet faucet 5
    """
    units = None if amount is None else parse_amount(amount)
    ctx = Context(network, data_dir, wallet_file, node_url, token)
    wallet = ctx.open()
    to = wallet.address(RECEIVE, wallet.issued[RECEIVE] - 1)
    paid = ctx.client().faucet(to, units)
    typer.echo(f"{ctx.coins(paid.amount)} on the way to {to}", err=True)
    typer.echo(paid.txid)


# "-1" is an amount to refuse, not an unknown option
@app.command(context_settings={"ignore_unknown_options": True})
def send(
    to: Annotated[str, typer.Argument(metavar="ADDRESS", help="Who is paid.")],
    amount: Annotated[str, typer.Argument(metavar="AMOUNT", help="In coins, e.g. 1.5.")],
    fee: Annotated[
        str | None, typer.Option(help="The whole fee in coins (default: the node's estimate).")
    ] = None,
    wallet_file: WalletFile = None,
    node_url: NodeUrl = DEFAULT_NODE,
    token: Token = None,
    network: Network = "devnet",
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Pay AMOUNT coins to ADDRESS; print the txid. Change goes to a new address of yours.

    Example: pocketchain wallet send pcd1q... 2.5
    """
    ctx = Context(network, data_dir, wallet_file, node_url, token)
    payee = decode_address(ctx.params.hrp, to)  # every input is checked before anything else
    units = parse_amount(amount)
    fixed_fee = parse_amount(fee) if fee is not None else None
    with ctx.changing() as wallet, ctx.funds():
        tx = pay(wallet, ctx.client(), payee, units, fixed_fee)
    typer.echo(to_display(tx.txid))


def post_cmd(
    text: Annotated[str, typer.Argument(help="Up to 512 bytes of UTF-8.")],
    wallet_file: WalletFile = None,
    node_url: NodeUrl = DEFAULT_NODE,
    token: Token = None,
    network: Network = "devnet",
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Post TEXT on the chain, signed by your wallet; print the txid. It pays only the fee.

    Example: pocketchain post "hello, chain"
    """
    post_data(text)  # refuse bad text before asking for the passphrase
    ctx = Context(network, data_dir, wallet_file, node_url, token)
    with ctx.changing() as wallet, ctx.funds():
        identity = wallet.address(RECEIVE, 0)

        def moved(tx: Tx) -> None:  # on stderr: stdout is the post's txid alone
            typer.echo(
                f"your address {identity} had no coin left to post with: moved one to it"
                f" first, in {to_display(tx.txid)}",
                err=True,
            )

        tx = post(wallet, ctx.client(), text, moved)
    typer.echo(to_display(tx.txid))
