"""Keys, addresses and signed transactions for functional tests, made with the library."""

from builders import kh, secret
from pocketchain.consensus.hashes import from_display, to_display
from pocketchain.consensus.keys import encode_address
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.tx import TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx


def address(n: int) -> str:
    return encode_address(REGTEST.hrp, kh(n))


def spend_hex(
    txid: str, vout: int, amount: int, to: int, key: int, data: bytes = b""
) -> tuple[str, str]:
    """(txid, hex) of a transaction spending txid:vout with key `key`, paying `amount` to `to`."""
    unsigned = Tx(
        TX_VERSION,
        (TxIn(OutPoint(from_display(txid), vout), b"", b""),),
        (TxOut(amount, kh(to)),),
        data,
    )
    tx = sign_tx(unsigned, (secret(key),), REGTEST.magic)
    return to_display(tx.txid), tx.raw.hex()
