"""Comparison pages, read as HTML: each case of the cross-year issue on the rendered page.

The multi-year fixtures are test_compare's, fictitious (虚构): 虚构县示例局 in 2019 (in 元),
2020 and 2021 (in 万元). The real Jiangsu content is checked against what its documents
state themselves. The same page in headless Chromium is in test_compare_browser.py.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup, Tag
from buildkit import build, hashes, soup
from sitekit import replace_line, write_tree
from test_compare import DEPT, LONG_DUTY, Y2019, Y2020, Y2021

from site_builder.derive.compare import compare
from site_builder.derive.comparison import comparison_json
from site_builder.content.load import load_content
from site_builder.build.warm import Warm
from site_builder.problems import Reporter

ROOT = Path(__file__).resolve().parents[1]
SITE_DEPT = DEPT.removeprefix("content/")  # xugou/xugou-shi/xugou-xian/shili
PAIRS = ("2019-2020", "2019-2021", "2020-2021")


def fictitious_site(root: Path) -> Path:
    """The three fictitious years (and a one-year department) written below ``root``."""
    write_tree(root, f"-- {DEPT}/2019.yaml --\n{Y2019}-- {DEPT}/2020.yaml --\n{Y2020}-- {DEPT}/2021.yaml --\n{Y2021}"
                     f"-- content/xugou/xugou-shi/xugou-xian/danyi/2020.yaml --\n"
                     f"{Y2020.replace('示例局', '单年局')}")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = fictitious_site(tmp_path_factory.mktemp("compare-site"))
    result, reporter = build(root, search_index=False)
    assert result.ok and reporter.errors == [], [str(p) for p in reporter.errors]
    return root / "output"


def page(site: Path, pair: str = "2019-2020") -> BeautifulSoup:
    return soup(site / SITE_DEPT / "compare" / pair / "index.html")


def row(html: BeautifulSoup, key: str) -> Tag:
    """The money table row of the figure with ``key`` (its 键 in the JSON and CSV)."""
    found = html.select(f'tr.figure[data-key="{key}"]')
    assert len(found) == 1, key
    return found[0]


def cells(tr: Tag) -> list[str]:
    return [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]


def text(tag: Tag | None) -> str:
    """The text of ``tag``, a space between the texts of its elements."""
    assert tag is not None
    return tag.get_text(" ", strip=True)


def flat(tag: Tag | None) -> str:
    """The text of ``tag`` as it reads, without spaces between its elements."""
    assert tag is not None
    return tag.get_text().strip()


# ---------------------------------------------------------------------------
# Money


def test_a_year_in_yuan_against_a_year_in_wanyuan(site: Path) -> None:
    html = page(site)
    assert "两年的金额单位不同（2019年为元，2020年为万元），均已按 1 万元 = 10,000 元 精确换算为万元。" in text(
        html.select_one(".compare-summary"))
    assert "万元" in text(html.select_one(".facts"))
    # 项目支出: 6,525,000.00 元 → 537.00 万元.
    project = row(html, "收支.项目支出")
    assert cells(project) == ["项目支出", "652.50", "537.00", "减少 115.50 下降 17.70%"]
    assert [d["value"] for d in project.select("data")] == ["652.50", "537.00", "115.50"]
    assert project.select("data")[0]["title"] == "652.50 万元，合 6,525,000 元"
    # 12,345.67 元 is 1.234567 万元 exactly, the same as 2020's: no change, nothing rounded.
    assert cells(row(html, "三公.公务接待费")) == ["公务接待费", "1.234567", "1.234567", "不变"]
    assert "项目支出 减少 115.50 万元，下降 17.70%。文件所述原因：旧项目（虚构）结束。" in [
        text(li) for li in html.select(".summary-list li")]


def test_the_newer_documents_own_change_and_reason_beside_the_computed_one(site: Path) -> None:
    html = page(site)
    stated = row(html, "收支.机关运行经费.合计").find_next_sibling("tr")
    assert "stated-row" in stated["class"]
    assert text(stated) == ("2020年预算文件所述 “一般公共预算机关运行经费”：增加 4.1679 万元，增长 4.17%，本年 104.1679 万元。"
                            "原因：新增办公设备维护（虚构）。")
    # No 比上年 between 2019 and 2021: none is borrowed from 2020's document.
    assert page(site, "2019-2021").select(".stated-row") == []


def test_a_figure_of_one_year_only_is_added_or_removed_never_a_change_from_zero(site: Path) -> None:
    html = page(site)
    meetings = row(html, "三公.会议费")
    assert cells(meetings) == ["会议费", "未列出", "1.50", "新增"]
    assert meetings.select_one(".badge-added") and not meetings.select(".change")
    reserve = row(html, "收支.单位预留机动经费")
    assert cells(reserve) == ["单位预留机动经费", "0.00", "未列出", "不再列出"]
    assert reserve.select_one(".badge-removed")
    assert "增加 1.50" not in text(html.select_one("#money")) and "减少 0" not in text(html.select_one("#money"))


def test_classification_rows_matched_by_code_show_the_old_name(site: Path) -> None:
    renamed = row(page(site), "收支.分类表.一般公共预算支出预算表（虚构）.20199")
    assert text(renamed.th) == "其他一般公共服务事务（虚构更名） 2019年为“其他一般公共服务支出”"
    assert "level-1" in renamed.th["class"]


# ---------------------------------------------------------------------------
# Projects and indicators


def project(html: BeautifulSoup, name: str) -> Tag:
    found = [a for a in html.select("article.project-change") if a.h3.contents[0].strip() == name]
    assert len(found) == 1, name
    return found[0]


def test_a_project_renamed_with_the_same_code(site: Path) -> None:
    article = project(page(site), "示例项目（虚构，已更名）")
    assert text(article.select_one("h3 .badge")) == "更名"
    assert "2019年名为“示例项目（虚构）”，2020年更名为“示例项目（虚构，已更名）”（按项目编码对应）。" in text(article)
    assert "项目编码：X-001" in text(article)
    assert flat(article.select_one(".project-budget")) == "预算数（万元）：500.00 → 480.00；减少 20.00，下降 4.00%"


def test_a_project_added_and_one_removed(site: Path) -> None:
    html = page(site)
    added, removed = project(html, "新项目（虚构）"), project(html, "旧项目（虚构）")
    assert text(added.select_one("h3 .badge")) == "新增" and "badge-added" in added.select_one("h3 .badge")["class"]
    assert text(removed.select_one("h3 .badge")) == "不再列出" and "badge-removed" in removed.select_one("h3 .badge")["class"]
    assert flat(added.select_one(".project-budget")) == "预算数（万元）：未列出 → 57.00；新增"
    assert flat(removed.select_one(".project-budget")) == "预算数（万元）：152.50 → 未列出；不再列出"
    assert cells(row(html, "绩效.项目.X-003")) == ["新项目（虚构）", "未列出", "57.00", "新增"]
    assert text(html.select_one("#projects > p")).startswith("共 3 个项目：1 个新增，1 个不再列出，1 个有变化（其中 1 个更名）。")


def test_an_indicator_target_changed_and_indicators_added_and_removed(site: Path) -> None:
    table = project(page(site), "示例项目（虚构，已更名）").select_one("table.indicator-changes")
    assert [text(th) for th in table.select("thead th")] == ["指标", "2019年", "2020年"]
    rows = [cells(tr) for tr in table.select("tbody tr")]
    assert rows == [["示例完成率 产出指标 › 数量指标 指标值变化", "≥95%", "≥90%"],
                    ["示例覆盖率 效益指标 › 社会效益指标 不再列出", "≥80%", "—"],
                    ["群众满意度 满意度指标 › 服务对象满意度指标 新增", "—", "≥90%"]]
    assert [tr.select_one(".badge")["class"][1] for tr in table.select("tbody tr")] == [
        "badge-changed", "badge-removed", "badge-added"]
    assert "另有 1 个指标两年相同。" in text(table.find_parent("article"))


# ---------------------------------------------------------------------------
# Sections and texts


def test_a_section_disclosed_in_one_year_only_is_called_out(site: Path) -> None:
    html = page(site)
    sections = {tr.th.contents[0].strip(): tr for tr in html.select("table#sections tbody tr")}
    assets = sections["国有资产"]
    assert cells(assets) == ["国有资产 新增公开", "未公开", "已公开"]
    assert "section-added" in assets["class"]
    assert [s.select_one(".section-change") is not None for s in sections.values()].count(True) == 1
    assert text(html.select_one("#disclosure > p")) == "1 个部分的公开情况在两年间不同，见下表中标出的行。"
    # Its figures are new because the section was not disclosed: they say so, and are no summary's news.
    assert cells(row(html, "国有资产.资产总额")) == ["资产总额", "未公开", "120.50", "新增"]
    summary = [text(li) for li in html.select(".summary-list li")]
    assert "国有资产：2019年未公开，2020年公开。" in summary and not any("资产总额" in s for s in summary)
    # The badges link to the section on each year page.
    old, new = assets.select("a")
    assert old["href"] == "../../2019/index.html#assets" and new["href"] == "../../2020/index.html#assets"


def test_a_few_characters_changed_inside_a_long_passage(site: Path) -> None:
    html = page(site)
    duty = next(a for a in html.select("article.text-change") if a.h4.contents[0].strip() == "主要职能")
    assert text(duty.select_one("h4 .badge")) == "有改动" and "删除 2 字，新增 1 字" in text(duty)
    diff = duty.select_one(".diff")
    assert [d.get_text() for d in diff.find_all("del")] == ["［删除：季度］"]
    assert [i.get_text() for i in diff.find_all("ins")] == ["［新增：月］"]
    # Screen readers hear what each mark is; the brackets are hidden from the eye.
    assert [s.get_text() for s in diff.select("del .visually-hidden, ins .visually-hidden")] == ["［删除：", "］", "［新增：", "］"]
    folds = diff.select("details.fold")
    assert len(folds) == 2 and all(not f.has_attr("open") for f in folds)
    assert all(len(f.select_one(".fold-text").get_text()) > 40 for f in folds)
    assert text(folds[0].summary).startswith("…… 未改动的 ")
    # Nothing is lost: the old and new passages read back from the page.
    for hidden in diff.select(".visually-hidden"):
        hidden.decompose()
    for summary in diff.select("summary"):
        summary.decompose()
    old = "".join(t.get_text() if t.name else str(t) for t in _leaves(diff, skip="ins"))
    new = "".join(t.get_text() if t.name else str(t) for t in _leaves(diff, skip="del"))
    assert old == LONG_DUTY and new == LONG_DUTY.replace("每季度", "每月")


def _leaves(diff: Tag, skip: str) -> list[object]:
    out: list[object] = []
    for child in diff.children:
        if getattr(child, "name", None) == skip:
            continue
        if getattr(child, "name", None) == "details":
            out.append(child.select_one(".fold-text"))
        else:
            out.append(child)
    return out


def test_glossary_terms_added_removed_and_changed(site: Path) -> None:
    html = page(site)
    group = next(h for h in html.select("#texts h3") if h.get_text() == "名词解释")
    items = {a.h4.contents[0].strip(): a for a in group.find_next_siblings("article")
             if a.find_previous_sibling("h3") is group}
    assert {k: text(a.select_one("h4 .badge")) for k, a in items.items()} == {
        "基本支出": "有改动", "项目支出": "不再列出", "机关运行经费": "新增"}
    assert [i.get_text() for i in items["基本支出"].select("ins")] == ["［新增：、完成日常工作任务］"]


# ---------------------------------------------------------------------------
# Pairs, links, downloads


def test_three_years_every_pair_reachable(site: Path) -> None:
    dept = soup(site / SITE_DEPT / "index.html")
    links = [a["href"] for a in dept.select("ul.comparison-list a")]
    assert links == [f"compare/{p}/index.html" for p in PAIRS]
    assert [text(li) for li in dept.select("ul.comparison-list li")] == [
        "2019年预算 → 2020年预算 相邻年度", "2019年预算 → 2021年预算", "2020年预算 → 2021年预算 相邻年度"]
    for pair in PAIRS:
        html = page(site, pair)
        here = site / SITE_DEPT / "compare" / pair
        selector = html.select(".pair-selector li a")
        assert [(here / unquote(a["href"])).resolve() for a in selector] == [
            (site / SITE_DEPT / "compare" / p / "index.html").resolve() for p in PAIRS]
        assert [a["href"] for a in html.select(".pair-selector [aria-current=page]")] == ["index.html"]
        older, newer = pair.split("-")
        facts = [a["href"] for a in html.select(".facts a[href$='/index.html']")]
        assert facts == [f"../../{older}/index.html", f"../../{newer}/index.html"]
    # Each year page links to its comparisons with the previous and the next year, and to the list of all.
    nav = {y: [(a.get_text(), a["href"]) for a in soup(site / SITE_DEPT / y / "index.html").select(
        "nav[aria-label='年度比较'] a")] for y in ("2019", "2020", "2021")}
    assert nav == {
        "2019": [("与2020年预算比较", "../compare/2019-2020/index.html"), ("全部年度比较", "../index.html#compare-title")],
        "2020": [("与2019年预算比较", "../compare/2019-2020/index.html"),
                 ("与2021年预算比较", "../compare/2020-2021/index.html"), ("全部年度比较", "../index.html#compare-title")],
        "2021": [("与2020年预算比较", "../compare/2020-2021/index.html"), ("全部年度比较", "../index.html#compare-title")],
    }
    # A department of one year has no comparison, and says why.
    single = soup(site / "xugou/xugou-shi/xugou-xian/danyi/index.html")
    assert "暂无年度比较" in text(single.select_one("section[aria-labelledby=compare-title]"))
    assert not soup(site / "xugou/xugou-shi/xugou-xian/danyi/2020/index.html").select("nav[aria-label='年度比较']")


def test_budgets_and_final_accounts_are_compared_apart(tmp_path: Path) -> None:
    final = {year: replace_line(text, "  类型: 预算", "  类型: 决算") for year, text in (("2019", Y2019), ("2020", Y2020))}
    write_tree(tmp_path, f"-- {DEPT}/2019.yaml --\n{Y2019}-- {DEPT}/2020.yaml --\n{Y2020}"
                         f"-- {DEPT}/2019-juesuan.yaml --\n{final['2019']}-- {DEPT}/2020-juesuan.yaml --\n{final['2020']}")
    result, reporter = build(tmp_path, search_index=False)
    assert result.ok, [str(p) for p in reporter.errors]
    site = tmp_path / "output"
    dept = soup(site / SITE_DEPT / "index.html")
    # Years of one kind apart; each year's 预算 also with its own 决算 (what was spent against the plan).
    assert [(a.get_text(), a["href"]) for a in dept.select("ul.comparison-list a")] == [
        ("2019年预算 → 2020年预算", "compare/2019-2020/index.html"),
        ("2019年决算 → 2020年决算", "compare/2019-juesuan-2020-juesuan/index.html"),
        ("2019年预算 → 2019年决算", "compare/2019-2019-juesuan/index.html"),
        ("2020年预算 → 2020年决算", "compare/2020-2020-juesuan/index.html")]
    nav = soup(site / SITE_DEPT / "2020-juesuan" / "index.html").select("nav[aria-label='年度比较'] a")
    assert [(a.get_text(), a["href"]) for a in nav] == [
        ("与2019年决算比较", "../compare/2019-juesuan-2020-juesuan/index.html"),
        ("与2020年预算比较", "../compare/2020-2020-juesuan/index.html"),
        ("全部年度比较", "../index.html#compare-title")]
    html = page(site, "2019-juesuan-2020-juesuan")
    assert html.h1.get_text() == "虚构县示例局（虚构数据）：2019年决算与2020年决算比较"
    assert cells(row(html, "收支.项目支出")) == ["项目支出", "652.50", "537.00", "减少 115.50 下降 17.70%"]


THEME_MACROS = """{% import "default!macros/comparison.html" as default %}
{% macro figure_table(g, b) -%}
<ul class="theme-figures">{% for r in g.figures %}<li data-key="{{ r.key }}">{{ r.label }}：{{ r.old if r.old is not none else r.old_missing }} → {{ r.new | amount(r.unit) if r.new is not none else r.new_missing }}</li>{% endfor %}</ul>
{%- endmacro %}
{% macro indicator_table(id, caption, rows, b) -%}{{ default.indicator_table(id, caption, rows, b) }}{%- endmacro %}
"""


def test_a_theme_that_overrides_the_macros_prints_the_figure_rows_itself(tmp_path: Path) -> None:
    """The rows Python prints for speed are the default theme's choice (html.py): a site's theme that
    overrides the macro prints the same views as it likes."""
    root = fictitious_site(tmp_path)
    write_tree(root, f"-- themes/default/templates/macros/comparison.html --\n{THEME_MACROS}")
    result, reporter = build(root, search_index=False)
    assert result.ok, [str(p) for p in reporter.errors]
    html = page(root / "output")
    assert html.select("tr.figure") == []  # no row printed by Python
    items = {li["data-key"]: li for li in html.select("ul.theme-figures li")}
    # 6,525,000.00 元 is exactly 652.5 万元 (plain, as the view holds it); 537.00 万元 through the amount filter.
    assert items["收支.项目支出"].get_text() == "项目支出：652.5 → 537.00"
    assert items["收支.项目支出"].data["title"] == "537.00 万元，合 5,370,000 元"
    assert html.select("#project-1-indicators tbody tr")  # the macro it did not change: the default's


def test_sitemap_lists_comparison_pages_but_not_their_downloads(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for pair in PAIRS:
        assert f"<loc>/{SITE_DEPT}/compare/{pair}/index.html</loc>" in sitemap
    assert ".json<" not in sitemap and ".csv<" not in sitemap


def test_json_and_csv_downloads_are_linked_and_read_back(site: Path, tmp_path: Path) -> None:
    folder = site / SITE_DEPT / "compare" / "2019-2020"
    html = page(site)
    assert [(a.get_text(), a["href"], a["type"]) for a in html.select("#downloads a")] == [
        ("JSON", "comparison.json", "application/json"), ("CSV", "comparison.csv", "text/csv")]
    assert [a["href"] for a in html.select(".facts a[download]")] == ["comparison.json", "comparison.csv"]
    # The JSON is the engine's, byte for byte.
    entries = {e.stem: e for e in load_content(fictitious_site(tmp_path) / "content" / "xugou", Reporter())
               if e.department_slug == "shili"}
    data = (folder / "comparison.json").read_bytes()
    assert data.decode("utf-8") == comparison_json(compare(entries["2019"], entries["2020"]))
    assert json.loads(data)["unit"] == "万元"
    # The CSV: UTF-8 with a BOM, CRLF, Chinese intact, one row per figure, as the page shows them.
    raw = (folder / "comparison.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(html.select("tr.figure"))
    by_key = {r["键"]: r for r in rows}
    assert (by_key["收支.项目支出"]["原数"], by_key["收支.项目支出"]["新数"], by_key["收支.项目支出"]["增减额"],
            by_key["收支.项目支出"]["单位"]) == ("652.5", "537.00", "-115.50", "万元")
    assert by_key["绩效.项目.X-001"]["项目"] == "示例项目（虚构，已更名）"
    assert by_key["三公.会议费"]["状态"] == "新增"


def test_every_comparison_page_is_well_formed(site: Path) -> None:
    for pair in PAIRS:
        html = page(site, pair)
        levels = [int(h.name[1]) for h in html.select("main h1, main h2, main h3, main h4, main h5")]
        assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
        ids = [t["id"] for t in html.find_all(id=True)]
        assert len(ids) == len(set(ids))
        assert all(table.caption and all(th.get("scope") for th in table.find_all("th")) for table in html("table"))
        assert html.find_all("script") == []  # everything works without JavaScript


def test_builds_are_byte_identical_and_incremental_rebuilds_match(tmp_path: Path) -> None:
    root = fictitious_site(tmp_path)
    assert build(root, search_index=False)[0].ok
    first = hashes(root / "output")
    assert build(root, output="again", search_index=False)[0].ok
    assert hashes(root / "again") == first
    # As the preview builds (what it keeps in memory, the build cache, in place): an edit of 2021 gives a full build's files.
    warm, cache = Warm(), tmp_path / "cache"
    assert build(root, output="live", warm=warm, cache_dir=cache, search_index=False)[0].ok
    year = root / DEPT / "2021.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace("项目支出: 557.00", "项目支出: 558.00")
                    .replace("支出合计: 1057.00", "支出合计: 1058.00"), encoding="utf-8")
    assert build(root, output="live", warm=warm, cache_dir=cache, search_index=False)[0].ok
    assert build(root, output="fresh", search_index=False)[0].ok
    assert hashes(root / "live") == hashes(root / "fresh") != hashes(root / "again")
    changed = {p for p, h in hashes(root / "live").items() if hashes(root / "again").get(p) != h}
    assert {p for p in changed if "/compare/" in p} == {
        f"{SITE_DEPT}/compare/{pair}/{name}" for pair in ("2019-2021", "2020-2021")
        for name in ("index.html", "comparison.json", "comparison.csv")}


# ---------------------------------------------------------------------------
# The real Jiangsu content


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / "content" / "jiangsu" / "zhengxie-bangongting" / "2018.yaml").exists():
        pytest.skip("the Jiangsu content is not in content/jiangsu/")
    output = tmp_path_factory.mktemp("real-compare") / "output"
    result, reporter = build(ROOT, output=str(output), search_index=False)
    assert result.ok, [str(p) for p in reporter.errors]
    return output


def test_zhengxie_running_costs_2017_2018_as_the_2018_document_states(real_site: Path) -> None:
    html = soup(real_site / "jiangsu/zhengxie-bangongting/compare/2017-2018/index.html")
    running = row(html, "收支.机关运行经费.合计")
    assert cells(running) == ["合计", "3,348.98", "1,115.85", "减少 2,233.13 下降 66.68%"]
    assert text(running.find_parent("table").caption) == "机关运行经费 单位：万元"
    stated = text(running.find_next_sibling("tr"))
    # The 2018 document: 1,115.85 万元, 减少 2,233.13 万元, 下降 66.69%, because the scope of the table changed.
    assert "2018年预算文件所述 “一般公共预算机关运行经费”：减少 2,233.13 万元，下降 66.69%，本年 1,115.85 万元。" in stated
    assert "原因：今年此表统计口径发生变化" in stated
    assert "核对 文件所述增减率 66.69%，按两年文件的数字计算为 66.68%（相差一个尾数，可能源于舍入）。" in stated
    summary = [text(li) for li in html.select(".summary-list li")]
    assert summary[0].startswith("机关运行经费 减少 2,233.13 万元，下降 66.68%。文件所述原因：今年此表统计口径发生变化")
    assert "绩效：2017年未公开，2018年公开为“无”。" in summary


def test_every_change_the_jiangsu_documents_state_is_on_the_page(real_site: Path) -> None:
    entries = load_content(ROOT / "content" / "jiangsu", Reporter())
    for dept in ("zhengxie-bangongting", "shengwei-bangongting"):
        years = {e.stem: e for e in entries if e.department_slug == dept}
        for older, newer in (("2017", "2018"), ("2018", "2019")):
            c = compare(years[older], years[newer])
            html = soup(real_site / "jiangsu" / dept / "compare" / f"{older}-{newer}" / "index.html")
            shown = [text(p) for p in html.select("#money p.stated")]
            assert len(shown) == len(c.statements) > 20
            for stated in c.statements:  # each under its figure's row, or listed as tied to none
                where = (row(html, stated.figure).find_next_sibling("tr") if stated.figure
                         else html.select_one("#money ul.stated-list"))
                assert where is not None and (stated.reason or stated.direction) in text(where), stated.subject
            discrepancies = [d for s in c.statements for d in s.discrepancies]
            assert sorted(text(p).removeprefix("核对 ") for p in html.select("#money p.discrepancy")) == sorted(discrepancies)


def test_every_pair_of_the_jiangsu_years_is_reachable_from_its_department(real_site: Path) -> None:
    for dept in ("zhengxie-bangongting", "shengwei-bangongting"):
        html = soup(real_site / "jiangsu" / dept / "index.html")
        links = [a["href"] for a in html.select("ul.comparison-list a")]
        assert links == ["compare/2017-2018/index.html", "compare/2017-2019/index.html", "compare/2018-2019/index.html"]
        for link in links:
            folder = (real_site / "jiangsu" / dept / link).parent
            comparison = soup(folder / "index.html")
            assert comparison.h1.get_text().startswith("江苏省") and comparison.select(".summary-list li")
            for a in comparison.select("#downloads a"):
                assert (folder / a["href"]).stat().st_size > 1000
            rows = list(csv.DictReader(io.StringIO((folder / "comparison.csv").read_text("utf-8-sig"), newline="")))
            assert rows and all(r["单位"] == "万元" for r in rows)
