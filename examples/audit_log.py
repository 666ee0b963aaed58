"""A tamper-evident audit log: an application appends records as signed posts on a chain, and
later proves one offline, from a file, with no node to trust.

The proof of a record is its transaction (which holds the text and the author's signature), the
merkle branch from its txid to its block's header, and the headers of the blocks mined on top of
it: changing one byte anywhere breaks a hash, and redoing the hashes means redoing the work.
Run it: python examples/audit_log.py
"""

import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import pocketchain
from pocketchain import Node, Proof, Wallet

BURIED = 6  # blocks on top of a record's block before its proof is filed


def sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def prove(chain: Node, txid: str) -> dict[str, object]:
    """What an auditor needs, later and offline: the record's transaction, its proof, and the
    headers from its block up."""
    proof = chain.proof(txid)
    height = chain.block(proof.block).height
    above = range(height, height + 1 + BURIED)
    return {
        "tx": chain.tx(txid).hex,
        "proof": vars(proof) | {"branch": list(proof.branch)},
        "headers": [chain.raw_block(chain.block(h).hash)[:80].hex() for h in above],
    }


def verify(filed: dict[str, Any], text: str) -> bool:
    """The auditor's check, from the file alone: the text is in the transaction, the transaction
    is the proof's, the proof leads to the first header, and the headers above it carry their
    work, each on the one before."""
    raw = bytes.fromhex(filed["tx"])
    proof = Proof(**filed["proof"] | {"branch": tuple(filed["proof"]["branch"])})
    if text.encode() not in raw or sha256d(raw)[::-1].hex() != proof.txid:
        return False
    headers = filed["headers"]
    return pocketchain.verify_proof(proof, headers[0]) and pocketchain.verify_headers(headers)


def main(home: Path) -> None:
    with Node(data_dir=home / "node") as chain:
        app = Wallet.create(home / "app-wallet.json")
        chain.mine(101, to=app.address)
        records = ["user 7 logged in", "invoice 2026-118 approved", "user 7 logged out"]
        txids = [app.post(chain, record) for record in records]
        chain.mine(1 + BURIED)
        filed = prove(chain, txids[1])
    path = home / "proof.json"
    path.write_text(json.dumps(filed))  # the node is gone: only the file is left

    evidence = json.loads(path.read_text())
    print("the record as filed:", verify(evidence, records[1]))
    assert verify(evidence, records[1])
    forged = "invoice 2026-118 rejected"
    print("another text:", verify(evidence, forged))
    assert not verify(evidence, forged)
    for where, byte in (("tx", -3), ("headers", 70)):  # in the text; in a header's time
        changed = json.loads(path.read_text())
        field = changed[where] if where == "tx" else changed[where][1]
        flipped = bytearray.fromhex(field)
        flipped[byte] ^= 1
        if where == "tx":
            changed["tx"] = flipped.hex()
        else:
            changed["headers"][1] = flipped.hex()
        print(f"one bit changed in the {where}:", verify(changed, records[1]))
        assert not verify(changed, records[1])


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(scratch))
