"""Amounts of two years in one unit, exactly, and their change in percent."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ...content.model import UNIT_FACTORS

PERCENT_QUANTUM = Decimal("0.01")
"""Computed percentages are rounded half up to two decimals, as the documents print them."""


def to_unit(value: Decimal, unit: str, to: str) -> Decimal:
    """``value`` in ``unit`` expressed in ``to``, exactly: the decimal point moves, nothing is rounded.

    ``126000.00`` 元 is ``12.6`` 万元: trailing zeros the conversion creates are dropped, and
    unlike ``fmt.convert`` a whole number stays ``500``, not ``5E+2``, so that every amount
    of a comparison prints as plain digits even through ``str()``.
    """
    if unit == to:
        return value
    shift = len(str(UNIT_FACTORS[unit])) - len(str(UNIT_FACTORS[to]))  # factors are powers of ten
    converted = value.scaleb(shift).normalize()
    exponent = converted.as_tuple().exponent
    return converted.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else converted


def change_percent(delta: Decimal, old: Decimal, quantum: Decimal = PERCENT_QUANTUM) -> Decimal | None:
    """``delta / old × 100`` rounded half up to ``quantum``; None when ``old`` is 0."""
    if old == 0:
        return None
    return (delta * 100 / old).quantize(quantum, rounding=ROUND_HALF_UP)


def stated_quantum(value: Decimal, stated_unit: str, unit: str) -> Decimal:
    """The precision ``value`` is stated to, in ``unit``: ``18976.76`` 万元 is to 100 元."""
    exponent = value.as_tuple().exponent
    return to_unit(Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0), stated_unit, unit)


def rounds_to(exact: Decimal, stated: Decimal, quantum: Decimal) -> bool:
    """Whether ``stated`` is ``exact`` as the document rounds it (half up to ``quantum``):
    189,767,551 元 is stated as 18,976.76 万元."""
    if exact == stated:
        return True
    ratio = exact / quantum  # exact: quantum is a power of ten
    return ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum == stated
