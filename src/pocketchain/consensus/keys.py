"""Keys, signatures and addresses.

Keys are secp256k1 (libsecp256k1 through coincurve). Signatures are BIP-340 Schnorr: 64 bytes over a
32-byte digest with a 32-byte x-only public key, and not malleable by anyone but the signer.
An address is bech32m(network prefix, version 0 + the 20-byte key hash), like a segwit address.
"""

from hashlib import sha256

from coincurve import PrivateKey, PublicKeyXOnly

from . import bech32
from .errors import RejectError

PUBKEY_SIZE = 32
SIGNATURE_SIZE = 64
KEY_HASH_SIZE = 20
ADDRESS_VERSION = 0


def pubkey_from_secret(secret: bytes) -> bytes:
    """The 32-byte x-only public key of a 32-byte secret (ValueError if the secret is invalid)."""
    key: bytes = PrivateKey(secret).public_key_xonly.format()
    return key


def sign(secret: bytes, digest: bytes, aux: bytes = bytes(32)) -> bytes:
    """BIP-340 signature; `aux` is optional extra randomness, the nonce is safe without it."""
    signature: bytes = PrivateKey(secret).sign_schnorr(digest, aux)
    return signature


def verify(pubkey: bytes, signature: bytes, digest: bytes) -> bool:
    """BIP-340 verification; false (never an exception) for a malformed key or signature."""
    if len(pubkey) != PUBKEY_SIZE or len(signature) != SIGNATURE_SIZE:
        return False
    try:
        ok: bool = PublicKeyXOnly(pubkey).verify(signature, digest)
    except ValueError:  # not a point on the curve
        return False
    return ok


def key_hash(pubkey: bytes) -> bytes:
    """What an output pays to: the first 20 bytes of SHA-256(pubkey)."""
    return sha256(pubkey).digest()[:KEY_HASH_SIZE]


def encode_address(hrp: str, kh: bytes) -> str:
    data = [ADDRESS_VERSION, *bech32.convertbits(kh, 8, 5, True)]
    return bech32.encode(hrp, data, bech32.Encoding.BECH32M)


def decode_address(hrp: str, address: str) -> bytes:
    """The key hash an address pays to; RejectError `bad-address` for anything else."""
    try:
        found_hrp, data, encoding = bech32.decode(address)
        if not data:
            raise ValueError("no data")
        kh = bytes(bech32.convertbits(data[1:], 5, 8, False))
    except ValueError as exc:
        raise RejectError("bad-address", f"not a valid address: {exc}") from None
    if found_hrp != hrp:
        raise RejectError("bad-address", f"address is for another network (prefix {found_hrp!r})")
    if encoding is not bech32.Encoding.BECH32M:
        raise RejectError("bad-address", "address must use the bech32m checksum")
    if data[0] != ADDRESS_VERSION or len(kh) != KEY_HASH_SIZE:
        raise RejectError("bad-address", "unknown address version or length")
    return kh
