"""The checks of a 决算's tables (部门决算): totals and sub-totals, 类 = Σ款 = Σ项, both sides with the
carry-overs, the tables against each other, and each stated completion rate against its figures."""

from __future__ import annotations

from decimal import Decimal

from . import final as fin
from .check import Check, KeyPath, column_sum, parent_code, rate_check, sum_check, top_rows
from .model import EconomicRow, FinalAccounts, FundSplit


def _outturn_rate(key: KeyPath, label: str, row, actual: Decimal | None) -> list[Check]:  # type: ignore[no-untyped-def]
    """A row's stated 完成率, against the budget it names; a 年初预算 of 0 falls back on 全年预算."""
    if row.rate is None:
        return []
    if row.rate_base == "全年预算数":
        return rate_check(key + ("完成率",), f"{label}：所列完成率", row.rate, actual, row.full_year, "全年预算数")
    if row.initial == 0 and row.full_year:
        return rate_check(key + ("完成率",), f"{label}：所列完成率（年初预算为 0，按全年预算数核对）", row.rate, actual,
                          row.full_year, "全年预算数")
    return rate_check(key + ("完成率",), f"{label}：所列完成率", row.rate, actual, row.initial, "年初预算数")


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
            out += column_sum(key + (i, heading), f"{what}：{label}（{heading}）= 下级科目之和", label,
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
                out += column_sum(key + ("合计", heading), f"{rt.title}：合计（{heading}）= 各类之和", "合计",
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
            out += column_sum(key + ("人员经费合计",), f"{what}：人员经费合计 + 公用经费合计 = 各类之和",
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
    out = column_sum(key + ("本年收入合计",), f"{what}：本年收入合计 = 各项收入之和", "本年收入合计", t.revenue_current,
                     "各项收入之和", [x.amount for x in t.revenue])
    out += column_sum(key + ("本年支出合计",), f"{what}：本年支出合计 = 各项支出之和", "本年支出合计",
                      t.expenditure_current, "各项支出之和", [x.amount for x in t.expenditure])
    out += sum_check(key + ("收入总计",), f"{what}：收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余", "收入总计",
                     t.revenue_grand, [("本年收入合计", t.revenue_current), ("使用非财政拨款结余", t.non_fiscal_balance),
                                       ("年初结转和结余", t.carried_in)], all_parts=False)
    out += sum_check(key + ("支出总计",), f"{what}：支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余", "支出总计",
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
    out = column_sum(key + ("本年收入合计",), f"{what}：本年收入合计 = 各项收入之和", "本年收入合计", t.revenue_current,
                     "各项收入之和", [x.amount for x in t.revenue])
    out += column_sum(key + ("年初结转和结余",), f"{what}：年初结转和结余 = 其明细之和", "年初结转和结余", t.carried_in,
                      "明细之和", [x.amount for x in t.carried_in_lines])
    out += sum_check(key + ("收入总计",), f"{what}：收入总计 = 本年收入合计 + 年初结转和结余", "收入总计", t.revenue_grand,
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
            out += column_sum(key + ("本年支出合计", heading), f"{what}：本年支出合计（{heading}）= 各项支出之和",
                              "本年支出合计", getattr(t.expenditure_current, attr), "各项支出之和",
                              [getattr(x, attr) for x in t.expenditure])
    if t.expenditure_grand is not None:
        for attr, heading in cols:
            grand = getattr(t.expenditure_grand, attr)
            current = getattr(t.expenditure_current, attr) if t.expenditure_current is not None else None
            carried = getattr(t.carried_out, attr) if t.carried_out is not None else None
            out += sum_check(key + ("支出总计", heading), f"{what}：支出总计（{heading}）= 本年支出合计 + 年末结转和结余",
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
