"""决算: the standard tables of a final account (部门决算), as printed.

Every table is a list of rows (编码, 名称 and one key per printed amount column) with its
printed 合计, so that an importer reads them all alike. Rows are flat, in printed order;
类/款/项 follow from the codes. Lines printed without any figure are left out. A table
printed empty with its reason ("故本表无数据") is 无 with that reason as 说明. Table 7
(财政拨款“三公”经费支出决算表) is the 三公 section, with its 预算数.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from .blocks import F, Section
from .types import Amount, Code, Percent, Strict, Text


class Outturn(Strict):
    """A 决算数 set against its budget, as the 情况说明 states it: 年初预算数 (and 全年预算数)
    with the stated completion rate, what the money was for, and the reason for the difference."""

    initial: Amount | None = F("年初预算数", None)
    full_year: Amount | None = F("全年预算数", None, description="年中调整后的全年预算数，原文给出时填写")
    rate: Percent | None = F("完成率", None, description="原文所列完成率（%），如 98.20")
    rate_base: Literal["年初预算数", "全年预算数"] = F("完成率基数", "年初预算数",
                                                   description="原文所列完成率是对哪个预算数而言（“完成年初预算的…”或“完成全年预算数的…”）")
    purpose: Text | None = F("用途", None, description="原文“主要用于……”")
    reason: Text | None = F("原因", None, description="决算数与预算数不同（或持平）的原因，照原文")


class FinalLine(Strict):
    """A line of a two-sided total table (收入 or 支出 side): a name and its 决算数."""

    code: Code | None = F("编码", None)
    name: Text = F("名称", description="照原文，去掉“一、”“二、”等序号")
    amount: Amount | None = F("决算数", None)


class FundSplit(Strict):
    """The 支出 columns of 财政拨款收入支出决算总表: 合计 and one column per kind of appropriation."""

    total: Amount | None = F("合计", None)
    general: Amount | None = F("一般公共预算财政拨款", None)
    gov_fund: Amount | None = F("政府性基金预算财政拨款", None)
    capital: Amount | None = F("国有资本经营预算财政拨款", None)

    SUMS: ClassVar[tuple[tuple[str, tuple[str, ...]], ...]] = (("total", ("general", "gov_fund", "capital")),)


class FundSplitLine(FundSplit):
    code: Code | None = F("编码", None)
    name: Text = F("名称")


class FinalTable(Section):
    """What every 决算 table shares: its status (已公开 / 无 / 未公开) and its printed note (注、说明)."""

    number: Text | None = F("表号", None, description="如 一、公开01表；原文未编号时不填")

    LABELS: ClassVar[tuple[str, ...]] = ("status", "note", "number")


class IncomeExpenditureTable(FinalTable):
    """一、收入支出决算总表: income by source and expenditure by 类, with the carry-overs.

    本年收入合计 + 使用非财政拨款结余 + 年初结转和结余 = 总计 = 本年支出合计 + 结余分配 + 年末结转和结余."""

    revenue: list[FinalLine] = F("收入", [])
    revenue_current: Amount | None = F("本年收入合计", None)
    non_fiscal_balance: Amount | None = F("使用非财政拨款结余", None, description="使用非财政拨款结余（含专用结余）")
    carried_in: Amount | None = F("年初结转和结余", None)
    revenue_grand: Amount | None = F("收入总计", None)
    expenditure: list[FinalLine] = F("支出", [])
    expenditure_current: Amount | None = F("本年支出合计", None)
    distribution: Amount | None = F("结余分配", None)
    carried_out: Amount | None = F("年末结转和结余", None)
    expenditure_grand: Amount | None = F("支出总计", None)


class IncomeColumns(Strict):
    """The amount columns of 收入决算表."""

    total: Amount | None = F("本年收入合计", None)
    appropriation: Amount | None = F("财政拨款收入", None)
    superior: Amount | None = F("上级补助收入", None)
    business: Amount | None = F("事业收入", None)
    operating: Amount | None = F("经营收入", None)
    subsidiary: Amount | None = F("附属单位上缴收入", None)
    other: Amount | None = F("其他收入", None)

    SUMS: ClassVar[tuple[tuple[str, tuple[str, ...]], ...]] = (
        ("total", ("appropriation", "superior", "business", "operating", "subsidiary", "other")),)


class IncomeRow(IncomeColumns):
    code: Code | None = F("编码", None)
    name: Text = F("名称")


class IncomeTable(FinalTable):
    """二、收入决算表: income by source for each functional class."""

    total: IncomeColumns | None = F("合计", None)
    rows: list[IncomeRow] = F("行", [])


class ExpenditureColumns(Strict):
    """The amount columns of 支出决算表."""

    total: Amount | None = F("本年支出合计", None)
    basic: Amount | None = F("基本支出", None)
    project: Amount | None = F("项目支出", None)
    remitted: Amount | None = F("上缴上级支出", None)
    operating: Amount | None = F("经营支出", None)
    subsidiary: Amount | None = F("对附属单位补助支出", None)

    SUMS: ClassVar[tuple[tuple[str, tuple[str, ...]], ...]] = (
        ("total", ("basic", "project", "remitted", "operating", "subsidiary")),)


class ExpenditureRow(ExpenditureColumns):
    code: Code | None = F("编码", None)
    name: Text = F("名称")


class ExpenditureTable(FinalTable):
    """三、支出决算表: expenditure by functional class, 基本 and 项目 (and the rarer columns)."""

    total: ExpenditureColumns | None = F("合计", None)
    rows: list[ExpenditureRow] = F("行", [])


class FiscalTotalTable(FinalTable):
    """四、财政拨款收入支出决算总表: appropriations received and spent, by kind, with the carry-overs."""

    revenue: list[FinalLine] = F("收入", [])
    revenue_current: Amount | None = F("本年收入合计", None)
    carried_in: Amount | None = F("年初结转和结余", None, description="年初财政拨款结转和结余")
    carried_in_lines: list[FinalLine] = F("年初结转和结余明细", [], description="其中按一般公共预算、政府性基金预算、国有资本经营预算")
    revenue_grand: Amount | None = F("收入总计", None)
    expenditure: list[FundSplitLine] = F("支出", [])
    expenditure_current: FundSplit | None = F("本年支出合计", None)
    carried_out: FundSplit | None = F("年末结转和结余", None, description="年末财政拨款结转和结余")
    expenditure_grand: FundSplit | None = F("支出总计", None)


class GeneralColumns(Outturn):
    """The columns of 一般公共预算财政拨款支出决算表, with the row's budget from the 情况说明."""

    total: Amount | None = F("合计", None, description="决算数合计")
    basic: Amount | None = F("基本支出", None)
    project: Amount | None = F("项目支出", None)

    SUMS: ClassVar[tuple[tuple[str, tuple[str, ...]], ...]] = (("total", ("basic", "project")),)


class GeneralRow(GeneralColumns):
    code: Code | None = F("编码", None)
    name: Text = F("名称")


class GeneralTable(FinalTable):
    """五、一般公共预算财政拨款支出决算表: by 类/款/项, 基本 and 项目; the 情况说明 gives each 项's
    年初预算数 and the table's (合计) with the completion rate."""

    total: GeneralColumns | None = F("合计", None)
    rows: list[GeneralRow] = F("行", [])


class EconomicRow(Strict):
    code: Code | None = F("编码", None)
    name: Text = F("名称")
    amount: Amount | None = F("决算数", None)


class BasicTable(FinalTable):
    """六、一般公共预算财政拨款基本支出决算表: by economic class (类/款), 人员经费 and 公用经费."""

    rows: list[EconomicRow] = F("行", [])
    personnel: Amount | None = F("人员经费合计", None)
    public: Amount | None = F("公用经费合计", None)


class FundColumns(Strict):
    """The columns of the 政府性基金 and 国有资本经营 决算 tables."""

    carried_in: Amount | None = F("年初结转和结余", None)
    revenue: Amount | None = F("本年收入", None)
    total: Amount | None = F("本年支出合计", None)
    basic: Amount | None = F("基本支出", None)
    project: Amount | None = F("项目支出", None)
    carried_out: Amount | None = F("年末结转和结余", None)

    SUMS: ClassVar[tuple[tuple[str, tuple[str, ...]], ...]] = (("total", ("basic", "project")),)


class FundRow(FundColumns):
    code: Code | None = F("编码", None)
    name: Text = F("名称")


class FundTable(FinalTable):
    """八、政府性基金预算 / 九、国有资本经营预算 财政拨款收入支出决算表."""

    total: FundColumns | None = F("合计", None)
    rows: list[FundRow] = F("行", [])


class FinalAccounts(Strict):
    """决算表: the standard tables of a 部门决算 but table 7, which is the 三公 section."""

    overview: IncomeExpenditureTable = F("收入支出决算总表")
    income: IncomeTable = F("收入决算表")
    expenditure: ExpenditureTable = F("支出决算表")
    fiscal: FiscalTotalTable = F("财政拨款收入支出决算总表")
    general: GeneralTable = F("一般公共预算财政拨款支出决算表")
    basic: BasicTable = F("一般公共预算财政拨款基本支出决算表")
    gov_fund: FundTable = F("政府性基金预算财政拨款收入支出决算表")
    capital: FundTable = F("国有资本经营预算财政拨款收入支出决算表")


FINAL_TABLES: tuple[tuple[str, str], ...] = tuple(
    (name, info.alias or name) for name, info in FinalAccounts.model_fields.items())
"""The 决算 tables: attribute and printed title, in printed order."""
