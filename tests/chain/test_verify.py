"""`chain verify`: a stored chain re-validates from genesis, and tampering is named by block."""

from typing import Any

import pytest

from builders import kh, secret
from miner import NOW, make_block, mine
from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.memory import MemoryStore
from pocketchain.chain.store import outpoint_key
from pocketchain.chain.verify import VerifyError, verify_chain
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.tx import COIN, TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx


def replace_block(store: Any, block_hash: bytes, raw: bytes) -> None:
    """Change a stored block behind the chainstate's back, as a damaged disk would."""
    if isinstance(store, MemoryStore):
        store._blocks[block_hash] = raw
        return
    with store.transaction() as cur:
        cur.execute(store._sql("UPDATE blocks SET data = ? WHERE hash = ?"), (raw, block_hash))


def drop_coin(store: Any, outpoint: OutPoint) -> None:
    """Lose an unspent output behind the chainstate's back."""
    if isinstance(store, MemoryStore):
        store._spend([outpoint])
        return
    with store.transaction() as cur:
        cur.execute(store._sql("DELETE FROM utxos WHERE outpoint = ?"), (outpoint_key(outpoint),))


def spend_first_coinbase(chain: Chainstate) -> None:
    first = chain.get_block(chain.chain[1].hash)
    unsigned = Tx(
        TX_VERSION, (TxIn(OutPoint(first.txs[0].txid, 0), b"", b""),), (TxOut(49 * COIN, kh(3)),)
    )
    tx = sign_tx(unsigned, (secret(0),), REGTEST.magic)
    chain.process_block(make_block(chain.tip, txs=(tx,), fees=COIN), NOW)


@pytest.fixture
def stored(chain: Chainstate) -> Chainstate:
    mine(chain, 101)
    spend_first_coinbase(chain)
    mine(chain, 2)
    return chain


def test_an_honest_chain_verifies(stored: Chainstate) -> None:
    seen = []
    result = verify_chain(stored.store, REGTEST, lambda done, total: seen.append((done, total)))
    assert (result.height, result.tip) == (104, stored.tip.hash)
    assert result.coins == stored.store.count_coins() == 104  # 104 coinbases; one spent, one new
    assert result.transactions == 105
    assert seen[-1] == (104, 104)


def test_a_changed_block_is_named(stored: Chainstate) -> None:
    entry = stored.chain[50]
    raw = bytearray(stored.store.get_block(entry.hash))
    raw[-10] ^= 1  # inside the coinbase output's key hash
    replace_block(stored.store, entry.hash, bytes(raw))
    with pytest.raises(VerifyError) as err:
        verify_chain(stored.store, REGTEST)
    assert err.value.height == 50
    assert "bad-txnmrklroot" in err.value.reason


def test_a_changed_utxo_set_is_caught(stored: Chainstate) -> None:
    some = next(op for op, _ in stored.store.iter_coins())
    drop_coin(stored.store, some)
    with pytest.raises(VerifyError, match="1 coins missing"):
        verify_chain(stored.store, REGTEST)
