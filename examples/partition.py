"""A scripted experiment: three nodes in this process, a partition, a double spend, a heal.

Nodes A and B stay together; C is cut off. The same coin is paid to Bob on A's side and to Carol
on C's side; C's side then mines the longer chain. When the partition heals, every node follows
the chain with the most work, and only one payment survives. Run it:
python examples/partition.py
"""

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pocketchain import COIN, Node, NotFound, Wallet

PATIENCE = 60.0  # seconds for the nodes to agree, at most


def wait(what: str, done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + PATIENCE
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not after {PATIENCE:g} s")
        time.sleep(0.1)


def agree(*nodes: Node) -> bool:
    return len({node.status().tip for node in nodes}) == 1


def split(side: list[Node], other: list[Node]) -> None:
    """Every link between the two sides is cut, both ways."""
    for a in side:
        for b in other:
            for x, y in ((a, b), (b, a)):
                if y.url in {p.url for p in x.peers()}:
                    x.disconnect(str(y.url))


def fate(node: Node, txid: str) -> str:
    try:
        return f"confirmed in block {node.tx(txid).height}"
    except NotFound:
        return "gone: its coin was spent by the other payment"


def main(home: Path) -> None:
    a = Node(data_dir=home / "a", port=0, miners=1, discover=False)
    b = Node(data_dir=home / "b", port=0, peers=[str(a.url)], miners=1, discover=False)
    c = Node(data_dir=home / "c", port=0, peers=[str(a.url), str(b.url)], miners=1, discover=False)
    try:
        payer = Wallet.create(None)
        bob, carol = Wallet.create(None), Wallet.create(None)
        a.mine(101, to=payer.address)  # one coinbase is spendable: the coin both spend
        wait("the three nodes to sync", lambda: agree(a, b, c))

        split([a, b], [c])
        twin = Wallet.restore(None, payer.words)  # the same keys, on the other side
        to_bob = payer.send(a, bob.address, 10 * COIN)
        to_carol = twin.send(c, carol.address, 10 * COIN)
        a.mine(2)
        c.mine(3)  # the longer chain
        print(f"split: A and B at {a.status().height}, C at {c.status().height}")

        c.connect(str(a.url))
        c.connect(str(b.url))
        wait("the partition to heal", lambda: agree(a, b, c))
        print(f"healed: every node at {a.status().height}, tip {a.status().tip[:16]}...")
        print("payment to Bob:  ", fate(a, to_bob))
        print("payment to Carol:", fate(a, to_carol))
        assert fate(a, to_carol).startswith("confirmed") and fate(a, to_bob).startswith("gone")
        assert carol.balance(b).confirmed == 10 * COIN and bob.balance(b).total == 0
    finally:
        for node in (c, b, a):
            node.close()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(scratch))
