"""The comparison engine: what changed in a department from one year to another.

The multi-year fixtures are fictitious (虚构): one department, 虚构县示例局, in 2019 (in 元),
2020 and 2021 (in 万元), built from sitekit's MINIMAL. The real Jiangsu content is used only
to check that the comparison shows what the documents themselves state.
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import fields, is_dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitekit import MINIMAL, replace_line, write_tree

from site_builder.derive.compare import (Comparison, by_department, compare, comparison_csv, comparison_json, figure_sentence,
                                  pairs)
from site_builder.content.load import Entry, load_content
from site_builder.problems import Reporter
from site_builder.derive.textdiff import Segment, diff_segments, diff_text, fold, new_text, old_text

D = Decimal
ROOT = Path(__file__).resolve().parents[1]
DEPT = "content/xugou/xugou-shi/xugou-xian/shili"


# ---------------------------------------------------------------------------
# Fictitious fixtures (虚构)

LONG_DUTY = ("贯彻执行国家和省、市关于示例工作的方针政策和法律法规（虚构）；"
             "拟订全县示例工作的发展规划和年度计划，并组织实施；"
             "负责全县示例工作的统计、分析和信息发布，每季度向县人民政府报告示例工作情况；指导各乡镇开展示例工作，"
             "组织示例工作人员的业务培训；承办县人民政府交办的其他事项。本段文字为测试用虚构数据，不对应任何真实部门的职责。")

FINANCE_2019 = """\
收支:
  收入合计: 11525000.00
  收入:
    - {名称: 一般公共预算拨款收入, 金额: 11525000.00}
  支出合计: 11525000.00
  基本支出: 5000000.00
  人员经费: 4000000.00
  公用经费: 1000000.00
  项目支出: 6525000.00
  单位预留机动经费: 0
  分类表:
    - 名称: 一般公共预算支出预算表（虚构）
      分类: 功能分类
      口径: 一般公共预算
      合计: 11525000.00
      行:
        - {编码: "201", 名称: 一般公共服务支出, 金额: 11525000.00}
        - {编码: "20199", 名称: 其他一般公共服务支出, 金额: 11525000.00}
        - {编码: "2019999", 名称: 其他一般公共服务支出（项）, 金额: 11525000.00}
  机关运行经费:
    合计: 1000000.00
    明细:
      - {编码: "30201", 名称: 办公费, 金额: 600000.00}
      - {编码: "30211", 名称: 差旅费, 金额: 400000.00}
"""

FINANCE_2020 = """\
收支:
  收入合计: 1037.00
  收入:
    - {名称: 一般公共预算拨款收入, 金额: 1037.00}
  支出合计: 1037.00
  基本支出: 500.00
  人员经费: 395.8321
  公用经费: 104.1679
  项目支出: 537.00
  分类表:
    - 名称: 一般公共预算支出预算表（虚构）（功能科目）
      分类: 功能分类
      口径: 一般公共预算
      合计: 1037.00
      行:
        - {编码: "201", 名称: 一般公共服务支出, 金额: 1037.00}
        - {编码: "20199", 名称: 其他一般公共服务事务（虚构更名）, 金额: 1037.00}
        - {编码: "2019999", 名称: 其他一般公共服务支出（项）, 金额: 1037.00}
  机关运行经费:
    合计: 104.1679
    明细:
      - {编码: "30201", 名称: 办公费, 金额: 64.1679}
      - {编码: "30211", 名称: 差旅费, 金额: 40.00}
    比上年:
      - 项目: 一般公共预算机关运行经费
        本年: 104.1679
        变化: 增加
        增减额: 4.1679
        增减率: 4.17
        原因: 新增办公设备维护（虚构）。
  比上年:
    - 项目: 项目支出
      本年: 537.00
      变化: 减少
      增减额: 115.50
      增减率: 17.70
      原因: 旧项目（虚构）结束。
    - 项目: 基本支出
      本年: 500.00
      变化: 持平
"""

THREE_COSTS_2019 = """\
三公:
  合计: 32345.67
  因公出国境费: 0
  公务用车购置费: 0
  公务用车运行维护费: 20000.00
  公务接待费: 12345.67
"""

THREE_COSTS_2020 = """\
三公:
  合计: 3.234567
  因公出国境费: 0
  公务用车购置费: 0
  公务用车运行维护费: 2.00
  公务接待费: 1.234567
  会议费: 1.50
"""

PERFORMANCE_2019 = """\
绩效:
  总体目标: 完成示例任务（虚构）。
  项目:
    - 编码: X-001
      名称: 示例项目（虚构）
      预算数: 5000000.00
      指标:
        - {一级: 产出指标, 二级: 数量指标, 三级: 示例完成率, 指标值: "≥95%"}
        - {一级: 产出指标, 二级: 质量指标, 三级: 示例合格率, 指标值: "=100%"}
        - {一级: 效益指标, 二级: 社会效益指标, 三级: 示例覆盖率, 指标值: "≥80%"}
    - 编码: X-002
      名称: 旧项目（虚构）
      预算数: 1525000.00
"""

PERFORMANCE_2020 = """\
绩效:
  总体目标: 完成示例任务（虚构）。
  项目:
    - 编码: X-001
      名称: 示例项目（虚构，已更名）
      预算数: 480.00
      指标:
        - {一级: 产出指标, 二级: 数量指标, 三级: 示例完成率, 指标值: "≥90%"}
        - {一级: 产出指标, 二级: 质量指标, 三级: 示例合格率, 指标值: "=100%"}
        - {一级: 满意度指标, 二级: 服务对象满意度指标, 三级: 群众满意度, 指标值: "≥90%"}
    - 编码: X-003
      名称: 新项目（虚构）
      预算数: 57.00
"""

ASSETS_2020 = """\
国有资产:
  资产总额: 120.50
  固定资产总额: 80.25
"""

GLOSSARY_2019 = """\
名词解释:
  术语:
    基本支出: 指为保障机构正常运转而发生的支出。
    项目支出: 指为完成特定任务而发生的支出（虚构）。
"""

GLOSSARY_2020 = """\
名词解释:
  术语:
    基本支出: 指为保障机构正常运转、完成日常工作任务而发生的支出。
    机关运行经费: 指行政单位的日常公用经费支出（虚构）。
"""


def _block(start: str, end: str) -> str:
    return MINIMAL[MINIMAL.index(start):MINIMAL.index(end)]


def year_text(year: int, unit: str, finance: str, three_costs: str, performance: str, assets: str, glossary: str,
              duty: str) -> str:
    text = replace_line(MINIMAL, "  年度: 2020", f"  年度: {year}")
    text = replace_line(text, "示例局2020年部门预算", f"示例局{year}年部门预算")
    text = replace_line(text, "  金额单位: 元", f"  金额单位: {unit}")
    text = replace_line(text, "    - 负责示例工作（虚构）。", f"    - {duty}")
    text = replace_line(text, _block("收支:", "三公:"), finance)
    text = replace_line(text, _block("三公:", "绩效:"), three_costs)
    text = replace_line(text, _block("绩效:", "政府采购:"), performance)
    text = replace_line(text, "国有资产: 未公开\n", assets)
    old_glossary = MINIMAL[MINIMAL.index("名词解释:"):]
    return replace_line(text, old_glossary, glossary)


Y2019 = year_text(2019, "元", FINANCE_2019, THREE_COSTS_2019, PERFORMANCE_2019, "国有资产: 未公开\n", GLOSSARY_2019,
                  LONG_DUTY)
Y2020 = year_text(2020, "万元", FINANCE_2020, THREE_COSTS_2020, PERFORMANCE_2020, ASSETS_2020, GLOSSARY_2020,
                  LONG_DUTY.replace("每季度", "每月"))


def _y2021() -> str:
    """2021: 项目支出 up again by 20 万元 (X-001 480 → 500), without 比上年; the rest as in 2020."""
    text = Y2020.replace("1037.00", "1057.00")
    text = replace_line(text, "  年度: 2020", "  年度: 2021")
    text = replace_line(text, "示例局2020年部门预算", "示例局2021年部门预算")
    text = replace_line(text, "  项目支出: 537.00", "  项目支出: 557.00")
    text = replace_line(text, "      预算数: 480.00", "      预算数: 500.00")
    stated = text[text.index("    比上年:\n      - 项目: 一般公共预算机关运行经费"):text.index("三公:")]
    return replace_line(text, stated, "")


Y2021 = _y2021()


def load(tmp_path: Path, **files: str) -> dict[str, Entry]:
    spec = "".join(f"-- {DEPT}/{name}.yaml --\n{text}" for name, text in files.items())
    write_tree(tmp_path, spec)
    reporter = Reporter()
    entries = load_content(tmp_path / "content", reporter)
    assert reporter.errors == [], [str(p) for p in reporter.errors]
    return {e.stem: e for e in entries}


@pytest.fixture()
def years(tmp_path: Path) -> dict[str, Entry]:
    return load(tmp_path, **{"2019": Y2019, "2020": Y2020, "2021": Y2021})


@pytest.fixture()
def c1920(years: dict[str, Entry]) -> Comparison:
    return compare(years["2019"], years["2020"])


# ---------------------------------------------------------------------------
# Money


def test_yuan_against_wanyuan_is_exact(c1920: Comparison) -> None:
    assert c1920.unit == "万元"
    assert c1920.notes[0].startswith("两年的金额单位不同（2019年为元，2020年为万元）")
    basic = c1920.figure("收支.基本支出")
    assert (basic.old, basic.new, basic.status, basic.delta, basic.percent) == (D("500"), D("500.00"), "unchanged",
                                                                                 D(0), D("0.00"))
    # 12,345.67 元 is 1.234567 万元 exactly: no float would keep that unchanged and exact.
    reception = c1920.figure("三公.公务接待费")
    assert (reception.old, reception.new, reception.status, reception.delta) == (D("1.234567"), D("1.234567"),
                                                                                  "unchanged", D(0))
    project = c1920.figure("收支.项目支出")
    assert (project.old, project.new, project.delta, project.percent) == (D("652.5"), D("537.00"), D("-115.50"),
                                                                           D("-17.70"))
    assert figure_sentence(project, c1920.unit) == "项目支出 减少 115.50 万元，下降 17.70%。"
    staff = c1920.figure("收支.人员经费")
    assert (staff.old, staff.new, staff.delta, staff.percent) == (D("400"), D("395.8321"), D("-4.1679"), D("-1.04"))


def test_both_years_in_yuan_compare_in_yuan(tmp_path: Path) -> None:
    years = load(tmp_path, **{"2019": Y2019, "2020": Y2019.replace("年度: 2019", "年度: 2020").replace(
        "2019年部门预算", "2020年部门预算").replace("项目支出: 6525000.00", "项目支出: 6525000.01")})
    c = compare(years["2019"], years["2020"])
    assert c.unit == "元" and c.notes == ()
    assert c.figure("收支.项目支出").delta == D("0.01")


def test_percent_rounds_half_up_and_is_none_from_zero(c1920: Comparison) -> None:
    running = c1920.figure("收支.机关运行经费.合计")
    assert (running.old, running.new, running.delta, running.percent) == (D("100"), D("104.1679"), D("4.1679"),
                                                                          D("4.17"))
    assert c1920.figure("三公.因公出国（境）费").percent is None  # 0 → 0


def test_figure_in_one_year_only_is_added_or_removed_not_a_change_from_zero(c1920: Comparison) -> None:
    meetings = c1920.figure("三公.会议费")
    assert (meetings.status, meetings.old, meetings.new, meetings.delta, meetings.percent) == ("added", None, D("1.50"),
                                                                                                 None, None)
    reserve = c1920.figure("收支.单位预留机动经费")
    assert (reserve.status, reserve.old, reserve.new, reserve.delta) == ("removed", D(0), None, None)
    assert reserve.direction == "不再列出" and meetings.direction == "新增"


def test_classification_rows_match_by_code_and_keep_the_old_name(c1920: Comparison) -> None:
    row = c1920.figure("收支.分类表.一般公共预算支出预算表（虚构）.20199")
    assert (row.label, row.old_label) == ("其他一般公共服务事务（虚构更名）", "其他一般公共服务支出")
    assert (row.level, row.code) == (1, "20199")
    assert (row.old, row.new, row.delta) == (D("1152.5"), D("1037.00"), D("-115.50"))
    assert c1920.figure("收支.分类表.一般公共预算支出预算表（虚构）.2019999").level == 2


def test_stated_change_and_reason_are_tied_to_the_figure(c1920: Comparison) -> None:
    running = c1920.figure("收支.机关运行经费.合计")
    (stated,) = running.stated
    assert (stated.direction, stated.delta, stated.rate, stated.reason) == ("增加", D("4.1679"), D("4.17"),
                                                                            "新增办公设备维护（虚构）。")
    assert stated.discrepancies == ()
    project = c1920.figure("收支.项目支出")
    assert [s.subject for s in project.stated] == ["项目支出"] and project.stated[0].signed_delta == D("-115.50")
    basic = c1920.figure("收支.基本支出")
    assert basic.stated[0].direction == "持平" and basic.stated[0].discrepancies == ()
    assert {s.figure for s in c1920.statements} == {"收支.机关运行经费.合计", "收支.项目支出", "收支.基本支出"}


# ---------------------------------------------------------------------------
# Projects and indicators


def test_project_renamed_with_same_code(c1920: Comparison) -> None:
    project = next(p for p in c1920.projects if p.new_code == "X-001")
    assert (project.matched_by, project.renamed, project.recoded) == ("编码", True, False)
    assert (project.old_name, project.new_name) == ("示例项目（虚构）", "示例项目（虚构，已更名）")
    assert project.status == "changed"
    assert project.budget is not None
    assert (project.budget.old, project.budget.new, project.budget.delta) == (D("500"), D("480.00"), D("-20.00"))
    assert project.budget.old_label == "示例项目（虚构）"


def test_project_added_and_project_removed(c1920: Comparison) -> None:
    status = {p.name: p.status for p in c1920.projects}
    assert status == {"示例项目（虚构，已更名）": "changed", "旧项目（虚构）": "removed", "新项目（虚构）": "added"}
    removed = c1920.figure("绩效.项目.X-002")
    assert (removed.status, removed.old, removed.new) == ("removed", D("152.5"), None)
    added = c1920.figure("绩效.项目.X-003")
    assert (added.status, added.old, added.new, added.delta) == ("added", None, D("57.00"), None)
    assert any("新增项目 1 个（新项目（虚构））" in s and "不再列出的项目 1 个（旧项目（虚构））" in s
               and "项目“示例项目（虚构）”更名为“示例项目（虚构，已更名）”" in s for s in c1920.summary)


def test_project_matched_by_name_when_the_code_changes(tmp_path: Path) -> None:
    years = load(tmp_path, **{"2019": Y2019, "2020": replace_line(Y2020, "    - 编码: X-003", "    - 编码: X-002")
                              .replace("新项目（虚构）", "旧项目（虚构）")})
    c = compare(years["2019"], years["2020"])
    project = next(p for p in c.projects if p.name == "旧项目（虚构）")
    assert (project.matched_by, project.status) == ("编码", "changed")
    years = load(tmp_path, **{"2019": Y2019, "2020": replace_line(Y2020, "    - 编码: X-001", "    - 编码: X-009")
                              .replace("示例项目（虚构，已更名）", "示例项目（虚构）")})
    c = compare(years["2019"], years["2020"])
    project = next(p for p in c.projects if p.name == "示例项目（虚构）")
    assert (project.matched_by, project.recoded, project.renamed, project.old_code, project.new_code) == (
        "名称", True, False, "X-001", "X-009")


def test_indicator_target_changed_added_and_removed(c1920: Comparison) -> None:
    project = next(p for p in c1920.projects if p.new_code == "X-001")
    got = {(i.level1, i.level2, i.level3): (i.status, i.old_target, i.new_target, i.target_changed)
           for i in project.indicators}
    assert got == {
        ("产出指标", "数量指标", "示例完成率"): ("changed", "≥95%", "≥90%", True),
        ("产出指标", "质量指标", "示例合格率"): ("unchanged", "=100%", "=100%", False),
        ("效益指标", "社会效益指标", "示例覆盖率"): ("removed", "≥80%", None, False),
        ("满意度指标", "服务对象满意度指标", "群众满意度"): ("added", None, "≥90%", False),
    }


# ---------------------------------------------------------------------------
# Sections and texts


def test_section_disclosed_in_one_year_only_is_called_out(c1920: Comparison) -> None:
    sections = {s.name: s for s in c1920.sections}
    assets = sections["国有资产"]
    assert (assets.old, assets.new, assets.status, assets.called_out) == ("未公开", "已公开", "added", True)
    assert assets.sentence == "国有资产：2019年未公开，2020年公开。"
    assert [s.name for s in c1920.sections if s.called_out] == ["国有资产"]
    total = c1920.figure("国有资产.资产总额")
    assert (total.status, total.unpublished) == ("added", True)
    assert "国有资产：2019年未公开，2020年公开。" in c1920.summary
    assert not any("资产总额" in s for s in c1920.summary)  # not "new money": the section was not disclosed


def test_section_removed_is_called_out(years: dict[str, Entry]) -> None:
    back = compare(years["2020"], years["2019"])
    assets = {s.name: s for s in back.sections}["国有资产"]
    assert (assets.status, assets.sentence) == ("removed", "国有资产：2020年公开，2019年未公开。")


def test_part_of_a_section_in_one_year_only_is_called_out(tmp_path: Path) -> None:
    running = Y2020[Y2020.index("  机关运行经费:"):Y2020.index("  比上年:\n    - 项目: 项目支出")]
    years = load(tmp_path, **{"2020": Y2020, "2021": replace_line(
        replace_line(replace_line(Y2020, running, ""), "  年度: 2020", "  年度: 2021"),
        "示例局2020年部门预算", "示例局2021年部门预算")})
    c = compare(years["2020"], years["2021"])
    assert [(p.parent, p.name, p.status, p.sentence) for p in c.parts] == [
        ("收支", "机关运行经费", "removed", "机关运行经费：2020年公开，2021年未公开。")]
    assert c.figure("收支.机关运行经费.合计").status == "removed"


def test_long_text_with_a_few_characters_changed(c1920: Comparison) -> None:
    duty = next(t for t in c1920.texts if t.key == "职责.主要职能")
    assert duty.status == "changed" and (duty.deleted, duty.inserted) == (2, 1)
    changes = [(s.op, s.text) for s in duty.segments if s.op != "equal"]
    assert changes == [("delete", "季度"), ("insert", "月")]
    folded = [s for s in duty.segments if s.folded]
    assert len(folded) == 2 and all(len(s.text) > 40 for s in folded)
    visible = [s for s in duty.segments if s.op == "equal" and not s.folded]
    assert all(len(s.text) <= 30 for s in visible)
    assert old_text(duty.segments) == LONG_DUTY and new_text(duty.segments) == LONG_DUTY.replace("每季度", "每月")


def test_glossary_terms_added_removed_changed(c1920: Comparison) -> None:
    terms = {t.label: t for t in c1920.texts if t.group == "名词解释"}
    assert {k: t.status for k, t in terms.items()} == {"基本支出": "changed", "项目支出": "removed",
                                                        "机关运行经费": "added"}
    changed = [(s.op, s.text) for s in terms["基本支出"].segments if s.op != "equal"]
    assert changed == [("insert", "、完成日常工作任务")]
    assert [s.op for s in terms["机关运行经费"].segments] == ["insert"]


def test_summary_names_the_biggest_changes(c1920: Comparison) -> None:
    assert c1920.summary == (
        "支出合计 减少 115.50 万元，下降 10.02%。",  # 收入合计 is the same change: said once
        "项目支出 减少 115.50 万元，下降 17.70%。文件所述原因：旧项目（虚构）结束。",
        "项目“示例项目（虚构，已更名）” 减少 20.00 万元，下降 4.00%。",
        "国有资产：2019年未公开，2020年公开。",
        "新增项目 1 个（新项目（虚构））；不再列出的项目 1 个（旧项目（虚构））；"
        "项目“示例项目（虚构）”更名为“示例项目（虚构，已更名）”。",
    )


# ---------------------------------------------------------------------------
# Pairs of years


def test_three_years_every_pair_reachable(years: dict[str, Entry]) -> None:
    got = [(p.older.stem, p.newer.stem, p.consecutive) for p in pairs(list(years.values()))]
    assert got == [("2019", "2020", True), ("2019", "2021", False), ("2020", "2021", True)]
    consecutive = [(p.older.stem, p.newer.stem) for p in pairs(list(years.values()), every=False)]
    assert consecutive == [("2019", "2020"), ("2020", "2021")]
    for p in pairs(list(years.values())):
        c = compare(p.older, p.newer)
        assert (c.older.year, c.newer.year) == (int(p.older.stem), int(p.newer.stem))
        assert c.older.rel == p.older.rel


def test_non_adjacent_years_do_not_borrow_the_stated_changes(years: dict[str, Entry]) -> None:
    c = compare(years["2019"], years["2021"])
    assert c.statements == () and all(f.stated == () for f in c.figures)
    assert any("相对2020年而言" in n for n in c.notes)
    assert c.figure("收支.项目支出").delta == D("-95.50")


def test_pairs_keep_budgets_and_final_accounts_apart(tmp_path: Path) -> None:
    juesuan = replace_line(Y2019, "  类型: 预算", "  类型: 决算")
    years = load(tmp_path, **{"2019": Y2019, "2020": Y2020, "2019-juesuan": juesuan})
    got = [(p.older.stem, p.newer.stem, p.kind) for p in pairs(list(years.values()))]
    # Two years of one kind, never a 预算 with another year's 决算; a year's 预算 with its own 决算.
    assert got == [("2019", "2020", "years"), ("2019", "2019-juesuan", "budget-final")]
    assert len(by_department(years.values())) == 1


def test_large_departments_get_consecutive_pairs_only() -> None:
    from site_builder.content.model import DepartmentYear
    from site_builder.content.yamlload import parse_yaml

    base = DepartmentYear.model_validate(parse_yaml(Y2019).data)
    docs = [base.model_copy(update={"meta": base.meta.model_copy(update={"year": 2000 + i})}) for i in range(20)]
    assert len(pairs(docs)) == 19 and all(p.consecutive for p in pairs(docs))
    assert len(pairs(docs, every=True)) == 190


# ---------------------------------------------------------------------------
# JSON and CSV


def _same(value: Any, data: Any, where: str = "") -> None:
    """Every field of the comparison is in the JSON, with amounts as exact decimal strings."""
    if is_dataclass(value):
        assert isinstance(data, dict), where
        for f in fields(value):
            _same(getattr(value, f.name), data[f.name], f"{where}.{f.name}")
    elif isinstance(value, Decimal):
        assert isinstance(data, str) and Decimal(data) == value and "E" not in data, where
    elif isinstance(value, tuple):
        assert isinstance(data, list) and len(data) == len(value), where
        for i, (v, d) in enumerate(zip(value, data, strict=True)):
            _same(v, d, f"{where}[{i}]")
    else:
        assert data == value, where


def test_json_round_trip(c1920: Comparison, years: dict[str, Entry]) -> None:
    text = comparison_json(c1920)
    data = json.loads(text)
    assert data["format"] == "site_builder.comparison/2" and data["unit"] == "万元"
    _same(c1920, {k: v for k, v in data.items() if k != "format"})
    project = next(f for f in data["figures"] if f["key"] == "收支.项目支出")
    assert (project["old"], project["new"], project["delta"], project["percent"], project["unit"]) == (
        "652.5", "537.00", "-115.50", "-17.70", "万元")
    assert text == comparison_json(compare(years["2019"], years["2020"]))  # deterministic
    assert "示例项目（虚构，已更名）" in text  # Chinese as text, not \\u escapes


def test_csv_reads_back_with_bom_and_chinese(c1920: Comparison) -> None:
    text = comparison_csv(c1920)
    assert text.startswith("\ufeff")
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(c1920.figures)
    assert list(rows[0])[:9] == ["分组", "项目", "编码", "原数", "新数", "单位", "增减额", "增减率(%)", "状态"]
    by_key = {r["键"]: r for r in rows}
    project = by_key["收支.项目支出"]
    assert (project["分组"], project["项目"], project["原数"], project["新数"], project["单位"], project["增减额"],
            project["增减率(%)"], project["状态"]) == ("收支总额", "项目支出", "652.5", "537.00", "万元", "-115.50",
                                                       "-17.70", "减少")
    assert (project["文件所述增减额"], project["文件所述增减率(%)"], project["文件所述原因"]) == ("-115.50", "-17.70",
                                                                                  "旧项目（虚构）结束。")
    assert by_key["三公.会议费"]["状态"] == "新增" and by_key["三公.会议费"]["增减额"] == ""
    assert by_key["收支.单位预留机动经费"]["状态"] == "不再列出"
    assert by_key["绩效.项目.X-001"]["项目"] == "示例项目（虚构，已更名）"


# ---------------------------------------------------------------------------
# The text diff on its own


def show(segments: tuple[Segment, ...] | list[Segment]) -> str:
    return "".join(s.text if s.op == "equal" else f"[-{s.text}-]" if s.op == "delete" else f"{{+{s.text}+}}"
                   for s in segments)


@pytest.mark.parametrize(("old", "new", "shown"), [
    ("≥95%", "≥90%", "≥[-95%-]{+90%+}"),
    ("常委会议4次，主席会议12次。", "常委会议6次，主席会议10次。", "常委会议[-4-]{+6+}次，主席会议[-12-]{+10+}次。"),
    ("我们开展调研，", "我们开展调研，调研，", "我们开展调研，{+调研，+}"),
    ("开展政治协商。", "开展民主监督。", "开展[-政治协商-]{+民主监督+}。"),
    ("", "新增文字", "{+新增文字+}"),
    ("删去文字", "", "[-删去文字-]"),
])
def test_text_diff_reads_like_a_person_would_mark_it(old: str, new: str, shown: str) -> None:
    assert show(diff_segments(old, new)) == shown


@settings(max_examples=300, deadline=2000)
@given(old=st.text(alphabet="政协会议委员，。；0123456789%", max_size=80),
       new=st.text(alphabet="政协会议委员，。；0123456789%", max_size=80))
def test_text_diff_puts_both_texts_back_together(old: str, new: str) -> None:
    segments = diff_text(old, new, context=5)
    assert old_text(segments) == old and new_text(segments) == new
    raw = diff_segments(old, new)
    assert all(s.text for s in raw)
    assert all(not (a.op == b.op == "equal") for a, b in zip(raw, raw[1:], strict=False))
    assert fold(raw, context=5) == segments


def test_text_diff_on_real_duties_is_fast_and_exact() -> None:
    docs = _jiangsu()
    old = "\n".join(docs["zhengxie-bangongting/2017"].model.duties.duties)
    new = "\n".join(docs["zhengxie-bangongting/2018"].model.duties.duties)
    start = time.perf_counter()
    segments = diff_text(old, new)
    assert time.perf_counter() - start < 0.5
    assert old_text(segments) == old and new_text(segments) == new
    assert ("delete", "以及经济建设") in [(s.op, s.text) for s in segments]


# ---------------------------------------------------------------------------
# The real Jiangsu content


def _jiangsu() -> dict[str, Entry]:
    root = ROOT / "content" / "jiangsu"
    if not (root / "zhengxie-bangongting" / "2018.yaml").exists():
        pytest.skip("the Jiangsu content is not in content/jiangsu/")
    reporter = Reporter()
    entries = load_content(root, reporter)
    assert reporter.errors == []
    return {f"{e.department_slug}/{e.stem}": e for e in entries}


def test_zhengxie_running_costs_2017_2018_show_what_the_document_states() -> None:
    docs = _jiangsu()
    c = compare(docs["zhengxie-bangongting/2017"], docs["zhengxie-bangongting/2018"])
    running = c.figure("收支.机关运行经费.合计")
    assert c.unit == "万元"
    assert (running.old, running.new, running.delta) == (D("3348.98"), D("1115.85"), D("-2233.13"))
    (stated,) = running.stated
    # The 2018 report: 1,115.85 万元, 减少 2,233.13 万元, 下降 66.69%, and why.
    assert (stated.amount, stated.direction, stated.delta, stated.rate) == (D("1115.85"), "减少", D("2233.13"),
                                                                            D("66.69"))
    assert stated.reason is not None and "统计口径发生变化" in stated.reason
    # 2,233.13 / 3,348.98 is 66.68%: the page says so beside the document's 66.69%.
    assert running.percent == D("-66.68")
    assert stated.discrepancies == (
        "文件所述增减率 66.69%，按两年文件的数字计算为 66.68%（相差一个尾数，可能源于舍入）。",)
    assert c.summary[0].startswith(
        "机关运行经费 减少 2,233.13 万元，下降 66.68%。文件所述原因：今年此表统计口径发生变化")
    assert "绩效：2017年未公开，2018年公开为“无”。" in c.summary


def test_every_pair_of_real_years_compares_consistently() -> None:
    docs = _jiangsu()
    groups = by_department(docs.values())
    assert len(groups) == 2
    for entries in groups.values():
        for pair in pairs(entries):
            c = compare(pair.older, pair.newer)
            for f in c.figures:
                if f.old is not None and f.new is not None:
                    assert f.delta == f.new - f.old
                    assert (f.percent is None) == (f.old == 0)
                else:
                    assert f.delta is None and f.percent is None
                    # printed blank (未填数) on one side, or on both (then unchanged)
                    assert f.status in ("added", "removed", "blank") or (f.old, f.new) == (None, None)
            if pair.consecutive:
                newer = pair.newer.model
                stated = len(newer.finance.changes) + len(newer.three_costs.changes) + len(newer.procurement.changes)
                stated += len(newer.finance.running_costs.changes) if newer.finance.running_costs else 0
                assert len(c.statements) == stated
            assert 1 <= len(c.summary) <= 5
