"""The whole real site in a real headless Chromium, on a 360 px phone, under /budget/ and at the root.

Every page is reached by following links from the home page (and from sitemap.xml, the
404 page and a search with results), in one crawl per mount that records everything the
pages do. The tests then read the record:

- every internal link and asset answers 200, and every #fragment names an element;
- no console error or warning, no script error;
- no request leaves the site's own host and sub-path;
- no page scrolls sideways at 360 px (wide tables scroll inside their own box);
- axe-core finds no accessibility violation, on every page type named below and on the
  first page met of every other kind (axe takes a second or more on a big page: not all).

Then the print stylesheet, on two department-years, and keyboard focus.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from browserkit import AXE_JS, MOUNTS, ServedSite, browser, served_sites  # noqa: F401 - pytest fixtures

from site_builder.site.routes import RESERVED_TOP

PHONE = {"width": 360, "height": 740}
A4_TEXT_WIDTH = 703  # px: 210 mm less print.css's 2 × 12 mm margins, at 96 px per inch
HOME = "index.html"
SEED_YEAR = "hebei/qinhuangdao/shanhaiguan/xinfang/2020/index.html"
JIANGSU_YEAR = "jiangsu/zhengxie-bangongting/2018/index.html"
SHANGHAI_YEAR = "shanghai/putuo/wanli-jiedao/2024/index.html"  # tables with several amount columns
MISSING = "no/such/page/index.html"  # answered with 404.html, as a configured server does
SEARCH = "search/index.html?q=公务接待费"
PAGE_TYPES = {"home": HOME, "region": "hebei/qinhuangdao/index.html", "department": "jiangsu/zhengxie-bangongting/index.html",
              "seed department-year": SEED_YEAR, "Jiangsu department-year": JIANGSU_YEAR,
              "Shanghai department-year": SHANGHAI_YEAR,
              "glossary": "glossary/index.html", "about": "about/index.html", "404": MISSING, "search": SEARCH,
              "决算 department-year": "shanghai/putuo/caizhengju/2024-juesuan/index.html",
              "决算 with 年初预算 0": "shanghai/putuo/shehui-gongzuobu/2024-juesuan/index.html",
              "department with a 决算": "shanghai/putuo/caizhengju/index.html"}
AXE_MOUNT = "/budget/"  # where axe runs; the markup at the root differs only in 404.html's links

PAGE_FACTS = """() => ({
    links: [...document.querySelectorAll('[href], [src]')].map(e => [e.tagName.toLowerCase(),
        new URL(e.getAttribute('href') ?? e.getAttribute('src'), document.baseURI).href]),
    forms: [...document.forms].map(f => ['form', f.action]),
    ids: [...document.querySelectorAll('[id]')].map(e => e.id),
    scrollWidth: document.documentElement.scrollWidth,
    type: document.querySelector('meta[data-pagefind-filter^="页面类型"]')?.content ?? null,
})"""

AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""


@dataclass
class Visit:
    """One page as the browser loaded it."""

    status: int
    links: list[tuple[str, str]]  # (tag, absolute URL) of every href, src and form action
    ids: set[str]
    scroll_width: int
    axe: list[dict[str, Any]] | None = None


@dataclass
class Crawl:
    """Everything the pages of one mount did, and what their links answered."""

    site: ServedSite
    visits: dict[str, Visit] = field(default_factory=dict)  # by URL, without fragment
    resources: dict[str, int] = field(default_factory=dict)  # linked non-page files by URL → status
    linked: set[str] = field(default_factory=set)  # pages some other page links to
    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # requests that failed or answered 400+
    console: list[str] = field(default_factory=list)  # console errors and warnings, script errors


def is_page(url: str) -> bool:
    path = urlsplit(url).path
    return path.endswith(("/", ".html"))


def page_key(url: str) -> str:
    """One key per page: no fragment, escapes decoded, a folder as its index.html."""
    parts = urlsplit(unquote(url.partition("#")[0]))
    path = parts.path + "index.html" if parts.path.endswith("/") else parts.path
    return f"{parts.scheme}://{parts.netloc}{path}" + (f"?{parts.query}" if parts.query else "")


def page_kind(site: ServedSite, url: str, search_type: str | None) -> str:
    """What sort of page this is: its search 页面类型, else its site folder (or region depth)."""
    if search_type:
        return search_type
    parts = urlsplit(url).path.removeprefix(site.mount).split("/")
    return f"{parts[0] if parts[0] in RESERVED_TOP else '*'}/{len(parts)}"


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def sitemap_urls(site: ServedSite) -> list[str]:
    with urllib.request.urlopen(site.url + "sitemap.xml", timeout=10) as response:
        xml = response.read().decode("utf-8")
    return [urljoin(site.url, loc) for loc in re.findall(r"<loc>([^<]+)</loc>", xml)]


def crawl(browser: Any, site: ServedSite, axe: bool) -> Crawl:
    """Load every page of ``site`` once in a 360 px viewport; follow every internal link."""
    record = Crawl(site)
    context = browser.new_context(viewport=PHONE, locale="zh-CN", service_workers="block")
    page = context.new_page()
    current = {"url": ""}
    page.on("request", lambda r: record.requests.append(r.url))
    # A request the browser itself gave up because the next page was asked for (the favicon,
    # fetched lazily, under load) is not the site's failure; a missing file answers 404 below.
    page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED" and record.failures.append(
        f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and r.url != current["url"] and record.failures.append(
        f"{r.url}: HTTP {r.status} (from {current['url']})"))
    missing = site.url + MISSING

    def console(message: Any) -> None:
        source = message.location.get("url")
        if source == missing and "404" in message.text:
            return  # Chromium's word on the page asked for on purpose: the one 404 there should be
        if message.type in ("error", "warning"):
            record.console.append(f"{current['url']}: console {message.type}: {message.text} ({source})")

    page.on("console", console)
    page.on("pageerror", lambda e: record.console.append(f"{current['url']}: script error: {e}"))

    queue = [site.url + path for path in PAGE_TYPES.values()] + [site.url + "404.html", *sitemap_urls(site)]
    kinds: set[str] = set()
    axe_pages = {page_key(site.url + path) for path in PAGE_TYPES.values()}
    while queue:
        url = page_key(queue.pop(0))
        if url in record.visits:
            continue
        current["url"] = url
        response = page.goto(url)
        if page.locator("[data-search-status]").count():  # the search page: wait for its script's answer
            page.wait_for_function("document.querySelector('[data-search-status]').textContent.length > 0")
            page.wait_for_load_state("networkidle")
        facts = page.evaluate(PAGE_FACTS)
        visit = Visit(response.status if response else 0, [tuple(link) for link in facts["links"] + facts["forms"]],
                      set(facts["ids"]), facts["scrollWidth"])
        kind = page_kind(site, url, facts["type"])
        if axe and (kind not in kinds or url in axe_pages):
            kinds.add(kind)
            page.add_script_tag(path=str(AXE_JS))
            visit.axe = page.evaluate(AXE_RUN)
        record.visits[url] = visit
        for _, link in visit.links:
            target = page_key(link)
            if target != url:
                record.linked.add(target)
            if not target.startswith(site.url) or target in record.visits:
                continue  # another host (checked below) or done
            if is_page(target):
                queue.append(target)
            elif target not in record.resources:
                record.resources[target] = http_status(link.partition("#")[0])
    context.close()
    return record


@pytest.fixture(scope="module")
def crawls(browser: Any, served_sites: dict[str, ServedSite]) -> dict[str, Crawl]:
    return {mount: crawl(browser, served_sites[mount], axe=mount == AXE_MOUNT and AXE_JS.is_file()) for mount in MOUNTS}


@pytest.fixture(params=MOUNTS, ids=["under /budget/", "at the root"])
def record(request: pytest.FixtureRequest, crawls: dict[str, Crawl]) -> Crawl:
    return crawls[request.param]


def test_every_page_is_reached_and_every_internal_link_resolves(record: Crawl) -> None:
    site = record.site
    written = {site.url + p.relative_to(site.output).as_posix() for p in site.output.rglob("*.html")}
    assert written - set(record.visits) == set(), "pages the crawl never reached"
    assert written - record.linked == {site.url + "404.html"}, "pages no other page links to"
    missing = site.url + MISSING
    assert {url: v.status for url, v in record.visits.items() if v.status != 200} == {missing: 404}
    assert record.resources and {url: s for url, s in record.resources.items() if s != 200} == {}
    broken = []
    for url, visit in record.visits.items():
        for tag, link in visit.links:
            if urlsplit(link).netloc == site.host and not link.startswith(site.url):
                broken.append(f"{url}: {tag} {link} is outside {site.mount}")
            target, fragment = page_key(link), link.partition("#")[2]
            if fragment and target in record.visits and unquote(fragment) not in record.visits[target].ids:
                broken.append(f"{url}: {link} names no element")
    assert broken == []
    assert record.failures == []


def test_no_console_error_or_warning_and_no_script_error(record: Crawl) -> None:
    assert record.console == []


def test_every_request_stays_on_the_site(record: Crawl) -> None:
    site = record.site
    assert len(record.requests) > len(record.visits)
    strays = [url for url in record.requests if urlsplit(url).netloc != site.host or not url.startswith(site.url)]
    assert strays == []
    links_out = {(tag, link) for v in record.visits.values() for tag, link in v.links if urlsplit(link).netloc != site.host}
    assert {tag for tag, _ in links_out} <= {"a"}, "only a link a reader follows may lead to another host"


def test_every_page_fits_a_360px_phone(record: Crawl) -> None:
    wide = {url: v.scroll_width for url, v in record.visits.items() if v.scroll_width > PHONE["width"]}
    assert wide == {}


def test_axe_finds_no_accessibility_violation(crawls: dict[str, Crawl]) -> None:
    assert AXE_JS.is_file(), (f"axe-core is missing at {AXE_JS}: 'make test' installs it (npm install --prefix "
                              ".cache/npm --no-save axe-core@<AXE_CORE_VERSION in the Makefile>)")
    record = crawls[AXE_MOUNT]
    checked = {url for url, v in record.visits.items() if v.axe is not None}
    assert {page_key(record.site.url + path) for path in PAGE_TYPES.values()} <= checked
    violations = {url.removeprefix(record.site.url): [f"{v['impact']}: {v['id']}: {v['help']}: {v['nodes']}" for v in visit.axe]
                  for url, visit in record.visits.items() if visit.axe}
    assert violations == {}


@pytest.mark.parametrize("path", [SEED_YEAR, JIANGSU_YEAR])
def test_a_department_year_prints_its_content_only_and_whole(browser: Any, served_sites: dict[str, ServedSite],
                                                            path: str) -> None:
    context = browser.new_context(viewport={"width": A4_TEXT_WIDTH, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.goto(served_sites["/budget/"].url + path)
    page.emulate_media(media="print")
    shown = page.evaluate("""() => Object.fromEntries(
        ['.skip-link', '.site-nav', '.site-search', '.breadcrumbs', '.toc', '.siblings', '.footer-links']
        .flatMap(s => [...document.querySelectorAll(s)].map(e => [s, getComputedStyle(e).display !== 'none'])))""")
    assert shown and not any(shown.values()), shown
    layout = page.evaluate("""() => ({
        page: document.documentElement.scrollWidth,
        clipped: [...document.querySelectorAll('.table-scroll, table, figure, main section')]
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.id || e.className),
        tables: document.querySelectorAll('table').length,
    })""")
    assert layout["tables"] > 5 and layout["clipped"] == [] and layout["page"] <= A4_TEXT_WIDTH, layout
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) > 3
    context.close()


def test_keyboard_focus_is_always_visible(browser: Any, served_sites: dict[str, ServedSite]) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(served_sites["/budget/"].url + SEED_YEAR)
    page.keyboard.press("Tab")
    skip = page.evaluate("""() => { const r = document.activeElement.getBoundingClientRect();
        return {text: document.activeElement.textContent, inside: r.left >= 0 && r.top >= 0 && r.right <= innerWidth}; }""")
    assert skip == {"text": "跳到正文", "inside": True}
    seen, unseen = 0, []
    for _ in range(500):  # every link, field, button and scrolling table of the page, in order
        page.keyboard.press("Tab")
        focus = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            return {what: e.tagName + ' ' + (e.getAttribute('href') || e.id || e.className),
                    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2}; }""")
        if focus["what"].startswith("BODY") or focus["what"] == "A #main":
            break  # through the page and out of it
        seen += 1
        if not focus["outline"]:
            unseen.append(focus["what"])
    assert seen > 50 and unseen == []
    context.close()
