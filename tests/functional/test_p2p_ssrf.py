"""A hello names a URL; the node sends no request there on that word alone. The address goes into
its book, and the node may dial it once, as its own choice, when it picks it for an outbound slot:
one hello, no status polls, nothing more for a minute."""

from framework import wait_until
from listener import Listener
from sender import Sender


def test_a_hello_naming_a_listener_makes_at_most_one_bounded_dial(nodes) -> None:
    node = nodes(host="127.0.0.1")
    target, canary = Listener("127.0.0.60"), Listener("127.0.0.61")
    sender = Sender(node, "127.0.0.1")
    try:
        for n in range(8):  # named again and again (ten hellos in a row are allowed)
            assert sender.hello(target.url, f"{n:016x}").status_code == 200
        assert target.wait_for(1, 30), "the node never picked the address"
        assert target.received[0] == ("POST", "/api/v1/peers/hello")  # a dial: its own hello
        # another address named later is dialled too: the node went on picking meanwhile
        assert sender.hello(canary.url, "c" * 16).status_code == 200
        assert canary.wait_for(1, 30)
        wait_until(lambda: node.api("GET", "/network")["addresses_new"] >= 2, 10, "the book")
        assert target.received == [("POST", "/api/v1/peers/hello")]
        assert not any(
            v["url"] == target.url and v["direction"] != "inbound"
            for v in node.api("GET", "/peers")
        )
    finally:
        target.close()
        canary.close()
