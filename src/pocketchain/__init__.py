"""pocketchain: a small, real proof-of-work blockchain, from Python (CONTRACT section 7).

    import pocketchain

    with pocketchain.Node() as chain:                 # a throwaway regtest node, in this process
        alice = pocketchain.Wallet.create(None)
        chain.mine(101, to=alice.address)             # coinbases mature after 100 blocks
        txid = alice.send(chain, alice.new_address(), pocketchain.coins("1.5"))
        chain.mine(1)
        proof = chain.proof(txid)
        header = chain.raw_block(proof.block)[:80]
        assert pocketchain.verify_proof(proof, header)

`Client` (and `AsyncClient`) has the methods of `Node` over a node's HTTP API, with the same
results. Amounts are integers in base units (`COIN` per coin); hashes and txids are display hex.
Every error raised on purpose is a `PocketchainError`: a rule's `RejectError` with its stable
`code`, `NotFound`, `ApiError` (a refusal with an HTTP status), `Unreachable`, `WalletError`.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .consensus.errors import ApiError, DecodeError, NotFound, PocketchainError, RejectError
from .consensus.tx import COIN

if TYPE_CHECKING:  # imported when first used (below): `import pocketchain` stays quick
    from ._client import AsyncClient, Client, Unreachable
    from ._embedded import Node
    from ._ledger import coins, verify_headers, verify_proof
    from ._results import (
        AddressSummary,
        AddressTx,
        Ban,
        Block,
        BlockEvent,
        BlockSummary,
        ChainTip,
        CoinbaseInput,
        Event,
        FaucetPaid,
        FeeRates,
        Found,
        Mempool,
        NetworkInfo,
        Peer,
        PeerEvent,
        PooledTransaction,
        Post,
        Proof,
        RejectedEvent,
        ReorgEvent,
        Status,
        Transaction,
        TransactionStatus,
        TxEvent,
        TxInput,
        TxOutput,
        Utxo,
    )
    from ._wallet import Balance, Wallet
    from .wallet.errors import WalletError
    from .wallet.history import HistoryEntry

__all__ = [
    "COIN",
    "AddressSummary",
    "AddressTx",
    "ApiError",
    "AsyncClient",
    "Balance",
    "Ban",
    "Block",
    "BlockEvent",
    "BlockSummary",
    "ChainTip",
    "Client",
    "CoinbaseInput",
    "DecodeError",
    "Event",
    "FaucetPaid",
    "FeeRates",
    "Found",
    "HistoryEntry",
    "Mempool",
    "NetworkInfo",
    "Node",
    "NotFound",
    "Peer",
    "PeerEvent",
    "PocketchainError",
    "PooledTransaction",
    "Post",
    "Proof",
    "RejectError",
    "RejectedEvent",
    "ReorgEvent",
    "Status",
    "Transaction",
    "TransactionStatus",
    "TxEvent",
    "TxInput",
    "TxOutput",
    "Unreachable",
    "Utxo",
    "Wallet",
    "WalletError",
    "__version__",
    "coins",
    "verify_headers",
    "verify_proof",
]

_HOMES = {
    "Node": "_embedded",
    "coins": "_ledger",
    "verify_headers": "_ledger",
    "verify_proof": "_ledger",
}
_HOMES |= dict.fromkeys(("AsyncClient", "Client", "Unreachable"), "_client")
_HOMES |= dict.fromkeys(("Balance", "Wallet"), "_wallet")
_HOMES["HistoryEntry"] = "wallet.history"
_HOMES["WalletError"] = "wallet.errors"


def __getattr__(name: str) -> Any:
    """The public names not imported yet, from their private modules (PEP 562): the node and its
    HTTP server load only for a program that uses them, and a miner process never does."""
    if name not in __all__ or name in globals():
        raise AttributeError(f"module 'pocketchain' has no attribute {name!r}")
    value = getattr(import_module(f".{_HOMES.get(name, '_results')}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
