"""Which pairs of years of a department the site compares, and what a department is across years."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ...content.load import Entry
from ...content.model import DepartmentYear

Document = Entry | DepartmentYear

ALL_PAIRS_MAX_YEARS = 12
"""``pairs`` pre-builds every pair up to this many years of one kind, else consecutive ones only."""


def model_of(x: Document) -> DepartmentYear:
    """The department-year of an entry, or the department-year itself."""
    return x.model if isinstance(x, Entry) else x


T = TypeVar("T", Entry, DepartmentYear)


@dataclass(frozen=True)
class Pair(Generic[T]):
    """Two department-years of one department and kind, older first."""

    older: T
    newer: T
    consecutive: bool  # no year of the same kind between them in the content
    kind: str = "years"  # "years": two years of one kind; "budget-final": one year's 预算 (older) and 决算 (newer)


def department_key(x: Document) -> tuple[tuple[str, ...], str]:
    """What identifies a department across years: its region and its name."""
    meta = model_of(x).meta
    return meta.region.names, meta.department


def pairs(entries: Sequence[T], *, every: bool | None = None) -> list[Pair[T]]:
    """The pairs of years of one department to compare, per kind (预算 with 预算, 决算 with 决算), then
    each year's 预算 with its 决算 (kind ``budget-final``).

    ``every=True`` gives every ordered pair (older, newer), ``False`` only consecutive ones;
    the default gives every pair up to ALL_PAIRS_MAX_YEARS years of a kind (the count grows
    quadratically: n years make n(n−1)/2 pairs) and consecutive ones beyond.
    """
    by_kind: dict[str, list[T]] = {}
    for x in entries:
        by_kind.setdefault(model_of(x).meta.kind, []).append(x)
    out: list[Pair[T]] = []
    for kind in sorted(by_kind, key=lambda k: (k != "预算", k)):
        years = sorted(by_kind[kind], key=lambda x: model_of(x).meta.year)
        all_pairs = every if every is not None else len(years) <= ALL_PAIRS_MAX_YEARS
        for i in range(len(years)):
            for j in range(i + 1, len(years) if all_pairs else min(i + 2, len(years))):
                out.append(Pair(years[i], years[j], j == i + 1))
    budgets = {model_of(x).meta.year: x for x in by_kind.get("预算", [])}
    for final in sorted(by_kind.get("决算", []), key=lambda x: model_of(x).meta.year):
        budget = budgets.get(model_of(final).meta.year)
        if budget is not None:  # what was budgeted against what was spent, in one year
            out.append(Pair(budget, final, True, "budget-final"))
    return out


def by_department(entries: Iterable[T]) -> dict[tuple[tuple[str, ...], str], list[T]]:
    """Entries grouped by department, in the order first seen."""
    out: dict[tuple[tuple[str, ...], str], list[T]] = {}
    for x in entries:
        out.setdefault(department_key(x), []).append(x)
    return out
