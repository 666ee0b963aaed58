"""faults_netns: four nodes in network namespaces of their own split 2/2 by a cut link.

Each node runs in its own namespace and binds to that namespace's address. Each namespace has a
veth to one of two bridges, one per half, and a veth between the bridges links the halves (two
switches and the cable between them). Cutting that cable partitions the network: each half
mines its own branch; the cable back, all four converge on the branch with the most work.

The namespaces need root and CAP_NET_ADMIN; where they cannot be made the test is skipped,
saying why. The test reaches each node through a Unix socket that a small forwarder inside the
node's namespace relays to the node, so nothing is added to the host's own network. Everything
made is deleted at the end, whatever happened.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from framework import EXE, TestNode, sync_all, wait_until

pytestmark = pytest.mark.faults

SUBNET = "10.77.0"  # inside the namespaces only: the host never routes to it
PORT = 8000
HALVES = ((0, 1), (2, 3))
# relays a Unix socket to host:port, run inside a node's namespace
FORWARDER = """
import asyncio, sys

async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        writer.close()

async def handle(reader, writer):
    try:
        node_reader, node_writer = await asyncio.open_connection(sys.argv[2], int(sys.argv[3]))
    except OSError:
        writer.close()
        return
    await asyncio.gather(pipe(reader, node_writer), pipe(node_reader, writer))

async def main():
    server = await asyncio.start_unix_server(handle, sys.argv[1])
    await server.serve_forever()

asyncio.run(main())
"""


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True, timeout=30)


class Network:
    """Namespaces `<prefix>0`…`<prefix>3` for the nodes and `<prefix>hub` for the two bridges."""

    def __init__(self) -> None:
        self.prefix = f"pcf{os.getpid()}-"
        self.hub = self.prefix + "hub"
        self.made: list[str] = []

    def ns(self, n: int) -> str:
        return f"{self.prefix}{n}"

    def address(self, n: int) -> str:
        return f"{SUBNET}.{n + 1}"

    def create(self) -> None:
        for name in [self.hub] + [self.ns(n) for n in range(4)]:
            ip("netns", "add", name)
            self.made.append(name)
            ip("-n", name, "link", "set", "lo", "up")
        for half, members in enumerate(HALVES):
            ip("-n", self.hub, "link", "add", f"br{half}", "type", "bridge")
            ip("-n", self.hub, "link", "set", f"br{half}", "up")
            for n in members:
                veth = ["veth", "peer", "name", "eth0", "netns", self.ns(n)]  # h<n> to its eth0
                ip("-n", self.hub, "link", "add", f"h{n}", "type", *veth)
                ip("-n", self.hub, "link", "set", f"h{n}", "master", f"br{half}", "up")
                ip("-n", self.ns(n), "addr", "add", f"{self.address(n)}/24", "dev", "eth0")
                ip("-n", self.ns(n), "link", "set", "eth0", "up")
        ip("-n", self.hub, "link", "add", "cable0", "type", "veth", "peer", "name", "cable1")
        ip("-n", self.hub, "link", "set", "cable0", "master", "br0", "up")
        ip("-n", self.hub, "link", "set", "cable1", "master", "br1", "up")

    def cut(self) -> None:
        ip("-n", self.hub, "link", "set", "cable0", "down")

    def mend(self) -> None:
        ip("-n", self.hub, "link", "set", "cable0", "up")

    def delete(self) -> None:
        for name in reversed(self.made):
            subprocess.run(["ip", "netns", "del", name], capture_output=True, check=False)


class NamespacedNode(TestNode):
    """A node in namespace `ns`, bound to `address`; the test reaches it through `socket`."""

    def __init__(self, data_dir: Path, ns: str, address: str) -> None:
        super().__init__(data_dir)
        self.ns = ns
        self.address = address
        self.port = PORT
        self.url = f"http://{address}:{PORT}"
        self.socket = data_dir.parent / f"{data_dir.name}.sock"
        self.http.close()
        transport = httpx.HTTPTransport(uds=str(self.socket))
        self.http = httpx.Client(base_url=self.url, transport=transport, timeout=60)
        self.forwarder: subprocess.Popen[bytes] | None = None

    def command(self, *extra: str) -> list[str]:
        args = [str(EXE), "node", "--network", "regtest", "--host", self.address]
        args += ["--port", str(PORT), "--public-url", self.url, "--data-dir", str(self.data_dir)]
        args += ["--no-discover"]  # the connections the test makes, and no others
        return ["ip", "netns", "exec", self.ns, *args, "--miners", "1", *extra]

    def start(self, *extra: str) -> "NamespacedNode":
        if self.forwarder is None:
            args = [sys.executable, "-c", FORWARDER, str(self.socket), self.address, str(PORT)]
            self.forwarder = subprocess.Popen(["ip", "netns", "exec", self.ns, *args])
        super().start(*extra)
        return self

    def kill(self) -> None:
        super().kill()
        if self.forwarder is not None:
            self.forwarder.kill()
            self.forwarder.wait(10)
            self.forwarder = None


@pytest.fixture
def network() -> Iterator[Network]:
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root")
    if shutil.which("ip") is None:
        pytest.skip("network namespaces need iproute2's `ip`")
    net = Network()
    try:
        net.create()
    except subprocess.CalledProcessError as exc:
        net.delete()
        pytest.skip(f"cannot make network namespaces here: {' '.join(exc.cmd)}: {exc.stderr}")
    try:
        yield net
    finally:
        net.delete()


def lost(node: TestNode, others: list[TestNode]) -> bool:
    """`node` failed to reach each of `others` it dialled since it last did."""
    urls = {other.url for other in others}
    dialled = [p for p in node.api("GET", "/peers") if p["direction"] != "inbound"]
    return all(p["failures"] > 0 for p in dialled if p["url"] in urls)


def test_a_network_split_in_two_halves_converges_on_the_most_work(network, tmp_path) -> None:
    nodes = [
        NamespacedNode(tmp_path / f"node{n}", network.ns(n), network.address(n)) for n in range(4)
    ]
    try:
        for node in nodes:
            node.start()
        for n, node in enumerate(nodes):  # every pair shakes hands over the network
            for other in nodes[n + 1 :]:
                node.connect(other)
        nodes[0].mine(5)
        sync_all(nodes, 30)

        network.cut()
        a, b = [nodes[n] for n in HALVES[0]], [nodes[n] for n in HALVES[1]]
        a_blocks = a[0].mine(3)
        b_blocks = b[0].mine(6)  # more work
        assert sync_all(a, 30) == a_blocks[-1]  # each half goes on by itself
        assert sync_all(b, 30) == b_blocks[-1]
        wait_until(lambda: lost(a[1], b), 30, "A's nodes to find B's unreachable")
        assert a[1].tip() == a_blocks[-1] and b[1].tip() == b_blocks[-1]  # nothing crossed
        assert a[1].height() == 8 and b[1].height() == 11

        network.mend()
        assert sync_all(nodes, 90) == b_blocks[-1]
        for node in a:  # A's branch is a fork they know, and lost
            tips = {t["hash"]: t["status"] for t in node.api("GET", "/tips")}
            assert tips[a_blocks[-1]] == "valid-fork"
        wait_until(lambda: all(n.status()["peers"] == 3 for n in nodes), 60, "all peers back")
        nodes[1].mine(1)  # and the healed network relays again, across the cable
        assert sync_all(nodes, 30) == nodes[1].tip()
    finally:
        for node in nodes:
            node.kill()
