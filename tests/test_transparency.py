"""Transparency on the built site: 数据核对, 公开完整度, open data and provenance.

Built twice: from the real content/ (the seeds' checks pass; their scorecards match what
their sources disclosed; every download validates and reads back), and from fictitious
content (虚构) whose totals do not add up, whose sources carry dates and links, and whose
site adjusts the scorecard.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import posixpath
import re
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from buildkit import build, hashes, soup
from sitekit import MINIMAL, MINIMAL_PATH, replace_line, run_validate, write_tree

from site_builder.content.load import Entry, load_content
from site_builder.content.model import DepartmentYear
from site_builder.problems import Reporter
from site_builder.derive.scorecard import DEFAULT, load_items, score
from site_builder.search.segment import BOUNDARY, CELL_SEPARATOR, segment_html

ROOT = Path(__file__).resolve().parents[1]
SHANHAIGUAN = "hebei/qinhuangdao/shanhaiguan/xinfang/2020"
LUNAN = "hebei/tangshan/lunan/xinfang/2025"
CHENGDE = "hebei/chengde/chengde-xian/xinfang/2021"
XIANGXI = "hunan/xiangxi/xinfang/2022"
SEEDS = (SHANHAIGUAN, LUNAN, CHENGDE, XIANGXI)
FICTITIOUS = "xugou/xugou-shi/xugou-xian/shili/2020"
ALL_SECTIONS = {"职责", "收支", "三公", "绩效", "政府采购", "国有资产", "名词解释"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("transparency") / "output"
    result, reporter = build(ROOT, output=str(output), search_index=False)
    assert result.ok and reporter.errors == [], [str(p) for p in reporter.errors]
    return output


@pytest.fixture(scope="module")
def entries() -> dict[str, Entry]:
    return {"/".join((*e.rel[:-1], e.stem)): e for e in load_content(ROOT / "content", Reporter())}


def page(site: Path, key: str) -> BeautifulSoup:
    return soup(site / key / "index.html")


def catalog(site: Path) -> list[dict[str, object]]:
    return json.loads((site / "data/catalog.json").read_text(encoding="utf-8"))["downloads"]


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: no BOM"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


# ---------------------------------------------------------------------------
# A fictitious site (虚构) whose totals do not add up

BROKEN = replace_line(MINIMAL, "  支出合计: 1000.00", "  支出合计: 1100.00")
SOURCES = replace_line(BROKEN, "    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）", """\
    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）
      发布者: 虚构县财政局
      日期: 2020-02-14
      链接: https://example.invalid/yusuan?id=1&kind=<虚构>
      说明: 虚构的来源，**仅供测试**。
    - 标题: 虚构县示例局2020年绩效目标（测试用虚构数据）
      链接: javascript:alert(1)""")


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("broken"), f"-- {MINIMAL_PATH} --\n{SOURCES}")
    result, reporter = build(root, search_index=False)
    assert result.ok and len(reporter.warnings) == 2, [str(p) for p in reporter.problems]
    return root


def test_a_total_that_does_not_add_up_shows_both_figures_and_the_difference(broken: Path) -> None:
    checks = page(broken / "output", FICTITIOUS).select_one("section#checks")
    summary = checks.select_one(".checks-summary").get_text()
    assert "2 项不符" in summary and "全部相符" not in summary
    failed = [li.get_text(" ", strip=True) for li in checks.select("ul.checks-failed li.check-fail")]
    assert failed == [
        "不符 收入合计 = 支出合计 ：收入合计为 1,000.00 元，支出合计为 1,100.00 元，相差 100.00 元。",
        "不符 支出合计 = 基本支出 + 项目支出 ：支出合计为 1,100.00 元，基本支出 + 项目支出之和为 1,000.00 元，相差 100.00 元。",
    ]
    # The checks that hold are listed too, as 相符, folded under the failures.
    passed = checks.select("details.checks-passed li.check-pass")
    assert passed and all(li.select_one(".badge").get_text() == "相符" for li in passed)
    assert "基本支出 = 人员经费 + 公用经费" in checks.select_one("details.checks-passed").get_text()


def test_the_search_index_reads_the_failed_checks_not_the_ones_that_hold(broken: Path) -> None:
    # What Pagefind reads of the page (the segmented copy, less what it skips), its added spaces removed.
    copy = segment_html((broken / "output" / FICTITIOUS / "index.html").read_text("utf-8"))
    indexed = re.sub(f"[\\s{BOUNDARY}{CELL_SEPARATOR}]", "", BeautifulSoup(copy, "html.parser").main.get_text())
    assert "其中2项不符" in indexed
    assert "收入合计=支出合计：收入合计为1,000.00元，支出合计为1,100.00元，相差100.00元。" in indexed
    assert "相符的" in indexed  # the folded list's summary line stays …
    assert "基本支出=人员经费+公用经费" not in indexed  # … its checks repeat the tables' figures
    assert "分（满分100）" in indexed  # the score stays; the method, the same on every page, does not
    assert "加权计分" not in indexed and "加权计分" in page(broken / "output", FICTITIOUS).get_text()


def test_validate_reports_the_same_failed_checks(broken: Path) -> None:
    lines, reporter = run_validate(broken)
    titles = [w.message.split(":")[0] for w in reporter.warnings]
    html = page(broken / "output", FICTITIOUS)
    assert titles == [li.strong.get_text() for li in html.select("li.check-fail")]
    assert any("收入合计 1000.00 元 does not equal 支出合计 1100.00 元 (difference -100.00 元)" in line for line in lines)


def test_the_seeds_own_checks_pass(site: Path) -> None:
    for key in SEEDS:
        checks = page(site, key).select_one("section#checks")
        assert checks.select_one(".checks-summary").get_text().endswith("全部相符。"), key
        assert checks.select("li.check-fail") == [] and checks.select("li.check-pass"), key


def test_sources_name_title_publisher_date_and_link(broken: Path) -> None:
    first, second = page(broken / "output", FICTITIOUS).select("section#sources ul.sources > li")
    facts = {div.dt.get_text(): div.dd for div in first.select("dl.source-facts > div")}
    assert first.select_one(".source-title").get_text() == "虚构县示例局2020年部门预算（测试用虚构数据）"
    assert facts["发布者"].get_text() == "虚构县财政局" and facts["发布日期"].get_text() == "2020-02-14"
    link = facts["链接"].a
    assert link["href"] == "https://example.invalid/yusuan?id=1&kind=<虚构>" and link["rel"] == ["noopener", "noreferrer"]
    html = (broken / "output" / FICTITIOUS / "index.html").read_text(encoding="utf-8")
    assert 'href="https://example.invalid/yusuan?id=1&amp;kind=&lt;虚构&gt;"' in html  # escaped in the markup
    assert facts["说明"].strong.get_text() == "仅供测试"
    # What was not recorded says so; an address that is not http(s) is text, never a link.
    facts = {div.dt.get_text(): div.dd for div in second.select("dl.source-facts > div")}
    assert facts["发布者"].get_text() == "未记录" and facts["发布日期"].get_text() == "未记录"
    assert facts["链接"].a is None and "javascript:alert(1)" in facts["链接"].get_text()


def test_real_pages_show_their_sources(site: Path, entries: dict[str, Entry]) -> None:
    for key, entry in entries.items():
        items = page(site, key).select("section#sources ul.sources > li")
        assert [li.select_one(".source-title").get_text() for li in items] == [s.title for s in entry.model.meta.sources]
        for li, source in zip(items, entry.model.meta.sources):
            facts = {div.dt.get_text(): div.dd.get_text(strip=True) for div in li.select("dl.source-facts > div")}
            assert facts["发布者"] == (source.publisher or "未记录")
            assert set(facts) >= {"发布者", "发布日期", "链接"}


# ---------------------------------------------------------------------------
# 公开完整度


def marks(html: BeautifulSoup) -> dict[str, tuple[str, str]]:
    """Item → (section, state) from a page's 公开完整度 table."""
    rows = html.select("section#completeness table#completeness-table tbody tr")
    return {r.th.get_text(): (r.td.get_text(), r.select_one(".badge").get_text()) for r in rows}


@pytest.mark.parametrize(("key", "credited"), [
    (LUNAN, {"绩效"}),  # the 路南区 document is 绩效 only
    (CHENGDE, {"绩效"}),
    (XIANGXI, {"绩效"}),
    (SHANHAIGUAN, ALL_SECTIONS),
])
def test_seed_scorecards_match_what_their_sources_disclosed(site: Path, key: str, credited: set[str]) -> None:
    found = marks(page(site, key))
    assert len(found) == 17
    assert {section for section, state in found.values() if state in ("已公开", "公开为无")} == credited
    if credited == {"绩效"}:  # a performance text: the rest is not collected here, never 未公开
        assert all(state == "已公开" for section, state in found.values() if section == "绩效")
        assert all(state == "未收录" for section, state in found.values() if section != "绩效")


def test_shanhaiguan_items_as_its_source_has_them(site: Path) -> None:
    found = {item: state for item, (_, state) in marks(page(site, SHANHAIGUAN)).items()}
    assert found["政府采购预算"] == "公开为无"  # an empty table published with its note
    assert found["“三公”经费增减原因"] == "未公开"  # the document promises reasons and gives none
    assert found["支出按功能分类"] == "未公开"
    assert [item for item, state in found.items() if state == "未公开"] == ["支出按功能分类", "“三公”经费增减原因"]
    block = page(site, SHANHAIGUAN).select_one("section#completeness")
    assert block.select_one(".score").get_text() == "90.0"


def test_every_year_page_has_its_score_and_badges_not_only_by_colour(site: Path, entries: dict[str, Entry]) -> None:
    items = load_items(DEFAULT, Reporter())
    for key, entry in entries.items():
        block = page(site, key).select_one("section#completeness")
        card = score(entry.model, items)
        assert block.select_one(".score").get_text() == str(card.score), key
        for row, mark in zip(block.select("tbody tr"), card.marks, strict=True):
            badge = row.select_one(".badge")
            css = {"已公开": "badge-disclosed", "公开为无": "badge-none", "未公开": "badge-undisclosed",
                   "未收录": "badge-uncollected", "无（与数字不符）": "badge-contradicted"}[mark.state]
            assert badge.get_text() == mark.state and css in badge["class"]  # the words say it, not the colour


def score_table(site: Path, rel: str) -> list[tuple[str, str, Decimal, int]]:
    """(linked page relative to the site's root, department, score, rank) of each row."""
    rows = soup(site / rel).select("table#scorecard-table tbody tr")
    return [(posixpath.normpath(posixpath.join(posixpath.dirname(rel), r.th.a["href"])), r.th.get_text(strip=True),
             Decimal(r.select_one("data")["value"]), 0 if r.td.get_text() == "—" else int(r.td.get_text()))
            for r in rows]


def test_scorecard_page_lists_every_department_year_by_score(site: Path, entries: dict[str, Entry]) -> None:
    items = load_items(DEFAULT, Reporter())
    rows = score_table(site, "scorecard/index.html")
    targets = {f"{key}/index.html#completeness": key for key in entries}
    assert sorted(href for href, *_ in rows) == sorted(targets)
    # Ranked by score; those only partly assessed (some items 未收录) follow, unranked (—).
    ranked = [r for r in rows if r[3]]
    assert rows[:len(ranked)] == ranked and all(r[3] == 0 for r in rows[len(ranked):])
    assert [s for _, _, s, _ in ranked] == sorted((s for _, _, s, _ in ranked), reverse=True)
    for href, name, value, rank in rows:
        entry = entries[targets[href]]
        assert (name, value) == (entry.model.meta.department, score(entry.model, items).score)
        if rank:
            assert rank == 1 + sum(1 for _, _, other, r in ranked if other > value)  # ties share a rank
    lunan = next(r for r in rows if LUNAN in r[0])
    assert lunan[2:] == (Decimal("100.0"), 0)  # 绩效 only assessed (the rest 未收录): all of it disclosed, unranked


def test_other_orders_of_the_scorecard_without_scripts(site: Path) -> None:
    by_score = score_table(site, "scorecard/index.html")
    by_region = score_table(site, "scorecard/by-region/index.html")
    by_year = score_table(site, "scorecard/by-year/index.html")
    assert sorted(by_region) == sorted(by_year) == sorted(by_score)
    assert [href for href, *_ in by_region] == sorted(href for href, *_ in by_region)
    years = [int(href.split("/")[-2][:4]) for href, *_ in by_year]
    assert years == sorted(years, reverse=True)
    for rel, order in (("scorecard/index.html", "按得分"), ("scorecard/by-year/index.html", "按年度")):
        html = soup(site / rel)
        assert html.select_one('nav.orders a[aria-current="page"]').get_text() == order
        assert html.find("script") is None
    assert soup(site / "scorecard/index.html").select_one('th[aria-sort="descending"]').get_text() == "得分"


def test_scorecard_is_linked_from_home_nav_and_about(site: Path) -> None:
    for rel, selector in (("index.html", "main a"), ("about/index.html", "main a"), (f"{SHANHAIGUAN}/index.html", "nav.site-nav a")):
        links = {a["href"] for a in soup(site / rel).select(selector) if "公开完整度" in a.get_text()}
        assert any(href.endswith("scorecard/index.html") for href in links), rel


def test_a_site_adjusts_the_scorecard(tmp_path: Path) -> None:
    items = "事项:\n  - {规则: glossary, 名称: 名词解释（虚构权重）, 栏目: 名词解释, 权重: 3}\n" \
            "  - {规则: assets, 名称: 国有资产（虚构权重）, 栏目: 国有资产, 权重: 1}\n"
    write_tree(tmp_path, f"-- {MINIMAL_PATH} --\n{MINIMAL}\n-- scorecard.yaml --\n{items}")
    result, reporter = build(tmp_path, search_index=False)
    assert result.ok, [str(p) for p in reporter.problems]
    html = page(tmp_path / "output", FICTITIOUS)
    assert marks(html) == {"名词解释（虚构权重）": ("名词解释", "已公开"), "国有资产（虚构权重）": ("国有资产", "未公开")}
    assert html.select_one("section#completeness .score").get_text() == "75.0"
    rows = read_csv(tmp_path / "output/data/scorecard.csv")
    assert rows[0]["得分"] == "75.0" and rows[0]["国有资产（虚构权重）"] == "未公开"


def test_site_toml_names_the_scorecard_file(tmp_path: Path) -> None:
    items = "事项:\n  - {规则: duties, 名称: 职能（虚构）, 栏目: 职责, 权重: 2}\n"
    write_tree(tmp_path, f"-- {MINIMAL_PATH} --\n{MINIMAL}\n-- config/items.yaml --\n{items}\n"
                         '-- site.toml --\ntitle = "虚构站点"\nscorecard = "config/items.yaml"\n')
    result, reporter = build(tmp_path, search_index=False)
    assert result.ok, [str(p) for p in reporter.problems]
    assert list(marks(page(tmp_path / "output", FICTITIOUS))) == ["职能（虚构）"]
    write_tree(tmp_path, '-- site.toml --\ntitle = "虚构站点"\nscorecard = "config/nosuch.yaml"\n')
    result, reporter = build(tmp_path, search_index=False)
    assert not result.ok
    [error] = reporter.errors
    assert (error.file.endswith("site.toml"), error.line, error.key) == (True, 2, "scorecard")


def test_errors_in_the_scorecard_file_stop_the_build_like_content_errors(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    items = "事项:\n  - {规则: duties, 名称: 职能, 栏目: 职责, 权重: 5}\n  - {规则: duties, 名称: 职能, 栏目: 职能, 权重: 5}\n"
    write_tree(tmp_path, f"-- {MINIMAL_PATH} --\n{MINIMAL}\n-- scorecard.yaml --\n{items}")
    monkeypatch.chdir(tmp_path)
    result, reporter = build(tmp_path, search_index=False)
    assert not result.ok and not (tmp_path / "output").exists()
    [error] = reporter.errors
    assert (error.file, error.line, error.key) == ("scorecard.yaml", 3, "事项[2].栏目")


# ---------------------------------------------------------------------------
# Open data


def test_json_downloads_validate_against_the_published_schema_and_load_back(site: Path, entries: dict[str, Entry]) -> None:
    published = (site / "data/content.schema.json").read_bytes()
    assert published == (ROOT / "schema/content.schema.json").read_bytes()
    schema = json.loads(published)
    validator = jsonschema.Draft202012Validator(schema)
    years = [d for d in catalog(site) if d["kind"] == "department-year"]
    assert sorted(str(d["page"]) for d in years) == sorted(f"{key}/index.html" for key in entries)
    for d in years:
        raw = (site / str(d["path"])).read_bytes()
        validator.validate(json.loads(raw))
        entry = entries[str(d["page"]).removesuffix("/index.html")]
        assert DepartmentYear.model_validate_json(raw) == entry.model, d["path"]
    # Amounts are exact decimal strings, with their unit.
    data = json.loads((site / SHANHAIGUAN / "data/hebei-qinhuangdao-shanhaiguan-xinfang-2020.json").read_bytes())
    assert (data["收支"]["收入合计"], data["三公"]["公务接待费"], data["元数据"]["金额单位"]) == ("3828602.02", "19950.5", "元")


def test_site_json_holds_every_department_year(site: Path, entries: dict[str, Entry]) -> None:
    validator = jsonschema.Draft202012Validator(json.loads((site / "data/content.schema.json").read_bytes()))
    site_data = json.loads((site / "data/site.json").read_bytes())
    assert site_data["format"] == "site_builder.site/1"
    assert [d["id"] for d in site_data["department_years"]] == sorted(entries)
    for item in site_data["department_years"]:
        validator.validate(item["data"])
        assert DepartmentYear.model_validate(item["data"]) == entries[item["id"]].model
        assert (site / item["page"]).is_file()


def test_csv_downloads_read_back_with_chinese_intact(site: Path, entries: dict[str, Entry]) -> None:
    figures = read_csv(site / SHANHAIGUAN / "data/hebei-qinhuangdao-shanhaiguan-xinfang-2020-figures.csv")
    by_path = {r["路径"]: r for r in figures}
    assert by_path["收支.收入合计"]["部门"] == "秦皇岛市山海关区信访局"
    assert (by_path["收支.收入合计"]["数值"], by_path["收支.收入合计"]["单位"]) == ("3828602.02", "元")
    assert by_path["三公.公务接待费"]["地区"] == "河北省 秦皇岛市 山海关区"
    indicators = read_csv(site / CHENGDE / "data/hebei-chengde-chengde-xian-xinfang-2021-indicators.csv")
    assert (indicators[0]["指标值"], indicators[0]["符号"], indicators[0]["单位"]) == ("≤30万元", "≤", "万元")
    # The site-wide tables are the pages' tables, joined.
    every = [d for d in catalog(site) if d["format"] == "CSV" and d["kind"] in ("figures", "indicators", "final")]
    for kind in ("figures", "indicators", "final"):
        whole = read_csv(site / f"data/{kind}.csv")
        parts = [row for d in every if d["kind"] == kind and d["department"] for row in read_csv(site / str(d["path"]))]
        assert whole == parts and whole, kind
    scorecard = {(r["部门"], r["年度"]): r for r in read_csv(site / "data/scorecard.csv")}
    lunan = scorecard[("唐山市路南区信访局", "2025")]
    # 绩效 only was collected (weight 17 of 100): all of it disclosed; the rest not assessed (未收录).
    assert (lunan["得分"], lunan["可评估权重占比(%)"], lunan["量化的绩效指标"], lunan["名词解释"], lunan["未公开"],
            lunan["未收录"], lunan["页面"]) == ("100.0", "17.0", "已公开", "未收录", "0", "14", f"{LUNAN}/index.html")
    assert len(scorecard) == len(entries)


def test_catalog_lists_every_download_with_its_size_and_hash(site: Path) -> None:
    items = catalog(site)
    on_disk = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.suffix in (".json", ".csv", ".pdf")
                     and p.relative_to(site).as_posix() != "data/catalog.json" and "pagefind" not in p.parts)
    assert sorted(str(d["path"]) for d in items) == on_disk
    assert [d["path"] for d in items][:6] == ["data/site.json", "data/figures.csv", "data/indicators.csv",
                                             "data/final.csv", "data/scorecard.csv", "data/content.schema.json"]
    for d in items:
        raw = (site / str(d["path"])).read_bytes()
        assert (d["bytes"], d["sha256"]) == (len(raw), hashlib.sha256(raw).hexdigest()), d["path"]
        assert d["format"] == {".csv": "CSV", ".pdf": "PDF"}.get(Path(str(d["path"])).suffix, "JSON")
        assert str(d["media_type"]).startswith("text/csv; charset=utf-8" if d["format"] == "CSV" else "application/")
        if d["format"] == "PDF":  # a source document: the same bytes as its copy beside the YAML
            assert d["kind"] == "source" and d["media_type"] == "application/pdf"
            name = str(d["path"]).rsplit("/", 1)[1].removeprefix(str(d["path"]).split("/source/")[0].rsplit("/", 1)[0]
                                                                  .replace("/", "-") + "-")
            assert raw == (ROOT / "content" / Path(str(d["page"])).parent.parent / name).read_bytes()
        assert d["title"] and d["kind"]
        if d["page"]:
            assert (site / str(d["page"])).is_file()
    shanhaiguan = [d for d in items if d["page"] == f"{SHANHAIGUAN}/index.html"]
    assert [(d["kind"], d["department"], d["year"], d["document_kind"]) for d in shanhaiguan] == [
        (kind, "秦皇岛市山海关区信访局", 2020, "预算") for kind in ("department-year", "figures", "indicators")]
    comparisons = [d for d in items if d["kind"] == "comparison"]
    assert all(d["department"] and "/compare/" in str(d["path"]) for d in comparisons)


def test_year_pages_and_the_about_page_list_the_downloads(site: Path) -> None:
    links = page(site, SHANHAIGUAN).select("section#downloads a[download]")
    assert [a["href"] for a in links] == [f"data/hebei-qinhuangdao-shanhaiguan-xinfang-2020{s}"
                                          for s in (".json", "-figures.csv", "-indicators.csv")]
    size = (site / SHANHAIGUAN / "data/hebei-qinhuangdao-shanhaiguan-xinfang-2020.json").stat().st_size
    assert f"{size / 1024:.1f} KB" in links[0].parent.get_text()
    about = soup(site / "about/index.html")
    section = about.select_one("#opendata").find_next("ul", class_="downloads")
    assert [a["href"] for a in section.select("a")] == ["../data/site.json", "../data/figures.csv", "../data/indicators.csv",
                                                        "../data/final.csv", "../data/scorecard.csv",
                                                        "../data/content.schema.json"]
    final = page(site, "shanghai/putuo/caizhengju/2024-juesuan").select("section#downloads a[download]")
    assert [a["href"] for a in final][-1] == "data/shanghai-putuo-caizhengju-2024-juesuan-final.csv"
    assert any(a["href"] == "../data/catalog.json" for a in about.select("main a"))


def test_fictitious_site_builds_byte_identical_twice(broken: Path, tmp_path: Path) -> None:
    result, _ = build(broken, output=str(tmp_path / "again"), search_index=False)
    assert result.ok and hashes(tmp_path / "again") == hashes(broken / "output")


def test_validate_reports_errors_in_the_scorecard_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from site_builder.cli import main

    items = "事项:\n  - {规则: duties, 名称: 职能（虚构）, 栏目: 职责, 权重: 5}\n  - {规则: nosuch, 名称: 虚构, 栏目: 职责, 权重: 1}\n"
    write_tree(tmp_path, f"-- {MINIMAL_PATH} --\n{MINIMAL}\n-- scorecard.yaml --\n{items}")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "content"]) == 1
    out = capsys.readouterr().out
    assert "scorecard.yaml:3: 事项[2].规则: unknown rule 'nosuch'; expected one of: duties, " in out
    assert out.rstrip().endswith("1 error, 0 warnings in 2 files")
