"""Amounts as people write them (decimal coins) and as the chain counts them (integer units).

1 coin = 100,000,000 units (consensus.tx.COIN). Parsing goes through decimal.Decimal, which keeps
every digit of the text, so no amount is ever rounded the way a float would round it.
"""

import re
from decimal import Decimal

from pocketchain.consensus.params import MAX_MONEY
from pocketchain.consensus.tx import COIN

from .errors import WalletError

# Digits with an optional dot and more digits: "21", "1.5", "0.00000001". No sign other than a
# minus (refused as "not more than zero"), no exponent, no spaces, no separators, no "1." or ".5".
_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DECIMALS = 8  # COIN is 10**8 units
_ONE_UNIT = Decimal(1) / COIN  # 0.00000001 coin
_MAX_COINS = Decimal(MAX_MONEY) / COIN


def parse_amount(text: str) -> int:
    """Decimal coins ("1.5") to units (150000000); WalletError for anything that is not a
    positive amount of at most 8 decimal places and at most MAX_MONEY."""
    if not _PLAIN_DECIMAL.fullmatch(text):
        raise WalletError(f"{text!r} is not an amount; write coins as digits and a dot, like 1.5")
    coins = Decimal(text)  # exact: a Decimal made from a string keeps every digit
    if coins <= 0:
        raise WalletError("amount must be more than zero")
    if coins > _MAX_COINS:
        raise WalletError(
            f"amount is more than {format_amount(MAX_MONEY)}, all the coins there are"
        )
    # Checked after the bound, so the quantized value has at most 16 digits and Decimal (28 digits
    # by default) quantizes and multiplies it exactly.
    if coins.quantize(_ONE_UNIT) != coins:
        raise WalletError(f"amount is more precise than {format_amount(1)}")
    return int(coins * COIN)


def format_amount(units: int) -> str:
    """Units to exact decimal coins without trailing zeros: "1.5", "0.00000001", "50", "-2.25"."""
    sign = "-" if units < 0 else ""
    whole, fraction = divmod(abs(units), COIN)
    decimals = f"{fraction:0{_DECIMALS}d}".rstrip("0")
    return f"{sign}{whole}.{decimals}" if decimals else f"{sign}{whole}"


def ticker(hrp: str) -> str:
    """The network's ticker: its address prefix in capitals ("pcrt" -> "PCRT")."""
    return hrp.upper()


def coins_text(units: int, hrp: str) -> str:
    """An amount as people read it: decimal coins and the network's ticker ("1.5 PCRT")."""
    return f"{format_amount(units)} {ticker(hrp)}"
