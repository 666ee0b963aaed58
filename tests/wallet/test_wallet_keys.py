"""The wallet's keys: BIP-32 paths from the mnemonic's seed, per network; the file's payload."""

import pytest

from pocketchain.consensus.keys import encode_address, key_hash, pubkey_from_secret
from pocketchain.consensus.params import MAIN, REGTEST
from pocketchain.wallet.errors import WalletError
from pocketchain.wallet.hd import derive_path
from pocketchain.wallet.mnemonic import mnemonic_to_seed
from pocketchain.wallet.wallet import CHANGE, GAP, RECEIVE, SentTx, Wallet

PHRASE = "abandon " * 11 + "about"  # BIP-39's first test phrase


def test_keys_follow_the_bip86_layout_per_network() -> None:
    seed = mnemonic_to_seed(PHRASE)
    regtest, main = Wallet(REGTEST, PHRASE), Wallet(MAIN, PHRASE)
    assert regtest.secret(RECEIVE, 0) == derive_path(seed, "m/86'/1'/0'/0/0").secret
    assert regtest.secret(CHANGE, 4) == derive_path(seed, "m/86'/1'/0'/1/4").secret
    assert main.secret(RECEIVE, 0) == derive_path(seed, "m/86'/0'/0'/0/0").secret
    kh = key_hash(pubkey_from_secret(regtest.secret(RECEIVE, 2)))
    assert regtest.address(RECEIVE, 2) == encode_address(REGTEST.hrp, kh)


def test_new_addresses_and_ownership() -> None:
    wallet = Wallet(REGTEST, PHRASE.upper())  # the phrase is normalized
    assert wallet.mnemonic == PHRASE
    assert wallet.issued == [1, 0]
    change = wallet.new_key_hash(CHANGE)
    assert change == wallet.key_hash(CHANGE, 0) and wallet.issued == [1, 1]
    assert wallet.owns(wallet.key_hash(RECEIVE, GAP))  # within the gap past what was given out
    far = Wallet(REGTEST, PHRASE).key_hash(RECEIVE, 1 + GAP + 5)
    assert not wallet.owns(far)  # a key the wallet has neither given out nor looked at
    assert not wallet.owns(bytes(20))
    with pytest.raises(WalletError):
        wallet.secret_of(bytes(20))
    wallet.see_used(RECEIVE, 7)
    assert wallet.issued[RECEIVE] == 8


def test_the_payload_round_trips_and_damage_is_one_error() -> None:
    wallet = Wallet(REGTEST, PHRASE, [3, 2], [SentTx("ab" * 32, "00", 1_700_000_000)])
    again = Wallet.from_payload(REGTEST, wallet.payload())
    assert (again.mnemonic, again.issued, again.sent) == (PHRASE, [3, 2], wallet.sent)
    for damaged in ({}, {"mnemonic": PHRASE}, wallet.payload() | {"issued": {"receive": "x"}}):
        with pytest.raises(WalletError):
            Wallet.from_payload(REGTEST, damaged)
    with pytest.raises(WalletError, match="checksum"):
        Wallet.from_payload(REGTEST, wallet.payload() | {"mnemonic": "abandon " * 12})
