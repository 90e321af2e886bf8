"""A value is kept exactly as written, or refused naming file, line and key: never silently changed.

YAML gives an unquoted ``1e3`` the meaning of a number; where a field is text (a name, a code,
a reason, an indicator's target), the text as written is what the document said. All content
here is fictitious (虚构).
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from sitekit import MINIMAL, MINIMAL_PATH, line_of, replace_line, run_validate, write_tree
from test_messages import assert_in_chinese

from site_builder.content.load import content_root_of, load_file
from site_builder.content.model import DepartmentYear
from site_builder.derive.opendata import model_json
from site_builder.problems import Reporter
from site_builder.content.schema import content_schema

F = MINIMAL_PATH


def load(tmp_path: Path, text: str) -> DepartmentYear:
    path = tmp_path / F
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    reporter = Reporter()
    entry = load_file(path, content_root_of(path), reporter)
    assert entry is not None and not reporter.problems, [str(p) for p in reporter.problems]
    return entry.model


def problems(tmp_path: Path, text: str) -> list[str]:
    write_tree(tmp_path, f"-- {F} --\n{text}")
    lines, reporter = run_validate(tmp_path)
    if reporter.problems:
        assert_in_chinese(reporter.problems)
    return lines


def round_trips(doc: DepartmentYear) -> dict:
    """The JSON download: valid against the published schema, and loading back into the same model."""
    text = model_json(doc)
    data = json.loads(text)
    jsonschema.validate(data, content_schema())
    assert DepartmentYear.model_validate_json(text) == doc
    return data


INDICATOR = "{一级: 产出指标, 二级: 数量指标, 三级: 示例完成率, 指标值: \"≥95%\"}"


@pytest.mark.parametrize("written", ["1e3", "0x10", "2020-01-01", "1E-7", "+5", "1_000", "0o17", "12:30"])
def test_a_target_that_only_looks_like_a_number_is_kept_as_written(tmp_path: Path, written: str) -> None:
    text = replace_line(MINIMAL, INDICATOR, f"{{一级: 产出指标, 二级: 数量指标, 三级: 示例完成率, 指标值: {written}}}")
    doc = load(tmp_path, text)
    target = doc.performance.projects[0].indicators[0].target
    assert target is not None and str(target) == written and target.kind == "定性"
    assert round_trips(doc)["绩效"]["项目"][0]["指标"][0]["指标值"] == {"性质": "定性", "文本": written}


@pytest.mark.parametrize(("written", "shown"), [("95", "=95"), ("95.50", "=95.50"), ("≥95%", "≥95%"), ("≤30 万元", "≤30万元")])
def test_real_numbers_in_targets_are_still_quantities(tmp_path: Path, written: str, shown: str) -> None:
    text = replace_line(MINIMAL, INDICATOR, f"{{一级: 产出指标, 二级: 数量指标, 三级: 示例完成率, 指标值: {written}}}")
    target = load(tmp_path, text).performance.projects[0].indicators[0].target
    assert target is not None and target.kind == "定量" and str(target) == shown


@pytest.mark.parametrize(("old", "new", "kept"), [
    ("      名称: 示例项目（虚构）", "      名称: 1e3", lambda d: d.performance.projects[0].name),
    ("    - 编码: X-001", "    - 编码: +123", lambda d: d.performance.projects[0].code),
    ("    - 编码: X-001", "    - 编码: -0", lambda d: d.performance.projects[0].code),
    ("    - 编码: X-001", "    - 编码: 1.50", lambda d: d.performance.projects[0].code),
    ("    - 编码: X-001", "    - 编码: 0012", lambda d: d.performance.projects[0].code),
    ("  总体目标: 完成示例任务（虚构）。", "  总体目标: -0", lambda d: d.performance.overall),
    ("  总体目标: 完成示例任务（虚构）。", "  总体目标: 1E+3", lambda d: d.performance.overall),
    ("  总体目标: 完成示例任务（虚构）。", "  总体目标: 2020", lambda d: d.performance.overall),
])
def test_unquoted_numbers_in_text_and_code_fields_are_kept_as_written(tmp_path: Path, old: str, new: str, kept) -> None:
    doc = load(tmp_path, replace_line(MINIMAL, old, new))
    assert kept(doc) == new.split(": ", 1)[1]
    round_trips(doc)


def test_a_reason_written_as_minus_zero_stays_minus_zero(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "  项目支出: 400.00\n",
                        "  项目支出: 400.00\n  比上年:\n    - {项目: 支出合计, 变化: 持平, 原因: -0}\n")
    assert load(tmp_path, text).finance.changes[0].reason == "-0"


@pytest.mark.parametrize(("old", "new", "key", "message"), [
    ("    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）",
     "    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）\n      日期: 86400",
     "元数据.来源[1].日期", "expected a date as YYYY-MM-DD, got 86400"),
    ("    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）",
     "    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）\n      日期: 2020-1-5",
     "元数据.来源[1].日期", "expected a date as YYYY-MM-DD, got '2020-1-5'"),
    ("    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）",
     "    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）\n      日期: 2020-02-30",
     "元数据.来源[1].日期", "expected a date as YYYY-MM-DD, got '2020-02-30'"),
    ("  金额单位: 元", "  金额单位: 元\n  发布日期: 1577836800", "元数据.发布日期",
     "expected a date as YYYY-MM-DD, got 1577836800"),
    ("  主要职能:\n    - 负责示例工作（虚构）。", '  主要职能:\n    - "负责示例工作\\0（虚构）。"', "职责.主要职能[1]",
     "the text holds the control character U+0000 (written as an escape such as \\0 or \\x00); remove it"),
    ("  总体目标: 完成示例任务（虚构）。", '  总体目标: "完成\\e示例任务（虚构）。"', "绩效.总体目标",
     "the text holds the control character U+001B (written as an escape such as \\0 or \\x00); remove it"),
    ("  基本支出: 600.00", "  基本支出: 6E+2", None, None),
])
def test_dates_and_control_characters_are_refused_by_line_and_key(tmp_path: Path, old: str, new: str,
                                                                   key: str | None, message: str | None) -> None:
    text = replace_line(MINIMAL, old, new)
    found = problems(tmp_path, text)
    if key is None:
        assert found == []
        return
    line = line_of(text, new.strip().splitlines()[-1].strip())
    assert found == [f"{F}:{line}: {key}: {message}"]


def test_a_real_date_is_a_date(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）",
                        "    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）\n      日期: 2020-02-29")
    doc = load(tmp_path, text)
    assert str(doc.meta.sources[0].date) == "2020-02-29"
    assert round_trips(doc)["元数据"]["来源"][0]["日期"] == "2020-02-29"


@pytest.mark.parametrize(("old", "new", "path", "exact"), [
    ("{3月底: 30, 6月底: 60, 10月底: 90, 12月底: 100}", "{3月底: 3e1, 6月底: 60, 10月底: 90, 12月底: 1E+2}",
     ("绩效", "项目", 0, "支出计划", "12月底"), "100"),
    ("{3月底: 30, 6月底: 60, 10月底: 90, 12月底: 100}", "{3月底: 30, 6月底: 60, 10月底: 90, 12月底: 100.0e0}",
     ("绩效", "项目", 0, "支出计划", "12月底"), "100.0"),
    ("国有资产: 未公开", "国有资产:\n  状态: 已公开\n  明细:\n    - {项目: 房屋（虚构）, 数量: 1.5e3}",
     ("国有资产", "明细", 0, "数量"), "1500"),
    ("国有资产: 未公开", "国有资产:\n  状态: 已公开\n  明细:\n    - {项目: 房屋（虚构）, 数量: 2.5E-7}",
     ("国有资产", "明细", 0, "数量"), "0.00000025"),
])
def test_percentages_and_quantities_with_an_exponent_give_a_valid_download(tmp_path: Path, old: str, new: str,
                                                                           path: tuple, exact: str) -> None:
    data = round_trips(load(tmp_path, replace_line(MINIMAL, old, new)))
    for part in path:
        data = data[part]
    assert data == exact
