"""Each class of bad input produces an exact message naming the file, the line and the key.

All content here is fictitious (虚构).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitekit import MINIMAL, MINIMAL_PATH, line_of, replace_line, run_validate, write_tree

from site_builder.cli import main

F = MINIMAL_PATH


def validate_text(tmp_path: Path, text: str, path: str = F) -> list[str]:
    write_tree(tmp_path, f"-- {path} --\n{text}")
    lines, _ = run_validate(tmp_path)
    return lines


def test_minimal_fixture_is_valid(tmp_path: Path) -> None:
    assert validate_text(tmp_path, MINIMAL) == []


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        ("  基本支出: 600.00", "  基本支出: 约两万", "收支.基本支出",
         "expected an amount (a number such as 12000 or 3828602.02), got '约两万'"),
        ("  基本支出: 600.00", '  基本支出: "600,000.00"', "收支.基本支出",
         "expected an amount without thousands separators (write 600000.00), got '600,000.00'"),
        ("  基本支出: 600.00", "  基本支出: .nan", "收支.基本支出",
         "expected an amount (a number such as 12000 or 3828602.02), got '.nan'"),
        ("  基本支出: 600.00", "  基本支出: true", "收支.基本支出",
         "expected an amount (a number such as 12000 or 3828602.02), got true"),
        ("  基本支出: 600.00", "  基本支出: 1e20", "收支.基本支出",
         "expected an amount below 10^15, got 1E+20"),
        ("  基本支出: 600.00", "  基本支出: 600.0000001", "收支.基本支出",
         "expected an amount with at most 6 decimal places (1 fen in 万元), got 600.0000001"),
        ("3月底: 30,", "3月底: 三成,", "绩效.项目[1].支出计划.3月底",
         "expected a percentage (a number such as 95 or 30.00), got '三成'"),
        ("  年度: 2020", "  年度: 1999", "元数据.年度", "expected a number of at least 2000, got 1999"),
        ("  年度: 2020", "  年度: 二〇二〇", "元数据.年度", "expected a whole number, got '二〇二〇'"),
        ("  金额单位: 元", "  金额单位: 千元", "元数据.金额单位", "expected one of '元', '万元', got '千元'"),
        ("  类型: 预算", "  类型: 预选", "元数据.类型", "expected one of '预算', '决算', got '预选'"),
        ("  主要职能:\n    - 负责示例工作（虚构）。", "  主要职能: 负责示例工作（虚构）。", "职责.主要职能",
         "expected a list (items starting with '- '), got '负责示例工作（虚构）。'"),
        ("政府采购: 无", "政府采购: 没有", "政府采购", "expected a mapping, 未公开, 无 or 未收录, got '没有'"),
    ],
)
def test_wrong_values(tmp_path: Path, old: str, new: str, key: str, message: str) -> None:
    text = replace_line(MINIMAL, old, new)
    line = line_of(text, new.strip().split("\n")[0])
    assert validate_text(tmp_path, text) == [f"{F}:{line}: {key}: {message}"]


def test_unknown_key_suggests_the_closest(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "  项目支出: 400.00", "  项目之出: 400.00")
    [problem] = validate_text(tmp_path, text)
    assert problem.startswith(f"{F}:{line_of(text, '项目之出')}: 收支.项目之出: unknown key '项目之出'; did you mean '项目支出'? expected one of: ")


def test_missing_section_is_an_error_not_silently_absent(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "国有资产: 未公开\n", "")
    assert validate_text(tmp_path, text) == [f"{F}:1: 国有资产: required key is missing"]


def test_duplicate_key(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "  项目支出: 400.00\n", "  项目支出: 400.00\n  项目支出: 500.00\n")
    line = line_of(text, "项目支出: 500.00")
    assert validate_text(tmp_path, text) == [
        f"{F}:{line}: 收支.项目支出: duplicate key '项目支出' (first at line {line - 1}); each key may appear once"
    ]


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "  基本支出: 600.00", "  基本支出: [600.00")
    [problem] = validate_text(tmp_path, text)
    assert problem.startswith(f"{F}:{line_of(text, '人员经费')}: 收支.基本支出: YAML syntax error: ")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / F
    path.parent.mkdir(parents=True)
    head = MINIMAL.encode("utf-8")
    path.write_bytes(head + "其他说明: 中文".encode("gbk"))  # a tail saved in GBK, as old Windows editors do
    lines, _ = run_validate(tmp_path)
    line = MINIMAL.count("\n") + 1
    assert lines == [f"{F}:{line}: the file is not UTF-8 (byte 0xc6 at offset {len(head)}); save it as UTF-8"]


def test_two_files_for_one_department_year(tmp_path: Path) -> None:
    other = "content/xugou/xugou-shi/xugou-xian/shili-copy/2020.yaml"
    write_tree(tmp_path, f"-- {F} --\n{MINIMAL}\n-- {other} --\n{MINIMAL}")
    lines, _ = run_validate(tmp_path)
    assert lines == [
        f"{other}:{line_of(MINIMAL, '部门:')}: 元数据: 虚构县示例局（虚构数据） 2020 预算 is already in {F}; a department-year has one file"
    ]


def test_file_name_must_match_year_and_kind(tmp_path: Path) -> None:
    path = "content/xugou/xugou-shi/xugou-xian/shili/2021.yaml"
    assert validate_text(tmp_path, MINIMAL, path) == [
        f"{path}:{line_of(MINIMAL, '年度:')}: 元数据.年度: the file is named for 2021 but says 2020"
    ]
    text = replace_line(MINIMAL, "  类型: 预算", "  类型: 决算")
    assert validate_text(tmp_path / "second", text) == [
        f"{F}:{line_of(text, '类型:')}: 元数据.类型: the file name says 预算 but 类型 is 决算; name the file 2020-juesuan.yaml"
    ]


def test_folder_depth_must_match_region(tmp_path: Path) -> None:
    path = "content/xugou/shili/2020.yaml"
    assert validate_text(tmp_path, MINIMAL, path) == [
        f"{path}:{line_of(MINIMAL, '地区:')}: 元数据.地区: 地区 has 3 level(s) (虚构省 / 虚构市 / 虚构县), so the file belongs at "
        "content/<province>/<city>/<county>/<department>/2020.yaml; it is 1 folder(s) deep"
    ]


def test_section_marked_undisclosed_cannot_hold_data(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "国有资产: 未公开", "国有资产:\n  状态: 未公开\n  固定资产总额: 0")
    assert validate_text(tmp_path, text) == [
        f"{F}:{line_of(text, '国有资产:')}: 国有资产: the section is marked 未公开 but holds data (固定资产总额); remove one or the other"
    ]


def test_every_error_in_one_run(tmp_path: Path) -> None:
    broken = replace_line(MINIMAL, "  基本支出: 600.00", "  基本支出: 约两万")
    broken = replace_line(broken, "  类型: 预算", "  类型: 预选")
    other = "content/xugou/xugou-shi/xugou-xian/other/2020.yaml"
    write_tree(tmp_path, f"-- {F} --\n{broken}\n-- {other} --\n元数据: [\n")
    lines, reporter = run_validate(tmp_path)
    assert [line.split(": ")[0] for line in lines] == [
        f"{other}:2",
        f"{F}:{line_of(broken, '类型:')}",
        f"{F}:{line_of(broken, '基本支出')}",
    ]
    assert len(reporter.errors) == 3


# --- warnings: the arithmetic checks -------------------------------------------------------


def test_totals_that_do_not_add_up_are_warnings_with_both_figures(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "  人员经费: 500.00", "  人员经费: 500.01")
    assert validate_text(tmp_path, text) == [
        f"{F}:{line_of(text, '基本支出:')}: warning: 收支.基本支出: 基本支出 = 人员经费 + 公用经费: "
        "基本支出 600.00 元 does not equal 人员经费 + 公用经费 600.01 元 (difference -0.01 元)"
    ]


def test_spending_plan_that_decreases_or_ends_below_100(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "{3月底: 30, 6月底: 60, 10月底: 90, 12月底: 100}", "{3月底: 30, 6月底: 20, 10月底: 90, 12月底: 95}")
    line = line_of(text, "支出计划")
    assert validate_text(tmp_path, text) == [
        f"{F}:{line}: warning: 绩效.项目[1].支出计划.12月底: 示例项目（虚构）：支出计划年底达到 100%: "
        "12月底 95% does not equal 全年 100% (difference -5%)",
        f"{F}:{line}: warning: 绩效.项目[1].支出计划.6月底: 示例项目（虚构）：支出计划逐期不减少: "
        "6月底 20% is less than 3月底 30% (difference -10%)",
    ]


def test_cli_exit_status_and_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    text = replace_line(MINIMAL, "  人员经费: 500.00", "  人员经费: 500.01")
    write_tree(tmp_path, f"-- {F} --\n{text}")
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 errors, 1 warning in 1 file"
    assert main(["validate", "--strict"]) == 1
    (tmp_path / F).write_text(replace_line(text, "  年度: 2020", "  年度: x"), encoding="utf-8")
    assert main(["validate", "content"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "1 error, 0 warnings in 1 file"
    assert main(["validate", "nowhere"]) == 2


# --- line numbers: the line an editor shows ------------------------------------------------


def test_a_control_character_is_reported_at_its_line_not_line_1(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "    - 负责示例工作（虚构）。", "    - 负责示例\x07工作（虚构）。")
    line = line_of(text, "负责示例")
    assert validate_text(tmp_path, text) == [
        f"{F}:{line}: the file contains the control character U+0007 (column 11), invisible in most editors; remove it"]


@pytest.mark.parametrize(("char", "what"), [
    ("\u2028", "the line separator U+2028"),
    ("\u2029", "the paragraph separator U+2029"),
    ("\x85", "the control character U+0085"),
    ("\r", "a carriage return (CR) without a line feed"),
])
def test_a_line_break_editors_do_not_show_is_refused_at_its_line(tmp_path: Path, char: str, what: str) -> None:
    # YAML counts these as line breaks, editors do not: every later line number would be off by one.
    text = replace_line(MINIMAL, "  总体目标: 完成示例任务（虚构）。", f"  总体目标: 完成示例{char}任务（虚构）。")
    line = line_of(text, "总体目标")
    [problem] = validate_text(tmp_path, text)
    assert problem.startswith(f"{F}:{line}: the file contains {what} (column 13)"), problem


def test_crlf_line_ends_count_one_line_each(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "  基本支出: 600.00", "  基本支出: 约两万").replace("\n", "\r\n")
    path = tmp_path / F
    path.parent.mkdir(parents=True)
    path.write_bytes(text.encode("utf-8"))
    lines, _ = run_validate(tmp_path)
    assert lines == [f"{F}:{line_of(MINIMAL, '基本支出')}: 收支.基本支出: expected an amount (a number such as 12000 or 3828602.02), got '约两万'"]


def test_a_syntax_error_names_the_key_it_is_in(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "      支出计划: {3月底: 30, 6月底: 60, 10月底: 90, 12月底: 100}",
                        "      支出计划: {3月底: 30, 6月底: 60, 10月底: 90, 12月底: 100")
    [problem] = validate_text(tmp_path, text)
    assert problem.startswith(f"{F}:{line_of(text, '指标:')}: 绩效.项目[1].支出计划: YAML syntax error: "), problem


def test_a_tag_error_names_its_key(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "  公务接待费: 10", "  公务接待费: !!float 10")
    assert validate_text(tmp_path, text) == [
        f"{F}:{line_of(text, '公务接待费')}: 三公.公务接待费: YAML tag 'tag:yaml.org,2002:float' is not allowed in content files; "
        "write the plain value"]


def test_a_source_file_must_be_a_pdf_beside_the_yaml(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）",
                        "    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）\n      文件: 2020-report.pdf")
    line = line_of(text, "文件:")
    assert validate_text(tmp_path / "missing", text) == [
        f"{F}:{line}: 元数据.来源[1].文件: expected a file 2020-report.pdf beside 2020.yaml, found none"]
    bad = text.replace("文件: 2020-report.pdf", "文件: ../2020-report.pdf")
    assert validate_text(tmp_path / "path", bad) == [
        f"{F}:{line}: 元数据.来源[1].文件: expected the name of a PDF file in the same folder (letters, digits, '.', "
        "'-', '_'; ending in .pdf), got '../2020-report.pdf'"]
    write_tree(tmp_path / "present", f"-- {F} --\n{text}")
    (tmp_path / "present" / Path(F).parent / "2020-report.pdf").write_bytes("%PDF-1.4 (fictitious, 虚构)".encode())
    assert run_validate(tmp_path / "present")[0] == []


def test_an_alias_without_anchor_names_its_key(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "  公务接待费: 10", "  公务接待费: *nowhere")
    assert validate_text(tmp_path, text) == [
        f"{F}:{line_of(text, '公务接待费')}: 三公.公务接待费: alias *nowhere refers to no anchor defined before it"]
