"""Two pages on one URL are an error in every mode, whichever process renders them.

A department's pages are rendered and written by a worker; the building process claims
every path a worker reports (the route table) before anything is committed. Here a
department folder ``xugou/shili`` (region 虚构省) holds another department's folder
``lines`` (region 虚构省 虚构市, whose region folder is then ``xugou/shili``): the first
department's page is also the region page of 虚构市, and its lines page (``…/lines/``) is
also the second department's page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from buildkit import build, hashes
from site_builder.build.writer import Writer
from sitekit import MINIMAL, MINIMAL_PATH, write_tree

REGION = "{省: 虚构省, 市: 虚构市, 县: 虚构县}"
OUTER = MINIMAL.replace(REGION, "{省: 虚构省}")
INNER = (MINIMAL.replace(REGION, "{省: 虚构省, 市: 虚构市}").replace('部门编码: "999001"', '部门编码: "999002"')
         .replace("虚构县示例局（虚构数据）", "虚构市线路局（虚构数据）"))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_department_page_on_a_site_page_or_on_another_departments_page_is_an_error(tmp_path: Path,
                                                                                      workers: int) -> None:
    root = write_tree(tmp_path, f"-- {MINIMAL_PATH} --\n{MINIMAL}")
    assert build(root, search_index=False, workers=workers)[0].ok
    before = hashes(root / "output")
    write_tree(root, f"-- content/xugou/shili/2020.yaml --\n{OUTER}-- content/xugou/shili/lines/2020.yaml --\n{INNER}")
    result, reporter = build(root, search_index=False, workers=workers)
    assert not result.ok
    errors = sorted((Path(p.file).as_posix().split("content/", 1)[1], p.message) for p in reporter.errors)
    outer = next(p.file for p in reporter.errors if p.file.endswith("content/xugou/shili/2020.yaml"))
    assert errors == [
        ("xugou/shili/2020.yaml", f"{outer} would be written to xugou/shili/index.html, which is already the page of "
                                  "the region page of xugou/shili"),
        ("xugou/shili/lines/2020.yaml", f"{outer.replace('2020.yaml', 'lines/2020.yaml')} would be written to "
                                        f"xugou/shili/lines/index.html, which is already the page of {outer}"),
    ]
    assert hashes(root / "output") == before  # the previous site stays


def test_every_writer_claims_each_path_once(tmp_path: Path) -> None:
    from site_builder.build.patch import PatchWriter, QuickWriter
    from site_builder.build.writer import SiteWriter

    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("虚构", encoding="utf-8")
    with SiteWriter(tmp_path / "a") as full, PatchWriter(tmp_path / "site", {}) as patch:
        writers: list[Writer] = [full, patch, QuickWriter(tmp_path / "site")]
        for writer in writers:
            claims_each_path_once(writer)


def claims_each_path_once(writer: Writer) -> None:
    from site_builder.build.writer import WrittenTwice

    writer.write_text("x/index.html", "虚构")
    with pytest.raises(WrittenTwice):
        writer.write_bytes("x/index.html", "虚构".encode())
    with pytest.raises(ValueError):  # no path out of the site
        writer.write_text("../outside.html", "虚构")
    assert writer.written == 1


def test_a_page_of_a_department_kept_in_place_claimed_again_is_told_as_a_cold_build_tells_it(tmp_path: Path) -> None:
    """A warm build claims the pages of a department it keeps in place only to check that no other page
    takes their paths (sitewide.claim_routes): here the department ``xugou/shili`` is built and kept, then a
    department inside its folder is added, whose region page is the kept department's page."""
    root = write_tree(tmp_path, f"-- {MINIMAL_PATH} --\n{MINIMAL}-- content/xugou/shili/2020.yaml --\n{OUTER}")
    cache = tmp_path / "cache"
    assert build(root, search_index=False, cache_dir=cache)[0].ok
    before = hashes(root / "output")
    write_tree(root, f"-- content/xugou/shili/lines/2020.yaml --\n{INNER}")
    warm, told = build(root, search_index=False, cache_dir=cache)
    cold, cold_told = build(root, search_index=False)
    assert not warm.ok and not cold.ok
    outer = next(p.file for p in cold_told.errors if p.file.endswith("content/xugou/shili/2020.yaml"))
    assert [(p.file, p.message) for p in told.errors] == [(p.file, p.message) for p in cold_told.errors]
    assert (outer, f"{outer} would be written to xugou/shili/index.html, which is already the page of the region "
                   "page of xugou/shili") in [(p.file, p.message) for p in told.errors]
    assert hashes(root / "output") == before


def test_a_patch_writer_keeps_a_file_of_the_site_once(tmp_path: Path) -> None:
    from site_builder.build.patch import PatchWriter
    from site_builder.build.writer import WrittenTwice

    (tmp_path / "site").mkdir()
    with PatchWriter(tmp_path / "site", {"a.html": (1, 1, 1), "b.html": (1, 1, 2)}) as writer:
        writer.keep_all(["a.html"])
        with pytest.raises(WrittenTwice):
            writer.keep_all(["b.html", "a.html"])  # kept already
        with pytest.raises(WrittenTwice):
            writer.keep_all(["b.html", "b.html"])
        with pytest.raises(FileNotFoundError):
            writer.keep_all(["c.html"])  # not in the site
        writer.keep_all(["b.html"])
        assert sorted(writer.paths()) == ["a.html", "b.html"] and writer.written == 2
