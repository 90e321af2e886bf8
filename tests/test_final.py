"""决算: the tables' checks, completion rates (never a division by zero), the budget-and-actual CSV.

All content here is fictitious (虚构); the expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from sitekit import MINIMAL, replace_line, run_validate, write_tree

from site_builder.content.checks import run_checks
from site_builder.content.final import completion
from site_builder.content.model import DepartmentYear
from site_builder.derive.opendata import final_csv
from site_builder.content.yamlload import parse_yaml

PATH = "content/xugou/xugou-shi/xugou-xian/shili/2020-juesuan.yaml"

FINANCE = """\
收支:
  决算表:
    收入支出决算总表:
      表号: 一
      收入:
        - {名称: 一般公共预算财政拨款收入, 决算数: 100.00}
        - {名称: 其他收入, 决算数: 5.00}
      本年收入合计: 105.00
      年初结转和结余: 10.00
      收入总计: 115.00
      支出:
        - {名称: 一般公共服务支出, 决算数: 90.00}
        - {名称: 住房保障支出, 决算数: 12.00}
      本年支出合计: 102.00
      年末结转和结余: 13.00
      支出总计: 115.00
    收入决算表:
      合计: {本年收入合计: 105.00, 财政拨款收入: 100.00, 其他收入: 5.00}
      行:
        - {编码: "201", 名称: 一般公共服务支出, 本年收入合计: 93.00, 财政拨款收入: 88.00, 其他收入: 5.00}
        - {编码: "20101", 名称: 人大事务, 本年收入合计: 93.00, 财政拨款收入: 88.00, 其他收入: 5.00}
        - {编码: "221", 名称: 住房保障支出, 本年收入合计: 12.00, 财政拨款收入: 12.00}
    支出决算表:
      合计: {本年支出合计: 102.00, 基本支出: 70.00, 项目支出: 32.00}
      行:
        - {编码: "201", 名称: 一般公共服务支出, 本年支出合计: 90.00, 基本支出: 58.00, 项目支出: 32.00}
        - {编码: "20101", 名称: 人大事务, 本年支出合计: 90.00, 基本支出: 58.00, 项目支出: 32.00}
        - {编码: "2010101", 名称: 行政运行, 本年支出合计: 58.00, 基本支出: 58.00}
        - {编码: "2010102", 名称: 一般行政管理事务, 本年支出合计: 32.00, 项目支出: 32.00}
        - {编码: "221", 名称: 住房保障支出, 本年支出合计: 12.00, 基本支出: 12.00}
    财政拨款收入支出决算总表: 未公开
    一般公共预算财政拨款支出决算表:
      合计: {合计: 100.00, 基本支出: 68.00, 项目支出: 32.00, 年初预算数: 120.00, 完成率: 83.33}
      行:
        - {编码: "2010101", 名称: 行政运行, 合计: 56.00, 基本支出: 56.00, 年初预算数: 80.00, 完成率: 70.00}
        - {编码: "2010102", 名称: 一般行政管理事务, 合计: 32.00, 项目支出: 32.00, 年初预算数: 0, 全年预算数: 40.00, 完成率: 80.00}
        - {编码: "2210201", 名称: 住房公积金, 合计: 12.00, 基本支出: 12.00, 年初预算数: 40.00, 完成率: 30.00}
    一般公共预算财政拨款基本支出决算表:
      行:
        - {编码: "301", 名称: 工资福利支出, 决算数: 60.00}
        - {编码: "30101", 名称: 基本工资, 决算数: 60.00}
        - {编码: "302", 名称: 商品和服务支出, 决算数: 8.00}
      人员经费合计: 60.00
      公用经费合计: 8.00
    政府性基金预算财政拨款收入支出决算表: {表号: 八, 状态: 无, 说明: 本部门没有政府性基金预算财政拨款收入和支出，故本表无数据（虚构）。}
    国有资本经营预算财政拨款收入支出决算表: 无
"""


def final_text(finance: str = FINANCE) -> str:
    text = replace_line(MINIMAL, "  类型: 预算", "  类型: 决算")
    text = text.replace("2020年部门预算（测试用虚构数据）", "2020年部门决算（测试用虚构数据）")
    start, end = text.index("收支:\n"), text.index("三公:\n")
    return text[:start] + finance + text[end:]


def load(text: str) -> DepartmentYear:
    return DepartmentYear.model_validate(parse_yaml(text).data)


def failed(text: str) -> dict[str, tuple[Decimal, Decimal]]:
    return {c.title: (c.left, c.right) for c in run_checks(load(text)) if not c.passed}


def test_a_consistent_final_account_validates_without_warnings(tmp_path: Path) -> None:
    write_tree(tmp_path, f"-- {PATH} --\n{final_text()}")
    lines, _ = run_validate(tmp_path)
    assert lines == []


def test_the_checks_that_ran() -> None:
    titles = {c.title for c in run_checks(load(final_text()))}
    assert {
        "收入支出决算总表：收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余",  # 105 + 10 = 115
        "收入支出决算总表：支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余",  # 102 + 13 = 115
        "收入支出决算总表：收入总计 = 支出总计",
        "支出决算表：201 一般公共服务支出（本年支出合计）= 下级科目之和",
        "支出决算表：20101 人大事务（本年支出合计）= 下级科目之和",  # 58 + 32 = 90
        "支出决算表：2010101 行政运行：本年支出合计 = 基本支出",
        "一般公共服务支出：收入支出决算总表 = 支出决算表",
        "一般公共预算财政拨款支出：年初预算数合计 = 各项之和",  # 80 + 0 + 40 = 120
        "一般公共预算财政拨款支出：所列完成率与决算数、年初预算数一致",  # 100 / 120 = 83.33%
        "2010102 一般行政管理事务：所列完成率（年初预算为 0，按全年预算数核对）与决算数、全年预算数一致",  # 32 / 40
        "人员经费合计 + 公用经费合计 = 一般公共预算财政拨款基本支出",  # 60 + 8 = 68
    } <= titles


def test_sub_totals_and_class_sums_that_do_not_add_up() -> None:
    text = final_text(FINANCE.replace("本年支出合计: 58.00, 基本支出: 58.00}", "本年支出合计: 58.01, 基本支出: 58.00}")
                      .replace("收入总计: 115.00", "收入总计: 115.10"))
    got = failed(text)
    assert got["支出决算表：20101 人大事务（本年支出合计）= 下级科目之和"] == (Decimal("90.00"), Decimal("90.01"))
    assert got["支出决算表：2010101 行政运行：本年支出合计 = 基本支出"] == (Decimal("58.01"), Decimal("58.00"))
    assert got["收入支出决算总表：收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余"] == (
        Decimal("115.10"), Decimal("115.00"))
    assert got["收入支出决算总表：收入总计 = 支出总计"] == (Decimal("115.10"), Decimal("115.00"))


def test_a_stated_rate_that_does_not_match_its_figures() -> None:
    # 100 / 120 = 83.333…% → 83.33; a document stating 83.34 is one hundredth off.
    got = failed(final_text(FINANCE.replace("完成率: 83.33", "完成率: 83.34")))
    assert got["一般公共预算财政拨款支出：所列完成率与决算数、年初预算数一致"] == (Decimal("83.34"), Decimal("83.33"))


def test_a_budget_of_zero_is_never_divided_by() -> None:
    assert completion(Decimal("32.00"), Decimal(0)) is None
    assert completion(Decimal("32.00"), None) is None
    assert completion(Decimal("100.00"), Decimal("120.00")) == Decimal("83.33")
    # 年初预算 0 and no 全年预算: the stated rate cannot be checked, and no check divides by zero.
    text = final_text(FINANCE.replace("年初预算数: 0, 全年预算数: 40.00, 完成率: 80.00", "年初预算数: 0, 完成率: 80.00"))
    checks = run_checks(load(text))
    assert not [c for c in checks if c.title.startswith("2010102") and "完成率" in c.title]


def test_a_table_marked_none_holds_no_rows(tmp_path: Path) -> None:
    bad = FINANCE.replace("国有资本经营预算财政拨款收入支出决算表: 无",
                          "国有资本经营预算财政拨款收入支出决算表: {状态: 无, 行: [{名称: 虚构, 本年收入: 1}]}")
    write_tree(tmp_path, f"-- {PATH} --\n{final_text(bad)}")
    lines, _ = run_validate(tmp_path)
    assert len(lines) == 1 and "国有资本经营预算财政拨款收入支出决算表: the section is marked 无 but holds data (行)" in lines[0]


def test_an_unknown_column_is_an_error(tmp_path: Path) -> None:
    bad = FINANCE.replace("{编码: \"221\", 名称: 住房保障支出, 本年收入合计: 12.00, 财政拨款收入: 12.00}",
                          "{编码: \"221\", 名称: 住房保障支出, 本年收入: 12.00}")
    write_tree(tmp_path, f"-- {PATH} --\n{final_text(bad)}")
    lines, _ = run_validate(tmp_path)
    assert len(lines) == 1 and "收支.决算表.收入决算表.行[3].本年收入" in lines[0]


def test_the_csv_has_the_budget_and_the_actual_in_columns() -> None:
    rows = list(csv.DictReader(io.StringIO(final_csv([load(final_text())]).lstrip("\ufeff"))))
    total = next(r for r in rows if r["表"] == "一般公共预算财政拨款支出决算表" and r["栏"] == "合计" and r["列"] == "合计")
    assert (total["年初预算数"], total["决算数"], total["完成率（年初预算）"], total["所列完成率"]) == (
        "120.00", "100.00", "83.33", "83.33")
    zero = next(r for r in rows if r["编码"] == "2010102" and r["列"] == "合计")
    assert (zero["年初预算数"], zero["全年预算数"], zero["完成率（年初预算）"], zero["完成率（全年预算）"]) == (
        "0", "40.00", "", "80.00")
    assert {r["表"] for r in rows} == {"收入支出决算总表", "收入决算表", "支出决算表", "一般公共预算财政拨款支出决算表",
                                      "一般公共预算财政拨款基本支出决算表", "财政拨款“三公”经费支出决算表"}


def test_a_years_budget_and_final_account_are_compared(tmp_path: Path) -> None:
    from buildkit import build, seen, soup
    from sitekit import MINIMAL_PATH

    write_tree(tmp_path, f"-- {MINIMAL_PATH} --\n{MINIMAL}\n-- {PATH} --\n{final_text()}\n-- site.toml --\ntitle = \"虚构\"\n")
    result, reporter = build(tmp_path, search_index=False)
    assert result.ok, [str(p) for p in reporter.errors]
    dept = tmp_path / "output/xugou/xugou-shi/xugou-xian/shili"
    page = soup(dept / "compare/2020-2020-juesuan/index.html")
    assert page.h1.get_text() == "虚构县示例局（虚构数据）：2020年预算与2020年决算比较"
    rows = {r.th.get_text(strip=True): [seen(c, " ") for c in r.find_all("td")]
            for r in page.select("table tr") if r.th and r.find("td")}
    # 预算 支出合计 1,000.00 against the 决算's 本年支出合计 102.00: 898.00 less, 89.80% of 1,000.00.
    assert rows["支出合计"] == ["1,000.00", "102.00", "减少 898.00 下降 89.80%"]
    assert "比较的是2020年预算与2020年决算，二者口径不同。" in page.get_text()
    links = [a.get_text() for a in soup(dept / "index.html").select(".comparison-list a")]
    assert links == ["2020年预算 → 2020年决算"]
    side = soup(dept / "index.html").select_one("#budget-actual tbody tr")
    assert [seen(c) for c in side.find_all(["th", "td"])][:6] == [
        "2020年", "1,000.00", "102.00", "120.00", "100.00", "83.33%"]  # 100 / 120 = 83.33%


def test_the_scorecard_of_a_final_account_has_its_own_items() -> None:
    from site_builder.problems import Reporter
    from site_builder.derive.scorecard import DEFAULT, load_items, score

    items = load_items(DEFAULT, Reporter())
    assert items is not None
    marks = {m.item.rule: m.state for m in score(load(final_text()), items).marks}
    assert "revenue" not in marks and "quantified_targets" not in marks  # items of a 预算
    assert {rule: marks[rule] for rule in ("final_income", "final_expenditure", "final_appropriation", "final_by_function",
                                           "final_by_economic", "final_outturn", "three_costs_outturn",
                                           "self_evaluation", "performance_management")} == {
        "final_income": "已公开", "final_expenditure": "已公开",
        "final_appropriation": "未公开",  # 财政拨款收入支出决算总表: 未公开
        "final_by_function": "已公开", "final_by_economic": "已公开",
        "final_outturn": "未公开",  # 年初预算 given, but no reason for the difference
        "three_costs_outturn": "未公开",  # no 三公 预算数
        "self_evaluation": "未公开", "performance_management": "未公开"}
    budget = {m.item.rule for m in score(load(MINIMAL), items).marks}
    assert "revenue" in budget and "final_income" not in budget
