"""``site-builder build`` with its persistent cache writes what a cold build writes, byte for byte.

A small fictitious (虚构) site of three departments is built with the cache (search index
included, in shards of a few pages so that several bundles are kept), then edited in every
way ``editkit.EDITS`` names, one after another: a figure, a text, classification rows, the
crosswalk, a file added, removed, a folder renamed, a source document (PDF) added and changed,
a region renamed in one of two files below its folder (an error) then in the other, a
template, site.toml, the scorecard items. After each edit the build through the cache must
give the same files, byte for byte, as a cold build without it, and must have made again only
the departments (and search shards) whose recorded inputs the edit touched.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest

from buildkit import hashes, leftovers
from editkit import EDITS, edit, edit_site
from sitekit import MINIMAL_PATH, two_department_site
from site_builder.build import departments, engine, parallel, patch, stored
from site_builder.build.cache import PersistentCache
from site_builder.search import ahead, index as search
from site_builder.build.engine import build_site
from site_builder.problems import Reporter

DEPARTMENTS = 3  # in editkit's site

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


def build(root: Path, output: Path, cache: Path | None, error: str = "") -> int:
    reporter = Reporter()
    result = build_site(root, output, reporter, cache_dir=cache)
    if error:
        assert not result.ok and any(error in p.message for p in reporter.errors), [str(p) for p in reporter.problems]
        return -1
    assert result.ok, [str(p) for p in reporter.errors]
    return result.reused


def test_a_build_through_the_cache_writes_what_a_cold_build_writes_after_every_kind_of_edit(
        tmp_path: Path, pagefind_runs: list[Path]) -> None:
    root = edit_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    assert build(root, output, cache) == 0  # cold: nothing kept yet
    shards = len(pagefind_runs)
    assert shards >= 3
    pagefind_runs.clear()
    before = hashes(output)
    assert build(root, output, cache) == DEPARTMENTS and pagefind_runs == []  # nothing changed: nothing made again
    assert hashes(output) == before
    for number, change in enumerate(EDITS):
        what = change.what
        change.apply(root)
        pagefind_runs.clear()
        reused = build(root, output, cache, change.error)
        if change.error:  # the site served stays as it was
            assert hashes(output) == before, what
            continue
        rerun = len(pagefind_runs)
        expected = tmp_path / f"cold-{number}"
        assert build(root, expected, None) == 0
        got, want = hashes(output), hashes(expected)
        assert sorted(got) == sorted(want), f"after {what}: not the same files"
        assert got == want, f"after {what}: the same files, not the same bytes"
        assert want != before, f"{what} changed nothing: the test tests nothing"
        if change.rebuilt is not None:
            assert reused == DEPARTMENTS - change.rebuilt, f"after {what}: {reused} department(s) from the cache"
            if reused:  # the other departments' shards were not indexed again
                assert rerun < len(list((output / "pagefind").glob("shard-*"))) + 1, what
        before = got
    assert rerun >= 1


def test_a_warm_build_begins_the_departments_the_cache_lacks_on_a_worker_while_it_loads_the_others(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The department an edit changed is built on a forked worker while the building process loads the others'
    summaries (departments.begin_departments); one the cache keeps but whose file was changed by hand is built
    after, in the building process. The same files as a cold build either way."""
    monkeypatch.setattr(departments, "BEGIN_BESIDE", 2)  # a site of three departments: two to load beside
    begun: list[int] = []
    start = parallel.start_forked
    monkeypatch.setattr(parallel, "start_forked", lambda work, tasks, *args, **kwargs:
                        begun.append(len(tasks)) or start(work, tasks, *args, **kwargs))
    root = edit_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    assert build(root, output, cache) == 0 and begun == []  # cold: nothing to load, built as before
    for number, (change, by_hand) in enumerate([(EDITS[0], False), (EDITS[4], True)]):
        change.apply(root)
        if by_hand:  # a page of a department the edit leaves alone: the cache's link to it sees the change too
            with open(output / "xugou/xugou-shi/linxian/gongan/2020/index.html", "ab") as f:
                f.write("<!-- 虚构的手工改动 -->".encode())
        begun.clear()
        assert build(root, output, cache) == DEPARTMENTS - 1 - by_hand
        assert begun and set(begun) == {1}, change.what  # the department edited, on a worker of its own (the build
        # in place that finds the output changed by hand stops, and builds into a new folder: begun again)
        expected = tmp_path / f"cold-{number}"
        assert build(root, expected, None) == 0
        assert hashes(output) == hashes(expected), change.what


def test_a_warm_build_takes_the_summaries_from_the_heads_a_build_that_made_most_departments_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build that made most departments keeps their summaries' heads in one file (stored.pack_heads); a build
    in place takes the summaries from it, reading no department's own, and reads them one by one when that file
    is unreadable. The same files either way."""
    root = edit_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    assert build(root, output, cache) == 0 and (cache / "heads.pickle").is_file()
    expected = hashes(output)
    one_by_one: list[bytes] = []
    unpack = stored.unpack
    monkeypatch.setattr(stored, "unpack", lambda data, *args: one_by_one.append(data) or unpack(data, *args))
    assert build(root, output, cache) == DEPARTMENTS and one_by_one == []
    assert hashes(output) == expected
    (cache / "heads.pickle").write_bytes(b"\x80\x05not heads")
    assert build(root, output, cache) == DEPARTMENTS and len(one_by_one) == DEPARTMENTS
    assert hashes(output) == expected


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


def test_the_cache_works_with_a_project_given_relative_to_the_working_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = two_department_site(tmp_path / "site", "虚构缓存站")
    monkeypatch.chdir(root)  # as `site-builder build` is run: content/ and the cache relative
    assert build(Path("."), tmp_path / "output", Path(".cache/site-builder")) == 0
    assert build(Path("."), tmp_path / "output", Path(".cache/site-builder")) == 2


def test_a_warm_build_freezes_what_it_loaded_from_the_cache_and_thaws_it_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the summaries taken from the cache live for the whole build: the collector must not walk them again and
    # again (gc.freeze), and the process must be left as it was found, a freeze of its own (the preview's) kept
    root = two_department_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(root, output, cache)
    frozen: list[int] = []
    real = engine.site_entries

    def observed(*args: object, **kwargs: object) -> object:
        frozen.append(gc.get_freeze_count())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "site_entries", observed)
    gc.unfreeze()  # what an earlier test's preview server froze
    assert build(root, output, cache) == 2
    assert frozen[-1] > 0 and gc.get_freeze_count() == 0
    gc.freeze()
    held = gc.get_freeze_count()
    try:
        assert build(root, output, cache) == 2
        assert gc.get_freeze_count() >= held
    finally:
        gc.unfreeze()


def test_a_warm_build_updates_the_output_folder_in_place_and_rewrites_only_what_changed(tmp_path: Path) -> None:
    root = two_department_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(root, output, cache)
    folder = output.stat().st_ino
    other = output / "xugou/xugou-shi/linxian/gongan/2020/index.html"  # the department not edited
    before = other.stat()
    edit(root, MINIMAL_PATH, "  项目支出: 400.00\n", "  项目支出: 401.00\n")
    assert build(root, output, cache) == 1
    assert output.stat().st_ino == folder  # the same folder, not a new one swapped in
    after = other.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert leftovers(tmp_path) == []  # no staging folder left beside it
    assert build(root, tmp_path / "cold", None) == 0
    assert hashes(output) == hashes(tmp_path / "cold")


def test_a_commit_leaves_the_large_files_it_replaced_to_the_staging_folders_remover(tmp_path: Path) -> None:
    """Freeing the blocks of a large file replaced (the site-wide files: 500 MB at 10,000 department-years)
    took 0.6 s of a warm build's commit: the commit links each such file into the staging folder first, which
    a process of its own removes. The site has the new bytes; the old file lives on only there; a small file
    replaced is not linked."""
    from site_builder.build.patch import SAME_BYTES_LIMIT, PatchWriter
    from site_builder.build.writer import signature

    site = tmp_path / "site"
    (site / "data").mkdir(parents=True)
    old, new = b"a" * (SAME_BYTES_LIMIT + 1), b"b" * (SAME_BYTES_LIMIT + 2)
    (site / "data" / "site.json").write_bytes(old)
    (site / "index.html").write_text("虚构", encoding="utf-8")
    inodes = {rel: (site / rel).stat().st_ino for rel in ("data/site.json", "index.html")}
    with PatchWriter(site, {rel: signature((site / rel).stat()) for rel in inodes}) as writer:
        writer.write_bytes("data/site.json", new)
        writer.write_text("index.html", "虚构二")
        writer.commit()
        staged = {path.stat().st_ino: path for path in writer.temp.rglob("*") if path.is_file()}
        assert (site / "data" / "site.json").read_bytes() == new
        assert staged[inodes["data/site.json"]].read_bytes() == old
        assert inodes["index.html"] not in staged
    assert leftovers(tmp_path) == []


def test_a_warm_build_lists_in_full_only_the_files_of_the_output_changed_since_the_last_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check that output/ is what the last build left reads in full only the files and folders changed
    since that build's stamp (at 10,000 department-years, a few hundred of 190,000: reading them all took
    0.7 s), and counts the rest; the site is still a cold build's."""
    from site_builder.build import manifest

    monkeypatch.setattr(manifest, "STAMP_MARGIN_NS", 0)  # this test's builds follow each other within the margin
    parsed: list[int] = []
    real = manifest._parse
    def parse(lines: list[str]) -> manifest.Manifest | None:
        if threading.current_thread().name == "output-check":
            parsed.append(len(lines))
        return real(lines)

    monkeypatch.setattr(manifest, "_parse", parse)
    root = two_department_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(root, output, cache)
    edit(root, MINIMAL_PATH, "  项目支出: 400.00\n", "  项目支出: 401.00\n")
    parsed.clear()
    assert build(root, output, cache) == 1
    assert parsed == [0]  # nothing changed since the cold build's stamp, taken after its files were in place
    edit(root, MINIMAL_PATH, "  项目支出: 401.00\n", "  项目支出: 402.00\n")
    parsed.clear()
    assert build(root, output, cache) == 1
    listed = sum(1 for _ in output.rglob("*"))  # every file and folder
    assert len(parsed) == 1 and 0 < parsed[0] < listed / 2  # what the warm build's commit changed, and its folders
    assert build(root, tmp_path / "cold", None) == 0
    assert hashes(output) == hashes(tmp_path / "cold")


def test_a_file_added_to_the_output_by_hand_makes_the_next_build_cold_and_goes(tmp_path: Path) -> None:
    root = two_department_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(root, output, cache)
    expected = hashes(output)
    folder = output.stat().st_ino
    (output / "xugou/stray.html").write_text("<p>虚构的手工文件</p>", encoding="utf-8")
    assert build(root, output, cache) == 2  # both departments from the cache, into a new folder
    assert output.stat().st_ino != folder and hashes(output) == expected


def test_a_file_the_build_in_place_reads_removed_by_hand_makes_it_build_a_new_folder(tmp_path: Path) -> None:
    """The output folder is checked while a warm build runs (patch.OutputCheck); a build in place that trips
    over a file removed by hand (the search entry of a shard it keeps) is not an error: it builds again into
    a new folder."""
    root = two_department_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(root, output, cache)
    expected = hashes(output)
    folder = output.stat().st_ino
    (output / "pagefind/pagefind-entry.json").unlink()
    assert build(root, output, cache) == 2
    assert output.stat().st_ino != folder and hashes(output) == expected
    assert leftovers(tmp_path) == []


def test_a_build_in_place_stops_at_its_next_stage_once_the_check_found_the_output_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the check of the output folder (patch.OutputCheck) is over before the site-wide stage and found a
    file added by hand, the build in place stops there: the site-wide stage runs once, for the new folder."""
    root = two_department_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(root, output, cache)
    expected = hashes(output)
    (output / "xugou/stray.html").write_text("<p>虚构的手工文件</p>", encoding="utf-8")
    real_init, stages = patch.OutputCheck.__init__, []

    def finished_at_once(self, *args):  # type: ignore[no-untyped-def]
        real_init(self, *args)
        self.wait()

    real_sitewide = engine.write_sitewide

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        stages.append(type(args[1]).__name__)
        return real_sitewide(*args, **kwargs)

    monkeypatch.setattr(patch.OutputCheck, "__init__", finished_at_once)
    monkeypatch.setattr(engine, "write_sitewide", counted)
    assert build(root, output, cache) == 2
    assert stages == ["SiteWriter"] and hashes(output) == expected


def test_a_commit_cut_short_leaves_the_next_build_equal_to_a_cold_one(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = two_department_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(root, output, cache)
    edit(root, MINIMAL_PATH, "  项目支出: 400.00\n", "  项目支出: 401.00\n")
    real, calls = os.replace, []

    def fails_after_two(source: str, target: str) -> None:  # a disk that fails in the middle of the commit
        calls.append(target)
        if len(calls) > 2:
            raise OSError(5, "虚构的 I/O 错误", target)
        real(source, target)

    monkeypatch.setattr(patch.os, "replace", fails_after_two)
    assert build(root, output, cache, "cannot write the site") == -1
    assert len(calls) == 3  # it was the in-place commit that failed, two files in
    monkeypatch.setattr(patch.os, "replace", real)
    build(root, output, cache)
    assert build(root, tmp_path / "cold", None) == 0
    assert hashes(output) == hashes(tmp_path / "cold")


def test_every_page_written_is_described_to_the_index_as_written_so_that_it_is_not_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each HTML page reaches the index with its digest and mark (search/index.describe) from whoever wrote
    it: the departments built, those kept in the cache, and the site-wide pages rendered, serially and on
    workers, into a new folder and in place. (A site-wide page taken unchanged from the last build is not
    described: the index reads it.)"""
    told: list[dict[str, tuple[bytes, bool]]] = []

    def index(site_dir: Path, described: dict[str, tuple[bytes, bool]] | None = None,
              **_: object) -> search.IndexResult:
        told.append(dict(described or {}))  # Pagefind is not run: the index is not what is tested here
        return search.IndexResult(1, 0.0)

    monkeypatch.setattr(search, "build_index", index)
    root = two_department_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    departments = ("xugou/xugou-shi/xugou-xian/shili/", "xugou/xugou-shi/linxian/gongan/")
    # cold, serially and without the cache; cold, on two workers; nothing changed, serially (every department
    # kept, in place); one department changed (in place)
    for folder, workers, reused in ((tmp_path / "serial", 1, 0), (output, 2, 0), (output, 1, 2), (output, 1, 1)):
        if reused == 1:
            edit(root, MINIMAL_PATH, "  项目支出: 400.00\n", "  项目支出: 401.00\n")
        assert build_site(root, folder, Reporter(), cache_dir=cache if folder == output else None,
                          workers=workers).reused == reused
        if reused:
            assert output.stat().st_ino == inode  # updated in place (build/patch.py)
        inode = output.stat().st_ino if folder == output else None
        pages = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.html")}
        assert len(pages) > 10 and b"data-pagefind-body" in pages["xugou/xugou-shi/xugou-xian/shili/2020/index.html"]
        described = told.pop()
        truth = {rel: (hashlib.sha256(data).digest(), b"data-pagefind-body" in data) for rel, data in pages.items()}
        assert described == {rel: truth[rel] for rel in described}  # (a KeyError: a page described not written)
        assert [rel for rel in truth if rel.startswith(departments) and rel not in described] == []
        if reused == 0:
            assert described == truth


def test_after_an_upgrade_of_site_builder_the_site_is_built_into_a_new_folder(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.build import inputs

    root = two_department_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(root, output, cache)
    folder = output.stat().st_ino
    real = inputs.code_digest
    monkeypatch.setattr(inputs, "code_digest", lambda: real() + b"upgraded")  # as a new release of the package
    assert build(root, output, cache) == 0  # every department made again ...
    assert output.stat().st_ino != folder  # ... into a new folder swapped in, not file by file
    assert build(root, tmp_path / "cold", None) == 0
    assert hashes(output) == hashes(tmp_path / "cold")


def test_a_build_through_the_cache_takes_the_compiled_templates_and_their_references_from_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jinja's compiled templates (jinja2.FileSystemBytecodeCache) and the templates each names are kept in the
    cache: a second build parses no template, and gives the same bytes. (A template edited is compiled
    again: editkit's 'a template changed', above.)"""
    root = two_department_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(root, output, cache)
    expected = hashes(output)
    shutil.rmtree(output)  # every page rendered again

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a template was parsed again")

    monkeypatch.setattr(jinja2.Environment, "_parse", no_parse)
    assert build(root, output, cache) == 2
    assert hashes(output) == expected


def test_the_shard_an_edit_changed_is_indexed_ahead_and_the_index_takes_that_bundle(
        tmp_path: Path, pagefind_runs: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = edit_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(root, output, cache)
    made_ahead: list[int] = []
    finish = ahead.Ahead.finish

    def counted(self: ahead.Ahead) -> int:
        made_ahead.append(finish(self))
        return made_ahead[-1]

    monkeypatch.setattr(ahead.Ahead, "finish", counted)
    checked: list[Path] = []  # Pagefind's --version, run by whoever finds the binary first, once a build
    real_binary = search.pagefind_binary

    def binary() -> Path:
        checked.append(real_binary())
        return checked[-1]

    monkeypatch.setattr(ahead, "pagefind_binary", binary)
    monkeypatch.setattr(search, "pagefind_binary", binary)
    pagefind_runs.clear()
    edit(root, MINIMAL_PATH, "公务接待费: 10", "公务接待费: 17")  # one department-year's figure
    assert build(root, output, cache) == DEPARTMENTS - 1
    assert len(checked) == 1
    # its shards (a department's pages may straddle two of 4 pages) were run ahead while the site-wide
    # pages were made, and the index found those bundles under the shards' keys
    assert len(made_ahead) == 1 and 1 <= made_ahead[0] <= ahead.MOST_SHARDS and pagefind_runs == []
    assert leftovers(tmp_path) == [] and sorted(os.listdir(tmp_path)) == ["cache", "output", "site"]
    assert build(root, tmp_path / "cold", None) == 0
    assert hashes(output) == hashes(tmp_path / "cold")


def test_a_build_hands_what_it_held_to_a_caller_that_keeps_it(tmp_path: Path) -> None:
    """``BuildResult.held`` (cli.run keeps the result: the process then ends without freeing it): the cache,
    with every department's summary, the writer and the pages described; nothing from a build that failed."""
    root = two_department_site(tmp_path / "site", "虚构缓存站")
    result = build_site(root, tmp_path / "output", Reporter(), cache_dir=tmp_path / "cache")
    held = list(result.held)
    assert result.ok
    stores = [h for h in held if isinstance(h, PersistentCache)]
    assert len(stores) == 1 and len(stores[0].summaries) == 2
    assert any(isinstance(h, dict) and "index.html" in h for h in held)  # the pages described
    edit(root, MINIMAL_PATH, "  项目支出: 400.00\n", "  项目支出: 约四百\n")
    result = build_site(root, tmp_path / "output", Reporter(), cache_dir=tmp_path / "cache")
    failed = list(result.held)
    assert not result.ok
    assert failed == []


def test_an_output_folders_state_is_kept_and_read_back_as_it_was() -> None:
    """The state of an output folder is pickled with its manifest marshalled (cache.OutputState); one an older
    site_builder left, with the manifest pickled as a dict, reads as well."""
    import pickle

    from site_builder.build.cache import OutputState

    state = OutputState({"index.html": (10, 1_700_000_000_123_456_789, 42), "数据/a b.csv": (0, 1, 2)},
                        {"xugou/shili": "k1"}, {"pagefind": "k2"}, b"site", 1_700_000_000_000_000_000)
    assert pickle.loads(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)) == state
    older = OutputState.__new__(OutputState)  # what unpickling an older state does
    older.__setstate__({"manifest": dict(state.manifest), "departments": state.departments, "shards": state.shards,
                        "site": b"site"})
    assert older.manifest == state.manifest and older.since == 0
