"""What the node answers, as frozen dataclasses: one definition for every side.

A `Node` in this process builds them, the HTTP API sends them as JSON (their fields are the JSON
fields of CONTRACT section 4, and /openapi.json documents them from here), and `Client` reads the
JSON back into them. Every hash and txid is lowercase hex in display order (byte-reversed, as
Bitcoin shows them); amounts are integers in base units (1 coin = 100,000,000); times are seconds
since the epoch.
"""

from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Field, Strict, TypeAdapter

Hash = Annotated[str, Field(description="64 hex characters, display order (byte-reversed)")]
Amount = Annotated[int, Field(description="base units (1 coin = 100,000,000)")]
Address = Annotated[str, Field(description="a bech32m address")]

R = TypeVar("R")


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(kind: type[R]) -> TypeAdapter[R]:
    """The validator of a result type, built once (building one costs a millisecond)."""
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        adapter = _ADAPTERS[kind] = TypeAdapter(kind)
    return adapter


def from_json(kind: type[R], data: Any) -> R:
    """A result of type `kind` from its JSON form (a `Client` reading an answer)."""
    return _adapter(kind).validate_python(data)


@dataclass(frozen=True, kw_only=True)
class Status:
    network: str
    hrp: Annotated[str, Field(description="the address prefix of this network (bech32m)")]
    magic: Annotated[str, Field(description="the network's bytes every signature commits to")]
    pow_limit: Annotated[str, Field(description="the easiest target a block may have, hex")]
    genesis: Annotated[Hash, Field(description="the hash of this network's genesis block")]
    version: str
    height: int
    tip: Hash
    bits: Annotated[str, Field(description="the tip's compact target, 8 hex digits")]
    difficulty: Annotated[float, Field(description="the proof-of-work limit over the target")]
    chainwork: Annotated[str, Field(description="the active chain's work, 64 hex digits")]
    peers: Annotated[int, Field(description="connected peers that are not banned")]
    mempool: Annotated[int, Field(description="transactions in the memory pool")]
    mining: bool
    hashrate: Annotated[float, Field(description="hashes per second of this node's miners")]
    synced: Annotated[bool, Field(description="no connected peer is known to have more work")]
    mining_kernel: Annotated[
        str,
        Field(description='the nonce search that mines: "C (SHA-NI)", "C (portable)" or "Python"'),
    ] = "Python"
    loading: Annotated[
        bool,
        Field(
            description="the node is still loading its block index: the status is the stored "
            "tip's, and every other route answers 503 `loading` until it is done"
        ),
    ] = False


# -- blocks ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BlockSummary:
    hash: Hash
    height: int
    prev: Hash
    time: int
    bits: str
    size: Annotated[int, Field(description="bytes of the serialized block")]
    tx_count: int


@dataclass(frozen=True, kw_only=True)
class ChainTip:
    hash: Hash
    height: int
    chainwork: str
    branchlen: Annotated[int, Field(description="blocks from the active chain to this tip")]
    status: Literal["active", "valid-fork", "invalid", "headers-only"]


# -- transactions: the JSON form a transaction is shown in, and may be posted in ----------------


# documented patterns; a posted form is checked field by field, each with its own code
_HASH_PATTERN = {"pattern": "^[0-9a-fA-F]{64}$"}
_HEX_PATTERN = {"pattern": "^(?:[0-9a-fA-F]{2})*$"}


@dataclass(frozen=True, kw_only=True)
class TxInput:
    txid: Annotated[
        Hash,
        Strict(),
        Field(
            description="the transaction it spends an output of", json_schema_extra=_HASH_PATTERN
        ),
    ]
    vout: Annotated[int, Strict(), Field(ge=0, le=0xFFFF_FFFF, description="its output index")]
    pubkey: Annotated[
        str,
        Strict(),
        Field(description="the 32-byte x-only public key, hex", json_schema_extra=_HEX_PATTERN),
    ]
    signature: Annotated[
        str,
        Strict(),
        Field(description="the 64-byte BIP-340 signature, hex", json_schema_extra=_HEX_PATTERN),
    ]


@dataclass(frozen=True, kw_only=True)
class CoinbaseInput:
    coinbase: Annotated[str, Field(description="the coinbase's signature field, hex")]
    height: Annotated[int, Field(description="the height the coinbase commits to")]


@dataclass(frozen=True, kw_only=True)
class TxOutput:
    amount: Annotated[Amount, Strict(), Field(ge=-(2**63), le=2**63 - 1)]
    address: Annotated[Address, Strict()]


@dataclass(frozen=True, kw_only=True)
class TxFields:
    """A transaction field by field: what a signature covers, but in JSON."""

    version: Annotated[int, Strict(), Field(ge=0, le=0xFFFF_FFFF)]
    inputs: tuple[TxInput | CoinbaseInput, ...]
    outputs: tuple[TxOutput, ...]
    data: Annotated[
        str | None, Field(description="the data field (a post's text) as UTF-8, or null")
    ] = None


@dataclass(frozen=True, kw_only=True)
class Transaction(TxFields):
    """A transaction's fields and what is derived from them."""

    txid: Hash
    size: int
    hex: Annotated[str, Field(description="the exact consensus serialization, in hex")]


@dataclass(frozen=True, kw_only=True)
class PooledTransaction(Transaction):
    fee: Amount
    fee_rate: Annotated[float, Field(description="base units per byte")]


@dataclass(frozen=True, kw_only=True)
class TransactionStatus(Transaction):
    status: Literal["mempool", "confirmed"]
    block: Annotated[Hash | None, Field(description="the block that confirms it, or null")]
    height: int | None
    confirmations: Annotated[int, Field(description="0 in the mempool, 1 in the tip block")]
    fee: Annotated[Amount | None, Field(description="inputs minus outputs; null for a coinbase")]


@dataclass(frozen=True, kw_only=True)
class Proof:
    """Where a transaction is in its block: the merkle branch to the header's merkle root."""

    txid: Hash
    block: Hash
    merkle_root: Hash
    index: Annotated[int, Field(description="the transaction's position in the block")]
    branch: Annotated[
        tuple[Hash, ...],
        Field(
            description="the sibling hashes from the leaf up, each in display order"
            " (byte-reversed): reverse them to internal order before hashing"
        ),
    ]


@dataclass(frozen=True, kw_only=True)
class Block:
    hash: Hash
    version: int
    prev: Hash
    merkle_root: Hash
    time: int
    bits: str
    nonce: int
    height: int
    confirmations: Annotated[int, Field(description="0 when not on the active chain")]
    size: int
    txs: tuple[Transaction, ...]
    next: Annotated[Hash | None, Field(description="the next block on the active chain")]


@dataclass(frozen=True, kw_only=True)
class Mempool:
    count: Annotated[int, Field(description="transactions in the whole pool")]
    bytes: Annotated[int, Field(description="serialized size of the whole pool")]
    txs: Annotated[tuple[PooledTransaction, ...], Field(description="highest fee rate first")]


@dataclass(frozen=True, kw_only=True)
class FeeRates:
    min_fee_rate: Annotated[int, Field(description="base units per byte: the pool's floor")]
    fee_rate: Annotated[
        int, Field(description="base units per byte that gets a new transaction in the next block")
    ]


# -- addresses, posts, peers ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AddressSummary:
    address: Address
    balance: Annotated[Amount, Field(description="confirmed unspent outputs")]
    pending: Annotated[Amount, Field(description="net change by mempool transactions")]
    received: Annotated[Amount, Field(description="paid to it in confirmed transactions")]
    sent: Annotated[Amount, Field(description="spent from it in confirmed transactions")]
    tx_count: Annotated[int, Field(description="confirmed transactions touching it")]


@dataclass(frozen=True, kw_only=True)
class Utxo:
    txid: Hash
    vout: int
    amount: Amount
    height: int
    coinbase: bool
    mature: Annotated[bool, Field(description="spendable in the next block")]
    spent_in_mempool: bool


@dataclass(frozen=True, kw_only=True)
class AddressTx:
    txid: Hash
    height: Annotated[int | None, Field(description="null in the mempool")]
    block: Hash | None
    position: Annotated[int | None, Field(description="its place in the block, or null")]
    time: Annotated[int, Field(description="the block's time, or when the mempool took it")]
    received: Amount
    sent: Amount
    confirmations: int


@dataclass(frozen=True, kw_only=True)
class Post:
    txid: Hash
    author: Annotated[Address, Field(description="whose key signed the first input")]
    content: str
    time: Annotated[int, Field(description="the block's time, or when the mempool took it")]
    height: Annotated[int | None, Field(description="null in the mempool")]
    block: Hash | None


@dataclass(frozen=True, kw_only=True)
class FaucetPaid:
    txid: Hash
    amount: Amount


@dataclass(frozen=True, kw_only=True)
class Found:
    kind: Literal["block", "tx", "address"]
    id: Annotated[str, Field(description="the block hash, txid or address, for its own route")]


@dataclass(frozen=True, kw_only=True)
class Peer:
    url: str
    height: Annotated[int | None, Field(description="the peer's height when last heard from")]
    tip: str | None
    last_seen: Annotated[float | None, Field(description="unix time of its last answer")]
    banned_until: Annotated[float | None, Field(description="unix time the ban ends, or null")]
    misbehavior: int
    connected: bool
    failures: Annotated[int, Field(description="failed attempts to reach it since a success")]
    direction: Annotated[
        Literal["outbound", "manual", "feeler", "inbound"],
        Field(
            description="outbound: dialled by choice from the address book; manual: given by the"
            " operator (--peer, POST /api/v1/peers); feeler: a short test of an address;"
            " inbound: it dialled us"
        ),
    ]
    ip: Annotated[str | None, Field(description="the address its requests come from")]
    connected_since: Annotated[float | None, Field(description="unix time of the handshake")]


@dataclass(frozen=True, kw_only=True)
class Ban:
    ip: Annotated[str, Field(description="the address the offending requests came from")]
    until: Annotated[float, Field(description="unix time the ban ends")]
    reason: str


@dataclass(frozen=True, kw_only=True)
class NetworkInfo:
    """The node's place in the network: its connections, its address book and its bans."""

    outbound: Annotated[int, Field(description="connected peers it picked from its book")]
    manual: Annotated[int, Field(description="connected peers the operator gave")]
    inbound: Annotated[int, Field(description="connected peers that dialled it")]
    max_outbound: int
    max_inbound: int
    discover: Annotated[bool, Field(description="false with --no-discover")]
    addresses_new: Annotated[int, Field(description="addresses heard of, never reached")]
    addresses_tried: Annotated[int, Field(description="addresses that once answered")]
    bans: tuple[Ban, ...]


# -- events: what the node tells its listeners, the event stream and the peers ------------------


@dataclass(frozen=True, kw_only=True)
class BlockEvent:
    """The active chain has a new tip, `connected` blocks past the old one's fork."""

    kind: Literal["block"] = "block"
    hash: Hash
    height: int
    connected: int


@dataclass(frozen=True, kw_only=True)
class ReorgEvent:
    """Blocks left the active chain (newest first) and others joined it (oldest first)."""

    kind: Literal["reorg"] = "reorg"
    disconnected: tuple[Hash, ...]
    connected: tuple[Hash, ...]


@dataclass(frozen=True, kw_only=True)
class TxEvent:
    """A transaction entered the mempool (or came back to it from a losing branch)."""

    kind: Literal["tx"] = "tx"
    txid: Hash


PeerChange = Literal["connected", "disconnected", "banned", "removed"]


@dataclass(frozen=True, kw_only=True)
class PeerEvent(Peer):
    """A peer `connected`, `disconnected`, was `banned` or `removed`; how it is now."""

    kind: Literal["peer"] = "peer"
    event: PeerChange


@dataclass(frozen=True, kw_only=True)
class RejectedEvent:
    """The node refused a block or a transaction (counted by the metrics; not streamed)."""

    kind: Literal["rejected"] = "rejected"
    what: Literal["block", "tx"]
    code: str


Event = BlockEvent | ReorgEvent | TxEvent | PeerEvent | RejectedEvent
EVENTS: dict[str, type[Event]] = {
    kind.kind: kind  # each class's default `kind` is its name
    for kind in (BlockEvent, ReorgEvent, TxEvent, PeerEvent, RejectedEvent)
}
STREAMED = frozenset({"block", "tx", "reorg", "peer"})  # the kinds `events()` and the SSE give


def event_data(event: Event) -> dict[str, Any]:
    """An event's JSON data, as the event stream sends it (its kind is the SSE event name)."""
    data = _adapter(type(event)).dump_python(event, mode="json")
    del data["kind"]
    return data  # type: ignore[no-any-return]
