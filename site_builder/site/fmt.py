"""How figures are printed: amounts with thousands separators, the other unit, percentages.

Everything here is exact. An amount keeps the decimals the YAML was written with
(``400000.00`` prints as ``400,000.00``); the conversion to the other unit multiplies or
divides by 10,000 by moving the decimal point (``Decimal.scaleb``), never through a float.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import NamedTuple

from ..content.model import UNIT_FACTORS
from ..content.numbers import grouped, percent, plain

__all__ = ["grouped", "percent", "plain", "Money", "OTHER_UNIT", "convert", "with_cents", "money", "maybe_money", "number"]

OTHER_UNIT = {"元": "万元", "万元": "元"}


class Money(NamedTuple):
    """An amount ready to print: ``text`` in the source's unit, ``other`` in the other unit."""

    value: str  # plain digits for <data value>, e.g. "3828602.02"
    text: str  # "3,828,602.02"
    unit: str  # "元"
    other: str  # "382.860202 万元"
    other_number: str  # "382.860202": the same without the unit, for a column headed with it

    def __str__(self) -> str:
        return f"{self.text} {self.unit}"


_SHIFTS = {(1, 10_000): -4, (10_000, 1): 4}  # powers of ten between the units' factors


def convert(value: Decimal, unit: str, to: str) -> Decimal:
    """``value`` in ``unit`` expressed in ``to``, exactly, without trailing zeros."""
    if unit == to:
        return value
    converted = value.scaleb(_SHIFTS[UNIT_FACTORS[unit], UNIT_FACTORS[to]])
    return converted.normalize() if converted else Decimal(0)


_CENT = Decimal("0.01")


def with_cents(value: Decimal) -> Decimal:
    """``value`` with at least two decimals, so that a column lines up; exact (only zeros are added)."""
    exponent = value.as_tuple().exponent
    return value.quantize(_CENT) if isinstance(exponent, int) and exponent > -2 else value


def money(value: Decimal, unit: str) -> Money:
    """Format ``value`` (in ``unit``) for a page."""
    # A page prints most amounts more than once (in a table, a chart, a check): each is
    # formatted once. Keyed by the exact text, since Decimal('1.0') == Decimal('1.00').
    # The memo is no state a build writes: a pure function of two strings, reading no file or clock.
    return _money(str(value), unit)


@functools.lru_cache(maxsize=4096)
def _money(digits: str, unit: str) -> Money:
    value = Decimal(digits)  # exact: the text of a Decimal reads back as the same Decimal
    other_unit = OTHER_UNIT[unit]
    other = grouped(convert(value, unit, other_unit))
    return Money(plain(value), grouped(value), unit, f"{other} {other_unit}", other)


def maybe_money(value: Decimal | None, unit: str) -> Money | None:
    return None if value is None else money(value, unit)


def number(value: Decimal) -> str:
    """A quantity (square metres, vehicles) with separators and its decimals as written."""
    return grouped(value)
