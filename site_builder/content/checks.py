"""The arithmetic checks of a disclosure (勾稽关系), computed exactly.

One implementation serves ``site-builder validate`` (failed checks are warnings) and the
pages (数据核对 lists every check, passed or failed). Each check compares two figures of
the same file, in the file's unit, as Decimal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from .check import Check, KeyPath, coded_children, rate_check, sum_check, top_rows
from .final_checks import final_checks
from .model import ClassTable, DepartmentYear, Finance, Performance, Procurement, Project, Row, ThreeCosts, Totals


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
            checks += sum_check(key + ("部门预算总额",), "部门预算总额 = 基本支出 + 项目支出", "部门预算总额", b.total,
                                [("基本支出", b.basic), ("项目支出", b.project)])
            checks += sum_check(key + ("部门预算总额",), "部门预算总额 = 财政性资金 + 其他资金", "部门预算总额", b.total,
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
    out += sum_check(key + ("收入合计",), f"{prefix}收入合计 = 当年收入小计 + 上年结转", "收入合计", t.revenue_total,
                     [("当年收入小计", t.revenue_current), ("上年结转", t.carried_in)], all_parts=False) \
        if t.revenue_current is not None else []
    out += sum_check(key + ("支出合计",), f"{prefix}支出合计 = 当年支出小计 + 结转下年", "支出合计", t.expenditure_total,
                     [("当年支出小计", t.expenditure_current), ("结转下年", t.carried_out)], all_parts=False) \
        if t.expenditure_current is not None else []
    if t.basic is not None and t.project is not None:
        total_label = "当年支出小计" if t.expenditure_current is not None else "支出合计"
        total = t.expenditure_current if t.expenditure_current is not None else t.expenditure_total
        parts = [("基本支出", t.basic), ("项目支出", t.project), ("单位预留机动经费", t.reserve)]
        if t.expenditure_current is None:
            parts.append(("结转下年", t.carried_out))
        terms = " + ".join(label for label, value in parts if value is not None)  # the title names every term
        out += sum_check(key + ("基本支出",), f"{prefix}{total_label} = {terms}", total_label, total, parts, all_parts=False)
    out += sum_check(key + ("基本支出",), f"{prefix}基本支出 = 人员经费 + 公用经费", "基本支出", t.basic,
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
    out = sum_check(key + ("公务用车购置及运行维护费",), "公务用车购置及运行维护费 = 购置费 + 运行维护费",
                    "公务用车购置及运行维护费", vehicles,
                    [("公务用车购置费", t.vehicle_purchase), ("公务用车运行维护费", t.vehicle_running)])
    if t.vehicle_purchase is not None or t.vehicle_running is not None:
        parts = [("因公出国（境）费", t.abroad), ("公务用车购置费", t.vehicle_purchase),
                 ("公务用车运行维护费", t.vehicle_running), ("公务接待费", t.reception)]
    else:
        parts = [("因公出国（境）费", t.abroad), ("公务用车购置及运行维护费", vehicles), ("公务接待费", t.reception)]
    out += sum_check(key + ("合计",), "“三公”经费合计 = 各项之和", "“三公”经费合计", t.total, parts, all_parts=False)
    out += sum_check(key + ("总计",), "总计 = “三公”经费 + 会议费 + 培训费", "总计", t.grand_total,
                     [("“三公”经费合计", t.total), ("会议费", t.meetings), ("培训费", t.training)], all_parts=False)
    for i, change in enumerate(t.changes):
        out += _change_rate(change, key + ("比上年", i))
    attrs = {"合计": "total", "因公出国境费": "abroad", "公务用车购置及运行维护费": "vehicles",
             "公务用车购置费": "vehicle_purchase", "公务用车运行维护费": "vehicle_running", "公务接待费": "reception"}
    for i, stated in enumerate(t.outturn):
        attr = attrs[stated.subject]
        planned = getattr(t.budget, attr) if t.budget is not None else None
        out += rate_check(key + ("预决算对比", i, "完成率"), f"“三公”经费{'' if stated.subject == '合计' else stated.subject}：所列完成率",
                          stated.rate, getattr(t, attr), planned, "预算数")
    return out


def _project(project: Project, key: KeyPath) -> list[Check]:
    name = project.name
    out: list[Check] = []
    if project.fiscal is not None or project.other is not None:
        out += sum_check(key + ("预算数",), f"{name}：预算数 = 财政资金 + 其他资金", "预算数", project.budget,
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
    out = sum_check(key + ("合计",), "政府采购合计 = 货物 + 工程 + 服务", "合计", p.total,
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


def _self_evaluation(p: Performance) -> list[Check]:
    e = p.self_evaluation
    assert e is not None
    grades = [e.excellent, e.good, e.passed, e.failed]
    if e.evaluated_projects is None or any(g is None for g in grades):
        return []
    return [Check(("绩效", "绩效自评", "绩效自评项目数"), "绩效自评：优 + 良 + 合格 + 不合格 = 自评项目数", "绩效自评项目数",
                  Decimal(e.evaluated_projects), "各评级项目数之和", Decimal(sum(g for g in grades if g is not None)))]