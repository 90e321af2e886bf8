"""A comparison page in a real headless Chromium, on a 360 px phone, with the site under /budget/.

江苏省政协办公厅, 2017 → 2018, built from the real content: the page loads without a console
message, the summary is the first thing read, a folded passage opens (by keyboard), the
pair selector and the links to both years lead to their pages, and the downloads answer.
"""

from __future__ import annotations

from typing import Any

import pytest
from browserkit import ServedSite, browser, served_sites  # noqa: F401 - pytest fixtures

PAGE = "jiangsu/zhengxie-bangongting/compare/2017-2018/"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def site(served_sites: dict[str, ServedSite]) -> ServedSite:  # noqa: F811 - the fixture above
    return served_sites["/budget/"]


@pytest.fixture
def phone(browser: Any) -> Any:  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.messages = []  # console messages and script errors
    page.on("console", lambda m: page.messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: page.messages.append(f"error: {e}"))
    yield page
    context.close()


def test_a_comparison_page_on_a_phone(phone: Any, site: ServedSite) -> None:
    response = phone.goto(site.url + PAGE)
    assert response.status == 200
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing scrolls sideways

    # The summary comes first and is on screen without scrolling far.
    first = phone.locator(".summary-list li").first
    assert first.is_visible()
    assert first.inner_text().startswith("机关运行经费 减少 2,233.13 万元，下降 66.68%。")
    assert first.bounding_box()["y"] < 3 * PHONE["height"]

    # The figure the 2018 document explains, with its stated change beside the computed one.
    running = phone.locator('tr.figure[data-key="收支.机关运行经费.合计"]')
    running.scroll_into_view_if_needed()
    assert running.is_visible() and "减少 2,233.13" in running.inner_text()
    assert "66.69%" in phone.locator('tr.figure[data-key="收支.机关运行经费.合计"] + tr.stated-row').inner_text()

    # A folded passage of unchanged text opens from the keyboard, and shows its text.
    fold = phone.locator("details.fold").first
    hidden = fold.locator(".fold-text")
    assert not hidden.is_visible()
    fold.locator("summary").focus()
    phone.keyboard.press("Enter")
    assert hidden.is_visible() and len(hidden.inner_text()) > 20
    assert fold.get_attribute("open") is not None

    # The downloads answer, with their types.
    for link, kind in (("comparison.json", "application/json"), ("comparison.csv", "text/csv")):
        answer = phone.request.get(site.url + PAGE + link)
        assert answer.status == 200 and answer.headers["content-type"].startswith(kind)
    assert phone.request.get(site.url + PAGE + "comparison.csv").body().startswith(b"\xef\xbb\xbf")

    # The pair selector opens without a script and leads to another pair.
    phone.locator(".pair-selector summary").click()
    phone.locator(".pair-selector a", has_text="2019年预算").first.click()
    phone.wait_for_load_state()
    assert phone.url == site.url + "jiangsu/zhengxie-bangongting/compare/2017-2019/index.html"
    assert phone.locator("h1").inner_text() == "江苏省政协办公厅：2017年预算与2019年预算比较"
    phone.go_back()

    # Both years are one click away, and each links back to the comparison.
    for label, year in (("2017年预算", "2017"), ("2018年预算", "2018")):
        phone.locator(".facts a", has_text=label).click()
        phone.wait_for_load_state()
        assert phone.url == site.url + f"jiangsu/zhengxie-bangongting/{year}/index.html"
        assert phone.locator("h1").inner_text() == f"江苏省政协办公厅 {year}年部门预算"
        back = phone.locator("nav[aria-label='年度比较'] a", has_text="比较").first
        assert back.is_visible()
        phone.go_back()
        phone.wait_for_load_state()

    assert phone.messages == []


def test_a_statement_rounded_to_万元_beside_its_figure(phone: Any, site: ServedSite) -> None:
    """万里街道 2024 → 2025: the text's 18,976.76 万元 (增加 3,355.65 万元) stands under the table's
    189,767,551 元, and the page says the stated increase is off by its last digit, by rounding."""
    response = phone.goto(site.url + "shanghai/putuo/wanli-jiedao/compare/2024-2025/")
    assert response.status == 200
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    figure = phone.locator('tr.figure[data-key="收支.收入.财政拨款收入"]')
    figure.scroll_into_view_if_needed()
    assert figure.is_visible() and "增加 33,556,428.00" in figure.inner_text()
    stated = phone.locator('tr.figure[data-key="收支.收入.财政拨款收入"] + tr.stated-row').inner_text()
    assert "增加 33,556,500.00 元" in stated and "原因：项目调整" in stated
    assert "按两年文件的数字计算为 33,556,428 元（按文件的精度相差一个尾数" in stated
    # three 三公 statements agree with the figures: no 核对 note under them
    assert "核对" not in phone.locator('tr.figure[data-key="三公.合计"] + tr.stated-row').inner_text()
    assert phone.messages == []
