"""The search index: segmentation of the indexed copy, and running Pagefind over a site.

Pages here are fictitious (虚构) and tiny; test_search_quality.py measures the search itself.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from site_builder.search import index as search
from site_builder.problems import Reporter
from site_builder.search.index import index_site
from site_builder.site.render import region_levels
from site_builder.search import segment, shards
from site_builder.search.segment import (BOUNDARY, drop_ignored, drop_outside_body, drop_unread_attributes,
                                          segment_html, segment_text)

B = BOUNDARY

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>虚构局</title>
<meta data-pagefind-filter="年度[content]" content="2020"></head>
<body><header>导航</header><main data-pagefind-body>
<h1>虚构县示例局（虚构）</h1>
<section id="sangong"><h2 id="sangong-title">三公</h2><p>严格落实中央八项规定精神。</p></section>
</main></body></html>
"""


def test_each_chinese_character_is_a_word_and_punctuation_stays_attached() -> None:
    assert segment_text("八项规定") == " 八 项 规 定"
    assert segment_text("因公出国（境）费19,950.50元") == " 因 公 出 国（ 境） 费 19,950.50 元"
    assert segment_text("2020年GDP") == "2020 年 GDP"
    # Punctuation after a character, then a number: the number is a word of its own (厅 is found in 办公厅：2017).
    assert segment_text("政协办公厅：2017年") == " 政 协 办 公 厅： 2017 年"


def test_original_spaces_become_boundary_words() -> None:
    assert segment_text("北戴河 维稳") == f" 北 戴 河 {B}  维 稳"
    assert segment_text("a\u3000b\nc") == f"a {B} b {B} c"


def test_html_keeps_tags_and_attributes_and_leaves_scripts_alone() -> None:
    html = ('<p class="x" title="八项">八项 &amp; <b>规定</b></p><script>var s = "八项";</script>'
            '<span data-pagefind-filter="部门:信访局">局</span>')
    out = segment_html(html)
    assert out.startswith(f'<p class="x" title="八项"> 八 项 {B} &amp; {B} <b> 规 定</b> {B} </p>')
    assert '<script>var s = "八项";</script>' in out
    assert '<span data-pagefind-filter="部门:信访局"> 局</span>' in out


def test_block_tags_are_fenced_so_that_cells_never_join() -> None:
    out = segment_html("<tr><td>公务</td><td>接待费</td></tr>")
    assert out == f"<tr><td> 公 务 {B} </td><td> · {B} 接 待 费 {B} </td></tr>"


@pytest.mark.parametrize("script", ["", "<script>var s = 1;</script>"], ids=["run-by-run", "tag-by-tag"])
def test_cells_of_a_row_are_separated_where_they_hold_text(script: str) -> None:
    """Walked a run of tags at a time, and tag by tag (a page with a script): the same words."""
    out = segment_html("<caption>表</caption><tr><th>甲</th><td></td><td><span>1</span>0 <i>元</i></td></tr>\n"
                       f"<tr><td>乙</td><td>丁</td></tr>\n <p>丙</p>{script}")
    assert out == (f"<caption> 表 {B} </caption><tr><th> 甲 {B} </th><td></td><td><span> · {B} 1</span>0 {B} <i> 元</i>"
                   f" {B} </td></tr> <tr><td> 乙 {B} </td><td> · {B} 丁 {B} </td></tr> <p> 丙 {B} </p>{script}")


def test_a_run_of_boundaries_is_one_word() -> None:
    out = segment_html("<table>\n  <tr>\n    <td>甲</td>\n    <td>乙</td>\n  </tr>\n</table>")
    assert out.count(B) == 3  # one between the cells, one after the separator, one after the last


def test_region_levels() -> None:
    assert region_levels("河北省 秦皇岛市 山海关区") == ["河北省", "河北省 秦皇岛市", "河北省 秦皇岛市 山海关区"]
    assert region_levels("") == []


def write_site(root: Path) -> Path:
    """Two pages with several filters each: Pagefind writes filters in a random order."""
    for n, rel in enumerate(("a/index.html", "b/index.html")):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        metas = "".join(f'<meta data-pagefind-filter="{key}[content]" content="{key}{n}{i}">'
                        for key in ("甲", "乙", "丙", "丁", "戊", "己") for i in range(3))
        page = PAGE.replace("虚构县", "虚构县" + rel[0]).replace("</head>", metas + "</head>")
        (root / rel).write_text(page, encoding="utf-8")
    return root


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_index_site_writes_the_bundle_once_over_the_folder_and_leaves_pages_alone(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site")
    before = (site / "a/index.html").read_bytes()
    reporter = Reporter()
    result = index_site(site, reporter)
    assert reporter.problems == []
    assert result is not None and result.pages == 2
    bundle = site / "pagefind"
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-entry.json").is_file()
    assert not (bundle / "pagefind-ui.js").exists()  # Pagefind's own interface is not shipped
    assert (site / "a/index.html").read_bytes() == before


def test_index_is_byte_identical_when_built_again(tmp_path: Path) -> None:
    sites = [write_site(tmp_path / name) for name in ("one", "two", "three", "four")]
    for site in sites:
        assert index_site(site, Reporter())
    first = digest(sites[0] / "pagefind")
    assert all(digest(site / "pagefind") == first for site in sites[1:])
    assert len([name for name in first if name.startswith("filter/")]) == 7  # 年度 and the six above


def test_a_failing_pagefind_is_reported_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: the disk is on fire' >&2\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(search, "pagefind_binary", lambda: fake)
    reporter = Reporter()
    assert index_site(write_site(tmp_path / "site"), reporter, name="output") is None
    assert [str(p) for p in reporter.errors] == [
        "output:1: search: could not build the search index: Pagefind exited with status 3: Error: the disk is on fire"]


def test_a_missing_or_wrong_pagefind_is_reported_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'pagefind 0.12.0'\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)

    class FakePackage:
        @staticmethod
        def get_executable() -> Path:
            return fake

    monkeypatch.setitem(__import__("sys").modules, "pagefind_bin", FakePackage)
    reporter = Reporter()
    assert index_site(write_site(tmp_path / "site"), reporter, name="output") is None
    assert str(reporter.errors[0]) == (
        "output:1: search: could not build the search index: Pagefind 0.12.0 is installed, but the search was built "
        "and measured with 1.5.2: pip install 'pagefind-bin==1.5.2'")


def test_shards_hold_whole_departments_and_stay_put_when_another_department_changes() -> None:
    def site(sizes: dict[str, int]) -> list[str]:
        return sorted(f"r/{dept}/{year}/index.html" for dept, n in sizes.items() for year in range(2000, 2000 + n))

    def department(rel: str) -> str:
        return rel.rsplit("/", 2)[0]

    sizes = {f"dept{i:02}": 3 + i % 5 for i in range(40)}  # 40 departments of 3 to 7 pages: 200 pages
    before = search.assign_shards(site(sizes), department, 20)
    pages = [rel for _, shard in before for rel in shard]
    assert sorted(pages) == site(sizes) and len(pages) == 200  # each page in exactly one shard
    assert all(len(shard) <= 20 for _, shard in before) and len(before) >= 10
    for dept in sizes:  # a department's pages are never split across shards
        assert len({label for label, shard in before if any(department(p) == f"r/{dept}" for p in shard)}) == 1
    assert search.assign_shards(site(sizes), department, 20) == before  # deterministic

    for edit in ({**sizes, "dept07": 1}, {**sizes, "dept07": 15}, {k: v for k, v in sizes.items() if k != "dept07"},
                 {**sizes, "new": 6}):
        after = search.assign_shards(site(edit), department, 20)
        changed = [shard for shard in before if shard not in after]
        # Only the shard of the department that changed is re-indexed (split or merged with its twin at most).
        assert 1 <= len(changed) <= 2, edit
        new = [label for label, shard in after if (label, shard) not in before]
        common = min([label for label, _ in changed], key=len)[:-1]  # the changed shard's range, or its twin's too
        assert new and all(label.startswith(common) for label in new), edit


def test_a_shard_takes_exactly_its_pages_from_the_copy_whole_departments_in_one_move(tmp_path: Path,
                                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pages = ["r/a/2020/index.html", "r/a/2021/index.html", "r/a/index.html",  # a department: moved whole
             "r/b/2020/index.html", "r/b/2021/index.html",  # a department with a page in another shard
             "r/c/2020/index.html", "r/c/d/2020/index.html",  # a department inside another one
             "r/index.html", "glossary/index.html"]  # pages of no department
    departments = frozenset({"r/a", "r/b", "r/c", "r/c/d"})
    copy, folder = tmp_path / "copy", tmp_path / "shard"
    for rel in pages:
        (copy / rel).parent.mkdir(parents=True, exist_ok=True)
        (copy / rel).write_text(rel)
    shard = [rel for rel in pages if rel != "r/b/2021/index.html"]
    whole = search.whole_departments(pages, departments, search.department_of(departments))(shard)
    assert whole == {**{rel: "r/a" for rel in pages[:3]}, "r/c/d/2020/index.html": "r/c/d"}
    renamed: list[str] = []
    rename = os.rename
    monkeypatch.setattr(shards.os, "rename", lambda old, new: renamed.append(os.path.relpath(old, copy)) or rename(old, new))
    search.move_shard(copy, folder, shard, whole)
    # one rename for each whole department, one a page else
    assert sorted(renamed) == sorted(["r/a", "r/c/d", "r/b/2020/index.html", "r/c/2020/index.html", "r/index.html",
                                      "glossary/index.html"])
    moved = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    assert moved == sorted(shard) and all((folder / rel).read_text() == rel for rel in shard)
    assert sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*.html")) == ["r/b/2021/index.html"]


def test_what_pagefind_ignores_is_left_out_of_the_segmented_copy() -> None:
    html = ('<p>甲</p><section id="x" data-pagefind-ignore><section>乙<br></section><h2 id="y">丙</h2></section>'
            '<p>丁</p><span data-pagefind-ignore>戊</span>己<img data-pagefind-ignore alt="庚"><p title="data-pagefind-ignore">辛</p>')
    assert drop_ignored(html) == ('<p>甲</p><section id="x" data-pagefind-ignore></section><p>丁</p>'
                                  '<span data-pagefind-ignore></span>己<img data-pagefind-ignore alt="庚">'
                                  '<p title="data-pagefind-ignore">辛</p>')
    assert "乙" not in segment_html(html) and " 辛" in segment_html(html)
    assert drop_ignored('<div data-pagefind-ignore><p>未闭合') == '<div data-pagefind-ignore><p>未闭合'


# A page as base.html lays it out (虚构): what Pagefind indexes is <main>; around it a header with a form and an
# input with an id, breadcrumbs, a footer. Inside: headings with ids, a table, a chart with a <title>, a permalink
# that is ignored, classes and ARIA everywhere.
FULL_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>虚构县示例局 2020年预算 · 虚构预算公开</title>
<meta name="description" content="部门预算">
<link rel="stylesheet" href="../static/site.css">
<meta data-pagefind-filter="年度[content]" content="2020">
<meta data-pagefind-filter="地区[content]" content="虚构省 虚构县">
</head>
<body>
<a class="skip-link" href="#main">跳到正文</a>
<header class="site-header"><div class="wrap"><a class="site-title" href="../">虚构预算公开</a>
<nav class="site-nav" aria-label="网站导航"><ul><li><a href="../">首页</a></li></ul></nav>
<form class="site-search" role="search" action="../search/" method="get">
<label for="site-search-q" class="visually-hidden">搜索全站</label>
<input id="site-search-q" type="search" name="q" placeholder="搜索项目"><button type="submit">搜索</button></form>
</div></header>
<nav class="breadcrumbs wrap" aria-label="位置"><ol><li><a href="../">首页</a></li><li aria-current="page">示例局</li></ol></nav>
<main id="main" class="wrap" tabindex="-1" data-pagefind-body>
<div class="page-head"><p class="eyebrow">虚构省 虚构县</p><h1>虚构县示例局（虚构） 2020年部门预算</h1></div>
<section id="sangong" aria-labelledby="sangong-title"><h2 id="sangong-title">“三公”经费 <a class="permalink" data-pagefind-ignore href="#sangong">#</a></h2>
<p class="summary-sentence">严格落实中央八项规定精神，公务接待费 10 元。</p>
<figure class="chart-figure"><figcaption><strong>支出结构</strong></figcaption>
<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 340 140" role="img"><title id="chart-title">支出结构，共 30 元</title>
<text class="chart-label" x="0" y="15">公务接待费</text><rect class="chart-bar" x="0" y="21" width="230.0" height="16"/></svg></figure>
<table id="sangong-table" class="figures"><caption id="sangong-caption">“三公”经费 <span class="unit">单位：元</span></caption>
<tr><th scope="row">公务接待费</th><td class="num"><data value="10" title="10 元">10</data><span class="visually-hidden unit"> 元</span></td></tr>
<tr><th scope="row">合计</th><td class="num"><data value="30">30</data></td></tr></table>
</section>
</main>
<footer class="site-footer"><div class="wrap"><p class="footer-links"><a href="../about/">关于数据</a> · <a href="../glossary/">名词解释</a></p></div></footer>
</body>
</html>
"""


def test_what_lies_outside_the_indexed_element_is_left_out_of_the_segmented_copy() -> None:
    lean = drop_outside_body(FULL_PAGE)
    assert "网站导航" not in lean and "site-search-q" not in lean and "关于数据" not in lean  # header, form, footer
    assert lean.startswith(FULL_PAGE[:FULL_PAGE.index("<body>") + 6])  # the head as it was: title, filters
    main = FULL_PAGE[FULL_PAGE.index("<main"):FULL_PAGE.index("</main>") + 7]
    assert main in lean and lean.endswith("</body>\n</html>\n")
    # Kept: a stretch that holds what Pagefind reads anywhere (an h1 is a result's title; a filter).
    header_h1 = FULL_PAGE.replace('<a class="site-title" href="../">虚构预算公开</a>', "<h1>虚构预算公开</h1>")
    assert "<h1>虚构预算公开</h1>" in drop_outside_body(header_h1) and "关于数据" not in drop_outside_body(header_h1)
    footer_filter = FULL_PAGE.replace("<footer", '<footer data-pagefind-filter="甲:乙"')
    assert "关于数据" in drop_outside_body(footer_filter) and "网站导航" not in drop_outside_body(footer_filter)
    # Kept whole: a page marked twice, and one whose marked element is not a block.
    for kept in (FULL_PAGE.replace('<div class="wrap">', '<div class="wrap" data-pagefind-body>', 1),
                 FULL_PAGE.replace("<main", "<span").replace("</main>", "</span>")):
        assert drop_outside_body(kept) == kept


def test_attributes_pagefind_does_not_read_are_left_out_of_the_segmented_copy() -> None:
    lean = drop_unread_attributes(FULL_PAGE)
    for gone in ('class="', 'aria-labelledby="', 'scope="', 'title="10 元"', 'viewBox="', 'tabindex="'):
        assert gone not in lean, gone
    for kept in ('<html lang="zh-CN">', '<meta data-pagefind-filter="年度[content]" content="2020">',
                 '<main id="main" data-pagefind-body>', '<h2 id="sangong-title">', '<input id="site-search-q">',
                 '<a data-pagefind-ignore href="#sangong">', "<td><data>10</data>", '<rect/>'):
        assert kept in lean, kept
    # Left as they are: a page with a script, with a single-quoted attribute, or whose filter names an attribute.
    for kept in (FULL_PAGE.replace("</body>", "<script>var a = 1;</script></body>"),
                 FULL_PAGE.replace('class="eyebrow"', "class='eyebrow'"),
                 FULL_PAGE.replace('data-pagefind-filter="年度[content]"', 'data-pagefind-filter="年度[title]" title="2020"')):
        assert drop_unread_attributes(kept) == kept


@pytest.mark.parametrize("page", [FULL_PAGE, FULL_PAGE.replace('<a class="site-title" href="../">虚构预算公开</a>',
                                                               '<h1 class="site-title">虚构预算公开</h1>')],
                         ids=["page", "h1-in-header"])
def test_the_lean_copy_gives_pagefind_the_very_index_the_whole_page_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    """Real Pagefind over the segmented copy as we make it, and over the whole page segmented: the same bundle,
    byte for byte (the title, the filters, every anchor with its text and place, every word)."""
    bundles, sizes = [], []
    for lean in (True, False):
        site = tmp_path / ("lean" if lean else "whole")
        (site / "a").mkdir(parents=True)
        (site / "a/index.html").write_text(page, encoding="utf-8")
        (site / "b").mkdir()
        (site / "b/index.html").write_text(PAGE, encoding="utf-8")
        if not lean:
            monkeypatch.setattr(segment, "drop_outside_body", lambda document: document)
            monkeypatch.setattr(segment, "attributes_droppable", lambda document: False)
        assert index_site(site, Reporter()) is not None
        bundles.append(digest(site / "pagefind"))
        sizes.append(len(segment_html(page)))
    assert bundles[0] == bundles[1]
    assert sizes[0] < sizes[1] * 0.7


def test_every_page_of_a_department_is_told_to_be_its_own() -> None:
    files = ("index.html", "data/catalog.json", "glossary/index.html", "r/index.html", "r/dept/index.html",
             "r/dept/2020/index.html", "r/dept/2020/data/figures.csv", "r/dept/2021/index.html",
             "r/dept/2021/data/figures.csv", "r/dept/compare/2020-2021/index.html", "r/dept/lines/index.html")
    assert search.department_folders(files) == {"r/dept"}  # not "" (data/ of the site) nor "r"
    department = search.department_of(search.department_folders(files))
    assert {rel: department(rel) for rel in ("index.html", "glossary/index.html", "r/index.html")} == {
        "index.html": "", "glossary/index.html": "glossary", "r/index.html": "r"}
    for rel in ("r/dept/index.html", "r/dept/2020/index.html", "r/dept/compare/2020-2021/index.html",
                "r/dept/lines/index.html"):
        assert department(rel) == "r/dept", rel


def test_an_excerpt_from_a_table_reads_as_rows_with_separators_and_units(tmp_path: Path) -> None:
    """A real search (Pagefind's index, search-core.js, in Node) on a fictitious (虚构) department-year:
    the excerpt of a table row shows its cells apart and each amount with its unit."""
    from buildkit import build
    from sitekit import MINIMAL, MINIMAL_PATH, write_tree
    from test_search_quality import run_queries

    write_tree(tmp_path, f"-- {MINIMAL_PATH} --\n{MINIMAL}\n-- site.toml --\ntitle = \"虚构\"\n")
    result, reporter = build(tmp_path)
    assert result.ok, [str(p) for p in reporter.errors]
    [answer] = run_queries(tmp_path / "output", [{"q": "公务接待费"}], sections=["sangong", "finance"])
    year = next(p for p in answer["pages"] if p["url"] == "/xugou/xugou-shi/xugou-xian/shili/2020/")
    sangong = next(m for m in year["matches"] if m["section"] == "sangong")["excerpt"]
    # The 三公 table in 元 (MINIMAL): 公务用车运行维护费 20, 公务接待费 10, 合计 30.
    assert "公务用车运行维护费 · 20 元 <mark>公务接待费</mark> · 10 元 “三公”经费合计 · 30 元" in sangong
    [answer] = run_queries(tmp_path / "output", [{"q": "人员经费"}], sections=["finance"])
    year = next(p for p in answer["pages"] if p["url"] == "/xugou/xugou-shi/xugou-xian/shili/2020/")
    finance = next(m for m in year["matches"] if m["section"] == "finance")["excerpt"]
    # The totals table: 人员经费 500.00 元, and its own column in the other unit, 0.05 万元.
    assert "<mark>人员经费</mark> · 500.00 元 · 0.05 万元" in finance


class EveryBundleKept:
    """A ShardStore that has a bundle for every key, so that Pagefind never runs: records the keys asked for."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def fetch(self, key: str, output: Path) -> bool:
        self.keys.append(key)
        output.mkdir(parents=True, exist_ok=True)
        (output / "pagefind-entry.json").write_text('{"languages": {"zh-cn": {"page_count": 1}}}', "utf-8")
        return True

    def keep(self, key: str, output: Path) -> None:
        raise AssertionError("Pagefind ran")

    def segmented(self, rel: str) -> Path | None:
        return None

    def keep_layout(self, layout: search.Layout) -> None:
        pass


def shard_keys(site: Path, described: dict[str, tuple[bytes, bool]] | None = None,
               shard_pages: int | None = None) -> list[str]:
    store = EveryBundleKept()
    search.build_index(site, binary=Path("pagefind-never-runs"), store=store, described=described,
                       shard_pages=shard_pages)
    return store.keys


def test_a_page_its_writer_described_is_not_read_and_one_it_did_not_is(tmp_path: Path) -> None:
    site, edited = write_site(tmp_path / "site"), write_site(tmp_path / "edited")
    (edited / "a/index.html").write_text(PAGE.replace("三公", "三公经费"), encoding="utf-8")
    as_edited = {"a/index.html": (hashlib.sha256((edited / "a/index.html").read_bytes()).digest(), True)}
    expected = shard_keys(edited)
    assert len(expected) == 1 and shard_keys(site) != expected
    # The page on disk is not what its writer described: the key follows the description (the page is not read).
    assert shard_keys(site, as_edited) == expected
    # A page nobody described is read: changed on disk, it changes the key.
    (site / "b/index.html").write_text(PAGE.replace("严格", "从严"), encoding="utf-8")
    assert shard_keys(site, as_edited) != expected


def test_which_pages_are_marked_for_the_index_is_taken_from_their_description(tmp_path: Path) -> None:
    site, unmarked = write_site(tmp_path / "site"), write_site(tmp_path / "unmarked")
    page_b = (site / "b/index.html").read_bytes()
    (unmarked / "b/index.html").write_bytes(page_b.replace(search.MARK, b"data-x"))
    assert len(shard_keys(site, shard_pages=1)) == 2  # a shard for each marked page
    expected = shard_keys(unmarked, shard_pages=1)  # an unmarked page is in no shard (another page is marked)
    assert len(expected) == 1
    assert shard_keys(site, {"b/index.html": (hashlib.sha256(page_b).digest(), False)}, shard_pages=1) == expected
    # Page b undescribed is read, and found marked.
    a_marked = {"a/index.html": (hashlib.sha256((site / "a/index.html").read_bytes()).digest(), True)}
    assert len(shard_keys(site, a_marked, shard_pages=1)) == 2
