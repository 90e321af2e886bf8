"""The figures of two years: each year's amounts collected under stable keys, then paired.

Every comparable amount is collected (totals and their parts, 基本/项目, rows of the
classification tables matched by code, 机关运行经费, each 三公 item, 政府采购, 国有资产) and
paired by key in one unit (``units.to_unit``), with the change in amount and percent. A
figure present in one year only is ``added`` or ``removed``, never a change from zero; a row
printed in both years with its cell empty in one is ``blank`` (未填数); the side without a
figure says why (``old_absent``/``new_absent``: not listed, or the section 未公开, 公开为无 or
未收录). Renumbered rows (科目调整) pair as one: a row's ``上年编码``, or the site's crosswalk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from ...content.check import parent_code
from ...content.crosswalk import Crosswalk
from ...content.model import ClassTable, DepartmentYear, Row, Totals
from ..comparison import FigureChange
from .derived import Derived
from .matching import merge_order, name_key
from .tables import final_totals, table_keys, tables_of
from .units import change_percent, to_unit


@dataclass(frozen=True)
class YearFigure:
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
        self.figs: dict[str, YearFigure] = {}

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
        self.figs[unique] = YearFigure(section, group, label, title or _title(group, label), code, level, amount,
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


def year_figures(doc: DepartmentYear, keys: list[str], derived: Derived | None = None) -> dict[str, YearFigure]:
    """One year's figures by key; ``keys``: its tables' keys (``tables.table_keys``)."""
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
        for table, key in zip(tables_of(doc, derived), keys, strict=True):
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


def figures(old: DepartmentYear, new: DepartmentYear, unit: str, states: dict[tuple[str, str], str],
            crosswalk: Crosswalk, derived: Derived) -> list[FigureChange]:
    """The figures of both years paired, in the newer year's order; ``states``: each section's state
    by (attribute, "old"/"new"), for what a side without a figure says."""
    old_tables, new_tables = tables_of(old, derived), tables_of(new, derived)
    old_keys, new_keys = table_keys(old_tables, new_tables)
    a = derived.get(old, ("figures", *old_keys), lambda: year_figures(old, old_keys, derived))
    b = derived.get(new, ("figures", *new_keys), lambda: year_figures(new, new_keys, derived))
    a, old_codes = _follow_renumbering(a, b, old.meta.year, new.meta.year, crosswalk)
    a = _in_newer_tables(a, old_tables, old_keys, new_tables, new_keys)
    out = []
    for key in merge_order(list(a), list(b)):
        out.append(pair_figures(key, a.get(key), b.get(key), old.meta.unit, new.meta.unit, unit, states, old_codes.get(key)))
    return out


def _recode(key: str, code: str, other: str) -> str | None:
    """``key`` (ending in ``code``) with ``other`` in its place; None when it does not end so."""
    return key[: -len(code)] + other if key.endswith("." + code) else None


def _follow_renumbering(a: dict[str, YearFigure], b: dict[str, YearFigure], old_year: int, new_year: int,
                        crosswalk: Crosswalk) -> tuple[dict[str, YearFigure], dict[str, str]]:
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


def _in_newer_tables(a: dict[str, YearFigure], old_tables: Sequence[ClassTable], old_keys: list[str],
                     new_tables: Sequence[ClassTable], new_keys: list[str]) -> dict[str, YearFigure]:
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


def pair_figures(key: str, a: YearFigure | None, b: YearFigure | None, old_unit: str, new_unit: str, unit: str,
          states: dict[tuple[str, str], str], old_code: str | None = None) -> FigureChange:
    base = b or a
    assert base is not None
    old = to_unit(a.amount, old_unit, unit) if a and a.amount is not None else None
    new = to_unit(b.amount, new_unit, unit) if b and b.amount is not None else None
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
