"""What a reader sees first, in headless Chromium: the answer on the first screen of a phone and a desktop.

Every department-year of ``content/`` is opened at 390 × 844 (a phone) and 1366 × 768 (a
laptop). Its 支出合计 and “三公”经费 total must be inside that first screen, each with its
unit, and read exactly as the YAML writes them: the expected text is made here from the
file's own text (a regular expression, grouped by hand), not by the site's formatter.
"""

from __future__ import annotations

import hashlib
import re
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

import pytest
from browserkit import REPO, ServedSite, browser, served_sites  # noqa: F401 - pytest fixtures

SCREENS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}
YEARS = sorted((REPO / "content").rglob("*.yaml"))


def page_of(path: Path) -> str:
    rel = path.relative_to(REPO / "content")
    return "/".join(rel.parts[:-1]) + f"/{rel.stem}/index.html"


def section(text: str, key: str) -> str:
    """The lines of a top-level YAML section (``收支: …`` up to the next top-level key)."""
    found = re.search(rf"(?ms)^{key}:(.*?)(?=^[^\s#])", text + "\nend:")
    assert found, key
    return found.group(1)


def expected(text: str, key: str, field: str) -> str:
    """What the page must show for ``field`` of section ``key``: the amount grouped with its unit, or the status."""
    body = section(text, key)
    if body.strip() in ("未公开", "无", "未收录"):
        return body.strip()
    status = re.search(r"(?m)^  状态: (\S+)\s*$", body)
    if status and status.group(1) != "已公开":
        return status.group(1)
    value = re.search(rf"(?m)^  {field}: ([0-9.]+)\s*$", body)
    if value is None and key == "收支" and field == "支出合计":  # a 决算: the year's own, from its 收入支出决算总表
        value = re.search(r"(?m)^      本年支出合计: ([0-9.]+)\s*$", body)
    assert value, (key, field)
    unit = re.search(r"(?m)^  金额单位: (\S+)", text).group(1)  # type: ignore[union-attr]
    return f"{Decimal(value.group(1)):,f} {unit}"


@pytest.mark.parametrize("screen", SCREENS)
def test_the_first_screen_of_every_department_year_shows_the_total_and_the_three_costs(
        browser: Any, served_sites: dict[str, ServedSite], screen: str) -> None:
    site = served_sites["/budget/"]
    context = browser.new_context(viewport=SCREENS[screen], locale="zh-CN")
    page = context.new_page()
    height = SCREENS[screen]["height"]
    seen = {}
    assert len(YEARS) >= 10
    for path in YEARS:
        text = path.read_text(encoding="utf-8")
        page.goto(site.url + page_of(path))
        shown = page.evaluate("""() => Object.fromEntries(['summary-expenditure', 'summary-sangong'].map(id => {
            const e = document.getElementById(id); if (!e) return [id, null];
            const r = e.getBoundingClientRect();
            return [id, {text: e.innerText.replace(/\\s+/g, ' '), top: r.top, bottom: r.bottom, left: r.left, right: r.right}];
        }))""")
        for key, field, id in (("收支", "支出合计", "summary-expenditure"), ("三公", "合计", "summary-sangong")):
            box = shown[id]
            want = expected(text, key, field)
            assert box is not None, (path, id)
            assert want in box["text"], (path, id, want, box["text"])
            assert 0 <= box["top"] and box["bottom"] <= height and box["right"] <= SCREENS[screen]["width"], (path, id, box)
            seen[(str(path), id)] = want
    context.close()
    assert "13,377.11 万元" in seen.values() and "3,828,602.02 元" in seen.values() and "未收录" in seen.values()
    assert "2,940.05 万元" in seen.values() and "无" in seen.values()  # a 决算; its 三公 disclosed as none


def test_the_summary_states_the_change_from_the_previous_year_and_links_to_the_comparison(
        browser: Any, served_sites: dict[str, ServedSite]) -> None:
    site = served_sites["/budget/"]
    context = browser.new_context(viewport=SCREENS["phone"], locale="zh-CN")
    page = context.new_page()
    page.goto(site.url + "jiangsu/zhengxie-bangongting/2019/index.html")
    # 2019: 支出合计 13,377.11, 基本支出 6,522.75; 2018: 10,150.48 and 5,678.17 (content/…/2018.yaml).
    # 13,377.11 − 10,150.48 = 3,226.63, which the 2019 document states too (增减率 31.79%); 3,226.63 / 10,150.48 = 31.8%.
    # 6,522.75 / 13,377.11 = 48.8%; 6,522.75 − 5,678.17 = 844.58; 844.58 / 5,678.17 = 14.9%.
    total = page.locator("#summary-expenditure").inner_text()
    basic = page.locator("#summary-basic").inner_text()
    assert "比2018年预算 +3,226.63 万元（+31.8%）" in total.replace("\n", " ")
    assert "占支出合计 48.8%" in basic and "+844.58 万元（+14.9%）" in basic
    page.locator("#summary-expenditure a.key-change").click()
    assert page.url.endswith("jiangsu/zhengxie-bangongting/compare/2018-2019/index.html")
    page.goto(site.url + "jiangsu/zhengxie-bangongting/2017/index.html")
    assert page.locator("#summary-expenditure .key-change").count() == 0  # the first year has nothing to compare with
    context.close()


def test_the_composition_chart_is_an_image_with_its_figures_in_words_and_in_a_table(
        browser: Any, served_sites: dict[str, ServedSite]) -> None:
    site = served_sites["/budget/"]
    context = browser.new_context(viewport=SCREENS["phone"], locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + "jiangsu/zhengxie-bangongting/2019/index.html")
    svg = page.locator("#summary svg#chart-function, #summary svg[aria-labelledby^='chart-function']").first
    assert svg.get_attribute("role") == "img"
    desc = page.locator("#chart-function-desc").text_content()
    # 收支总表's 功能分类 in 2019: 一般公共服务 10,271.56, 住房保障 2,247.04, 社会保障和就业 858.51 (sum 13,377.11):
    # 10,271.56 / 13,377.11 = 76.8%, 2,247.04 / 13,377.11 = 16.8%, 858.51 / 13,377.11 = 6.4%.
    assert "一般公共服务支出（76.8%）：10,271.56 万元" in desc and "社会保障和就业支出（6.4%）：858.51 万元" in desc
    rows = page.locator("#composition-function tbody th").all_text_contents()
    assert rows == ["一般公共服务支出", "住房保障支出", "社会保障和就业支出"]
    context.close()


def test_duties_open_with_their_first_paragraph_and_unfold(browser: Any, served_sites: dict[str, ServedSite]) -> None:
    site = served_sites["/budget/"]
    context = browser.new_context(viewport=SCREENS["phone"], locale="zh-CN")
    page = context.new_page()
    page.goto(site.url + "jiangsu/zhengxie-bangongting/2019/index.html")
    duties = page.locator("#duties")
    height = duties.evaluate("e => e.getBoundingClientRect().height")
    assert height < 844 * 1.5, height  # the unfolded section was eight phone screens
    more = duties.locator("details.duties-more")
    assert not more.evaluate("e => e.open")
    more.locator("summary").click()
    assert duties.evaluate("e => e.getBoundingClientRect().height") > 4 * height
    assert duties.get_by_text("精心组织政治协商").is_visible()
    context.close()


PHONE_COLUMNS = (  # (page, cells of the column a reader comes for, how many at least)
    ("scorecard/index.html", "#scorecard-table tbody td:nth-child(3)", 10),
    ("hebei/qinhuangdao/shanhaiguan/xinfang/2020/index.html", "#project-1-indicators td[data-label='指标值']", 6),
    ("jiangsu/zhengxie-bangongting/2019/index.html", "#finance-changes td[data-label='增减额']:not(.blank)", 5),
    ("jiangsu/zhengxie-bangongting/2019/index.html", "#finance-changes td[data-label='增减率']:not(.blank)", 5),
    ("jiangsu/zhengxie-bangongting/index.html", "#trend td[data-label='“三公”经费']", 3),
)


@pytest.mark.parametrize(("path", "cells", "least"), PHONE_COLUMNS)
def test_on_a_phone_the_column_a_reader_came_for_needs_no_sideways_scrolling(
        browser: Any, served_sites: dict[str, ServedSite], path: str, cells: str, least: int) -> None:
    context = browser.new_context(viewport=SCREENS["phone"], locale="zh-CN")
    page = context.new_page()
    page.goto(served_sites["/budget/"].url + path)
    boxes = page.evaluate("""(selector) => [...document.querySelectorAll(selector)].map(e => {
        const r = e.getBoundingClientRect();
        return {text: e.textContent, left: r.left, right: r.right, width: r.width};
    })""", cells)
    assert len(boxes) >= least, boxes
    outside = [b for b in boxes if b["width"] == 0 or b["left"] < 0 or b["right"] > SCREENS["phone"]["width"]]
    assert outside == []
    if path == "scorecard/index.html":  # 得分, with the figures that make it: '100.0', '94.0', …
        assert all(re.fullmatch(r"\d+\.\d", b["text"]) for b in boxes)
    context.close()


def test_no_page_asks_for_a_mouse(served_sites: dict[str, ServedSite]) -> None:
    output = served_sites["/budget/"].output
    pages = list(output.rglob("*.html"))
    assert len(pages) > 30
    assert [p for p in pages if re.search("鼠标(停|悬停)", p.read_text(encoding="utf-8"))] == []


def test_a_lines_permalink_opens_its_history_with_every_years_figure(
        browser: Any, served_sites: dict[str, ServedSite]) -> None:
    site = served_sites["/budget/"]
    context = browser.new_context(viewport=SCREENS["laptop"], locale="zh-CN")
    page = context.new_page()
    page.goto(site.url + "jiangsu/zhengxie-bangongting/2019/index.html")
    # 2010201 行政运行 in 财政拨款支出预算表 (content/jiangsu/zhengxie-bangongting/201[789].yaml): 3,233.03,
    # 4,432.78 and 5,223.22 万元; the 2019 document states its change: 增加 790.44 (17.83%), 政策性增资…
    row = page.locator("tr[id='line-财政拨款支出预算表-2010201']")
    assert "5,223.22" in row.inner_text()
    row.locator("a.permalink").click()
    assert unquote(page.url).endswith("jiangsu/zhengxie-bangongting/lines/index.html#line-财政拨款支出预算表-2010201")
    line = page.locator("article[id='line-财政拨款支出预算表-2010201']")
    assert line.is_visible() and line.evaluate("e => e.getBoundingClientRect().top") < 100
    years = [r.replace("\t", " ").split() for r in line.locator("tbody tr").all_inner_texts()]
    assert [y[:2] for y in years] == [["2017年预算", "3,233.03"], ["2018年预算", "4,432.78"], ["2019年预算", "5,223.22"]]
    assert "增加 790.44 万元（17.83%） 政策性增资" in " ".join(years[2])
    assert line.locator("svg[role='img']").count() == 1
    # and back: each year links to its row
    line.get_by_role("link", name="2018年预算").click()
    assert unquote(page.url).endswith("jiangsu/zhengxie-bangongting/2018/index.html#line-财政拨款支出预算表-2010201")
    assert "4,432.78" in page.locator("tr[id='line-财政拨款支出预算表-2010201']").inner_text()
    # a “三公” item: 因公出国（境）费 76.00, 106.00, 106.00 万元
    page.goto(site.url + "jiangsu/zhengxie-bangongting/2019/index.html#sangong")
    page.locator("tr[id='line-三公-abroad'] a.permalink").click()
    abroad = page.locator("article[id='line-三公-abroad'] tbody tr").all_inner_texts()
    assert [r.split("\t")[1].split() for r in abroad] == [["76.00", "万元"], ["106.00", "万元"], ["106.00", "万元"]]  # the unit hidden
    context.close()


def test_each_jiangsu_year_publishes_its_source_pdfs_with_size_and_sha256(
        browser: Any, served_sites: dict[str, ServedSite]) -> None:
    site = served_sites["/budget/"]
    context = browser.new_context(viewport=SCREENS["phone"], locale="zh-CN")
    page = context.new_page()
    pdfs = sorted((REPO / "content" / "jiangsu").rglob("*.pdf"))
    assert len(pdfs) == 12  # two departments, three years, a report and its tables each
    for pdf in pdfs:
        year = pdf.name.split("-")[0]
        page.goto(site.url + "/".join(pdf.relative_to(REPO / "content").parts[:-1]) + f"/{year}/index.html#sources")
        data = pdf.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        item = page.locator("#sources li", has_text=digest)
        assert item.count() == 1, (pdf, digest)
        link = item.get_by_role("link", name=re.compile("打开原文"))
        size = f"{len(data) / 1024:.1f} KB"  # e.g. 734,190 bytes = 717.0 KB (1 KB = 1,024 bytes)
        assert f"（PDF，{size}）" in link.inner_text(), (pdf, size)
        with urllib.request.urlopen(urljoin(page.url, link.get_attribute("href")), timeout=10) as response:
            assert response.read() == data
    context.close()


DARK_PAGES = ("jiangsu/zhengxie-bangongting/2019/index.html", "hebei/qinhuangdao/shanhaiguan/xinfang/2020/index.html",
              "hebei/chengde/chengde-xian/xinfang/2021/index.html", "jiangsu/zhengxie-bangongting/compare/2018-2019/index.html",
              "jiangsu/zhengxie-bangongting/lines/index.html", "glossary/index.html", "scorecard/index.html",
              "search/index.html?q=公务接待费")


def test_dark_mode_follows_the_system_and_keeps_every_contrast(browser: Any, served_sites: dict[str, ServedSite]) -> None:
    from browserkit import AXE_JS

    assert AXE_JS.is_file()
    site = served_sites["/budget/"]
    context = browser.new_context(viewport=SCREENS["laptop"], locale="zh-CN", color_scheme="dark")
    page = context.new_page()
    found = {}
    for path in DARK_PAGES:
        page.goto(site.url + path)
        if "search/" in path:
            page.wait_for_function("document.querySelector('[data-search-status]').textContent.length > 0")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(18, 20, 23)"
        page.add_script_tag(path=str(AXE_JS))
        found[path] = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))""")
    context.close()
    assert found == {path: [] for path in DARK_PAGES}


def test_a_long_table_keeps_its_header_row_in_view(browser: Any, served_sites: dict[str, ServedSite]) -> None:
    context = browser.new_context(viewport=SCREENS["laptop"], locale="zh-CN")
    page = context.new_page()
    page.goto(served_sites["/budget/"].url + "jiangsu/zhengxie-bangongting/2019/index.html")
    box = page.locator(".table-scroll.long").first
    assert box.locator("tbody tr").count() > 20
    box.scroll_into_view_if_needed()
    box.evaluate("e => e.scrollTop = 400")
    where = box.evaluate("""e => ({box: e.getBoundingClientRect().top, head: e.querySelector('thead th').getBoundingClientRect().top,
                                   first: e.querySelector('tbody tr').getBoundingClientRect().bottom, scrolled: e.scrollTop})""")
    assert where["scrolled"] > 200 and abs(where["head"] - where["box"]) < 2 and where["first"] < where["box"], where
    context.close()


def test_after_a_search_the_keyboard_is_at_the_results(browser: Any, served_sites: dict[str, ServedSite]) -> None:
    context = browser.new_context(viewport=SCREENS["phone"], locale="zh-CN")
    page = context.new_page()
    page.goto(served_sites["/budget/"].url + "jiangsu/zhengxie-bangongting/2019/index.html")
    page.fill("#site-search-q", "公务接待费")
    page.press("#site-search-q", "Enter")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent.includes('找到')")
    page.wait_for_function("document.activeElement.id === 'results-title'")
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('[data-search-results]')")  # not one of the filters
    page.fill("#search-q", "信访")
    page.press("#search-q", "Enter")
    page.wait_for_function("document.activeElement.id === 'results-title'")
    context.close()


def test_a_renumbered_line_is_followed_and_its_old_permalink_still_opens_it(
        browser: Any, served_sites: dict[str, ServedSite]) -> None:
    # 江苏省委办公厅's 财政拨款基本支出预算表: 住房公积金 is 30311 in 2017 (621.28 万元) and 30113 from 2018 (715.28,
    # then 965.87), whose row says 上年编码: "30311" (content/jiangsu/shengwei-bangongting/201[789].yaml).
    context = browser.new_context(viewport=SCREENS["laptop"], locale="zh-CN")
    page = context.new_page()
    page.goto(served_sites["/budget/"].url + "jiangsu/shengwei-bangongting/2017/index.html")
    page.locator("tr[id='line-财政拨款基本支出预算表-30311'] a.permalink").click()
    assert unquote(page.url).endswith("lines/index.html#line-财政拨款基本支出预算表-30311")
    line = page.locator("article[id='line-财政拨款基本支出预算表-30113']")
    assert line.evaluate("e => Math.abs(e.getBoundingClientRect().top) < 60")  # the old anchor sits at its top
    years = [r.split()[:2] for r in line.locator("tbody tr").all_inner_texts()]  # each figure's unit, hidden, follows
    assert years == [["2017年预算", "621.28"], ["2018年预算", "715.28"], ["2019年预算", "965.87"]]
    assert page.locator("[id='line-财政拨款基本支出预算表-30311']").count() == 1  # one line, not a second 不再列出 one
    context.close()
