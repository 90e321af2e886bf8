"""决算 (final accounts): what the pages, checks and downloads share about the 决算 tables.

A 决算 table is a list of rows with a code, a name and one field per printed amount
column (``model.IncomeRow`` …); its columns are read from the model, so that one piece of
code serves all of them. A completion rate (完成率) is 决算数 ÷ 预算数 × 100, rounded half
up; there is none when the budget is missing or 0 (a department created during the year
has a 年初预算 of 0): never a division by zero.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel

from . import model as m

RATE_QUANTUM = Decimal("0.01")
GENERAL_TITLE = "一般公共预算财政拨款支出决算表"
BASIC_TITLE = "一般公共预算财政拨款基本支出决算表"

_NOT_COLUMNS = frozenset({"code", "name"}) | frozenset(m.Outturn.model_fields)


def columns(cls: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """The amount columns of a 决算 row class, as (attribute, printed heading), in printed order."""
    return tuple((name, info.alias or name) for name, info in cls.model_fields.items() if name not in _NOT_COLUMNS)


def completion(actual: Decimal | None, budget: Decimal | None, quantum: Decimal = RATE_QUANTUM) -> Decimal | None:
    """决算数 as a percentage of ``budget``; None without a budget or when it is 0."""
    if actual is None or budget is None or budget == 0:
        return None
    return (actual / budget * 100).quantize(quantum, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RowTable:
    """A 决算 table of coded rows: its attribute, title, row and total classes, and the table."""

    attr: str
    title: str
    table: m.FinalTable
    columns: tuple[tuple[str, str], ...]

    @property
    def rows(self) -> list[BaseModel]:
        return list(getattr(self.table, "rows", []))

    @property
    def total(self) -> BaseModel | None:
        return getattr(self.table, "total", None)


ROW_TABLES = ("income", "expenditure", "general", "gov_fund", "capital")
"""The 决算 tables that are rows by classification with a 合计 row."""


def row_tables(final: m.FinalAccounts) -> Iterator[RowTable]:
    for attr, title in m.FINAL_TABLES:
        if attr in ROW_TABLES:
            table = getattr(final, attr)
            row_cls = type(table).model_fields["rows"].annotation.__args__[0]  # list[XRow]
            yield RowTable(attr, title, table, columns(row_cls))


def final_of(doc: m.DepartmentYear) -> m.FinalAccounts | None:
    """The 决算 tables of ``doc``, if it is a 决算 whose 收支 holds them."""
    finance = doc.finance
    return finance.final if finance.disclosed else None


@dataclass(frozen=True)
class Headline:
    """The first thing a 决算 page says: spent against the budget, with the rate (None: no rate)."""

    actual: Decimal | None
    initial: Decimal | None
    full_year: Decimal | None
    rate: Decimal | None  # of 年初预算; None when it is missing or 0
    full_year_rate: Decimal | None  # of 全年预算, where the document gives it
    stated_rate: Decimal | None
    stated_base: str
    reason: str | None


def headline(final: m.FinalAccounts) -> Headline | None:
    """一般公共预算财政拨款支出: 决算 against 年初预算 (and 全年预算), from table 5's 合计."""
    table = final.general
    total = table.total if table.disclosed else None
    if total is None or (total.initial is None and total.full_year is None):
        return None
    return Headline(total.total, total.initial, total.full_year, completion(total.total, total.initial),
                    completion(total.total, total.full_year), total.rate, total.rate_base, total.reason)


def derived_totals(final: m.FinalAccounts) -> dict[str, Decimal | None]:
    """The department's totals as the site's other pages name them, read from the 决算 tables:
    收入合计 and 支出合计 are the year's own (本年收入合计, 本年支出合计), not the 总计 with carry-overs."""
    overview = final.overview if final.overview.disclosed else None
    spending = final.expenditure.total if final.expenditure.disclosed else None
    return {
        "revenue_total": overview.revenue_current if overview else None,
        "expenditure_total": overview.expenditure_current if overview else None,
        "carried_in": overview.carried_in if overview else None,
        "carried_out": overview.carried_out if overview else None,
        "basic": spending.basic if spending else None,
        "project": spending.project if spending else None,
    }
