"""Every statement the site makes about a department is true (issue 14).

The fixtures are fictitious (虚构): a department of two years built from sitekit's MINIMAL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from decimal import Decimal

from sitekit import MINIMAL, MINIMAL_PATH, replace_line, run_validate, write_tree

from site_builder.content.load import load_content
from site_builder.problems import Reporter
from site_builder.content.schema import content_schema

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


# ---------------------------------------------------------------------------
# Comparisons: a fictitious department (虚构) in 2020 and 2021, both in 万元

from site_builder.derive.compare import compare  # noqa: E402
from site_builder.content.crosswalk import Crosswalk, Renumbering  # noqa: E402


def _finance(*, year: int) -> str:
    if year == 2020:
        return """\
收支:
  收入合计: 3000.00
  收入:
    - {名称: 公共财政拨款(补助)资金, 金额: 3000.00}
  支出合计: 3000.00
  基本支出: 2000.00
  人员经费: 1500.00
  公用经费: 500.00
  项目支出: 1000.00
  分类表:
    - 名称: 一般公共预算支出表（虚构）
      分类: 功能分类
      合计: 3000.00
      行:
        - {编码: "204", 名称: 公共安全支出（虚构）, 金额: 2900.00}
        - {编码: "20404", 名称: 检察（虚构）, 金额: 2900.00}
        - {编码: "2040401", 名称: 行政运行（虚构）, 金额: 905.00}
        - {编码: "2040405", 名称: 公诉、审判、侦查、执行等检察监督支出（虚构）, 金额: 1895.00}
        - {编码: "2040499", 名称: 其他检察支出（虚构）, 金额: 100.00}
        - {编码: "208", 名称: 社会保障和就业支出（虚构）, 金额: 100.00}
        - {编码: "20805", 名称: 行政事业单位离退休（虚构）, 金额: 100.00}
        - {编码: "2080505", 名称: 机关事业单位基本养老保险缴费支出（虚构）, 金额: 60.00}
        - {编码: "2080599", 名称: 其他行政事业单位离退休支出（虚构）, 金额: 40.00}
    - 名称: 一般公共预算基本支出表（虚构）
      分类: 经济分类
      合计: 2000.00
      行:
        - {编码: "301", 名称: 工资福利支出, 金额: 1500.00}
        - {编码: "30108", 名称: 机关事业单位基本养老保险缴费, 金额: 60.00}
        - {编码: "302", 名称: 商品和服务支出, 金额: 300.00}
        - {编码: "303", 名称: 对个人和家庭的补助, 金额: 200.00}
        - {编码: "30311", 名称: 住房公积金, 金额: 200.00}
"""
    return """\
收支:
  收入合计: 3100.00
  收入:
    - {名称: 公共财政拨款（补助）资金, 金额: 3100.00}
  支出合计: 3100.00
  基本支出: 2100.00
  人员经费: 1600.00
  公用经费: 500.00
  项目支出: 1000.00
  分类表:
    - 名称: 一般公共预算支出表（虚构）（功能科目）
      分类: 功能分类
      合计: 3100.00
      行:
        - {编码: "204", 名称: 公共安全支出（虚构）, 金额: 2980.00}
        - {编码: "20404", 名称: 检察（虚构）, 金额: 2980.00}
        - {编码: "2040401", 名称: 行政运行（虚构）, 金额: 1000.00}
        - {编码: "2040410", 上年编码: "2040405", 名称: 检察监督（虚构）, 金额: 1980.00}
        - {编码: "208", 名称: 社会保障和就业支出（虚构）, 金额: 120.00}
        - {编码: "20805", 名称: 行政事业单位离退休（虚构）, 金额: 120.00}
        - {编码: "2080505", 名称: 机关事业单位基本养老保险缴费支出（虚构）, 金额: 120.00}
        - {编码: "2080599", 名称: 其他行政事业单位离退休支出（虚构）}
    - 名称: 一般公共预算基本支出表（虚构）
      分类: 经济分类
      合计: 2100.00
      行:
        - {编码: "301", 名称: 工资福利支出, 金额: 1870.00}
        - {编码: "30108", 名称: 机关事业单位基本养老保险缴费, 金额: 120.00}
        - {编码: "30113", 名称: 住房公积金, 金额: 250.00}
        - {编码: "302", 名称: 商品和服务支出, 金额: 230.00}
  比上年:
    - 项目: 行政事业单位离退休（款）机关事业单位基本养老保险缴费（项）
      本年: 120.00
      变化: 增加
      增减额: 60.00
      增减率: 100.00
      原因: 缴费基数调整（虚构）。
    - 项目: 检察（款）检察监督（项）
      本年: 1980.00
      变化: 增加
      增减额: 85.00
      增减率: 4.49
      原因: 科目调整后合并列示（虚构）。
    - 项目: 住房公积金
      本年: 250.00
      变化: 增加
      增减额: 50.00
      增减率: 25.00
      原因: 缴存基数调整（虚构）。
"""


def _trust_year(year: int) -> str:
    text = replace_line(MINIMAL, "  年度: 2020", f"  年度: {year}")
    text = replace_line(text, "示例局2020年部门预算", f"示例局{year}年部门预算")
    text = replace_line(text, "  金额单位: 元", "  金额单位: 万元")
    text = replace_line(text, MINIMAL[MINIMAL.index("收支:"):MINIMAL.index("三公:")], _finance(year=year))
    tasks = ("  主要工作任务:\n    - {标题: （三）加强示例管理（虚构）, 内容: 健全制度，开展季度检查，建立台账，按月汇总上报，年底总结评比（虚构）。}\n"
             if year == 2020 else
             "  主要工作任务:\n    - {标题: 三、加强示例管理（虚构）, 内容: 全年督查十二次，通报结果，限期整改，整改率须达到百分之百以上（虚构）。}\n")
    text = replace_line(text, "收支:\n", tasks + "收支:\n")
    if year == 2020:
        text = replace_line(text, "政府采购: 无\n", "政府采购:\n  合计: 30.00\n  货物: 30.00\n")
        text = replace_line(text, "国有资产: 未公开\n", "国有资产:\n  资产总额: 100.00\n")
    else:
        text = replace_line(text, "  金额单位: 万元\n", "  金额单位: 万元\n  收录范围: 部门预算公开说明（不含国有资产）（虚构）\n")
        text = replace_line(text, "国有资产: 未公开\n", "国有资产: 未收录\n")
    return text


# The economic 30311 住房公积金 became 30113 (a fictitious crosswalk entry, like the real one the site carries).
CROSSWALK = Crosswalk((Renumbering("经济分类", "30311", "30113", 2021, "住房公积金", "虚构来源"),))


@pytest.fixture()
def c2021(tmp_path: Path):
    years = loaded(tmp_path, **{"2020": _trust_year(2020), "2021": _trust_year(2021)})
    return compare(years["2020"], years["2021"], crosswalk=CROSSWALK)


def _by_code(c, code: str):
    (found,) = [f for f in c.figures if f.code == code]
    return found


def test_a_row_of_the_older_year_only_stays_in_its_table(c2021) -> None:
    removed = _by_code(c2021, "2040499")
    assert (removed.status, removed.old, removed.new) == ("removed", Decimal("100.00"), None)
    kept = _by_code(c2021, "2040401")
    assert removed.group == kept.group == "一般公共预算支出表（虚构）（功能科目）"
    assert [g for g, _ in c2021.groups()].count("一般公共预算支出表（虚构）") == 0


def test_a_renumbered_row_compares_as_one_from_the_row_or_the_crosswalk(c2021) -> None:
    recoded = _by_code(c2021, "2040410")
    assert (recoded.status, recoded.old, recoded.new, recoded.old_code) == (
        "changed", Decimal("1895.00"), Decimal("1980.00"), "2040405")
    assert not [f for f in c2021.figures if f.code == "2040405"]
    housing = _by_code(c2021, "30113")
    assert (housing.old, housing.new, housing.delta, housing.old_code) == (
        Decimal("200.00"), Decimal("250.00"), Decimal("50.00"), "30311")
    assert not [f for f in c2021.figures if f.code == "30311"]
    # The document's own change is checked against the matched rows: 1895 → 1980 is 85, 4.49%.
    (stated,) = recoded.stated
    assert stated.discrepancies == ()
    (stated,) = housing.stated
    assert stated.discrepancies == ()


def test_without_the_crosswalk_the_renumbered_row_is_added_and_removed(tmp_path: Path) -> None:
    years = loaded(tmp_path, **{"2020": _trust_year(2020), "2021": _trust_year(2021)})
    c = compare(years["2020"], years["2021"])
    assert (_by_code(c, "30311").status, _by_code(c, "30113").status) == ("removed", "added")


def test_a_stated_change_wrong_against_the_matched_rows_is_flagged(tmp_path: Path) -> None:
    wrong = _trust_year(2021).replace("      增减额: 85.00\n", "      增减额: 86.00\n")
    years = loaded(tmp_path, **{"2020": _trust_year(2020), "2021": wrong})
    (stated,) = _by_code(compare(years["2020"], years["2021"], crosswalk=CROSSWALK), "2040410").stated
    assert stated.discrepancies == ("文件所述增减额 86.00 万元，按两年文件的数字计算为 85.00 万元。",)


def test_names_match_across_width_and_punctuation(c2021) -> None:
    (revenue,) = [f for f in c2021.figures if f.key.startswith("收支.收入.")]
    assert (revenue.status, revenue.old, revenue.new) == ("changed", Decimal("3000.00"), Decimal("3100.00"))
    assert revenue.label == "公共财政拨款（补助）资金"  # shown as printed


def test_a_row_printed_blank_is_not_dropped(c2021) -> None:
    blank = _by_code(c2021, "2080599")
    assert (blank.status, blank.old, blank.new, blank.direction) == ("blank", Decimal("40.00"), None, "本年未填数")


def test_a_section_disclosed_as_none_shows_none_in_its_rows(c2021) -> None:
    procurement = c2021.figure("政府采购.合计")
    assert (procurement.status, procurement.new_absent) == ("removed", "公开为无")
    assets = c2021.figure("国有资产.资产总额")
    assert (assets.status, assets.new_absent) == ("removed", "未收录")
    sections = {s.name: s for s in c2021.sections}
    assert sections["国有资产"].sentence == "国有资产：2020年公开，2021年本站未收录。"


def test_a_stated_change_goes_to_the_row_its_marker_names(c2021) -> None:
    statement = next(s for s in c2021.statements if s.subject.startswith("行政事业单位离退休"))
    assert statement.figure is not None and statement.figure.endswith(".2080505")
    assert _by_code(c2021, "30108").stated == ()


def test_headings_match_whatever_their_numbering(c2021) -> None:
    tasks = [t for t in c2021.texts if t.group == "主要工作任务"]
    assert [(t.status, t.label, t.old_label) for t in tasks] == [
        ("changed", "三、加强示例管理（虚构）", "（三）加强示例管理（虚构）")]


@pytest.fixture(scope="module")
def compared_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("compared")
    write_tree(root, f"-- {DEPT}/2020.yaml --\n{_trust_year(2020)}-- {DEPT}/2021.yaml --\n{_trust_year(2021)}"
                     '-- site.toml --\ntitle = "虚构站点"\n'
                     "-- crosswalk.yaml --\n科目调整:\n"
                     '  - {分类: 经济分类, 上年编码: "30311", 编码: "30113", 名称: 住房公积金, 起始年度: 2021,'
                     " 来源: 虚构来源}\n")
    result, reporter = build(root)
    assert reporter.errors == [], [str(p) for p in reporter.errors]
    return root / "output" / DEPT.removeprefix("content/")


def _row(page, key: str) -> list[str]:
    tr = page.select_one(f'tr[data-key="{key}"]')
    assert tr is not None, key
    return [" ".join(c.get_text(" ", strip=True).split()) for c in tr.find_all(["th", "td"])]


def test_comparison_page_shows_each_case_as_it_is(compared_site: Path) -> None:
    page = soup(compared_site / "compare" / "2020-2021" / "index.html")
    captions = [" ".join(c.get_text(" ", strip=True).split()) for c in page.select(".figure-group summary, caption")]
    functional = [c for c in captions if c.startswith("一般公共预算支出表")]
    assert functional and all("（功能科目）" in c for c in functional), captions
    assert any("10 项：8 项有变化，1 项不再列出，1 项一年未填数，1 项科目调整" in c for c in captions), captions
    table = "收支.分类表.一般公共预算支出表（虚构）"
    assert _row(page, f"{table}.2040499") == ["其他检察支出（虚构）", "100.00", "未列出", "不再列出"]
    assert _row(page, f"{table}.2040410") == [
        "检察监督（虚构） 2020年为“公诉、审判、侦查、执行等检察监督支出（虚构）” 科目调整 科目调整：2020年编码 2040405",
        "1,895.00", "1,980.00", "增加 85.00 下降 4.49%".replace("下降", "增长")]
    assert _row(page, f"{table}.2080599") == ["其他行政事业单位离退休支出（虚构）", "40.00", "未填数", "本年未填数"]
    assert _row(page, "政府采购.合计") == ["合计", "30.00", "无", "不再列出"]
    assert _row(page, "国有资产.资产总额") == ["资产总额", "100.00", "未收录", "不再列出"]
    housing = _row(page, "收支.分类表.一般公共预算基本支出表.30113")
    assert housing[0] == "住房公积金 科目调整 科目调整：2020年编码 30311" and housing[1:3] == ["200.00", "250.00"]


def test_the_preview_follows_the_crosswalk_as_a_full_build_does(compared_site: Path) -> None:
    """A build as the preview builds (with what it keeps in memory between builds) passes the site's
    crosswalk to the comparisons too (科目调整 30311 → 30113 is one row, as in the full build)."""
    from site_builder.build.warm import Warm

    root = compared_site.parents[len(Path(DEPT).parts) - 1]  # the project below output/<department>
    result, reporter = build(root, output="live", warm=Warm(), cache_dir=root / ".cache-preview", search_index=False)
    assert result.ok, [str(p) for p in reporter.errors]
    pair = Path(DEPT.removeprefix("content/")) / "compare" / "2020-2021"
    live = soup(root / "live" / pair / "index.html")
    assert _row(live, "收支.分类表.一般公共预算基本支出表.30113")[0] == "住房公积金 科目调整 科目调整：2020年编码 30311"
    for name in ("index.html", "comparison.json", "comparison.csv"):
        assert (root / "live" / pair / name).read_bytes() == (compared_site / "compare" / "2020-2021" / name).read_bytes()


def test_a_bad_crosswalk_stops_the_build(tmp_path: Path) -> None:
    write_tree(tmp_path, f"-- {MINIMAL_PATH} --\n{MINIMAL}-- crosswalk.yaml --\n科目调整:\n"
                         '  - {分类: 经济分类, 上年编码: "30311", 编码: "30113", 名称: 住房公积金, 起始年度: 2018}\n')
    result, reporter = build(tmp_path)
    assert not result.ok and not (tmp_path / "output").exists()
    assert [(Path(p.file).name, p.line, p.key) for p in reporter.errors] == [("crosswalk.yaml", 2, "科目调整[1].来源")]


# ---------------------------------------------------------------------------
# 公开完整度: 未收录 is not assessed; a 无 that the figures contradict earns nothing

from site_builder.content.model import DepartmentYear  # noqa: E402
from site_builder.derive.scorecard import DEFAULT, load_items, score  # noqa: E402
from site_builder.content.yamlload import parse_yaml  # noqa: E402

ITEMS = load_items(DEFAULT, Reporter())


def _doc(text: str) -> DepartmentYear:
    return DepartmentYear.model_validate(parse_yaml(text).data)


def _states(card) -> dict[str, str]:
    return {m.item.rule: m.state for m in card.marks}


def test_items_not_collected_are_not_assessed_and_the_share_assessed_is_stated() -> None:
    card = score(_doc(NOT_COLLECTED), ITEMS)
    states = _states(card)
    assert {states[r] for r in ("revenue", "expenditure", "by_function", "by_economic", "running_costs",
                                "finance_changes", "three_costs_total", "three_costs_items",
                                "three_costs_reasons")} == {"未收录"}
    assert card.count("未公开") == 1  # 国有资产 only
    # Assessed: 100 − 37 (收支) − 16 (三公) = 47; earned 47 − 6 (国有资产 未公开) = 41: 41 / 47 = 87.23…
    assert (card.assessed_weight, card.total_weight, card.score) == (47, 100, Decimal("87.2"))
    assert card.assessed_share == Decimal("47")


def test_a_none_that_the_figures_contradict_earns_nothing() -> None:
    text = replace_line(MINIMAL, MINIMAL[MINIMAL.index("绩效:"):MINIMAL.index("政府采购:")], "绩效: 无\n")
    card = score(_doc(text), ITEMS)
    marks = {m.item.rule: m for m in card.marks}
    assert {marks[r].state for r in ("performance_goals", "project_goals", "quantified_targets")} == {"无（与数字不符）"}
    assert marks["project_goals"].note == "文件称本部分为无，但本年项目支出为 400.00 元。"
    assert marks["procurement"].state == "公开为无"  # nothing in the figures says otherwise
    # By hand: 5+5+8+8+5 (职责, 收支 present) + 6+6 (三公 total, items) + 6 (政府采购 无) + 8 (名词解释) = 57
    assert card.score == Decimal("57.0")


def test_procurement_and_three_costs_none_against_the_economic_table() -> None:
    table = """\
  分类表:
    - 名称: 基本支出表（虚构）
      分类: 经济分类
      行:
        - {编码: "30217", 名称: 公务接待费, 金额: 10.00}
        - {编码: "31002", 名称: 办公设备购置, 金额: 50.00}
三公: 无
"""
    text = replace_line(MINIMAL, MINIMAL[MINIMAL.index("三公:"):MINIMAL.index("绩效:")], table)
    marks = {m.item.rule: m for m in score(_doc(text), ITEMS).marks}
    assert marks["procurement"].state == "无（与数字不符）"
    assert marks["procurement"].note == "文件称本部分为无，但经济分类中有 31002 办公设备购置 50.00 元。"
    assert marks["three_costs_total"].state == "无（与数字不符）"
    assert marks["three_costs_total"].note == "文件称本部分为无，但经济分类中有 30217 公务接待费 10.00 元。"


def test_year_page_and_scorecard_show_what_was_assessed(collected_site: Path) -> None:
    block = soup(collected_site / "2021" / "index.html").select_one("section#completeness")
    assert " ".join(block.select_one(".score-line").get_text().split()) == "87.2 分（满分 100），只评估了权重 47.0% 的事项"
    states = [b.get_text() for b in block.select("tbody .badge")]
    assert states.count("未收录") == 9 and states.count("未公开") == 1
    scorecard = soup(collected_site.parents[3] / "scorecard" / "index.html")
    row = next(tr for tr in scorecard.select("#scorecard-table tbody tr") if "2021" in tr.get_text())
    assert "47.0%" in row.get_text() and "9 项未收录" in row.get_text()


# ---------------------------------------------------------------------------
# The real content: Jiangsu's renumbered economic codes, and the site's crosswalk

ROOT = Path(__file__).resolve().parents[1]


def test_jiangsu_housing_fund_is_one_row_from_2017_to_2018() -> None:
    from site_builder.derive.compare import by_department, pairs
    from site_builder.content.crosswalk import site_crosswalk

    entries = load_content(ROOT / "content" / "jiangsu", Reporter())
    zhengxie = next(es for es in by_department(entries).values() if es[0].department_slug == "zhengxie-bangongting")
    pair = next(p for p in pairs(zhengxie) if (p.older.stem, p.newer.stem) == ("2017", "2018"))
    c = compare(pair.older, pair.newer)  # without the crosswalk: the 2018 rows' own 上年编码
    # 公开06表: 2017 prints 30311 住房公积金 341.75, 2018 prints 30113 住房公积金 391.66 (sources/jiangsu).
    housing = c.figure("收支.分类表.财政拨款基本支出预算表.30113")
    assert (housing.old, housing.new, housing.delta, housing.old_code) == (
        Decimal("341.75"), Decimal("391.66"), Decimal("49.91"), "30311")
    medical = c.figure("收支.分类表.财政拨款基本支出预算表.30114")
    assert (medical.old, medical.new, medical.old_code) == (Decimal("20.40"), Decimal("20.16"), "30307")
    # The site's own crosswalk names the same renumbering, with its source.
    reporter = Reporter()
    crosswalk = site_crosswalk(ROOT, reporter)
    assert reporter.problems == []
    assert crosswalk.new_codes("经济分类", 2017, 2018) == {"30311": "30113"}
    assert crosswalk.new_codes("经济分类", 2018, 2019) == {}
    assert "30311" in crosswalk.renumberings[0].source


# ---------------------------------------------------------------------------
# The figures download: one column names the item, one its table, one the measure; changes signed

import csv  # noqa: E402
import io  # noqa: E402

from site_builder.derive.opendata import figures_csv  # noqa: E402

FIGURES_DOC = replace_line(replace_line(replace_line(MINIMAL, "  项目支出: 400.00\n", """\
  项目支出: 400.00
  机关运行经费:
    合计: 100.00
    明细:
      - {编码: "30201", 名称: 办公费, 金额: 100.00}
  比上年:
    - {项目: 其他政协事务支出（虚构）, 本年: 100, 上年: 291, 变化: 减少, 增减额: 191, 增减率: 65.64}
    - {项目: 项目支出, 本年: 400.00, 变化: 增加, 增减额: 50.00}
"""), "  公务接待费: 10\n", "  公务接待费: 10\n  数量: {购置车辆: 2, 接待人次: 40}\n"),
    "国有资产: 未公开\n", "国有资产:\n  明细:\n    - {项目: 车辆, 数量: 3, 计量单位: 辆, 价值: 60.00}\n")


def _figure_rows(text: str) -> list[dict[str, str]]:
    out = figures_csv([_doc(text)])
    return list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))


def test_figures_csv_names_item_table_and_measure_and_signs_changes() -> None:
    rows = _figure_rows(FIGURES_DOC)
    cols = ("栏目", "表", "项目", "编码", "指标", "数值", "单位", "变化")
    pick = {r["路径"]: tuple(r[c] for c in cols) for r in rows}
    assert pick["收支.收入合计"] == ("收支", "", "收入合计", "", "金额", "1000.00", "元", "")
    assert pick["收支.机关运行经费.明细[1].金额"] == ("收支", "机关运行经费", "办公费", "30201", "金额", "100.00", "元", "")
    # 291 → 100: the document says 减少 191; the figure is −191, and 减少 stands beside it.
    assert pick["收支.比上年[1].增减额"] == ("收支", "比上年", "其他政协事务支出（虚构）", "", "增减额", "-191", "元", "减少")
    assert pick["收支.比上年[1].增减率"] == ("收支", "比上年", "其他政协事务支出（虚构）", "", "增减率", "-65.64", "%", "减少")
    assert pick["收支.比上年[1].本年"][5:] == ("100", "元", "减少")
    assert pick["收支.比上年[2].增减额"][5:] == ("50.00", "元", "增加")
    # Counts carry their unit.
    assert pick["三公.数量.购置车辆"] == ("三公", "数量", "购置车辆", "", "数量", "2", "辆", "")
    assert pick["三公.数量.接待人次"][5:7] == ("40", "人次")
    assert pick["国有资产.明细[1].数量"] == ("国有资产", "", "车辆", "", "数量", "3", "辆", "")


def test_figures_csv_states_sections_without_figures() -> None:
    rows = _figure_rows(NOT_COLLECTED)
    states = {r["栏目"]: r["公开情况"] for r in rows if r["指标"] == "公开情况"}
    assert states == {"收支": "未收录", "三公": "未收录", "政府采购": "无", "国有资产": "未公开"}
    assert all(r["公开情况"] == "已公开" for r in rows if r["指标"] != "公开情况")


# ---------------------------------------------------------------------------
# 数据核对: a check's title names every term it adds; a last-digit difference of a rate may be rounding

from site_builder.content.checks import run_checks  # noqa: E402
from site_builder.content.check import check_view  # noqa: E402


def test_a_check_title_names_every_term_it_adds() -> None:
    text = replace_line(MINIMAL, "  项目支出: 400.00\n", "  项目支出: 350.00\n  单位预留机动经费: 50.00\n")
    (check,) = [c for c in run_checks(_doc(text)) if c.key == ("收支", "基本支出") and "项目支出" in c.title]
    assert check.title == "支出合计 = 基本支出 + 项目支出 + 单位预留机动经费"
    assert (check.right_label, check.right, check.passed) == ("基本支出 + 项目支出 + 单位预留机动经费", Decimal("1000.00"), True)


def test_a_rate_off_by_its_last_digit_is_marked_as_possibly_rounding() -> None:
    # 本年 100, 增加 50: 上年 50, so the rate is 100.00%; the document says 100.01% (one in the last digit),
    # and another says 101.00% (not a rounding).
    text = replace_line(MINIMAL, "  项目支出: 400.00\n", """\
  项目支出: 400.00
  比上年:
    - {项目: 示例支出（虚构）, 本年: 100, 变化: 增加, 增减额: 50, 增减率: 100.01}
    - {项目: 另一支出（虚构）, 本年: 100, 变化: 增加, 增减额: 50, 增减率: 101.00}
""")
    views = [check_view(c, "元") for c in run_checks(_doc(text)) if c.measure == "percent" and "增减率" in c.title]
    assert [(v.passed, v.difference) for v in views] == [
        (False, "相差 0.01 个百分点（相差一个尾数，可能源于舍入）"), (False, "相差 1.00 个百分点")]
