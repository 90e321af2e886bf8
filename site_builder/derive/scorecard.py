"""公开完整度: what a department-year was expected to disclose, and what it did.

The items and their weights live in one data file (``defaults/scorecard.yaml``, which a
site overrides with ``scorecard.yaml`` beside its ``site.toml``); the rules that decide
each item are here. Every item is 已公开 (present), 公开为无 (disclosed as none: an empty
table published with its note counts as disclosed, as the evaluators count it), 未公开
(missing), 未收录 (its section is in a document not collected here: not assessed at all) or
无（与数字不符） (disclosed as none, but the department's own figures show there is something:
a gap, earning nothing, with the figure that contradicts it).

The score is the weight earned over the weight of the items assessed (all but 未收录);
``assessed_share`` says how much of the list that is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field

from ..content.numbers import grouped
from ..content.load import display_path
from ..content.model import DepartmentYear, Row, Section
from ..problems import Message, Reporter, format_key
from ..content.types import Strict, Text
from ..content.yamlload import load_data_file

DEFAULT = Path(__file__).parents[1] / "defaults" / "scorecard.yaml"
State = Literal["已公开", "公开为无", "未公开", "未收录", "无（与数字不符）"]
CONTRADICTED: State = "无（与数字不符）"
EARNING: frozenset[str] = frozenset({"已公开", "公开为无"})


class Item(Strict):
    rule: str = Field(alias="规则")
    name: Text = Field(alias="名称")
    section: Literal["职责", "收支", "三公", "绩效", "政府采购", "国有资产", "名词解释"] = Field(alias="栏目")
    weight: int = Field(alias="权重", ge=0, le=1000, strict=True)
    kind: Literal["预算", "决算"] | None = Field(None, alias="类型", description="只适用于预算或决算；不填则两者都适用")

    def applies(self, doc: DepartmentYear) -> bool:
        return self.kind is None or self.kind == doc.meta.kind


class ItemList(Strict):
    items: list[Item] = Field(alias="事项", min_length=1)


@dataclass(frozen=True)
class Mark:
    item: Item
    state: State
    note: str = ""  # why a 无 is contradicted: the figure that says otherwise


_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Scorecard:
    marks: tuple[Mark, ...]

    @property
    def total_weight(self) -> int:
        return sum(m.item.weight for m in self.marks)

    @property
    def assessed_weight(self) -> int:
        """The weight of the items that could be assessed: all but those 未收录."""
        return sum(m.item.weight for m in self.marks if m.state != "未收录")

    @property
    def earned(self) -> int:
        return sum(m.item.weight for m in self.marks if m.state in EARNING)

    @functools.cached_property
    def score(self) -> Decimal:
        """Weighted share of the assessed items disclosed (present or as none), 0–100, one decimal."""
        assessed = self.assessed_weight
        if assessed == 0:
            return Decimal(0)
        return (Decimal(self.earned) * 100 / assessed).quantize(_TENTH, rounding=ROUND_HALF_UP)

    @property
    def assessed_share(self) -> Decimal:
        """The weight assessed as a share of the whole list, 0–100, one decimal."""
        total = self.total_weight
        if total == 0:
            return Decimal(0)
        return (Decimal(self.assessed_weight) * 100 / total).quantize(_TENTH, rounding=ROUND_HALF_UP)

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


def _tables(*attrs: str) -> Callable[[DepartmentYear], bool]:
    """A 决算's tables are published: each with its figures or as 无 with its note."""
    def rule(d: DepartmentYear) -> bool:
        final = d.finance.final
        return final is not None and all(getattr(final, a).status in ("已公开", "无") for a in attrs)
    return rule


def _final_outturn(d: DepartmentYear) -> bool:
    final = d.finance.final
    total = final.general.total if final is not None and final.general.disclosed else None
    return total is not None and (total.initial is not None or total.full_year is not None) and bool(total.reason)


def _three_costs_outturn(d: DepartmentYear) -> bool:
    """The 三公 budget beside the outturn, and where they differ the reason."""
    t = d.three_costs
    if t.budget is None or t.budget.total is None or t.total is None:
        return False
    return t.budget.total == t.total or any(o.subject == "合计" and o.reason for o in t.outturn)


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
    # 决算
    "final_income": _tables("overview", "income"),
    "final_expenditure": _tables("expenditure"),
    "final_appropriation": _tables("fiscal", "gov_fund", "capital"),
    "final_by_function": _tables("general"),
    "final_by_economic": _tables("basic"),
    "final_outturn": _final_outturn,
    "three_costs_outturn": _three_costs_outturn,
    "self_evaluation": lambda d: d.performance.self_evaluation is not None
    and d.performance.self_evaluation.evaluated_projects is not None,
    "performance_management": lambda d: bool(d.performance.management),
}


# Economic classes that are 三公 spending (DOMAIN.md), and the capital spending a procurement
# budget would hold (310 资本性支出: equipment, vehicles, networks …).
_THREE_COST_CODES = ("30212", "30217", "30231", "31013")
_PROCUREMENT_PREFIX = "310"


def _economic_rows(doc: DepartmentYear) -> list[Row]:
    f = doc.finance
    if not f.disclosed:
        return []
    rows = [r for t in f.tables if t.classification == "经济分类" for r in t.rows]
    if f.final is not None and f.final.basic.disclosed:  # a 决算's 基本支出 by economic class
        rows += [Row.model_validate({"编码": r.code, "名称": r.name, "金额": r.amount}) for r in f.final.basic.rows]
    if f.running_costs is not None:
        rows += f.running_costs.items
    return rows


def _spent(rows: list[Row], wanted: Callable[[str], bool]) -> Row | None:
    return next((r for r in rows if r.code and wanted(r.code) and r.amount is not None and r.amount > 0), None)


def contradiction(doc: DepartmentYear, section: str) -> str:
    """Why the department's own figures contradict its 无 for ``section``; empty when they do not."""
    unit = doc.meta.unit
    prefix = "文件称本部分为无，但"
    if section == "绩效":
        project = doc.finance.project if doc.finance.disclosed else None
        if project is not None and project > 0:
            return f"{prefix}本年项目支出为 {grouped(project)} {unit}。"
    elif section == "政府采购":
        row = _spent(_economic_rows(doc), lambda code: code.startswith(_PROCUREMENT_PREFIX))
        if row is not None:
            return f"{prefix}经济分类中有 {row.code} {row.name} {grouped(row.amount)} {unit}。"  # type: ignore[arg-type]
        bought = doc.three_costs.vehicle_purchase if doc.three_costs.disclosed else None
        if bought is not None and bought > 0:
            return f"{prefix}“三公”经费中公务用车购置费为 {grouped(bought)} {unit}。"
    elif section == "三公":
        row = _spent(_economic_rows(doc), lambda code: code in _THREE_COST_CODES)
        if row is not None:
            return f"{prefix}经济分类中有 {row.code} {row.name} {grouped(row.amount)} {unit}。"  # type: ignore[arg-type]
    return ""


def score(doc: DepartmentYear, items: ItemList) -> Scorecard:
    """Mark each item that applies to ``doc``'s kind: a section not disclosed marks all its items 未公开, one not
    collected 未收录; a section disclosed as none 公开为无, unless its own figures contradict it."""
    marks = []
    contradicted: dict[str, str] = {}
    for item in items.items:
        if not item.applies(doc):
            continue
        section = _section(doc, item.section)
        note = ""
        if section.status in ("未公开", "未收录"):
            state: State = section.status  # type: ignore[assignment]
        elif section.status == "无":
            if item.section not in contradicted:
                contradicted[item.section] = contradiction(doc, item.section)
            note = contradicted[item.section]
            state = CONTRADICTED if note else "公开为无"
        else:
            state = "已公开" if RULES[item.rule](doc) else "未公开"
        marks.append(Mark(item, state, note))
    return Scorecard(tuple(marks))


def load_items(path: Path, reporter: Reporter, name: str | None = None) -> ItemList | None:
    """Read a scorecard item list; report problems like content errors (as ``name``); None on errors."""
    shown = name or str(path)
    read = load_data_file(path, ItemList, reporter, shown, Message("scorecard file", "公开完整度事项文件"))
    if read is None:
        return None
    items, document = read
    for i, item in enumerate(items.items):
        if item.rule not in RULES:
            reporter.error(shown, document.line_of(("事项", i, "规则")), format_key(("事项", i, "规则")),
                           Message(f"unknown rule '{item.rule}'; expected one of: {', '.join(RULES)}",
                                   f"未知的规则“{item.rule}”；可用的规则：{'、'.join(RULES)}"))
            return None
    return items


SITE_FILE = "scorecard.yaml"


def scorecard_file(project_root: Path, configured: str = "") -> Path:
    """The item list a site uses: site.toml's ``scorecard``, else scorecard.yaml beside it, else the default."""
    if configured:
        return project_root / configured
    own = project_root / SITE_FILE
    return own if own.is_file() else DEFAULT


def load_site_items(project_root: Path, configured: str, reporter: Reporter) -> ItemList | None:
    """Read the site's item list; report its problems as ``file:line: key: …``; None on errors.

    A ``configured`` file that does not exist was reported by ``config.load_config``.
    """
    path = scorecard_file(project_root, configured)
    if configured and not path.is_file():
        return None
    return load_items(path, reporter, name=display_path(path))  # which reports a file it cannot read
