"""公开完整度: what a department-year was expected to disclose, and what it did.

The items and their weights live in one data file (``defaults/scorecard.yaml``, which a
site overrides with ``scorecard.yaml`` beside its ``site.toml``); the rules that decide
each item are here. Every item is 已公开 (present), 公开为无 (disclosed as none: an empty
table published with its note counts as disclosed, as the evaluators count it) or
未公开 (missing).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from .messages import validation_message
from .model import DepartmentYear, Section
from .problems import Message, Reporter, format_key
from .types import Strict, Text
from .yamlload import YamlError, decode, parse_yaml

DEFAULT = Path(__file__).parent / "defaults" / "scorecard.yaml"
State = Literal["已公开", "公开为无", "未公开"]


class Item(Strict):
    rule: str = Field(alias="规则")
    name: Text = Field(alias="名称")
    section: Literal["职责", "收支", "三公", "绩效", "政府采购", "国有资产", "名词解释"] = Field(alias="栏目")
    weight: int = Field(alias="权重", ge=0, le=1000, strict=True)


class ItemList(Strict):
    items: list[Item] = Field(alias="事项", min_length=1)


@dataclass(frozen=True)
class Mark:
    item: Item
    state: State


@dataclass(frozen=True)
class Scorecard:
    marks: tuple[Mark, ...]

    @functools.cached_property
    def score(self) -> Decimal:
        """Weighted share of items disclosed (present or as none), 0–100, one decimal."""
        total = sum(m.item.weight for m in self.marks)
        got = sum(m.item.weight for m in self.marks if m.state != "未公开")
        if total == 0:
            return Decimal(0)
        return (Decimal(got) * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def count(self, state: State) -> int:
        return sum(1 for m in self.marks if m.state == state)


def _section(doc: DepartmentYear, name: str) -> Section:
    return {"职责": doc.duties, "收支": doc.finance, "三公": doc.three_costs, "绩效": doc.performance,
            "政府采购": doc.procurement, "国有资产": doc.assets, "名词解释": doc.glossary}[name]


def _quantified(doc: DepartmentYear) -> bool:
    p = doc.performance
    indicators = [i for project in p.projects for i in project.indicators]
    if p.department_table is not None:
        indicators += p.department_table.indicators
    return any(i.target is not None and i.target.kind == "定量" for i in indicators)


RULES: dict[str, Callable[[DepartmentYear], bool]] = {
    "duties": lambda d: bool(d.duties.duties),
    "organisation": lambda d: bool(d.duties.units or d.duties.organisation or d.duties.budget_units),
    "revenue": lambda d: d.finance.revenue_total is not None,
    "expenditure": lambda d: d.finance.expenditure_total is not None and d.finance.basic is not None
    and d.finance.project is not None,
    "by_function": lambda d: bool(d.finance.by_function)
    or any(t.classification == "功能分类" and t.rows for t in d.finance.tables),
    "by_economic": lambda d: any(t.classification == "经济分类" and t.rows for t in d.finance.tables)
    or (d.finance.personnel is not None and d.finance.public is not None),
    "running_costs": lambda d: d.finance.running_costs is not None,
    "finance_changes": lambda d: bool(d.finance.changes),
    "three_costs_total": lambda d: d.three_costs.total is not None,
    "three_costs_items": lambda d: all(
        v is not None for v in (d.three_costs.abroad, d.three_costs.reception)
    ) and (d.three_costs.vehicles is not None or d.three_costs.vehicle_running is not None),
    # Every stated increase or decrease comes with its reason ("与上年数一致" needs none).
    "three_costs_reasons": lambda d: bool(d.three_costs.changes) and all(
        c.reason for c in d.three_costs.changes if c.direction not in ("持平", "无可比数据")),
    "performance_goals": lambda d: bool(d.performance.overall or d.performance.goals or d.performance.department_table),
    "project_goals": lambda d: bool(d.performance.projects),
    "quantified_targets": _quantified,
    "procurement": lambda d: True,
    "assets": lambda d: True,
    "glossary": lambda d: bool(d.glossary.terms),
}


def score(doc: DepartmentYear, items: ItemList) -> Scorecard:
    """Mark each item for ``doc``: a section not disclosed marks all its items 未公开."""
    marks = []
    for item in items.items:
        section = _section(doc, item.section)
        if section.status == "未公开":
            state: State = "未公开"
        elif section.status == "无":
            state = "公开为无"
        else:
            state = "已公开" if RULES[item.rule](doc) else "未公开"
        marks.append(Mark(item, state))
    return Scorecard(tuple(marks))


def load_items(path: Path, reporter: Reporter, name: str | None = None) -> ItemList | None:
    """Read a scorecard item list; report problems like content errors (as ``name``); None on errors."""
    shown = name or str(path)
    try:
        document = parse_yaml(decode(path.read_bytes()))
    except YamlError as err:
        reporter.error(shown, err.line, format_key(err.path), err.message)
        return None
    try:
        items = ItemList.model_validate(document.data)
    except ValidationError as err:
        for e in err.errors(include_url=False):
            loc = tuple(e["loc"])
            # The English stays pydantic's own, as the command line has always printed it.
            zh = validation_message(e, loc, ItemList).zh
            reporter.error(shown, document.line_of(loc), format_key(loc), Message(e["msg"], zh))
        return None
    for i, item in enumerate(items.items):
        if item.rule not in RULES:
            reporter.error(shown, document.line_of(("事项", i, "规则")), format_key(("事项", i, "规则")),
                           Message(f"unknown rule '{item.rule}'; expected one of: {', '.join(RULES)}",
                                   f"未知的规则“{item.rule}”；可用的规则：{'、'.join(RULES)}"))
            return None
    return items
