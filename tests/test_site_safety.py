"""Text from content files never becomes markup: script payloads in every kind of text field
appear as text on the page, and Markdown links keep only safe targets."""

from __future__ import annotations

from pathlib import Path

import pytest
from buildkit import build, soup
from sitekit import MINIMAL_PATH, SECOND_PATH, replace_line, write_tree

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
PAYLOAD = f"{SCRIPT}{IMG}"

# A fictitious department-year (虚构) with the payload in every kind of text field.
HOSTILE = f"""\
元数据:
  地区: {{省: "虚构省{PAYLOAD}", 市: 虚构市, 县: 虚构县}}
  部门: "虚构县示例局（虚构数据）{PAYLOAD}"
  预算单位: "{PAYLOAD}"
  部门编码: "999{PAYLOAD}"
  年度: 2020
  类型: 预算
  金额单位: 元
  标题: "{PAYLOAD}"
  来源:
    - {{标题: "{PAYLOAD}", 发布者: "{PAYLOAD}", 链接: "javascript:alert(1)", 说明: "{PAYLOAD}"}}
职责:
  说明: "{PAYLOAD}"
  主要职能: ["{PAYLOAD}", "[点我](javascript:alert(1)) 与 <a href='javascript:alert(1)'>链接</a>"]
  机构设置: [{{单位名称: "{PAYLOAD}", 单位性质: "{PAYLOAD}", 单位规格: "{PAYLOAD}", 经费保障形式: "{PAYLOAD}"}}]
  主要工作任务: [{{标题: "{PAYLOAD}", 内容: "{PAYLOAD}"}}]
收支:
  收入合计: 1000.00
  收入: [{{名称: "{PAYLOAD}", 金额: 1000.00, 说明: "{PAYLOAD}"}}]
  支出合计: 1000.00
  基本支出: 600.00
  人员经费: 500.00
  公用经费: 100.00
  项目支出: 400.00
  分类表: [{{表号: "{PAYLOAD}", 名称: "{PAYLOAD}", 分类: 功能分类, 行: [{{编码: "201", 名称: "{PAYLOAD}", 金额: 1000.00}}]}}]
  比上年: [{{项目: "{PAYLOAD}", 变化: 增加, 用途: "{PAYLOAD}", 原因: "{PAYLOAD}"}}]
  情况说明: [{{标题: "{PAYLOAD}", 内容: "{PAYLOAD}"}}]
三公: {{合计: 30, 因公出国境费: 0, 公务用车购置费: 0, 公务用车运行维护费: 20, 公务接待费: 10, 口径: "{PAYLOAD}"}}
绩效:
  总体目标: "{PAYLOAD}"
  分项目标: [{{标题: "{PAYLOAD}", 内容: "{PAYLOAD}"}}]
  项目:
    - 编码: "X-{PAYLOAD}"
      名称: "示例项目（虚构）{PAYLOAD}"
      预算数: 400.00
      资金用途: "{PAYLOAD}"
      支出计划: {{3月底: 30, 6月底: 60, 10月底: 90, 12月底: 100}}
      绩效目标: ["{PAYLOAD}"]
      指标:
        - {{一级: "{PAYLOAD}", 二级: "{PAYLOAD}", 三级: "{PAYLOAD}", 指标值: "{PAYLOAD}", 描述: "{PAYLOAD}", 依据: "{PAYLOAD}", 评分标准: "{PAYLOAD}"}}
政府采购: {{状态: 无, 说明: "{PAYLOAD}"}}
国有资产: {{状态: 未公开, 说明: "{PAYLOAD}"}}
名词解释:
  术语:
    "{PAYLOAD}": "{PAYLOAD}"
其他说明: "{PAYLOAD}"
"""

SITE_TOML = f'title = "虚构站点{PAYLOAD}"\nfooter = "{PAYLOAD} [点我](javascript:alert(1))"\n'
ATTRIBUTE = '"><svg onload=alert(2)>'  # leaves a quoted attribute when not escaped


def hostile_2021() -> str:
    """The same department a year later, so that a comparison page is built: a renamed table row, a
    stated change with its purpose and reason, a new row, a changed indicator target and an edited
    text, each carrying a payload."""
    text = HOSTILE.replace("年度: 2020", "年度: 2021")
    text = replace_line(text, f'  主要职能: ["{PAYLOAD}",', f'  主要职能: ["{PAYLOAD}新增一句{PAYLOAD}",')
    text = replace_line(text, "  收入合计: 1000.00", "  收入合计: 1100.00")
    text = replace_line(text, f'  收入: [{{名称: "{PAYLOAD}", 金额: 1000.00, 说明: "{PAYLOAD}"}}]',
                        f'  收入: [{{名称: "{PAYLOAD}", 金额: 1100.00, 说明: "{PAYLOAD}"}}, {{名称: \'{ATTRIBUTE}\', 金额: 0}}]')
    text = replace_line(text, f'行: [{{编码: "201", 名称: "{PAYLOAD}", 金额: 1000.00}}]',
                        f'行: [{{编码: "201", 名称: "改名{PAYLOAD}", 金额: 1000.00}}]')
    text = replace_line(text, f'  比上年: [{{项目: "{PAYLOAD}", 变化: 增加,',
                        f'  比上年: [{{项目: "收入{PAYLOAD}", 本年: 1100.00, 增减额: 100.00, 增减率: 10, 变化: 增加,')
    return replace_line(text, f'指标值: "{PAYLOAD}"', f'指标值: "新{PAYLOAD}"')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("hostile"), f"-- {MINIMAL_PATH} --\n{HOSTILE}-- {SECOND_PATH} --\n"
                      f"{hostile_2021()}-- site.toml --\n{SITE_TOML}")
    result, reporter = build(root)
    assert result.ok, [str(p) for p in reporter.problems]
    return root / "output"


def test_no_page_carries_active_markup(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    # home, glossary, about, 404, search, three scorecard orders, three regions, the department, its lines page,
    # its two years, and their comparison
    assert len(pages) == 16 and site / "xugou/xugou-shi/xugou-xian/shili/lines/index.html" in pages
    for path in pages:
        text = path.read_text(encoding="utf-8")
        if path == site / "search/index.html":  # the site's one script: the search page's own, from static/
            own = '<script type="module" src="../static/search.js"></script>'
            assert text.count(own) == 1
            text = text.replace(own, "")
        assert "<script" not in text.lower(), path
        html = soup(path)
        for own_script in html.select('script[src="../static/search.js"]'):
            own_script.decompose()
        assert html.find(["script", "img", "iframe", "object", "embed"]) is None, path
        for tag in html.find_all(True):
            assert not [a for a in tag.attrs if a.lower().startswith("on")], f"{path}: {tag}"
            for attr in ("href", "src", "action"):
                assert not str(tag.get(attr, "")).strip().lower().startswith("javascript:"), f"{path}: {tag}"


def test_payloads_read_as_text(site: Path) -> None:
    year = soup(site / "xugou/xugou-shi/xugou-xian/shili/2020/index.html")
    main = year.main
    for where in ("section#duties", "section#finance", "section#sangong", "section#performance",
                  "section#procurement", "section#assets", "section#glossary", "section#other", "section#sources"):
        assert PAYLOAD in main.select_one(where).get_text(), where
    assert PAYLOAD in year.select_one("table#project-1-indicators").get_text()
    assert PAYLOAD in year.select_one("nav.breadcrumbs").get_text()
    assert SCRIPT in year.select_one("section#performance svg title").get_text()  # chart titles too
    assert PAYLOAD in year.title.get_text()



def test_payloads_read_as_text_in_the_scorecard_table(site: Path) -> None:
    # The rows html.py prints (the filter score_rows): the department and the region as written in the YAML.
    for path in ("scorecard/index.html", "scorecard/by-region/index.html", "scorecard/by-year/index.html"):
        rows = soup(site / path).select("#scorecard-table tbody tr")
        assert len(rows) == 2, path
        for row in rows:
            assert row.th.get_text() == f"虚构县示例局（虚构数据）{PAYLOAD}", path
            assert row.select("td")[3].get_text() == f"虚构省{PAYLOAD} 虚构市 虚构县", path

def test_markdown_links_keep_only_safe_targets(site: Path) -> None:
    year = soup(site / "xugou/xugou-shi/xugou-xian/shili/2020/index.html")
    duties = year.select_one("section#duties")
    link = next(a for a in duties.find_all("a") if a.get_text() == "点我")
    assert "href" not in link.attrs
    assert "<a href='javascript:alert(1)'>链接</a>" in duties.get_text()  # raw HTML shows as text
    assert year.select_one("section#sources a") is None  # a javascript: 链接 is not made a link
    footer = year.select_one("footer")
    assert PAYLOAD in footer.get_text() and all(not a.get("href", "").startswith("javascript") for a in footer("a"))


COMPARISON = "xugou/xugou-shi/xugou-xian/shili/compare/2020-2021/index.html"


def test_comparison_payloads_read_as_text(site: Path) -> None:
    page = soup(site / COMPARISON)
    rows = {tr.th.get_text(): tr for tr in page.select("#money tr.figure")}
    assert rows[PAYLOAD]["data-key"].startswith("收支.收入.<script>")
    assert rows[ATTRIBUTE]["data-key"].startswith('收支.收入."><svg')  # the key is an attribute: its quote stays in it
    assert rows[f"改名{PAYLOAD}2020年为“{PAYLOAD}”"]["data-key"].startswith("收支.分类表.<script>")
    stated = page.select_one("#money p.stated").get_text()
    assert stated == f"2021年预算文件所述“收入{PAYLOAD}”：增加 100.00 元，增长 10%，本年 1,100.00 元。用途：{PAYLOAD}原因：{PAYLOAD}"
    indicator = page.select_one("#project-1-indicators tbody tr")
    assert [cell.get_text() for cell in indicator(["th", "td"])] == [
        f"{PAYLOAD}{PAYLOAD} › {PAYLOAD} 指标值变化", PAYLOAD, f"新{PAYLOAD}"]
    inserted = [ins.get_text() for ins in page.select("#texts .diff ins")]
    assert len(inserted) == 1 and f"新增一句{SCRIPT}" in inserted[0]  # the diff is by character: where it cuts may vary


def test_comparison_html_escapes_every_field() -> None:
    """What the comparison prints outside templates, with the payload in every text it takes, the
    fields that content never fills (the year, a badge, a discrepancy) too."""
    from decimal import Decimal

    from site_builder.site.comparison_views import FigureRow, IndicatorRow, StatedView
    from site_builder.site.html import diff_html, figure_row_html, indicator_rows_html
    from site_builder.derive.textdiff import Segment

    stated = StatedView(PAYLOAD, PAYLOAD, PAYLOAD, PAYLOAD, (PAYLOAD,))
    row = FigureRow(key=ATTRIBUTE, label=PAYLOAD, unit="元", code="", level=0, renamed=PAYLOAD, old=Decimal(1),
                    new=Decimal(2), old_missing="", new_missing="", status="changed", badge="", verb="增加",
                    direction="up", delta=Decimal(1), rate="增长 100.00%", stated=(stated,))
    indicator = IndicatorRow(PAYLOAD, PAYLOAD, "changed", PAYLOAD, PAYLOAD, PAYLOAD)
    segments = [Segment("equal", PAYLOAD), Segment("delete", PAYLOAD), Segment("insert", PAYLOAD),
                Segment("equal", PAYLOAD, folded=True)]
    printed = {"figure row": (figure_row_html(row, PAYLOAD), 8), "indicator row": (indicator_rows_html([indicator]), 5),
               "text": (diff_html(segments), 4)}
    for what, (html, payloads) in printed.items():
        assert "<script" not in html and "<img" not in html and "<svg" not in html, what
        assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;") == payloads, what
    assert 'data-key="&#34;&gt;&lt;svg onload=alert(2)&gt;"' in figure_row_html(row, PAYLOAD)


def test_texts_escaped_in_one_call_are_each_escaped() -> None:
    from site_builder.site.html import escape_all

    # As markupsafe escapes each: & < > " ' become entities; nothing else changes.
    assert escape_all(['"引号"', "it's", "<b>&", "无"]) == ["&#34;引号&#34;", "it&#39;s", "&lt;b&gt;&amp;", "无"]
    # A text that holds the separator itself: each escaped on its own, none split or merged.
    assert escape_all(["a\0<b>", "c"]) == ["a\0&lt;b&gt;", "c"]
    assert escape_all([]) == [] and escape_all([""]) == [""]
