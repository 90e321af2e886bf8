"""The arithmetic checks of a disclosure (勾稽关系), computed exactly.

One implementation serves ``site-builder validate`` (failed checks are warnings) and the
pages (数据核对 lists every check, passed or failed). Each check compares two figures of
the same file, in the file's unit, as Decimal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from . import final as fin
from .model import (ClassTable, DepartmentYear, EconomicRow, FinalAccounts, Finance, FundSplit, Performance, Procurement, Project, Row,
                    ThreeCosts, Totals)

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Check:
    """One comparison: ``left`` should equal (or not exceed) ``right``."""

    key: KeyPath  # where in the file the checked figure is
    title: str  # what is checked, in Chinese, for the page
    left_label: str
    left: Decimal
    right_label: str
    right: Decimal
    relation: Literal["=", "≤", "≥"] = "="
    measure: Literal["money", "percent"] = "money"

    @property
    def passed(self) -> bool:
        if self.relation == "=":
            return self.left == self.right
        if self.relation == "≤":
            return self.left <= self.right
        return self.left >= self.right

    @property
    def difference(self) -> Decimal:
        return self.left - self.right


def run_checks(doc: DepartmentYear) -> list[Check]:
    """Every check that the data of ``doc`` allows, passed or not, in document order."""
    checks: list[Check] = []
    finance = doc.finance
    if finance.disclosed:
        checks += _totals(finance, ("收支",), "")
        if finance.appropriation is not None:
            checks += _totals(finance.appropriation, ("收支", "财政拨款"), "财政拨款")
        for i, table in enumerate(finance.tables):
            checks += _class_table(table, ("收支", "分类表", i))
        checks += _cross_tables(finance)
        if finance.running_costs is not None:
            rc = finance.running_costs
            checks += _rows_sum(rc.items, rc.total, ("收支", "机关运行经费"), "机关运行经费", "合计", "明细")
            checks += _row_trees(rc.items, ("收支", "机关运行经费", "明细"), "机关运行经费")
        for i, change in enumerate(finance.changes):
            checks += _change_rate(change, ("收支", "比上年", i))
        if finance.final is not None:
            checks += final_checks(finance.final)
        if finance.running_costs is not None:
            for i, change in enumerate(finance.running_costs.changes):
                checks += _change_rate(change, ("收支", "机关运行经费", "比上年", i))
    if doc.three_costs.disclosed:
        checks += _three_costs(doc.three_costs)
    performance = doc.performance
    if performance.disclosed and performance.self_evaluation is not None:
        checks += _self_evaluation(performance)
    if performance.disclosed:
        for i, project in enumerate(performance.projects):
            checks += _project(project, ("绩效", "项目", i))
        table = performance.department_table
        if table is not None and table.budget is not None:
            b = table.budget
            key = ("绩效", "整体绩效目标表", "预算情况")
            checks += _sum(key + ("部门预算总额",), "部门预算总额 = 基本支出 + 项目支出", "部门预算总额", b.total,
                           [("基本支出", b.basic), ("项目支出", b.project)])
            checks += _sum(key + ("部门预算总额",), "部门预算总额 = 财政性资金 + 其他资金", "部门预算总额", b.total,
                           [("财政性资金", b.fiscal), ("其他资金", b.other)])
        budgets = [p.budget for p in performance.projects if p.budget is not None]
        project_total = finance.project if finance.disclosed else None
        if project_total is None and table is not None and table.budget is not None:
            project_total = table.budget.project
        if budgets and project_total is not None:
            checks.append(Check(("绩效", "项目"), "绩效目标项目金额不超过项目支出", "各项目预算数之和", sum(budgets, Decimal(0)),
                                "项目支出", project_total, "≤"))
    if doc.procurement.disclosed:
        checks += _procurement(doc.procurement)
    return checks


def failed(checks: Iterable[Check]) -> list[Check]:
    return [c for c in checks if not c.passed]


# ---------------------------------------------------------------------------


def _sum(key: KeyPath, title: str, total_label: str, total: Decimal | None,
         parts: list[tuple[str, Decimal | None]], *, all_parts: bool = True) -> list[Check]:
    """``total`` = the sum of ``parts``; skipped when the total or (with all_parts) a part is missing."""
    present = [(label, value) for label, value in parts if value is not None]
    if total is None or not present or (all_parts and len(present) != len(parts)):
        return []
    labels = " + ".join(label for label, _ in present)
    return [Check(key, title, total_label, total, labels, sum((v for _, v in present), Decimal(0)))]


def _amounts(rows: Iterable[Row]) -> list[Decimal]:
    return [r.amount for r in rows if r.amount is not None]


def _totals(t: Totals, key: KeyPath, scope: str) -> list[Check]:
    prefix = f"{scope}" if scope else ""
    out: list[Check] = []
    if t.revenue_total is not None and t.expenditure_total is not None:
        out.append(Check(key + ("收入合计",), f"{prefix}收入合计 = 支出合计", "收入合计", t.revenue_total,
                         "支出合计", t.expenditure_total))
    top = _amounts(t.revenue)
    if t.revenue_total is not None and top:
        current = t.revenue_current if t.revenue_current is not None else t.revenue_total
        label = "当年收入小计" if t.revenue_current is not None else "收入合计"
        out.append(Check(key + ("收入",), f"{prefix}{label} = 各项收入之和", label, current, "各项收入之和", sum(top, Decimal(0))))
    out += _row_trees(t.revenue, key + ("收入",), f"{prefix}收入")
    out += _sum(key + ("收入合计",), f"{prefix}收入合计 = 当年收入小计 + 上年结转", "收入合计", t.revenue_total,
                [("当年收入小计", t.revenue_current), ("上年结转", t.carried_in)], all_parts=False) \
        if t.revenue_current is not None else []
    out += _sum(key + ("支出合计",), f"{prefix}支出合计 = 当年支出小计 + 结转下年", "支出合计", t.expenditure_total,
                [("当年支出小计", t.expenditure_current), ("结转下年", t.carried_out)], all_parts=False) \
        if t.expenditure_current is not None else []
    if t.basic is not None and t.project is not None:
        total_label = "当年支出小计" if t.expenditure_current is not None else "支出合计"
        total = t.expenditure_current if t.expenditure_current is not None else t.expenditure_total
        parts = [("基本支出", t.basic), ("项目支出", t.project), ("单位预留机动经费", t.reserve)]
        if t.expenditure_current is None:
            parts.append(("结转下年", t.carried_out))
        terms = " + ".join(label for label, value in parts if value is not None)  # the title names every term
        out += _sum(key + ("基本支出",), f"{prefix}{total_label} = {terms}", total_label, total, parts, all_parts=False)
    out += _sum(key + ("基本支出",), f"{prefix}基本支出 = 人员经费 + 公用经费", "基本支出", t.basic,
                [("人员经费", t.personnel), ("公用经费", t.public)])
    by_function = _amounts(t.by_function)
    if by_function:
        total_label = "当年支出小计" if t.expenditure_current is not None else "支出合计"
        total = t.expenditure_current if t.expenditure_current is not None else t.expenditure_total
        if total is not None:
            out.append(Check(key + ("支出按功能分类",), f"{prefix}{total_label} = 各功能分类支出之和", total_label, total,
                             "各功能分类支出之和", sum(by_function, Decimal(0))))
    return out


def _row_trees(rows: list[Row], key: KeyPath, what: str) -> list[Check]:
    """Each row with 子项 equals the sum of its children; coded rows equal their sub-codes."""
    out: list[Check] = []
    for i, row in enumerate(rows):
        if row.children:
            amounts = _amounts(row.children)
            if row.amount is not None and amounts:
                out.append(Check(key + (i, "金额"), f"{what}：{row.name} = 其子项之和", row.name, row.amount,
                                 "子项之和", sum(amounts, Decimal(0))))
            out += _row_trees(row.children, key + (i, "子项"), what)
    for i, row, kids in coded_children(rows):
        amounts = _amounts(kids)
        if row.amount is not None and amounts:
            label = f"{row.code} {row.name}"
            out.append(Check(key + (i, "金额"), f"{what}：{label} = 下级科目之和", label, row.amount,
                             "下级科目之和", sum(amounts, Decimal(0))))
    return out


def coded_children(rows: list[Row]) -> Iterator[tuple[int, Row, list[Row]]]:
    """For each coded row, its direct children: the rows whose code extends it by one level."""
    codes = [r.code for r in rows]
    for i, row in enumerate(rows):
        if not row.code:
            continue
        kids = [r for r in rows if r.code and r.code != row.code and r.code.startswith(row.code)
                and parent_code(r.code, codes) == row.code]
        if kids:
            yield i, row, kids


def parent_code(code: str, codes: list[str | None]) -> str | None:
    """The longest other code in the table that ``code`` starts with."""
    best: str | None = None
    for other in codes:
        if other and other != code and code.startswith(other) and (best is None or len(other) > len(best)):
            best = other
    return best


def top_rows(rows: list[Row]) -> list[Row]:
    """Rows that have no parent row in the table (by code)."""
    codes = [r.code for r in rows]
    return [r for r in rows if not r.code or parent_code(r.code, codes) is None]


def _rows_sum(rows: list[Row], total: Decimal | None, key: KeyPath, what: str, total_label: str,
              rows_label: str) -> list[Check]:
    amounts = _amounts(top_rows(rows))
    if total is None or not amounts:
        return []
    return [Check(key + (total_label,), f"{what}：{total_label} = {rows_label}之和", total_label, total,
                  f"{rows_label}之和", sum(amounts, Decimal(0)))]


def _class_table(table: ClassTable, key: KeyPath) -> list[Check]:
    what = table.title
    out = _rows_sum(table.rows, table.total, key, what, "合计", "各科目") + _row_trees(table.rows, key + ("行",), what)
    if not table.columns:
        return out
    # The other columns are parts of 合计: across, each row's 合计 is the sum of its columns;
    # down, each column adds up as 合计 does (its 合计 = its top rows, 类 = Σ款 = Σ项).
    columns = table.columns
    out += _split_sum(table.total, table.total_split, columns, key + ("合计",), f"{what}：合计")
    for i, row in enumerate(table.rows):
        label = " ".join(x for x in (row.code, row.name) if x)
        out += _split_sum(row.amount, row.split, columns, key + ("行", i, "金额"), f"{what}：{label}")
    for column in columns:
        rows = [Row(编码=r.code, 名称=r.name, 金额=r.split.get(column)) for r in table.rows]
        out += _rows_sum(rows, table.total_split.get(column), key + ("合计分栏",), f"{what}（{column}栏）",
                         column, "各科目")
        out += [replace(c, key=c.key[:-1] + ("分栏", column)) if c.key[-1] == "金额" else c
                for c in _row_trees(rows, key + ("行",), f"{what}（{column}栏）")]
    return out


def _split_sum(total: Decimal | None, split: dict[str, Decimal], columns: list[str], key: KeyPath,
               what: str) -> list[Check]:
    """A row's 合计 equals the sum of the columns it fills (an empty cell counts for nothing)."""
    parts = [(c, split[c]) for c in columns if c in split]
    if total is None or not parts:
        return []
    return [Check(key, f"{what} = 各栏之和", "合计", total, " + ".join(c for c, _ in parts),
                  sum((v for _, v in parts), Decimal(0)))]


def _cross_tables(finance: Finance) -> list[Check]:
    """Tables of the 财政拨款 scope agree with the 财政拨款 totals."""
    appropriation = finance.appropriation
    if appropriation is None:
        return []
    out: list[Check] = []
    for i, table in enumerate(finance.tables):
        if table.total is None or (table.scope or "") != "财政拨款":
            continue
        if table.classification == "功能分类" and appropriation.expenditure_total is not None:
            out.append(Check(("收支", "分类表", i, "合计"), f"{table.title}合计 = 财政拨款支出合计", f"{table.title}合计",
                             table.total, "财政拨款支出合计", appropriation.expenditure_total))
        if table.classification == "经济分类" and appropriation.basic is not None:
            out.append(Check(("收支", "分类表", i, "合计"), f"{table.title}合计 = 财政拨款基本支出", f"{table.title}合计",
                             table.total, "财政拨款基本支出", appropriation.basic))
    return out


def _three_costs(t: ThreeCosts) -> list[Check]:
    key = ("三公",)
    vehicles = t.vehicles
    out = _sum(key + ("公务用车购置及运行维护费",), "公务用车购置及运行维护费 = 购置费 + 运行维护费",
               "公务用车购置及运行维护费", vehicles,
               [("公务用车购置费", t.vehicle_purchase), ("公务用车运行维护费", t.vehicle_running)])
    if t.vehicle_purchase is not None or t.vehicle_running is not None:
        parts = [("因公出国（境）费", t.abroad), ("公务用车购置费", t.vehicle_purchase),
                 ("公务用车运行维护费", t.vehicle_running), ("公务接待费", t.reception)]
    else:
        parts = [("因公出国（境）费", t.abroad), ("公务用车购置及运行维护费", vehicles), ("公务接待费", t.reception)]
    out += _sum(key + ("合计",), "“三公”经费合计 = 各项之和", "“三公”经费合计", t.total, parts, all_parts=False)
    out += _sum(key + ("总计",), "总计 = “三公”经费 + 会议费 + 培训费", "总计", t.grand_total,
                [("“三公”经费合计", t.total), ("会议费", t.meetings), ("培训费", t.training)], all_parts=False)
    for i, change in enumerate(t.changes):
        out += _change_rate(change, key + ("比上年", i))
    attrs = {"合计": "total", "因公出国境费": "abroad", "公务用车购置及运行维护费": "vehicles",
             "公务用车购置费": "vehicle_purchase", "公务用车运行维护费": "vehicle_running", "公务接待费": "reception"}
    for i, stated in enumerate(t.outturn):
        attr = attrs[stated.subject]
        planned = getattr(t.budget, attr) if t.budget is not None else None
        out += _rate(key + ("预决算对比", i, "完成率"), f"“三公”经费{'' if stated.subject == '合计' else stated.subject}：所列完成率",
                     stated.rate, getattr(t, attr), planned, "预算数")
    return out


def _project(project: Project, key: KeyPath) -> list[Check]:
    name = project.name
    out: list[Check] = []
    if project.fiscal is not None or project.other is not None:
        out += _sum(key + ("预算数",), f"{name}：预算数 = 财政资金 + 其他资金", "预算数", project.budget,
                    [("财政资金", project.fiscal), ("其他资金", project.other)], all_parts=False)
    if project.plan is not None:
        points = project.plan.points()
        for (label_a, a), (label_b, b) in zip(points, points[1:]):
            out.append(Check(key + ("支出计划", label_b), f"{name}：支出计划逐期不减少", label_b, b, label_a, a, "≥", "percent"))
        if project.plan.dec is not None:
            out.append(Check(key + ("支出计划", "12月底"), f"{name}：支出计划年底达到 100%", "12月底", project.plan.dec,
                             "全年", Decimal(100), "=", "percent"))
        for label, value in points:
            out.append(Check(key + ("支出计划", label), f"{name}：支出计划不超过 100%", label, value, "全年", Decimal(100), "≤", "percent"))
    return out


def _procurement(p: Procurement) -> list[Check]:
    key = ("政府采购",)
    out = _sum(key + ("合计",), "政府采购合计 = 货物 + 工程 + 服务", "合计", p.total,
               [("货物", p.goods), ("工程", p.works), ("服务", p.services)], all_parts=False)
    for i, group in enumerate(p.groups):
        amounts = [item.amount for item in group.items if item.amount is not None]
        if group.total is not None and amounts:
            label = " ".join(x for x in (group.project, group.economic) if x) or "分组"
            out.append(Check(key + ("分组", i, "合计"), f"政府采购：{label} = 明细之和", label, group.total, "明细之和",
                             sum(amounts, Decimal(0))))
    for category, total in (("货物", p.goods), ("工程", p.works), ("服务", p.services)):
        groups = [g.total for g in p.groups if g.category == category and g.total is not None]
        if total is not None and groups:
            out.append(Check(key + (category,), f"政府采购：{category} = 各分组之和", category, total, "各分组之和",
                             sum(groups, Decimal(0))))
    if p.total is not None and p.groups and all(g.total is not None for g in p.groups):
        out.append(Check(key + ("合计",), "政府采购合计 = 各分组之和", "合计", p.total, "各分组之和",
                         sum((g.total for g in p.groups if g.total is not None), Decimal(0))))
    for i, change in enumerate(p.changes):
        out += _change_rate(change, key + ("比上年", i))
    return out


def _change_rate(change, key: KeyPath) -> list[Check]:  # type: ignore[no-untyped-def]
    """A stated rate agrees with the stated amounts: 增减率 = 增减额 / 上年 × 100."""
    if change.rate is None or change.direction not in ("增加", "减少"):
        return []
    if change.delta is None:  # 本年 and 上年 stated without the difference: the rate follows from them
        if change.amount is None or change.previous is None:
            return []
        delta = abs(change.amount - change.previous)
        label = "按本年、上年计算"
    else:
        delta = change.delta
        label = "按增减额计算"
    if change.previous is not None:
        previous = change.previous
    elif change.amount is not None:
        previous = change.amount - delta if change.direction == "增加" else change.amount + delta
    else:
        return []
    if previous == 0:
        return []
    exponent = change.rate.as_tuple().exponent
    quantum = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    computed = (delta / previous * 100).quantize(quantum, rounding=ROUND_HALF_UP)
    what = "增减额" if change.delta is not None else "本年、上年"
    return [Check(key + ("增减率",), f"{change.subject}：增减率与{what}一致", "所列增减率", change.rate,
                  label, computed, "=", "percent")]


# ---------------------------------------------------------------------------
# 决算 tables


def _rate(key: KeyPath, title: str, stated: Decimal | None, actual: Decimal | None, budget: Decimal | None,
          budget_label: str) -> list[Check]:
    """A stated completion rate against 决算数 ÷ budget × 100 (none when the budget is missing or 0)."""
    if stated is None:
        return []
    exponent = stated.as_tuple().exponent
    quantum = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    computed = fin.completion(actual, budget, quantum)
    if computed is None:
        return []
    return [Check(key, f"{title}与决算数、{budget_label}一致", "所列完成率", stated, f"决算数 ÷ {budget_label}", computed,
                  "=", "percent")]


def _outturn_rate(key: KeyPath, label: str, row, actual: Decimal | None) -> list[Check]:  # type: ignore[no-untyped-def]
    """A row's stated 完成率, against the budget it names; a 年初预算 of 0 falls back on 全年预算."""
    if row.rate is None:
        return []
    if row.rate_base == "全年预算数":
        return _rate(key + ("完成率",), f"{label}：所列完成率", row.rate, actual, row.full_year, "全年预算数")
    if row.initial == 0 and row.full_year:
        return _rate(key + ("完成率",), f"{label}：所列完成率（年初预算为 0，按全年预算数核对）", row.rate, actual,
                     row.full_year, "全年预算数")
    return _rate(key + ("完成率",), f"{label}：所列完成率", row.rate, actual, row.initial, "年初预算数")


def _across(obj, key: KeyPath, label: str) -> list[Check]:  # type: ignore[no-untyped-def]
    """The column sums a row of a 决算 table states, e.g. 本年支出合计 = 基本支出 + 项目支出 + …"""
    out: list[Check] = []
    headings = dict(fin.columns(type(obj)))
    for total_attr, part_attrs in getattr(type(obj), "SUMS", ()):
        parts = [(headings[a], getattr(obj, a)) for a in part_attrs]
        present = [(h, v) for h, v in parts if v is not None]
        total = getattr(obj, total_attr)
        if total is None or not present:
            continue
        out.append(Check(key + (headings[total_attr],), f"{label}：{headings[total_attr]} = {' + '.join(h for h, _ in present)}",
                         headings[total_attr], total, " + ".join(h for h, _ in present),
                         sum((v for _, v in present), Decimal(0))))
    return out


def _column_sum(key: KeyPath, title: str, total_label: str, total: Decimal | None, parts_label: str,
                parts: list[Decimal | None]) -> list[Check]:
    present = [v for v in parts if v is not None]
    if total is None or not present:
        return []
    return [Check(key, title, total_label, total, parts_label, sum(present, Decimal(0)))]


def _coded_rows(rows: list, key: KeyPath, what: str, cols: tuple[tuple[str, str], ...]) -> list[Check]:  # type: ignore[type-arg]
    """类 = Σ款 = Σ项 in every column; a row's column sums."""
    out: list[Check] = []
    codes = [r.code for r in rows]
    for i, row in enumerate(rows):
        label = f"{row.code} {row.name}" if row.code else row.name
        out += _across(row, key + (i,), f"{what}：{label}")
        if not row.code:
            continue
        kids = [r for r in rows if r.code and r.code != row.code and parent_code(r.code, codes) == row.code]
        if not kids:
            continue
        for attr, heading in cols:
            out += _column_sum(key + (i, heading), f"{what}：{label}（{heading}）= 下级科目之和", label,
                               getattr(row, attr), "下级科目之和", [getattr(k, attr) for k in kids])
    return out


def final_checks(final: FinalAccounts) -> list[Check]:
    """The checks of a 决算's tables: totals and sub-totals, 类 = Σ款 = Σ项, both sides with the carry-overs,
    the tables against each other, and each stated completion rate against its figures."""
    base: KeyPath = ("收支", "决算表")
    out: list[Check] = []
    for rt in fin.row_tables(final):
        if not rt.table.disclosed:
            continue
        key = base + (rt.title,)
        rows = rt.rows
        total = rt.total
        if total is not None:
            out += _across(total, key + ("合计",), f"{rt.title}合计")
            tops = top_rows(rows)  # type: ignore[arg-type]
            for attr, heading in rt.columns:
                out += _column_sum(key + ("合计", heading), f"{rt.title}：合计（{heading}）= 各类之和", "合计",
                                   getattr(total, attr), "各类之和", [getattr(r, attr) for r in tops])
        out += _coded_rows(rows, key + ("行",), rt.title, rt.columns)
        if rt.attr == "general":
            out += _general_budgets(final, key)
    out += _overview(final, base)
    out += _fiscal(final, base)
    basic = final.basic
    if basic.disclosed:
        key = base + (FinalAccounts.model_fields["basic"].alias,)
        what = "一般公共预算财政拨款基本支出决算表"
        rows = basic.rows
        out += _coded_rows(rows, key + ("行",), what, fin.columns(EconomicRow))
        if basic.personnel is not None and basic.public is not None:
            both = basic.personnel + basic.public
            out += _column_sum(key + ("人员经费合计",), f"{what}：人员经费合计 + 公用经费合计 = 各类之和",
                               "人员经费合计 + 公用经费合计", both, "各类之和", [r.amount for r in top_rows(rows)])
            general = final.general.total if final.general.disclosed else None
            if general is not None and general.basic is not None:
                out.append(Check(key + ("人员经费合计",), "人员经费合计 + 公用经费合计 = 一般公共预算财政拨款基本支出",
                                 "人员经费合计 + 公用经费合计", both, "一般公共预算财政拨款支出决算表的基本支出", general.basic))
    return out


def _general_budgets(final: FinalAccounts, key: KeyPath) -> list[Check]:
    """年初预算数 (全年预算数) of the 项 add up to the table's; each stated rate agrees with its figures."""
    table = final.general
    out: list[Check] = []
    rows = table.rows
    codes = [r.code for r in rows]
    parents = {parent_code(c, codes) for c in codes if c}
    leaves = [r for r in rows if not r.code or r.code not in parents]
    total = table.total
    for attr, label in (("initial", "年初预算数"), ("full_year", "全年预算数")):
        values = [getattr(r, attr) for r in leaves]
        if total is not None and getattr(total, attr) is not None and leaves and all(v is not None for v in values):
            out.append(Check(key + ("合计", label), f"一般公共预算财政拨款支出：{label}合计 = 各项之和", f"{label}合计",
                             getattr(total, attr), "各项之和", sum(values, Decimal(0))))  # type: ignore[arg-type]
    if total is not None:
        out += _outturn_rate(key + ("合计",), "一般公共预算财政拨款支出", total, total.total)
    for i, row in enumerate(rows):
        out += _outturn_rate(key + ("行", i), f"{row.code or ''} {row.name}".strip(), row, row.total)
    return out


def _overview(final: FinalAccounts, base: KeyPath) -> list[Check]:
    t = final.overview
    if not t.disclosed:
        return []
    key = base + ("收入支出决算总表",)
    what = "收入支出决算总表"
    out = _column_sum(key + ("本年收入合计",), f"{what}：本年收入合计 = 各项收入之和", "本年收入合计", t.revenue_current,
                      "各项收入之和", [x.amount for x in t.revenue])
    out += _column_sum(key + ("本年支出合计",), f"{what}：本年支出合计 = 各项支出之和", "本年支出合计",
                       t.expenditure_current, "各项支出之和", [x.amount for x in t.expenditure])
    out += _sum(key + ("收入总计",), f"{what}：收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余", "收入总计",
                t.revenue_grand, [("本年收入合计", t.revenue_current), ("使用非财政拨款结余", t.non_fiscal_balance),
                                  ("年初结转和结余", t.carried_in)], all_parts=False)
    out += _sum(key + ("支出总计",), f"{what}：支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余", "支出总计",
                t.expenditure_grand, [("本年支出合计", t.expenditure_current), ("结余分配", t.distribution),
                                      ("年末结转和结余", t.carried_out)], all_parts=False)
    if t.revenue_grand is not None and t.expenditure_grand is not None:
        out.append(Check(key + ("收入总计",), f"{what}：收入总计 = 支出总计", "收入总计", t.revenue_grand, "支出总计",
                         t.expenditure_grand))
    income = final.income.total if final.income.disclosed else None
    if income is not None and income.total is not None and t.revenue_current is not None:
        out.append(Check(base + ("收入决算表", "合计", "本年收入合计"), "收入决算表合计 = 收入支出决算总表的本年收入合计",
                         "收入决算表合计", income.total, "总表本年收入合计", t.revenue_current))
    spending = final.expenditure if final.expenditure.disclosed else None
    if spending is not None and spending.total is not None and spending.total.total is not None \
            and t.expenditure_current is not None:
        out.append(Check(base + ("支出决算表", "合计", "本年支出合计"), "支出决算表合计 = 收入支出决算总表的本年支出合计",
                         "支出决算表合计", spending.total.total, "总表本年支出合计", t.expenditure_current))
    if spending is not None:
        classes = {r.name: r.total for r in top_rows(spending.rows) if r.total is not None}  # type: ignore[arg-type]
        for i, line in enumerate(t.expenditure):
            if line.amount is not None and line.name in classes:
                out.append(Check(key + ("支出", i, "决算数"), f"{line.name}：收入支出决算总表 = 支出决算表", "总表",
                                 line.amount, "支出决算表", classes[line.name]))  # type: ignore[arg-type]
    return out


def _fiscal(final: FinalAccounts, base: KeyPath) -> list[Check]:
    t = final.fiscal
    if not t.disclosed:
        return []
    key = base + ("财政拨款收入支出决算总表",)
    what = "财政拨款收入支出决算总表"
    out = _column_sum(key + ("本年收入合计",), f"{what}：本年收入合计 = 各项收入之和", "本年收入合计", t.revenue_current,
                      "各项收入之和", [x.amount for x in t.revenue])
    out += _column_sum(key + ("年初结转和结余",), f"{what}：年初结转和结余 = 其明细之和", "年初结转和结余", t.carried_in,
                       "明细之和", [x.amount for x in t.carried_in_lines])
    out += _sum(key + ("收入总计",), f"{what}：收入总计 = 本年收入合计 + 年初结转和结余", "收入总计", t.revenue_grand,
                [("本年收入合计", t.revenue_current), ("年初结转和结余", t.carried_in)], all_parts=False)
    for i, line in enumerate(t.expenditure):
        out += _across(line, key + ("支出", i), f"{what}：{line.name}")
    cols = fin.columns(FundSplit)
    for label, split in (("本年支出合计", t.expenditure_current), ("年末结转和结余", t.carried_out),
                         ("支出总计", t.expenditure_grand)):
        if split is not None:
            out += _across(split, key + (label,), f"{what}：{label}")
    if t.expenditure_current is not None:
        for attr, heading in cols:
            out += _column_sum(key + ("本年支出合计", heading), f"{what}：本年支出合计（{heading}）= 各项支出之和",
                               "本年支出合计", getattr(t.expenditure_current, attr), "各项支出之和",
                               [getattr(x, attr) for x in t.expenditure])
    if t.expenditure_grand is not None:
        for attr, heading in cols:
            grand = getattr(t.expenditure_grand, attr)
            current = getattr(t.expenditure_current, attr) if t.expenditure_current is not None else None
            carried = getattr(t.carried_out, attr) if t.carried_out is not None else None
            out += _sum(key + ("支出总计", heading), f"{what}：支出总计（{heading}）= 本年支出合计 + 年末结转和结余",
                        "支出总计", grand, [("本年支出合计", current), ("年末结转和结余", carried)], all_parts=False)
        if t.revenue_grand is not None and t.expenditure_grand.total is not None:
            out.append(Check(key + ("收入总计",), f"{what}：收入总计 = 支出总计", "收入总计", t.revenue_grand, "支出总计",
                             t.expenditure_grand.total))
    general = final.general.total if final.general.disclosed else None
    if general is not None and general.total is not None and t.expenditure_current is not None \
            and t.expenditure_current.general is not None:
        out.append(Check(base + ("一般公共预算财政拨款支出决算表", "合计", "合计"),
                         "一般公共预算财政拨款支出决算表合计 = 财政拨款总表的一般公共预算财政拨款支出",
                         "支出决算表合计", general.total, "财政拨款总表", t.expenditure_current.general))
    income = final.income.total if final.income.disclosed else None
    if income is not None and income.appropriation is not None and t.revenue_current is not None:
        out.append(Check(base + ("收入决算表", "合计", "财政拨款收入"), "收入决算表的财政拨款收入 = 财政拨款总表的本年收入合计",
                         "财政拨款收入", income.appropriation, "财政拨款总表本年收入合计", t.revenue_current))
    return out


def _self_evaluation(p: Performance) -> list[Check]:
    e = p.self_evaluation
    assert e is not None
    grades = [e.excellent, e.good, e.passed, e.failed]
    if e.evaluated_projects is None or any(g is None for g in grades):
        return []
    return [Check(("绩效", "绩效自评", "绩效自评项目数"), "绩效自评：优 + 良 + 合格 + 不合格 = 自评项目数", "绩效自评项目数",
                  Decimal(e.evaluated_projects), "各评级项目数之和", Decimal(sum(g for g in grades if g is not None)))]
