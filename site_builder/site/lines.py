"""Every budget line has a home: one page per department with each line's history across its years.

A line is a row of a classification table (功能分类 or 经济分类 code, or a named row), an
item of 机关运行经费, a “三公”经费 item or a project. Each has an anchor, the same on the
year page (its row's id) and on the department's lines page (``<department>/lines/``,
its history's id), so a row's 历年 link is its permalink: the amount in every year it
appears, the change and reason the document itself states, and a small trend chart.

Tables are told apart across years by classification, scope and title (without a
trailing note such as （功能科目）), as the comparisons match them (``compare.table_ident``);
rows by code, or by name where a table has no codes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from . import routes
from .charts import Bar, Chart, bar_chart
from ..derive.compare import bare_name, table_ident, tables_of, to_unit
from .fmt import Money, money, percent
from ..content.model import Change, ClassTable, DepartmentYear, Row
from .regions import breadcrumbs
from .routes import Link, entry_path, year_label
from .tables import Cell, Column, Table, TableRow, amount_cell, make_table, row_anchors, text_cell

if TYPE_CHECKING:
    from ..content.load import Entry
    from .regions import Department


def lines_path(region_slugs: tuple[str, ...], department_slug: str) -> str:
    return "/".join((*region_slugs, department_slug, "lines", routes.HOME))


def _clean(text: str) -> str:
    return "".join(text.split())


def table_prefix(table: ClassTable) -> str:
    """The anchor prefix of a classification table's rows: its title without a trailing note."""
    return "line-" + _clean(table_ident(table)[2])


def _walk(rows: Sequence[Row]) -> Iterator[Row]:
    for row in rows:
        yield row
        yield from _walk(row.children)


THREE_COSTS = (("abroad", "因公出国（境）费"), ("vehicles", "公务用车购置及运行维护费"), ("vehicle_purchase", "公务用车购置费"),
               ("vehicle_running", "公务用车运行维护费"), ("reception", "公务接待费"), ("total", "“三公”经费合计"),
               ("meetings", "会议费"), ("training", "培训费"), ("grand_total", "总计"))


def three_costs_anchor(attr: str) -> str:
    return f"line-三公-{attr}"


def project_anchor(name: str) -> str:
    return "line-项目-" + _clean(name)


RUNNING_PREFIX = "line-机关运行经费"


@dataclass(frozen=True)
class _Line:
    group: str  # the group's key
    group_title: str
    anchor: str
    label: str
    amount: Decimal | None  # in the document's unit
    previous: str = ""  # 上年编码: the anchor this row had in the previous year's document (科目调整)


def year_lines(doc: DepartmentYear) -> list[_Line]:
    """The lines of one department-year, in the page's order."""
    out: list[_Line] = []
    t = doc.three_costs
    if t.disclosed:
        for attr, label in THREE_COSTS:
            value = getattr(t, attr)
            if value is not None:
                out.append(_Line("三公", "“三公”经费", three_costs_anchor(attr), label, value))
    f = doc.finance
    if f.disclosed:
        for table in tables_of(doc):  # a 决算's: its 一般公共预算 tables by 功能 and 经济 class
            classification, scope, title = table_ident(table)
            prefix = table_prefix(table)
            group_title = f"{title}（{classification}{'，' + scope if scope else ''}）"
            for row, anchor in zip(_walk(table.rows), row_anchors(prefix, table.rows), strict=True):
                out.append(_Line(prefix, group_title, anchor, f"{row.code} {row.name}" if row.code else row.name,
                                 row.amount, f"{prefix}-{row.previous_code}" if row.previous_code else ""))
        if f.running_costs is not None:
            rows = f.running_costs.items
            for row, anchor in zip(_walk(rows), row_anchors(RUNNING_PREFIX, rows), strict=True):
                out.append(_Line(RUNNING_PREFIX, "机关运行经费", anchor,
                                 f"{row.code} {row.name}" if row.code else row.name, row.amount))
    p = doc.performance
    if p.disclosed:
        seen: set[str] = set()
        for project in p.projects:
            anchor = project_anchor(project.name)
            if anchor not in seen:
                seen.add(anchor)
                out.append(_Line("项目", "项目", anchor, project.name, project.budget))
    return out


def stated_changes(doc: DepartmentYear) -> list[tuple[str, Change]]:
    """The document's own 比上年 statements, with the normalised name of what each describes."""
    lists = []
    if doc.finance.disclosed:
        lists.append(doc.finance.changes)
        if doc.finance.running_costs is not None:
            lists.append(doc.finance.running_costs.changes)
    if doc.three_costs.disclosed:
        lists.append(doc.three_costs.changes)
    return [(bare_name(change.subject), change) for changes in lists for change in changes]


def _stated_for(label: str, amount: Decimal, stated: list[tuple[str, Change]]) -> Change | None:
    """The statement about a line: the same name (一般公共服务（类）支出 is 一般公共服务支出), or a
    name that ends with the line's (政协事务（款）行政运行（项） for 行政运行) and the same amount."""
    name = label.split(" ", 1)[-1] if label[:1].isdigit() else label
    key = bare_name(name)
    for subject, change in stated:
        if subject in (key, key.removesuffix("支出"), key + "支出"):
            return change
    for subject, change in stated:
        if subject.endswith(key) and change.unit is None and change.amount == amount:
            return change
    return None


def stated_text(change: Change, unit: str) -> str:
    """The document's own words on a change: "增加 14.89 万元（1.33%）"."""
    parts = [change.direction]
    if change.delta is not None:
        parts.append(str(money(change.delta, unit)))
    text = " ".join(parts)
    if change.rate is not None:
        text += f"（{percent(change.rate)}）"
    return text


# ---------------------------------------------------------------------------
# The lines page


@dataclass(frozen=True)
class LineHistory:
    anchor: str
    title: str
    years: int  # in how many of the department's years the line appears
    chart: Chart | None
    table: Table
    aliases: tuple[str, ...] = ()  # the anchors of its rows under an older code (上年编码): permalinks from those years


@dataclass(frozen=True)
class LineGroup:
    id: str
    title: str
    lines: tuple[LineHistory, ...]


@dataclass(frozen=True)
class LinesView:
    path: str
    title: str
    crumb: str
    region: str
    department: str
    breadcrumbs: tuple[Link, ...]
    unit: str
    years: tuple[Link, ...]
    groups: tuple[LineGroup, ...]
    count: int


def lines_view(dept: Department, names: dict[tuple[str, ...], str]) -> LinesView:
    entries: Sequence[Entry] = dept.entries
    units = {e.model.meta.unit for e in entries}
    unit = units.pop() if len(units) == 1 else "万元"
    # A renumbered row (上年编码) is one line with the row of its old code a year before: each year's lines
    # are keyed by the anchor the line has in the newest year it appears in; older anchors stay as aliases.
    per_year: list[tuple[Entry, dict[str, _Line], list[tuple[str, Change]]]] = []
    aliases: dict[str, list[str]] = {}
    renamed: dict[str, str] = {}  # an anchor of the year being read → the line's key
    for e in reversed(entries):
        keyed: dict[str, _Line] = {}
        older: dict[str, str] = {}
        for line in year_lines(e.model):
            key = renamed.get(line.anchor, line.anchor)
            if key != line.anchor and line.anchor not in aliases.setdefault(key, []):
                aliases[key].append(line.anchor)
            keyed.setdefault(key, line)
            if line.previous and line.previous != line.anchor:
                older[line.previous] = key
        renamed = older
        per_year.insert(0, (e, keyed, stated_changes(e.model)))
    order: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    labels: dict[str, str] = {}
    for _, lines, _ in reversed(per_year):  # the newest year's order first; lines of older years only after
        for key, line in lines.items():
            group = order.setdefault(line.group, [])
            titles.setdefault(line.group, line.group_title)
            if key not in labels:
                labels[key] = line.label
                group.append(key)
    groups = []
    count = 0
    for g, (group, anchors) in enumerate(order.items(), 1):
        histories = []
        for anchor in anchors:
            rows, bars, present = [], [], 0
            for e, lines, stated in per_year:
                line = lines.get(anchor)
                doc = e.model
                label = year_label(doc)
                year_link = entry_path(e) + ("#" + line.anchor if line is not None else "")
                if line is None or line.amount is None:
                    missing = "未列出" if line is None else "未列金额"
                    if line is None and not _section_disclosed(doc, group):
                        missing = _status(doc, group)
                    rows.append(TableRow((Cell(label, header=True, link=year_link), Cell(missing, numeric=True),
                                          text_cell(None), text_cell(None))))
                    bars.append(Bar(label, None, missing))
                    continue
                present += 1
                amount = to_unit(line.amount, doc.meta.unit, unit)
                m: Money = money(amount, unit)
                change = _stated_for(line.label, line.amount, stated) if group != "项目" else None
                rows.append(TableRow((Cell(label, header=True, link=year_link), amount_cell(m),
                                      text_cell(stated_text(change, change.unit or doc.meta.unit) if change else None),
                                      text_cell(change.reason if change else None))))
                bars.append(Bar(label, amount, str(m)))
            title = labels[anchor]
            caption = f"{title}（{titles[group]}）：历年数字" if group not in ("三公", "项目") else f"{title}：历年数字"
            columns = (Column("年度"), Column(f"金额（{unit}）", numeric=True), Column("文件所述比上年变化"), Column("原因"))
            table = make_table(f"{anchor}-table", caption, columns, rows, unit=f"单位：{unit}", keep=2,
                               stacked=True)
            chart = bar_chart(f"{anchor}-chart", f"{title}：历年数字", bars) if len(entries) > 1 else None
            histories.append(LineHistory(anchor, title, present, chart, table, tuple(aliases.get(anchor, ()))))
        count += len(histories)
        groups.append(LineGroup(f"group-{g}", titles[group], tuple(histories)))
    region = " ".join(entries[-1].model.meta.region.names)
    crumbs = tuple(breadcrumbs(names, dept.region_slugs)) + (Link(dept.name, dept.path),)
    return LinesView(lines_path(dept.region_slugs, dept.slug), f"{dept.name} 逐项历年数字", "逐项历年数字", region,
                     dept.name, crumbs, unit, tuple(Link(year_label(e.model), entry_path(e)) for e in entries),
                     tuple(groups), count)


def _section_disclosed(doc: DepartmentYear, group: str) -> bool:
    return (doc.three_costs if group == "三公" else doc.performance if group == "项目" else doc.finance).disclosed


def _status(doc: DepartmentYear, group: str) -> str:
    section = doc.three_costs if group == "三公" else doc.performance if group == "项目" else doc.finance
    return "未公开" if section.status == "未公开" else "公开为无"
