"""Read-only views of the site's pages: what each template gets, with every figure formatted.

The derive stage: from the loaded department-years (and their checks) to one view per
page. Views hold site-relative targets (``hebei/…/2020/index.html``); the template's
``url()`` makes each one relative to the page it is printed on, so a view does not
depend on where it is shown. Templates do no arithmetic: totals, conversions and check
results are computed here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from markupsafe import Markup
from pypinyin import Style, lazy_pinyin

from . import routes
from .charts import Bar, Chart, bar_chart
from ..content.checks import Check
from ..content.load import Entry
from ..derive.downloads import source_path
from .fmt import convert, money, percent, plain
from ..content.final import derived_totals as final_totals, headline
from .final_views import rate_text
from .markup import MarkdownRenderer
from ..content.model import SECTIONS, DepartmentYear
from .sections import SectionView, section_view, term_anchor
from .lines import lines_path
from .summary import YearSummary, year_summary
from .tables import Cell, Column, Table, TableRow, make_table

if TYPE_CHECKING:
    from ..derive.completeness import CompletenessView
    from ..derive.downloads import DownloadLink



@dataclass(frozen=True)
class Link:
    text: str
    target: str  # site-relative path, with an optional #fragment
    note: str = ""


@dataclass(frozen=True)
class SiteView:
    """What every page shows of the site itself."""

    title: str
    description: str
    footer: Markup
    nav: tuple[Link, ...]
    search: str | None  # the search page's path once a later stage builds it


@dataclass(frozen=True)
class Department:
    """One department and its department-years, in year order."""

    region_slugs: tuple[str, ...]
    slug: str
    entries: tuple[Entry, ...]

    @property
    def name(self) -> str:
        return self.entries[-1].model.meta.department

    @property
    def path(self) -> str:
        return routes.department_path(self.region_slugs, self.slug)


def year_label(doc: DepartmentYear) -> str:
    return f"{doc.meta.year}年{doc.meta.kind}"


def entry_path(entry: Entry) -> str:
    return routes.year_path(entry.region_slugs, entry.department_slug, entry.stem)


def group_departments(entries: Sequence[Entry]) -> list[Department]:
    """Entries grouped by department folder, sorted by path; each department's years in order."""
    groups: dict[tuple[tuple[str, ...], str], list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[(entry.region_slugs, entry.department_slug)].append(entry)
    return [Department(slugs, slug, tuple(sorted(group, key=lambda e: (e.model.meta.year, e.model.meta.kind != "预算"))))
            for (slugs, slug), group in sorted(groups.items())]


def region_names(departments: Sequence[Department]) -> dict[tuple[str, ...], str]:
    """Each region folder's Chinese name, from the first file that names it."""
    names: dict[tuple[str, ...], str] = {}
    for dept in departments:
        for entry in dept.entries:
            for i, name in enumerate(entry.model.meta.region.names):
                names.setdefault(entry.region_slugs[: i + 1], name)
    return names


def breadcrumbs(names: dict[tuple[str, ...], str], slugs: tuple[str, ...]) -> list[Link]:
    crumbs = [Link("首页", routes.HOME)]
    crumbs += [Link(names[slugs[: i + 1]], routes.region_path(slugs[: i + 1])) for i in range(len(slugs))]
    return crumbs


# ---------------------------------------------------------------------------
# Region trees: home page and region pages


@dataclass(frozen=True)
class DepartmentItem:
    link: Link
    years: tuple[Link, ...]


TREE_LIMIT = 400
"""Above this many departments, a tree lists the regions below its first level, not their departments."""


@dataclass(frozen=True)
class RegionTree:
    link: Link
    departments: tuple[DepartmentItem, ...]
    children: tuple[RegionTree, ...]
    count: int  # department-years below
    size: int  # departments below


def region_trees(departments: Sequence[Department], names: dict[tuple[str, ...], str]) -> dict[tuple[str, ...], RegionTree]:
    """Every region's tree by its slugs (the root is ``()``), built once for all pages."""
    here: dict[tuple[str, ...], list[Department]] = defaultdict(list)
    below: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for d in departments:
        here[d.region_slugs].append(d)
        for i in range(len(d.region_slugs)):
            below[d.region_slugs[:i]].add(d.region_slugs[: i + 1])
    trees: dict[tuple[str, ...], RegionTree] = {}

    def make(slugs: tuple[str, ...]) -> RegionTree:
        kids = tuple(make(c) for c in sorted(below[slugs]))
        items = tuple(DepartmentItem(Link(d.name, d.path), tuple(Link(year_label(e.model), entry_path(e)) for e in d.entries))
                      for d in here[slugs])
        link = Link(names.get(slugs, "全部地区"), routes.region_path(slugs) if slugs else routes.HOME)
        trees[slugs] = RegionTree(link, items, kids, sum(len(d.entries) for d in here[slugs]) + sum(k.count for k in kids),
                                  len(items) + sum(k.size for k in kids))
        return trees[slugs]

    make(())
    return trees


def pruned(tree: RegionTree, depth: int) -> RegionTree:
    """``tree`` down to ``depth`` levels of regions; deeper regions show as a link and a count."""
    if depth == 0:
        return RegionTree(tree.link, (), (), tree.count, tree.size)
    return RegionTree(tree.link, tree.departments, tuple(pruned(c, depth - 1) for c in tree.children), tree.count, tree.size)


@dataclass(frozen=True)
class RegionView:
    path: str
    title: str
    breadcrumbs: tuple[Link, ...]
    tree: RegionTree


def region_view(slugs: tuple[str, ...], trees: dict[tuple[str, ...], RegionTree], names: dict[tuple[str, ...], str]) -> RegionView:
    full = " ".join(names[slugs[: i + 1]] for i in range(len(slugs)))
    tree = trees[slugs]
    return RegionView(routes.region_path(slugs), full, tuple(breadcrumbs(names, slugs[:-1])),
                      tree if tree.size <= TREE_LIMIT else pruned(tree, 1))


@dataclass(frozen=True)
class HomeView:
    path: str
    title: str
    breadcrumbs: tuple[Link, ...]
    regions: tuple[RegionTree, ...]
    latest: tuple[Link, ...]
    departments: int
    department_years: int


def home_view(departments: Sequence[Department], trees: dict[tuple[str, ...], RegionTree], site_title: str) -> HomeView:
    entries = [e for d in departments for e in d.entries]
    newest = sorted(entries, key=lambda e: (-e.model.meta.year, e.model.meta.published is None,
                                            -(e.model.meta.published.toordinal() if e.model.meta.published else 0),
                                            e.rel))[:10]
    latest = tuple(Link(f"{e.model.meta.department} {year_label(e.model)}", entry_path(e), " ".join(e.model.meta.region.names))
                   for e in newest)
    root = trees[()]
    regions = root.children if root.size <= TREE_LIMIT else tuple(pruned(t, 1) for t in root.children)
    return HomeView(routes.HOME, site_title, (), regions, latest, len(departments), len(entries))


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
    comparisons: tuple[Link, ...]  # every pre-built pair of years (compare_views)
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
class CheckView:
    title: str
    passed: bool
    statement: str  # "收入合计为 3,828,602.02 元，支出合计为 3,828,602.02 元"
    difference: str  # "相差 0.01 元"; empty when passed


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
    comparisons: tuple[Link, ...] = ()  # with the previous and the next year (compare_views)
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


def _last_digit(value: Decimal) -> Decimal:
    """One in the last decimal place ``value`` is written with (0.01 for 66.69)."""
    exponent = value.as_tuple().exponent
    return Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)


def check_view(check: Check, unit: str) -> CheckView:
    """A check in plain Chinese: "收入合计为 1,000.00 元，支出合计为 1,100.00 元", "相差 100.00 元"."""
    def show(value: Decimal) -> str:
        return percent(value) if check.measure == "percent" else str(money(value, unit))

    def subject(label: str) -> str:  # "基本支出 + 项目支出" is a sum: "基本支出 + 项目支出之和"
        return f"{label}之和" if " + " in label else label

    statement = f"{subject(check.left_label)}为 {show(check.left)}，{subject(check.right_label)}为 {show(check.right)}"
    gap = abs(check.difference)
    difference = "" if check.passed else (f"相差 {plain(gap)} 个百分点" if check.measure == "percent"
                                          else f"相差 {money(gap, unit)}")
    if not check.passed and check.measure == "percent" and gap == _last_digit(check.left):
        difference += "（相差一个尾数，可能源于舍入）"  # as the comparison pages say it
    return CheckView(check.title, check.passed, statement, difference)


# ---------------------------------------------------------------------------
# Site-wide glossary, about, 404

GLOSSARY_LINKS = 12  # department-years listed under one definition; the rest are counted


@dataclass(frozen=True)
class Definition:
    html: Markup
    used_by: tuple[Link, ...]
    more: int  # department-years using it beyond those listed
    diff: Markup = Markup("")  # near-identical to the term's first definition: its differences from it


@dataclass(frozen=True)
class GlossaryEntry:
    anchor: str
    term: str
    definitions: tuple[Definition, ...]
    letter: str = ""  # the initial of its 拼音, A–Z ("#" for a term that does not start with a letter or a character)


@dataclass(frozen=True)
class GlossaryPageView:
    path: str
    title: str
    breadcrumbs: tuple[Link, ...]
    entries: tuple[GlossaryEntry, ...]

    @property
    def letters(self) -> tuple[tuple[str, tuple[GlossaryEntry, ...]], ...]:
        """The entries by the initial of their 拼音, for the index."""
        groups: dict[str, list[GlossaryEntry]] = defaultdict(list)
        for e in self.entries:
            groups[e.letter].append(e)
        return tuple((letter, tuple(es)) for letter, es in groups.items())


NEAR = Decimal("0.2")  # two definitions whose differences are at most this share of the longer are near-identical


def _letters(term: str) -> str:
    """The term without its quotation marks and brackets: “三公”经费 is filed under S."""
    return "".join(c for c in term if c.isalnum())


def pinyin_key(term: str) -> tuple[tuple[str, ...], str]:
    """A term's place in 拼音 order: its syllables with tones (行政 xing2 zheng4), then the characters."""
    return tuple(lazy_pinyin(_letters(term), style=Style.TONE3, neutral_tone_with_five=True)), term


def _initial(term: str) -> str:
    letters = _letters(term)
    first = lazy_pinyin(letters[:2])[0][:1].upper() if letters else ""
    return first if "A" <= first <= "Z" else "#"


def glossary_page_view(departments: Sequence[Department], md: MarkdownRenderer) -> GlossaryPageView:
    """Every term of every disclosed 名词解释, in 拼音 order (pypinyin). A definition used by several
    documents is shown once with all of them; one that differs from the term's most used definition
    by a few characters is shown by its differences."""
    from .comparison_pages import diff_html  # compare_views imports this module
    from ..derive.textdiff import changed_chars, diff_text

    uses: dict[str, dict[str, list[Link]]] = defaultdict(lambda: defaultdict(list))
    for dept in departments:
        for e in dept.entries:
            glossary = e.model.glossary
            if not glossary.disclosed:
                continue
            for term, definition in glossary.terms.items():
                link = Link(f"{e.model.meta.department} {year_label(e.model)}", entry_path(e) + "#" + term_anchor(term))
                uses[term.strip()][definition.strip()].append(link)
    entries = []
    for term in sorted(uses, key=pinyin_key):
        definitions = sorted(uses[term].items(), key=lambda kv: (-len(kv[1]), kv[0]))
        first = definitions[0][0]
        shown = []
        for i, (text, links) in enumerate(definitions):
            diff = Markup("")
            if i:
                segments = diff_text(first, text)
                removed, added = changed_chars(segments)
                if max(removed, added) <= NEAR * max(len(first), len(text)):
                    diff = diff_html(segments)
            shown.append(Definition(md(text), tuple(links[:GLOSSARY_LINKS]), max(0, len(links) - GLOSSARY_LINKS), diff))
        entries.append(GlossaryEntry(term_anchor(term), term, tuple(shown), _initial(term)))
    return GlossaryPageView(routes.GLOSSARY, "名词解释", (Link("首页", routes.HOME),), tuple(entries))


@dataclass(frozen=True)
class AboutView:
    path: str
    title: str
    breadcrumbs: tuple[Link, ...]
    regions: tuple[Link, ...]  # provinces, with their count of department-years as the note
    departments: int
    department_years: int
    downloads: tuple[DownloadLink, ...] = ()  # the site's open data (downloads.py)


def about_view(departments: Sequence[Department], names: dict[tuple[str, ...], str],
               downloads: Sequence[DownloadLink] = ()) -> AboutView:
    counts: dict[tuple[str, ...], int] = defaultdict(int)
    for d in departments:
        counts[d.region_slugs[:1]] += len(d.entries)
    regions = tuple(Link(names[s], routes.region_path(s), f"{n} 个部门年度") for s, n in sorted(counts.items()))
    return AboutView(routes.ABOUT, "关于数据", (Link("首页", routes.HOME),), regions, len(departments),
                     sum(counts.values()), tuple(downloads))


@dataclass(frozen=True)
class NotFoundView:
    path: str
    title: str
    breadcrumbs: tuple[Link, ...]


def not_found_view() -> NotFoundView:
    return NotFoundView(routes.NOT_FOUND, "页面不存在", ())
