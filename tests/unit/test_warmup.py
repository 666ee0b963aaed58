"""The warm-up gate, without sockets: the stored tip's status and 503 `loading` until the node's
app is in place, then every request is the app's."""

import dataclasses

import httpx

from aio import run
from pocketchain import Status
from pocketchain.api.warmup import Warmup

STATUS = Status(
    network="regtest",
    hrp="pcrt",
    magic="00",
    pow_limit="7f" + "f" * 62,
    genesis="00" * 32,
    version="0.1.0",
    height=7,
    tip="ab" * 32,
    bits="207fffff",
    difficulty=1.0,
    chainwork="00" * 32,
    peers=0,
    mempool=0,
    mining=False,
    hashrate=0.0,
    synced=False,
    loading=True,
)


async def the_app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": scope["path"].encode()})


def ask(gate: Warmup, method: str, path: str, accept: str = "*/*") -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=gate)
        async with httpx.AsyncClient(transport=transport, base_url="http://node") as client:
            return await client.request(method, path, headers={"accept": accept})

    return run(go())


def test_before_the_store_opens_everything_is_loading() -> None:
    answer = ask(Warmup(), "GET", "/api/v1/status")
    assert answer.status_code == 503 and answer.json()["error"]["code"] == "loading"


def test_while_loading_the_status_is_the_stored_tip_and_the_rest_503() -> None:
    gate = Warmup()
    gate.status = STATUS
    status = ask(gate, "GET", "/api/v1/status")
    assert status.status_code == 200 and status.json() == dataclasses.asdict(STATUS)
    assert status.headers["content-type"] == "application/json"
    for method, path in [("GET", "/api/v1/blocks"), ("POST", "/api/v1/status"), ("GET", "/")]:
        answer = ask(gate, method, path)
        assert answer.status_code == 503, (method, path)
        assert answer.headers["retry-after"] == "1"
        assert answer.json() == {
            "error": {
                "code": "loading",
                "message": "the node is loading its block index; try again in a moment",
            }
        }


def test_a_browser_gets_a_page_that_says_so_and_reloads_itself() -> None:
    gate = Warmup()
    gate.status = STATUS
    for path in ("/", "/docs"):
        page = ask(gate, "GET", path, "text/html,application/xhtml+xml,*/*;q=0.8")
        assert page.status_code == 503 and page.headers["retry-after"] == "1"
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert '<meta http-equiv="refresh" content="1">' in page.text
        assert "loading its block index (the stored tip is at height 7)." in page.text
    assert "loading its block index." in ask(Warmup(), "GET", "/", "text/html").text


def test_once_open_every_request_is_the_apps() -> None:
    gate = Warmup()
    gate.status = STATUS
    gate.app = the_app
    for path in ("/api/v1/status", "/api/v1/blocks"):
        answer = ask(gate, "GET", path)
        assert (answer.status_code, answer.text) == (200, path)
