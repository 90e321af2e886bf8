"""The site-wide stage of a build through the persistent cache (build/sitewide.py, sitewide_cache.py, splice.py).

tests/test_build_cache.py checks that a warm build writes a cold build's bytes after every kind of
edit. Here: that the warm build does make less (a site-wide page whose view did not change is not
rendered; a site-wide file is written from the last one's unchanged pieces), and that what it takes
from the last build's output folder is taken only when that folder holds what the build left there:
a site-wide file or page edited, replaced or removed by hand is made again. A small fictitious (虚构)
site of three departments (editkit.py).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from buildkit import hashes, soup
from editkit import MINIMAL_PATH, edit, edit_site
from site_builder.build import engine, inputs, listings, patch, sitewide, sitewide_cache
from site_builder.build.engine import build_site
from site_builder.build.splice import Layout, signature, write_spliced
from site_builder.problems import Message, Reporter

SITE_JSON = "data/site.json"
FIGURES = "data/figures.csv"


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The site-wide pages each build renders (paths, in the order given to render_pages)."""
    paths: list[str] = []
    real = sitewide.render_pages

    def counted(env, pages, writer, url_for, workers=None):  # type: ignore[no-untyped-def]
        paths.extend(route.path for route, _ in pages)
        return real(env, pages, writer, url_for, workers)

    monkeypatch.setattr(sitewide, "render_pages", counted)
    yield paths


def build(root: Path, output: Path, cache: Path | None) -> None:
    reporter = Reporter()
    result = build_site(root, output, reporter, cache_dir=cache, search_index=False)
    assert result.ok, [str(p) for p in reporter.errors]


def cold(root: Path, folder: Path) -> dict[str, str]:
    build(root, folder, None)
    return hashes(folder)


def change_a_figure(root: Path, value: int = 17) -> None:
    edit(root, MINIMAL_PATH, "公务接待费: 10", f"公务接待费: {value}")


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The site, built once through a cache: (its root, the cache, the output)."""
    root = edit_site(tmp_path / "site", "虚构缓存站")
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(root, output, cache)
    return root, cache, output


def test_a_warm_build_renders_only_the_site_wide_pages_whose_view_changed(
        rendered: list[str], site: tuple[Path, Path, Path], tmp_path: Path) -> None:
    root, cache, output = site
    every = list(rendered)
    assert "index.html" in every and "glossary/index.html" in every and len(every) >= 10
    rendered.clear()
    build(root, output, cache)  # nothing changed: nothing rendered
    assert rendered == []
    change_a_figure(root)
    build(root, output, cache)
    # A figure is on no site-wide page but the scorecards (every department-year's score) and the about page
    # (the site-wide files' sizes and digests). The home page, the glossary and the regions do not show it.
    assert "index.html" not in rendered and "glossary/index.html" not in rendered
    assert "about/index.html" in rendered
    assert not any(path.startswith("xugou/") for path in rendered)
    assert hashes(output) == cold(root, tmp_path / "cold")



@pytest.fixture
def rows_made(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The department-years (content paths) whose row of the scorecard pages each build makes."""
    made: list[str] = []
    real = sitewide_cache.score_line

    def counted(entry, card):  # type: ignore[no-untyped-def]
        made.append("/".join(entry.rel))
        return real(entry, card)

    monkeypatch.setattr(sitewide_cache, "score_line", counted)
    yield made


def test_a_warm_build_makes_again_only_the_scorecard_rows_of_the_department_years_that_changed(
        rows_made: list[str], site: tuple[Path, Path, Path], tmp_path: Path) -> None:
    root, cache, output = site
    assert len(rows_made) == 4  # the first build through the cache: a row per department-year
    rows_made.clear()
    edit(root, MINIMAL_PATH, "政府采购: 无", "政府采购: 未公开")
    build(root, output, cache)
    assert rows_made == [MINIMAL_PATH.removeprefix("content/")]
    # 2020's row as the YAML now has it: 国有资产 was 未公开 already, 政府采购 is now too.
    page = soup(output / "scorecard/by-region/index.html")
    row = next(tr for tr in page.select("#scorecard-table tbody tr") if tr.th.a["href"].endswith("shili/2020/index.html#completeness"))
    assert row.select("td")[-1].get_text() == "政府采购、国有资产"
    assert hashes(output) == cold(root, tmp_path / "cold")


def test_the_first_warm_build_after_a_cold_one_lists_only_the_changed_department_s_downloads_afresh(
        site: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalogue's and the sitemap's lines of a department are copied from the last build's files when it
    is kept in the cache under the same key, also when the first build made it (at 10,000 department-years,
    70,000 lines and 34,000): after one figure changed, only the department of that figure's file has its
    lines made again."""
    root, cache, output = site  # built once, cold, through the cache
    listed: list[tuple[str, str]] = []
    for name in ("year_lines", "page_lines", "sitemap_lines"):
        real = getattr(listings, name)

        def counted(*args, name=name, real=real):  # type: ignore[no-untyped-def]
            if name != "sitemap_lines":  # (summary, …)
                listed.append((name, "/".join(args[0].entries[0].rel[:-1])))
            elif len(args[0]) > 1:  # (paths, base): a department's pages (a site-wide page is a line of its own)
                listed.append((name, os.path.commonpath(args[0])))
            return real(*args)

        monkeypatch.setattr(listings, name, counted)
    change_a_figure(root)
    build(root, output, cache)
    department = os.path.dirname(MINIMAL_PATH.removeprefix("content/"))
    assert sorted(listed) == [("page_lines", department), ("sitemap_lines", department), ("year_lines", department)]
    monkeypatch.undo()
    assert hashes(output) == cold(root, tmp_path / "cold")


def test_rows_kept_by_other_code_are_made_again(rows_made: list[str], site: tuple[Path, Path, Path],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache, output = site
    rows_made.clear()
    real = inputs.SiteInputs.digest
    # another version of site_builder: its own code's digest
    monkeypatch.setattr(inputs.SiteInputs, "digest",
                        lambda self, kind, name: b"another version" if kind == "site" else real(self, kind, name))
    build(root, output, cache)
    assert len(rows_made) == 4

def test_two_output_folders_through_one_cache_each_keep_their_own_pages(
        rendered: list[str], site: tuple[Path, Path, Path], tmp_path: Path) -> None:
    root, cache, output = site
    build(root, tmp_path / "preview", cache)  # another folder through the same cache, as the preview's
    rendered.clear()
    change_a_figure(root)
    build(root, output, cache)
    assert "index.html" not in rendered and "glossary/index.html" not in rendered  # output/'s pages still known
    assert hashes(output) == cold(root, tmp_path / "cold")


def test_a_site_wide_file_is_written_from_the_unchanged_pieces_of_the_last(
        site: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache, output = site
    spliced = []
    real = sitewide.write_spliced

    def counted(target, pieces, previous, layout):  # type: ignore[no-untyped-def]
        done = real(target, pieces, previous, layout)
        spliced.append((Path(target).relative_to(Path(target).parents[1]).as_posix(), done))
        return done

    monkeypatch.setattr(sitewide, "write_spliced", counted)
    change_a_figure(root)
    build(root, output, cache)
    done = dict(spliced)[SITE_JSON]
    assert done.size == (output / SITE_JSON).stat().st_size
    assert 0 < done.made < done.size / 2 and done.copied + done.made == done.size  # one department-year of four made
    assert done.sha256 == hashlib.sha256((output / SITE_JSON).read_bytes()).hexdigest()
    assert hashes(output) == cold(root, tmp_path / "cold")


def test_a_file_a_build_in_place_made_again_the_same_is_copied_whole_by_the_next(
        site: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache, output = site
    build(root, output, cache)  # in place: each site-wide file made again, the same bytes, so the old file stays
    spliced = []
    real = sitewide.write_spliced

    def counted(target, pieces, previous, layout):  # type: ignore[no-untyped-def]
        done = real(target, pieces, previous, layout)
        spliced.append(done)
        return done

    monkeypatch.setattr(sitewide, "write_spliced", counted)
    build(root, output, cache)
    assert len(spliced) == 6 and all(done.made == 0 and done.copied == done.size > 0 for done in spliced)


def edit_in_place(path: Path, old: bytes, new: bytes) -> None:
    """Change ``path``'s bytes where it is (same inode, same size)."""
    data = path.read_bytes()
    assert data.count(old) >= 1 and len(old) == len(new)
    with open(path, "r+b") as f:
        f.write(data.replace(old, new, 1))


@pytest.mark.parametrize("how", ["edited", "removed", "replaced"])
def test_a_site_wide_file_changed_by_hand_is_not_spliced_from(
        site: tuple[Path, Path, Path], tmp_path: Path, how: str) -> None:
    root, cache, output = site
    for name, old, new in ((SITE_JSON, "虚构邻县", "虚构他县"), (FIGURES, "虚构邻县", "虚构他县"),
                           ("data/catalog.json", "虚构邻县", "虚构他县"), ("sitemap.xml", "linxian", "linxiam")):
        path = output / name
        if how == "edited":  # a department-year the next build does not change: its piece would be copied
            edit_in_place(path, old.encode(), new.encode())
        elif how == "removed":
            path.unlink()
        else:  # a file of the same size, written anew
            data = path.read_bytes().replace(old.encode(), new.encode())
            path.unlink()
            path.write_bytes(data)
    change_a_figure(root)
    build(root, output, cache)
    assert hashes(output) == cold(root, tmp_path / "cold")


def test_a_site_wide_page_changed_by_hand_is_rendered_again(
        rendered: list[str], site: tuple[Path, Path, Path], tmp_path: Path) -> None:
    root, cache, output = site
    edit_in_place(output / "index.html", "虚构缓存站".encode(), "虚构他人站".encode())
    change_a_figure(root)
    build(root, output, cache)
    assert "index.html" in rendered
    assert hashes(output) == cold(root, tmp_path / "cold")


def test_a_build_that_fails_after_the_site_wide_stage_leaves_the_state_of_the_last_good_one(
        site: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache, output = site
    state = (cache / "sitewide.pickle").read_bytes()
    change_a_figure(root)

    def failing(folder, reporter, **kwargs):  # type: ignore[no-untyped-def]
        reporter.error("pagefind", 1, "", Message("the index failed (a test)", "索引失败（测试）"))
        return None

    monkeypatch.setattr(engine, "index_site", failing)  # a cold build's
    monkeypatch.setattr(patch, "index_site", failing)  # a build in place's
    assert not build_site(root, output, Reporter(), cache_dir=cache).ok
    assert (cache / "sitewide.pickle").read_bytes() == state
    monkeypatch.undo()
    build(root, output, cache)
    assert (cache / "sitewide.pickle").read_bytes() != state
    assert hashes(output) == cold(root, tmp_path / "cold")


# -- splice.py, on bytes worked out by hand ------------------------------------------------------------


def pieces(*parts: tuple[bytes, bytes]) -> list[tuple[bytes, tuple[bytes, None, object]]]:
    return [(key, (b"", None, lambda data=data: (data,))) for key, data in parts]


def test_write_spliced_copies_the_pieces_the_old_file_holds_and_makes_the_others(tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_bytes(b"HEAD|aaa|bbbb|cc|TAIL")
    layout = Layout(signature(os.stat(old)), {b"h": (0, 5), b"a": (5, 4), b"b": (9, 5), b"c": (14, 3), b"t": (17, 4)})
    made_b = b"BBBBBB|"
    done = write_spliced(str(tmp_path / "new.csv"), pieces((b"h", b"x"), (b"a", b"x"), (b"b2", made_b), (b"c", b"x"),
                                                         (b"t", b"x")), str(old), layout)
    expected = b"HEAD|aaa|BBBBBB|cc|TAIL"
    assert (tmp_path / "new.csv").read_bytes() == expected
    assert (done.size, done.copied, done.made) == (23, 16, 7)
    assert done.sha256 == hashlib.sha256(expected).hexdigest()
    assert done.layout.pieces == {b"h": (0, 5), b"a": (5, 4), b"b2": (9, 7), b"c": (16, 3), b"t": (19, 4)}
    assert done.layout.signature == signature(os.stat(tmp_path / "new.csv"))


def test_write_spliced_makes_every_piece_when_the_old_file_is_not_the_one_described(tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_bytes(b"HEAD|aaa|")
    layout = Layout(signature(os.stat(old)), {b"h": (0, 5), b"a": (5, 4)})
    with open(old, "r+b") as f:
        f.write(b"HEAD|zzz|")  # same size, same inode: only the modification time tells
    os.utime(old, ns=(layout.signature[1] + 1_000_000, layout.signature[1] + 1_000_000))
    done = write_spliced(str(tmp_path / "new.csv"), pieces((b"h", b"HEAD|"), (b"a", b"aaa|")), str(old), layout)
    assert (tmp_path / "new.csv").read_bytes() == b"HEAD|aaa|" and (done.copied, done.made) == (0, 9)


# -- listings.py: a department's lines as one run of the catalogue's and the sitemap's path order --------


def test_departments_whose_folders_nest_are_not_taken_as_runs_of_the_path_order() -> None:
    # "a/b-x/" sorts before "a/b/" ("-" before "/"), and so do its pages: each department is one run
    runs = ["a/b/", "a/b-x/", "a/index.html", "index.html"]
    pages = ["a/b/index.html", "a/b/2020/index.html", "a/b-x/index.html", "a/index.html", "index.html"]
    assert listings.ordered(runs, {"a/b/", "a/b-x/"})
    assert sorted(pages) == ["a/b-x/index.html", "a/b/2020/index.html", "a/b/index.html", "a/index.html", "index.html"]
    # a department inside another's folder, or a site-wide page there: the runs would interleave
    assert not listings.ordered(["a/b/", "a/b/c/", "index.html"], {"a/b/", "a/b/c/"})
    assert not listings.ordered(["a/b/", "a/b/index.html"], {"a/b/"})
    assert listings.ordered(["a/b.html", "a/b/"], {"a/b/"})  # a page whose path is a prefix of a folder's sorts first
