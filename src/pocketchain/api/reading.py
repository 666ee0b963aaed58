"""Routes that read the chain, the mempool and the block tree (no token)."""

from typing import Any

from fastapi import APIRouter

from .. import __version__
from ..consensus.hashes import to_display
from ..consensus.pow import compact_to_target
from ..node.node import Node
from .common import parse_hash
from .errors import ApiError
from .views import block_json, tx_json


def _status(node: Node) -> dict[str, Any]:
    tip = node.chain.tip
    target = compact_to_target(tip.header.bits)[0]
    return {
        "network": node.params.name,
        "version": __version__,
        "height": tip.height,
        "tip": tip.header.hash_hex,
        "bits": f"{tip.header.bits:08x}",
        "difficulty": node.params.pow_limit / max(target, 1),
        "chainwork": f"{tip.chainwork:064x}",
        "peers": 0,
        "mempool": len(node.mempool),
        "mining": node.mining,
        "hashrate": node.miner.hashrate,
        "synced": True,
    }


def _block_view(node: Node, block_hash: bytes) -> dict[str, Any]:
    chain = node.chain
    entry = chain.entries.get(block_hash)
    block = chain.get_block(block_hash) if entry else None
    if entry is None or block is None:
        raise ApiError(404, "not-found", f"no block {to_display(block_hash)}")
    active = chain.in_active_chain(entry)
    confirmations = chain.height - entry.height + 1 if active else 0
    following = (
        chain.chain[entry.height + 1].header.hash_hex
        if active and entry.height < chain.height
        else None
    )
    return block_json(block, entry.height, confirmations, following, node.params.hrp)


def router(node: Node) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    hrp = node.params.hrp

    @router.get("/status")
    def get_status() -> dict[str, Any]:
        return node.call(_status, node)

    @router.get("/blocks/height/{height}")
    def get_block_at(height: int) -> dict[str, Any]:
        def at() -> dict[str, Any]:
            if not 0 <= height <= node.chain.height:
                raise ApiError(404, "not-found", f"no block at height {height}")
            return _block_view(node, node.chain.chain[height].hash)

        return node.call(at)

    @router.get("/blocks/{block_hash}")
    def get_block(block_hash: str) -> dict[str, Any]:
        return node.call(_block_view, node, parse_hash(block_hash))

    @router.get("/blocks/{block_hash}/raw")
    def get_block_raw(block_hash: str) -> dict[str, str]:
        raw = node.call(node.store.get_block, parse_hash(block_hash))
        if raw is None:
            raise ApiError(404, "not-found", f"no block {block_hash}")
        return {"hex": raw.hex()}

    @router.get("/mempool")
    def get_mempool() -> dict[str, Any]:
        def view() -> dict[str, Any]:
            entries = node.mempool.by_fee_rate()
            return {
                "count": len(entries),
                "bytes": node.mempool.bytes,
                "txs": [tx_json(e.tx, hrp) | {"fee": e.fee} for e in entries],
            }

        return node.call(view)

    @router.get("/tips")
    def get_tips() -> list[dict[str, Any]]:
        return [
            {
                "hash": to_display(t.hash),
                "height": t.height,
                "chainwork": f"{t.chainwork:064x}",
                "branchlen": t.branchlen,
                "status": t.status,
            }
            for t in node.call(node.chain.tips)
        ]

    return router
