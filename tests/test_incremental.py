"""Incremental and parallel builds write exactly the files of a serial full build.

Each kind of edit the performance issue names (a figure, a project added, a year added, a
department removed, a template changed) is applied to a small fictitious (虚构) site after a
build through a ``BuildCache``; the rebuild must give the same set of files, byte for byte,
as a fresh full build, which here renders on two forked workers. A serial build is checked
against the parallel one too. (tests/test_serve.py runs a longer sequence of edits.)
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from buildkit import hashes
from sitekit import MINIMAL_PATH, OTHER_PATH, SECOND_PATH, replace_line, two_department_site, year_variant
from site_builder.build import departments as fullbuild
from site_builder.build import parallel
from site_builder.build.engine import build_site
from site_builder.build.incremental import BuildCache
from site_builder.problems import Reporter
from site_builder.site.render import BUILTIN_THEMES

SECOND, OTHER = SECOND_PATH, OTHER_PATH
PROJECT = '        - {一级: 产出指标, 二级: 数量指标, 三级: 示例完成率, 指标值: "≥95%"}\n'
NEW_PROJECT = PROJECT + """\
    - 编码: X-002
      名称: 新增示例项目（虚构）
      预算数: 0
      支出计划: {3月底: 30, 6月底: 60, 10月底: 90, 12月底: 100}
      指标:
        - {一级: 效益指标, 二级: 社会效益指标, 三级: 虚构知晓率, 指标值: "≥90%"}
"""


def make_site(root: Path) -> Path:
    return two_department_site(root, "虚构增量站")


def edit_figure(root: Path) -> None:
    path = root / MINIMAL_PATH
    path.write_text(replace_line(path.read_text(encoding="utf-8"), "公务接待费: 10", "公务接待费: 17"), encoding="utf-8")


def add_project(root: Path) -> None:
    path = root / SECOND
    path.write_text(replace_line(path.read_text(encoding="utf-8"), PROJECT, NEW_PROJECT), encoding="utf-8")


def add_year(root: Path) -> None:
    (root / "content/xugou/xugou-shi/xugou-xian/shili/2019.yaml").write_text(year_variant(2019), encoding="utf-8")


def remove_department(root: Path) -> None:
    shutil.rmtree(root / "content/xugou/xugou-shi/linxian")


def change_template(root: Path) -> None:
    base = (BUILTIN_THEMES / "default" / "templates" / "base.html").read_text(encoding="utf-8")
    path = root / "themes/default/templates/base.html"
    path.parent.mkdir(parents=True)
    path.write_text(base.replace("</footer>", "<p>虚构页脚（模板已改）</p>\n</footer>"), encoding="utf-8")


EDITS: dict[str, Callable[[Path], None]] = {
    "a figure": edit_figure,
    "a project added": add_project,
    "a year added": add_year,
    "a department removed": remove_department,
    "a template changed": change_template,
}


@contextlib.contextmanager
def on_workers(workers: int) -> Iterator[None]:
    """Build even a small site on ``workers`` processes: departments, then the site-wide pages."""
    saved = parallel.MIN_PAGES, fullbuild.MIN_DEPARTMENTS, parallel.workers_available
    parallel.MIN_PAGES, fullbuild.MIN_DEPARTMENTS, parallel.workers_available = 0, 0, lambda: workers
    try:
        yield
    finally:
        parallel.MIN_PAGES, fullbuild.MIN_DEPARTMENTS, parallel.workers_available = saved


def full_build(root: Path, output: Path, workers: int) -> dict[str, str]:
    reporter = Reporter()
    with on_workers(workers):
        assert build_site(root, output, reporter, search_index=False).ok, [str(p) for p in reporter.errors]
    return hashes(output)


@pytest.mark.parametrize("what", list(EDITS))
def test_an_incremental_rebuild_after_an_edit_writes_what_a_full_build_writes(tmp_path: Path, what: str) -> None:
    root = make_site(tmp_path / "site")
    served = tmp_path / "served"
    cache = BuildCache()
    assert build_site(root, served, Reporter(), cache=cache, search_index=False).ok
    before = hashes(served)
    EDITS[what](root)
    reporter = Reporter()
    assert build_site(root, served, reporter, cache=cache, search_index=False).ok, [str(p) for p in reporter.errors]
    expected = full_build(root, tmp_path / "full", workers=2)
    assert sorted(hashes(served)) == sorted(expected), f"after {what}: not the same files"
    assert hashes(served) == expected, f"after {what}: the same files, not the same bytes"
    assert expected != before, f"{what} changed nothing: the test tests nothing"
    assert cache.stats.parsed <= 1  # only the edited file was parsed again


def test_a_parallel_build_writes_what_a_serial_build_writes(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    add_year(root)
    assert full_build(root, tmp_path / "serial", workers=1) == full_build(root, tmp_path / "parallel", workers=2)


def test_a_template_error_in_a_worker_is_reported_with_its_template_and_page(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    path = root / "themes/default/templates/department_year.html"
    path.parent.mkdir(parents=True)
    path.write_text('{% extends "default!department_year.html" %}\n{% block main %}{{ page.no_such_field }}{% endblock %}\n',
                    encoding="utf-8")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "index.html").write_text("虚构旧站\n", encoding="utf-8")
    reporter = Reporter()
    with on_workers(2):
        assert not build_site(root, tmp_path / "full", reporter, search_index=False).ok
    [problem] = reporter.errors
    assert problem.file.endswith("department_year.html") and problem.line == 2
    assert "while rendering xugou/xugou-shi/linxian/gongan/2020/index.html" in problem.message  # the first, in path order
    assert (tmp_path / "full" / "index.html").read_text(encoding="utf-8") == "虚构旧站\n"  # the old site stays
