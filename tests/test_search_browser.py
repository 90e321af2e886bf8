"""Search in a real headless Chromium, on the real content, served under a sub-path (/budget/).

A reader types into the search box of a department-year page, finds the department-years
that mention the term, narrows them to one year, and follows a result to the section where
the term is. Keyboard only, as far as the reader goes.
"""

from __future__ import annotations

import functools
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from site_builder.search import index as search
from site_builder.build.engine import build_site
from site_builder.problems import Reporter

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
PREFIX = "/budget/"
YEAR_PAGE = "hebei/qinhuangdao/shanhaiguan/xinfang/2020/"

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install chromium; "
                                                          "'make test' installs it when it may): browser tests skipped")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'")


class SubPathHandler(SimpleHTTPRequestHandler):
    """Serves the site under PREFIX only, as a host that publishes it in a sub-folder would."""

    def translate_path(self, path: str) -> str:
        route = unquote(urlsplit(path).path)
        if not route.startswith(PREFIX):
            return str(Path(self.directory) / "__not_here__")
        return super().translate_path("/" + route[len(PREFIX):])

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep the test output quiet
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("search-browser")
    shutil.copytree(REPO / "content", root / "content")
    reporter = Reporter()
    # Indexed in shards of 8 pages (search/index.py), which the page merges: as a province-sized site is.
    saved, search.SHARD_PAGES = search.SHARD_PAGES, 8
    try:
        assert build_site(root, root / "output", reporter).ok, [str(p) for p in reporter.errors]
    finally:
        search.SHARD_PAGES = saved
    assert len(json.loads((root / "output/pagefind/shards.json").read_text(encoding="utf-8"))) >= 2  # 3 bundles
    handler = functools.partial(SubPathHandler, directory=str(root / "output"))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.requests = []  # every address the page asked for
    page.errors = []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def status_text(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("[data-search-status]").inner_text()


def tab_to(page, selector: str, limit: int = 150) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_search_from_a_page_filter_by_year_and_follow_a_result(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + YEAR_PAGE)
    tab_to(page, "#site-search-q")
    page.keyboard.type("公务接待费")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.startswith(server + "search/index.html?q=")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent.startsWith('找到')")
    titles = page.locator(".search-result-title").all_inner_texts()
    assert "秦皇岛市山海关区信访局 2020年部门预算" in titles
    assert "江苏省委办公厅 2018年部门预算" in titles and "江苏省委办公厅 2019年部门预算" in titles
    assert page.locator(".search-excerpt mark", has_text="公务接待费").count() > 0

    tab_to(page, 'input[type=checkbox][name="年度"][value="2018"]')
    page.keyboard.press("Space")
    page.wait_for_function("new URLSearchParams(location.search).get('年度') === '2018'")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent.includes('已按所选条件筛选')")
    titles = page.locator(".search-result-title").all_inner_texts()
    # The department-years of 2018: a comparison is indexed by its summary only, so a search for
    # a line of the tables lands on the years, not on the comparisons that repeat it.
    assert sorted(titles[:2]) == ["江苏省委办公厅 2018年部门预算", "江苏省政协办公厅 2018年部门预算"], titles
    assert all("2018年" in t for t in titles), titles
    assert all("2018" in t for t in page.locator(".search-result-facts").all_inner_texts())
    assert set(page.locator(".search-type").all_inner_texts()) == {"部门年度"}

    tab_to(page, ".search-match-link")
    target = page.evaluate("document.activeElement.getAttribute('href')")
    assert target.startswith(PREFIX) and "#" in target
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == server.removesuffix(PREFIX) + target
    anchor = page.evaluate("""() => {
        const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
        const box = el.getBoundingClientRect();
        return {text: el.textContent.trim(), top: box.top, height: innerHeight};
    }""")
    assert anchor["text"] in ("收支", "三公", "名词解释", "“三公”经费") and 0 <= anchor["top"] < anchor["height"], anchor
    assert page.errors == []


def test_a_result_of_one_department_year_leads_to_its_section(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "search/index.html?q=北戴河")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent.startsWith('找到')")
    result = page.locator(".search-result").first
    assert result.locator(".search-result-title").inner_text() == "秦皇岛市山海关区信访局 2020年部门预算"
    assert result.locator(".search-type").inner_text() == "部门年度"
    links = result.locator(".search-match-link")
    assert links.first.inner_text() == "职责"
    assert links.first.get_attribute("href") == PREFIX + YEAR_PAGE + "#duties-title"
    excerpt = result.locator(".search-excerpt").first.inner_html()
    assert "<mark>北戴河</mark>" in excerpt and "旅游旺季到<mark>北戴河</mark>上访" in excerpt


def test_section_filter_and_address_state(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "search/index.html?q=公务接待费&栏目=sangong")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent.includes('已列出')")
    assert page.locator('input[name="栏目"][value="sangong"]').is_checked()
    sections = page.locator(".search-match-link").all_inner_texts()
    assert sections and all(s.startswith("三公") for s in sections), sections
    page.get_by_role("button", name="清除全部筛选").click()
    page.wait_for_function("!new URLSearchParams(location.search).has('栏目')")


def test_everything_comes_from_the_site_itself(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "search/index.html?q=八项规定")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent.startsWith('找到 ')")
    assert page.requests and all(url.startswith(server) for url in page.requests), page.requests
    assert any("/pagefind/" in url for url in page.requests)
    assert page.errors == []


def test_no_match_and_no_query_are_said_in_chinese(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "search/index.html?q=不存在的词语")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent.startsWith('没有')")
    assert status_text(page) == "没有找到包含“不存在的词语”的页面。"
    page.goto(server + "search/index.html")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent.length > 0")
    assert status_text(page) == "请输入要搜索的词，或选择筛选条件。"
