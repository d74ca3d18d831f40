"""Whole numbers and dollar amounts typed in a command."""

from __future__ import annotations

import re
from decimal import Decimal

from bot.domain.args.errors import ArgumentError, normalize, typed

MONEY_EXAMPLE = "$1,500"

# Digit runs are capped so int() and Decimal never meet an absurdly long number.
_INTEGER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d{1,15})")
_MONEY = re.compile(r"(\d{1,3}(?:,\d{3})+|\d{1,12})(?:\.(\d{1,6}))?(k|m)?")
_MULTIPLIERS = {"": Decimal(1), "k": Decimal(1_000), "m": Decimal(1_000_000)}
_CENT = Decimal("0.01")
_DOLLAR_MARKS = ("$", "usd", "us$", "dollars", "dollar")
_OTHER_CURRENCIES = re.compile(r"[€£¥₹]|eur|gbp|chf|cad|aud|jpy|inr")
# Ten million dollars is far above any coaching price or departure cost the seed mentions; a
# figure beyond it is a typo (an extra zero, "1500k"), not a budget.
DEFAULT_MONEY_MAXIMUM = Decimal(10_000_000)


def parse_int(text: str, *, name: str, minimum: int, maximum: int) -> int:
    """A whole number in ``minimum..maximum``; ``name`` says what it counts in the message."""
    compact = normalize(text).replace(" ", "")
    allowed = f"use a whole number from {minimum} to {maximum}"
    if not compact:
        raise ArgumentError(f"I need a number for {name} here — {allowed}.", example=str(minimum))
    if not _INTEGER.fullmatch(compact):
        raise ArgumentError(
            f"{typed(text)} isn't a whole number — for {name}, {allowed}, like {minimum}.",
            example=str(minimum),
        )
    value = int(compact.replace(",", ""))
    if not minimum <= value <= maximum:
        direction = "high" if value > maximum else "low"
        raise ArgumentError(
            f"{typed(text)} is too {direction} for {name} — {allowed}.", example=str(minimum)
        )
    return value


def parse_money(text: str, *, maximum: Decimal = DEFAULT_MONEY_MAXIMUM) -> Decimal:
    """US dollars, to the cent, from ``$1,500``, ``1500``, ``1.5k``, ``$2M`` or ``900 USD``."""
    compact = normalize(text).replace(" ", "").rstrip(".")
    if not compact:
        raise ArgumentError(
            f"I need an amount in dollars here, like {MONEY_EXAMPLE}.", example=MONEY_EXAMPLE
        )
    if _OTHER_CURRENCIES.search(compact):
        raise ArgumentError(
            f"{typed(text)} isn't in dollars — I count costs in US dollars; write the amount "
            f"like {MONEY_EXAMPLE}.",
            example=MONEY_EXAMPLE,
        )
    if compact.startswith("-") or compact.startswith("$-"):
        raise ArgumentError(
            f"{typed(text)} is below zero — write a cost as a positive amount, like "
            f"{MONEY_EXAMPLE}.",
            example=MONEY_EXAMPLE,
        )
    number = _without_dollar_marks(compact)
    match = _MONEY.fullmatch(number)
    if match is None:
        raise ArgumentError(
            f"{typed(text)} isn't an amount I can read — write dollars like {MONEY_EXAMPLE}, "
            "1500 or 1.5k.",
            example=MONEY_EXAMPLE,
        )
    whole, fraction, suffix = match.group(1), match.group(2) or "0", match.group(3) or ""
    amount = Decimal(f"{whole.replace(',', '')}.{fraction}") * _MULTIPLIERS[suffix]
    if amount != amount.quantize(_CENT):
        raise ArgumentError(
            f"{typed(text)} goes below a cent — use at most two decimals, like $1,500.50.",
            example=MONEY_EXAMPLE,
        )
    if amount > maximum:
        raise ArgumentError(
            f"{typed(text)} is more than I'd expect here — keep it at or under "
            f"{format_dollars(maximum)}. An extra zero, perhaps?",
            example=MONEY_EXAMPLE,
        )
    return amount.quantize(_CENT)


def format_dollars(amount: Decimal) -> str:
    """``$1,500`` or ``$1,500.50``: cents only when there are some."""
    if amount == amount.to_integral_value():
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"


def _without_dollar_marks(compact: str) -> str:
    for mark in _DOLLAR_MARKS:
        if compact.startswith(mark):
            compact = compact.removeprefix(mark)
            break
    for mark in _DOLLAR_MARKS:
        if compact.endswith(mark):
            return compact.removesuffix(mark)
    return compact
