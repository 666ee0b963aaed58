"""What a wallet needs of a node: an in-process `pocketchain.Node`, or a `Client` of one over HTTP.

Both have these methods with the same results (`_results.py`), so a wallet works the same with
either; it never sees more of the node than this.
"""

from typing import Protocol

from .._results import AddressSummary, AddressTx, FeeRates, Status, TransactionStatus, Utxo
from ..consensus.tx import Tx


class Chain(Protocol):
    def status(self) -> Status: ...

    def address(self, address: str) -> AddressSummary: ...

    def utxos(self, address: str, limit: int = ..., offset: int = ...) -> tuple[Utxo, ...]: ...

    def address_txs(
        self, address: str, before: str | None = ..., limit: int = ...
    ) -> tuple[AddressTx, ...]: ...

    def tx(self, txid: str) -> TransactionStatus: ...

    def fees(self) -> FeeRates: ...

    def submit(self, tx: Tx | str | bytes) -> str: ...
