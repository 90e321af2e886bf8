"""The views of a comparison page's body: every part of a ``Comparison``, formatted, without HTML.

``comparison_body`` turns a comparison into frozen views (rows, groups, sentences) in which
every amount, change and sentence is worked out, so that templates do no arithmetic. How the
long tables are printed is not decided here: the default theme prints figure rows, stated
changes, indicator rows and text diffs through the filters of ``html.py`` (Python, for
speed), and a theme may print the same views itself (see ``html.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..content.blocks import STATUS_KEYS
from ..content.model import SECTIONS
from ..derive.comparison import (Comparison, FigureChange, IndicatorChange, ProjectChange, SectionChange, StatedChange,
                                 TextChange)
from ..derive.textdiff import Segment
from .fmt import grouped, with_cents


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
    """One amount in both years (in the comparison's unit), and its change."""

    key: str  # the figure's 键 in the JSON and CSV
    label: str
    unit: str  # the comparison's
    code: str
    level: int  # depth below the group's top rows, at most 4 (the indentation the theme has)
    renamed: str  # "2017年为“…”" when the older year names it differently
    old: Decimal | None
    new: Decimal | None
    old_missing: str  # what the empty side says: 未列出 / 未公开 / 无 / 未收录 / 未填数 (or the row's note)
    new_missing: str
    status: str  # added / removed / changed / unchanged / blank (CSS class)
    badge: str  # 新增 / 不再列出 / 本年未填数 …: never a change from zero
    verb: str  # 增加 / 减少 / 不变
    direction: str  # up / down / same (CSS class)
    delta: Decimal | None  # unsigned; the verb says which way; None when unchanged
    rate: str  # "下降 66.68%", "—"
    stated: tuple[StatedView, ...]
    recoded: str = ""  # 科目调整: "2017年编码 30311"


@dataclass(frozen=True)
class FigureGroup:
    id: str
    caption: str
    counts: str  # "17 项：15 项有变化，2 项新增"
    open: bool  # shown open; the long detail tables start folded
    figures: tuple[FigureRow, ...]  # the table's rows (the default theme prints them with html.figure_rows)


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
    indicators: tuple[IndicatorRow, ...]  # the changed ones
    unchanged_indicators: int


@dataclass(frozen=True)
class TextView:
    id: str
    label: str
    old_label: str
    status: str
    badge: str  # 新增 / 不再列出 / 有改动
    counts: str  # "删除 2 字，新增 1 字"
    segments: tuple[Segment, ...]  # the diff (the default theme prints it with html.diff)


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
    unmatched: tuple[StatedView, ...]  # stated changes tied to no figure
    projects: tuple[ProjectView, ...]
    unchanged_projects: tuple[str, ...]
    project_counts: str
    department_indicators: tuple[IndicatorRow, ...]  # the changed ones
    texts: tuple[TextGroup, ...]


_SECTION_BADGE = {"added": "新增公开", "removed": "不再公开", "changed": "公开情况变化"}
_ANCHORS = {name: anchor for _attr, name, anchor in SECTIONS}
_MONEY_SECTIONS = (("收支", "收支", "money-finance"), ("三公", "“三公”经费", "money-sangong"),
                   ("绩效", "绩效目标中的金额", "money-performance"), ("政府采购", "政府采购", "money-procurement"),
                   ("国有资产", "国有资产", "money-assets"))
_OPEN_GROUPS = frozenset({"收支总额", "支出功能分类", "机关运行经费", "“三公”经费", "政府采购", "国有资产", "项目"})
OPEN_ROWS = 12
"""A group of figures with more rows than this starts folded, unless it is one of the main ones."""

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
        unmatched=tuple(_stated(s, unit) for s in c.statements if s.figure is None),
        projects=shown, unchanged_projects=tuple(p.name for p in project_views if p.status == "unchanged"),
        project_counts=_project_counts(c.projects),
        department_indicators=tuple(_indicator(i) for i in c.department_indicators if i.status != "unchanged"),
        texts=_texts(c.texts))


def _section_row(s: SectionChange, old_page: str, new_page: str) -> SectionRow:
    anchor = _ANCHORS.get(s.name, "") if not s.parent else ""
    return SectionRow(s.name, s.parent or "", s.old, s.new, STATUS_KEYS[s.old], STATUS_KEYS[s.new],
                      f"{old_page}#{anchor}" if anchor and old_page else "",
                      f"{new_page}#{anchor}" if anchor and new_page else "",
                      _SECTION_BADGE.get(s.status, ""), s.status, s.sentence or "")


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
        key=f.key, label=f.label, unit=unit, code=f.code or "", level=min(f.level, 4), renamed=renamed,
        old=f.old, new=f.new,
        old_missing=_MISSING.get(f.old_absent, f.old_absent) if f.old is None else "",
        new_missing=_MISSING.get(f.new_absent, f.new_absent) if f.new is None else "",
        status=f.status, badge=_badge(f), verb=verb,
        direction={"增加": "up", "减少": "down"}.get(verb, "same"),
        delta=abs(f.delta) if f.delta else None, rate=_rate_text(f),
        stated=tuple(_stated(s, unit, f.label) for s in f.stated),
        recoded=f"科目调整：{c.older.year}年编码 {f.old_code}" if f.recoded else "")


def _stated(s: StatedChange, unit: str, label: str = "") -> StatedView:
    """``s`` as a sentence; its subject is named unless it is ``label``, the row it is printed under."""
    parts = [s.direction]
    if s.delta is not None:
        parts[0] += f" {grouped(with_cents(s.delta))} {unit}"
    if s.rate is not None:
        trend = {"增加": "增长", "减少": "下降"}.get(s.direction, "变化")
        parts.append(f"{trend} {grouped(s.rate)}%")
    if s.amount is not None:
        parts.append(f"本年 {grouped(with_cents(s.amount))} {unit}")
    if s.previous is not None:
        parts.append(f"上年 {grouped(with_cents(s.previous))} {unit}")
    subject = "" if s.subject == label else s.subject
    return StatedView(subject, "，".join(parts), s.reason or "", s.purpose or "", s.discrepancies)


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
            groups.append(FigureGroup(f"figures-{number}", caption, _counts(figures),
                                      group in _OPEN_GROUPS or len(figures) <= OPEN_ROWS,
                                      tuple(figure_row(f, c) for f in figures)))
        if groups:
            out.append(MoneySection(anchor, title, tuple(groups)))
    return tuple(out)


_INDICATOR_BADGE = {"added": "新增", "removed": "不再列出"}


def _indicator(i: IndicatorChange) -> IndicatorRow:
    levels = [x for x in (i.level1, i.level2, i.level3) if x]
    badge = _INDICATOR_BADGE.get(i.status) or ("指标值变化" if i.target_changed else "、".join(i.changed) + "变化")
    return IndicatorRow(levels[-1], " › ".join(levels[:-1]), i.status, badge, i.old_target or "", i.new_target or "")


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
                       figure_row(p.budget, c) if p.budget is not None else None, tuple(changed),
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
                              t.segments))
    return tuple(TextGroup(f"texts-{i}", title, tuple(items), tuple(unchanged))
                 for i, (title, (items, unchanged)) in enumerate(groups.items(), 1))


