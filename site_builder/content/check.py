"""A check (one comparison of two figures of a file) and what every group of checks shares:
a total against the sum of its parts, and the 类/款/项 hierarchy that the codes of a table imply."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from . import final as fin
from .numbers import grouped, percent, plain
from .model import Row

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Check:
    """One comparison: ``left`` should equal (or not exceed) ``right``."""

    key: KeyPath  # where in the file the checked figure is
    title: str  # what is checked, in Chinese, for the page
    left_label: str
    left: Decimal
    right_label: str
    right: Decimal
    relation: Literal["=", "≤", "≥"] = "="
    measure: Literal["money", "percent"] = "money"

    @property
    def passed(self) -> bool:
        if self.relation == "=":
            return self.left == self.right
        if self.relation == "≤":
            return self.left <= self.right
        return self.left >= self.right

    @property
    def difference(self) -> Decimal:
        return self.left - self.right


def sum_check(key: KeyPath, title: str, total_label: str, total: Decimal | None,
              parts: list[tuple[str, Decimal | None]], *, all_parts: bool = True) -> list[Check]:
    """``total`` = the sum of ``parts``; skipped when the total or (with all_parts) a part is missing."""
    present = [(label, value) for label, value in parts if value is not None]
    if total is None or not present or (all_parts and len(present) != len(parts)):
        return []
    labels = " + ".join(label for label, _ in present)
    return [Check(key, title, total_label, total, labels, sum((v for _, v in present), Decimal(0)))]



def column_sum(key: KeyPath, title: str, total_label: str, total: Decimal | None, parts_label: str,
               parts: list[Decimal | None]) -> list[Check]:
    present = [v for v in parts if v is not None]
    if total is None or not present:
        return []
    return [Check(key, title, total_label, total, parts_label, sum(present, Decimal(0)))]



def rate_check(key: KeyPath, title: str, stated: Decimal | None, actual: Decimal | None, budget: Decimal | None,
               budget_label: str) -> list[Check]:
    """A stated completion rate against 决算数 ÷ budget × 100 (none when the budget is missing or 0)."""
    if stated is None:
        return []
    exponent = stated.as_tuple().exponent
    quantum = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    computed = fin.completion(actual, budget, quantum)
    if computed is None:
        return []
    return [Check(key, f"{title}与决算数、{budget_label}一致", "所列完成率", stated, f"决算数 ÷ {budget_label}", computed,
                  "=", "percent")]


def coded_children(rows: list[Row]) -> Iterator[tuple[int, Row, list[Row]]]:
    """For each coded row, its direct children: the rows whose code extends it by one level."""
    codes = [r.code for r in rows]
    for i, row in enumerate(rows):
        if not row.code:
            continue
        kids = [r for r in rows if r.code and r.code != row.code and r.code.startswith(row.code)
                and parent_code(r.code, codes) == row.code]
        if kids:
            yield i, row, kids


def parent_code(code: str, codes: list[str | None]) -> str | None:
    """The longest other code in the table that ``code`` starts with."""
    best: str | None = None
    for other in codes:
        if other and other != code and code.startswith(other) and (best is None or len(other) > len(best)):
            best = other
    return best


def top_rows(rows: list[Row]) -> list[Row]:
    """Rows that have no parent row in the table (by code)."""
    codes = [r.code for r in rows]
    return [r for r in rows if not r.code or parent_code(r.code, codes) is None]


# ---------------------------------------------------------------------------
# A check in words: the pages' 数据核对 and validate's warnings say it alike


@dataclass(frozen=True)
class CheckView:
    title: str
    passed: bool
    statement: str  # "收入合计为 3,828,602.02 元，支出合计为 3,828,602.02 元"
    difference: str  # "相差 0.01 元"; empty when passed


def _last_digit(value: Decimal) -> Decimal:
    """One in the last decimal place ``value`` is written with (0.01 for 66.69)."""
    exponent = value.as_tuple().exponent
    return Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)


def check_view(check: Check, unit: str) -> CheckView:
    """A check in plain Chinese: "收入合计为 1,000.00 元，支出合计为 1,100.00 元", "相差 100.00 元"."""
    def show(value: Decimal) -> str:  # an amount as the pages print it (``fmt.Money``): digits grouped, then the unit
        return percent(value) if check.measure == "percent" else f"{grouped(value)} {unit}"

    def subject(label: str) -> str:  # "基本支出 + 项目支出" is a sum: "基本支出 + 项目支出之和"
        return f"{label}之和" if " + " in label else label

    statement = f"{subject(check.left_label)}为 {show(check.left)}，{subject(check.right_label)}为 {show(check.right)}"
    gap = abs(check.difference)
    difference = "" if check.passed else (f"相差 {plain(gap)} 个百分点" if check.measure == "percent"
                                          else f"相差 {grouped(gap)} {unit}")
    if not check.passed and check.measure == "percent" and gap == _last_digit(check.left):
        difference += "（相差一个尾数，可能源于舍入）"  # as the comparison pages say it
    return CheckView(check.title, check.passed, statement, difference)
