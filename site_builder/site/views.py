"""Read-only views of the pages: what each template gets, with every figure formatted.

From the loaded department-years (and their checks) to one view per page; this module holds
the department and department-year pages, ``site_views`` the site-wide pages and ``regions``
the home and region pages. Views hold site-relative targets (``hebei/…/2020/index.html``); the
template's ``url()`` makes each one relative to the page it is printed on, so a view does not
depend on where it is shown. Templates do no arithmetic: totals, conversions and check
results are computed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from markupsafe import Markup

from .charts import Bar, Chart, bar_chart
from ..content.check import Check, CheckView, check_view
from ..content.load import Entry
from .downloads import source_path
from .fmt import convert, money
from ..content.final import derived_totals as final_totals, headline
from .final_views import rate_text
from .markup import MarkdownRenderer
from ..content.model import SECTIONS, DepartmentYear
from .regions import Department, breadcrumbs
from .routes import Link, entry_path, year_label
from .sections import SectionView, section_view
from .lines import lines_path
from .summary import YearSummary, year_summary
from .tables import Cell, Column, Table, TableRow, make_table

if TYPE_CHECKING:
    from .completeness import CompletenessView
    from .downloads import DownloadLink


@dataclass(frozen=True)
class SiteView:
    """What every page shows of the site itself."""

    title: str
    description: str
    footer: Markup
    nav: tuple[Link, ...]
    search: str | None  # the search page's path once a later stage builds it


# ---------------------------------------------------------------------------
# Department pages: years, trends, comparisons


@dataclass(frozen=True)
class DepartmentView:
    path: str
    title: str
    region: str
    breadcrumbs: tuple[Link, ...]
    years: tuple[Link, ...]
    trend: Table
    charts: tuple[Chart, ...]
    comparisons: tuple[Link, ...]  # every pre-built pair of years (comparison_pages)
    lines: str = ""  # the page of every budget line's history (lines.py)
    budget_actual: Table | None = None  # 预算 and 决算 side by side per year, where the department has a 决算


TREND_FIGURES = (
    ("收入合计", "finance", "revenue_total"), ("支出合计", "finance", "expenditure_total"),
    ("基本支出", "finance", "basic"), ("项目支出", "finance", "project"),
    ("“三公”经费", "three_costs", "total"), ("因公出国（境）费", "three_costs", "abroad"),
    ("公务用车购置及运行维护费", "three_costs", "vehicles"), ("公务接待费", "three_costs", "reception"),
)


def figure(doc: DepartmentYear, section: str, attr: str, unit: str) -> Decimal | str | None:
    """A figure of ``doc`` in ``unit``; the section's status when it is not disclosed."""
    part = getattr(doc, section)
    if not part.disclosed:
        return part.status
    value = getattr(part, attr)
    if value is None and section == "finance" and part.final is not None:  # a 决算: read from its tables
        value = final_totals(part.final).get(attr)
    if value is None and attr == "vehicles" and (part.vehicle_purchase is not None or part.vehicle_running is not None):
        value = (part.vehicle_purchase or Decimal(0)) + (part.vehicle_running or Decimal(0))
    return None if value is None else convert(value, doc.meta.unit, unit)


def department_view(dept: Department, names: dict[tuple[str, ...], str],
                    comparisons: Sequence[Link] = ()) -> DepartmentView:
    units = {e.model.meta.unit for e in dept.entries}
    unit = units.pop() if len(units) == 1 else "万元"
    rows, used = [], [False] * len(TREND_FIGURES)
    for e in dept.entries:
        cells = [Cell(year_label(e.model), header=True, link=entry_path(e))]
        for i, (_, section, attr) in enumerate(TREND_FIGURES):
            value = figure(e.model, section, attr, unit)
            used[i] = used[i] or isinstance(value, Decimal)
            cells.append(Cell(money=money(value, unit), numeric=True) if isinstance(value, Decimal)
                         else Cell(value or "—", numeric=True))
        rows.append(TableRow(tuple(cells)))
    columns = (Column("年度"),) + tuple(Column(label, numeric=True) for label, _, _ in TREND_FIGURES)
    keep = [True] + used
    rows = [TableRow(tuple(c for c, k in zip(r.cells, keep) if k)) for r in rows]
    trend = make_table("trend", "历年主要数字", tuple(c for c, k in zip(columns, keep) if k), rows, unit=f"单位：{unit}",
                       stacked=True)
    charts = []
    for chart_id, title, section, attr in (("chart-trend-total", "历年支出合计", "finance", "expenditure_total"),
                                           ("chart-trend-sangong", "历年“三公”经费", "three_costs", "total")):
        bars = []
        for e in dept.entries:
            value = figure(e.model, section, attr, unit)
            text = str(money(value, unit)) if isinstance(value, Decimal) else (value or "未列出")
            bars.append(Bar(year_label(e.model), value if isinstance(value, Decimal) else None, text))
        chart = bar_chart(chart_id, title, bars)
        if chart is not None:
            charts.append(chart)
    region = " ".join(dept.entries[-1].model.meta.region.names)
    budget_actual = budget_actual_table(dept, unit)
    return DepartmentView(dept.path, dept.name, region, tuple(breadcrumbs(names, dept.region_slugs)),
                          tuple(Link(year_label(e.model), entry_path(e)) for e in dept.entries), trend, tuple(charts),
                          tuple(comparisons), lines_path(dept.region_slugs, dept.slug),
                          budget_actual)


def budget_actual_table(dept: Department, unit: str) -> Table | None:
    """Each year's 预算 and 决算 side by side: what was budgeted, what was spent, and the completion rate."""
    by_year: dict[int, dict[str, Entry]] = {}
    for e in dept.entries:
        by_year.setdefault(e.model.meta.year, {})[e.model.meta.kind] = e
    if not any("决算" in kinds for kinds in by_year.values()):
        return None

    def amount(value: Decimal | None, doc: DepartmentYear) -> Cell:
        return Cell(money=money(convert(value, doc.meta.unit, unit), unit), numeric=True) if value is not None \
            else Cell("—", numeric=True)

    rows = []
    for year in sorted(by_year):
        budget, final = by_year[year].get("预算"), by_year[year].get("决算")
        cells = [Cell(f"{year}年", header=True)]
        if budget is not None:
            value = figure(budget.model, "finance", "expenditure_total", unit)
            cells.append(Cell(money(value, unit).text if isinstance(value, Decimal) else value or "未列出", numeric=True,
                              link=entry_path(budget)))
        else:
            cells.append(Cell("未收录", numeric=True))
        if final is not None:
            doc = final.model
            value = figure(doc, "finance", "expenditure_total", unit)
            cells.append(Cell(money(value, unit).text if isinstance(value, Decimal) else value or "未列出", numeric=True,
                              link=entry_path(final)))
            head = headline(doc.finance.final) if doc.finance.disclosed and doc.finance.final else None
            cells += [amount(head.initial if head else None, doc), amount(head.full_year if head else None, doc),
                      amount(head.actual if head else None, doc)]
            cells.append(Cell(rate_text(head.actual, head.initial, head.full_year)[0] or "—", numeric=True) if head
                         else Cell("—", numeric=True))
            t = doc.three_costs
            cells += [amount(t.budget.total if t.disclosed and t.budget else None, doc),
                      amount(t.total if t.disclosed else None, doc)]
        else:
            cells += [Cell("未收录", numeric=True)] + [Cell("—", numeric=True)] * 6
        rows.append(TableRow(tuple(cells)))
    columns = (Column("年度"), Column("预算：支出合计", numeric=True), Column("决算：本年支出合计", numeric=True),
               Column("一般公共预算财政拨款：年初预算", numeric=True), Column("全年预算", numeric=True),
               Column("决算", numeric=True), Column("完成率", numeric=True), Column("“三公”经费：预算数", numeric=True),
               Column("“三公”经费：决算数", numeric=True))
    return make_table("budget-actual", "预算与决算", columns, rows, unit=f"单位：{unit}；“—”表示原文未列")


# ---------------------------------------------------------------------------
# Department-year pages


@dataclass(frozen=True)
class SourceView:
    title: str
    publisher: str
    date: str
    url: str  # only http(s) addresses become links
    address: str  # any other address as recorded, shown as text
    note: Markup
    file: DownloadLink | None = None  # the document itself, published beside the page (来源.文件)


@dataclass(frozen=True)
class YearView:
    path: str
    title: str
    crumb: str  # the last breadcrumb: the year, since the department precedes it
    heading: str
    document_title: str
    region: str
    department: str
    year: int
    unit_name: str
    code: str
    kind: str
    unit: str
    published: str
    breadcrumbs: tuple[Link, ...]
    siblings: tuple[Link, ...]  # every year of the department, this one included
    sections: tuple[SectionView, ...]
    other: Markup
    checks: tuple[CheckView, ...]
    failed_checks: int
    sources: tuple[SourceView, ...]
    completeness: CompletenessView | None = None  # 公开完整度 (completeness.py)
    downloads: tuple[DownloadLink, ...] = ()  # this department-year's open data (downloads.py)
    comparisons: tuple[Link, ...] = ()  # with the previous and the next year (comparison_pages)
    summary: YearSummary | None = None  # the answer first: key figures, changes, composition (summary.py)
    lines: str = ""  # the department's lines page: every budget line's history (lines.py)


def year_view(entry: Entry, dept: Department, checks: Sequence[Check], names: dict[tuple[str, ...], str],
              md: MarkdownRenderer, comparisons: Sequence[Link] = (), completeness: CompletenessView | None = None,
              downloads: Sequence[DownloadLink] = ()) -> YearView:
    doc = entry.model
    meta = doc.meta
    home = lines_path(entry.region_slugs, entry.department_slug)
    sections = tuple(section_view(doc, attr, title, anchor, md, home) for attr, title, anchor in SECTIONS)
    check_views = tuple(check_view(c, meta.unit) for c in checks)
    files = {d.target: d for d in downloads if d.kind == "source"}
    sources = tuple(SourceView(s.title, s.publisher or "", s.date.isoformat() if s.date else "",
                               s.url if s.url and s.url.startswith(("http://", "https://")) else "",
                               s.url if s.url and not s.url.startswith(("http://", "https://")) else "", md(s.note),
                               files.get(source_path(entry, s.file)) if s.file else None)
                    for s in meta.sources)
    crumbs = breadcrumbs(names, entry.region_slugs) + [Link(dept.name, dept.path)]
    return YearView(
        path=entry_path(entry), title=f"{meta.department} {year_label(doc)}", crumb=year_label(doc), heading=f"{meta.department} {meta.year}年部门{meta.kind}",
        document_title=meta.title or "", region=" ".join(meta.region.names),
        department=meta.department, year=meta.year, unit_name=meta.unit_name or "",
        code=meta.code or "", kind=meta.kind, unit=meta.unit, published=meta.published.isoformat() if meta.published else "",
        breadcrumbs=tuple(crumbs), siblings=tuple(Link(year_label(e.model), entry_path(e)) for e in dept.entries),
        sections=sections, other=md(doc.other), checks=check_views,
        failed_checks=sum(1 for c in check_views if not c.passed), sources=sources, comparisons=tuple(comparisons),
        completeness=completeness, downloads=tuple(d for d in downloads if d.kind != "source"), summary=year_summary(entry, dept.entries), lines=home,
    )


