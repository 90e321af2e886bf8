"""``site-builder build`` with its persistent cache writes what a cold build writes, byte for byte.

A small fictitious (虚构) site of two departments is built with the cache (search index
included, in shards of a few pages so that several bundles are kept), then edited in every
way the performance issue names, one after another: a figure, a text, a file added, a file
removed, a source document (PDF) added and changed, a region renamed, a template changed,
site.toml changed. After each edit the build
through the cache must give the same files, byte for byte, as a cold build without it, and
must have made again only the department (and search shards) the edit touched.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from buildkit import hashes
from sitekit import MINIMAL_PATH, OTHER_PATH, SECOND_PATH, replace_line, two_department_site, year_variant
from site_builder.search import index as search
from site_builder.build.engine import build_site
from site_builder.problems import Reporter
from site_builder.site.render import BUILTIN_THEMES

THIRD_PATH = "content/xugou/xugou-shi/xugou-xian/shili/2019.yaml"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    path.write_text(replace_line(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")


SOURCE = "content/xugou/xugou-shi/xugou-xian/shili/xugou-2020.pdf"


def add_source(root: Path) -> None:
    (root / SOURCE).write_bytes(b"%PDF-1.4\n% fictitious source document (\xe8\x99\x9a\xe6\x9e\x84)\n%%EOF\n")
    edit(root, MINIMAL_PATH, "    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）",
         "    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）\n      文件: xugou-2020.pdf")


def change_source(root: Path) -> None:  # the PDF only: its YAML is as it was
    (root / SOURCE).write_bytes((root / SOURCE).read_bytes().replace(b"fictitious", b"fictitious, corrected,"))


def change_template(root: Path) -> None:
    base = (BUILTIN_THEMES / "default" / "templates" / "base.html").read_text(encoding="utf-8")
    path = root / "themes/default/templates/base.html"
    path.parent.mkdir(parents=True)
    path.write_text(base.replace("</footer>", "<p>虚构页脚（模板已改）</p>\n</footer>"), encoding="utf-8")


# (what, the edit, departments the cache may give unchanged after it: of the two, or of three once a year is added)
EDITS: list[tuple[str, Callable[[Path], None], int]] = [
    ("a figure", lambda root: edit(root, MINIMAL_PATH, "公务接待费: 10", "公务接待费: 17"), 1),
    ("a text", lambda root: edit(root, SECOND_PATH, "总体目标: 完成示例任务（虚构）。", "总体目标: 完成另一示例任务（虚构）。"), 1),
    ("a file added", lambda root: (root / THIRD_PATH).write_text(year_variant(2019), encoding="utf-8"), 1),
    ("a file removed", lambda root: (root / SECOND_PATH).unlink(), 1),
    ("a source document added", add_source, 1),
    ("a source document changed", change_source, 1),
    # The county's pages, and the city's and the home page that list it, show the new name.
    ("a region renamed", lambda root: edit(root, OTHER_PATH, "县: 虚构邻县", "县: 虚构新邻县"), 1),
    ("a template changed", change_template, 0),
    ("site.toml changed", lambda root: edit(root, "site.toml", 'title = "虚构缓存站"', 'title = "虚构缓存新站"'), 0),
]


@pytest.fixture
def pagefind_runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """The bundles Pagefind was run for, in shards of at most 4 pages (so the site has several)."""
    runs: list[Path] = []
    real = search.run_pagefind

    def counted(binary: Path, site: Path, output: Path) -> None:
        runs.append(output)
        real(binary, site, output)

    monkeypatch.setattr(search, "run_pagefind", counted)
    monkeypatch.setattr(search, "SHARD_PAGES", 4)
    yield runs


def build(root: Path, output: Path, cache: Path | None) -> int:
    reporter = Reporter()
    result = build_site(root, output, reporter, cache_dir=cache)
    assert result.ok, [str(p) for p in reporter.errors]
    return result.reused


def test_a_build_through_the_cache_writes_what_a_cold_build_writes_after_every_kind_of_edit(
        tmp_path: Path, pagefind_runs: list[Path]) -> None:
    root = two_department_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    assert build(root, output, cache) == 0  # cold: nothing kept yet
    shards = len(pagefind_runs)
    assert shards >= 3
    pagefind_runs.clear()
    before = hashes(output)
    assert build(root, output, cache) == 2 and pagefind_runs == []  # nothing changed: nothing made again
    assert hashes(output) == before
    for what, change, unchanged in EDITS:
        change(root)
        pagefind_runs.clear()
        reused = build(root, output, cache)
        rerun = len(pagefind_runs)
        expected = tmp_path / f"cold-{what}"
        assert build(root, expected, None) == 0
        got, want = hashes(output), hashes(expected)
        assert sorted(got) == sorted(want), f"after {what}: not the same files"
        assert got == want, f"after {what}: the same files, not the same bytes"
        assert want != before, f"{what} changed nothing: the test tests nothing"
        assert reused == unchanged, f"after {what}: {reused} department(s) from the cache, not {unchanged}"
        if unchanged:  # the other department's shard was not indexed again
            assert rerun < len(list((output / "pagefind").glob("shard-*"))) + 1, what
        before = got
    assert rerun >= 1


def test_a_kept_file_changed_by_hand_is_not_used(tmp_path: Path) -> None:
    root = two_department_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(root, output, cache)
    expected = hashes(output)
    page = output / "xugou/xugou-shi/xugou-xian/shili/2020/index.html"
    with open(page, "ab") as f:  # in place: the cache's hard link to this file sees the change too
        f.write("<!-- 虚构的手工改动 -->".encode())
    assert build(root, output, cache) == 1  # the other department only
    assert hashes(output) == expected


def test_the_cache_folder_can_be_deleted_between_builds(tmp_path: Path) -> None:
    root = two_department_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(root, output, cache)
    expected = hashes(output)
    shutil.rmtree(cache)
    assert build(root, output, cache) == 0
    assert hashes(output) == expected and build(root, output, cache) == 2
