"""The preview's rebuilds and parallel builds write exactly the files of a serial full build.

Every kind of edit of ``editkit.EDITS`` (a figure, a text, classification rows, the crosswalk,
a file added, removed, a folder renamed, a source PDF added and changed, a region renamed in
one of two files below its folder then in the other, a template, site.toml, the scorecard
items) is applied to a small fictitious (虚构) site, one after another, and the preview is told
of the files that changed, as its watcher tells it; its rebuild must then serve the same set of
files, byte for byte, as a fresh full build, which here renders on two forked workers (or, after
the first half of the region rename, show the error and keep the last good site). A serial
build is checked against the parallel one too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from buildkit import hashes
from editkit import EDITS as EDIT_KINDS, edit, edit_site
from sitekit import MINIMAL_PATH, two_department_site, year_variant
from site_builder.build import departments
from site_builder.build import parallel, patch
from site_builder.build.cache import DEFAULT_FOLDER
from site_builder.build.quickpath import quick_pages
from site_builder.build.engine import build_site
from site_builder.problems import Reporter
from site_builder.serve.preview import Preview
from site_builder.site.render import BUILTIN_THEMES

def make_site(root: Path) -> Path:
    return two_department_site(root, "虚构增量站")


def add_year(root: Path) -> None:
    (root / "content/xugou/xugou-shi/xugou-xian/shili/2019.yaml").write_text(year_variant(2019), encoding="utf-8")


@contextlib.contextmanager
def on_workers(workers: int) -> Iterator[None]:
    """Build even a small site on ``workers`` processes: departments, then the site-wide pages."""
    saved = parallel.MIN_PAGES, departments.MIN_DEPARTMENTS, parallel.workers_available
    parallel.MIN_PAGES, departments.MIN_DEPARTMENTS, parallel.workers_available = 0, 0, lambda: workers
    try:
        yield
    finally:
        parallel.MIN_PAGES, departments.MIN_DEPARTMENTS, parallel.workers_available = saved


def full_build(root: Path, output: Path, workers: int) -> dict[str, str]:
    reporter = Reporter()
    with on_workers(workers):
        assert build_site(root, output, reporter, search_index=False).ok, [str(p) for p in reporter.errors]
    return hashes(output)


def files_of(root: Path) -> dict[Path, str]:
    return {p: h for p, h in ((root / rel, h) for rel, h in hashes(root).items())}


def test_the_preview_after_every_kind_of_edit_serves_what_a_full_build_writes(tmp_path: Path) -> None:
    root = edit_site(tmp_path / "site", "虚构预览站")
    preview = Preview(root, port=0, search=False, log=lambda line: None)
    try:
        assert preview.rebuild()
        served = preview.site_dir
        before = hashes(served)
        for number, change in enumerate(EDIT_KINDS):
            sources = files_of(root)
            change.apply(root)
            now = files_of(root)
            preview._changed({p for p in sources.keys() | now.keys() if sources.get(p) != now.get(p)})
            quick = preview.quick
            ok = preview.rebuild()
            assert preview.quick == quick + change.quick, f"after {change.what}: the quick answer"
            if change.error:
                assert not ok and any("一个文件夹只对应一个地区" in str(p["message"])
                                      for p in preview.hub.state.errors), (change.what, preview.hub.state)
                assert hashes(served) == before, f"after {change.what}: the last good site is not what is served"
                continue
            assert ok, (change.what, preview.hub.state.errors)
            expected = full_build(root, tmp_path / f"full-{number}", workers=2)
            got = hashes(served)
            assert sorted(got) == sorted(expected), f"after {change.what}: not the same files"
            assert got == expected, f"after {change.what}: the same files, not the same bytes"
            assert expected != before, f"{change.what} changed nothing: the test tests nothing"
            before = got
    finally:
        preview.stop()


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


SHILI = "xugou/xugou-shi/xugou-xian/shili"
QUICK_FILES = sorted([  # what shows 示例局's 2020 (MINIMAL_PATH), as the site lays it out
    f"{SHILI}/index.html",  # its department's page
    f"{SHILI}/lines/index.html",  # and lines page
    f"{SHILI}/2020/index.html",  # its year's page and downloads
    f"{SHILI}/2020/data/xugou-xugou-shi-xugou-xian-shili-2020.json",
    f"{SHILI}/2020/data/xugou-xugou-shi-xugou-xian-shili-2020-figures.csv",
    f"{SHILI}/2020/data/xugou-xugou-shi-xugou-xian-shili-2020-indicators.csv",
    f"{SHILI}/compare/2020-2021/index.html",  # the one comparison it is part of (2020 with 2021)
    f"{SHILI}/compare/2020-2021/comparison.json",
    f"{SHILI}/compare/2020-2021/comparison.csv",
])
FIGURE = ("公务接待费: 10", "公务接待费: 17")  # 三公's 合计 (30) no longer adds up: a warning, no error


@contextlib.contextmanager
def served_preview(root: Path, strict: bool = False) -> Iterator[Preview]:
    preview = Preview(root, port=0, search=False, strict=strict, log=lambda line: None)
    try:
        assert preview.rebuild(), preview.hub.state.errors
        yield preview
    finally:
        preview.stop()


def quick(preview: Preview) -> list[str]:
    written = quick_pages(preview.warm, {preview.project_root / MINIMAL_PATH}, preview.content_dir, preview.site_dir)
    preview._touched.update(written)  # as the preview's own quick answer tells its rebuild
    return written


def answer_a_figure_quickly(preview: Preview, root: Path, full: Path) -> dict[str, str]:
    """Change a figure of MINIMAL_PATH and take the quick answer: it writes QUICK_FILES, each as a full build (into
    ``full``) does; that build's files."""
    edit(root, MINIMAL_PATH, *FIGURE)
    expected = full_build(root, full, workers=1)
    written = quick(preview)
    assert sorted(written) == QUICK_FILES
    now = hashes(preview.site_dir)
    assert {rel: now[rel] for rel in written} == {rel: expected[rel] for rel in written}
    return expected


def test_the_quick_answer_writes_what_shows_the_year_as_a_full_build_then_the_rebuild_keeps_it(tmp_path: Path) -> None:
    root = edit_site(tmp_path / "site", "虚构快速站")
    with served_preview(root) as preview:
        served = preview.site_dir
        before = hashes(served)
        edit(root, MINIMAL_PATH, *FIGURE)
        expected = full_build(root, tmp_path / "full", workers=1)
        written = quick(preview)
        assert sorted(written) == QUICK_FILES
        now = hashes(served)
        assert {rel: now[rel] for rel in written} == {rel: expected[rel] for rel in written}
        assert all(now[rel] != before[rel] for rel in (f"{SHILI}/2020/index.html", QUICK_FILES[3], QUICK_FILES[6]))
        assert {rel: h for rel, h in now.items() if rel not in written} == \
            {rel: h for rel, h in before.items() if rel not in written}, "the quick answer wrote no other file"
        assert before.keys() == now.keys()
        files = {rel: (served / rel).stat().st_ino for rel in written}
        assert preview.rebuild()
        assert hashes(served) == expected
        assert {rel: (served / rel).stat().st_ino for rel in written} == files, "the rebuild wrote them again"


def rendered_by_departments(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the pages ``build_department`` renders from now on, in order."""
    rendered: list[str] = []
    render = departments.render_page

    def counting(env: object, route: departments.Route, context: dict[str, object]) -> str:
        rendered.append(route.path)
        return render(env, route, context)  # type: ignore[arg-type]

    monkeypatch.setattr(departments, "render_page", counting)
    return rendered


def test_the_rebuild_writes_the_pages_the_quick_answer_rendered_without_rendering_them_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = edit_site(tmp_path / "site", "虚构快速站")
    with served_preview(root) as preview:
        edit(root, MINIMAL_PATH, *FIGURE)
        expected = full_build(root, tmp_path / "full", workers=1)
        written = quick(preview)
        rendered = rendered_by_departments(monkeypatch)
        assert preview.rebuild()
        assert hashes(preview.site_dir) == expected
        assert f"{SHILI}/2021/index.html" in rendered, "the rebuild built the department (2021's page shows 2020 too)"
        assert not set(rendered) & set(written), "pages the quick answer rendered were rendered again"


def test_pages_the_quick_answer_rendered_are_rendered_again_once_the_site_toml_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = edit_site(tmp_path / "site", "虚构快速站")
    with served_preview(root) as preview:
        edit(root, MINIMAL_PATH, *FIGURE)
        written = quick(preview)
        edit(root, "site.toml", 'title = "', 'title = "新')  # saved before the rebuild began: every page shows it
        expected = full_build(root, tmp_path / "full", workers=1)
        rendered = rendered_by_departments(monkeypatch)
        assert preview.rebuild()
        assert hashes(preview.site_dir) == expected
        assert set(rendered) >= {rel for rel in written if rel.endswith(".html")}


def test_the_quick_answer_in_two_parts_writes_the_year_first_then_the_rest_as_a_full_build(tmp_path: Path) -> None:
    root = edit_site(tmp_path / "site", "虚构快速站")
    with served_preview(root) as preview:
        edit(root, MINIMAL_PATH, *FIGURE)
        expected = full_build(root, tmp_path / "full", workers=1)
        changed = {preview.project_root / MINIMAL_PATH}
        year = quick_pages(preview.warm, changed, preview.content_dir, preview.site_dir, "year")
        assert sorted(year) == sorted([f"{SHILI}/2020/index.html", *(rel for rel in QUICK_FILES if "/2020/data/" in rel)])
        others = quick_pages(preview.warm, changed, preview.content_dir, preview.site_dir, "others")
        assert sorted(others) == sorted(set(QUICK_FILES) - set(year))
        now = hashes(preview.site_dir)
        assert {rel: now[rel] for rel in QUICK_FILES} == {rel: expected[rel] for rel in QUICK_FILES}


def test_the_first_save_gets_the_quick_answer_after_a_build_that_named_the_content_otherwise(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``site-builder build`` names the content files as given (``content/…``, from the project's folder); a
    preview started after it from the same cache names them from its root: the same files, whose
    department-years the quick answer must find (it did not, and the first save waited for the rebuild)."""
    root = edit_site(tmp_path / "site", "虚构快速站")
    monkeypatch.chdir(root)
    reporter = Reporter()
    assert build_site(root, Path("output"), reporter, content_dir=Path("content"), search_index=False,
                      cache_dir=Path(DEFAULT_FOLDER)).ok, [str(p) for p in reporter.errors]
    with served_preview(root) as preview:
        assert preview.warm.parsed == 0, "every department came from the build's cache"
        answer_a_figure_quickly(preview, root, tmp_path / "full")


def test_the_preview_takes_its_own_folder_as_its_last_build_left_it_a_failed_build_included(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview's folder is its own (warm.py): a rebuild neither lists it to check it (patch.OutputCheck: GNU
    find over every file) nor reads its state from the cache; a build that fails leaves it as it was, and the
    next good build still writes in place what changed (not a new folder of every file), as a full build does."""
    root = edit_site(tmp_path / "site", "虚构预览站")
    lines: list[str] = []
    preview = Preview(root, port=0, search=False, log=lines.append)
    checks: list[object] = []
    check = patch.OutputCheck
    monkeypatch.setattr(patch, "OutputCheck", lambda *args: checks.append(args) or check(*args))
    try:
        assert preview.rebuild()
        for old, new, good in [(*FIGURE, True), ("公务接待费: 17", "公务接待费: 十", False), ("公务接待费: 十", "公务接待费: 12", True)]:
            edit(root, MINIMAL_PATH, old, new)
            preview._changed({root / MINIMAL_PATH})
            assert preview.rebuild() == good, preview.hub.state.errors
        assert "files changed" in lines[-1] and "a new folder" not in lines[-1], lines[-1]
        assert checks == [], "the preview checked its own folder"
        assert hashes(preview.site_dir) == full_build(root, tmp_path / "full", workers=1)
    finally:
        preview.stop()


def test_a_file_saved_back_before_the_rebuild_gets_its_own_pages_again(tmp_path: Path) -> None:
    root = edit_site(tmp_path / "site", "虚构快速站")
    with served_preview(root) as preview:
        expected = hashes(preview.site_dir)
        saved = (root / MINIMAL_PATH).read_text(encoding="utf-8")
        edit(root, MINIMAL_PATH, *FIGURE)
        assert quick(preview)
        (root / MINIMAL_PATH).write_text(saved, encoding="utf-8")  # as it was when the pages' keys were made
        assert preview.rebuild()
        assert hashes(preview.site_dir) == expected


@pytest.mark.parametrize("what, old, new, strict", [
    ("a YAML error", "公务接待费: 10", "公务接待费: 十", False),
    ("the department renamed (metadata)", "部门: 虚构县示例局（虚构数据）", "部门: 虚构县样例局（虚构数据）", False),
    ("a failed check under --strict", *FIGURE, True),
])
def test_no_quick_answer_to_an_error_changed_metadata_or_a_warning_under_strict(
        tmp_path: Path, what: str, old: str, new: str, strict: bool) -> None:
    root = edit_site(tmp_path / "site", "虚构快速站")
    with served_preview(root, strict=strict) as preview:
        before = hashes(preview.site_dir)
        edit(root, MINIMAL_PATH, old, new)
        assert quick(preview) == [], what
        assert hashes(preview.site_dir) == before, what


def test_the_quick_answer_follows_a_build_whose_workers_parsed_every_file(tmp_path: Path) -> None:
    root = edit_site(tmp_path / "site", "虚构快速站")
    with on_workers(2):  # the first build forks: the preview's own process parses no file
        with served_preview(root) as preview:
            expected = answer_a_figure_quickly(preview, root, tmp_path / "full")
            assert preview.rebuild()
            assert hashes(preview.site_dir) == expected
