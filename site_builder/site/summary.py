"""The answer first: what a department-year page shows above its sections.

How much (收入合计, 支出合计, 基本支出 and 项目支出 with their shares of 支出合计, the
“三公”经费 total, 机关运行经费), how each changed from the department's previous year of the
same kind (signed, with the percentage, linking to the comparison of the two), and on
what: the expenditure by 功能分类 类 (and by 经济分类 类 where a table discloses it) as a
chart with a table beside it.

Figures are the document's own; a change is computed exactly in this document's unit
(``compare.to_unit``), and only shares and percentages are rounded, visibly, to 0.1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..content import final as fin
from . import routes
from .charts import Bar, Chart, bar_chart
from ..derive.compare import change_percent, to_unit
from ..content.load import Entry
from .fmt import Money, grouped, money
from .final_views import headline
from ..content.model import ClassTable, DepartmentYear, FinalAccounts, Row
from .tables import Cell, Column, Table, TableRow, amount_cell, make_table

SHARE_QUANTUM = Decimal("0.1")
MINUS = "−"  # U+2212, the minus sign: a hyphen reads as a dash


@dataclass(frozen=True)
class KeyFigure:
    """One headline figure: its amount, its share, and its change from the previous year."""

    key: str  # "expenditure": the element's id is summary-<key>
    label: str
    amount: Money | None
    missing: str  # why there is no amount: 未公开 / 无 / 未列出
    share: str  # "占支出合计 38.2%"
    change: str  # "+3,226.63 万元（+31.8%）"; "" without a previous figure
    direction: str  # up / down / same / "" (CSS only: the words say it)
    previous: str  # "上年 10,150.48 万元", or why there is no change: "2018年预算未列出"
    target: str  # where on the page the figure is detailed: "#finance"


@dataclass(frozen=True)
class Composition:
    """Expenditure by 类 of one classification: a chart and the same figures as a table."""

    chart: Chart
    table: Table
    source: str  # which published table it is drawn from


@dataclass(frozen=True)
class YearSummary:
    sentence: str
    figures: tuple[KeyFigure, ...]
    previous: str  # "2018年预算" or ""
    comparison: str  # the comparison page's site-relative path, or ""
    compositions: tuple[Composition, ...]
    outturn: Table | None = None  # a 决算: each headline figure against its budget, with the rate


def outturn_table(doc: DepartmentYear) -> Table | None:
    """决算 against 年初预算 (全年预算) with the completion rate; never a division by zero."""
    views = headline(doc)
    if not views:
        return None
    rows = [TableRow((Cell(v.label, header=True), amount_cell(v.initial), amount_cell(v.full_year), amount_cell(v.actual),
                      Cell(v.words + (f"（{v.stated}）" if v.stated else "")), Cell(v.reason or "—")))
            for v in views]
    columns = (Column("项目"), Column("年初预算", numeric=True), Column("全年预算", numeric=True),
               Column("决算", numeric=True), Column("完成情况"), Column("原因（原文）"))
    return make_table("summary-outturn", "决算与预算", columns, rows, unit=f"单位：{doc.meta.unit}")


def _share(part: Decimal, whole: Decimal) -> str:
    return f"{grouped(change_percent(part, whole, SHARE_QUANTUM) or Decimal(0))}%"


def signed(value: Decimal) -> str:
    """``+1,234.5`` or ``−1,234.5``: a change with its sign always written."""
    return ("+" if value > 0 else MINUS if value < 0 else "±") + grouped(abs(value))


HEADLINES = (  # key, label, how to read it from a document, the section that details it
    ("revenue", "收入合计", lambda d: _finance(d, "revenue_total"), "#finance"),
    ("expenditure", "支出合计", lambda d: _finance(d, "expenditure_total"), "#finance"),
    ("basic", "基本支出", lambda d: _finance(d, "basic"), "#finance"),
    ("project", "项目支出", lambda d: _finance(d, "project"), "#finance"),
    ("sangong", "“三公”经费", lambda d: _three_costs(d), "#sangong"),
    ("running", "机关运行经费", lambda d: _running(d), "#finance"),
)


def _finance(doc: DepartmentYear, attr: str) -> Decimal | str:
    f = doc.finance
    if not f.disclosed:
        return f.status
    value = getattr(f, attr)
    if value is None and f.final is not None:  # a 决算: the year's own totals, read from its tables
        value = fin.derived_totals(f.final).get(attr)
    return "未列出" if value is None else value


def _three_costs(doc: DepartmentYear) -> Decimal | str:
    t = doc.three_costs
    if not t.disclosed:
        return t.status
    return "未列出合计" if t.total is None else t.total


def _running(doc: DepartmentYear) -> Decimal | str:
    f = doc.finance
    if not f.disclosed:
        return f.status
    return "未列出" if f.running_costs is None else f.running_costs.total


def previous_of(entry: Entry, entries: Sequence[Entry]) -> Entry | None:
    """The department's nearest earlier year of the same kind (预算 with 预算, 决算 with 决算)."""
    meta = entry.model.meta
    earlier = [e for e in entries if e.model.meta.kind == meta.kind and e.model.meta.year < meta.year]
    return max(earlier, key=lambda e: e.model.meta.year) if earlier else None


def year_summary(entry: Entry, entries: Sequence[Entry]) -> YearSummary:
    doc = entry.model
    unit = doc.meta.unit
    before = previous_of(entry, entries)
    old_label = f"{before.model.meta.year}年{before.model.meta.kind}" if before else ""
    values = {key: read(doc) for key, _, read, _ in HEADLINES}
    total = values["expenditure"]
    figures = []
    for key, label, read, target in HEADLINES:
        value = values[key]
        if key == "running" and not isinstance(value, Decimal):
            continue  # 机关运行经费 is shown where a document states it, not missed where it does not
        share = ""
        if key in ("basic", "project") and isinstance(value, Decimal) and isinstance(total, Decimal) and total:
            share = f"占支出合计 {_share(value, total)}"
        change = direction = previous = ""
        if before is not None and isinstance(value, Decimal):
            old = read(before.model)
            if isinstance(old, Decimal):
                old = to_unit(old, before.model.meta.unit, unit)
                delta = value - old
                rate = change_percent(delta, old, SHARE_QUANTUM)
                change = f"{signed(delta)} {unit}" + (f"（{signed(rate)}%）" if rate is not None and delta else "")
                direction = "up" if delta > 0 else "down" if delta < 0 else "same"
                previous = f"{old_label} {money(old, unit)}"
            else:
                previous = f"{old_label}{old}"
        if isinstance(value, Decimal):
            figures.append(KeyFigure(key, label, money(value, unit), "", share, change, direction, previous, target))
        else:
            figures.append(KeyFigure(key, label, None, value, share, change, direction, previous, target))
    comparison = ""
    if before is not None:
        comparison = routes.compare_path(entry.region_slugs, entry.department_slug, before.stem, entry.stem)
    return YearSummary(_sentence(doc, values), tuple(figures), old_label, comparison, compositions(doc),
                       outturn_table(doc))


def _sentence(doc: DepartmentYear, values: dict[str, Decimal | str]) -> str:
    """One sentence a reader can quote: the total, its two parts, and the 三公 total."""
    unit = doc.meta.unit
    total = values["expenditure"]
    if not isinstance(total, Decimal):
        said = {"未公开": "未公开", "未收录": "所在的文件本站未收录", "无": "公开为无"}.get(str(total), "未列出")
        return f"本年度{doc.meta.kind}的支出合计{said}。"
    words = ""
    for v in headline(doc)[:1]:  # a 决算 says first what was spent against the budget
        budget = f"年初预算 {v.initial}" if v.initial is not None else f"全年预算 {v.full_year}"
        words = f"{doc.meta.year}年{v.label}决算 {v.actual}，{budget}，{v.words}。"
    words += f"{doc.meta.year}年{doc.meta.kind}支出合计 {money(total, unit)}"
    parts = [f"{label} {money(values[key], unit)}，占 {_share(values[key], total)}"  # type: ignore[arg-type]
             for key, label in (("basic", "基本支出"), ("project", "项目支出"))
             if isinstance(values[key], Decimal) and total]
    if parts:
        words += "，其中" + "；".join(parts)
    sangong = values["sangong"]
    if isinstance(sangong, Decimal):
        words += f"。“三公”经费 {money(sangong, unit)}"
    elif sangong == "无":
        words += "。本年度无“三公”经费"
    return words + "。"


# ---------------------------------------------------------------------------
# Composition by 类


def _classes(rows: Sequence[Row]) -> list[Row]:
    """The 类 rows of a table: its three-digit codes, or its top rows when it has no codes."""
    coded = [r for r in rows if r.code and len(r.code) == 3 and r.amount is not None]
    if coded:
        return coded
    if any(r.code for r in rows):
        return []
    return [r for r in rows if r.amount is not None]


def _widest(tables: Sequence[ClassTable], classification: str) -> ClassTable | None:
    """The table of ``classification`` with the largest total: the widest scope the document discloses."""
    found = [t for t in tables if t.classification == classification and _classes(t.rows)]
    if not found:
        return None
    return max(found, key=lambda t: t.total if t.total is not None else sum(r.amount or 0 for r in _classes(t.rows)))


def compositions(doc: DepartmentYear) -> tuple[Composition, ...]:
    f = doc.finance
    if not f.disclosed:
        return ()
    unit = doc.meta.unit
    out = []
    if f.final is not None:
        return _final_compositions(f.final, unit)
    function_rows = _classes(f.by_function)
    if function_rows:
        out.append(_composition("function", "支出按功能分类（类）", function_rows, unit, "收支总表"))
    else:
        table = _widest(f.tables, "功能分类")
        if table is not None:
            out.append(_composition("function", "支出按功能分类（类）", _classes(table.rows), unit, _named(table)))
    table = _widest(f.tables, "经济分类")
    if table is not None:
        out.append(_composition("economic", "支出按经济分类（类）", _classes(table.rows), unit, _named(table)))
    return tuple(c for c in out if c is not None)  # type: ignore[misc]


def _named(table: ClassTable) -> str:
    name = " ".join(x for x in (table.number, table.title) if x)
    return f"{name}（{table.scope}）" if table.scope else name


def _composition(key: str, title: str, rows: Sequence[Row], unit: str, source: str) -> Composition | None:
    amounts = [r.amount for r in rows if r.amount is not None]
    whole = sum(amounts, Decimal(0))
    ordered = sorted(rows, key=lambda r: (-(r.amount or 0), r.code or "", r.name))
    bars, body = [], []
    for r in ordered:
        m = money(r.amount, unit)  # type: ignore[arg-type]
        share = _share(r.amount, whole) if whole else "—"  # type: ignore[arg-type]
        bars.append(Bar(f"{r.name}（{share}）", r.amount, str(m)))
        body.append(TableRow((Cell(r.name, header=True), Cell(r.code or "—"), amount_cell(m),
                              Cell(share, numeric=True))))
    chart = bar_chart(f"chart-{key}", f"{title}，共 {money(whole, unit)}", bars)
    if chart is None:
        return None
    columns = (Column("类"), Column("编码"), Column(f"金额（{unit}）", numeric=True), Column("占比", numeric=True))
    table = make_table(f"composition-{key}", title, columns, body, unit=f"单位：{unit}；占比为各类之和的百分比，四舍五入到 0.1%")
    return Composition(chart, table, source)


def _final_compositions(final: FinalAccounts, unit: str) -> tuple[Composition, ...]:
    """A 决算's expenditure by 类: 支出决算表 (all funds) and the 基本支出决算表 (economic classes)."""
    out = []
    tables = ((final.expenditure, "total", "function", "支出按功能分类（类）", "支出决算表"),
              (final.basic, "amount", "economic", "基本支出按经济分类（类）", "一般公共预算财政拨款基本支出决算表"))
    for table, column, kind, title, source in tables:
        if not table.disclosed:
            continue
        rows = [Row(编码=r.code, 名称=r.name, 金额=getattr(r, column))  # type: ignore[call-arg]
                for r in table.rows if getattr(r, column) is not None]
        classes = _classes(rows)
        found = _composition(kind, title, classes, unit, source) if classes else None
        if found is not None:
            out.append(found)
    return tuple(out)
