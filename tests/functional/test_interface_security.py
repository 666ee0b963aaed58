"""interface_security: what a web page elsewhere, or a client that lies about itself, can make the
node do (CONTRACT section 5): nothing it was not meant to.

- Every answer carries the security headers (no framing, scripts only from the node, no sniffing,
  no referrer), the fast lane's too.
- A request addressed to another host (DNS rebinding) is 421 `misdirected`.
- A POST body that is not `application/json` (a cross-site form's) is 415.
- X-Forwarded-For names the client only when a proxy named with --trusted-proxy sent it.
- A body with a field the route does not define is 400 `bad-request`.
- No error message shows a path of the node's machine.
"""

import httpx
import pytest
from coins import address
from framework import TestNode

from pocketchain.api.faucet import CLIENT_PAYOUTS
from pocketchain.consensus.tx import COIN

HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def secured(response: httpx.Response) -> bool:
    policy = response.headers.get("content-security-policy", "")
    return (
        all(response.headers.get(k) == v for k, v in HEADERS.items())
        and "frame-ancestors 'none'" in policy
        and "script-src 'self'" in policy
    )


def test_every_answer_carries_the_security_headers(nodes) -> None:
    node: TestNode = nodes()
    answers = [
        node.http.get("/"),
        node.http.get("/docs"),
        node.http.get("/web/app.js"),
        node.http.get("/api/v1/status"),
        node.http.get("/metrics"),
        node.http.get("/api/v1/nope"),  # an error
        node.http.post("/api/v1/txs", json={"hex": "00"}),  # refused by the route
        node.http.post("/api/v1/txs", json={"hex": "0100"}),  # the fast lane's shape
    ]
    for response in answers:
        assert secured(response), (response.request.url, dict(response.headers))
    page = node.http.get("/docs").text
    assert "<script>" not in page  # no inline script: they would not run under the policy


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:5000", "127.0.0.1.evil.example", "[::2]:80"]
)
def test_a_request_for_another_host_is_misdirected(nodes, host: str) -> None:
    node: TestNode = nodes()
    for method, path, body in (
        ("GET", "/api/v1/status", None),
        ("GET", "/", None),
        ("POST", "/api/v1/faucet", {"address": address(1)}),
        ("POST", "/api/v1/peers/hello", {}),
        ("GET", "/ui/admin-token", None),
    ):
        response = node.http.request(method, path, json=body, headers={"Host": host})
        assert response.status_code == 421, (method, path, response.text)
        assert response.json()["error"]["code"] == "misdirected"
        assert secured(response)


def test_requests_addressed_to_the_node_are_served(nodes) -> None:
    node: TestNode = nodes()
    for host in (f"127.0.0.1:{node.port}", f"localhost:{node.port}", "LOCALHOST", "127.0.0.1"):
        response = node.http.get("/api/v1/status", headers={"Host": host})
        assert response.status_code == 200, host


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
def test_a_post_body_must_be_json(nodes, content_type: str | None) -> None:
    node: TestNode = nodes()
    headers = {"content-type": content_type} if content_type else {}
    for path, body in (
        ("/api/v1/txs", b'{"hex": "0100"}'),  # the fast lane
        ("/api/v1/faucet", b'{"address": "x"}'),
        ("/api/v1/peers/hello", b"{}"),
        ("/api/v1/mine", b'{"blocks": 1}'),
    ):
        response = node.http.post(path, content=body, headers=headers)
        assert response.status_code == 415, (path, response.text)
        assert response.json()["error"]["code"] == "unsupported-media-type"
    assert node.height() == 0


def test_json_with_a_charset_is_json(nodes) -> None:
    node: TestNode = nodes()
    response = node.http.post(
        "/api/v1/txs",
        content=b'{"hex": "00"}',
        headers={"content-type": "Application/JSON; charset=utf-8"},
    )
    assert response.json()["error"]["code"] == "decode-failed"  # read, and refused as a tx


def test_unknown_fields_are_refused(nodes) -> None:
    node: TestNode = nodes()
    token = {"Authorization": f"Bearer {node.token}"}
    for path, body, headers in (
        ("/api/v1/mine", {"block": 5}, token),  # a typo of "blocks"
        ("/api/v1/mining", {"enabled": False, "miner": 2}, token),
        ("/api/v1/txs", {"hex": "00", "fee": 1}, {}),
        ("/api/v1/blocks", {"hex": "00", "x": 1}, {}),
        ("/api/v1/faucet", {"address": address(1), "amont": COIN}, {}),
        ("/api/v1/peers", {"url": "http://127.0.0.1:1", "x": 1}, token),
    ):
        response = node.http.post(path, json=body, headers=headers)
        assert response.status_code == 400, (path, response.text)
        error = response.json()["error"]
        assert error["code"] == "bad-request"
        assert "no such field" in error["message"], error
    assert node.height() == 0


def test_a_transaction_as_the_node_shows_it_can_be_posted_back(nodes) -> None:
    """The tx JSON form takes the fields GET /txs/{txid} derives (and ignores them)."""
    node: TestNode = nodes()
    node.mine(101)
    paid = node.api("POST", "/faucet", json={"address": address(1)})
    shown = node.api("GET", f"/txs/{paid['txid']}")
    assert {"txid", "size", "hex", "status", "fee"} <= set(shown)
    response = node.http.post("/api/v1/txs", json=shown)
    assert (response.status_code, response.json()) == (200, {"txid": paid["txid"]})


def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(nodes) -> None:
    plain: TestNode = nodes()
    proxied: TestNode = nodes("--trusted-proxy", "127.0.0.1")
    extra = 4
    for node in (plain, proxied):
        node.mine(100 + CLIENT_PAYOUTS + extra)  # a mature coinbase for each payout
    for node, limited in ((plain, True), (proxied, False)):
        codes = []
        for n in range(CLIENT_PAYOUTS + extra):
            response = node.http.post(
                "/api/v1/faucet",
                json={"address": address(10 + n), "amount": COIN // 100},
                headers={"X-Forwarded-For": f"198.51.100.{n}"},
            )
            codes.append(response.status_code)
        refused = [201] * CLIENT_PAYOUTS + [429] * extra
        assert codes == (refused if limited else [201] * (CLIENT_PAYOUTS + extra)), codes


def test_the_token_refusal_shows_no_path(nodes) -> None:
    node: TestNode = nodes()
    response = node.http.get("/ui/admin-token")  # not the page's own request
    assert response.status_code == 403
    message = response.json()["error"]["message"]
    assert str(node.data_dir) not in message and "/" not in message, message
    assert "admin.token" in message
