"""The web UI: static files under /web, the page at /, and the admin token for that page only.

No build step: the browser loads plain ES modules from src/pocketchain/api/web/. The admin token
reaches the page through a same-origin request from this machine only (CONTRACT section 5): the
browser marks its own requests `Sec-Fetch-Site: same-origin`, no other origin can read the answer
(no CORS header is ever sent), and a page served to another machine asks its user to paste the
token from the node's data directory instead.
"""

import ipaddress
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from mnemonic import Mnemonic

from ..consensus.errors import ApiError
from ..node.keyfiles import TOKEN_FILE
from ..node.node import Node

WEB = Path(__file__).parent / "web"


def install(app: FastAPI, node: Node) -> None:
    app.mount("/web", StaticFiles(directory=WEB), name="web")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        # no-cache: a new version of the UI is picked up on the next load
        return FileResponse(WEB / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/ui/bip39-english", include_in_schema=False)
    def bip39_words() -> JSONResponse:
        # the browser wallet reads recovery phrases with the same list as `pocketchain wallet`
        words = Mnemonic("english").wordlist
        return JSONResponse(words, headers={"Cache-Control": "max-age=86400"})

    @app.get("/ui/admin-token", include_in_schema=False)
    def admin_token(request: Request) -> JSONResponse:
        same_origin = request.headers.get("sec-fetch-site") == "same-origin"
        if not (same_origin and _loopback(request)):
            raise ApiError(
                403,
                "forbidden",
                "the admin token is given only to this node's own page on this machine; paste it"
                f" from the file {TOKEN_FILE} in the node's data directory",
            )
        return JSONResponse({"token": node.token}, headers={"Cache-Control": "no-store"})


def _loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
