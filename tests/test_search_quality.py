"""Search quality: every page that contains a term is found, and little else.

Builds a site from the real content/ plus a larger fictitious (虚构) corpus (searchcorpus.py),
indexes it with the real Pagefind binary as every build does, and runs Chinese budget terms
through the real index in Node with the site's own search-core.js, as the search page does.

For each term, the truth is the set of indexed pages whose text contains it. A page's text
is what Pagefind reads of it: its data-pagefind-body element, without what Pagefind leaves
out by default (nav, footer, form, svg, noscript) or is told to (data-pagefind-ignore), with
block elements apart. Recall must be 1.00 for every term and precision at least 0.95.
The figures are printed per term.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag
from searchcorpus import write_fictitious_content

from site_builder.search import index as search
from site_builder.build.engine import build_site
from site_builder.problems import Reporter
from site_builder.search.segment import BOUNDARY, segment_text

REPO = Path(__file__).resolve().parents[1]
HARNESS = Path(__file__).with_name("search_harness.mjs")
FICTITIOUS_DEPARTMENTS = 90  # about 180 department-years, 18 times the real content

TERMS = (
    # project names and their parts
    "北戴河", "旅游旺季", "工作经费", "专项业务经费", "综合事务管理费", "信访事项",
    # 三公 items
    "三公", "公务接待费", "因公出国", "公务用车", "会议费", "培训费",
    # indicators
    "劝返率", "满意度", "群众满意度", "办结率", "息诉息访率",
    # policy phrases
    "八项规定", "维稳", "救助", "过紧日子", "厉行节约", "敏感时期", "两会", "劝返",
    # departments
    "信访局", "政协办公厅", "省委办公厅", "财政局",
    # budget terms
    "机关运行经费", "一般公共预算", "基本支出", "项目支出", "人员经费", "日常公用经费", "政府采购", "国有资产",
)
MIN_PRECISION = 0.95

pytestmark = pytest.mark.skipif(shutil.which("node") is None,
                                reason="Node.js is not installed: the search-quality test runs Pagefind's search in Node")

NOT_INDEXED = ("nav", "footer", "form", "svg", "noscript", "script", "style", "template")
BLOCKS = {"address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt", "figcaption",
          "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section",
          "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}


@dataclass(frozen=True)
class Page:
    url: str  # as Pagefind gives it: /hebei/…/2020/
    text: str
    filters: dict[str, list[str]]


@dataclass(frozen=True)
class Corpus:
    site: Path
    pages: dict[str, Page]
    build_seconds: float


def page_text(body: Tag) -> str:
    parts: list[str] = []

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment or a doctype
                    parts.append(str(child))
            elif isinstance(child, Tag):
                if child.name in NOT_INDEXED or child.has_attr("data-pagefind-ignore"):
                    continue
                block = child.name in BLOCKS
                if block:
                    parts.append("\n")
                walk(child)
                if block:
                    parts.append("\n")

    walk(body)
    return "".join(parts)


def read_pages(site: Path) -> dict[str, Page]:
    pages = {}
    for path in sorted(site.rglob("*.html")):
        html = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        body = html.select_one("[data-pagefind-body]")
        if body is None:
            continue
        rel = path.relative_to(site).as_posix()
        url = "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        filters: dict[str, list[str]] = {}
        for meta in html.select("meta[data-pagefind-filter]"):
            filters.setdefault(meta["data-pagefind-filter"].removesuffix("[content]"), []).append(meta["content"])
        pages[url] = Page(url, page_text(body), filters)
    return pages


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("search-quality")
    shutil.copytree(REPO / "content", root / "content")
    write_fictitious_content(root / "content", FICTITIOUS_DEPARTMENTS)
    reporter = Reporter()
    # Indexed in shards of 100 pages, merged in the search (search/index.py): what a province-sized site does.
    saved, search.SHARD_PAGES = search.SHARD_PAGES, 100
    try:
        result = build_site(root, root / "output", reporter)
    finally:
        search.SHARD_PAGES = saved
    assert result.ok, [str(p) for p in reporter.errors]
    assert (root / "output/pagefind/pagefind-entry.json").is_file()
    shards = json.loads((root / "output/pagefind/shards.json").read_text(encoding="utf-8"))
    assert len(shards) >= 1 and all((root / "output/pagefind" / s / "pagefind-entry.json").is_file() for s in shards)
    return Corpus(root / "output", read_pages(root / "output"), result.seconds)


def run_queries(site: Path, queries: list[dict], **extra: object) -> list[dict]:
    request = json.dumps({"queries": queries, "sections": [], **extra}, ensure_ascii=False)
    run = subprocess.run(["node", str(HARNESS), str(site)], input=request, capture_output=True, text=True,
                         timeout=600, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def marked(excerpt: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", excerpt)


def test_every_page_with_the_term_is_found(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(TERMS) >= 30 and all(2 <= len(t) <= 7 for t in TERMS)
    answers = run_queries(corpus.site, [{"q": term} for term in TERMS])
    kinds: dict[str, int] = {}
    for page in corpus.pages.values():
        for kind in page.filters.get("页面类型", []):
            kinds[kind] = kinds.get(kind, 0) + 1
    lines = [f"search quality: {len(corpus.pages)} indexed pages ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}); "
             f"build with index {corpus.build_seconds:.2f} s",
             f"{'term':<10}{'chars':>6}{'pages':>7}{'found':>7}{'recall':>8}{'precision':>10}{'marked':>8}{'query s':>9}"]
    failures = []
    for term, answer in zip(TERMS, answers):
        truth = {url for url, page in corpus.pages.items() if term in page.text}
        found = {page["url"] for page in answer["pages"]}
        recall = len(truth & found) / len(truth) if truth else 1.0
        precision = len(truth & found) / len(found) if found else 1.0
        # The excerpt of a page that holds the term marks the term itself.
        hits = [p for p in answer["pages"] if p["url"] in truth]
        marked_ok = sum(1 for p in hits if any(term in marked(m["excerpt"]) for m in p["matches"]))
        lines.append(f"{term}{' ' * (10 - 2 * len(term))}{len(term):>6}{len(truth):>7}{len(found):>7}{recall:>8.2f}{precision:>10.2f}"
                     f"{marked_ok:>4}/{len(hits):<3}{answer['seconds']:>9.3f}")
        if not truth:
            failures.append(f"{term}: on no page, so it measures nothing")
        if recall < 1.0:
            failures.append(f"{term}: missed {sorted(truth - found)[:5]}")
        if precision < MIN_PRECISION:
            failures.append(f"{term}: precision {precision:.2f}; wrongly found {sorted(found - truth)[:5]}")
        if marked_ok < len(hits):
            failures.append(f"{term}: excerpt does not mark the term on {len(hits) - marked_ok} page(s)")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert not failures, "\n".join(failures)


def test_results_link_to_the_section_of_the_match(corpus: Corpus) -> None:
    [answer] = run_queries(corpus.site, [{"q": "公务接待费"}],
                           sections=["duties", "finance", "sangong", "performance", "procurement", "assets", "glossary"])
    year = next(p for p in answer["pages"] if p["url"] == "/hebei/qinhuangdao/shanhaiguan/xinfang/2020/")
    assert year["title"] == "秦皇岛市山海关区信访局 2020年部门预算"
    by_section = {m["section"]: m for m in year["matches"]}
    sangong = by_section["sangong"]
    assert sangong["url"] == "/hebei/qinhuangdao/shanhaiguan/xinfang/2020/#sangong-title" and sangong["title"] == "三公"
    assert "<mark>公务接待费</mark>" in sangong["excerpt"] and BOUNDARY not in sangong["excerpt"]
    # The excerpt reads as the page does: no spaces between Chinese characters.
    assert "公务接待费19950.5元" in re.sub(r"</?mark>", "", sangong["excerpt"])


def test_filters_narrow_the_results(corpus: Corpus) -> None:
    queries = [{"q": "信访局", "filters": {"年度": ["2020"]}},
               {"q": "公务接待费", "filters": {"页面类型": ["部门"], "地区": ["江苏省"]}},
               {"q": "", "filters": {"类型": ["决算"]}}]
    answers = run_queries(corpus.site, queries)
    for query, answer in zip(queries, answers):
        def wanted(page: Page) -> bool:
            return (query["q"] in page.text
                    and all(set(values) & set(page.filters.get(key, [])) for key, values in query["filters"].items()))
        truth = {url for url, page in corpus.pages.items() if wanted(page)}
        assert truth and {p["url"] for p in answer["pages"]} == truth, query


def test_page_types_are_searchable_and_named(corpus: Corpus) -> None:
    glossary, money, changes = run_queries(corpus.site, [{"q": "专项业务经费"}, {"q": "公务接待费"}, {"q": "主要变化"}])
    assert {"部门年度", "名词解释"} <= {p["filters"]["页面类型"][0] for p in glossary["pages"]}
    assert {"部门年度", "部门"} <= {p["filters"]["页面类型"][0] for p in money["pages"]}
    # A comparison is indexed by its head and summary (主要变化) only: its tables repeat the years' figures.
    assert "年度比较" in {p["filters"]["页面类型"][0] for p in changes["pages"]}
    comparison = next(p for p in changes["pages"] if p["filters"]["页面类型"] == ["年度比较"])
    assert len(comparison["filters"]["年度"]) == 2 and comparison["matches"][0]["url"].count("#") == 1


def test_a_line_is_found_on_its_home_and_a_figure_on_its_year(corpus: Corpus) -> None:
    # A lines page (逐项历年数字) is indexed by each line's title: its figures and charts repeat the years' tables.
    home, year = "/hebei/qinhuangdao/shanhaiguan/xinfang/lines/", "/hebei/qinhuangdao/shanhaiguan/xinfang/2020/"
    line, figure = run_queries(corpus.site, [{"q": "公务接待费"}, {"q": "19,950.5"}])
    assert home in {p["url"] for p in line["pages"]}
    assert corpus.pages[home].filters["页面类型"] == ["逐项历年数字"]
    found = {p["url"] for p in figure["pages"]}
    assert year in found and not any(url.endswith("/lines/") for url in found), found


def test_the_query_is_segmented_as_the_index_is(corpus: Corpus) -> None:
    samples = ["八项规定", "因公出国（境）费19,950.50元", "政协办公厅：2017年预算", "2020年GDP增长≥95%", "北戴河 维稳", "ＧＤＰ２０２０", "𠀀𪚥字"]
    [*_, answer] = run_queries(corpus.site, [], segment=samples)
    assert answer["segmented"] == [segment_text(s) for s in samples]
