"""A ban holds the address the offending requests came from: a new hello with a new URL is
refused, before and after a restart, while other addresses are not touched."""

from sender import Sender, greedy_block


def test_a_banned_sender_stays_banned_whatever_url_it_claims(nodes) -> None:
    node = nodes()
    bad, good = Sender(node, "127.0.0.77"), Sender(node, "127.0.0.78")
    key = bad.hello("http://127.0.0.77:7001").json()["key"]
    sent = bad.http.post(
        "/api/v1/peers/blocks",
        json={"hex": greedy_block(node).raw.hex()},
        headers={"X-Peer-Key": key},
    )
    assert sent.json()["error"]["code"] == "bad-cb-amount"
    (ban,) = node.api("GET", "/network")["bans"]
    assert ban["ip"] == "127.0.0.77" and "bad-cb-amount" in ban["reason"]
    for url in ("http://127.0.0.77:7002", "http://127.0.0.99:7003"):
        again = bad.hello(url)
        assert (again.status_code, again.json()["error"]["code"]) == (403, "banned")
    assert good.hello("http://127.0.0.78:7004").status_code == 200  # others are not touched
    node.restart()
    after = bad.hello("http://127.0.0.77:7005")
    assert (after.status_code, after.json()["error"]["code"]) == (403, "banned")
    assert [b["ip"] for b in node.api("GET", "/network")["bans"]] == ["127.0.0.77"]
