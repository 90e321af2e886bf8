"""The content model: one department-year (部门 × 年度 × 预算/决算) as a typed, frozen value.

YAML keys are Chinese, as the documents write them, so that the staff who transcribe a
disclosure read their own terms; attributes are English for the code. Every section is
explicitly 已公开 (disclosed), 无 (disclosed as none), 未公开 (not disclosed) or 未收录 (published
elsewhere, perhaps, but not among the documents collected here; ``元数据.收录范围`` says what they
cover): these are different facts and the site shows them differently. Only 未公开 is a finding
against the department.

Amounts are in the file's own unit (元 or 万元, ``元数据.金额单位``) and exact.
The JSON Schema in ``schema/content.schema.json`` is generated from these classes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import model_validator

from .blocks import SHORTHANDS, UNIT_FACTORS, F, Kind, Section, Status, Unit, to_yuan  # noqa: F401 (re-exported)
from .final_tables import (  # noqa: F401 (re-exported: the model is read as one namespace, ``model.IncomeRow``)
    FINAL_TABLES, BasicTable, EconomicRow, ExpenditureColumns, ExpenditureRow, ExpenditureTable, FinalAccounts, FinalLine,
    FinalTable, FiscalTotalTable, FundColumns, FundRow, FundSplit, FundSplitLine, FundTable, GeneralColumns, GeneralRow,
    GeneralTable, IncomeColumns, IncomeExpenditureTable, IncomeRow, IncomeTable, Outturn)
from .types import Amount, Code, Count, Date, Percent, Quantity, Strict, Target, Text, validation_error

# ---------------------------------------------------------------------------
# Metadata


MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})
"""直辖市: province-level cities whose districts (县) sit directly below them, with no 市 level."""


class Region(Strict):
    """Where the department sits: province, and city and county where it is below them.

    A district of a 直辖市 is its 县 with no 市: ``{省: 上海市, 县: 普陀区}``."""

    province: Text = F("省", description="省级行政区，例如 河北省")
    city: Text | None = F("市", None, description="市级（地级市、自治州），省级部门不填；直辖市（北京市、天津市、上海市、重庆市）不填")
    county: Text | None = F("县", None, description="县级（县、区、县级市），市级及以上部门不填")

    @model_validator(mode="after")
    def _levels(self) -> "Region":
        if self.county is not None and self.city is None and self.province not in MUNICIPALITIES:
            raise validation_error("region", "县 is given without 市; a county sits in a city (only a 直辖市 such as "
                                   "上海市 has its districts directly below it)",
                                   "填了 县 却没有填 市；县级地区属于某个市（只有 上海市 这样的直辖市下直接设区县）")
        return self

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.province, self.city, self.county) if n is not None)


class Source(Strict):
    """A document the content was transcribed from."""

    title: Text = F("标题")
    publisher: Text | None = F("发布者", None)
    date: Date | None = F("日期", None, description="发布日期，YYYY-MM-DD")
    url: Text | None = F("链接", None)
    note: Text | None = F("说明", None, description="例如：文件的哪些部分、转录时的处理")
    file: Text | None = F("文件", None, description="该文件在本仓库中的副本：与本 YAML 同一文件夹的 PDF 文件名，"
                                                   "如 2019-report.pdf；网站在本页旁发布它，附大小和 SHA-256")


class Meta(Strict):
    """Who published what, for which year, in which unit."""

    region: Region = F("地区")
    department: Text = F("部门", description="部门名称，如 秦皇岛市山海关区信访局")
    unit_name: Text | None = F("预算单位", None, description="公开主体与部门名称不同时填写，如 唐山市路南区信访局本级")
    code: Code | None = F("部门编码", None)
    year: int = F("年度", ge=2000, le=2100, strict=True)
    kind: Kind = F("类型", description="预算 或 决算")
    unit: Unit = F("金额单位", description="本文件所有金额的单位：元 或 万元，与来源文件一致")
    published: Date | None = F("发布日期", None)
    title: Text | None = F("标题", None, description="公开文件的标题")
    sources: list[Source] = F("来源", min_length=1)
    scope: Text | None = F("收录范围", None, description="所收录文件涵盖的内容，如 部门预算绩效文本（总体目标、项目绩效目标表）；"
                                                       "有部分标为 未收录 时必填")


class Row(Strict):
    """A row of a published table: an optional code, a name and an amount.

    Rows of classification tables are written flat, as published; the 类/款/项 (or
    经济分类 类/款) hierarchy follows from the codes. Rows without codes may nest with 子项.
    """

    code: Code | None = F("编码", None)
    previous_code: Code | None = F("上年编码", None, description="科目调整：本行在上年文件中的编码（如 30311 → 30113）")
    name: Text = F("名称")
    amount: Amount | None = F("金额", None, description="留空表示原表该格为空")
    children: list[Row] = F("子项", [])
    note: Text | None = F("说明", None)


class ClassRow(Row):
    """A row of a classification table, with the table's other amount columns (分栏) beside 金额."""

    split: dict[Text, Amount] = F("分栏", {}, description="合计（金额）之外各栏的金额，键为所在表 栏目 中的栏名，"
                                  "如 {基本支出: 0, 项目支出: 2932700}；空格不填")


class Change(Strict):
    """A change from last year, as the document states it, with its reason."""

    subject: Text = F("项目", description="变化的对象，如 收支预算总计、一般公共服务（类）支出、因公出国（境）费")
    amount: Amount | None = F("本年", None)
    previous: Amount | None = F("上年", None)
    basis: Text | None = F("上年口径", None, description="上年数不是上年预算数时，原文所说的口径，如 2023年预算执行数")
    direction: Literal["增加", "减少", "持平", "新增", "取消", "无可比数据"] = F("变化")
    delta: Amount | None = F("增减额", None, description="变化的金额，不带正负号")
    rate: Percent | None = F("增减率", None, description="变化的百分比，不带正负号")
    purpose: Text | None = F("用途", None, description="原文“主要用于……”")
    reason: Text | None = F("原因", None)
    unit: Unit | None = F("金额单位", None, description="本条金额（本年、上年、增减额）的单位，与文件的 金额单位 不同时填写，"
                          "如表格以元列示而文字以万元说明；金额照原文，如 18976.76")


class TitledText(Strict):
    """A paragraph or item with an optional heading, as published."""

    title: Text | None = F("标题", None)
    text: Text = F("内容")


# ---------------------------------------------------------------------------
# 职责


class OrgUnit(Strict):
    name: Text = F("单位名称")
    nature: Text | None = F("单位性质", None, description="行政 / 参公 / 事业 …")
    rank: Text | None = F("单位规格", None)
    funding: Text | None = F("经费保障形式", None)
    authorised: Count | None = F("编制数", None)
    actual: Count | None = F("实有人数", None)


class Duties(Section):
    """职责: duties, organisation and the year's main tasks."""

    duties: list[Text] = F("主要职能", [])
    units: list[OrgUnit] = F("机构设置", [])
    organisation: Text | None = F("机构设置说明", None, description="内设机构、下属单位的文字说明")
    budget_units: Text | None = F("预算单位构成", None)
    tasks: list[TitledText] = F("主要工作任务", [], description="部门主要工作任务及目标")


# ---------------------------------------------------------------------------
# 收支


class Totals(Strict):
    """Revenue and expenditure totals of one scope (all funds, or 财政拨款 only)."""

    revenue_total: Amount | None = F("收入合计", None)
    revenue_current: Amount | None = F("当年收入小计", None)
    carried_in: Amount | None = F("上年结转", None)
    revenue: list[Row] = F("收入", [], description="收入按来源，如 一般公共预算拨款；可用 子项 分层")
    expenditure_total: Amount | None = F("支出合计", None)
    expenditure_current: Amount | None = F("当年支出小计", None)
    basic: Amount | None = F("基本支出", None)
    personnel: Amount | None = F("人员经费", None)
    public: Amount | None = F("公用经费", None, description="日常公用经费")
    project: Amount | None = F("项目支出", None)
    reserve: Amount | None = F("单位预留机动经费", None)
    carried_out: Amount | None = F("结转下年", None)
    by_function: list[Row] = F("支出按功能分类", [], description="收支预算总表的功能分类栏（类级）")


class ClassTable(Strict):
    """A table of expenditure by functional (功能) or economic (经济) classification."""

    number: Text | None = F("表号", None, description="如 公开05表")
    title: Text = F("名称")
    classification: Literal["功能分类", "经济分类"] = F("分类")
    scope: Text | None = F("口径", None, description="如 财政拨款、一般公共预算")
    columns: list[Text] = F("栏目", [], description="合计之外的金额栏，按原表顺序，如 [基本支出, 项目支出]；"
                            "各栏是合计的组成部分，各栏之和等于合计")
    total: Amount | None = F("合计", None)
    total_split: dict[Text, Amount] = F("合计分栏", {}, description="合计行各栏的金额，键为 栏目 中的栏名")
    rows: list[ClassRow] = F("行", [])
    note: Text | None = F("说明", None, description="表下注释，如 本部门无该项目")

    @model_validator(mode="after")
    def _columns(self) -> "ClassTable":
        known = set(self.columns)
        if len(known) != len(self.columns):
            raise validation_error("columns", "栏目 names a column twice", "栏目 中有重复的栏名")
        where = [("合计分栏", self.total_split)] + [
            (f"行 {i} ({' '.join(x for x in (row.code, row.name) if x)}) 分栏", row.split)
            for i, row in enumerate(self.rows, 1)]
        for label, split in where:
            unknown = [k for k in split if k not in known]
            if unknown:
                listed = "、".join(self.columns) or "（无）"
                raise validation_error(
                    "columns", "{where} has {keys}, which 栏目 does not list (栏目: {listed})",
                    f"{label} 中的 {'、'.join(unknown)} 不在本表 栏目 之列（栏目：{listed}）",
                    where=label, keys=", ".join(unknown), listed=listed)
        return self


class RunningCosts(Strict):
    """机关运行经费: the total and its items."""

    total: Amount = F("合计")
    number: Text | None = F("表号", None)
    scope: Text | None = F("口径", None)
    items: list[Row] = F("明细", [])
    note: Text | None = F("说明", None)
    changes: list[Change] = F("比上年", [])


class CapitalBudget(Strict):
    """国有资本经营预算."""

    revenue: Amount | None = F("收入", None)
    expenditure: Amount | None = F("支出", None)
    note: Text | None = F("说明", None)


class Finance(Totals, Section):
    """收支: totals, revenue by source, expenditure by use and by classification, changes."""

    appropriation: Totals | None = F("财政拨款", None, description="财政拨款口径的收支（财政拨款收支预算总表）")
    named_projects: list[Row] = F("主要项目", [], description="文字中列举的项目支出；未必完整")
    tables: list[ClassTable] = F("分类表", [])
    running_costs: RunningCosts | None = F("机关运行经费", None)
    capital_budget: CapitalBudget | None = F("国有资本经营预算", None)
    changes: list[Change] = F("比上年", [])
    explanations: list[TitledText] = F("情况说明", [], description="未归入以上各项的说明文字")
    final: FinalAccounts | None = F("决算表", None, description="部门决算的各张表（决算文件）")


# ---------------------------------------------------------------------------
# 三公


class ThreeCostFigures(Strict):
    """The 三公 items of one column (the budget, or the final account)."""

    total: Amount | None = F("合计", None, description="“三公”经费合计")
    abroad: Amount | None = F("因公出国境费", None, description="因公出国（境）费")
    vehicles: Amount | None = F("公务用车购置及运行维护费", None)
    vehicle_purchase: Amount | None = F("公务用车购置费", None)
    vehicle_running: Amount | None = F("公务用车运行维护费", None)
    reception: Amount | None = F("公务接待费", None)
    meetings: Amount | None = F("会议费", None)
    training: Amount | None = F("培训费", None)
    grand_total: Amount | None = F("总计", None, description="含会议费、培训费的表合计")


class ThreeCostCounts(Strict):
    """Counts a final account (决算) gives beside the 三公 amounts."""

    trips: Count | None = F("出国团组", None)
    travellers: Count | None = F("出国人次", None)
    vehicles_bought: Count | None = F("购置车辆", None)
    fleet: Count | None = F("车辆保有量", None)
    receptions: Count | None = F("接待批次", None)
    guests: Count | None = F("接待人次", None)


class ThreeCosts(ThreeCostFigures, Section):
    """三公: 因公出国(境)费, 公务用车购置/运行维护费, 公务接待费 (with 会议费, 培训费)."""

    number: Text | None = F("表号", None)
    scope: Text | None = F("口径", None, description="如 财政拨款、一般公共预算拨款")
    budget: ThreeCostFigures | None = F("预算数", None, description="决算中与决算数对照的预算数")
    counts: ThreeCostCounts | None = F("数量", None)
    changes: list[Change] = F("比上年", [])
    outturn: list[ThreeCostOutturn] = F("预决算对比", [], description="决算：原文所列各项完成预算的比例及原因")

    LABELS: ClassVar[tuple[str, ...]] = ("status", "note", "number", "scope")


class ThreeCostOutturn(Strict):
    """How much of a 三公 item's budget was spent, as the 决算's 情况说明 states it."""

    subject: Literal["合计", "因公出国境费", "公务用车购置及运行维护费", "公务用车购置费", "公务用车运行维护费",
                     "公务接待费"] = F("项目")
    rate: Percent | None = F("完成率", None, description="原文所列完成预算的比例（%）")
    reason: Text | None = F("原因", None, description="决算数与预算数不同的原因，照原文")


# ---------------------------------------------------------------------------
# 绩效


class Indicator(Strict):
    """One row of an indicator table: 一级 → 二级 → 三级 with its target."""

    level1: Text = F("一级", description="产出指标 / 效益指标 / 效果指标 / 满意度指标 / 成本指标 …")
    level2: Text | None = F("二级", None, description="数量指标 / 质量指标 / 时效指标 …")
    level3: Text | None = F("三级", None, description="指标名称；只有一、二级的行是分组说明或空行")
    description: Text | None = F("描述", None, description="绩效指标描述 / 指标值内容 / 指标值说明")
    target: Target | None = F("指标值", None, description="如 ≥95%、≤30万元、时间进度完成")
    basis: Text | None = F("依据", None, description="指标值确定依据")
    scoring: Text | None = F("评分标准", None, description="评（扣）分标准")
    remark: Text | None = F("备注", None)


class SpendingPlan(Strict):
    """资金支出计划: cumulative % spent by the end of March, June, October, December."""

    mar: Percent | None = F("3月底", None)
    jun: Percent | None = F("6月底", None)
    oct: Percent | None = F("10月底", None)
    dec: Percent | None = F("12月底", None)

    def points(self) -> list[tuple[str, Decimal]]:
        """The stated points in calendar order, as (label, percent)."""
        labels = (("3月底", self.mar), ("6月底", self.jun), ("10月底", self.oct), ("12月底", self.dec))
        return [(label, value) for label, value in labels if value is not None]


class Project(Strict):
    """A project's performance table (项目绩效目标表)."""

    code: Code | None = F("编码", None, description="项目编码")
    name: Text = F("名称", description="项目名称")
    template: Text | None = F("绩效模板", None, description="项目绩效模板")
    budget: Amount | None = F("预算数", None)
    fiscal: Amount | None = F("财政资金", None, description="其中：财政资金")
    other: Amount | None = F("其他资金", None)
    superior: Amount | None = F("上级资金", None, description="该项目支出上级资金")
    period: Text | None = F("实施期", None)
    purpose: Text | None = F("资金用途", None)
    plan: SpendingPlan | None = F("支出计划", None)
    period_goal: Text | None = F("实施期目标", None)
    goals: list[Text] = F("绩效目标", [])
    indicators: list[Indicator] = F("指标", [])


class AnnualTask(Strict):
    name: Text = F("任务名称")
    content: Text = F("主要内容")


class PerformanceBudget(Strict):
    """预算情况 of a department-wide performance declaration."""

    total: Amount | None = F("部门预算总额", None)
    fiscal: Amount | None = F("财政性资金", None)
    other: Amount | None = F("其他资金", None)
    basic: Amount | None = F("基本支出", None)
    project: Amount | None = F("项目支出", None)


class DepartmentTable(Strict):
    """部门整体绩效目标申报表 (the Hunan template): goals, tasks, budget and indicators."""

    title: Text | None = F("名称", None)
    duty_goals: Text | None = F("年度履职目标", None)
    tasks: list[AnnualTask] = F("年度主要任务", [])
    budget: PerformanceBudget | None = F("预算情况", None)
    indicators: list[Indicator] = F("指标", [])


class Performance(Section):
    """绩效: department-wide goals and measures, and per-project performance tables."""

    overall: Text | None = F("总体目标", None, description="总体绩效目标")
    goals: list[TitledText] = F("分项目标", [], description="分项绩效目标")
    measures: list[TitledText] = F("保障措施", [], description="工作保障措施")
    department_table: DepartmentTable | None = F("整体绩效目标表", None)
    projects: list[Project] = F("项目", [])
    managed_projects: Count | None = F("实行绩效目标管理项目数", None)
    managed_amount: Amount | None = F("涉及财政性资金", None)
    management: Text | None = F("绩效管理情况", None, description="决算：预算绩效管理工作开展情况（制度、机制），照原文")
    self_evaluation: SelfEvaluation | None = F("绩效自评", None, description="决算：全过程绩效管理的项目数、金额与自评结果")


class SelfEvaluation(Strict):
    """全过程绩效管理实施情况 of a 决算: projects with targets, tracked, self-evaluated, and their grades."""

    goal_projects: Count | None = F("编报绩效目标项目数", None)
    goal_amount: Amount | None = F("编报绩效目标金额", None)
    tracked_projects: Count | None = F("绩效跟踪评价项目数", None)
    tracked_amount: Amount | None = F("绩效跟踪评价金额", None)
    evaluated_projects: Count | None = F("绩效自评项目数", None)
    evaluated_amount: Amount | None = F("绩效自评金额", None)
    average_score: Quantity | None = F("平均得分", None)
    excellent: Count | None = F("评级为优", None)
    good: Count | None = F("评级为良", None)
    passed: Count | None = F("评级为合格", None)
    failed: Count | None = F("评级为不合格", None)
    problems: Count | None = F("发现问题数", None)
    fixed: Count | None = F("已整改问题数", None)
    fixing: Count | None = F("正在整改问题数", None)


# ---------------------------------------------------------------------------
# 政府采购


class ProcurementItem(Strict):
    name: Text = F("名称", description="采购物品名称")
    catalogue: Text | None = F("目录序号", None, description="政府采购目录序号")
    quantity: Quantity | None = F("数量", None)
    measure: Text | None = F("计量单位", None)
    price: Amount | None = F("单价", None)
    amount: Amount | None = F("金额", None)
    funding: Text | None = F("资金来源", None)
    method: Text | None = F("组织形式", None, description="采购组织形式，如 分散自行组织")


class ProcurementGroup(Strict):
    """Items grouped as the table groups them: category, special fund, economic class."""

    category: Literal["货物", "工程", "服务"] | None = F("品目", None)
    project: Text | None = F("项目", None, description="专项名称或项目名称")
    economic: Text | None = F("经济科目", None)
    total: Amount | None = F("合计", None)
    items: list[ProcurementItem] = F("明细", [])


class Procurement(Section):
    """政府采购: total, split 货物/工程/服务, and items."""

    number: Text | None = F("表号", None)
    total: Amount | None = F("合计", None)
    goods: Amount | None = F("货物", None)
    works: Amount | None = F("工程", None)
    services: Amount | None = F("服务", None)
    sme_reserved: Amount | None = F("预留中小企业", None, description="面向中小企业预留的金额")
    micro_reserved: Amount | None = F("预留小微企业", None, description="面向小微企业预留的金额")
    groups: list[ProcurementGroup] = F("分组", [])
    changes: list[Change] = F("比上年", [])


# ---------------------------------------------------------------------------
# 国有资产


class AssetRow(Strict):
    name: Text = F("项目")
    quantity: Quantity | None = F("数量", None)
    measure: Text | None = F("计量单位", None, description="平方米、台（辆）…")
    value: Amount | None = F("价值", None)


class Assets(Section):
    """国有资产: a snapshot of fixed assets."""

    as_of: Date | None = F("截止日期", None)
    total: Amount | None = F("资产总额", None)
    fixed: Amount | None = F("固定资产总额", None)
    rows: list[AssetRow] = F("明细", [])
    new_budget: Text | None = F("新增资产预算", None)


# ---------------------------------------------------------------------------
# 名词解释 and the whole


class Glossary(Section):
    """名词解释: term → definition, in the document's order."""

    terms: dict[str, Text] = F("术语", {})


class DepartmentYear(Strict):
    """One department's disclosure for one year and kind: the content of one YAML file."""

    meta: Meta = F("元数据")
    duties: Duties = F("职责")
    finance: Finance = F("收支")
    three_costs: ThreeCosts = F("三公")
    performance: Performance = F("绩效")
    procurement: Procurement = F("政府采购")
    assets: Assets = F("国有资产")
    glossary: Glossary = F("名词解释")
    other: Text | None = F("其他说明", None, description="其他需要说明的事项")


SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("duties", "职责", "duties"),
    ("finance", "收支", "finance"),
    ("three_costs", "三公", "sangong"),
    ("performance", "绩效", "performance"),
    ("procurement", "政府采购", "procurement"),
    ("assets", "国有资产", "assets"),
    ("glossary", "名词解释", "glossary"),
)
"""The seven sections: attribute, Chinese name (the YAML key), and the page anchor."""
