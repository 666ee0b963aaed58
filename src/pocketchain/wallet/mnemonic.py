"""Recovery phrases (BIP-39): 12 to 24 English words that encode the wallet's seed.

A thin layer over the `mnemonic` package (Trezor's reference implementation) that keeps its English
word list and checksum, and says in one line what is wrong with a phrase a user typed.
"""

import os
import unicodedata

from mnemonic import Mnemonic

from .errors import WalletError

WORD_COUNTS = (12, 15, 18, 21, 24)  # 128 to 256 bits of entropy, 32 at a time
_ENGLISH = Mnemonic("english")
_WORDS = frozenset(_ENGLISH.wordlist)


def new_mnemonic(strength: int = 128) -> str:
    """A fresh phrase from `strength` bits of os.urandom entropy: 128 -> 12 words, 256 -> 24."""
    if strength not in (128, 160, 192, 224, 256):
        raise ValueError(f"strength must be 128, 160, 192, 224 or 256 bits, not {strength}")
    return _ENGLISH.to_mnemonic(os.urandom(strength // 8))


def check_mnemonic(phrase: str) -> str:
    """The phrase normalized (NFKD, lower case, single spaces); WalletError if it is not valid."""
    words = unicodedata.normalize("NFKD", phrase).lower().split()
    if len(words) not in WORD_COUNTS:
        raise WalletError(f"a recovery phrase has 12, 15, 18, 21 or 24 words, not {len(words)}")
    for position, word in enumerate(words, start=1):
        if word not in _WORDS:
            raise WalletError(
                f"word {position} of the recovery phrase, {word!r}, is not a BIP-39 word"
            )
    normalized = " ".join(words)
    if not _ENGLISH.check(normalized):
        raise WalletError(
            "the recovery phrase's checksum does not match; check the words and order"
        )
    return normalized


def mnemonic_to_seed(phrase: str, passphrase: str = "") -> bytes:
    """The 64-byte BIP-39 seed: PBKDF2-HMAC-SHA512, 2048 rounds, salt "mnemonic" + passphrase,
    both NFKD-normalized. It takes the phrase as given: pass the one check_mnemonic returned."""
    return Mnemonic.to_seed(phrase, passphrase)
