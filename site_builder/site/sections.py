"""The seven sections of a department-year page, as read-only views with every figure formatted.

One function per section turns the content model into what its template prints; the
templates only place it. A section not disclosed (未公开), a section disclosed as none (无)
and a section in a document not collected here (未收录) carry different states and texts, so
the page can never show them alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup

from ..content import model as m
from ..content.blocks import STATUS_KEYS
from .charts import Bar, Chart, bar_chart
from .fmt import Money, maybe_money, money, number, percent
from .final_views import FinalTableView, differs, final_views, rate_text
from .markup import MarkdownRenderer
from .lines import RUNNING_PREFIX, project_anchor, table_prefix, three_costs_anchor
from .tables import (BLANK, HISTORY_COLUMN, Cell, Column, Table, TableRow, amount_cell, changes_table, indicator_table,
                     make_table, rows_table, text_cell)

UNDISCLOSED = "本年度未公开此部分"
UNCOLLECTED = "本站未收录此部分所在的文件"
NONE_TEXTS = {
    "duties": "本年度无部门职责信息", "finance": "本年度无收支{kind}", "three_costs": "本年度无“三公”经费{kind}",
    "performance": "本年度无绩效目标", "procurement": "本年度无政府采购{kind}", "assets": "本年度无国有资产信息",
    "glossary": "本年度无名词解释",
}


@dataclass(frozen=True)
class Titled:
    title: str
    html: Markup


@dataclass(frozen=True)
class SectionView:
    """One of the seven sections: its anchor, state, note as published, and body."""

    anchor: str
    title: str
    status: str  # 已公开 / 无 / 未公开 / 未收录
    state: str  # disclosed / none / undisclosed / uncollected (CSS class and template switch)
    status_text: str  # "本年度未公开此部分" or "本年度无政府采购预算"; empty when disclosed
    note: Markup
    template: str  # e.g. "sections/finance.html"
    body: object | None  # the section's view; None unless disclosed
    scope: str = ""  # 未收录: what the collected documents cover (元数据.收录范围)


def section_view(doc: m.DepartmentYear, attr: str, title: str, anchor: str, md: MarkdownRenderer,
                 home: str = "") -> SectionView:
    """One section as a view; ``home`` is the department's lines page, where each budget line's history is."""
    section: m.Section = getattr(doc, attr)
    state = STATUS_KEYS[section.status]
    text = ""
    if state == "undisclosed":
        text = UNDISCLOSED
    elif state == "none":
        text = NONE_TEXTS[attr].format(kind=doc.meta.kind)
    elif state == "uncollected":
        text = UNCOLLECTED
    body = BUILDERS[attr](section, doc.meta.unit, md, home) if section.disclosed else None
    scope = (doc.meta.scope or "") if state == "uncollected" else ""
    return SectionView(anchor, title, section.status, state, text, md(section.note), f"sections/{anchor}.html", body,
                       scope)


# ---------------------------------------------------------------------------
# 职责


@dataclass(frozen=True)
class DutiesView:
    duties: tuple[Markup, ...]
    units: Table | None
    organisation: Markup
    budget_units: Markup
    tasks: tuple[Titled, ...]
    lead: Markup = Markup("")  # the first paragraph of the first duty: what the section shows unfolded
    lead_rest: Markup = Markup("")  # the rest of the first duty

    @property
    def folded(self) -> str:
        """What the fold holds beyond the lead, in words ("另 3 条职能、18 项主要工作任务"); empty: no fold."""
        parts = [f"{n} {what}" for n, what in ((len(self.duties) - 1, "条职能"), (len(self.tasks), "项主要工作任务"))
                 if n > 0]
        if self.units or self.organisation or self.budget_units:
            parts.append("机构设置")
        if not self.lead or not (parts or self.lead_rest):
            return ""
        return "另有" + "、".join(parts) if parts else "全文"


UNIT_COLUMNS = (Column("单位名称"), Column("单位性质"), Column("单位规格"), Column("经费保障形式"),
                Column("编制数", numeric=True), Column("实有人数", numeric=True))


def duties_view(s: m.Duties, unit: str, md: MarkdownRenderer, home: str = "") -> DutiesView:
    rows = [TableRow((Cell(u.name, header=True), text_cell(u.nature), text_cell(u.rank), text_cell(u.funding),
                      text_cell(None if u.authorised is None else str(u.authorised), numeric=True),
                      text_cell(None if u.actual is None else str(u.actual), numeric=True))) for u in s.units]
    units = make_table("org-units", "单位名称、性质、规格与经费保障形式", UNIT_COLUMNS, rows) if rows else None
    duties = tuple(md(d) for d in s.duties)
    lead, rest = first_paragraph(duties[0]) if duties else (Markup(""), Markup(""))
    return DutiesView(duties, units, md(s.organisation), md(s.budget_units),
                      tuple(Titled(t.title or "", md(t.text)) for t in s.tasks), lead, rest)


def first_paragraph(html: Markup) -> tuple[Markup, Markup]:
    """``html`` split after its first paragraph: (that paragraph, the rest). Whole when it opens otherwise."""
    if not html.startswith("<p>"):
        return html, Markup("")
    end = html.find("</p>") + len("</p>")
    return Markup(html[:end]), Markup(html[end:].strip())


# ---------------------------------------------------------------------------
# 收支


@dataclass(frozen=True)
class FinanceView:
    summary: Table
    structure: Chart | None
    revenue: Table | None
    by_function: Table | None
    appropriation: Table | None
    appropriation_revenue: Table | None
    projects: Table | None
    tables: tuple[Table, ...]
    running_costs: Table | None
    running_changes: Table | None
    capital: Table | None
    changes: Table | None
    explanations: tuple[Titled, ...]
    final: tuple[FinalTableView, ...] = ()  # the 决算 tables (final_views.py)


SUMMARY_FIELDS = (
    ("收入合计", "revenue_total", 0), ("当年收入小计", "revenue_current", 1), ("上年结转", "carried_in", 1),
    ("支出合计", "expenditure_total", 0), ("当年支出小计", "expenditure_current", 1), ("基本支出", "basic", 1),
    ("人员经费", "personnel", 2), ("公用经费", "public", 2), ("项目支出", "project", 1),
    ("单位预留机动经费", "reserve", 1), ("结转下年", "carried_out", 1),
)


def totals_table(id: str, caption: str, t: m.Totals, unit: str) -> Table:
    """Revenue and expenditure totals, with the other unit in its own column."""
    rows = []
    other = "元" if unit == "万元" else "万元"
    for label, attr, level in SUMMARY_FIELDS:
        value = getattr(t, attr)
        if value is not None:
            amount = money(value, unit)
            rows.append(TableRow((Cell(label, header=True, level=level), amount_cell(amount),
                                  Cell(amount.other_number, unit=other, numeric=True)), "total" if level == 0 else ""))
    columns = (Column("项目"), Column(f"金额（{unit}）", numeric=True), Column(f"折合（{other}，精确值）", numeric=True))
    return make_table(id, caption, columns, rows, unit=f"单位：{unit}")


def structure_chart(t: m.Totals, unit: str) -> Chart | None:
    """支出结构: what the expenditure is made of, from the totals."""
    parts: list[tuple[str, Decimal | None]] = []
    if t.personnel is not None and t.public is not None:
        parts += [("人员经费", t.personnel), ("公用经费", t.public)]
    else:
        parts.append(("基本支出", t.basic))
    parts += [("项目支出", t.project), ("单位预留机动经费", t.reserve), ("结转下年", t.carried_out)]
    bars = [Bar(label, value, str(money(value, unit))) for label, value in parts if value is not None]
    return bar_chart("chart-structure", "支出结构", bars) if len(bars) > 1 else None


def finance_view(s: m.Finance, unit: str, md: MarkdownRenderer, home: str = "") -> FinanceView:
    tables = tuple(
        rows_table(f"class-table-{i}", " ".join(x for x in (t.number, t.title) if x)
                   + f"（{t.classification}{'，' + t.scope if t.scope else ''}）",
                   t.rows, unit, classification=t.classification, total=maybe_money(t.total, unit), note=md(t.note),
                   columns=t.columns, total_split=t.total_split, anchors=table_prefix(t), home=home)
        for i, t in enumerate(s.tables, 1))
    rc = s.running_costs
    app = s.appropriation
    return FinanceView(
        summary=totals_table("finance-summary", "收支总表", s, unit),
        structure=structure_chart(s, unit),
        revenue=rows_table("finance-revenue", "收入按来源", s.revenue, unit) if s.revenue else None,
        by_function=rows_table("finance-by-function", "支出按功能分类", s.by_function, unit) if s.by_function else None,
        appropriation=totals_table("appropriation-summary", "财政拨款收支总表", app, unit) if app else None,
        appropriation_revenue=(rows_table("appropriation-revenue", "财政拨款收入", app.revenue, unit)
                               if app and app.revenue else None),
        projects=rows_table("finance-projects", "主要项目", s.named_projects, unit) if s.named_projects else None,
        tables=tables,
        running_costs=(rows_table("running-costs", " ".join(x for x in (rc.number, "机关运行经费") if x)
                                  + (f"（{rc.scope}）" if rc.scope else ""), rc.items, unit,
                                  classification="经济分类", total=money(rc.total, unit), note=md(rc.note),
                                  anchors=RUNNING_PREFIX, home=home)
                       if rc else None),
        running_changes=changes_table("running-costs-changes", "机关运行经费比上年变化", rc.changes, unit)
        if rc and rc.changes else None,
        capital=_capital(s.capital_budget, unit, md),
        changes=changes_table("finance-changes", "收支比上年变化", s.changes, unit) if s.changes else None,
        explanations=tuple(Titled(t.title or "", md(t.text)) for t in s.explanations),
        final=final_views(s.final, unit, md) if s.final is not None else (),
    )


def _capital(c: m.CapitalBudget | None, unit: str, md: MarkdownRenderer) -> Table | None:
    if c is None:
        return None
    rows = [TableRow((Cell(label, header=True), amount_cell(maybe_money(value, unit))))
            for label, value in (("收入", c.revenue), ("支出", c.expenditure)) if value is not None]
    return make_table("capital-budget", "国有资本经营预算", (Column("项目"), Column("金额", numeric=True)), rows,
                      unit=f"单位：{unit}", note=md(c.note))


# ---------------------------------------------------------------------------
# 三公


@dataclass(frozen=True)
class ThreeCostsView:
    table: Table
    chart: Chart | None
    counts: Table | None
    changes: Table | None


THREE_COST_ROWS = (
    ("因公出国（境）费", "abroad", 0), ("公务用车购置及运行维护费", "vehicles", 0), ("公务用车购置费", "vehicle_purchase", 1),
    ("公务用车运行维护费", "vehicle_running", 1), ("公务接待费", "reception", 0), ("“三公”经费合计", "total", 0),
    ("会议费", "meetings", 0), ("培训费", "training", 0), ("总计", "grand_total", 0),
)
COUNT_ROWS = (("出国团组", "trips"), ("出国人次", "travellers"), ("购置车辆", "vehicles_bought"),
              ("车辆保有量", "fleet"), ("接待批次", "receptions"), ("接待人次", "guests"))


def three_costs_view(s: m.ThreeCosts, unit: str, md: MarkdownRenderer, home: str = "") -> ThreeCostsView:
    budget = s.budget
    has_vehicles = s.vehicles is not None or (budget is not None and budget.vehicles is not None)
    rows = []
    for label, attr, level in THREE_COST_ROWS:
        value, planned = getattr(s, attr), getattr(budget, attr) if budget else None
        if value is None and planned is None:
            continue
        level = level if has_vehicles else 0  # 购置费 and 运行维护费 nest only under their printed sum
        kind = "total" if attr in ("total", "grand_total") else ""
        line = three_costs_anchor(attr)
        cells = [Cell(label, header=True, level=level)]
        if budget is not None:
            cells.append(amount_cell(maybe_money(planned, unit)))
        cells.append(amount_cell(maybe_money(value, unit)))
        if budget is not None:
            cells += _three_cost_rate(s, attr, value, planned)
        if home:
            cells.append(Cell(label, home=f"{home}#{line}"))
        rows.append(TableRow(tuple(cells), kind, line))
    columns = (Column("项目"), Column("预算数", numeric=True), Column("决算数", numeric=True),
               Column("完成率", numeric=True), Column("原因")) if budget else (Column("项目"), Column("金额", numeric=True))
    if home:
        columns += (HISTORY_COLUMN,)
    number = f"{s.number}、" if s.number and s.number in "一二三四五六七八九十" else f"{s.number} " if s.number else ""
    caption = f"{number}“三公”经费" + (f"（{s.scope}）" if s.scope else "")
    table = make_table("sangong-table", caption, columns, rows, unit=f"单位：{unit}")
    counts = None
    if s.counts is not None:
        count_rows = [TableRow((Cell(label, header=True), Cell(str(getattr(s.counts, attr)), numeric=True)))
                      for label, attr in COUNT_ROWS if getattr(s.counts, attr) is not None]
        counts = make_table("sangong-counts", "“三公”经费相关数量", (Column("项目"), Column("数量", numeric=True)), count_rows)
    return ThreeCostsView(table, three_costs_chart(s, unit), counts,
                          changes_table("sangong-changes", "“三公”经费比上年变化", s.changes, unit) if s.changes else None)


OUTTURN_SUBJECTS = {"total": "合计", "abroad": "因公出国境费", "vehicles": "公务用车购置及运行维护费",
                    "vehicle_purchase": "公务用车购置费", "vehicle_running": "公务用车运行维护费", "reception": "公务接待费"}


def _three_cost_rate(s: m.ThreeCosts, attr: str, value: Decimal | None, planned: Decimal | None) -> list[Cell]:
    """决算 ÷ 预算数 (none with a budget of 0 or none), the document's own rate where it differs, and its reason."""
    stated = next((o for o in s.outturn if o.subject == OUTTURN_SUBJECTS.get(attr)), None)
    rate, _ = rate_text(value, planned, None)
    if stated is not None and stated.rate is not None and differs(stated.rate, value, planned):
        rate = f"{rate}（原文 {percent(stated.rate)}）" if rate else f"原文 {percent(stated.rate)}"
    return [text_cell(rate or None, numeric=True), text_cell(stated.reason if stated else None)]


def three_costs_chart(s: m.ThreeCosts, unit: str) -> Chart | None:
    if s.vehicle_purchase is not None or s.vehicle_running is not None:
        parts = [("因公出国（境）费", s.abroad), ("公务用车购置费", s.vehicle_purchase),
                 ("公务用车运行维护费", s.vehicle_running), ("公务接待费", s.reception)]
    else:
        parts = [("因公出国（境）费", s.abroad), ("公务用车购置及运行维护费", s.vehicles), ("公务接待费", s.reception)]
    bars = [Bar(label, value, str(money(value, unit))) for label, value in parts if value is not None]
    return bar_chart("chart-sangong", "“三公”经费构成", bars) if bars else None


# ---------------------------------------------------------------------------
# 绩效


@dataclass(frozen=True)
class ProjectView:
    anchor: str
    line: str  # the project's anchor as a budget line (lines.py)
    home: str  # its history on the department's lines page, or ""
    name: str
    code: str
    facts: Table
    plan: Table | None
    plan_chart: Chart | None
    period_goal: Markup
    goals: tuple[str, ...]
    indicators: Table | None


@dataclass(frozen=True)
class DepartmentTableView:
    title: str
    duty_goals: Markup
    tasks: Table | None
    budget: Table | None
    indicators: Table | None


@dataclass(frozen=True)
class PerformanceView:
    overall: Markup
    goals: tuple[Titled, ...]
    measures: tuple[Titled, ...]
    managed: Table | None
    department_table: DepartmentTableView | None
    projects: tuple[ProjectView, ...]


def performance_view(s: m.Performance, unit: str, md: MarkdownRenderer, home: str = "") -> PerformanceView:
    managed_rows = []
    if s.managed_projects is not None:
        managed_rows.append(TableRow((Cell("实行绩效目标管理项目数", header=True), Cell(str(s.managed_projects), numeric=True))))
    if s.managed_amount is not None:
        managed_rows.append(TableRow((Cell("涉及财政性资金", header=True), amount_cell(money(s.managed_amount, unit)))))
    managed = make_table("performance-managed", "实行绩效目标管理的项目", (Column("项目"), Column("数值", numeric=True)),
                         managed_rows, unit=f"金额单位：{unit}") if managed_rows else None
    return PerformanceView(
        overall=md(s.overall),
        goals=tuple(Titled(g.title or "", md(g.text)) for g in s.goals),
        measures=tuple(Titled(g.title or "", md(g.text)) for g in s.measures),
        managed=managed,
        department_table=_department_table(s.department_table, unit, md),
        projects=tuple(project_view(p, i, unit, md, home) for i, p in enumerate(s.projects, 1)),
    )


PROJECT_FACTS = (("项目编码", "code"), ("绩效模板", "template"), ("预算数", "budget"), ("其中：财政资金", "fiscal"),
                 ("其他资金", "other"), ("上级资金", "superior"), ("实施期", "period"), ("资金用途", "purpose"))


def project_view(p: m.Project, index: int, unit: str, md: MarkdownRenderer, home: str = "") -> ProjectView:
    anchor = f"project-{index}"
    facts = []
    for label, attr in PROJECT_FACTS:
        value = getattr(p, attr)
        if value is None:
            continue
        cell = Cell(money=money(value, unit)) if isinstance(value, Decimal) else Cell(value)
        facts.append(TableRow((Cell(label, header=True), cell)))
    plan = plan_chart = None
    if p.plan is not None and p.plan.points():
        points = p.plan.points()
        columns = tuple(Column(label, numeric=True) for label, _ in points)
        plan = make_table(f"{anchor}-plan", f"{p.name}：资金支出计划（累计支出进度）", columns,
                          [TableRow(tuple(Cell(percent(v), numeric=True) for _, v in points))])
        plan_chart = bar_chart(f"{anchor}-plan-chart", f"{p.name}：资金支出计划",
                               [Bar(label, v, percent(v)) for label, v in points], maximum=Decimal(100))
    line = project_anchor(p.name)
    return ProjectView(
        anchor, line, f"{home}#{line}" if home else "", p.name, p.code or "",
        make_table(f"{anchor}-facts", f"{p.name}：项目概况", (Column("项目"), Column("内容")), facts, unit=f"金额单位：{unit}"),
        plan, plan_chart, md(p.period_goal), tuple(p.goals),
        indicator_table(f"{anchor}-indicators", f"{p.name}：绩效指标", p.indicators) if p.indicators else None,
    )


def _department_table(t: m.DepartmentTable | None, unit: str, md: MarkdownRenderer) -> DepartmentTableView | None:
    if t is None:
        return None
    tasks = make_table("department-tasks", "年度主要任务", (Column("任务名称"), Column("主要内容")),
                       [TableRow((Cell(k.name, header=True), Cell(k.content))) for k in t.tasks]) if t.tasks else None
    budget = None
    if t.budget is not None:
        b = t.budget
        rows = [TableRow((Cell(label, header=True, level=level), amount_cell(money(value, unit))))
                for label, value, level in (("部门预算总额", b.total, 0), ("财政性资金", b.fiscal, 1), ("其他资金", b.other, 1),
                                            ("基本支出", b.basic, 1), ("项目支出", b.project, 1)) if value is not None]
        budget = make_table("department-budget", "预算情况", (Column("项目"), Column("金额", numeric=True)), rows,
                            unit=f"单位：{unit}")
    indicators = indicator_table("department-indicators", "整体绩效指标", t.indicators) if t.indicators else None
    return DepartmentTableView(t.title or "部门整体绩效目标表", md(t.duty_goals), tasks, budget, indicators)


# ---------------------------------------------------------------------------
# 政府采购


@dataclass(frozen=True)
class ProcurementView:
    summary: Table | None
    groups: tuple[Table, ...]
    changes: Table | None


ITEM_COLUMNS = (Column("采购物品名称"), Column("目录序号"), Column("数量", numeric=True), Column("计量单位"),
                Column("单价", numeric=True), Column("金额", numeric=True), Column("资金来源"), Column("组织形式"))


def procurement_view(s: m.Procurement, unit: str, md: MarkdownRenderer, home: str = "") -> ProcurementView:
    summary_rows = [TableRow((Cell(label, header=True, level=level), amount_cell(money(value, unit))), kind)
                    for label, value, level, kind in (("合计", s.total, 0, "total"), ("货物", s.goods, 1, ""),
                                                      ("工程", s.works, 1, ""), ("服务", s.services, 1, ""),
                                                      ("预留中小企业", s.sme_reserved, 1, "")) if value is not None]
    caption = " ".join(x for x in (s.number, "政府采购预算") if x)
    summary = make_table("procurement-summary", caption, (Column("项目"), Column("金额", numeric=True)), summary_rows,
                         unit=f"单位：{unit}") if summary_rows else None
    groups = []
    for i, g in enumerate(s.groups, 1):
        rows = [TableRow((Cell(it.name, header=True), text_cell(it.catalogue),
                          text_cell(number(it.quantity) if it.quantity is not None else None, numeric=True),
                          text_cell(it.measure), amount_cell(maybe_money(it.price, unit)),
                          amount_cell(maybe_money(it.amount, unit)), text_cell(it.funding), text_cell(it.method)))
                for it in g.items]
        foot = [TableRow((Cell("合计", header=True),) + (Cell(""),) * 4 + (amount_cell(money(g.total, unit)),)
                         + (Cell(""),) * 2, "total")] if g.total is not None else []
        title = " · ".join(x for x in (g.category, g.project, g.economic) if x) or f"第{i}组"
        if any(t.caption == title for t in groups):  # captions name the scroll regions: keep them unique
            title = f"{title}（第{i}组）"
        groups.append(make_table(f"procurement-group-{i}", title, ITEM_COLUMNS, rows, unit=f"单位：{unit}", foot=foot))
    changes = changes_table("procurement-changes", "政府采购比上年变化", s.changes, unit) if s.changes else None
    return ProcurementView(summary, tuple(groups), changes)


# ---------------------------------------------------------------------------
# 国有资产 and 名词解释


@dataclass(frozen=True)
class AssetsView:
    summary: Table | None
    rows: Table | None
    new_budget: Markup


def assets_view(s: m.Assets, unit: str, md: MarkdownRenderer, home: str = "") -> AssetsView:
    summary_rows = []
    if s.as_of is not None:
        summary_rows.append(TableRow((Cell("截止日期", header=True), Cell(s.as_of.isoformat()))))
    for label, value in (("资产总额", s.total), ("固定资产总额", s.fixed)):
        if value is not None:
            summary_rows.append(TableRow((Cell(label, header=True), amount_cell(money(value, unit)))))
    summary = make_table("assets-summary", "国有资产占用情况", (Column("项目"), Column("数值", numeric=True)),
                         summary_rows, unit=f"金额单位：{unit}") if summary_rows else None
    rows = [TableRow((Cell(r.name, header=True), text_cell(number(r.quantity) if r.quantity is not None else None,
                                                           numeric=True),
                      text_cell(r.measure), amount_cell(maybe_money(r.value, unit)))) for r in s.rows]
    table = make_table("assets-rows", "资产明细", (Column("项目"), Column("数量", numeric=True), Column("计量单位"),
                                               Column("价值", numeric=True)), rows, unit=f"金额单位：{unit}") if rows else None
    return AssetsView(summary, table, md(s.new_budget))


@dataclass(frozen=True)
class Term:
    anchor: str
    term: str
    html: Markup


@dataclass(frozen=True)
class GlossaryView:
    terms: tuple[Term, ...]


def glossary_view(s: m.Glossary, unit: str, md: MarkdownRenderer, home: str = "") -> GlossaryView:
    return GlossaryView(tuple(Term(term_anchor(t), t, md(d)) for t, d in s.terms.items()))


def term_anchor(term: str) -> str:
    """A stable anchor for a term: the term itself without whitespace (ids may be any non-space text)."""
    return "term-" + "".join(term.split())


BUILDERS = {
    "duties": duties_view, "finance": finance_view, "three_costs": three_costs_view, "performance": performance_view,
    "procurement": procurement_view, "assets": assets_view, "glossary": glossary_view,
}

__all__ = ["BLANK", "Money", "SectionView", "section_view"]
