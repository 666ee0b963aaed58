"""The signature cache: txids whose signatures are known to verify (Core: CSignatureCache).

A txid is the hash of every byte of a transaction, signatures and keys included, so a txid seen
valid once stays valid: a block whose transactions were checked in the mempool, or ahead of time
during a sync, connects without verifying them again. Bounded; safe to use from any thread.
"""

import threading
from collections import OrderedDict
from collections.abc import Iterable

DEFAULT_SIZE = 500_000


class SignatureCache:
    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._txids: OrderedDict[bytes, None] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, txids: Iterable[bytes]) -> None:
        with self._lock:
            for txid in txids:
                self._txids[txid] = None
            while len(self._txids) > self.size:
                self._txids.popitem(last=False)

    def __contains__(self, txid: object) -> bool:
        return txid in self._txids

    def __len__(self) -> int:
        return len(self._txids)
