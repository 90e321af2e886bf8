"""Classification tables with several amount columns (栏目 / 分栏), 直辖市 regions, 上年口径.

All content here is fictitious (虚构); the expected figures are worked out by hand.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sitekit import MINIMAL, line_of, replace_line, run_validate, write_tree, year_variant

from site_builder.content.checks import run_checks
from site_builder.derive.compare import compare
from site_builder.site.fmt import money
from site_builder.content.model import DepartmentYear
from site_builder.derive.opendata import walk_figures
from site_builder.site.tables import changes_table, rows_table
from site_builder.content.yamlload import parse_yaml

TABLE = """\
  分类表:
    - 名称: 2020年部门支出预算总表（虚构）
      分类: 功能分类
      栏目: [基本支出, 项目支出]
      合计: 1000.00
      合计分栏: {基本支出: 600.00, 项目支出: 400.00}
      行:
        - {编码: "201", 名称: 一般公共服务支出, 金额: 1000.00, 分栏: {基本支出: 600.00, 项目支出: 400.00}}
        - {编码: "20101", 名称: 示例事务, 金额: 1000.00, 分栏: {基本支出: 600.00, 项目支出: 400.00}}
        - {编码: "2010101", 名称: 行政运行, 金额: 700.00, 分栏: {基本支出: 600.00, 项目支出: 100.00}}
        - {编码: "2010102", 名称: 一般行政管理事务, 金额: 300.00, 分栏: {项目支出: 300.00}}
三公:"""

SHANGHAI_PATH = "content/shanghai/putuo/shili/2020.yaml"


def with_table(table: str = TABLE) -> str:
    return replace_line(MINIMAL, "三公:", table)


def doc_of(text: str) -> DepartmentYear:
    return DepartmentYear.model_validate(parse_yaml(text).data)


def failed_titles(text: str) -> list[str]:
    return [c.title for c in run_checks(doc_of(text)) if not c.passed]


def test_a_table_with_columns_validates_and_every_check_passes() -> None:
    checks = run_checks(doc_of(with_table()))
    titles = [c.title for c in checks]
    # across: 合计 and each of the four rows against their columns (the last row fills one column)
    assert sum(t.endswith("= 各栏之和") for t in titles) == 5
    # down, per column: 合计 = the 类 row, 类 = 款, 款 = its two 项
    assert sum("（基本支出栏）" in t for t in titles) == 3
    assert sum("（项目支出栏）" in t for t in titles) == 3
    assert [c.title for c in checks if not c.passed] == []


def test_a_row_whose_columns_do_not_add_up_is_a_warning_with_both_figures() -> None:
    text = replace_line(with_table(), "分栏: {基本支出: 600.00, 项目支出: 100.00}",
                        "分栏: {基本支出: 600.00, 项目支出: 110.00}")
    checks = [c for c in run_checks(doc_of(text)) if not c.passed]
    across = [c for c in checks if c.title.endswith("2010101 行政运行 = 各栏之和")]
    assert len(across) == 1 and (across[0].left, across[0].right) == (Decimal("700.00"), Decimal("710.00"))
    # and down the 项目支出 column: 20101's 400.00 against 110.00 + 300.00
    down = [c for c in checks if "（项目支出栏）" in c.title]
    assert [(c.left, c.right) for c in down] == [(Decimal("400.00"), Decimal("410.00"))]
    assert down[0].key == ("收支", "分类表", 0, "行", 1, "分栏", "项目支出")


def test_a_column_not_listed_in_the_table_is_an_error_naming_the_row(tmp_path: Path) -> None:
    text = replace_line(with_table(), "分栏: {项目支出: 300.00}", "分栏: {项目经费: 300.00}")
    write_tree(tmp_path, f"-- content/xugou/xugou-shi/xugou-xian/shili/2020.yaml --\n{text}")
    lines, _ = run_validate(tmp_path)
    assert len(lines) == 1
    assert "收支.分类表[1]" in lines[0]
    assert "行 4 (2010102 一般行政管理事务) 分栏 has 项目经费, which 栏目 does not list (栏目: 基本支出、项目支出)" in lines[0]


def test_the_page_table_has_a_column_per_栏目_and_blank_for_an_empty_cell() -> None:
    table = doc_of(with_table()).finance.tables[0]
    html = rows_table("t", table.title, table.rows, "元", classification="功能分类", columns=table.columns,
                      total=money(Decimal("1000.00"), "元"), total_split=table.total_split)
    assert [c.label for c in html.columns] == ["编码", "名称", "合计", "基本支出", "项目支出"]
    last = html.bodies[0][-1].cells
    assert [c.text for c in last[:2]] == ["2010102", "一般行政管理事务"]
    assert last[3].money is None and last[3].text == "—"  # 基本支出 printed empty
    assert last[4].money is not None and last[4].money.text == "300.00"
    foot = html.foot[0].cells
    assert [c.money.text for c in foot[2:5]] == ["1,000.00", "600.00", "400.00"]


def test_the_figures_download_has_every_column() -> None:
    rows = [r for r in walk_figures(doc_of(with_table())) if r["路径"].startswith("收支.分类表")]
    split = [(r["编码"], r["指标"], r["数值"]) for r in rows if r["指标"].startswith("分栏.")]
    assert split == [("201", "分栏.基本支出", Decimal("600.00")), ("201", "分栏.项目支出", Decimal("400.00")),
                     ("20101", "分栏.基本支出", Decimal("600.00")), ("20101", "分栏.项目支出", Decimal("400.00")),
                     ("2010101", "分栏.基本支出", Decimal("600.00")), ("2010101", "分栏.项目支出", Decimal("100.00")),
                     ("2010102", "分栏.项目支出", Decimal("300.00"))]
    assert {(r["项目"], r["指标"]) for r in rows if r["路径"].endswith("合计分栏.基本支出")} == {
        ("2020年部门支出预算总表（虚构）", "合计分栏.基本支出")}


def test_the_same_table_of_two_years_is_compared_column_by_column() -> None:
    older = doc_of(with_table())
    newer_text = replace_line(with_table(), "  年度: 2020", "  年度: 2021").replace("2020年部门支出预算总表", "2021年部门支出预算总表")
    newer_text = replace_line(newer_text, "分栏: {项目支出: 300.00}", "分栏: {项目支出: 300.00, 基本支出: 0}")
    c = compare(older, doc_of(newer_text))
    # the two years' tables are one table (the leading year of the title is left out)
    assert not [p for p in c.parts if "支出预算总表" in p.name]
    figure = {f.key: f for f in c.figures}
    # the row was printed in 2020 with its 基本支出 cell empty: 上年未填数, not 新增
    blank = figure["收支.分类表.部门支出预算总表.基本支出.2010102"]
    assert (blank.status, blank.old, blank.new, blank.direction) == ("blank", None, Decimal("0"), "上年未填数")


def test_a_district_of_a_municipality_has_no_city(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, "  地区: {省: 虚构省, 市: 虚构市, 县: 虚构县}", "  地区: {省: 上海市, 县: 普陀区}")
    write_tree(tmp_path, f"-- {SHANGHAI_PATH} --\n{text}")
    assert run_validate(tmp_path)[0] == []
    # a province's county still needs its city
    text = replace_line(MINIMAL, "  地区: {省: 虚构省, 市: 虚构市, 县: 虚构县}", "  地区: {省: 虚构省, 县: 虚构县}")
    write_tree(tmp_path, f"-- {SHANGHAI_PATH} --\n{text}")
    [problem] = run_validate(tmp_path)[0]
    assert f":{line_of(text, '地区:')}: 元数据.地区: 县 is given without 市" in problem


def test_a_rate_stated_with_本年_and_上年_is_checked() -> None:
    change = """\
  比上年:
    - {项目: 示例支出（虚构）, 本年: 257700, 上年: 601300, 上年口径: 2019年预算执行数, 变化: 减少, 增减率: 57.14}
    - {项目: 另一支出（虚构）, 本年: 1106000, 上年: 1140000, 上年口径: 2019年预算执行数, 变化: 减少, 增减率: 2.89}
三公:"""
    checks = [c for c in run_checks(doc_of(replace_line(MINIMAL, "三公:", change))) if c.measure == "percent"
              and "增减率" in c.title]
    # (601300 - 257700) / 601300 = 57.14%; (1140000 - 1106000) / 1140000 = 2.98%, not 2.89%
    assert [(c.passed, c.right) for c in checks] == [(True, Decimal("57.14")), (False, Decimal("2.98"))]


# ---------------------------------------------------------------------------
# Changes stated in 万元 in a file in 元 (金额单位 of a 比上年)


def _years(delta: str) -> tuple[DepartmentYear, DepartmentYear]:
    older = MINIMAL.replace("  收入合计: 1000.00", "  收入合计: 156211123").replace("  支出合计: 1000.00", "  支出合计: 156211123")
    newer = year_variant(2021).replace("  收入合计: 1000.00", "  收入合计: 189767551")
    newer = newer.replace("  支出合计: 1000.00", f"""  支出合计: 189767551
  比上年:
    - {{项目: 支出合计, 金额单位: 万元, 本年: 18976.76, 变化: 增加, 增减额: {delta}}}""")
    return doc_of(older), doc_of(newer)


def test_a_change_stated_in_万元_is_tied_to_the_figure_it_rounds() -> None:
    # 189,767,551 元 is 18,976.7551 万元, stated to two decimals as 18,976.76; the increase
    # 33,556,428 元 is 3,355.6428 万元: 3,355.64 stated as the figures give it, 3,355.65 one digit off.
    exact = compare(*_years("3355.64"))
    [stated] = exact.statements
    assert stated.figure == "收支.支出合计"
    assert (stated.amount, stated.delta, stated.discrepancies) == (Decimal("189767600"), Decimal("33556400"), ())
    [stated] = compare(*_years("3355.65")).statements
    assert stated.figure == "收支.支出合计"
    assert stated.discrepancies == ("文件所述增减额 33,556,500 元，按两年文件的数字计算为 33,556,428 元"
                                    "（按文件的精度相差一个尾数，可能源于两年数字各自舍入后相减）。",)
    [stated] = compare(*_years("3355.85")).statements
    assert stated.discrepancies == ("文件所述增减额 33,558,500 元，按两年文件的数字计算为 33,556,428 元。",)


def test_a_change_in_its_own_unit_is_printed_and_downloaded_in_it() -> None:
    _, newer = _years("3355.65")
    change = newer.finance.changes[0]
    table = changes_table("c", "收支比上年变化", [change], "元")
    assert table.unit == "单位：元（另注明者除外）"
    cells = {col.label: cell for col, cell in zip(table.columns, table.bodies[0][0].cells)}
    assert cells["本年"].money.text == "18,976.76" and cells["金额单位"].text == "万元"
    rows = [r for r in walk_figures(newer) if r["路径"].startswith("收支.比上年")]
    assert {(r["指标"], r["数值"], r["单位"]) for r in rows} == {("本年", Decimal("18976.76"), "万元"),
                                                              ("增减额", Decimal("3355.65"), "万元")}
