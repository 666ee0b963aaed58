"""Recovery phrases: the published BIP-39 vectors (English, passphrase "TREZOR") and refusals."""

import os

import pytest

from pocketchain.wallet.errors import WalletError
from pocketchain.wallet.mnemonic import check_mnemonic, mnemonic_to_seed, new_mnemonic

PASSPHRASE = "TREZOR"

# (entropy, phrase, seed) from the BIP-39 reference test vectors.
VECTORS = [
    (
        "00000000000000000000000000000000",
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
        "about",
        "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f"
        "2cf141630c7a3c4ab7c81b2f001698e7463b04",
    ),
    (
        "7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
        "legal winner thank year wave sausage worth useful legal winner thank yellow",
        "2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1"
        "c1069be3a3a5bd381ee6260e8d9739fce1f607",
    ),
    (
        "80808080808080808080808080808080",
        "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
        "d71de856f81a8acc65e6fc851a38d4d7ec216fd0796d0a6827a3ad6ed5511a30fa280f12eb2e47ed2ac03b5c46"
        "2a0358d18d69fe4f985ec81778c1b370b652a8",
    ),
    (
        "9e885d952ad362caeb4efe34a8e91bd2",
        "ozone drill grab fiber curtain grace pudding thank cruise elder eight picnic",
        "274ddc525802f7c828d8ef7ddbcdc5304e87ac3535913611fbbfa986d0c9e5476c91689f9c8a54fd55bd38606a"
        "a6a8595ad213d4c9c9f9aca3fb217069a41028",
    ),
    (
        "6610b25967cdcca9d59875f5cb50b0ea75433311869e930b",
        "gravity machine north sort system female filter attitude volume fold club stay feature "
        "office ecology stable narrow fog",
        "628c3827a8823298ee685db84f55caa34b5cc195a778e52d45f59bcf75aba68e4d7590e101dc414bc1bbd57376"
        "66fbbef35d1f1903953b66624f910feef245ac",
    ),
    (
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo "
        "zoo vote",
        "dd48c104698c30cfe2b6142103248622fb7bb0ff692eebb00089b32d22484e1613912f0a5b694407be899ffd31"
        "ed3992c456cdf60f5d4564b8ba3f05a69890ad",
    ),
    (
        "68a79eaca2324873eacc50cb9c6eca8cc68ea5d936f98787c60c7ebc74e6ce7c",
        "hamster diagram private dutch cause delay private meat slide toddler razor book happy "
        "fancy gospel tennis maple dilemma loan word shrug inflict delay length",
        "64c87cde7e12ecf6704ab95bb1408bef047c22db4cc7491c4271d170a1b213d20b385bc1588d9c7b38f1b39d41"
        "5665b8a9030c9ec653d75e65f847d8fc1fc440",
    ),
    (
        "f585c11aec520db57dd353c69554b21a89b20fb0650966fa0a9d6f74fd989d8f",
        "void come effort suffer camp survey warrior heavy shoot primary clutch crush open amazing "
        "screen patrol group space point ten exist slush involve unfold",
        "01f5bced59dec48e362f2c45b5de68b9fd6c92c6634f44d6d40aab69056506f0e35524a518034ddc1192e1dacd"
        "32c1ed3eaa3c3b131c88ed8e7e54c49a5d0998",
    ),
]
ABOUT = VECTORS[0][1]


@pytest.mark.parametrize(("entropy", "phrase", "seed"), VECTORS)
def test_bip39_vectors(
    monkeypatch: pytest.MonkeyPatch, entropy: str, phrase: str, seed: str
) -> None:
    def fixed_entropy(size: int) -> bytes:
        assert size == len(entropy) // 2
        return bytes.fromhex(entropy)

    monkeypatch.setattr(os, "urandom", fixed_entropy)
    assert new_mnemonic(len(entropy) * 4) == phrase
    assert check_mnemonic(phrase) == phrase
    assert mnemonic_to_seed(phrase, PASSPHRASE).hex() == seed


def test_new_mnemonic_gives_fresh_valid_phrases() -> None:
    twelve, other = new_mnemonic(), new_mnemonic()
    assert len(twelve.split()) == 12
    assert twelve != other
    assert check_mnemonic(twelve) == twelve
    assert len(check_mnemonic(new_mnemonic(256)).split()) == 24


@pytest.mark.parametrize("strength", [0, 64, 127, 129, 512])
def test_new_mnemonic_refuses_other_strengths(strength: int) -> None:
    with pytest.raises(ValueError, match="strength"):
        new_mnemonic(strength)


def test_check_mnemonic_normalizes_case_and_spaces() -> None:
    messy = "  " + ABOUT.upper().replace(" ", " \t ", 3) + "\n"
    assert check_mnemonic(messy) == ABOUT


def test_check_mnemonic_refuses_a_wrong_checksum() -> None:
    with pytest.raises(WalletError, match="checksum does not match"):
        check_mnemonic("abandon " * 11 + "abandon")


def test_check_mnemonic_names_an_unknown_word() -> None:
    words = ABOUT.split()
    words[2] = "xyz"
    with pytest.raises(
        WalletError, match=r"^word 3 of the recovery phrase, 'xyz', is not a BIP-39"
    ):
        check_mnemonic(" ".join(words))


@pytest.mark.parametrize("count", [0, 1, 11, 13, 23, 25])
def test_check_mnemonic_refuses_a_wrong_word_count(count: int) -> None:
    with pytest.raises(WalletError, match=rf"has 12, 15, 18, 21 or 24 words, not {count}$"):
        check_mnemonic(" ".join(["abandon"] * count))


def test_the_seed_passphrase_is_nfkd_normalized() -> None:
    composed, decomposed = "caf\u00e9", "cafe\u0301"
    assert mnemonic_to_seed(ABOUT, composed) == mnemonic_to_seed(ABOUT, decomposed)
    assert mnemonic_to_seed(ABOUT) != mnemonic_to_seed(ABOUT, composed)
