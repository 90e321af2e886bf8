"""Build the real content/ and read the pages as HTML: the published figures are on the right page.

The figures are DOMAIN.md's cross-checks, written out as the oracle; the projects and
indicators are compared with the loaded content, so every project of every seed is checked.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup, Tag
from buildkit import build, soup

from site_builder.content.load import load_content
from site_builder.content.model import SECTIONS
from site_builder.problems import Reporter

ROOT = Path(__file__).resolve().parents[1]
SHANHAIGUAN = "hebei/qinhuangdao/shanhaiguan/xinfang/2020/index.html"
XIANGXI = "hunan/xiangxi/xinfang/2022/index.html"
ZHENGXIE_2018 = "jiangsu/zhengxie-bangongting/2018/index.html"
SEEDS = {"hebei/qinhuangdao/shanhaiguan/xinfang/2020.yaml": SHANHAIGUAN, "hunan/xiangxi/xinfang/2022.yaml": XIANGXI,
         "hebei/tangshan/lunan/xinfang/2025.yaml": "hebei/tangshan/lunan/xinfang/2025/index.html",
         "hebei/chengde/chengde-xian/xinfang/2021.yaml": "hebei/chengde/chengde-xian/xinfang/2021/index.html"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("site") / "output"
    result, reporter = build(ROOT, output=str(output))
    assert result.ok and reporter.errors == [], [str(p) for p in reporter.errors]
    return output


@pytest.fixture(scope="module")
def entries() -> dict[str, object]:
    return {"/".join(e.rel): e for e in load_content(ROOT / "content", Reporter())}


def page(site: Path, rel: str) -> BeautifulSoup:
    return soup(site / rel)


def amounts(table: Tag) -> dict[str, str]:
    """Row header → the printed amount of the row's first <data> (a table's label → figure)."""
    out = {}
    for row in table.select("tr"):
        header, data = row.find("th", scope=["row", "rowgroup"]), row.find("data")
        if header is not None and data is not None:
            out[header.get_text(strip=True)] = data.get_text(strip=True)
    return out


def test_every_page_is_written(site: Path, entries: dict[str, object]) -> None:
    for rel in ("index.html", "glossary/index.html", "about/index.html", "404.html", "sitemap.xml",
                "static/site.css", "static/print.css", "hebei/index.html", "jiangsu/zhengxie-bangongting/index.html"):
        assert (site / rel).is_file(), rel
    for name in entries:
        assert (site / name.replace(".yaml", "") / "index.html").is_file(), name
    home = page(site, "index.html").get_text()
    assert all(e.model.meta.department in home for e in entries.values())  # type: ignore[attr-defined]


def test_shanhaiguan_totals(site: Path) -> None:
    finance = page(site, SHANHAIGUAN).select_one("section#finance")
    figures = amounts(finance.select_one("table#finance-summary"))
    assert figures == {"收入合计": "3,828,602.02", "支出合计": "3,828,602.02", "基本支出": "916,602.02",
                       "人员经费": "840,105.75", "公用经费": "76,496.27", "项目支出": "2,912,000"}
    total = finance.select_one('data[value="3828602.02"]')
    assert total["title"] == "3,828,602.02 元，合 382.860202 万元"


def test_shanhaiguan_running_costs_and_three_costs(site: Path) -> None:
    html = page(site, SHANHAIGUAN)
    running = html.select_one("section#finance table#running-costs")
    assert len(running.select("tbody tr")) == 13
    assert amounts(running)["合计"] == "76,496.27"
    assert amounts(running)["其他费用"] == "30,317.37"
    sangong = amounts(html.select_one("section#sangong table"))
    assert sangong == {"因公出国（境）费": "0", "公务用车购置费": "0", "公务用车运行维护费": "126,000",
                       "公务接待费": "19,950.5", "“三公”经费合计": "145,950.5"}


def test_xiangxi_budget_split(site: Path) -> None:
    budget = amounts(page(site, XIANGXI).select_one("section#performance table#department-budget"))
    assert (budget["部门预算总额"], budget["基本支出"], budget["项目支出"]) == ("407.14", "334.79", "72.35")


def test_every_seed_project_with_its_indicators(site: Path, entries: dict[str, object]) -> None:
    for source, rel in SEEDS.items():
        projects = entries[source].model.performance.projects  # type: ignore[attr-defined]
        section = page(site, rel).select_one("section#performance")
        for i, project in enumerate(projects, 1):
            article = section.select_one(f"article#project-{i}")
            assert article.h4.get_text(strip=True) == project.name
            rows = article.select(f"table#project-{i}-indicators tbody tr")
            assert len(rows) == len(project.indicators)
            for row, indicator in zip(rows, project.indicators):
                text = row.get_text(" ", strip=True)
                assert (indicator.level3 or "—") in text and str(indicator.target or "—") in text
        assert len(section.select("article.project")) == len(projects)


def test_indicator_tree_is_grouped(site: Path) -> None:
    table = page(site, SHANHAIGUAN).select_one("table#project-1-indicators")
    level1 = [th.get_text(strip=True) for th in table.select('th[scope="rowgroup"]')]
    assert level1 == ["产出指标", "效果指标", "满意度指标"]
    assert table.select_one('th[scope="rowgroup"]')["rowspan"] == "3"


def test_seven_sections_with_stable_anchors(site: Path, entries: dict[str, object]) -> None:
    anchors = [anchor for _, _, anchor in SECTIONS]
    for name in entries:
        html = page(site, name.replace(".yaml", "") + "/index.html")
        assert [s["id"] for s in html.select("div.year-content > section")][:7] == anchors
        assert [a["href"] for a in html.select("nav.toc a")][:8] == ["#summary"] + [f"#{a}" for a in anchors]
        assert all(html.select_one(f"section#{a} > h2") for a in anchors)


def test_undisclosed_none_and_not_collected_never_look_alike(site: Path) -> None:
    shanhaiguan, xiangxi = page(site, SHANHAIGUAN), page(site, XIANGXI)
    zhengxie = page(site, "jiangsu/zhengxie-bangongting/2017/index.html")
    none = shanhaiguan.select_one("section#procurement .status-none")
    assert "本年度无政府采购预算" in none.get_text() and "2020年，我部门安排政府采购预算" in none.get_text()
    assert shanhaiguan.select_one("section#procurement .status-undisclosed") is None
    undisclosed = zhengxie.select_one("section#performance .status-undisclosed")
    assert "本年度未公开此部分" in undisclosed.get_text()
    assert zhengxie.select_one("section#performance .status-none") is None
    assert "未公开" not in none.get_text() and "本年度无" not in undisclosed.get_text()
    # The 湘西州 document is a performance text: its other sections are not collected here, not 未公开.
    uncollected = xiangxi.select_one("section#duties .status-uncollected")
    assert "本站未收录此部分所在的文件" in uncollected.get_text() and "部门整体绩效目标申报表" in uncollected.get_text()
    assert xiangxi.select_one(".status-undisclosed") is None
    for section in ("duties", "finance", "sangong", "performance", "assets", "glossary"):  # disclosed: no box
        assert shanhaiguan.select_one(f"section#{section} .status") is None
    toc = {a.get_text(): a.find_next_sibling("span") for a in xiangxi.select("nav.toc a")}
    assert toc["职责"].get_text() == "未收录" and toc["绩效"] is None


def test_functional_classes_as_hierarchy(site: Path) -> None:
    table = page(site, ZHENGXIE_2018).select_one("section#finance table#class-table-1")
    rows = {r.td.get_text(strip=True): r.th for r in table.select("tbody tr")}
    assert rows["201"].select_one(".level-label").get_text() == "类" and "level-1" not in rows["201"].get("class", [])
    assert rows["20102"].select_one(".level-label").get_text() == "款" and "level-1" in rows["20102"]["class"]
    assert rows["2010201"].select_one(".level-label").get_text() == "项" and "level-2" in rows["2010201"]["class"]
    assert amounts(table)["合计"] == "10,070.48"
    empty = page(site, ZHENGXIE_2018).select("section#finance .status-none")
    assert any("本部门无该项目" in box.get_text() for box in empty)  # 公开10表, published with no rows


def test_jiangsu_three_costs_with_meetings_and_training(site: Path) -> None:
    html = page(site, ZHENGXIE_2018)
    figures = amounts(html.select_one("section#sangong table#sangong-table"))
    assert (figures["“三公”经费合计"], figures["会议费"], figures["培训费"], figures["总计"]) == (
        "675.10", "884.16", "97.60", "1,656.86")
    changes = html.select_one("section#sangong table#sangong-changes").get_text()
    assert "临时性出访任务增加。" in changes
    assert html.select_one('data[value="1656.86"]')["title"].endswith("合 16,568,600 元")


def test_charts_are_svg_with_text_equivalents(site: Path) -> None:
    for rel in (SHANHAIGUAN, "jiangsu/zhengxie-bangongting/index.html"):
        charts = page(site, rel).select("svg.chart")
        assert charts
        for svg in charts:
            title, desc = svg.find("title"), svg.find("desc")
            assert svg["role"] == "img" and svg["aria-labelledby"] == f"{title['id']} {desc['id']}"
    desc = page(site, SHANHAIGUAN).select_one("section#sangong svg desc").get_text()
    assert "公务用车运行维护费：126,000 元" in desc


def test_department_page_lists_years_and_trends(site: Path) -> None:
    html = page(site, "jiangsu/zhengxie-bangongting/index.html")
    assert [a["href"] for a in html.select("ul.year-list a")] == ["2017/index.html", "2018/index.html", "2019/index.html"]
    trend = html.select_one("table#trend")
    assert [r.th.get_text(strip=True) for r in trend.select("tbody tr")] == ["2017年预算", "2018年预算", "2019年预算"]
    assert len(html.select("svg.chart")) == 2


def test_internal_links_are_relative_and_resolve(site: Path) -> None:
    pages = {path.resolve(): soup(path) for path in sorted(site.rglob("*.html"))}
    ids = {path: {t["id"] for t in html.find_all(id=True)} for path, html in pages.items()}
    for path, html in pages.items():
        if path.name == "404.html":
            continue  # served at any depth: its links start from base_path
        for tag in html.select("[href], [src]"):
            link = tag.get("href") or tag.get("src")
            if link.startswith(("http://", "https://", "mailto:")):
                assert tag.name == "a", f"{path}: {tag.name} loads {link}"
                continue
            assert not link.startswith("/"), f"{path}: {link}"
            target, _, fragment = link.partition("#")
            file = (path.parent / target).resolve() if target else path
            assert file.is_file(), f"{path.relative_to(site)}: {link}"
            if fragment and file.suffix == ".html":
                assert unquote(fragment) in ids[file], f"{path.relative_to(site)}: {link}"


def test_accessible_structure(site: Path) -> None:
    for path in sorted(site.rglob("*.html")):
        html = soup(path)
        assert html.html["lang"] == "zh-CN"
        # The one script of the site is the search page's own, from static/.
        expected = ["../static/search.js"] if path == site / "search/index.html" else []
        assert [s.get("src") for s in html.find_all("script")] == expected, path
        assert len(html.select("main h1")) == 1 and len(html.find_all("main")) == 1
        levels = [int(h.name[1]) for h in html.select("h1, h2, h3, h4, h5, h6")]
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), f"{path}: heading levels {levels}"
        for table in html.find_all("table"):
            assert table.caption and table.caption.get_text(strip=True), f"{path}: table without caption"
            assert all(th.get("scope") for th in table.find_all("th")), f"{path}: th without scope"
        ids = [t["id"] for t in html.find_all(id=True)]
        assert len(ids) == len(set(ids)), f"{path}: duplicate ids"


def test_sitemap_and_404(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>/{SHANHAIGUAN}</loc>" in sitemap and "404.html" not in sitemap
    not_found = page(site, "404.html")
    assert not_found.select_one('link[rel="stylesheet"]')["href"] == "/static/site.css"
    assert not_found.h1.get_text() == "页面不存在"


def test_the_glossary_is_in_pinyin_order_and_shows_a_near_identical_definition_by_its_differences(site: Path) -> None:
    html = page(site, "glossary/index.html")
    terms = [h.get_text() for h in html.select("section.term > h2")]
    # By 拼音, worked out by hand: cai2 zheng4 bo1 kuan3 (财政拨款) < … shou1 ru4 (财政拨款收入) < cai2 zheng4 zhuan1 (财政专户);
    # “三公”经费 is filed under san1, before shi4 (事业收入); 一般 yi1 comes last.
    assert terms[:3] == ["财政拨款", "财政拨款收入", "财政专户管理资金"]
    assert terms.index("其他资金") < terms.index("“三公”经费") < terms.index("事业单位经营收入") < terms.index("事业收入")
    assert terms[-1].startswith("一般")
    # N for 年初结转和结余 and 年末结转和结余 (nian2), which the 普陀 决算 define.
    assert [s.get_text() for s in html.select(".term-letter .letter")] == ["C", "D", "J", "N", "Q", "S", "X", "Y"]
    # The three 普陀 决算 define 财政拨款收入 alike ("指单位本年度…"); 万里街道 2024 and 2025 begin it
    # "是市级…" / "是区级预算主管部门及所属预算单位本年度…": each shown by its difference from the first.
    income = html.select_one("section#term-财政拨款收入")
    definitions = income.select(".definition")
    assert len(definitions) == 3 and definitions[0].select_one(".diff") is None
    inserted = sorted(i.get_text() for d in definitions[1:] for i in d.select(".diff ins"))
    assert inserted == ["［新增：是区级预算主管部门及所属预算］", "［新增：是市级预算主管部门及所属预算］"]
    assert [x.get_text() for d in definitions[1:] for x in d.select(".diff del")] == ["［删除：指］", "［删除：指］"]
