"""A figure's digits as text, exactly as written: the lowest layer of printing numbers.

Comparisons (``derive``) write sentences with figures in them and pages (``site.fmt``) print
them; both take their digits from here. Nothing is rounded: a Decimal keeps its decimals.
"""

from __future__ import annotations

from decimal import Decimal


def plain(value: Decimal) -> str:
    """A Decimal as plain digits, never in exponent form: ``3828602.02``."""
    return format(value, "f")


def grouped(value: Decimal) -> str:
    """A Decimal with thousands separators and its decimals as written: ``3,828,602.02``."""
    return format(value, ",f")


def percent(value: Decimal) -> str:
    """A percentage as published: ``30.00`` → ``30.00%``."""
    return f"{plain(value)}%"
