"""JSON views of blocks and transactions: what the API shows; never what is hashed."""

from typing import Any

from ..consensus.block import Block, BlockHeader
from ..consensus.hashes import to_display
from ..consensus.keys import encode_address
from ..consensus.tx import Tx


def header_json(header: BlockHeader) -> dict[str, Any]:
    return {
        "hash": header.hash_hex,
        "version": header.version,
        "prev": to_display(header.prev),
        "merkle_root": to_display(header.merkle_root),
        "time": header.time,
        "bits": f"{header.bits:08x}",
        "nonce": header.nonce,
    }


def tx_json(tx: Tx, hrp: str) -> dict[str, Any]:
    inputs = [
        {
            "txid": to_display(i.prevout.txid),
            "vout": i.prevout.vout,
            "pubkey": i.pubkey.hex(),
            "signature": i.signature.hex(),
        }
        for i in tx.inputs
    ]
    if tx.is_coinbase:
        inputs = [{"coinbase": tx.inputs[0].signature.hex(), "height": tx.coinbase_height}]
    return {
        "txid": to_display(tx.txid),
        "version": tx.version,
        "size": tx.size,
        "inputs": inputs,
        "outputs": [
            {"amount": o.amount, "address": encode_address(hrp, o.key_hash)} for o in tx.outputs
        ],
        "data": tx.data.decode("utf-8", "replace") if tx.data else None,
        "hex": tx.raw.hex(),
    }


def block_json(
    block: Block, height: int, confirmations: int, next_hash: str | None, hrp: str
) -> dict[str, Any]:
    return {
        **header_json(block.header),
        "height": height,
        "confirmations": confirmations,
        "size": block.size,
        "txs": [tx_json(tx, hrp) for tx in block.txs],
        "next": next_hash,
    }
