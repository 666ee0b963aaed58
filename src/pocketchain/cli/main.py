"""The `pocketchain` command."""

import ipaddress
import json
import logging
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from .._results import Status
from .._version import __version__
from ..consensus.errors import PocketchainError
from ..consensus.hashes import to_display
from ..consensus.pow import compact_to_target
from . import scenario_cmds, wallet_cmds
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

app = typer.Typer(
    help="pocketchain: a small, real proof-of-work blockchain.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
chain_app = typer.Typer(help="Work on the stored chain.", no_args_is_help=True)
app.add_typer(chain_app, name="chain")
app.add_typer(wallet_cmds.app, name="wallet")
app.add_typer(scenario_cmds.app, name="scenario")
MINE_STEP = 10  # blocks per request of `pocketchain mine`
DEVNET_NODES, DEVNET_TOPOLOGY = 3, "mesh"
app.command("post")(wallet_cmds.post_cmd)


def _print_version(value: bool) -> None:
    if value:
        from ..node.node import MINING_KERNEL  # here: the other commands need not load the node

        typer.echo(f"pocketchain {__version__} (mining: {MINING_KERNEL})")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    """pocketchain: a small, real proof-of-work blockchain."""


@app.command()
def node(
    network: Network = "devnet",
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 5000,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: Annotated[
        str | None,
        typer.Option(
            help="sqlite:///path, postgresql://user:pass@host:port/db, or memory: (gone at exit)."
        ),
    ] = None,
    mine: Annotated[bool, typer.Option("--mine", help="Mine continuously.")] = False,
    mine_to: Annotated[
        str | None, typer.Option(help="Address mined coins go to (default: the node's key).")
    ] = None,
    miners: Annotated[
        int | None, typer.Option(min=1, help="Mining worker processes (default: cores - 1).")
    ] = None,
    peer: Annotated[
        list[str] | None, typer.Option(help="A peer's base URL (repeat for more).")
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(help="The URL peers reach this node at (default: http://HOST:PORT)."),
    ] = None,
    seed: Annotated[
        list[str] | None,
        typer.Option(help="A node to ask for addresses of peers, then leave (repeat for more)."),
    ] = None,
    max_outbound: Annotated[
        int, typer.Option(min=0, help="Peers this node picks from its address book.")
    ] = 8,
    max_inbound: Annotated[int, typer.Option(min=0, help="Peers that may connect to it.")] = 64,
    no_discover: Annotated[
        bool,
        typer.Option("--no-discover", help="Keep to the --peer nodes: learn of no others."),
    ] = False,
    forbid: Annotated[
        list[str] | None,
        typer.Option(
            help="An IP range (CIDR) never to connect to (repeat for more; link-local and"
            " 169.254.169.254 always are)."
        ),
    ] = None,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            help="The address of a reverse proxy whose X-Forwarded-For header names the client"
            " (repeat for more; by default the header is ignored)."
        ),
    ] = None,
    link: Annotated[
        list[str] | None,
        typer.Option(
            help="URL=LATENCY_MS[,LOSS]: delay every message to and from this peer, and lose"
            " a share of them (a lab's link; repeat for more)."
        ),
    ] = None,
    hash_share: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="With --mine: this node's share of a lab network's hash power. Blocks come"
            " after exponential waits of mean --block-interval / share (the exponential mode).",
        ),
    ] = None,
    block_interval: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            help="With --hash-share: the network's mean seconds between blocks (default: the"
            " network's target spacing).",
        ),
    ] = None,
) -> None:
    """Run a node until Ctrl-C.

    Example: pocketchain node --network regtest --port 5000 --peer http://127.0.0.1:5001
    """
    from ..p2p import LinkError, PeerSettings, parse_link
    from ..p2p.netaddr import AddressError, operator_url
    from .run_node import run_node  # the server's imports load only for this command

    if public_url is None and host in ("0.0.0.0", "::"):
        raise UserError(
            f"--host {host} listens on every address: say where peers reach this node"
            " with --public-url http://HOST:PORT"
        )
    for proxy in trusted_proxy or []:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise UserError(f"--trusted-proxy {proxy!r} is not an IP address or network") from None
    for flag, urls in (("--peer", peer), ("--seed", seed)):
        for url in urls or []:
            try:
                operator_url(url)
            except AddressError as exc:
                raise UserError(f"{flag} {exc.message}") from None
    for text in forbid or []:
        try:
            ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise UserError(f"--forbid {text!r} is not an IP range (CIDR)") from None
    try:
        links = tuple(parse_link(text) for text in link or [])
    except LinkError as exc:
        raise UserError(f"--link {exc}") from None
    if hash_share == 0 or block_interval == 0:
        raise UserError("--hash-share and --block-interval are above 0")
    if block_interval is not None and hash_share is None:
        raise UserError("--block-interval paces mining only with --hash-share")
    params = params_of(network)
    every = None
    if hash_share is not None:
        every = (block_interval or params.spacing) / hash_share
    peering = PeerSettings(
        public_url=public_url or f"http://{host}:{port}",
        peers=tuple(peer or ()),
        seeds=tuple(seed or ()),
        max_outbound=max_outbound,
        max_inbound=max_inbound,
        discover=not no_discover,
        forbid=tuple(forbid or ()),
        local_address=host,
        links=links,
    )
    run_node(
        params,
        host,
        port,
        data_dir,
        db,
        mine,
        mine_to,
        miners,
        every,
        peering,
        trusted_proxy or [],
    )


devnet_app = typer.Typer(
    help="A local network of nodes: run one, or split, heal and watch a running one.",
    invoke_without_command=True,
)
app.add_typer(devnet_app, name="devnet")


@devnet_app.callback()
def devnet(
    ctx: typer.Context,
    nodes: Annotated[int, typer.Option(min=1, max=16, help="How many nodes.")] = DEVNET_NODES,
    port: Annotated[
        int, typer.Option(min=1, max=65535, help="Port of node 0; the others take the next ones.")
    ] = 5000,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    no_mine: Annotated[bool, typer.Option("--no-mine", help="Start without mining.")] = False,
    demo: Annotated[
        bool, typer.Option("--demo", help="Also run demo wallets that pay each other and post.")
    ] = False,
    topology: Annotated[
        str,
        typer.Option(help="Who is linked to whom: mesh, line, ring, star or random:K."),
    ] = DEVNET_TOPOLOGY,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="A network file (TOML): nodes with their shares of the hash power, links with"
            " their latency and loss, demo activity. See examples/lab/.",
        ),
    ] = None,
    network: Network = "devnet",
) -> None:
    """Run a local network of nodes that mine and know each other, until Ctrl-C.

    Node 0 uses DATA_DIR itself (so the other commands find it), node i uses
    DATA_DIR/devnet-node{i}; each node logs to node.log in its network's directory.
    With --demo, four wallets get coins from the faucets once blocks mature, then keep
    paying each other and posting; they log to demo.log next to node 0's log.

    Example: pocketchain devnet --nodes 5 --topology ring --demo
    Example: pocketchain devnet --file examples/lab/two-continents.toml
    """
    from ..lab.netfile import NetworkFileError, from_topology, read_plan
    from ..lab.topology import TopologyError
    from .devnet import run_devnet

    if ctx.invoked_subcommand is not None:
        return
    if file is not None and (nodes != DEVNET_NODES or topology != DEVNET_TOPOLOGY):
        raise UserError("--file names the nodes and their links: leave out --nodes and --topology")
    try:
        plan = read_plan(file) if file is not None else from_topology(topology, nodes)
    except NetworkFileError as exc:
        raise UserError(str(exc)) from None
    except TopologyError as exc:
        raise typer.BadParameter(str(exc), param_hint="--topology") from None
    nodes = len(plan.nodes)
    if port + nodes - 1 > 65535:
        raise typer.BadParameter(f"{nodes} nodes from port {port} pass 65535", param_hint="--port")
    params = params_of(network)
    demo = demo or plan.demo_per_minute is not None
    if demo and params.name == "main":
        raise typer.BadParameter("the demo needs a faucet: regtest or devnet", param_hint="--demo")
    if no_mine:
        plan = replace(plan, nodes=tuple(replace(n, mining=False, share=None) for n in plan.nodes))
    run_devnet(plan, port, data_dir.expanduser(), params.name, demo)


@devnet_app.command("split")
def devnet_split(
    groups: Annotated[list[str], typer.Argument(help="Groups of node numbers, e.g. 0,1 2.")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Cut every link between the groups of a running devnet (both ends forget each other).

    Example: pocketchain devnet split 0,1 2
    """
    from .._devnet import Devnet, parse_groups, split

    where = data_dir.expanduser()
    net = Devnet.load(where)
    cut = split(net, parse_groups(groups, len(net.urls)))
    net.save(where)
    typer.echo(f"cut {len(cut)} link{'s' * (len(cut) != 1)}: " + _links(cut))


@devnet_app.command("heal")
def devnet_heal(data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Link again what `devnet split` cut."""
    from .._devnet import Devnet, heal

    where = data_dir.expanduser()
    net = Devnet.load(where)
    healed = heal(net)
    net.save(where)
    typer.echo(f"healed {len(healed)} link{'s' * (len(healed) != 1)}: " + _links(healed))


@devnet_app.command("status")
def devnet_status(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Each node's height, tip and peers, and the links cut."""
    from .._devnet import Devnet, status

    net = Devnet.load(data_dir.expanduser())
    rows = status(net)
    if as_json:
        links = net.link_rows()
        typer.echo(json.dumps({"mode": net.mode, "nodes": rows, "links": links, "cut": net.cut}))
        return
    for row in rows:
        share = f" share {row['share']:.0%}" if row.get("share") else ""
        if "error" in row:
            typer.echo(f"node {row['node']} {row['url']}: {row['error']}")
        else:
            typer.echo(
                f"node {row['node']} {row['url']}: height {row['height']} tip {row['tip'][-6:]}"
                f" peers {row['peers']}{' mining' if row['mining'] else ''}{share}"
            )
    typer.echo(f"mining: {net.mode}; links {_links(net.links)}; cut {_links(net.cut)}")


def _links(pairs: list[tuple[int, int]]) -> str:
    return " ".join(f"{a}-{b}" for a, b in pairs) or "none"


@app.command("mine")
def mine_cmd(
    blocks: Annotated[int, typer.Option(min=1, max=1000, help="How many blocks.")] = 1,
    to: Annotated[str | None, typer.Option(help="Address paid (default: the node's key).")] = None,
    max_txs: Annotated[
        int | None,
        typer.Option(min=0, help="The most transactions in each block, best-paying first."),
    ] = None,
    node_url: NodeUrl = DEFAULT_NODE,
    network: Network = "devnet",
    data_dir: DataDir = DEFAULT_DATA_DIR,
    token: Token = None,
) -> None:
    """Mine blocks now on a regtest or devnet node and print their hashes.

    It says first how long that should take (from the difficulty and the node's hash rate); a
    progress bar shows on a terminal, a line a block otherwise.
    Example: pocketchain mine --blocks 101 --network regtest
    """
    from .progress import progress_bar

    # MINE_STEP devnet blocks at the network's pace can take minutes
    client = connect(node_url, network, token or local_token(data_dir, network), 600.0)
    typer.echo(_mining_estimate(client.status(), blocks), err=True)
    step = MINE_STEP if sys.stderr.isatty() else 1  # without a bar, a line as each block comes
    done, start = 0, time.monotonic()
    with progress_bar("mining") as advance:
        while done < blocks:
            for block_hash in client.mine(min(step, blocks - done), to, max_txs):
                typer.echo(block_hash)
                done += 1
            advance(done, blocks)
            if not sys.stderr.isatty():
                typer.echo(f"mined {done} of {blocks} ({time.monotonic() - start:.1f} s)", err=True)


def _mining_estimate(status: Status, blocks: int) -> str:
    """One line: the work a block takes at this difficulty, and the time at the node's rate."""
    target = compact_to_target(int(status.bits, 16))[0]
    attempts = 2**256 / (target + 1)  # the expected hashes for one block at this target
    work = f"mining {blocks} block{'s' * (blocks != 1)}: about {_si(attempts, 'attempts')} each"
    if status.hashrate <= 0:
        return f"{work}; the node has not mined yet, so its speed is not known"
    seconds = attempts / status.hashrate
    other = " (other nodes mine too: a block they find first restarts the search)"
    return (
        f"{work}, at this node's {_si(status.hashrate, 'H/s')} about {_seconds(seconds)} a block,"
        f" {_seconds(seconds * blocks)} in all{other if status.peers else ''}"
    )


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value >= 0.1 else "under 0.1 s"


def _si(value: float, unit: str) -> str:
    """`value` with a k, M or G prefix: 65.5 k attempts, 1.6 MH/s, 2 attempts."""
    for prefix, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= size:
            return f"{value / size:.1f} {prefix}{unit}"
    return f"{value:.0f} {unit}"


@chain_app.command("verify")
def verify_cmd(
    network: Network = "devnet",
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: Annotated[str | None, typer.Option(help="The node's --db, if it used one.")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Re-validate the stored chain from genesis; exit 1 naming the first bad block.

    Stop the node first. Example: pocketchain chain verify --network regtest
    """
    from ..node.offline import verify_stored_chain
    from .progress import progress_bar

    with progress_bar("verifying") as advance:
        result = verify_stored_chain(params_of(network), data_dir, db, advance)
    tip = to_display(result.tip)
    if json_:
        counts = {"height": result.height, "transactions": result.transactions}
        typer.echo(json.dumps(counts | {"coins": result.coins, "tip": tip}))
        return
    typer.echo(
        f"ok: {result.height} blocks, {result.transactions} transactions, "
        f"{result.coins} unspent outputs; tip {tip}"
    )


def main() -> None:
    try:
        app()
    except (PocketchainError, ValueError, OSError) as exc:
        logging.shutdown()
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
