"""POST /api/v1/faucet (regtest and devnet only): the node's mining wallet pays an address.

app.py includes this router only off the main network, so there the route is unknown (404).
The input is checked first, so bad input never counts against a limit; then the limits, the
payout and its record run in one writer call, so two requests can neither pick the same coin nor
both slip under a limit.
"""

import math
import time
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field, StrictStr
from starlette.exceptions import HTTPException

from .._results import FaucetPaid
from ..consensus.hashes import to_display
from ..consensus.keys import decode_address
from ..consensus.tx import Tx
from ..node import faucet
from ..node.faucet import DEFAULT_AMOUNT, MAX_AMOUNT
from ..node.node import Node
from .common import RequestBody
from .errors import ERROR_RESPONSES, ErrorBody

ADDRESS_WINDOW = 30.0  # seconds: one payout per address in that time
CLIENT_PAYOUTS = 20  # payouts per client ...
CLIENT_WINDOW = 600.0  # ... in that many seconds


class FaucetBody(RequestBody):
    address: StrictStr = Field(description="a bech32m address of this node's network")
    # any JSON value gets in, so that the route answers `bad-amount` for every wrong one
    amount: Any = Field(
        default=DEFAULT_AMOUNT,
        description=f"base units (1 coin = 100,000,000), at most {MAX_AMOUNT}",
        json_schema_extra={"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT},
    )


FAUCET_RESPONSES: dict[int | str, dict[str, Any]] = ERROR_RESPONSES | {
    409: {
        "model": ErrorBody,
        "description": "`faucet-empty`: the mining wallet cannot pay; mine some blocks first",
    },
    429: {
        "model": ErrorBody,
        "description": "`rate-limited`: one payout per address every 30 s, "
        f"{CLIENT_PAYOUTS} per client every {CLIENT_WINDOW / 60:g} minutes",
        "headers": {
            "Retry-After": {
                "description": "seconds to wait before asking again",
                "required": True,
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    },
}


class RateLimit:
    """At most `limit` events per key in any `window` seconds, kept in memory.

    Only the events of the last `window` seconds are kept: older ones are forgotten as the clock
    moves on, so memory holds no more than one window's traffic.
    """

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: deque[tuple[float, Hashable]] = deque()  # (time, key), oldest first
        self._times: dict[Hashable, deque[float]] = {}  # each key's event times, oldest first

    def __len__(self) -> int:
        """Events remembered."""
        self._forget_old()
        return len(self._events)

    def wait(self, key: Hashable) -> float:
        """Seconds until `key` may have one more event; 0 when it may now."""
        now = self._forget_old()
        times = self._times.get(key)
        if times is None or len(times) < self.limit:
            return 0.0
        return times[0] + self.window - now

    def add(self, key: Hashable) -> None:
        now = self._forget_old()
        self._events.append((now, key))
        self._times.setdefault(key, deque()).append(now)

    def _forget_old(self) -> float:
        """Drop the events that left the window; the time now."""
        now = self._clock()
        while self._events and self._events[0][0] <= now - self.window:
            _, key = self._events.popleft()
            times = self._times[key]
            times.popleft()
            if not times:
                del self._times[key]
        return now


class RateLimited(HTTPException):
    """429 `rate-limited` (errors.py names the code) with a Retry-After header."""

    def __init__(self, why: str, wait: float) -> None:
        seconds = max(1, math.ceil(wait))
        super().__init__(
            429, f"{why}; try again in {seconds} s", headers={"Retry-After": str(seconds)}
        )


class FaucetLimits:
    """One payout per address every 30 s, 20 per client every 10 minutes."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_address = RateLimit(1, ADDRESS_WINDOW, clock)
        self.per_client = RateLimit(CLIENT_PAYOUTS, CLIENT_WINDOW, clock)

    def check(self, address: bytes, client: str) -> None:
        """RateLimited when a payout to `address` asked by `client` would break a limit."""
        if wait := self.per_address.wait(address):
            raise RateLimited(f"this address was paid less than {ADDRESS_WINDOW:g} s ago", wait)
        if wait := self.per_client.wait(client):
            raise RateLimited(
                f"this client was paid {CLIENT_PAYOUTS} times in the last"
                f" {CLIENT_WINDOW / 60:g} minutes",
                wait,
            )

    def record(self, address: bytes, client: str) -> None:
        """Count a payout."""
        self.per_address.add(address)
        self.per_client.add(client)


def router(node: Node) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    limits = FaucetLimits()  # used by the writer only

    @router.post(
        "/faucet",
        status_code=201,
        summary="Get coins from the node's mining wallet (regtest, devnet)",
        responses=FAUCET_RESPONSES,
    )
    async def post_faucet(body: FaucetBody, request: Request) -> FaucetPaid:
        """The node's mining wallet (its own key, which its coinbases pay when it mines
        without --mine-to) pays `amount` to `address` at the mempool's minimum fee rate; the
        transaction goes to the mempool and to peers like any other."""
        amount = faucet.checked_amount(body.amount)
        to = decode_address(node.params.hrp, body.address)  # 400 bad-address
        client = request.client.host if request.client else ""

        def pay() -> Tx:
            limits.check(to, client)
            tx = faucet.pay(node, to, amount)
            limits.record(to, client)
            return tx

        tx = await node.acall(pay)  # faucet-empty (409) when the wallet cannot pay
        return FaucetPaid(txid=to_display(tx.txid), amount=amount)

    return router
