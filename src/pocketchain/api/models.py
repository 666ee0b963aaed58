"""The shapes of the API's answers, so /openapi.json documents every route.

Every hash and txid is lowercase hex in display order (byte-reversed, as Bitcoin shows them);
amounts are integers in base units (1 coin = 100,000,000); times are seconds since the epoch.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, Field

Hash = Annotated[str, Field(description="64 hex characters, display order (byte-reversed)")]
Amount = Annotated[int, Field(description="base units (1 coin = 100,000,000)")]
Address = Annotated[str, Field(description="a bech32m address")]


class Status(BaseModel):
    network: str
    hrp: str = Field(description="the address prefix of this network (bech32m human part)")
    magic: str = Field(description="the network's bytes every signature commits to, hex")
    pow_limit: str = Field(description="the easiest target a block may have, 64 hex digits")
    genesis: Hash = Field(description="the hash of this network's genesis block")
    version: str
    height: int
    tip: Hash
    bits: str = Field(description="the tip's compact target, 8 hex digits")
    difficulty: float = Field(description="the proof-of-work limit over the tip's target")
    chainwork: str = Field(description="the active chain's cumulative work, 64 hex digits")
    peers: int = Field(description="connected peers that are not banned")
    mempool: int = Field(description="transactions in the memory pool")
    mining: bool
    hashrate: float = Field(description="hashes per second of this node's miners")
    synced: bool = Field(description="no connected peer is known to have more work")


# -- blocks and headers ---------------------------------------------------------------------------


class BlockSummary(BaseModel):
    hash: Hash
    height: int
    prev: Hash
    time: int
    bits: str
    size: int = Field(description="bytes of the serialized block")
    tx_count: int


class BlockList(BaseModel):
    blocks: list[BlockSummary] = Field(description="newest first")


class HexOnly(BaseModel):
    hex: str = Field(description="the exact consensus serialization, in hex")


class RawBlock(HexOnly):
    hash: Hash


class RawBlocks(BaseModel):
    blocks: list[RawBlock] = Field(description="in the order asked; unknown hashes left out")


class Headers(BaseModel):
    headers: list[str] = Field(description="80-byte headers in hex, oldest first")


class ChainTip(BaseModel):
    hash: Hash
    height: int
    chainwork: str
    branchlen: int = Field(description="blocks from the active chain to this tip")
    status: Literal["active", "valid-fork", "invalid", "headers-only"]


# -- transactions ---------------------------------------------------------------------------------


class TxInput(BaseModel):
    txid: Hash = Field(description="the transaction whose output this input spends")
    vout: int
    pubkey: str = Field(description="the 32-byte x-only public key, hex")
    signature: str = Field(description="the 64-byte BIP-340 signature, hex")


class CoinbaseInput(BaseModel):
    coinbase: str = Field(description="the coinbase's signature field, hex")
    height: int = Field(description="the height the coinbase commits to")


class TxOutput(BaseModel):
    amount: Amount
    address: Address


class Transaction(BaseModel):
    txid: Hash
    version: int
    size: int
    inputs: list[TxInput | CoinbaseInput]
    outputs: list[TxOutput]
    data: str | None = Field(description="the data field (a post's text) as UTF-8")
    hex: str = Field(description="the exact consensus serialization, in hex")


class MempoolTransaction(Transaction):
    fee: Amount
    fee_rate: float = Field(description="base units per byte")


class Mempool(BaseModel):
    count: int = Field(description="transactions in the whole pool")
    bytes: int = Field(description="serialized size of the whole pool")
    txs: list[MempoolTransaction] = Field(description="highest fee rate first")


class FeeRates(BaseModel):
    min_fee_rate: int = Field(description="base units per byte: the mempool takes nothing less")
    fee_rate: int = Field(
        description="base units per byte a new transaction should pay to be in the next block"
    )


class TransactionStatus(Transaction):
    status: Literal["mempool", "confirmed"]
    block: Hash | None = Field(description="the block that confirms it; null in the mempool")
    height: int | None
    confirmations: int = Field(description="0 in the mempool, 1 in the tip block")
    fee: Amount | None = Field(description="inputs minus outputs; null for a coinbase")


class MerkleProof(BaseModel):
    txid: Hash
    block: Hash
    merkle_root: Hash
    index: int = Field(description="the transaction's position in the block")
    branch: list[Hash] = Field(
        description="the sibling hashes from the leaf up, each in display order (byte-reversed):"
        " reverse them to internal order before hashing"
    )


class Block(BaseModel):
    hash: Hash
    version: int
    prev: Hash
    merkle_root: Hash
    time: int
    bits: str
    nonce: int
    height: int
    confirmations: int = Field(description="0 when not on the active chain")
    size: int
    txs: list[Transaction]
    next: Hash | None = Field(description="the next block on the active chain")


# -- addresses and posts --------------------------------------------------------------------------


class AddressSummary(BaseModel):
    address: Address
    balance: Amount = Field(description="confirmed unspent outputs")
    pending: Amount = Field(description="net change by mempool transactions")
    received: Amount = Field(description="paid to the address in confirmed transactions")
    sent: Amount = Field(description="spent from the address in confirmed transactions")
    tx_count: int = Field(description="confirmed transactions touching the address")


class AddressCoin(BaseModel):
    txid: Hash
    vout: int
    amount: Amount
    height: int
    coinbase: bool
    mature: bool = Field(description="spendable in the next block")
    spent_in_mempool: bool


class AddressTx(BaseModel):
    txid: Hash
    height: int | None = Field(description="null in the mempool")
    block: Hash | None
    position: int | None = Field(description="its place in the block; null in the mempool")
    time: int = Field(description="the block's time, or when the mempool took it")
    received: Amount
    sent: Amount
    confirmations: int


class Post(BaseModel):
    txid: Hash
    author: Address = Field(description="whose key signed the first input")
    content: str
    time: int = Field(description="the block's time, or when the mempool took it")
    height: int | None = Field(description="null in the mempool")
    block: Hash | None


class Posts(BaseModel):
    posts: list[Post] = Field(description="newest first; unconfirmed ones first")


class Found(BaseModel):
    kind: Literal["block", "tx", "address"]
    id: str = Field(description="the block hash, txid or address, for its own route")


class SearchResults(BaseModel):
    query: str
    results: list[Found] = Field(description="empty when nothing matches")
