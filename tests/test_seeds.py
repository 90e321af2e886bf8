"""The seed documents are in content/, exactly, and their own sums hold.

The figures are DOMAIN.md's cross-checks, written here as the oracle, so a transcription
slip or a loader that rounds fails these tests.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from site_builder.content.checks import run_checks
from site_builder.content.load import load_content
from site_builder.content.model import DepartmentYear, to_yuan
from site_builder.problems import Reporter

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
SHANHAIGUAN = "hebei/qinhuangdao/shanhaiguan/xinfang/2020.yaml"
LUNAN = "hebei/tangshan/lunan/xinfang/2025.yaml"
XIANGXI = "hunan/xiangxi/xinfang/2022.yaml"
CHENGDE = "hebei/chengde/chengde-xian/xinfang/2021.yaml"
SEEDS = (SHANHAIGUAN, LUNAN, XIANGXI, CHENGDE)

D = Decimal


@pytest.fixture(scope="module")
def docs() -> dict[str, DepartmentYear]:
    reporter = Reporter()
    entries = load_content(CONTENT, reporter)
    assert reporter.errors == []
    return {"/".join(e.rel): e.model for e in entries}


def test_content_validates_without_errors(docs: dict[str, DepartmentYear]) -> None:
    assert set(SEEDS) <= set(docs)


def test_shanhaiguan_cross_checks(docs: dict[str, DepartmentYear]) -> None:
    doc = docs[SHANHAIGUAN]
    f = doc.finance
    assert doc.meta.unit == "元" and doc.meta.code == "202002" and doc.meta.year == 2020
    assert f.revenue_total == f.expenditure_total == D("3828602.02")
    assert (f.basic, f.personnel, f.public) == (D("916602.02"), D("840105.75"), D("76496.27"))
    assert f.basic == f.personnel + f.public
    assert f.project == D("2912000")
    budgets = {p.name: p.budget for p in doc.performance.projects}
    assert budgets == {
        "旅游旺季北戴河工作经费": D("400000.00"),
        "全国、省、市两会期间及重点敏感时期驻京、驻石工作经费": D("1200000.00"),
        "综合事物管理费": D("1000000.00"),
        "人事代理专项补助": D("300000.00"),
        "车辆保险费": D("12000.00"),
    }
    assert sum(budgets.values()) == f.project
    rc = f.running_costs
    assert rc is not None and len(rc.items) == 13 and rc.total == D("76496.27")
    assert sum(r.amount for r in rc.items) == rc.total
    t = doc.three_costs
    assert (t.total, t.abroad, t.vehicle_purchase, t.vehicle_running, t.reception) == (
        D("145950.5"), D(0), D(0), D("126000"), D("19950.5"))
    assert t.abroad + t.vehicle_purchase + t.vehicle_running + t.reception == t.total


def test_shanhaiguan_sections_and_indicators(docs: dict[str, DepartmentYear]) -> None:
    doc = docs[SHANHAIGUAN]
    assert all(getattr(doc, s).status == "已公开" for s in ("duties", "finance", "three_costs", "performance", "assets", "glossary"))
    assert doc.procurement.status == "无"
    assert doc.assets.fixed == D(0)
    assert len(doc.glossary.terms) == 7
    first = doc.performance.projects[0]
    assert first.code == "202-3202-YBN-67SQ"
    assert [str(i.target) for i in first.indicators] == ["=100.00%", "≥95.00%", "≥95.00%", "≥95.00%", "≥95.00%", "=100.00%"]
    assert sum(len(p.indicators) for p in doc.performance.projects) == 20


def test_xiangxi_budget(docs: dict[str, DepartmentYear]) -> None:
    doc = docs[XIANGXI]
    table = doc.performance.department_table
    assert table is not None and table.budget is not None
    assert (table.budget.total, table.budget.basic, table.budget.project) == (D("407.14"), D("334.79"), D("72.35"))
    assert table.budget.basic + table.budget.project == table.budget.total
    assert doc.meta.unit == "万元"
    # The same budget, exactly, in 元.
    assert to_yuan(table.budget.total, doc.meta.unit) == D("4071400")
    kinds = {i.target.kind for i in table.indicators if i.target is not None}
    assert kinds == {"定量", "定性"}


def test_lunan_discloses_performance_only(docs: dict[str, DepartmentYear]) -> None:
    doc = docs[LUNAN]
    statuses = {name: getattr(doc, name).status for name in
                ("duties", "finance", "three_costs", "performance", "procurement", "assets", "glossary")}
    # A performance text: the other sections are not in it, so not collected here (未收录), not 未公开.
    assert statuses == {"duties": "未收录", "finance": "未收录", "three_costs": "未收录", "performance": "已公开",
                        "procurement": "未收录", "assets": "未收录", "glossary": "未收录"}
    assert doc.meta.scope is not None and doc.meta.scope.startswith("部门预算绩效目标")
    budgets = [p.budget for p in doc.performance.projects]
    assert budgets == [D("1000.00"), D("200.00"), D("20.00")]
    cost = doc.performance.projects[0].indicators[3]
    assert (cost.level2, cost.target.op, cost.target.value, cost.target.unit) == ("成本指标", "≤", D("1000"), "万元")


def test_chengde_targets_are_normalised(docs: dict[str, DepartmentYear]) -> None:
    doc = docs[CHENGDE]
    [project] = doc.performance.projects
    assert project.budget == D("60.00")
    targets = [str(i.target) for i in project.indicators]
    assert targets[:3] == ["≤30万元", "≤30万元", "≥95%"]  # printed "≥95 百分比": one form


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_sums_hold(docs: dict[str, DepartmentYear], seed: str) -> None:
    checks = run_checks(docs[seed])
    failed = [f"{c.title}: {c.left} vs {c.right}" for c in checks if not c.passed]
    assert failed == []


def test_shanhaiguan_runs_the_domain_checks(docs: dict[str, DepartmentYear]) -> None:
    titles = {c.title for c in run_checks(docs[SHANHAIGUAN])}
    assert {"收入合计 = 支出合计", "基本支出 = 人员经费 + 公用经费", "“三公”经费合计 = 各项之和",
            "机关运行经费：合计 = 明细之和", "绩效目标项目金额不超过项目支出"} <= titles
