"""What changed in a department from one department-year to another: the computation.

``compare(older, newer)`` returns a ``Comparison`` (see ``comparison.py``), a frozen tree
ready to print, so that templates do no arithmetic:

- ``figures``: every comparable amount side by side (totals and their parts, 基本/项目,
  rows of the classification tables matched by code, 机关运行经费, each 三公 item, 政府采购,
  国有资产, each project's budget), in one unit, with the change in amount and percent;
- ``projects``: performance tables matched by project code, then by name, with their
  indicators matched by (一级, 二级, 三级);
- ``texts``: duties, goals, measures, tasks and glossary definitions as character diffs;
- ``sections`` and ``parts``: what was disclosed in one year and not in the other;
- ``statements``: the newer document's own 比上年 (stated change and reason), each tied to
  the figure it describes and checked against the two years' figures;
- ``summary``: the few biggest changes as plain Chinese sentences.

``pairs`` lists the pairs of years of one department that the site pre-builds.

Money is exact: each year's amounts are converted to the comparison's unit by moving the
decimal point (万元 when either year uses 万元, else 元), never through a float. A figure
present in one year only is ``added`` or ``removed``, never a change from zero; a row printed
in both years with its cell empty in one is ``blank`` (未填数); the side without a figure says
why (``old_absent``/``new_absent``: not listed, or the section 未公开, 公开为无 or 未收录).

Names are matched after Unicode NFKC and with whitespace removed (全角 and 半角 brackets are
one name), headings also without their numbering (（三） and 三、); they are shown as printed.
Renumbered rows (科目调整) compare as one: a row's ``上年编码``, or the site's crosswalk.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Generic, TypeVar

from ..content.checks import parent_code
from .comparison import (Comparison, FigureChange, IndicatorChange, ProjectChange, SectionChange, StatedChange, Status,
                         TextChange, YearInfo, comparison_csv, comparison_json)
from ..content.load import Entry
from ..content.crosswalk import Crosswalk, crosswalk_for
from ..site.fmt import grouped
from ..site.fmt import percent as percent_text
from ..content import final as fin
from ..content.model import (SECTIONS, UNIT_FACTORS, Change, ClassTable, DepartmentYear, FinalAccounts, Indicator, Project, Row,
                    TitledText, Totals)
from .textdiff import Segment, changed_chars, diff_text

__all__ = ["compare", "pairs", "Pair", "by_department", "department_key", "change_percent", "figure_sentence",
           "Comparison", "FigureChange", "IndicatorChange", "ProjectChange", "SectionChange", "StatedChange",
           "TextChange", "YearInfo", "comparison_json", "comparison_csv"]

Document = Entry | DepartmentYear
V = TypeVar("V")

PERCENT_QUANTUM = Decimal("0.01")
"""Computed percentages are rounded half up to two decimals, as the documents print them."""

SUMMARY_SIZE = 5
ALL_PAIRS_MAX_YEARS = 12
"""``pairs`` pre-builds every pair up to this many years of one kind, else consecutive ones only."""


# ---------------------------------------------------------------------------
# compare


def compare(older: Document, newer: Document, *, crosswalk: Crosswalk | None = None) -> Comparison:
    """Compare two department-years (usually of one department and kind, older first).

    ``crosswalk``: the renumbered codes to follow; by default the one of the site the newer
    entry belongs to (``crosswalk.yaml`` beside its ``content/``), none for a bare model.
    """
    old, new = _doc(older), _doc(newer)
    if crosswalk is None:
        crosswalk = crosswalk_for(newer.path) if isinstance(newer, Entry) else Crosswalk()
    unit = "万元" if "万元" in (old.meta.unit, new.meta.unit) else "元"
    old_info, new_info = _info(older), _info(newer)
    sections, parts = _sections(old, new, old_info, new_info)
    states = {(s.key, side): getattr(doc, s.key).status for s in sections
              for side, doc in (("old", old), ("new", new))}
    projects, project_figures = _projects(old, new, unit, states)
    figures = _figures(old, new, unit, states, crosswalk) + project_figures
    # The newer document's 比上年 is against the year before it: it describes this
    # comparison only when the older year is that year.
    adjacent = new.meta.year == old.meta.year + 1 and new.meta.kind == old.meta.kind
    statements, figures = _statements(new, figures, unit, old_info) if adjacent else ([], figures)
    texts = _texts(old, new)
    department_indicators = _indicators(
        old.performance.department_table.indicators if old.performance.department_table else [],
        new.performance.department_table.indicators if new.performance.department_table else [])
    notes = _notes(old_info, new_info, unit)
    comparison = Comparison(new.meta.department, old_info, new_info, unit, notes, (), tuple(sections), tuple(parts),
                            tuple(figures), tuple(projects), tuple(department_indicators), tuple(texts),
                            tuple(statements))
    return _with_summary(comparison)


def _doc(x: Document) -> DepartmentYear:
    return x.model if isinstance(x, Entry) else x


def _info(x: Document) -> YearInfo:
    meta = _doc(x).meta
    return YearInfo(meta.year, meta.kind, meta.unit, meta.department, meta.title,
                    x.rel if isinstance(x, Entry) else None)


def _notes(old: YearInfo, new: YearInfo, unit: str) -> tuple[str, ...]:
    notes = []
    if old.unit != new.unit:
        notes.append(f"两年的金额单位不同（{old.year}年为{old.unit}，{new.year}年为{new.unit}），"
                     f"均已按 1 万元 = 10,000 元 精确换算为{unit}。")
    if old.kind != new.kind:
        notes.append(f"比较的是{old.year}年{old.kind}与{new.year}年{new.kind}，二者口径不同。")
    if new.year != old.year + 1 and new.year > old.year:
        notes.append(f"{new.year}年文件所述“比上年”的变化是相对{new.year - 1}年而言的，此处不列出。")
    if old.department != new.department:
        notes.append(f"两年的部门名称不同：{old.department}（{old.year}年）、{new.department}（{new.year}年）。")
    return tuple(notes)


class _Derived:
    """Values derived from one object (a document, a list of indicators), for the last few objects.

    A department's pairs of years are compared one after another, and each year is in several
    of them (4 of the 10 pairs of 5 years): what a comparison derives from one year alone is
    derived once. Objects are told apart by identity, and each is kept with its values, so
    that its id is not reused while they are.
    """

    SIZE = 256

    def __init__(self) -> None:
        self._items: dict[tuple[int, object], tuple[object, object]] = {}

    def get(self, obj: object, key: Hashable, derive: Callable[[], V]) -> V:
        """``derive()``'s value for ``obj`` and ``key``, derived when not kept."""
        found = self._items.get((id(obj), key))
        if found is not None and found[0] is obj:
            return found[1]  # type: ignore[return-value]
        value = derive()
        if len(self._items) >= self.SIZE:
            self._items.clear()
        self._items[(id(obj), key)] = (obj, value)
        return value


_derived = _Derived()


# ---------------------------------------------------------------------------
# Sections and parts


_STATUS_WORDS = {"已公开": "公开", "无": "公开为“无”", "未公开": "未公开", "未收录": "本站未收录"}


def _section_change(key: str, name: str, old: str, new: str, oi: YearInfo, ni: YearInfo,
                    parent: str | None = None) -> SectionChange:
    if old == new:
        status: Status = "unchanged"
    elif old == "未公开" and new != "未收录":
        status = "added"
    elif new == "未公开" and old != "未收录":
        status = "removed"
    else:
        status = "changed"
    sentence = None
    if status != "unchanged":
        sentence = f"{name}：{oi.year}年{_STATUS_WORDS[old]}，{ni.year}年{_STATUS_WORDS[new]}。"
    return SectionChange(key, name, old, new, status, sentence, parent)


def _sections(old: DepartmentYear, new: DepartmentYear, oi: YearInfo,
              ni: YearInfo) -> tuple[list[SectionChange], list[SectionChange]]:
    sections = [_section_change(attr, name, getattr(old, attr).status, getattr(new, attr).status, oi, ni)
                for attr, name, _anchor in SECTIONS]
    parts: list[SectionChange] = []
    for section in sections:
        if section.old != "已公开" or section.new != "已公开":
            continue  # the section itself is called out, or neither year has its parts
        for key, name, old_state, new_state in _part_states(section.key, old, new):
            if old_state != new_state:
                parts.append(_section_change(key, name, old_state, new_state, oi, ni, section.name))
    return sections, parts


def _part_states(attr: str, old: DepartmentYear, new: DepartmentYear) -> list[tuple[str, str, str, str]]:
    """(key, name, old state, new state) of the parts of a section both years disclose."""
    def has(value: object) -> str:
        return "已公开" if value not in (None, [], {}, "") else "未公开"

    out: list[tuple[str, str, str, str]] = []
    if attr == "duties":
        for field, name in (("units", "机构设置"), ("organisation", "机构设置说明"), ("tasks", "主要工作任务")):
            out.append((f"职责.{name}", name, has(getattr(old.duties, field)), has(getattr(new.duties, field))))
    elif attr == "finance":
        for field, name in (("appropriation", "财政拨款收支"), ("running_costs", "机关运行经费"),
                            ("capital_budget", "国有资本经营预算"), ("named_projects", "主要项目")):
            out.append((f"收支.{name}", name, has(getattr(old.finance, field)), has(getattr(new.finance, field))))
        old_keys, new_keys = _table_keys(tables_of(old), tables_of(new))
        states: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        for side, tables, keys in ((0, tables_of(old), old_keys), (1, tables_of(new), new_keys)):
            for table, key in zip(tables, keys, strict=True):
                states.setdefault(key, ["未公开", "未公开"])[side] = "已公开" if table.rows or table.total else "无"
                names[key] = table.title
        for key in _merge_order(old_keys, new_keys):
            out.append((f"收支.分类表.{key}", names[key], states[key][0], states[key][1]))
    elif attr == "three_costs":
        out.append(("三公.数量", "“三公”经费相关数量", has(old.three_costs.counts), has(new.three_costs.counts)))
    elif attr == "performance":
        for field, name in (("overall", "总体绩效目标"), ("goals", "分项绩效目标"), ("measures", "工作保障措施"),
                            ("department_table", "部门整体绩效目标表"), ("projects", "项目绩效目标表")):
            out.append((f"绩效.{name}", name, has(getattr(old.performance, field)),
                        has(getattr(new.performance, field))))
    elif attr == "procurement":
        out.append(("政府采购.明细", "政府采购明细", has(old.procurement.groups), has(new.procurement.groups)))
    elif attr == "assets":
        out.append(("国有资产.明细", "国有资产明细", has(old.assets.rows), has(new.assets.rows)))
    return out


# ---------------------------------------------------------------------------
# Figures


@dataclass(frozen=True)
class _Fig:
    """A figure of one year, before pairing: amount in the file's unit."""

    section: str
    group: str
    label: str
    title: str
    code: str | None
    level: int
    amount: Decimal | None  # None: printed with an empty cell
    classification: str | None = None  # 功能分类 / 经济分类
    previous_code: str | None = None  # the row's 上年编码
    blank: str = "未填数"  # what an empty cell says: the row's note, if any


def name_key(name: str) -> str:
    """A name as it is matched: Unicode NFKC (全角 and 半角 alike), without whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


_NUMBERING = re.compile(r"^(?:\([一二三四五六七八九十百零〇\d]+\)|[一二三四五六七八九十百零〇\d]+[、.])")


def heading_key(heading: str) -> str:
    """A heading as it is matched: ``name_key`` without its numbering (（三）, 三、, 3.)."""
    return _NUMBERING.sub("", name_key(heading))


_TOTALS = (
    ("revenue_total", "收入合计"), ("revenue_current", "当年收入小计"), ("carried_in", "上年结转"),
    ("expenditure_total", "支出合计"), ("expenditure_current", "当年支出小计"), ("basic", "基本支出"),
    ("personnel", "人员经费"), ("public", "公用经费"), ("project", "项目支出"), ("reserve", "单位预留机动经费"),
    ("carried_out", "结转下年"),
)
_THREE_COSTS = (
    ("total", "合计"), ("abroad", "因公出国（境）费"), ("vehicles", "公务用车购置及运行维护费"),
    ("vehicle_purchase", "公务用车购置费"), ("vehicle_running", "公务用车运行维护费"), ("reception", "公务接待费"),
    ("meetings", "会议费"), ("training", "培训费"), ("grand_total", "总计（含会议费、培训费）"),
)
_PROCUREMENT = (("total", "合计"), ("goods", "货物"), ("works", "工程"), ("services", "服务"),
                ("sme_reserved", "预留中小企业"))


def _title(group: str, label: str) -> str:
    """The figure's name in a sentence."""
    if group in ("收支总额", "支出功能分类") or label.startswith(group):
        return label
    if label == "合计":
        return group
    return f"{group}中的{label}"


class _Collector:
    """Gathers one year's figures under stable keys."""

    def __init__(self) -> None:
        self.figs: dict[str, _Fig] = {}

    def add(self, key: str, section: str, group: str, label: str, amount: Decimal | None, *,
            code: str | None = None, level: int = 0, title: str | None = None, printed: bool = False,
            classification: str | None = None, previous_code: str | None = None, blank: str | None = None) -> None:
        """Add a figure; an amount of None is skipped unless the row was ``printed`` (an empty cell)."""
        if amount is None and not printed:
            return
        n = 2
        unique = key
        while unique in self.figs:  # the same name twice in one table: number the repeats
            unique = f"{key}#{n}"
            n += 1
        self.figs[unique] = _Fig(section, group, label, title or _title(group, label), code, level, amount,
                                 classification, previous_code, blank or "未填数")

    def totals(self, t: Totals, prefix: str, group: str) -> None:
        for field, label in _TOTALS:
            self.add(f"{prefix}.{label}", "收支", group, label, getattr(t, field),
                     title=label if group == "收支总额" else f"{group}{label}")
        self.rows(t.revenue, f"{prefix}.收入", "收支", f"{group}：收入来源" if group != "收支总额" else "收入来源")
        self.rows(t.by_function, f"{prefix}.支出按功能分类", "收支",
                  "支出功能分类" if group == "收支总额" else f"{group}：支出功能分类", classification="功能分类")

    def rows(self, rows: Sequence[Row], prefix: str, section: str, group: str, path: str = "", level: int = 0,
             classification: str | None = None) -> None:
        depths = _code_depths([r.code for r in rows])
        for row in rows:
            ident = row.code or f"{path}{name_key(row.name)}"
            depth = level + (depths[row.code] if row.code else 0)
            # A row printed without an amount is an empty cell (未填数), a heading of rows of its own too.
            self.add(f"{prefix}.{ident}", section, group, row.name, row.amount, code=row.code, level=depth,
                     printed=True, classification=classification, previous_code=row.previous_code,
                     blank=row.note)
            if row.children:
                self.rows(row.children, prefix, section, group, f"{path}{name_key(row.name)}/", depth + 1,
                          classification)

    def fields(self, obj: object, spec: Iterable[tuple[str, str]], prefix: str, section: str, group: str) -> None:
        for field, label in spec:
            self.add(f"{prefix}.{label}", section, group, label, getattr(obj, field))


def _code_depths(codes: list[str | None]) -> dict[str, int]:
    """How many ancestors each code has among ``codes`` (类 0, 款 1, 项 2 in a full table)."""
    parents = {code: parent_code(code, codes) for code in codes if code}
    depths: dict[str, int] = {}
    for code in parents:
        depth, current = 0, parents[code]
        while current is not None:  # each parent is a strictly shorter code
            depth += 1
            current = parents[current]
        depths[code] = depth
    return depths


def _table_name(table: ClassTable) -> str:
    """A table's title without a trailing note such as （功能科目） or a leading year, as printed: its key.

    2024年部门收入预算总表 is the same table as 2025年部门收入预算总表.
    """
    title = re.sub(r"[（(][^（）()]*[）)]\s*$", "", table.title).strip()
    return re.sub(r"^\d{4}\s*年度?", "", title)


def _table_ident(table: ClassTable) -> tuple[str, str, str]:
    """What matches a table across years: classification, scope and ``_table_name``, after ``name_key``."""
    return table.classification, name_key(table.scope or ""), name_key(_table_name(table))


def _table_keys(old: Sequence[ClassTable], new: Sequence[ClassTable]) -> tuple[list[str], list[str]]:
    """Keys for the tables of both years, equal for the tables that correspond.

    Tables are matched by classification, scope and title (without a trailing note such as
    （功能科目）), then by classification and scope alone when that is unambiguous.
    """
    old_ids = [_table_ident(t) for t in old]
    new_ids = [_table_ident(t) for t in new]
    new_names = [_table_name(t) for t in new]
    new_keys = [_unique(name, i, new_names) for i, name in enumerate(new_names)]
    old_keys: list[str | None] = [None] * len(old)
    taken: set[int] = set()
    for i, ident in enumerate(old_ids):
        for j, other in enumerate(new_ids):
            if j not in taken and other == ident:
                old_keys[i] = new_keys[j]
                taken.add(j)
                break
    for i, ident in enumerate(old_ids):
        if old_keys[i] is not None:
            continue
        same_scope = [j for j, other in enumerate(new_ids) if other[:2] == ident[:2]]
        old_same = [k for k, other in enumerate(old_ids) if other[:2] == ident[:2]]
        if len(same_scope) == 1 and len(old_same) == 1 and same_scope[0] not in taken:
            old_keys[i] = new_keys[same_scope[0]]
            taken.add(same_scope[0])
    old_names = [_table_name(t) for t in old]
    final_old = []
    for i, key in enumerate(old_keys):
        if key is None:  # a table of the older year only; never share a key with a newer table
            key = _unique(old_names[i], i, old_names)
            while key in new_keys:
                key += "（旧）"
        final_old.append(key)
    return final_old, new_keys


def _unique(name: str, index: int, names: list[str]) -> str:
    """``name``, numbered when an earlier item has the same name."""
    n = names[:index].count(name)
    return name if n == 0 else f"{name}#{n + 1}"


def final_totals(doc: DepartmentYear) -> Totals | None:
    """A 决算's totals as a 预算 states them, read from its tables (``final.derived_totals``) with the
    总表's expenditure by 类: so that a 决算 compares with a 决算, and with its year's 预算, in one engine."""
    f = doc.finance
    if not f.disclosed or f.final is None:
        return None
    derived = fin.derived_totals(f.final)
    overview = f.final.overview
    data: dict[str, object] = {alias: derived[attr] for attr, alias in (
        ("revenue_total", "收入合计"), ("expenditure_total", "支出合计"), ("basic", "基本支出"), ("project", "项目支出"),
        ("carried_in", "上年结转"), ("carried_out", "结转下年")) if derived[attr] is not None}
    if overview.disclosed:
        data["收入"] = [{"名称": x.name, "金额": x.amount} for x in overview.revenue]
        data["支出按功能分类"] = [{"名称": x.name, "金额": x.amount} for x in overview.expenditure]
    return Totals.model_validate(data)


def tables_of(doc: DepartmentYear) -> list[ClassTable]:
    """A document's classification tables; for a 决算, its 一般公共预算财政拨款 tables by 功能 and by 经济 class,
    with the scope (一般公共预算) under which a 预算 prints the same tables."""
    f = doc.finance
    if not f.disclosed or f.final is None:
        return list(f.tables)
    return _derived.get(doc, "final-tables", lambda: _final_tables(f.final))  # type: ignore[arg-type]


def _final_tables(final: FinalAccounts) -> list[ClassTable]:
    out = []
    general, basic = final.general, final.basic
    if general.disclosed and general.rows:
        out.append(ClassTable.model_validate({
            "名称": fin.GENERAL_TITLE, "分类": "功能分类", "口径": "一般公共预算",
            "合计": general.total.total if general.total else None,
            "行": [{"编码": r.code, "名称": r.name, "金额": r.total} for r in general.rows]}))
    if basic.disclosed and basic.rows:
        both = basic.personnel + basic.public if basic.personnel is not None and basic.public is not None else None
        out.append(ClassTable.model_validate({
            "名称": fin.BASIC_TITLE, "分类": "经济分类", "口径": "一般公共预算", "合计": both,
            "行": [{"编码": r.code, "名称": r.name, "金额": r.amount} for r in basic.rows]}))
    return out


def _year_figures(doc: DepartmentYear, table_keys: list[str]) -> dict[str, _Fig]:
    c = _Collector()
    f = doc.finance
    if f.disclosed:
        c.totals(final_totals(doc) or f, "收支", "收支总额")
        if f.appropriation is not None:
            c.totals(f.appropriation, "收支.财政拨款", "财政拨款")
        c.rows(f.named_projects, "收支.主要项目", "收支", "主要项目")
        if f.running_costs is not None:
            rc = f.running_costs
            c.add("收支.机关运行经费.合计", "收支", "机关运行经费", "合计", rc.total)
            c.rows(rc.items, "收支.机关运行经费", "收支", "机关运行经费", level=1, classification="经济分类")
        if f.capital_budget is not None:
            c.fields(f.capital_budget, (("revenue", "收入"), ("expenditure", "支出")), "收支.国有资本经营预算", "收支",
                     "国有资本经营预算")
        for table, key in zip(tables_of(doc), table_keys, strict=True):
            prefix = f"收支.分类表.{key}"
            c.add(f"{prefix}.合计", "收支", table.title, "合计", table.total, title=f"{table.title}合计")
            c.rows(table.rows, prefix, "收支", table.title, classification=table.classification)
            for column in table.columns:  # each other column (分栏) as a figure of its own
                group = f"{table.title}（{column}）"
                c.add(f"{prefix}.{column}.合计", "收支", group, "合计", table.total_split.get(column),
                      title=f"{table.title}{column}合计")
                c.rows([Row(编码=r.code, 名称=r.name, 金额=r.split.get(column)) for r in table.rows],
                       f"{prefix}.{column}", "收支", group, classification=table.classification)
    t = doc.three_costs
    if t.disclosed:
        c.fields(t, _THREE_COSTS, "三公", "三公", "“三公”经费")
        if t.budget is not None:
            c.fields(t.budget, _THREE_COSTS, "三公.预算数", "三公", "“三公”经费预算数")
    p = doc.performance
    if p.disclosed:
        c.add("绩效.涉及财政性资金", "绩效", "绩效目标管理", "涉及财政性资金", p.managed_amount,
              title="实行绩效目标管理的财政性资金")
        declared = p.department_table
        if declared is not None and declared.budget is not None:
            c.fields(declared.budget, (("total", "部门预算总额"), ("fiscal", "财政性资金"), ("other", "其他资金"),
                                    ("basic", "基本支出"), ("project", "项目支出")),
                     "绩效.整体绩效目标表", "绩效", "部门整体绩效目标表：预算情况")
    if doc.procurement.disclosed:
        c.fields(doc.procurement, _PROCUREMENT, "政府采购", "政府采购", "政府采购")
    a = doc.assets
    if a.disclosed:
        c.fields(a, (("total", "资产总额"), ("fixed", "固定资产总额")), "国有资产", "国有资产", "国有资产")
        for row in a.rows:
            c.add(f"国有资产.明细.{row.name}", "国有资产", "国有资产", f"{row.name}（价值）", row.value)
    return c.figs


def _figures(old: DepartmentYear, new: DepartmentYear, unit: str, states: dict[tuple[str, str], str],
             crosswalk: Crosswalk) -> list[FigureChange]:
    old_keys, new_keys = _table_keys(tables_of(old), tables_of(new))
    a = _derived.get(old, ("figures", *old_keys), lambda: _year_figures(old, old_keys))
    b = _derived.get(new, ("figures", *new_keys), lambda: _year_figures(new, new_keys))
    a, old_codes = _follow_renumbering(a, b, old.meta.year, new.meta.year, crosswalk)
    a = _in_newer_tables(a, tables_of(old), old_keys, tables_of(new), new_keys)
    out = []
    for key in _merge_order(list(a), list(b)):
        out.append(_pair(key, a.get(key), b.get(key), old.meta.unit, new.meta.unit, unit, states, old_codes.get(key)))
    return out


def _recode(key: str, code: str, other: str) -> str | None:
    """``key`` (ending in ``code``) with ``other`` in its place; None when it does not end so."""
    return key[: -len(code)] + other if key.endswith("." + code) else None


def _follow_renumbering(a: dict[str, _Fig], b: dict[str, _Fig], old_year: int, new_year: int,
                        crosswalk: Crosswalk) -> tuple[dict[str, _Fig], dict[str, str]]:
    """The older year's figures with each renumbered row under the newer row's key, and
    newer key → older code for those rows (科目调整).

    A newer row's own 上年编码 names its older code; the crosswalk names the rest. A row is
    followed only when the older code is gone from the newer year and the newer code is new.
    """
    moves: dict[str, str] = {}  # older key → newer key
    for key, fig in b.items():
        if fig.previous_code and fig.code and fig.previous_code != fig.code:
            old_key = _recode(key, fig.code, fig.previous_code)
            if old_key is not None and old_key in a and old_key not in b and key not in a:
                moves[old_key] = key
    maps: dict[str, dict[str, str]] = {}
    for key, fig in a.items():
        if key in moves or not fig.code or fig.classification is None:
            continue
        if fig.classification not in maps:
            maps[fig.classification] = crosswalk.new_codes(fig.classification, old_year, new_year)
        new_code = maps[fig.classification].get(fig.code)
        new_key = _recode(key, fig.code, new_code) if new_code else None
        if new_key is not None and new_key in b and key not in b and new_key not in a and new_key not in moves.values():
            moves[key] = new_key
    if not moves:
        return a, {}
    return ({moves.get(key, key): fig for key, fig in a.items()},
            {new_key: a[old_key].code or "" for old_key, new_key in moves.items()})


def _in_newer_tables(a: dict[str, _Fig], old_tables: Sequence[ClassTable], old_keys: list[str],
                     new_tables: Sequence[ClassTable], new_keys: list[str]) -> dict[str, _Fig]:
    """The older year's figures with the rows of a table both years have under the newer table's
    title: a matched pair of tables is one table, whichever year a row is in."""
    newer = dict(zip(new_keys, (t.title for t in new_tables), strict=True))
    renamed = {f"收支.分类表.{key}.": newer[key] for key, table in zip(old_keys, old_tables, strict=True)
               if key in newer and newer[key] != table.title}
    if not renamed:
        return a
    out = {}
    for key, fig in a.items():
        title = next((t for prefix, t in renamed.items() if key.startswith(prefix)), None)
        if title is not None:
            fig = replace(fig, group=title, title=f"{title}合计" if fig.label == "合计" else _title(title, fig.label))
        out[key] = fig
    return out


_SECTION_ATTR = {"收支": "finance", "三公": "three_costs", "绩效": "performance", "政府采购": "procurement",
                 "国有资产": "assets"}


_ABSENT = {"已公开": "", "无": "公开为无", "未公开": "未公开", "未收录": "未收录"}
"""What a side without a figure says, by the state of that year's section."""


def _pair(key: str, a: _Fig | None, b: _Fig | None, old_unit: str, new_unit: str, unit: str,
          states: dict[tuple[str, str], str], old_code: str | None = None) -> FigureChange:
    base = b or a
    assert base is not None
    old = convert(a.amount, old_unit, unit) if a and a.amount is not None else None
    new = convert(b.amount, new_unit, unit) if b and b.amount is not None else None
    attr = _SECTION_ATTR[base.section]
    old_absent = _ABSENT[states[(attr, "old")]] if a is None else a.blank if old is None else ""
    new_absent = _ABSENT[states[(attr, "new")]] if b is None else b.blank if new is None else ""
    common = dict(old_absent=old_absent, new_absent=new_absent, old_code=old_code, classification=base.classification)
    if a is None or b is None:
        return FigureChange(key, base.section, base.group, base.label, base.title, base.code, base.level, old, new,
                            "added" if a is None else "removed", None, None, **common)  # type: ignore[arg-type]
    old_label = a.label if name_key(a.label) != name_key(b.label) else None
    if old is None or new is None:
        return FigureChange(key, base.section, base.group, base.label, base.title, base.code, base.level, old, new,
                            "blank" if old is not None or new is not None else "unchanged", None, None,
                            old_label=old_label, **common)  # type: ignore[arg-type]
    delta = new - old
    return FigureChange(key, base.section, base.group, base.label, base.title, base.code, base.level, old, new,
                        "unchanged" if delta == 0 else "changed", delta, change_percent(delta, old),
                        old_label=old_label, **common)  # type: ignore[arg-type]


def convert(value: Decimal, unit: str, to: str) -> Decimal:
    """``value`` in ``unit`` expressed in ``to``, exactly: the decimal point moves, nothing is rounded.

    ``126000.00`` 元 is ``12.6`` 万元: trailing zeros the conversion creates are dropped, and
    unlike ``fmt.convert`` a whole number stays ``500``, not ``5E+2``, so that every amount
    of a comparison prints as plain digits even through ``str()``.
    """
    if unit == to:
        return value
    shift = len(str(UNIT_FACTORS[unit])) - len(str(UNIT_FACTORS[to]))  # factors are powers of ten
    converted = value.scaleb(shift).normalize()
    exponent = converted.as_tuple().exponent
    return converted.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else converted


def change_percent(delta: Decimal, old: Decimal, quantum: Decimal = PERCENT_QUANTUM) -> Decimal | None:
    """``delta / old × 100`` rounded half up to ``quantum``; None when ``old`` is 0."""
    if old == 0:
        return None
    return (delta * 100 / old).quantize(quantum, rounding=ROUND_HALF_UP)


def _merge_order(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """The keys of both years in the newer year's order, each older-only key after its predecessor."""
    out = list(new)
    present = set(out)
    anchor = -1
    for key in old:
        if key in present:
            anchor = out.index(key)
        else:
            anchor += 1
            out.insert(anchor, key)
            present.add(key)
    return out


# ---------------------------------------------------------------------------
# Projects and indicators


def _ordered_pairs(n_old: int, n_new: int, match: dict[int, int]) -> list[tuple[int | None, int | None]]:
    """(old index, new index) pairs for ``match`` (new → old), in the newer year's order,
    each unmatched older item after the item that preceded it in the older year."""
    old_of = {i: j for j, i in match.items()}
    old_keys = [f"n{old_of[i]}" if i in old_of else f"o{i}" for i in range(n_old)]
    out: list[tuple[int | None, int | None]] = []
    for key in _merge_order(old_keys, [f"n{j}" for j in range(n_new)]):
        index = int(key[1:])
        out.append((match.get(index), index) if key[0] == "n" else (index, None))
    return out


def _project_pairs(old: Sequence[Project], new: Sequence[Project]) -> list[tuple[int | None, int | None, str | None]]:
    """Projects of both years paired by code, then by name: (old index, new index, matched by)."""
    match: dict[int, int] = {}  # new index → old index
    how: dict[int, str] = {}
    for criterion in ("编码", "名称"):
        for j, p in enumerate(new):
            if j in match:
                continue
            wanted = p.code if criterion == "编码" else name_key(p.name)
            if wanted is None:
                continue
            i = next((i for i, q in enumerate(old) if i not in match.values()
                      and (q.code if criterion == "编码" else name_key(q.name)) == wanted), None)
            if i is not None:
                match[j], how[j] = i, criterion
    return [(i, j, how.get(j) if j is not None else None) for i, j in _ordered_pairs(len(old), len(new), match)]


def _projects(old: DepartmentYear, new: DepartmentYear, unit: str,
              states: dict[tuple[str, str], str]) -> tuple[list[ProjectChange], list[FigureChange]]:
    old_projects = old.performance.projects if old.performance.disclosed else []
    new_projects = new.performance.projects if new.performance.disclosed else []
    changes: list[ProjectChange] = []
    figures: list[FigureChange] = []
    seen: set[str] = set()
    for i, j, how in _project_pairs(old_projects, new_projects):
        a = old_projects[i] if i is not None else None
        b = new_projects[j] if j is not None else None
        base = b or a
        assert base is not None
        key = _unique_key(f"绩效.项目.{base.code or base.name}", seen)
        fa, fb = (_Fig("绩效", "项目", p.name, f"项目“{p.name}”", p.code, 0, p.budget)
                  if p is not None and p.budget is not None else None for p in (a, b))
        budget = _pair(key, fa, fb, old.meta.unit, new.meta.unit, unit, states) if (fa or fb) else None
        if budget is not None:
            figures.append(budget)
        indicators = _indicators(a.indicators if a else [], b.indicators if b else [])
        if a is None:
            status: Status = "added"
        elif b is None:
            status = "removed"
        elif (a.name != b.name or a.code != b.code or (budget is not None and budget.status != "unchanged")
              or any(i.status != "unchanged" for i in indicators)):
            status = "changed"
        else:
            status = "unchanged"
        changes.append(ProjectChange(key, status, a.code if a else None, b.code if b else None,
                                     a.name if a else None, b.name if b else None,
                                     "编码" if how == "编码" else "名称" if how == "名称" else None, budget,
                                     tuple(indicators)))
    return changes, figures


def _unique_key(key: str, seen: set[str]) -> str:
    unique, n = key, 2
    while unique in seen:
        unique = f"{key}#{n}"
        n += 1
    seen.add(unique)
    return unique


_INDICATOR_FIELDS: tuple[tuple[str, str], ...] = (("target", "指标值"), ("description", "描述"), ("basis", "依据"),
                                                   ("scoring", "评分标准"))
"""The fields of an indicator that a comparison checks; the first, the target, it also prints."""


def _indicator_key(ind: Indicator) -> tuple[str, str, str]:
    return ind.level1, ind.level2 or "", ind.level3 or ""


def _indicator_index(rows: Sequence[Indicator]) -> dict[str, tuple[Indicator, tuple[str | None, ...]]]:
    """One year's indicators by (一级, 二级, 三级), each with the text of its _INDICATOR_FIELDS;
    rows without a 三级 name and target are headings, skipped."""
    out: dict[str, tuple[Indicator, tuple[str | None, ...]]] = {}
    seen: set[str] = set()
    for ind in rows:
        if ind.level3 is None and ind.target is None:
            continue
        key = _unique_key("\x1f".join(_indicator_key(ind)), seen)
        out[key] = (ind, tuple(_text_of(getattr(ind, field)) for field, _label in _INDICATOR_FIELDS))
    return out


def _indexed(rows: Sequence[Indicator]) -> dict[str, tuple[Indicator, tuple[str | None, ...]]]:
    return _derived.get(rows, "indicators", lambda: _indicator_index(rows)) if rows else {}


def _indicators(old: Sequence[Indicator], new: Sequence[Indicator]) -> list[IndicatorChange]:
    """Indicators paired by (一级, 二级, 三级)."""
    a, b = _indexed(old), _indexed(new)
    changes = []
    for key in _merge_order(list(a), list(b)):
        x, y = a.get(key), b.get(key)
        base = (y or x)[0]  # type: ignore[index]
        status: Status
        changed: tuple[str, ...] = ()
        if x is None:
            status = "added"
        elif y is None:
            status = "removed"
        else:
            changed = tuple(label for (_field, label), old_text, new_text in zip(_INDICATOR_FIELDS, x[1], y[1])
                            if old_text != new_text)
            status = "changed" if changed else "unchanged"
        changes.append(IndicatorChange(base.level1, base.level2, base.level3, status,
                                       x[1][0] if x else None, y[1][0] if y else None, changed,  # targets
                                       x[0].description if x else None, y[0].description if y else None))
    return changes


def _text_of(value: object) -> str | None:
    return None if value is None else str(value)


# ---------------------------------------------------------------------------
# Texts


def _items(items: Sequence[TitledText]) -> list[tuple[str, str]]:
    return [(item.title or "", item.text) for item in items]


def _text_sources(doc: DepartmentYear) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group, [(label, text)]) of one year's texts; a label may be empty for untitled items."""
    d, p = doc.duties, doc.performance
    out: list[tuple[str, list[tuple[str, str]]]] = []
    if d.disclosed:
        duties = [("主要职能", "\n".join(d.duties))] if d.duties else []
        duties += [(label, text) for label, text in (("机构设置说明", d.organisation), ("预算单位构成", d.budget_units))
                   if text]
        out += [("职责", duties), ("主要工作任务", _items(d.tasks))]
    if p.disclosed:
        overall = [("总体绩效目标", p.overall)] if p.overall else []
        if p.department_table is not None and p.department_table.duty_goals:
            overall.append(("年度履职目标", p.department_table.duty_goals))
        out += [("绩效目标", overall), ("分项绩效目标", _items(p.goals)), ("工作保障措施", _items(p.measures))]
    if doc.glossary.disclosed:
        out.append(("名词解释", list(doc.glossary.terms.items())))
    if doc.other:
        out.append(("其他说明", [("其他说明", doc.other)]))
    return out


def _texts(old: DepartmentYear, new: DepartmentYear) -> list[TextChange]:
    a, b = dict(_text_sources(old)), dict(_text_sources(new))
    out: list[TextChange] = []
    seen: set[str] = set()
    for group in _merge_order(list(a), list(b)):
        olds, news = a.get(group, []), b.get(group, [])
        for i, j in _pair_items(olds, news, similar=group != "名词解释"):
            x = olds[i] if i is not None else None
            y = news[j] if j is not None else None
            base = y or x
            assert base is not None
            label = base[0] or _first_words(base[1])
            key = _unique_key(f"{group}.{label}", seen)
            segments: tuple[Segment, ...]
            status: Status
            if x is None:
                segments, status = (Segment("insert", base[1]),), "added"
            elif y is None:
                segments, status = (Segment("delete", base[1]),), "removed"
            else:
                segments = diff_text(x[1], y[1])
                status = "unchanged" if x[1] == y[1] else "changed"
            deleted, inserted = changed_chars(segments)
            old_label = x[0] if x is not None and y is not None and x[0] != y[0] and x[0] else None
            out.append(TextChange(key, group, label, status, segments, deleted, inserted, old_label))
    return out


def _first_words(text: str, n: int = 12) -> str:
    return text[:n] + ("…" if len(text) > n else "")


def _pair_items(old: list[tuple[str, str]], new: list[tuple[str, str]], *,
                similar: bool = True) -> list[tuple[int | None, int | None]]:
    """Pair (label, text) items by label, then (with ``similar``) the rest by similarity: at
    least half the same. Glossary terms pair by the term only: another term is another thing."""
    match: dict[int, int] = {}  # new index → old index
    old_keys = [heading_key(other) for other, _ in old]
    for j, (label, _) in enumerate(new):
        wanted = heading_key(label)
        i = next((i for i, other in enumerate(old_keys) if wanted and other == wanted and i not in match.values()),
                 None)
        if i is not None:
            match[j] = i
    candidates = []
    for j, (label, text) in enumerate(new if similar else []):
        for i, (other, old_text) in enumerate(old):
            if j in match or i in match.values():
                continue
            matcher = difflib.SequenceMatcher(None, other + old_text, label + text, autojunk=False)
            if matcher.real_quick_ratio() >= 0.5 and matcher.quick_ratio() >= 0.5 and matcher.ratio() >= 0.5:
                candidates.append((-matcher.ratio(), j, i))
    for _, j, i in sorted(candidates):  # most similar first
        if j not in match and i not in match.values():
            match[j] = i
    return _ordered_pairs(len(old), len(new), match)


# ---------------------------------------------------------------------------
# The newer document's own statements (比上年)


def _stated_sources(doc: DepartmentYear) -> list[tuple[str, Change, Callable[[FigureChange], bool]]]:
    out: list[tuple[str, Change, Callable[[FigureChange], bool]]] = []
    f = doc.finance
    if f.disclosed:
        out += [("收支", c, lambda x: x.section == "收支" and x.group != "机关运行经费") for c in f.changes]
        if f.running_costs is not None:
            out += [("机关运行经费", c, lambda x: x.group == "机关运行经费") for c in f.running_costs.changes]
    if doc.three_costs.disclosed:
        out += [("三公", c, lambda x: x.group == "“三公”经费") for c in doc.three_costs.changes]
    if doc.procurement.disclosed:
        out += [("政府采购", c, lambda x: x.section == "政府采购") for c in doc.procurement.changes]
    return out


_MARKS = re.compile(r"\((类|款|项)\)|[“”\"、()]")
_LEVEL = re.compile(r"\((类|款|项)\)")
_LEVEL_DIGITS = {"类": 3, "款": 5, "项": 7}


def _normalise(name: str) -> str:
    return _MARKS.sub("", name_key(name))


def _match_stated(change: Change, unit: str, doc_unit: str, candidates: list[FigureChange]) -> FigureChange | None:
    """The figure a stated change describes: same current amount, and the closest name."""
    subject = name_key(change.subject)
    levels = _LEVEL.findall(subject)
    if "(款)" in subject:  # 政协事务（款）行政运行（项） names the 项 row
        subject = subject.split("(款)")[-1]
    wanted = _normalise(subject)
    if ("收支" in wanted or "收入支出" in wanted) and "总" in wanted:  # 收、支预算总计 = both totals
        wanted = "财政拨款支出合计" if "财政拨款" in wanted else "支出合计"
    pool = [f for f in candidates if f.new is not None]
    if levels:  # （类）（款）（项） name a functional class of that level, never an economic row
        digits = _LEVEL_DIGITS[levels[-1]]
        pool = [f for f in pool if f.classification == "功能分类" and (f.code is None or len(f.code) == digits)]
    if change.amount is not None:
        amount = convert(change.amount, doc_unit, unit)
        q = stated_quantum(change.amount, doc_unit, unit)
        pool = [f for f in pool if f.new is not None and rounds_to(f.new, amount, q)]
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(wanted)  # analysed once, compared with every name
    best: tuple[float, int] | None = None
    for index, f in enumerate(pool):
        names = {_normalise(f.label), _normalise(f.title), _normalise(f.group + f.label)}
        if f.label == "合计":
            names.add(_normalise(f.group))
        score = 0.0
        for name in names:
            matcher.set_seq1(name)
            s = matcher.ratio()
            if wanted == name:
                s += 1
            elif len(name) >= 4 and (name in wanted or wanted in name):
                s += 0.3
            score = max(score, s)
        # 收入 and 支出 of the same amount are common (收支平衡): never mistake one for the other.
        side = f.group + f.label
        if ("支出" in wanted and "收入" in side) or ("收入" in wanted and "支出" in side):
            score -= 0.5
        if score >= (0.5 if change.amount is not None else 0.8) and (best is None or score > best[0]):
            best = (score, index)
    return pool[best[1]] if best is not None else None


def stated_quantum(value: Decimal, stated_unit: str, unit: str) -> Decimal:
    """The precision ``value`` is stated to, in ``unit``: ``18976.76`` 万元 is to 100 元."""
    exponent = value.as_tuple().exponent
    return convert(Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0), stated_unit, unit)


def rounds_to(exact: Decimal, stated: Decimal, quantum: Decimal) -> bool:
    """Whether ``stated`` is ``exact`` as the document rounds it (half up to ``quantum``):
    189,767,551 元 is stated as 18,976.76 万元."""
    if exact == stated:
        return True
    ratio = exact / quantum  # exact: quantum is a power of ten
    return ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum == stated


def _statements(new: DepartmentYear, figures: list[FigureChange], unit: str,
                old_info: YearInfo) -> tuple[list[StatedChange], list[FigureChange]]:
    statements: list[StatedChange] = []
    by_key: dict[str, list[StatedChange]] = {}
    for section, change, scope in _stated_sources(new):
        stated_unit = change.unit or new.meta.unit  # text may state in 万元 what the tables print in 元

        def c(value: Decimal | None) -> Decimal | None:
            return None if value is None else convert(value, stated_unit, unit)

        figure = _match_stated(change, unit, stated_unit, [f for f in figures if scope(f)])
        stated = StatedChange(section, change.subject, change.direction, c(change.amount), c(change.previous),
                              c(change.delta), change.rate, change.purpose, change.reason,
                              figure.key if figure else None, ())
        if figure is not None:
            if change.basis is None:  # a change against another basis (上年执行数) is not checked against the budget
                quanta = {name: stated_quantum(value, stated_unit, unit) for name, value in
                          (("previous", change.previous), ("delta", change.delta)) if value is not None}
                stated = _check_stated(stated, figure, unit, old_info, quanta)
            by_key.setdefault(figure.key, []).append(stated)
        statements.append(stated)
    figures = [replace(f, stated=tuple(by_key[f.key])) if f.key in by_key else f for f in figures]
    return statements, figures


def _check_stated(s: StatedChange, f: FigureChange, unit: str, old_info: YearInfo,
                  quanta: dict[str, Decimal] | None = None) -> StatedChange:
    """Note each way the stated change disagrees with the figures of the two documents.

    ``quanta`` gives the precision (in ``unit``) of the stated 上年 and 增减额 where they are
    stated more coarsely than the tables print (万元 with two decimals against 元): a figure
    that rounds to the stated one agrees with it; one that misses it by one last digit is
    noted as such."""
    problems: list[str] = []
    year = old_info.year
    quanta = quanta or {}

    def agrees(stated: Decimal, exact: Decimal, name: str) -> bool:
        q = quanta.get(name)
        return stated == exact if q is None else rounds_to(exact, stated, q)

    def one_digit(stated: Decimal, exact: Decimal, name: str) -> str:
        q = quanta.get(name)
        if q is None or q <= 1:
            return ""
        rounded = (exact / q).quantize(Decimal(1), rounding=ROUND_HALF_UP) * q
        return "（按文件的精度相差一个尾数，可能源于两年数字各自舍入后相减）" if abs(rounded - stated) == q else ""

    if f.old is None:
        if s.direction in ("增加", "减少", "持平"):
            problems.append(f"文件称比上年{s.direction}；{year}年的文件未列出这一数字，无法核对。")
    else:
        assert f.delta is not None
        if s.previous is not None and not agrees(s.previous, f.old, "previous"):
            problems.append(f"文件所列上年数 {grouped(s.previous)} {unit} 与{year}年文件中的 "
                            f"{grouped(f.old)} {unit} 不一致{one_digit(s.previous, f.old, 'previous')}。")
        computed_direction = "增加" if f.delta > 0 else "减少" if f.delta < 0 else "持平"
        if s.direction in ("增加", "减少", "持平") and s.direction != computed_direction:
            problems.append(f"文件称{s.direction}，按两年文件的数字计算为{computed_direction}"
                            f"（{grouped(f.old)} → {grouped(f.new or Decimal(0))} {unit}）。")
        elif s.direction == "新增":
            problems.append(f"文件称新增，但{year}年的文件中已有这一数字（{grouped(f.old)} {unit}）。")
        if s.delta is not None and not agrees(s.delta, abs(f.delta), "delta"):
            problems.append(f"文件所述增减额 {grouped(s.delta)} {unit}，"
                            f"按两年文件的数字计算为 {grouped(abs(f.delta))} {unit}"
                            f"{one_digit(s.delta, abs(f.delta), 'delta')}。")
        if s.rate is not None and f.old != 0:
            exponent = s.rate.as_tuple().exponent
            quantum = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
            computed = change_percent(abs(f.delta), f.old, quantum)
            if computed is not None and computed != s.rate:
                near = "（相差一个尾数，可能源于舍入）" if abs(computed - s.rate) == quantum else ""
                problems.append(f"文件所述增减率 {percent_text(s.rate)}，"
                                f"按两年文件的数字计算为 {percent_text(computed)}{near}。")
    return replace(s, discrepancies=tuple(problems))


# ---------------------------------------------------------------------------
# The summary


_SUMMARY_GROUPS = frozenset({"收支总额", "支出功能分类", "机关运行经费", "“三公”经费", "政府采购", "国有资产", "项目",
                             "主要项目", "国有资本经营预算"})


def figure_sentence(f: FigureChange, unit: str) -> str:
    """One figure's change as a plain sentence: ``项目支出 减少 115.50 万元，下降 17.70%。``."""
    if f.status == "added":
        assert f.new is not None
        return f"{f.title} 为新增，{grouped(f.new)} {unit}。"
    if f.status == "removed":
        assert f.old is not None
        return f"{f.title} 不再列出（上年 {grouped(f.old)} {unit}）。"
    assert f.delta is not None
    if f.delta == 0:
        return f"{f.title} 不变，{grouped(f.new or Decimal(0))} {unit}。"
    verb, trend = ("增加", "增长") if f.delta > 0 else ("减少", "下降")
    rate = f"，{trend} {percent_text(abs(f.percent))}" if f.percent is not None else ""
    return f"{f.title} {verb} {grouped(abs(f.delta))} {unit}{rate}。"


def _with_summary(c: Comparison) -> Comparison:
    sentences: list[str] = []
    sections = [s.sentence for s in c.sections if s.sentence]
    projects = _project_sentence(c.projects)
    room = SUMMARY_SIZE - (1 if sections else 0) - (1 if projects else 0)
    # Projects added or removed have a sentence of their own; items of 机关运行经费 are detail.
    candidates = [f for f in c.figures
                  if f.group in _SUMMARY_GROUPS and f.status != "unchanged" and not f.unpublished and f.level == 0
                  and not (f.group == "机关运行经费" and f.label != "合计")
                  and not (f.group == "项目" and f.status != "changed")]
    # Biggest change in money first (an added or removed figure counts with its whole amount);
    # of equal changes, spending before revenue.
    ranked = sorted(candidates, key=lambda f: (-_size(f), "支出" not in f.label))
    seen: set[tuple[Decimal | None, Decimal | None]] = set()
    for f in ranked:
        if (f.old, f.new) in seen or _size(f) == 0:
            continue  # the same change seen through another total (收入合计 and 支出合计, say)
        seen.add((f.old, f.new))
        sentence = figure_sentence(f, c.unit)
        reason = next((s.reason for s in f.stated if s.reason), None)
        if reason:
            sentence += f"文件所述原因：{reason.rstrip('。')}。"
        sentences.append(sentence)
        if len(sentences) == room:
            break
    if sections:
        listed = "；".join(s.rstrip("。") for s in sections)
        sentences.append("".join(sections) if len(sections) <= 2 else
                         f"{len(sections)} 个部分的公开情况有变化：{listed}。")
    if projects:
        sentences.append(projects)
    return replace(c, summary=tuple(sentences))


def _size(f: FigureChange) -> Decimal:
    if f.delta is not None:
        return abs(f.delta)
    return abs(f.new if f.new is not None else f.old if f.old is not None else Decimal(0))


def _project_sentence(projects: Sequence[ProjectChange]) -> str | None:
    added = [p.name for p in projects if p.status == "added"]
    removed = [p.name for p in projects if p.status == "removed"]
    renamed = [p for p in projects if p.renamed]
    parts = []
    if added:
        parts.append(f"新增项目 {len(added)} 个（{'、'.join(added)}）")
    if removed:
        parts.append(f"不再列出的项目 {len(removed)} 个（{'、'.join(removed)}）")
    if renamed:
        parts.append("；".join(f"项目“{p.old_name}”更名为“{p.new_name}”" for p in renamed))
    return "；".join(parts) + "。" if parts else None


# ---------------------------------------------------------------------------
# Pairs of years


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
    meta = _doc(x).meta
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
        by_kind.setdefault(_doc(x).meta.kind, []).append(x)
    out: list[Pair[T]] = []
    for kind in sorted(by_kind, key=lambda k: (k != "预算", k)):
        years = sorted(by_kind[kind], key=lambda x: _doc(x).meta.year)
        all_pairs = every if every is not None else len(years) <= ALL_PAIRS_MAX_YEARS
        for i in range(len(years)):
            for j in range(i + 1, len(years) if all_pairs else min(i + 2, len(years))):
                out.append(Pair(years[i], years[j], j == i + 1))
    budgets = {_doc(x).meta.year: x for x in by_kind.get("预算", [])}
    for final in sorted(by_kind.get("决算", []), key=lambda x: _doc(x).meta.year):
        budget = budgets.get(_doc(final).meta.year)
        if budget is not None:  # what was budgeted against what was spent, in one year
            out.append(Pair(budget, final, True, "budget-final"))
    return out


def by_department(entries: Iterable[T]) -> dict[tuple[tuple[str, ...], str], list[T]]:
    """Entries grouped by department, in the order first seen."""
    out: dict[tuple[tuple[str, ...], str], list[T]] = {}
    for x in entries:
        out.setdefault(department_key(x), []).append(x)
    return out
