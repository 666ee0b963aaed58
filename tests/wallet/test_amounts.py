"""Amounts: decimal coins in, integer units out, exactly; and back."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pocketchain.consensus.params import MAX_MONEY
from pocketchain.consensus.tx import COIN
from pocketchain.wallet.amounts import format_amount, parse_amount, ticker
from pocketchain.wallet.errors import WalletError


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("1.5", 150_000_000),
        ("0.00000001", 1),
        ("21", 21 * COIN),
        ("0.1", 10_000_000),
        ("007.10", 710_000_000),
        ("1.500000000000", 150_000_000),  # zeros past the 8th place change nothing
        ("21000000", MAX_MONEY),
        ("20999999.99999999", MAX_MONEY - 1),
    ],
)
def test_parse_amount_is_exact(text: str, units: int) -> None:
    assert parse_amount(text) == units


@pytest.mark.parametrize(
    "text",
    ["", " ", "1e5", "1E5", "nan", "NaN", "inf", "Infinity", "1,5", "+1", "1.", ".5", " 1", "1 ",
     "1.2.3", "0x10", "--1", "1_000", "\u0661", "1\n2", "one"],
)  # fmt: skip
def test_parse_amount_refuses_what_is_not_a_plain_decimal(text: str) -> None:
    with pytest.raises(WalletError, match="is not an amount") as excinfo:
        parse_amount(text)
    assert "\n" not in str(excinfo.value)


@pytest.mark.parametrize("text", ["0", "0.0", "0.00000000", "-0", "-1", "-0.5"])
def test_parse_amount_refuses_zero_and_negative(text: str) -> None:
    with pytest.raises(WalletError, match=r"^amount must be more than zero$"):
        parse_amount(text)


@pytest.mark.parametrize(
    "text", ["0.000000001", "1.123456789", "1.0000000000000000000000000000000000001"]
)
def test_parse_amount_refuses_more_than_8_decimal_places(text: str) -> None:
    with pytest.raises(WalletError, match=r"more precise than 0\.00000001"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["21000000.00000001", "21000001", "9" * 40, "1" + "0" * 400])
def test_parse_amount_refuses_more_than_max_money(text: str) -> None:
    with pytest.raises(WalletError, match="more than 21000000"):
        parse_amount(text)


@pytest.mark.parametrize(
    ("units", "text"),
    [
        (150_000_000, "1.5"),
        (1, "0.00000001"),
        (50 * COIN, "50"),
        (-225_000_000, "-2.25"),
        (-1, "-0.00000001"),
        (0, "0"),
        (MAX_MONEY, "21000000"),
        (123_456_789, "1.23456789"),
    ],
)
def test_format_amount_is_exact_without_trailing_zeros(units: int, text: str) -> None:
    assert format_amount(units) == text


@given(st.integers(min_value=1, max_value=MAX_MONEY))
def test_format_then_parse_round_trips(units: int) -> None:
    assert parse_amount(format_amount(units)) == units


def test_ticker_is_the_address_prefix_in_capitals() -> None:
    assert ticker("pcrt") == "PCRT"
    assert ticker("pc") == "PC"
