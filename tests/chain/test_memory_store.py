"""The memory store keeps the SQL stores' promise: a transaction that fails leaves nothing."""

import pytest

from miner import mine
from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.memory import MemoryStore
from pocketchain.chain.verify import verify_chain
from pocketchain.consensus.params import REGTEST


def test_a_failed_transaction_leaves_the_tables_as_they_were() -> None:
    store = MemoryStore()
    chain = Chainstate(REGTEST, store)
    mine(chain, 3)
    before = (list(store.load_index()), sorted(store.iter_coins()), store.get_meta("tip"))
    with pytest.raises(RuntimeError), store.transaction():
        mine(chain, 2)  # connected in the store: index rows, coins, undo, the tip
        chain.invalidate(chain.chain[2].hash)  # and disconnected: coins come back, rows go
        raise RuntimeError("the disk went away")
    assert (list(store.load_index()), sorted(store.iter_coins()), store.get_meta("tip")) == before
    again = Chainstate(REGTEST, store)  # what a restart reads: the 3 blocks, whole
    assert again.height == 3 and verify_chain(store, REGTEST).height == 3
