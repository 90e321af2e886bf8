"""Every problem is also said in Chinese, for the preview's overlay; the command line keeps its English.

Each kind of bad input the other tests make is made again here, and each problem it
reports must carry a Chinese message that is not the English one. The exact English of
these cases is asserted in test_validate_errors.py and the site tests; here, for the
content cases, the exact Chinese. All content is fictitious (虚构).
"""

from __future__ import annotations

import ast
import copy
import re
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from buildkit import build
from sitekit import MINIMAL, MINIMAL_PATH, line_of, replace_line, run_validate, write_tree

import site_builder
from site_builder import messages
from site_builder.build import parallel
from site_builder.search import index as search
from site_builder.build import writer
from site_builder.content.load import content_root_of, load_file
from site_builder.problems import Message, Problem, Reporter
from site_builder.serve.web import describe

F = MINIMAL_PATH
CJK = re.compile(r"[\u4e00-\u9fff]")
# Words of our own English messages: none may be left in a Chinese one. (A library's detail,
# such as Jinja's "has no attribute", may follow a Chinese lead-in; these words are ours.)
ENGLISH = re.compile(r"\b(expected|got|unknown|duplicate|missing|required|should|would|cannot|could not|"
                     r"not valid|is not|belongs|deep|level|file name|folder name|while rendering|syntax error)\b")


def assert_in_chinese(problems: list[Problem], detail_from: str = "") -> None:
    """Each problem has a Chinese message: with Chinese characters, not the English one, nor English of ours.

    With ``detail_from`` (a library, such as Jinja), the message is a Chinese lead-in followed by the
    library's own detail, which may be English.
    """
    assert problems, "the case reported nothing"
    for p in problems:
        assert CJK.search(p.message_zh), f"no Chinese message: {p}"
        assert p.message not in p.message_zh, f"the Chinese message holds the English one: {p.message_zh}"
        if detail_from:
            assert CJK.match(p.message_zh), f"no Chinese lead-in before {detail_from}'s detail: {p.message_zh}"
        else:
            assert not ENGLISH.search(p.message_zh), f"English left in the Chinese message: {p.message_zh}"


def validate_text(tmp_path: Path, text: str, path: str = F) -> list[Problem]:
    write_tree(tmp_path, f"-- {path} --\n{text}")
    return run_validate(tmp_path)[1].sorted()


# ---------------------------------------------------------------------------------------
# Content: each case of test_validate_errors.py, with the Chinese it must produce


@pytest.mark.parametrize(
    ("old", "new", "key", "zh"),
    [
        ("  基本支出: 600.00", "  基本支出: 约两万", "收支.基本支出", "应为金额（数字，例如 12000 或 3828602.02），实际为“约两万”"),
        ("  基本支出: 600.00", '  基本支出: "600,000.00"', "收支.基本支出",
         "金额不能带千位分隔符（请写作 600000.00），实际为“600,000.00”"),
        ("  基本支出: 600.00", "  基本支出: .nan", "收支.基本支出", "应为金额（数字，例如 12000 或 3828602.02），实际为“.nan”"),
        ("  基本支出: 600.00", "  基本支出: true", "收支.基本支出", "应为金额（数字，例如 12000 或 3828602.02），实际为布尔值 true"),
        ("  基本支出: 600.00", "  基本支出: 1e20", "收支.基本支出", "金额应小于 10^15，实际为 1E+20"),
        ("  基本支出: 600.00", "  基本支出: 600.0000001", "收支.基本支出",
         "金额最多保留 6 位小数（以万元计时即 1 分），实际为 600.0000001"),
        ("3月底: 30,", "3月底: 三成,", "绩效.项目[1].支出计划.3月底", "应为百分比（数字，例如 95 或 30.00），实际为“三成”"),
        ("  年度: 2020", "  年度: 1999", "元数据.年度", "应为不小于 2000 的数，实际为数字 1999"),
        ("  年度: 2020", "  年度: 2101", "元数据.年度", "应为不大于 2100 的数，实际为数字 2101"),
        ("  年度: 2020", "  年度: 二〇二〇", "元数据.年度", "应为整数，实际为“二〇二〇”"),
        ("  金额单位: 元", "  金额单位: 千元", "元数据.金额单位", "应为“元”、“万元”之一，实际为“千元”"),
        ("  类型: 预算", "  类型: 预选", "元数据.类型", "应为“预算”、“决算”之一，实际为“预选”"),
        ("  主要职能:\n    - 负责示例工作（虚构）。", "  主要职能: 负责示例工作（虚构）。", "职责.主要职能",
         "应为列表（每项以“- ”开头），实际为“负责示例工作（虚构）。”"),
        ("政府采购: 无", "政府采购: 没有", "政府采购", "应为各项内容（“键: 值”）、未公开、无 或 未收录，实际为“没有”"),
        ("  部门编码: \"999001\"", "  部门编码: [1]", "元数据.部门编码", "应为编码（数字和字母），实际为列表"),
        ("  部门: 虚构县示例局（虚构数据）", "  部门: \"\"", "元数据.部门", "应为文本，实际为空字符串；没有内容时请删去这个键"),
        ("  部门: 虚构县示例局（虚构数据）", "  部门: {名称: 虚构}", "元数据.部门", "应为文本，实际为一组“键: 值”（映射）"),
        ("  地区: {省: 虚构省, 市: 虚构市, 县: 虚构县}", "  地区: {省: 虚构省, 县: 虚构县}", "元数据.地区",
         "填了 县 却没有填 市；县级地区属于某个市（只有 上海市 这样的直辖市下直接设区县）"),
        ('指标值: "≥95%"', '指标值: ""', "绩效.项目[1].指标[1].指标值", "应为指标值，例如 ≥95% 或 时间进度完成，实际为空字符串"),
        ("  来源:\n    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）", "  来源: []", "元数据.来源", "至少应有 1 项，实际一项也没有"),
        ("    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）", "    - {标题: 虚构来源, 日期: 2020-13-45}", "元数据.来源[1].日期",
         "应为 YYYY-MM-DD 格式的日期，实际为“2020-13-45”"),
    ],
)
def test_wrong_values_in_chinese(tmp_path: Path, old: str, new: str, key: str, zh: str) -> None:
    text = replace_line(MINIMAL, old, new)
    [problem] = validate_text(tmp_path, text)
    assert (problem.line, problem.key, problem.message_zh) == (line_of(text, new.strip().split("\n")[0]), key, zh)
    assert_in_chinese([problem])


def test_unknown_key_in_chinese_suggests_the_closest(tmp_path: Path) -> None:
    [problem] = validate_text(tmp_path, replace_line(MINIMAL, "  项目支出: 400.00", "  项目之出: 400.00"))
    assert problem.message_zh.startswith("未知的键“项目之出”；是不是想写“项目支出”？可用的键：状态、说明、收入合计、")
    [problem] = validate_text(tmp_path / "2", replace_line(MINIMAL, "  年度: 2020", "  年度: 2020\n  虚构: 1"))
    assert problem.message_zh.startswith("未知的键“虚构”。可用的键：地区、部门、")
    assert_in_chinese([problem])


@pytest.mark.parametrize(
    ("old", "new", "zh"),
    [
        ("国有资产: 未公开\n", "", "缺少必填的键"),
        ("  项目支出: 400.00\n", "  项目支出: 400.00\n  项目支出: 500.00\n", "键“项目支出”重复（第一次出现在第 23 行）；同一个键只能出现一次"),
        ("  基本支出: 600.00", "  基本支出: [600.00", "YAML 语法错误：方括号列表 [ ] 中缺少“,”或“]”"),
        ("  基本支出: 600.00", "  基本支出: {x: 600.00", "YAML 语法错误：花括号 { } 中缺少“,”或“}”"),
        ("  公务接待费: 10", "  公务接待费: 10: 3", "YAML 语法错误：这里不能出现“键: 值”（常见原因：值里含有“: ”却没有加引号，或缩进有误）"),
        ("  公务接待费: 10", " 公务接待费: 10", "YAML 语法错误：“键: 值”中找不到应有的键（常见原因：缩进不一致）"),
        ("  公务接待费: 10", "\t公务接待费: 10", "YAML 语法错误：缩进里有制表符（Tab）；请用空格缩进"),
        ("  公务接待费: 10", "  公务接待费: @10", "YAML 语法错误：有不能出现在这里的字符（例如制表符 Tab、@ 或 `）"),
        ("    基本支出: 指为", '    基本支出: "指为', "YAML 语法错误：带引号的文本中文件在这里意外结束（引号或括号没有闭合？）"),
        ("  公务接待费: 10", "  公务接待费: !!float 10", "内容文件里不能用 YAML 标签“tag:yaml.org,2002:float”；请直接写值"),
        ("  公务接待费: 10", "  公务接待费: *x", "别名 *x 之前没有定义对应的锚点 &x"),
        ("名词解释:", "---\n名词解释:", "文件里有不止一个 YAML 文档（出现了第二个“---”）；一个内容文件只能有一个"),
        ("国有资产: 未公开", "国有资产:\n  状态: 未公开\n  固定资产总额: 0", "本部分标为 未公开，却填有数据（固定资产总额）；请删去其中之一"),
    ],
)
def test_syntax_keys_and_sections_in_chinese(tmp_path: Path, old: str, new: str, zh: str) -> None:
    [problem] = validate_text(tmp_path, replace_line(MINIMAL, old, new))
    assert problem.message_zh == zh
    assert_in_chinese([problem])


def test_files_that_are_not_content_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / F
    path.parent.mkdir(parents=True)
    head = MINIMAL.encode("utf-8")
    cases = {
        head + "其他说明: 中文".encode("gbk"): f"文件不是 UTF-8 编码（偏移 {len(head)} 处的字节 0xc6）；请另存为 UTF-8 编码",
        head + b"\x00": "文件含有 NUL 字符，不是文本文件",
        head + b"\x07": "文件含有控制字符 U+0007（第 1 列），多数编辑器里看不见；请删去",
        head + "\u2028".encode(): "文件含有行分隔符 U+2028（第 1 列）：YAML 把它当作换行，编辑器却不显示；请换成真正的换行或删去",
        head + b"\r": "文件含有单独的回车符 CR（第 1 列），其后没有换行符；请以 LF 或 CRLF 换行保存",
        "虚构: \"\\0\"\n".encode(): "文本里有控制字符 U+0000（由 \\0、\\x00 这样的转义写出）；请删去",
        b"": "应为含 元数据 和七个部分的“键: 值”映射，实际为空文件",
        "- 虚构\n".encode(): "应为含 元数据 和七个部分的“键: 值”映射，实际为列表",
        "{[1]: 虚构}\n".encode(): "键必须是文本，实际为列表",
    }
    for raw, zh in cases.items():
        path.write_bytes(raw)
        reporter = Reporter()
        assert load_file(path, content_root_of(path), reporter) is None
        [problem] = reporter.problems
        assert problem.message_zh.startswith(zh), problem.message_zh
        assert_in_chinese([problem])


def test_misplaced_and_duplicate_files_in_chinese(tmp_path: Path) -> None:
    [problem] = validate_text(tmp_path / "a", MINIMAL, "content/xugou/xugou-shi/xugou-xian/shili/2021.yaml")
    assert problem.message_zh == "文件名是 2021 年，文件里写的年度却是 2020"
    [problem] = validate_text(tmp_path / "b", replace_line(MINIMAL, "  类型: 预算", "  类型: 决算"))
    assert problem.message_zh == "文件名表示预算，类型却是决算；请把文件命名为 2020-juesuan.yaml"
    [problem] = validate_text(tmp_path / "c", MINIMAL, "content/xugou/shili/2020.yaml")
    assert problem.message_zh == ("地区有 3 级（虚构省 / 虚构市 / 虚构县），所以文件应放在 content/<省>/<市>/<县>/<部门>/2020.yaml；"
                                  "现在部门文件夹之上有 1 层地区文件夹")
    problems = validate_text(tmp_path / "d", MINIMAL, "content/xugou/xugou-shi/Xugou_Xian/shili/2020.yml")
    assert [p.message_zh for p in problems] == [
        "内容文件的扩展名应为 .yaml",
        "文件夹名“Xugou_Xian”不能用作网址；请只用小写英文字母、数字和连字符，例如“shanhaiguan”"]
    [problem] = validate_text(tmp_path / "e", MINIMAL, "content/xugou/xugou-shi/xugou-xian/shili/budget.yaml")
    assert problem.message_zh == "文件名“budget.yaml”应为 <年度>.yaml（预算）或 <年度>-juesuan.yaml（决算）"
    other = "content/xugou/xugou-shi/xugou-xian/shili-copy/2020.yaml"
    write_tree(tmp_path / "f", f"-- {F} --\n{MINIMAL}\n-- {other} --\n{MINIMAL}")
    [problem] = run_validate(tmp_path / "f")[1].problems
    assert problem.message_zh == (f"虚构县示例局（虚构数据） 2020 年预算已在 {F} 中；一个部门每年的预算（或决算）只能有一个文件")
    assert_in_chinese(problems + [problem])


def test_failed_checks_are_worded_as_the_page_words_them(tmp_path: Path) -> None:
    [problem] = validate_text(tmp_path, replace_line(MINIMAL, "  人员经费: 500.00", "  人员经费: 500.01"))
    assert problem.severity == "warning"
    assert problem.message_zh == ("基本支出 = 人员经费 + 公用经费：基本支出为 600.00 元，人员经费 + 公用经费之和为 600.01 元，"
                                  "相差 0.01 元")
    text = replace_line(MINIMAL, "{3月底: 30, 6月底: 60, 10月底: 90, 12月底: 100}", "{3月底: 30, 6月底: 20, 10月底: 90, 12月底: 95}")
    problems = validate_text(tmp_path / "2", text)
    assert [p.message_zh for p in problems] == [
        "示例项目（虚构）：支出计划年底达到 100%：12月底为 95%，全年为 100%，相差 5 个百分点",
        "示例项目（虚构）：支出计划逐期不减少：6月底为 20%，3月底为 30%，相差 10 个百分点"]
    assert_in_chinese(problems + [problem])


# ---------------------------------------------------------------------------------------
# Beside the content: site.toml, the scorecard file, the theme, the output, the templates


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, f"-- {F} --\n{MINIMAL}")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def build_problems(root: Path, **kw: Any) -> list[Problem]:
    result, reporter = build(root, search_index=False, **kw)
    assert not result.ok
    return reporter.sorted()


@pytest.mark.parametrize(
    ("toml", "zh"),
    [
        ('titel = "虚构"\n', "未知的键“titel”；可用的键：base_path、base_url、description、footer、scorecard、theme、title"),
        ("title = 3\n", "应为文本（站点名称，显示在每页的页眉和标题中），实际为整数 3"),
        ('base_path = "budget"\n', "应为网站所在的路径，以“/”开头、以“/”结尾，文件夹名只用英文字母、数字和“-”“_”“.”“~”，例如 / 或 /budget/，"
                                 "实际为“budget”"),
        ('base_url = "example.org"\n', "应为网站的绝对地址，例如 https://example.org/budget/，实际为“example.org”"),
        ('theme = "../x"\n', "应为主题名，即 themes/ 下的一个文件夹名（只用英文字母、数字、连字符或下划线），实际为“../x”"),
        ('title = " "\n', "应为站点名称，实际为空字符串"),
        ('scorecard = "nosuch.yaml"\n', "应为列出公开完整度事项和权重的 YAML 文件，路径相对于 site.toml，但 nosuch.yaml 不是文件"),
        ('title = "虚构\n', "不是有效的 TOML：字符串里有换行（引号没有闭合？）（第 1 行第 12 列）"),
        ('title = "虚构"\ntitle = "虚构"\n', "不是有效的 TOML：不能覆盖已有的值（键重复？）（第 2 行第 "),
        ('[site\n', "不是有效的 TOML：表头末尾缺少“]”（第 1 行第 "),
        ('[站点]\n', "不是有效的 TOML：键的第一个字符无效（键含中文或空格时请加双引号）（第 1 行第 2 列）"),
        ("title\n", "不是有效的 TOML：键后面缺少“=”（第 1 行第 6 列）"),
        ("title = 虚构\n", "不是有效的 TOML：无效的值（第 1 行第 9 列）"),
    ],
)
def test_config_errors_in_chinese(site: Path, toml: str, zh: str) -> None:
    write_tree(site, f"-- site.toml --\n{toml}")
    problems = build_problems(site)
    assert problems[0].message_zh.startswith(zh), problems[0].message_zh
    assert_in_chinese(problems)


def test_scorecard_file_errors_in_chinese(site: Path) -> None:
    items = "事项:\n  - {规则: duties, 名称: 职能（虚构）, 栏目: 职责, 权重: 5}\n  - {规则: nosuch, 名称: 虚构, 栏目: 职责, 权重: 1}\n"
    write_tree(site, f"-- scorecard.yaml --\n{items}")
    [problem] = build_problems(site)
    assert problem.message_zh.startswith("未知的规则“nosuch”；可用的规则：duties、organisation、")
    found = [problem]
    for text, zh in [
        (items.replace("栏目: 职责, 权重: 1", "栏目: 职能, 权重: 1"), "应为“职责”、“收支”、“三公”、"),
        (items.replace("权重: 1}", "权重: 一}"), "应为整数，实际为“一”"),
        (items.replace("权重: 1}", "权重: -1}"), "应为不小于 0 的数，实际为数字 -1"),
        (items.replace("名称: 虚构", "名字: 虚构"), "未知的键“名字”；是不是想写“名称”？可用的键：规则、名称、栏目、权重"),
        ("事项: []\n", "至少应有 1 项，实际一项也没有"),
        (items.replace("{规则: nosuch", "{规则: [nosuch"), "YAML 语法错误："),
    ]:
        write_tree(site, f"-- scorecard.yaml --\n{text}")
        problems = build_problems(site)
        assert any(p.message_zh.startswith(zh) for p in problems), [p.message_zh for p in problems]
        found += problems
    assert_in_chinese(found)


def test_build_errors_in_chinese(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found: list[Problem] = []
    write_tree(site, '-- site.toml --\ntheme = "nowhere"\n')
    [problem] = build_problems(site)
    assert problem.message_zh == "themes 和内置主题中都没有名为“nowhere”的主题"
    found.append(problem)
    (site / "site.toml").unlink()

    [problem] = build_problems(site, output=".")
    assert f"{site} 包含 {site}" in problem.message_zh
    assert problem.message_zh.endswith("；请另选一个专用的输出文件夹，例如 output/")
    found.append(problem)
    write_tree(site, "-- notasite/虚构.txt --\n虚构\n-- afile --\n虚构\n")
    [problem] = build_problems(site, output="notasite")
    assert problem.message_zh == f"{site / 'notasite'} 不是空文件夹，也不像构建好的网站（没有 index.html）；请把它移走，或另选一个输出文件夹"
    found.append(problem)
    [problem] = build_problems(site, output="afile")
    assert problem.message_zh == f"{site / 'afile'} 已存在，但不是文件夹"
    found.append(problem)

    write_tree(site, "-- content/glossary/shili/2020.yaml --\n" + MINIMAL.replace(
        "{省: 虚构省, 市: 虚构市, 县: 虚构县}", "{省: 虚构名词省}"))
    problems = build_problems(site)
    assert [p.message_zh for p in problems] == [
        "地区页 glossary 会被写到 glossary/index.html，但这个路径已被占用（名词解释页）",
        "content/glossary/shili/2020.yaml 会被写到 glossary/shili/2020/index.html，但“glossary/”是网站自身保留的路径",
        "content/glossary/shili/2020.yaml 会被写到 glossary/shili/index.html，但“glossary/”是网站自身保留的路径",
        "content/glossary/shili/2020.yaml 会被写到 glossary/shili/lines/index.html，但“glossary/”是网站自身保留的路径"]
    found += problems
    (site / "content/glossary/shili/2020.yaml").unlink()

    def full_disk(self: writer.SiteWriter) -> None:
        raise OSError(28, "No space left on device", "output/虚构.html")

    with monkeypatch.context() as patch:
        patch.setattr(writer.SiteWriter, "commit", full_disk)
        [problem] = build_problems(site)
    assert problem.message_zh == "无法写入网站：磁盘空间不足：output/虚构.html"
    found.append(problem)
    assert_in_chinese(found)


@pytest.mark.parametrize("workers", [1, 2])
def test_template_errors_in_chinese(site: Path, workers: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PAGES", 0)
    monkeypatch.setattr(parallel, "workers_available", lambda: workers)
    page = "xugou/xugou-shi/xugou-xian/shili/2020/index.html"
    override = "themes/default/templates/department_year.html"
    write_tree(site, f'-- {override} --\n{{% extends "default!department_year.html" %}}\n'
                     "{% block main %}\n{{ page.no_such_field }}\n{% endblock %}\n")
    [problem] = build_problems(site)
    assert problem.message_zh == (f"渲染页面 {page} 时模板出错：UndefinedError: "
                                  "'site_builder.site.views.YearView object' has no attribute 'no_such_field'")
    found = [problem]
    write_tree(site, f'-- {override} --\n{{% extends "default!department_year.html" %}}\n{{% block main %}}\n{{% if %}}\n')
    [problem] = build_problems(site)
    assert problem.message_zh.startswith("模板语法错误：") and (problem.file, problem.line) == (override, 3)
    found.append(problem)
    write_tree(site, f'-- {override} --\n{{% extends "default!nosuch.html" %}}\n')
    [problem] = build_problems(site)
    assert problem.message_zh.startswith("找不到模板：") or problem.message_zh.startswith("渲染页面")
    found.append(problem)
    assert_in_chinese(found, detail_from="Jinja")


def test_a_failing_search_index_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: the disk is on fire' >&2\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(search, "pagefind_binary", lambda: fake)
    (tmp_path / "site").mkdir()
    reporter = Reporter()
    assert search.index_site(tmp_path / "site", reporter, name="output") is None
    [problem] = reporter.problems
    assert problem.message_zh.startswith("无法生成搜索索引：")  # and Pagefind's own words after it
    assert CJK.search(problem.message_zh) and problem.message not in problem.message_zh


# ---------------------------------------------------------------------------------------
# No problem without Chinese: every wrong value at every key, and every place that reports


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            out += _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            out += _paths(child, prefix + (i,))
    return out


WRONG = [None, True, -1, 10**30, "文字（虚构）", "", [1], {"虚构": 1}, "1e999999", ".inf", "0x1F", "2020-13-45", "x" * 70]


def test_every_wrong_value_at_every_key_has_a_chinese_message(tmp_path: Path) -> None:
    base = yaml.safe_load(MINIMAL)
    path = tmp_path / F
    path.parent.mkdir(parents=True)
    reported = 0
    for at in _paths(base):
        for value in WRONG:
            data = copy.deepcopy(base)
            node = data
            for part in at[:-1]:
                node = node[part]
            node[at[-1]] = value
            path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
            reporter = Reporter()
            load_file(path, content_root_of(path), reporter)
            for problem in reporter.problems:
                # Not the catalogue's fallback for a pydantic error it does not know: each has its own wording.
                assert "数据不符合要求" not in problem.message_zh, (at, value, problem)
                assert_in_chinese([problem])
            reported += len(reporter.problems)
    assert reported > 500


PACKAGE = Path(site_builder.__file__).parent


def _calls(name: str) -> list[tuple[str, ast.Call]]:
    found = []
    for source in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and (getattr(node.func, "attr", None) == name or getattr(node.func, "id", None) == name):
                found.append((source.name, node))
    return found


def test_every_place_that_reports_gives_both_languages() -> None:
    """A report whose message is a string (English only) would show in English over the page."""
    calls = [(file, call) for file, call in _calls("error") + _calls("warning")
             if isinstance(call.func, ast.Attribute) and getattr(call.func.value, "id", "") == "reporter"]
    assert len(calls) >= 30
    for file, call in calls:
        message = call.args[3] if len(call.args) > 3 else None
        assert message is not None and not isinstance(message, (ast.Constant, ast.JoinedStr, ast.BinOp)) and not (
            isinstance(message, ast.Call) and getattr(message.func, "id", "") == "str"), \
            f"{file}:{call.lineno}: report a Message(en, zh), not a string"


def test_every_custom_validation_error_carries_chinese() -> None:
    """pydantic's own PydanticCustomError has one language: ours go through types.validation_error."""
    assert [file for file, _ in _calls("PydanticCustomError")] == ["types.py"]  # in validation_error itself
    calls = _calls("validation_error")
    assert len(calls) >= 15
    for file, call in calls:
        zh = ast.unparse(call.args[2])
        assert CJK.search(zh), f"{file}:{call.lineno}: no Chinese in {zh}"


def test_every_page_owner_has_a_chinese_name() -> None:
    """The site's own pages, as a path-collision error names them ("the home page", "the region page of …")."""
    owner = re.compile(r"the [a-z0-9 ]*(page|glossary|scorecard)( of )?\Z")
    owners = set()
    for source in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr) and isinstance(node.values[0], ast.Constant):
                if owner.match(str(node.values[0].value)):
                    owners.add(f"{node.values[0].value}虚构/xugou")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and owner.match(node.value):
                owners.add(node.value)
    assert len(owners) >= 7, owners
    for name in owners:
        assert CJK.search(messages.owner_zh(name)) and not ENGLISH.search(messages.owner_zh(name)), name


# ---------------------------------------------------------------------------------------
# What the overlay is sent


def test_the_overlay_is_sent_the_chinese_message(tmp_path: Path) -> None:
    lines, reporter = run_validate(write_tree(tmp_path, f"-- {F} --\n{replace_line(MINIMAL, '  基本支出: 600.00', '  基本支出: 约两万')}"))
    [sent] = describe(reporter.sorted(), [tmp_path])
    assert sent["message"] == "应为金额（数字，例如 12000 或 3828602.02），实际为“约两万”"
    assert (sent["file"], sent["key"]) == (F, "收支.基本支出")
    # The command line is unchanged: English, as before.
    assert lines == [f"{F}:{line_of(MINIMAL, '基本支出: 600')}: 收支.基本支出: "
                     "expected an amount (a number such as 12000 or 3828602.02), got '约两万'"]


def test_a_problem_reported_without_chinese_is_still_shown_and_is_caught() -> None:
    reporter = Reporter()
    reporter.error("虚构.yaml", 1, "", "English only")  # type: ignore[arg-type]
    reporter.warning("虚构.yaml", 2, "", Message("both", "两种语言"))
    assert [p.message_zh for p in reporter.problems] == ["", "两种语言"]
    assert [d["message"] for d in describe(reporter.problems, [])] == ["English only", "两种语言"]
    with pytest.raises(AssertionError, match="no Chinese message"):
        assert_in_chinese(reporter.problems)
