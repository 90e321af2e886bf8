"""The 决算 tables on a department-year page: every table as printed, every row of the
一般公共预算财政拨款支出决算表 with its 年初预算数, 决算数 and completion rate, and the headline
of the page (决算 against 年初预算, “三公” 预算 against 决算).

A completion rate is computed exactly from the figures (``final.completion``) and shown
beside the document's own where the two differ; with a budget of 0 or none there is no
rate, and the page says why instead of dividing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup
from pydantic import BaseModel

from ..content import final as fin
from ..content import model as m
from ..content.blocks import STATUS_KEYS
from ..content.check import parent_code
from .fmt import Money, maybe_money, percent
from .markup import MarkdownRenderer
from .tables import BLANK, LEVEL_LABELS, Cell, Column, Table, TableRow, amount_cell, make_table, text_cell


@dataclass(frozen=True)
class FinalTableView:
    """One 决算 table: its title and state, and the table when it is disclosed."""

    anchor: str
    title: str
    status: str  # 已公开 / 无 / 未公开 / 未收录
    state: str  # disclosed / none / undisclosed / uncollected
    note: Markup
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class RateView:
    """决算 against a budget, formatted: what the headline and the 三公 block print."""

    label: str
    initial: Money | None
    full_year: Money | None
    actual: Money | None
    rate: str  # "98.20%", or "" when there is none
    words: str  # the sentence: "完成年初预算的 98.20%" or why there is no rate
    stated: str  # "原文所列 95.45%" when it differs from the computed rate, else ""
    reason: str


def rate_text(actual: Decimal | None, initial: Decimal | None, full_year: Decimal | None,
              budget: str = "年初预算") -> tuple[str, str]:
    """The rate to print and its sentence; a budget of 0 or none gives no rate, never a division by zero."""
    rate = fin.completion(actual, initial)
    if rate is not None:
        return percent(rate), f"完成{budget}的 {percent(rate)}"
    full = fin.completion(actual, full_year)
    if full is not None:
        why = f"{budget}为 0" if initial == 0 else f"未列{budget}"
        return f"{percent(full)}（全年）", f"{why}，不计算其完成率；完成全年预算的 {percent(full)}"
    if initial == 0:
        return "", f"{budget}为 0，不计算完成率"
    return "", f"未列{budget}" if initial is None else ""


def differs(stated: Decimal | None, actual: Decimal | None, budget: Decimal | None) -> bool:
    """Whether a stated rate differs from the figures' own, at the stated rate's precision."""
    if stated is None:
        return False
    exponent = stated.as_tuple().exponent
    computed = fin.completion(actual, budget, Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0))
    return computed is None or computed != stated


def rate_view(label: str, actual: Decimal | None, initial: Decimal | None, full_year: Decimal | None,
              stated: Decimal | None, unit: str, reason: str | None = None, budget: str = "年初预算") -> RateView:
    rate, words = rate_text(actual, initial, full_year, budget)
    base = initial if fin.completion(actual, initial) is not None else full_year
    stated_text = f"原文所列 {percent(stated)}" if stated is not None and differs(stated, actual, base) else ""
    return RateView(label, maybe_money(initial, unit), maybe_money(full_year, unit), maybe_money(actual, unit), rate,
                    words, stated_text, reason or "")


def headline(doc: m.DepartmentYear) -> tuple[RateView, ...]:
    """What a 决算 page opens with: 一般公共预算财政拨款支出 and the “三公” 经费, each 决算 against its budget."""
    final = fin.final_of(doc)
    unit = doc.meta.unit
    out = []
    if final is not None:
        h = fin.headline(final)
        if h is not None:
            out.append(rate_view("一般公共预算财政拨款支出", h.actual, h.initial, h.full_year, h.stated_rate, unit, h.reason))
    t = doc.three_costs
    if doc.meta.kind == "决算" and t.disclosed and t.budget is not None:
        stated = next((o for o in t.outturn if o.subject == "合计"), None)
        out.append(rate_view("“三公”经费", t.total, t.budget.total, None, stated.rate if stated else None, unit,
                             stated.reason if stated else None, "预算"))
    return tuple(out)


# ---------------------------------------------------------------------------
# The tables


def _depths(codes: Sequence[str | None]) -> dict[str, int]:
    parents = {c: parent_code(c, list(codes)) for c in codes if c}
    depths: dict[str, int] = {}
    for code in parents:
        depth, current = 0, parents[code]
        while current is not None:
            depth += 1
            current = parents[current]
        depths[code] = depth
    return depths


def _row_head(row: BaseModel, depths: dict[str, int], labels: dict[int, str]) -> tuple[Cell, Cell]:
    code = getattr(row, "code", None)
    level = depths.get(code, 0) if code else 0
    return text_cell(code), Cell(getattr(row, "name"), header=True, level=level,
                                 level_label=labels.get(len(code or ""), ""))


def _amounts(obj: BaseModel | None, cols: Sequence[tuple[str, str]], unit: str) -> list[Cell]:
    return [amount_cell(maybe_money(getattr(obj, attr), unit) if obj is not None else None) for attr, _ in cols]


def coded_table(id: str, caption: str, rows: Sequence[BaseModel], total: BaseModel | None,
                cols: Sequence[tuple[str, str]], unit: str, classification: str) -> Table:
    """A 决算 table of coded rows, one column per printed amount column, 合计 in the foot."""
    depths = _depths([getattr(r, "code", None) for r in rows])
    parents = {parent_code(c, list(depths)) for c in depths}
    labels = LEVEL_LABELS[classification]
    body = [TableRow((*_row_head(r, depths, labels), *_amounts(r, cols, unit)),
                     "group" if getattr(r, "code", None) in parents else "") for r in rows]
    columns = (Column("编码"), Column("科目名称")) + tuple(Column(h, numeric=True) for _, h in cols)
    foot = [TableRow((Cell(""), Cell("合计", header=True), *_amounts(total, cols, unit)), "total")] if total else []
    return make_table(id, caption, columns, body, unit=f"单位：{unit}", foot=foot, keep=2)


GENERAL_COLUMNS = (Column("编码"), Column("科目名称"), Column("年初预算数", numeric=True), Column("全年预算数", numeric=True),
                   Column("决算数", numeric=True), Column("基本支出", numeric=True), Column("项目支出", numeric=True),
                   Column("完成率", numeric=True), Column("用途"), Column("决算数与预算数的差异及原因"))


def _general_cells(row: m.GeneralColumns, unit: str) -> list[Cell]:
    rate, _ = rate_text(row.total, row.initial, row.full_year)
    base = row.initial if fin.completion(row.total, row.initial) is not None else row.full_year
    if differs(row.rate, row.total, base):
        rate = f"{rate}（原文 {percent(row.rate)}）" if rate else f"原文 {percent(row.rate)}"
    return [amount_cell(maybe_money(row.initial, unit)), amount_cell(maybe_money(row.full_year, unit)),
            amount_cell(maybe_money(row.total, unit)), amount_cell(maybe_money(row.basic, unit)),
            amount_cell(maybe_money(row.project, unit)), text_cell(rate or None, numeric=True),
            text_cell(row.purpose), text_cell(row.reason)]


def line_anchors(title: str, rows: Sequence[BaseModel]) -> list[str]:
    """Each row's anchor, as the department's 逐项历年数字 page (lines.py) links to it: the table's title
    and the row's code (or its name), numbered where repeated."""
    prefix = "line-" + "".join(title.split())
    out: list[str] = []
    for row in rows:
        ident = getattr(row, "code", None) or "".join(getattr(row, "name").split())
        anchor, n = f"{prefix}-{ident}", 2
        while anchor in out:
            anchor, n = f"{prefix}-{ident}-{n}", n + 1
        out.append(anchor)
    return out


def general_table(t: m.GeneralTable, unit: str) -> Table:
    """五、一般公共预算财政拨款支出决算表 with each row's 年初预算数 (全年预算数), 决算数 and rate."""
    depths = _depths([r.code for r in t.rows])
    parents = {parent_code(c, list(depths)) for c in depths}
    labels = LEVEL_LABELS["功能分类"]
    body = [TableRow((*_row_head(r, depths, labels), *_general_cells(r, unit)), "group" if r.code in parents else "", a)
            for r, a in zip(t.rows, line_anchors(fin.GENERAL_TITLE, t.rows))]
    foot = [TableRow((Cell(""), Cell("合计", header=True), *_general_cells(t.total, unit)), "total")] if t.total else []
    caption = _caption(t, "一般公共预算财政拨款支出决算表") + "：年初预算与决算"
    return make_table("final-general", caption, GENERAL_COLUMNS, body, unit=f"单位：{unit}；完成率 = 决算数 ÷ 年初预算数"
                      "（年初预算为 0 或未列时按全年预算数，注“全年”），四舍五入到 0.01%", foot=foot, keep=2)


def _lines_table(id: str, caption: str, lines: Sequence[tuple[str, Decimal | None, str]], unit: str) -> Table:
    rows = [TableRow((Cell(name, header=True, level=1 if kind == "part" else 0), amount_cell(maybe_money(v, unit))),
                     "total" if kind == "total" else "") for name, v, kind in lines if v is not None or kind == "part"]
    return make_table(id, caption, (Column("项目"), Column("决算数", numeric=True)), rows, unit=f"单位：{unit}")


def _caption(t: m.FinalTable, title: str) -> str:
    return f"{t.number}、{title}" if t.number and t.number in "一二三四五六七八九十" else " ".join(
        x for x in (t.number, title) if x)


def overview_tables(t: m.IncomeExpenditureTable, unit: str) -> tuple[Table, ...]:
    caption = _caption(t, "收入支出决算总表")
    revenue = [(x.name, x.amount, "part") for x in t.revenue] + [
        ("本年收入合计", t.revenue_current, "sub"), ("使用非财政拨款结余", t.non_fiscal_balance, "sub"),
        ("年初结转和结余", t.carried_in, "sub"), ("总计", t.revenue_grand, "total")]
    spending = [(x.name, x.amount, "part") for x in t.expenditure] + [
        ("本年支出合计", t.expenditure_current, "sub"), ("结余分配", t.distribution, "sub"),
        ("年末结转和结余", t.carried_out, "sub"), ("总计", t.expenditure_grand, "total")]
    return (_lines_table("final-overview-revenue", f"{caption}：收入", revenue, unit),
            _lines_table("final-overview-expenditure", f"{caption}：支出", spending, unit))


def fiscal_tables(t: m.FiscalTotalTable, unit: str) -> tuple[Table, ...]:
    caption = _caption(t, "财政拨款收入支出决算总表")
    revenue = [(x.name, x.amount, "part") for x in t.revenue] + [("本年收入合计", t.revenue_current, "sub"),
                                                                ("年初财政拨款结转和结余", t.carried_in, "sub")]
    revenue += [(x.name, x.amount, "part") for x in t.carried_in_lines] + [("总计", t.revenue_grand, "total")]
    cols = fin.columns(m.FundSplit)
    body = [TableRow((Cell(x.name, header=True, level=1), *_amounts(x, cols, unit))) for x in t.expenditure]
    for label, split, kind in (("本年支出合计", t.expenditure_current, ""), ("年末财政拨款结转和结余", t.carried_out, ""),
                               ("总计", t.expenditure_grand, "total")):
        if split is not None:
            body.append(TableRow((Cell(label, header=True), *_amounts(split, cols, unit)), kind))
    spending = make_table("final-fiscal-expenditure", f"{caption}：支出",
                          (Column("项目"),) + tuple(Column(h, numeric=True) for _, h in cols), body,
                          unit=f"单位：{unit}")
    return _lines_table("final-fiscal-revenue", f"{caption}：收入", revenue, unit), spending


def basic_table(t: m.BasicTable, unit: str) -> Table:
    depths = _depths([r.code for r in t.rows])
    parents = {parent_code(c, list(depths)) for c in depths}
    labels = LEVEL_LABELS["经济分类"]
    body = [TableRow((*_row_head(r, depths, labels), amount_cell(maybe_money(r.amount, unit))),
                     "group" if r.code in parents else "", a) for r, a in zip(t.rows, line_anchors(fin.BASIC_TITLE, t.rows))]
    foot = [TableRow((Cell(""), Cell(label, header=True), amount_cell(maybe_money(v, unit))), "total")
            for label, v in (("人员经费合计", t.personnel), ("公用经费合计", t.public)) if v is not None]
    return make_table("final-basic", _caption(t, "一般公共预算财政拨款基本支出决算表"),
                      (Column("编码"), Column("科目名称"), Column("决算数", numeric=True)), body, unit=f"单位：{unit}",
                      foot=foot, keep=2)


def final_views(final: m.FinalAccounts, unit: str, md: MarkdownRenderer) -> tuple[FinalTableView, ...]:
    out = []
    for i, (attr, title) in enumerate(m.FINAL_TABLES, 1):
        t: m.FinalTable = getattr(final, attr)
        note = md(t.note)
        tables: tuple[Table, ...] = ()
        if t.disclosed:
            if isinstance(t, m.IncomeExpenditureTable):
                tables = overview_tables(t, unit)
            elif isinstance(t, m.FiscalTotalTable):
                tables = fiscal_tables(t, unit)
            elif isinstance(t, m.GeneralTable):
                tables = (general_table(t, unit),)
            elif isinstance(t, m.BasicTable):
                tables = (basic_table(t, unit),)
            else:
                rt = next(r for r in fin.row_tables(final) if r.attr == attr)
                tables = (coded_table(f"final-{attr}", _caption(t, title), rt.rows, rt.total, rt.columns, unit,
                                      "功能分类"),)
        out.append(FinalTableView(f"juesuan-{attr}", _caption(t, title), t.status, STATUS_KEYS[t.status],
                                  note, tables))
    return tuple(out)


__all__ = ["FinalTableView", "RateView", "differs", "final_views", "headline", "rate_text", "BLANK"]
