"""A comparison of two department-years, as a frozen tree ready to print, and as open data.

``compare.compare`` builds it; pages print it without arithmetic; ``comparison_json`` and
``comparison_csv`` offer it for download. Every amount is a Decimal in the comparison's
unit (``Comparison.unit``), exact.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Literal

import pydantic_core

from ..content.numbers import plain
from .opendata import csv_text, write_rows
from .textdiff import Segment

Status = Literal["added", "removed", "changed", "unchanged", "blank"]
"""``blank``: a figure printed in both years with its cell empty in one of them (未填数)."""

ABSENT_STATES = frozenset({"未公开", "公开为无", "未收录"})
"""What a side without a figure says when its whole section has no figures: never 未列出."""


@dataclass(frozen=True)
class YearInfo:
    """One side of a comparison."""

    year: int
    kind: str  # 预算 / 决算
    unit: str  # the file's own unit
    department: str
    title: str | None
    rel: tuple[str, ...] | None  # the content file below content/, when compared from an Entry

    @property
    def label(self) -> str:
        return f"{self.year}年{self.kind}"


@dataclass(frozen=True)
class StatedChange:
    """A change from last year as the newer document states it (比上年), in the comparison's unit."""

    section: str  # 收支 / 机关运行经费 / 三公 / 政府采购
    subject: str
    direction: str  # 增加 / 减少 / 持平 / 新增 / 取消 / 无可比数据
    amount: Decimal | None  # 本年
    previous: Decimal | None  # 上年, when the document gives it
    delta: Decimal | None  # unsigned, as stated
    rate: Decimal | None  # unsigned percent, as stated
    purpose: str | None
    reason: str | None
    figure: str | None  # key of the FigureChange it describes, when one was found
    discrepancies: tuple[str, ...]  # where the stated figures disagree with the two years' figures

    @property
    def signed_delta(self) -> Decimal | None:
        if self.delta is None:
            return None
        return -self.delta if self.direction in ("减少", "取消") else self.delta

    @property
    def signed_rate(self) -> Decimal | None:
        if self.rate is None:
            return None
        return -self.rate if self.direction in ("减少", "取消") else self.rate


@dataclass(frozen=True)
class FigureChange:
    """One amount in both years: ``old`` and ``new`` in the comparison's unit."""

    key: str  # stable, e.g. 收支.支出合计, 收支.分类表.财政拨款支出预算表.2010201
    section: str  # 收支 / 三公 / 绩效 / 政府采购 / 国有资产
    group: str  # the heading it is shown under, e.g. 收支总额, 机关运行经费, 财政拨款支出预算表
    label: str  # its name within the group (the newer year's name when both have it)
    title: str  # its name in a sentence, e.g. “三公”经费中的公务接待费
    code: str | None
    level: int  # depth below the group's top rows (类 0, 款 1, 项 2)
    old: Decimal | None
    new: Decimal | None
    status: Status
    delta: Decimal | None  # new − old, when both exist
    percent: Decimal | None  # delta / old × 100, rounded; None when old is 0 or missing
    old_label: str | None = None  # the older year's name when it differs (matched by code)
    stated: tuple[StatedChange, ...] = ()
    # What a side without an amount says: "" (未列出: not in that year's document), 未公开,
    # 公开为无 or 未收录 (that year's section), 未填数 (printed with an empty cell) or the row's note.
    old_absent: str = ""
    new_absent: str = ""
    old_code: str | None = None  # 科目调整: the older year's code of a renumbered row
    classification: str | None = None  # 功能分类 / 经济分类, for rows of classification tables

    @property
    def unpublished(self) -> bool:
        """Added or removed because that year's section has no figures (未公开, 公开为无, 未收录)."""
        return (self.old_absent if self.status == "added" else self.new_absent) in ABSENT_STATES

    @property
    def recoded(self) -> bool:
        return self.old_code is not None and self.old_code != self.code

    @property
    def direction(self) -> str:
        """增加 / 减少 / 不变 / 新增 / 不再列出 / 本年未填数 / 上年未填数."""
        if self.status == "added":
            return "新增"
        if self.status == "removed":
            return "不再列出"
        if self.status == "blank":
            side, absent = ("本年", self.new_absent) if self.new is None else ("上年", self.old_absent)
            return f"{side}{absent}" if absent == "未填数" else f"{side}：{absent}"
        if self.delta is None or self.delta == 0:
            return "不变"
        return "增加" if self.delta > 0 else "减少"


@dataclass(frozen=True)
class IndicatorChange:
    """A performance indicator in both years, matched by (一级, 二级, 三级)."""

    level1: str
    level2: str | None
    level3: str | None
    status: Status
    old_target: str | None
    new_target: str | None
    changed: tuple[str, ...]  # the fields that differ: 指标值, 描述, 依据, 评分标准
    old_description: str | None = None
    new_description: str | None = None

    @property
    def target_changed(self) -> bool:
        return "指标值" in self.changed


@dataclass(frozen=True)
class ProjectChange:
    """A project's performance table in both years, matched by code, then by name."""

    key: str
    status: Status
    old_code: str | None
    new_code: str | None
    old_name: str | None
    new_name: str | None
    matched_by: Literal["编码", "名称"] | None
    budget: FigureChange | None
    indicators: tuple[IndicatorChange, ...]

    @property
    def name(self) -> str:
        return self.new_name or self.old_name or ""

    @property
    def renamed(self) -> bool:
        return self.matched_by is not None and self.old_name != self.new_name

    @property
    def recoded(self) -> bool:
        return self.matched_by is not None and self.old_code != self.new_code


@dataclass(frozen=True)
class TextChange:
    """A text in both years as diff segments (long unchanged runs folded)."""

    key: str
    group: str  # 职责 / 主要工作任务 / 绩效目标 / 保障措施 / 名词解释 …
    label: str
    status: Status
    segments: tuple[Segment, ...]
    deleted: int  # characters
    inserted: int
    old_label: str | None = None  # the older year's heading when it differs


@dataclass(frozen=True)
class SectionChange:
    """A section (or a part of one, such as a table) and its disclosure in each year."""

    key: str
    name: str
    old: str  # 已公开 / 无 / 未公开 / 未收录
    new: str
    status: Status  # added: disclosed only in the newer year; removed: only in the older
    sentence: str | None  # the call-out, when the status differs
    parent: str | None = None  # the section a part belongs to

    @property
    def called_out(self) -> bool:
        return self.status != "unchanged"


@dataclass(frozen=True)
class Comparison:
    """Everything that changed from ``older`` to ``newer``, ready to print."""

    department: str
    older: YearInfo
    newer: YearInfo
    unit: str  # the unit of every amount in the comparison
    notes: tuple[str, ...]  # about the comparison itself (units converted, kinds differ)
    summary: tuple[str, ...]
    sections: tuple[SectionChange, ...]
    parts: tuple[SectionChange, ...]
    figures: tuple[FigureChange, ...]
    projects: tuple[ProjectChange, ...]
    department_indicators: tuple[IndicatorChange, ...]
    texts: tuple[TextChange, ...]
    statements: tuple[StatedChange, ...]

    def figure(self, key: str) -> FigureChange:
        """The figure with ``key``; KeyError when there is none."""
        for f in self.figures:
            if f.key == key:
                return f
        raise KeyError(key)

    def groups(self) -> list[tuple[str, list[FigureChange]]]:
        """Figures by group, in order, for a page that shows one table per group."""
        out: dict[str, list[FigureChange]] = {}
        for f in self.figures:
            out.setdefault(f.group, []).append(f)
        return list(out.items())



# ---------------------------------------------------------------------------
# Open data

FORMAT = "site_builder.comparison/2"

CSV_COLUMNS = ("分组", "项目", "编码", "原数", "新数", "单位", "增减额", "增减率(%)", "状态", "原年度", "新年度",
               "文件所述增减额", "文件所述增减率(%)", "文件所述原因", "核对", "上年编码", "键")
"""One row per figure; amounts in 单位, changes signed (negative is a decrease); 状态 says 新增,
不再列出, 本年未填数 or, for a side whose section has no figures, 公开为无 / 未公开 / 未收录;
上年编码 is the older code of a renumbered row (科目调整)."""


def _plain_decimals(value: Any) -> Any:
    """``value`` with every Decimal as plain digits (``format(d, "f")``), dataclasses as dicts."""
    if isinstance(value, Decimal):
        return plain(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _plain_decimals(item) for name, item in vars(value).items()}
    if isinstance(value, dict):
        return {key: _plain_decimals(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_decimals(item) for item in value]
    return value


# A Decimal printed in exponent form by pydantic_core (str(Decimal)): digits, then E+n or E-n.
_EXPONENT = re.compile(r'"-?[0-9.]+E[+-][0-9]+"')


def comparison_json(c: Comparison) -> str:
    """The comparison as JSON: amounts as exact decimal strings in ``unit``, keys in a fixed order.

    The text is ``json.dumps(data, ensure_ascii=False, indent=1)``'s, where ``data`` is the
    comparison's fields after ``"format"``, and each figure (also a project's budget) ends
    with ``"unit"``. pydantic_core's encoder (Rust) writes it several times sooner than
    ``json``, whose indented encoder is pure Python: comparisons' JSON was a fifth of a build.
    It prints a Decimal as ``str()`` does, which is plain digits for every amount the content
    allows; should one come out in exponent form (1E-7), the data is encoded again with
    every Decimal as plain digits first.

    A dataclass's ``vars()`` is its fields in order (``__init__`` sets each in turn; these
    dataclasses have no slots and no cached properties), and copying it is what costs least.
    """
    unit = c.unit
    data = {"format": FORMAT, **vars(c)}
    data["figures"] = [{**vars(f), "unit": unit} for f in c.figures]
    data["projects"] = [{**vars(p), "budget": {**vars(p.budget), "unit": unit}} if p.budget else p
                        for p in c.projects]
    text = pydantic_core.to_json(data, indent=1).decode("utf-8")
    if ("E+" in text or "E-" in text) and _EXPONENT.search(text):
        text = json.dumps(_plain_decimals(data), ensure_ascii=False, indent=1)
    return text + "\n"


def _digits(value: Decimal | None) -> str:
    return "" if value is None else plain(value)


def _status(f: FigureChange, older: str, newer: str) -> str:
    if f.unpublished:  # the side without the figure: its whole section has none
        return f"{older}{f.old_absent}" if f.status == "added" else f"{newer}{f.new_absent}"
    return f.direction


def comparison_csv(c: Comparison) -> str:
    """The figures as CSV (UTF-8 with a BOM, CRLF): one row per figure, Chinese headers.

    What ``opendata.csv_text`` writes, with each row made as a tuple of its cells, which
    costs half as much as a dict per row (None is an empty cell to ``csv``).
    """
    out = io.StringIO()
    out.write(csv_text(CSV_COLUMNS, ()))  # the BOM and the header line
    write_rows(out, _csv_rows(c))
    return out.getvalue()


def _csv_rows(c: Comparison) -> Iterator[tuple[Any, ...]]:
    unit, older, newer = c.unit, c.older.label, c.newer.label
    for f in c.figures:
        stated = f.stated[0] if f.stated else None
        yield (
            f.group, f.label, f.code, _digits(f.old), _digits(f.new), unit, _digits(f.delta), _digits(f.percent),
            _status(f, older, newer), older, newer,
            _digits(stated.signed_delta) if stated else None, _digits(stated.signed_rate) if stated else None,
            stated.reason if stated else None, "；".join(d for s in f.stated for d in s.discrepancies) or None,
            f.old_code if f.recoded else None, f.key)
