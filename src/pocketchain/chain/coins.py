"""The UTXO cache: recently used coins in memory, bounded, in front of the store.

Writes go through to the store in the same database transaction as the block that made them, so
the cache never holds anything the database does not; it only saves reads.
"""

from collections.abc import Iterable
from itertools import islice

from ..consensus.connect import Coin
from ..consensus.tx import OutPoint
from .interfaces import Store


class CoinCache:
    def __init__(self, store: Store, max_size: int) -> None:
        self.store = store
        self.max_size = max_size
        self._coins: dict[OutPoint, Coin] = {}

    def __len__(self) -> int:
        return len(self._coins)

    def get(self, outpoint: OutPoint) -> Coin | None:
        return self.fetch([outpoint]).get(outpoint)

    def fetch(self, outpoints: Iterable[OutPoint]) -> dict[OutPoint, Coin]:
        """The unspent coins among `outpoints`: cache hits, then one store query for the rest."""
        found: dict[OutPoint, Coin] = {}
        missing = []
        for op in outpoints:
            coin = self._coins.get(op)
            if coin is None:
                missing.append(op)
            else:
                found[op] = coin
        if missing:
            loaded = self.store.get_coins(missing)
            found.update(loaded)
            self._add(loaded.items())
        return found

    def apply(self, removed: Iterable[OutPoint], added: Iterable[tuple[OutPoint, Coin]]) -> None:
        """Mirror a change the store has just committed."""
        for op in removed:
            self._coins.pop(op, None)
        self._add(added)

    def _add(self, coins: Iterable[tuple[OutPoint, Coin]]) -> None:
        self._coins.update(coins)
        excess = len(self._coins) - self.max_size
        if excess > 0:  # drop the oldest entries: dicts keep insertion order
            for op in list(islice(self._coins, excess)):
                del self._coins[op]
