"""Transaction rules, each asserted by its stable reject code."""

import pytest

from builders import HEIGHT, funding, kh, rejects, secret, spend, validate_tx
from pocketchain.consensus.check import check_transaction
from pocketchain.consensus.connect import Coin
from pocketchain.consensus.params import DEVNET, MAX_MONEY, REGTEST
from pocketchain.consensus.tx import (
    COIN,
    NULL_OUTPOINT,
    OutPoint,
    Tx,
    TxIn,
    TxOut,
    coinbase_tx,
    sign_tx,
)


def test_valid_payment_pays_its_fee() -> None:
    view = funding(2)
    tx = spend(view, list(view), [(15 * COIN, 5), (4 * COIN, 6)])
    assert validate_tx(tx, view) == 1 * COIN


def test_empty_inputs_and_outputs() -> None:
    rejects("bad-txns-vin-empty", check_transaction, Tx(1, (), (TxOut(1, kh(0)),)))
    view = funding(1)
    tx = spend(view, list(view), [(1, 0)])
    rejects("bad-txns-vout-empty", check_transaction, Tx(1, tx.inputs, ()))


@pytest.mark.parametrize(
    ("amounts", "code"),
    [
        ([-1], "bad-txns-vout-negative"),
        ([MAX_MONEY + 1], "bad-txns-vout-toolarge"),
        ([MAX_MONEY, 1], "bad-txns-txouttotal-toolarge"),
    ],
)
def test_output_amount_ranges(amounts: list[int], code: str) -> None:
    view = funding(1)
    tx = spend(view, list(view), [(a, 0) for a in amounts])
    rejects(code, check_transaction, tx)


def test_oversize_transaction() -> None:
    view = funding(1)
    tx = spend(view, list(view), [(1, 0)], data=bytes(1_000_001))
    rejects("bad-txns-oversize", check_transaction, tx)


def test_same_outpoint_twice_in_one_transaction() -> None:
    view = funding(1)
    prevout = next(iter(view))
    tx = spend(view, [prevout, prevout], [(1, 0)])
    rejects("bad-txns-inputs-duplicate", check_transaction, tx)


def test_null_prevout_outside_a_coinbase() -> None:
    view = funding(1)
    tx = spend(view, list(view), [(1, 0)])
    tx = Tx(1, (*tx.inputs, TxIn(NULL_OUTPOINT, b"", b"")), tx.outputs)
    rejects("bad-txns-prevout-null", check_transaction, tx)


@pytest.mark.parametrize("extra", [b"", bytes(96)])
def test_coinbase_script_length_bounds_are_accepted(extra: bytes) -> None:
    check_transaction(coinbase_tx(7, (TxOut(1, kh(0)),), extra))


def test_coinbase_script_length_and_key() -> None:
    cb = coinbase_tx(7, (TxOut(1, kh(0)),))
    long_script = cb.inputs[0]._replace(signature=bytes(101))
    rejects("bad-cb-length", check_transaction, Tx(1, (long_script,), cb.outputs))
    short_script = cb.inputs[0]._replace(signature=bytes(3))
    rejects("bad-cb-length", check_transaction, Tx(1, (short_script,), cb.outputs))
    with_key = cb.inputs[0]._replace(pubkey=bytes(32))
    rejects("bad-cb-pubkey", check_transaction, Tx(1, (with_key,), cb.outputs))


def test_missing_and_spent_inputs() -> None:
    view = funding(1)
    tx = spend(view, list(view), [(1, 0)])
    rejects("bad-txns-inputs-missingorspent", validate_tx, tx, {})


def test_outputs_above_inputs() -> None:
    view = funding(1)
    tx = spend(view, list(view), [(10 * COIN + 1, 0)])
    rejects("bad-txns-in-belowout", validate_tx, tx, view)


def test_input_value_out_of_range() -> None:
    prevout = OutPoint(bytes(32), 1)
    view = {prevout: Coin(MAX_MONEY + 1, kh(0), 1, False)}
    tx = spend(view, [prevout], [(1, 0)])
    rejects("bad-txns-inputvalues-outofrange", validate_tx, tx, view)


@pytest.mark.parametrize(("age", "ok"), [(99, False), (100, True)])
def test_coinbase_maturity_boundary(age: int, ok: bool) -> None:
    prevout = OutPoint(bytes(32), 0)
    view = {prevout: Coin(50 * COIN, kh(0), HEIGHT - age, True)}
    tx = spend(view, [prevout], [(49 * COIN, 1)])
    if ok:
        assert validate_tx(tx, view) == 1 * COIN
    else:
        rejects("bad-txns-premature-spend-of-coinbase", validate_tx, tx, view)


def test_key_that_does_not_own_the_coin() -> None:
    view = funding(1)
    prevout = next(iter(view))
    unsigned = Tx(1, (TxIn(prevout, b"", b""),), (TxOut(1, kh(0)),))
    thief = sign_tx(unsigned, (secret(9),), REGTEST.magic)
    rejects("bad-pubkey", validate_tx, thief, view)


def test_forged_or_moved_signature() -> None:
    view = funding(2)
    a, b = list(view)
    tx = spend(view, [a, b], [(1, 0)])
    swapped = Tx(
        1, (tx.inputs[0]._replace(signature=tx.inputs[1].signature), tx.inputs[1]), tx.outputs
    )
    rejects("bad-signature", validate_tx, swapped, view)
    zeroed = Tx(1, (tx.inputs[0], tx.inputs[1]._replace(signature=bytes(64))), tx.outputs)
    rejects("bad-signature", validate_tx, zeroed, view)


def test_a_changed_output_breaks_the_signature() -> None:
    view = funding(1)
    tx = spend(view, list(view), [(5 * COIN, 1)])
    redirected = Tx(tx.version, tx.inputs, (TxOut(5 * COIN, kh(2)),), tx.data)
    rejects("bad-signature", validate_tx, redirected, view)


def test_signature_commits_to_the_network() -> None:
    view = funding(1)
    tx = spend(view, list(view), [(1, 0)], params=REGTEST)
    validate_tx(tx, view, REGTEST)
    rejects("bad-signature", validate_tx, tx, view, DEVNET)


def test_every_input_signs_one_digest_without_signatures() -> None:
    view = funding(3)
    tx = spend(view, list(view), [(1, 0)])
    digest = tx.sighash(REGTEST.magic)
    unsigned = Tx(tx.version, tuple(i._replace(signature=b"") for i in tx.inputs), tx.outputs)
    assert unsigned.sighash(REGTEST.magic) == digest  # signatures are not signed
    assert unsigned.txid != tx.txid  # but the txid covers them
    assert Tx(2, tx.inputs, tx.outputs).sighash(REGTEST.magic) != digest
    assert Tx(1, tx.inputs, tx.outputs, b"x").sighash(REGTEST.magic) != digest
