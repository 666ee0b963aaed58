"""Transactions from HTTP clients reach the node's writer in batches.

Each request would otherwise cost two thread handoffs (the event loop to the writer and back),
which under load is as much as validating the transaction. The intake keeps at most one batch
at the writer: what arrives meanwhile waits, and goes as the next batch when it returns. A lone
request goes at once; many concurrent ones share a handoff (a group commit).
"""

import asyncio

from ..consensus.errors import RejectError
from ..consensus.tx import Tx
from ..node.node import Node

Waiting = tuple[Tx, "asyncio.Future[None]"]


class TxIntake:
    def __init__(self, node: Node) -> None:
        self.node = node
        self._waiting: list[Waiting] = []
        self._busy = False  # a batch is at the writer

    async def accept(self, tx: Tx) -> int:
        """Offer `tx` to the node's mempool: the HTTP status of the answer, 201 when taken, 200
        when it was in the pool already; raises its RejectError when refused."""
        try:
            await self._submit(tx)
        except RejectError as exc:
            if exc.code == "txn-already-in-mempool":
                return 200
            raise
        return 201

    async def _submit(self, tx: Tx) -> None:
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((tx, done))
        if not self._busy:
            self._send_next()
        await done

    def _send_next(self) -> None:
        batch, self._waiting = self._waiting, []
        self._busy = bool(batch)
        if not batch:
            return
        results = self.node.acall(self.node.accept_txs, [tx for tx, _ in batch])
        results.add_done_callback(lambda f: self._answer(batch, f))

    def _answer(
        self, batch: list[Waiting], results: "asyncio.Future[list[RejectError | None]]"
    ) -> None:
        exc = results.exception()
        for n, (_, done) in enumerate(batch):
            if done.cancelled():  # the client went away
                continue
            if exc is not None:  # the writer failed: every request in the batch fails with it
                done.set_exception(exc)
            elif (error := results.result()[n]) is not None:
                done.set_exception(error)
            else:
                done.set_result(None)
        self._send_next()
