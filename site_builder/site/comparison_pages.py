"""Comparison pages: what changed in a department from one of its years to another, as views.

Each pair of years that ``compare.pairs`` pre-builds (every pair up to 12 years of a kind,
consecutive ones beyond) gets a page at ``<department>/compare/<older>-<newer>/index.html``
with its data beside it, ``comparison.json`` and ``comparison.csv``. Department pages list
every pair, department-year pages link to the comparisons with the previous and the next
year, and each comparison page lists the department's other pairs: the site stays static.

Memory bounds the design. A comparison of two large documents holds about 130 KiB of
objects and a large site has tens of thousands of pairs, while the build plans every page
before it renders the first. So the view planned for a pair (``ComparisonPage``) holds only
titles and links; the comparison itself is computed when the page or one of its downloads
is rendered, and only the last few are kept (``_Recent``): in path order, a pair's CSV, JSON
and page are rendered one after the other, so each pair is compared once.

As everywhere, templates do no arithmetic: every amount, change and sentence is formatted
here, in the comparison's unit, through ``fmt``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from markupsafe import Markup, escape

from . import routes
from ..derive.compare import Derived, Pair, compare, pairs
from ..derive.comparison import (Comparison, FigureChange, IndicatorChange, ProjectChange, SectionChange, StatedChange,
                         TextChange, comparison_csv, comparison_json)
from ..content.load import Entry
from .fmt import grouped, money, plain
from ..content.model import SECTIONS
from ..derive.textdiff import Segment
from .views import Department, Link, breadcrumbs, entry_path, year_label

PAGE_TEMPLATE = "comparison.html"
DATA_FILES = (("comparison.csv", "data/comparison.csv"), ("comparison.json", "data/comparison.json"))
"""The downloads beside each comparison page: (file name, template that prints it)."""


# ---------------------------------------------------------------------------
# Which pairs, and the links between them


@dataclass(frozen=True)
class PairGroup:
    """The pairs of one older year, for the selector: ``2017年预算 与：2018年预算 · 2019年预算``."""

    label: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class DepartmentContext:
    """What every comparison page of a department shows of the department."""

    department: str
    region: str
    breadcrumbs: tuple[Link, ...]
    selector: tuple[PairGroup, ...]
    all_pairs: str  # the department page's list of comparisons


@dataclass(frozen=True)
class DepartmentComparisons:
    """A department's pre-built pairs, and the links to them from its pages."""

    pairs: tuple[Pair[Entry], ...]
    links: tuple[Link, ...]  # every pair, for the department page
    context: DepartmentContext
    nearby: dict[str, tuple[Link, ...]] = field(default_factory=dict)  # year page path → its links

    def around(self, entry: Entry) -> tuple[Link, ...]:
        """The links of a department-year page: to its comparisons with the previous and the next year."""
        return self.nearby.get(entry_path(entry), ())


def pair_path(pair: Pair[Entry], name: str = routes.HOME) -> str:
    """Where the page (or, with ``name``, a download) of ``pair`` goes."""
    return routes.compare_path(pair.older.region_slugs, pair.older.department_slug, pair.older.stem,
                               pair.newer.stem, name)


def comparison_files(pair: Pair[Entry]) -> tuple[tuple[str, str], ...]:
    """(path, template) of the page of ``pair`` and of its downloads."""
    return ((pair_path(pair), PAGE_TEMPLATE),) + tuple((pair_path(pair, name), template)
                                                        for name, template in DATA_FILES)


def department_comparisons(dept: Department, names: dict[tuple[str, ...], str]) -> DepartmentComparisons:
    """The pairs of ``dept`` that the site pre-builds (``compare.pairs``' defaults) and their links."""
    found = tuple(pairs(dept.entries))
    links = tuple(Link(f"{year_label(p.older.model)} → {year_label(p.newer.model)}", pair_path(p),
                       "预算与决算" if p.kind == "budget-final" else "相邻年度" if p.consecutive else "") for p in found)
    groups: dict[str, list[Link]] = {}
    for p in found:
        groups.setdefault(year_label(p.older.model), []).append(Link(year_label(p.newer.model), pair_path(p)))
    nearby: dict[str, list[Link]] = {}
    for p in found:
        if p.consecutive:
            nearby.setdefault(entry_path(p.newer), []).append(Link(f"与{year_label(p.older.model)}比较", pair_path(p)))
            nearby.setdefault(entry_path(p.older), []).append(Link(f"与{year_label(p.newer.model)}比较", pair_path(p)))
    every = routes.department_path(dept.region_slugs, dept.slug) + "#compare-title"
    for around in nearby.values():
        if len(found) > len(around):
            around.append(Link("全部年度比较", every))
    crumbs = tuple(breadcrumbs(names, dept.region_slugs)) + (Link(dept.name, dept.path),)
    region = " ".join(dept.entries[-1].model.meta.region.names)
    context = DepartmentContext(dept.name, region, crumbs,
                                tuple(PairGroup(label, tuple(ls)) for label, ls in groups.items()), every)
    return DepartmentComparisons(found, links, context, {k: tuple(v) for k, v in nearby.items()})


# ---------------------------------------------------------------------------
# The page as planned: light, with the comparison computed when it is rendered


@dataclass(frozen=True)
class Download:
    text: str  # JSON / CSV
    target: str
    type: str  # its media type
    note: str


class _Recent:
    """The last few comparisons, by the identity of their two entries (see the module docstring)."""

    SIZE = 4

    def __init__(self) -> None:
        self._items: list[tuple[Entry, Entry, Comparison]] = []
        self._lock = threading.Lock()
        self._derived = Derived()  # what the comparisons share of the years they have in common

    def get(self, older: Entry, newer: Entry) -> Comparison:
        with self._lock:
            for a, b, c in self._items:
                if a is older and b is newer:
                    return c
        c = compare(older, newer, derived=self._derived)
        with self._lock:
            self._items = [(older, newer, c), *self._items[: self.SIZE - 1]]
        return c


_recent = _Recent()


@dataclass(frozen=True)
class ComparisonPage:
    """A comparison page as planned; ``body``, ``json_text`` and ``csv_text`` are computed when read."""

    path: str
    title: str
    crumb: str
    heading: str
    region: str
    breadcrumbs: tuple[Link, ...]
    older: Link
    newer: Link
    consecutive: bool
    selector: tuple[PairGroup, ...]
    all_pairs: str
    downloads: tuple[Download, ...]
    pair: Pair[Entry]

    @property
    def comparison(self) -> Comparison:
        return _recent.get(self.pair.older, self.pair.newer)

    @property
    def body(self) -> ComparisonBody:
        return comparison_body(self.comparison, self.older.target, self.newer.target)

    @property
    def department(self) -> str:
        return self.pair.newer.model.meta.department

    @property
    def years(self) -> tuple[int, int]:
        return (self.pair.older.model.meta.year, self.pair.newer.model.meta.year)

    @property
    def kind(self) -> str:
        return self.pair.newer.model.meta.kind

    @property
    def json_text(self) -> Markup:
        """The comparison as JSON (Markup only so that the template prints it as it is)."""
        return Markup(comparison_json(self.comparison))

    @property
    def csv_text(self) -> Markup:
        return Markup(comparison_csv(self.comparison))


def comparison_page(pair: Pair[Entry], context: DepartmentContext) -> ComparisonPage:
    """The page of ``pair`` (a pair of ``department_comparisons``), as planned."""
    old, new = year_label(pair.older.model), year_label(pair.newer.model)
    return ComparisonPage(
        path=pair_path(pair), title=f"{context.department} {old}与{new}比较", crumb=f"{old} → {new}",
        heading=f"{context.department}：{old}与{new}比较", region=context.region, breadcrumbs=context.breadcrumbs,
        older=Link(old, entry_path(pair.older)), newer=Link(new, entry_path(pair.newer)), consecutive=pair.consecutive,
        selector=context.selector, all_pairs=context.all_pairs,
        downloads=(Download("JSON", pair_path(pair, "comparison.json"), "application/json",
                            "全部比较数据：数字、项目、指标、文字与公开情况，金额为精确的十进制字符串"),
                   Download("CSV", pair_path(pair, "comparison.csv"), "text/csv",
                            "每个数字一行，含两年数额、增减与文件所述的变化；UTF-8 编码，可用 Excel 打开")),
        pair=pair)


# ---------------------------------------------------------------------------
# The page's body: every part of the comparison, formatted


@dataclass(frozen=True)
class SectionRow:
    """A section (or a part of one) and its disclosure in each year."""

    name: str
    parent: str
    old: str  # 已公开 / 无 / 未公开 / 未收录
    new: str
    old_state: str  # disclosed / none / undisclosed / uncollected (the badge's class, as on the year pages)
    new_state: str
    old_link: str  # the section on the year page; empty for a part
    new_link: str
    badge: str  # 新增公开 / 不再公开 / 公开情况变化; empty when unchanged
    status: str
    sentence: str


@dataclass(frozen=True)
class StatedView:
    """A change as the newer document states it (比上年), beside the computed one."""

    subject: str
    text: str  # "减少 2,233.13 万元，下降 66.69%"
    reason: str
    purpose: str
    discrepancies: tuple[str, ...]


@dataclass(frozen=True)
class FigureRow:
    """One amount in both years, and its change; amounts as ``<data>`` elements (``amount_html``)."""

    key: str  # the figure's 键 in the JSON and CSV
    label: str
    code: str
    level: int  # depth below the group's top rows, at most 4 (the indentation the theme has)
    renamed: str  # "2017年为“…”" when the older year names it differently
    old: Markup | None
    new: Markup | None
    old_missing: str  # what the empty side says: 未列出 / 未公开 / 无 / 未收录 / 未填数 (or the row's note)
    new_missing: str
    status: str  # added / removed / changed / unchanged / blank (CSS class)
    badge: str  # 新增 / 不再列出 / 本年未填数 …: never a change from zero
    verb: str  # 增加 / 减少 / 不变
    direction: str  # up / down / same (CSS class)
    delta: Markup | None  # unsigned; the verb says which way
    rate: str  # "下降 66.68%", "—"
    stated: tuple[StatedView, ...]
    recoded: str = ""  # 科目调整: "2017年编码 30311"


@dataclass(frozen=True)
class FigureGroup:
    id: str
    caption: str
    counts: str  # "17 项：15 项有变化，2 项新增"
    open: bool  # shown open; the long detail tables start folded
    rows: Markup  # the table's body: each figure_row as figure_row_html prints it


@dataclass(frozen=True)
class MoneySection:
    id: str
    title: str
    groups: tuple[FigureGroup, ...]


@dataclass(frozen=True)
class IndicatorRow:
    name: str  # its 三级 name (or the deepest it has): 示例完成率
    path: str  # the levels above it: 产出指标 › 数量指标
    status: str
    badge: str  # 新增 / 不再列出 / 指标值变化 / 描述变化 …
    old_target: str
    new_target: str


@dataclass(frozen=True)
class ProjectView:
    id: str
    name: str
    code: str
    status: str
    badge: str  # 新增 / 不再列出 / 更名 / 有变化 / 无变化
    notes: tuple[str, ...]  # renamed, recoded, how it was matched
    budget: FigureRow | None
    indicators: Markup  # the changed ones, as indicator_rows_html prints them; empty when none
    unchanged_indicators: int


@dataclass(frozen=True)
class TextView:
    id: str
    label: str
    old_label: str
    status: str
    badge: str  # 新增 / 不再列出 / 有改动
    counts: str  # "删除 2 字，新增 1 字"
    html: Markup  # the diff: <del>, <ins>, folded runs in <details>


@dataclass(frozen=True)
class TextGroup:
    id: str
    title: str
    items: tuple[TextView, ...]  # texts that changed, were added or removed
    unchanged: tuple[str, ...]  # labels of the texts that are the same in both years


@dataclass(frozen=True)
class ComparisonBody:
    unit: str
    old_label: str  # 2017年预算
    new_label: str
    old_column: str  # a column's heading: 2017年, or 2017年预算 when the two kinds differ
    new_column: str
    notes: tuple[str, ...]
    summary: tuple[str, ...]
    sections: tuple[SectionRow, ...]  # all seven
    parts: tuple[SectionRow, ...]  # parts of sections disclosed in one year only
    called_out: int
    money: tuple[MoneySection, ...]
    figure_counts: str
    unmatched: tuple[Markup, ...]  # stated changes tied to no figure, each as stated_html prints it
    projects: tuple[ProjectView, ...]
    unchanged_projects: tuple[str, ...]
    project_counts: str
    department_indicators: Markup  # the changed ones, as indicator_rows_html prints them; empty when none
    texts: tuple[TextGroup, ...]


_STATE = {"已公开": "disclosed", "无": "none", "未公开": "undisclosed", "未收录": "uncollected"}
_SECTION_BADGE = {"added": "新增公开", "removed": "不再公开", "changed": "公开情况变化"}
_ANCHORS = {name: anchor for _attr, name, anchor in SECTIONS}
_MONEY_SECTIONS = (("收支", "收支", "money-finance"), ("三公", "“三公”经费", "money-sangong"),
                   ("绩效", "绩效目标中的金额", "money-performance"), ("政府采购", "政府采购", "money-procurement"),
                   ("国有资产", "国有资产", "money-assets"))
_OPEN_GROUPS = frozenset({"收支总额", "支出功能分类", "机关运行经费", "“三公”经费", "政府采购", "国有资产", "项目"})
OPEN_ROWS = 12
"""A group of figures with more rows than this starts folded, unless it is one of the main ones."""

_CENT = Decimal("0.01")


def comparison_body(c: Comparison, old_page: str, new_page: str) -> ComparisonBody:
    """Everything the comparison page prints of ``c``; ``old_page``/``new_page`` are the year pages."""
    unit = c.unit
    sections = tuple(_section_row(s, old_page, new_page) for s in c.sections)
    parts = tuple(_section_row(s, "", "") for s in c.parts)
    money_sections = _money(c)
    figures = c.figures
    changed = sum(1 for f in figures if f.status != "unchanged")
    project_views = [_project(p, c, i) for i, p in enumerate(c.projects, 1)]
    shown = tuple(p for p in project_views if p.status != "unchanged")
    same_kind = c.older.kind == c.newer.kind
    return ComparisonBody(
        unit=unit, old_label=c.older.label, new_label=c.newer.label,
        old_column=f"{c.older.year}年" if same_kind else c.older.label,
        new_column=f"{c.newer.year}年" if same_kind else c.newer.label, notes=c.notes, summary=c.summary,
        sections=sections, parts=parts, called_out=sum(1 for s in sections + parts if s.status != "unchanged"),
        money=money_sections, figure_counts=f"共 {len(figures)} 个可比较的数字，{changed} 个有变化。",
        unmatched=tuple(stated_html((_stated(s, unit),), c.newer.label) for s in c.statements if s.figure is None),
        projects=shown, unchanged_projects=tuple(p.name for p in project_views if p.status == "unchanged"),
        project_counts=_project_counts(c.projects),
        department_indicators=indicator_rows_html(
            [_indicator(i) for i in c.department_indicators if i.status != "unchanged"]),
        texts=_texts(c.texts))


def _section_row(s: SectionChange, old_page: str, new_page: str) -> SectionRow:
    anchor = _ANCHORS.get(s.name, "") if not s.parent else ""
    return SectionRow(s.name, s.parent or "", s.old, s.new, _STATE[s.old], _STATE[s.new],
                      f"{old_page}#{anchor}" if anchor and old_page else "",
                      f"{new_page}#{anchor}" if anchor and new_page else "",
                      _SECTION_BADGE.get(s.status, ""), s.status, s.sentence or "")


def _cents(value: Decimal) -> Decimal:
    """``value`` with at least two decimals, so that a column lines up; exact (only zeros are added)."""
    exponent = value.as_tuple().exponent
    return value.quantize(_CENT) if isinstance(exponent, int) and exponent > -2 else value


_AMOUNTS: dict[tuple[str, str], str] = {}  # (plain digits, unit) → amount_html
_AMOUNTS_SIZE = 4096


def amount_html(value: Decimal, unit: str) -> str:
    """An amount as a page prints it: grouped digits, the exact value, and both units in its title.

    Each amount of a year is printed in every comparison of that year, and the comparisons of
    a department are rendered one after the other: the last few thousand are kept. Plain
    digits tell apart what prints differently (1.5 and 1.50, not 500 and 5E+2, which do not).
    """
    key = (plain(value), unit)
    html = _AMOUNTS.get(key)
    if html is None:
        if len(_AMOUNTS) >= _AMOUNTS_SIZE:
            _AMOUNTS.clear()
        m = money(_cents(value), unit)  # digits, commas and the unit's name: nothing to escape
        html = _AMOUNTS[key] = f'<data value="{m.value}" title="{m.text} {m.unit}，合 {m.other}">{m.text}</data>'
    return html


def _amount_of(value: Decimal | None, unit: str) -> Markup | None:
    return None if value is None else Markup(amount_html(value, unit))


def _rate_text(f: FigureChange) -> str:
    if f.delta is None or f.delta == 0:
        return "—"
    if f.percent is None:
        return "—（原数为 0）"
    return f"{'增长' if f.delta > 0 else '下降'} {grouped(abs(f.percent))}%"


_MISSING = {"": "未列出", "公开为无": "无"}
"""What an empty cell says, by the side's ``absent``: 未列出 (not in that year's document), 无
(its section disclosed as none); 未公开, 未收录, 未填数 or the row's note as they are."""


def _badge(f: FigureChange) -> str:
    if f.status == "blank":
        return f.direction
    return {"added": "新增", "removed": "不再列出"}.get(f.status, "")


def figure_row(f: FigureChange, c: Comparison) -> FigureRow:
    """One figure of ``c`` as a table row."""
    unit = c.unit
    verb = "" if f.delta is None else "增加" if f.delta > 0 else "减少" if f.delta < 0 else "不变"
    renamed = f"{c.older.year}年为“{f.old_label}”" if f.old_label else ""
    return FigureRow(
        key=f.key, label=f.label, code=f.code or "", level=min(f.level, 4), renamed=renamed,
        old=_amount_of(f.old, unit), new=_amount_of(f.new, unit),
        old_missing=_MISSING.get(f.old_absent, f.old_absent) if f.old is None else "",
        new_missing=_MISSING.get(f.new_absent, f.new_absent) if f.new is None else "",
        status=f.status, badge=_badge(f), verb=verb,
        direction={"增加": "up", "减少": "down"}.get(verb, "same"),
        delta=_amount_of(abs(f.delta), unit) if f.delta else None, rate=_rate_text(f),
        stated=tuple(_stated(s, unit, f.label) for s in f.stated),
        recoded=f"科目调整：{c.older.year}年编码 {f.old_code}" if f.recoded else "")


def _stated(s: StatedChange, unit: str, label: str = "") -> StatedView:
    """``s`` as a sentence; its subject is named unless it is ``label``, the row it is printed under."""
    parts = [s.direction]
    if s.delta is not None:
        parts[0] += f" {grouped(_cents(s.delta))} {unit}"
    if s.rate is not None:
        trend = {"增加": "增长", "减少": "下降"}.get(s.direction, "变化")
        parts.append(f"{trend} {grouped(s.rate)}%")
    if s.amount is not None:
        parts.append(f"本年 {grouped(_cents(s.amount))} {unit}")
    if s.previous is not None:
        parts.append(f"上年 {grouped(_cents(s.previous))} {unit}")
    subject = "" if s.subject == label else s.subject
    return StatedView(subject, "，".join(parts), s.reason or "", s.purpose or "", s.discrepancies)


def figure_row_html(r: FigureRow, year: str) -> str:
    """The table row of ``r``, and below it the changes the newer document (of ``year``) states.

    Rows are printed here rather than by the template: figure tables are most of a comparison
    page, and a Jinja loop over their cells took longer than computing the comparison.
    """
    level = f' class="level-{r.level}"' if r.level else ""
    renamed = f'<span class="renamed">{escape(r.renamed)}</span>' if r.renamed else ""
    if r.recoded:
        renamed += f'<span class="renamed recoded"><span class="badge badge-recoded">科目调整</span> {escape(r.recoded)}</span>'
    old_missing, new_missing = escape(r.old_missing), escape(r.new_missing)
    old = r.old or f'<span class="missing">{old_missing}</span>'
    new = r.new or f'<span class="missing">{new_missing}</span>'
    if r.badge:
        change = f'<span class="badge badge-{r.status}">{escape(r.badge)}</span>'
    elif r.delta:
        change = (f'<span class="change change-{r.direction}">{r.verb} {r.delta}</span>'
                  f'<br><span class="rate">{r.rate}</span>')
    else:
        change = '<span class="change">不变</span>'
    row = (f'<tr class="figure figure-{r.status}" data-key="{escape(r.key)}">\n'
           f'<th scope="row"{level}>{escape(r.label)}{renamed}</th>\n'
           f'<td class="num">{old}</td>\n<td class="num">{new}</td>\n<td class="num">{change}</td>\n</tr>\n')
    if r.stated:
        row += f'<tr class="stated-row"><td colspan="4">{stated_html(r.stated, year)}</td></tr>\n'
    return row


def stated_html(stated: Sequence[StatedView], year: str) -> Markup:
    """Changes as the document of ``year`` states them, each a paragraph, then its discrepancies."""
    out = []
    for s in stated:
        subject = f"“{escape(s.subject)}”" if s.subject else ""
        purpose = f"用途：{escape(s.purpose)}" if s.purpose else ""
        reason = f"原因：{escape(s.reason)}" if s.reason else ""
        out.append(f'<p class="stated"><span class="stated-label">{escape(year)}文件所述</span>{subject}：'
                   f'{escape(s.text)}。{purpose}{reason}</p>\n')
        out += [f'<p class="discrepancy"><span class="badge badge-fail">核对</span> {escape(d)}</p>\n'
                for d in s.discrepancies]
    return Markup("".join(out))


def _counts(rows: Sequence[FigureChange]) -> str:
    changed = sum(1 for f in rows if f.status == "changed")
    added = sum(1 for f in rows if f.status == "added")
    removed = sum(1 for f in rows if f.status == "removed")
    blank = sum(1 for f in rows if f.status == "blank")
    recoded = sum(1 for f in rows if f.recoded)
    parts = [f"{n} 项{word}" for n, word in ((changed, "有变化"), (added, "新增"), (removed, "不再列出"),
                                            (blank, "一年未填数"), (recoded, "科目调整")) if n]
    return f"{len(rows)} 项" + ("：" + "，".join(parts) if parts else "，均无变化")


def _money(c: Comparison) -> tuple[MoneySection, ...]:
    by_section: dict[str, list[tuple[str, list[FigureChange]]]] = {}
    for group, figures in c.groups():
        by_section.setdefault(figures[0].section, []).append((group, figures))
    out = []
    number = 0
    for key, title, anchor in _MONEY_SECTIONS:
        groups = []
        for group, figures in by_section.get(key, []):
            number += 1
            caption = "项目预算" if group == "项目" else group
            rows = "".join(figure_row_html(figure_row(f, c), c.newer.label) for f in figures)
            groups.append(FigureGroup(f"figures-{number}", caption, _counts(figures),
                                      group in _OPEN_GROUPS or len(figures) <= OPEN_ROWS, Markup(rows)))
        if groups:
            out.append(MoneySection(anchor, title, tuple(groups)))
    return tuple(out)


_INDICATOR_BADGE = {"added": "新增", "removed": "不再列出"}


def _indicator(i: IndicatorChange) -> IndicatorRow:
    levels = [x for x in (i.level1, i.level2, i.level3) if x]
    badge = _INDICATOR_BADGE.get(i.status) or ("指标值变化" if i.target_changed else "、".join(i.changed) + "变化")
    return IndicatorRow(levels[-1], " › ".join(levels[:-1]), i.status, badge, i.old_target or "", i.new_target or "")


def indicator_rows_html(rows: Sequence[IndicatorRow]) -> Markup:
    """The body of an indicator table (printed here, as figure tables' are: see figure_row_html)."""
    out = []
    for i in rows:
        path = f'<span class="renamed">{escape(i.path)}</span>' if i.path else ""
        out.append(f'<tr class="indicator-{i.status}"><th scope="row">{escape(i.name)}{path} '
                   f'<span class="badge badge-{i.status}">{escape(i.badge)}</span></th>'
                   f'<td>{escape(i.old_target or "—")}</td><td>{escape(i.new_target or "—")}</td></tr>\n')
    return Markup("".join(out))


def _project(p: ProjectChange, c: Comparison, number: int) -> ProjectView:
    notes = []
    if p.renamed:
        notes.append(f"{c.older.year}年名为“{p.old_name}”，{c.newer.year}年更名为“{p.new_name}”"
                     f"（按项目{p.matched_by}对应）。")
    if p.recoded:
        notes.append(f"项目编码由 {p.old_code or '（无）'} 改为 {p.new_code or '（无）'}（按项目{p.matched_by}对应）。")
    if p.status == "added":
        notes.append(f"{c.older.year}年没有这一项目。")
    elif p.status == "removed":
        notes.append(f"{c.newer.year}年不再列出这一项目。")
    if p.status in ("added", "removed"):
        badge = _INDICATOR_BADGE[p.status]
    else:
        badge = "更名" if p.renamed else "有变化" if p.status == "changed" else "无变化"
    changed = [_indicator(i) for i in p.indicators if i.status != "unchanged"]
    return ProjectView(f"project-{number}", p.name, p.new_code or p.old_code or "", p.status, badge, tuple(notes),
                       figure_row(p.budget, c) if p.budget is not None else None, indicator_rows_html(changed),
                       len(p.indicators) - len(changed))


def _project_counts(projects: Sequence[ProjectChange]) -> str:
    if not projects:
        return ""
    counts = [(sum(1 for p in projects if p.status == s), word) for s, word in
              (("added", "新增"), ("removed", "不再列出"), ("changed", "有变化"), ("unchanged", "无变化"))]
    renamed = sum(1 for p in projects if p.renamed)
    text = "，".join(f"{n} 个{word}" for n, word in counts if n)
    return f"共 {len(projects)} 个项目：{text}" + (f"（其中 {renamed} 个更名）" if renamed else "") + "。"


def _texts(texts: Sequence[TextChange]) -> tuple[TextGroup, ...]:
    groups: dict[str, tuple[list[TextView], list[str]]] = {}
    number = 0
    for t in texts:
        items, unchanged = groups.setdefault(t.group, ([], []))
        if t.status == "unchanged":
            unchanged.append(t.label)
            continue
        number += 1
        counts = "，".join(f"{word} {n} 字" for word, n in (("删除", t.deleted), ("新增", t.inserted)) if n)
        badge = {"added": "新增", "removed": "不再列出"}.get(t.status, "有改动")
        items.append(TextView(f"text-{number}", t.label, t.old_label or "", t.status, badge, counts,
                              diff_html(t.segments)))
    return tuple(TextGroup(f"texts-{i}", title, tuple(items), tuple(unchanged))
                 for i, (title, (items, unchanged)) in enumerate(groups.items(), 1))


def diff_html(segments: Sequence[Segment]) -> Markup:
    """The segments as HTML: <del> and <ins> that say what they are to a screen reader too (not by
    colour alone), and each folded run of unchanged text in a <details> that shows it on demand."""
    out: list[str] = []
    for s in segments:
        text = escape(s.text)
        if s.op == "delete":
            out.append(f'<del><span class="visually-hidden">［删除：</span>{text}'
                       f'<span class="visually-hidden">］</span></del>')
        elif s.op == "insert":
            out.append(f'<ins><span class="visually-hidden">［新增：</span>{text}'
                       f'<span class="visually-hidden">］</span></ins>')
        elif s.folded:
            out.append(f'<details class="fold"><summary>…… 未改动的 {len(s.text)} 字（展开）</summary>'
                       f'<span class="fold-text">{text}</span></details>')
        else:
            out.append(str(text))
    return Markup("".join(out))
