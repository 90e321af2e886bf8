"""Tables as the templates get them: cells already formatted, hierarchy and grouping resolved.

One generic shape (``Table`` of ``TableRow`` of ``Cell``) serves every table of the site,
so one macro prints them all with captions and headers. This module builds that view data
only; html.py prints the rows (the filter ``table_rows``: ``<tr>``, ``<th scope>``, classes,
the amount markup), since template code per row and per cell is the slowest part of a big
site, and a theme that overrides the macro may loop over the cells itself.
The builders here turn the content's rows into it: classification tables as the 类/款/项
hierarchy their codes describe, indicator tables grouped 一级 → 二级 → 三级.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from markupsafe import Markup

from ..content.check import parent_code
from .fmt import Money, maybe_money, percent
from ..content.model import Change, Indicator, Row

BLANK = "—"  # an empty cell of the published table
LONG_TABLE = 20  # rows: above this, a table keeps its header row in view (Table.long)


class Cell(NamedTuple):
    """One table cell: plain text, an amount, or sanitised HTML.

    A named tuple, not a frozen dataclass: a page has hundreds of cells, and a tuple is
    made several times faster."""

    text: str = ""
    money: Money | None = None
    html: Markup | None = None
    link: str | None = None  # a site-relative target; the template makes it relative to the page
    header: bool = False  # a row header: <th scope="row">
    scope: str = "row"
    rowspan: int = 1
    level: int = 0  # depth in a hierarchy (indentation)
    level_label: str = ""  # 类 / 款 / 项
    numeric: bool = False
    label: str = ""  # the column's name, for a table stacked as label–value pairs on a phone (data-label)
    home: str = ""  # a budget line's history (site-relative, with its #anchor): the cell is its 历年 link, ``text`` its name
    unit: str = ""  # a unit after ``text`` that the column shows: not seen, read by screen readers and indexed

    @property
    def empty(self) -> bool:
        return self.money is None and not self.html and self.text in ("", BLANK)

    @property
    def classes(self) -> str:
        """The cell's CSS classes: alignment, hierarchy depth, and long text to be given room."""
        text, money, html, _, header, _, _, level, _, numeric, _, _, _ = self
        if numeric:
            return f"num level-{level}" if level else "num"
        # Chinese text may break after any character, so a table too wide for a phone would
        # squeeze a column of long text to a few characters a line; 'text-long' keeps it readable.
        long = not (header or money) and len(html.striptags() if html else text) > 12
        if level:
            return f"level-{level} text-long" if long else f"level-{level}"
        return "text-long" if long else ""


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


class TableRow(NamedTuple):
    cells: tuple[Cell, ...]
    kind: str = ""  # "total" for a total row; "group" for a heading-only row
    id: str = ""  # a budget line's anchor (lines.py)


@dataclass(frozen=True)
class Table:
    """A table with a caption; ``bodies`` are <tbody> groups, ``foot`` the totals."""

    id: str
    caption: str
    columns: tuple[Column, ...]
    bodies: tuple[tuple[TableRow, ...], ...]
    foot: tuple[TableRow, ...] = ()
    unit: str = ""  # "单位：元", printed in the caption
    note: Markup = field(default_factory=Markup)
    stacked: bool = False  # below ~480 px each row reads as label–value pairs (the cells' data-label), no sideways scroll

    @property
    def rows(self) -> tuple[TableRow, ...]:
        return tuple(row for body in self.bodies for row in body)

    @property
    def long(self) -> bool:
        """More rows than a screen holds: the table scrolls in its own box, its header row kept in view."""
        return sum(len(body) for body in self.bodies) > LONG_TABLE

    @property
    def empty(self) -> bool:
        return not self.bodies or not any(self.bodies)


_BLANK_TEXT, _BLANK_NUMBER = Cell(BLANK), Cell(BLANK, numeric=True)  # cells are immutable: shared


def amount_cell(money: Money | None) -> Cell:
    return Cell(money=money, numeric=True) if money is not None else _BLANK_NUMBER


def text_cell(text: str | None, numeric: bool = False) -> Cell:
    if text:
        return Cell(text, numeric=numeric)
    return _BLANK_NUMBER if numeric else _BLANK_TEXT


def make_table(id: str, caption: str, columns: Sequence[Column], rows: Iterable[TableRow], *, unit: str = "",
               foot: Iterable[TableRow] = (), note: Markup | None = None, keep: int = 1, stacked: bool = False) -> Table:
    """A one-body table without the columns that are empty in every row (the first ``keep`` stay).

    ``stacked``: on a phone each row reads as label–value pairs, each data cell labelled with its column."""
    rows = tuple(rows)
    foot = tuple(foot)
    empty = range(keep, len(columns))  # the columns empty in every row seen so far
    for row in rows + foot:
        if not empty:
            break
        cells = row.cells
        empty = [i for i in empty if i >= len(cells) or cells[i].empty]
    used = [i not in empty for i in range(len(columns))]
    kept = tuple(c for c, u in zip(columns, used) if u)
    body = _pick(rows, used)
    if stacked:
        body = tuple(TableRow(tuple(c if c.header else c._replace(label=col.label) for c, col in zip(r.cells, kept)), r.kind, r.id)
                     for r in body)
    return Table(id, caption, kept, (body,) if rows else (), _pick(foot, used), unit, note or Markup(""), stacked)


def _pick(rows: tuple[TableRow, ...], used: list[bool]) -> tuple[TableRow, ...]:
    if all(used):
        return rows
    return tuple(TableRow(tuple(c for c, u in zip(r.cells, used) if u), r.kind, r.id) for r in rows)


# ---------------------------------------------------------------------------
# Classification tables: 类/款/项 from the codes, or nesting by 子项

LEVEL_LABELS = {"功能分类": {3: "类", 5: "款", 7: "项"}, "经济分类": {3: "类", 5: "款"}}


def row_anchors(prefix: str, rows: Sequence[Row]) -> list[str]:
    """The anchors of ``rows`` and their 子项, depth first (the order a table prints them), each unique:
    ``<prefix>-<code>``, or the path of names where a row has no code (lines.py)."""
    out: list[str] = []
    seen: set[str] = set()

    def walk(items: Sequence[Row], path: str) -> None:
        for row in items:
            name = "".join(row.name.split())
            ident = row.code or f"{path}{name}"
            anchor = f"{prefix}-{ident}"
            n = 2
            while anchor in seen:
                anchor = f"{prefix}-{ident}-{n}"
                n += 1
            seen.add(anchor)
            out.append(anchor)
            walk(row.children, f"{path}{name}/")

    walk(rows, "")
    return out


def hierarchy_rows(rows: list[Row], unit: str, classification: str | None = None,
                   columns: Sequence[str] = ()) -> list[TableRow]:
    """Rows as a hierarchy: depth from the codes (a code's parent is the longest code it extends)
    or from 子项; the level label (类/款/项) from the code's length where the scheme defines it."""
    labels = LEVEL_LABELS.get(classification or "", {})
    codes = [r.code for r in rows]
    parent_of = {code: parent_code(code, codes) for code in codes if code}  # each code's parent, found once
    has_children = set(parent_of.values())  # coded_children's parents
    depths: dict[str, int] = {}

    def depth(code: str) -> int:
        known = depths.get(code)
        if known is None:
            parent = parent_of[code]
            known = depths[code] = 0 if parent is None else depth(parent) + 1
        return known

    out: list[TableRow] = []
    for row in rows:
        code = row.code
        out += _tree_rows(row, unit, depth(code) if code else 0, labels, bool(code) and code in has_children, columns)
    return out


def _tree_rows(row: Row, unit: str, depth: int, labels: dict[int, str], parent: bool = False,
               columns: Sequence[str] = ()) -> list[TableRow]:
    label = labels.get(len(row.code or ""), "")
    head = Cell(row.name, header=True, level=depth, level_label=label)
    split = _split_cells(getattr(row, "split", None) or {}, columns, unit)
    cells = (text_cell(row.code), head, amount_cell(maybe_money(row.amount, unit)), *split, text_cell(row.note))
    out = [TableRow(cells, "group" if row.children or parent else "")]
    for child in row.children:
        out += _tree_rows(child, unit, depth + 1, labels, columns=columns)
    return out


def _split_cells(split: dict[str, Decimal], columns: Sequence[str], unit: str) -> list[Cell]:
    """The cells of a row's other amount columns (分栏), in the table's column order; blank where empty."""
    return [amount_cell(maybe_money(split.get(c), unit)) for c in columns]


ROW_COLUMNS = (Column("编码"), Column("名称"), Column("金额", numeric=True), Column("说明"))
HISTORY_COLUMN = Column("历年")  # each row's permalink: its history on the department's lines page


def rows_table(id: str, caption: str, rows: list[Row], unit: str, *, classification: str | None = None,
               total: Money | None = None, total_label: str = "合计", note: Markup | None = None,
               columns: Sequence[str] = (), total_split: dict[str, Decimal] | None = None,
               anchors: str = "", home: str = "") -> Table:
    """A table of coded or nested rows, with an optional total in the foot.

    ``columns`` are the table's amount columns besides 合计 (a classification table's 栏目): the
    amount column is then headed 合计 and each row's 分栏 fills the columns after it.
    ``anchors``: each row gets an id from ``row_anchors(anchors, rows)``; ``home``: the page of
    those anchors' histories, linked from a last column, 历年 (each row's permalink)."""
    body = hierarchy_rows(rows, unit, classification, columns)
    head = (ROW_COLUMNS[:2] + (Column("合计", numeric=True),) + tuple(Column(c, numeric=True) for c in columns)
            + ROW_COLUMNS[3:]) if columns else ROW_COLUMNS
    if anchors:
        ids = row_anchors(anchors, rows)
        if home:
            head += (HISTORY_COLUMN,)
            body = [TableRow(r.cells + (Cell(r.cells[1].text, home=f"{home}#{line}"),), r.kind, line)
                    for r, line in zip(body, ids, strict=True)]
        else:
            body = [TableRow(r.cells, r.kind, line) for r, line in zip(body, ids, strict=True)]
    foot = []
    if total or total_split:
        split = _split_cells(total_split or {}, columns, unit)
        foot = [TableRow((Cell(""), Cell(total_label, header=True), amount_cell(total), *split, Cell(""))
                         + ((Cell(""),) if anchors and home else ()), "total")]
    table = make_table(id, caption, head, body, unit=f"单位：{unit}", foot=foot, note=note, keep=0)
    return table


# ---------------------------------------------------------------------------
# Indicator tables: 一级 → 二级 → 三级

INDICATOR_COLUMNS = (Column("一级指标"), Column("二级指标"), Column("三级指标"), Column("指标值"), Column("指标描述"),
                     Column("指标值确定依据"), Column("评（扣）分标准"), Column("备注"))


INDICATOR_EXTRAS = ("description", "basis", "scoring", "remark")  # the optional columns, after 指标值


def indicator_table(id: str, caption: str, indicators: list[Indicator]) -> Table:
    """Indicators grouped as their tree: one <tbody> per run of one 一级, 二级 spanning its rows."""
    extra = [any(getattr(i, name) for i in indicators) for name in INDICATOR_EXTRAS]
    columns = INDICATOR_COLUMNS[:4] + tuple(c for c, used in zip(INDICATOR_COLUMNS[4:], extra) if used)
    extras = [name for name, used in zip(INDICATOR_EXTRAS, extra) if used]
    bodies: list[tuple[TableRow, ...]] = []
    for level1_run in _runs(indicators, lambda i: i.level1):
        body: list[TableRow] = []
        first_in_body = True
        for level2_run in _runs(level1_run, lambda i: i.level2 or ""):
            for k, ind in enumerate(level2_run):
                cells: list[Cell] = []
                if first_in_body:
                    cells.append(Cell(ind.level1, header=True, scope="rowgroup", rowspan=len(level1_run)))
                    first_in_body = False
                if k == 0:
                    cells.append(Cell(ind.level2 or BLANK, header=True, rowspan=len(level2_run)))
                level3, target = ind.level3, ind.target
                cells.append(Cell(level3, header=True) if level3 else _BLANK_TEXT)
                cells.append(text_cell(str(target) if target is not None else None)._replace(label="指标值"))
                for name, column in zip(extras, columns[4:]):
                    cells.append(text_cell(getattr(ind, name))._replace(label=column.label))
                body.append(TableRow(tuple(cells), "" if level3 else "group"))
        bodies.append(tuple(body))
    return Table(id, caption, columns, tuple(bodies), stacked=True)


def _runs(items: Sequence[Indicator], key) -> list[list[Indicator]]:  # type: ignore[no-untyped-def]
    """Consecutive items with the same key, in order."""
    runs: list[list[Indicator]] = []
    for item in items:
        if runs and key(runs[-1][-1]) == key(item):
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


# ---------------------------------------------------------------------------
# Changes from last year (比上年)

CHANGE_COLUMNS = (Column("项目"), Column("本年", numeric=True), Column("上年", numeric=True), Column("上年口径"), Column("变化"),
                  Column("增减额", numeric=True), Column("增减率", numeric=True), Column("金额单位"), Column("用途"),
                  Column("原因"))


def changes_table(id: str, caption: str, changes: list[Change], unit: str) -> Table:
    """The stated changes; a change stated in another unit than the file's (文字以万元说明) names
    its unit in a column of its own, and its amounts are printed as stated."""
    rows = []
    for c in changes:
        own = c.unit or unit
        rows.append(TableRow((Cell(c.subject, header=True), amount_cell(maybe_money(c.amount, own)),
                              amount_cell(maybe_money(c.previous, own)), text_cell(c.basis), Cell(c.direction),
                              amount_cell(maybe_money(c.delta, own)),
                              text_cell(percent(c.rate) if c.rate is not None else None, numeric=True),
                              text_cell(own if own != unit else None), text_cell(c.purpose), text_cell(c.reason))))
    return make_table(id, caption, CHANGE_COLUMNS, rows, unit=f"单位：{unit}（另注明者除外）"
                      if any(c.unit not in (None, unit) for c in changes) else f"单位：{unit}", stacked=True)
