"""Every statement the site makes about a department is true (issue 14).

The fixtures are fictitious (虚构): a department of two years built from sitekit's MINIMAL.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitekit import MINIMAL, MINIMAL_PATH, replace_line, run_validate, write_tree

from site_builder.content import load_content
from site_builder.problems import Reporter
from site_builder.schema import content_schema

DEPT = "content/xugou/xugou-shi/xugou-xian/shili"


def loaded(tmp_path: Path, **files: str) -> dict:
    spec = "".join(f"-- {DEPT}/{name}.yaml --\n{text}" for name, text in files.items())
    write_tree(tmp_path, spec)
    reporter = Reporter()
    entries = load_content(tmp_path / "content", reporter)
    assert reporter.errors == [], [str(p) for p in reporter.errors]
    return {e.stem: e for e in entries}


# ---------------------------------------------------------------------------
# The model: 未收录, 收录范围, 上年编码

# A performance text (绩效文本) only: its 收支 and 三公 were published elsewhere, not collected here.
NOT_COLLECTED = replace_line(
    replace_line(
        replace_line(MINIMAL, "  金额单位: 元\n", "  金额单位: 元\n  收录范围: 部门预算绩效文本（总体目标、项目绩效目标表）（虚构）\n"),
        MINIMAL[MINIMAL.index("收支:"):MINIMAL.index("三公:")], "收支: 未收录\n"),
    MINIMAL[MINIMAL.index("三公:"):MINIMAL.index("绩效:")], "三公: {状态: 未收录, 说明: 收支表另行公开，本站未收录（虚构）}\n")


def test_a_section_not_collected_is_its_own_state(tmp_path: Path) -> None:
    doc = loaded(tmp_path, **{"2020": NOT_COLLECTED})["2020"].model
    assert doc.meta.scope == "部门预算绩效文本（总体目标、项目绩效目标表）（虚构）"
    assert doc.finance.status == "未收录" and not doc.finance.disclosed
    assert doc.three_costs.status == "未收录" and doc.three_costs.note == "收支表另行公开，本站未收录（虚构）"


def test_not_collected_needs_the_scope_of_what_was_collected(tmp_path: Path) -> None:
    text = NOT_COLLECTED.replace("  收录范围: 部门预算绩效文本（总体目标、项目绩效目标表）（虚构）\n", "")
    write_tree(tmp_path, f"-- {MINIMAL_PATH} --\n{text}")
    lines, _ = run_validate(tmp_path)
    assert any("元数据.收录范围" in line and "未收录" in line for line in lines), lines


def test_a_row_records_its_code_in_the_previous_year(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "  项目支出: 400.00\n", """\
  项目支出: 400.00
  分类表:
    - 名称: 基本支出预算表（虚构）
      分类: 经济分类
      行:
        - {编码: "30113", 上年编码: "30311", 名称: 住房公积金, 金额: 50.00}
""")
    row = loaded(tmp_path, **{"2020": text})["2020"].model.finance.tables[0].rows[0]
    assert (row.code, row.previous_code) == ("30113", "30311")


def test_the_schema_admits_not_collected() -> None:
    schema = content_schema()
    assert "未收录" in schema["properties"]["收支"]["anyOf"][0]["enum"]
    assert "上年编码" in schema["$defs"]["Row"]["properties"]
    assert "收录范围" in schema["$defs"]["Meta"]["properties"]


# ---------------------------------------------------------------------------
# Pages: 未收录 is never shown as 未公开

from buildkit import build, soup  # noqa: E402
from sitekit import year_variant  # noqa: E402


@pytest.fixture(scope="module")
def collected_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("collected")
    later = NOT_COLLECTED.replace("年度: 2020", "年度: 2021").replace("2020年部门预算", "2021年部门预算")
    write_tree(root, f"-- {DEPT}/2020.yaml --\n{year_variant(2020)}-- {DEPT}/2021.yaml --\n{later}"
                     '-- site.toml --\ntitle = "虚构站点"\n')
    result, reporter = build(root)
    assert reporter.errors == [], [str(p) for p in reporter.errors]
    return root / "output" / DEPT.removeprefix("content/")


def test_year_page_shows_not_collected_with_the_scope(collected_site: Path) -> None:
    page = soup(collected_site / "2021" / "index.html")
    finance = page.select_one("section#finance")
    assert [b.get_text() for b in finance.select(".badge")] == ["未收录"]
    assert "本站未收录此部分所在的文件" in finance.get_text()
    assert "部门预算绩效文本（总体目标、项目绩效目标表）（虚构）" in finance.get_text()
    assert "section-uncollected" in finance["class"]
