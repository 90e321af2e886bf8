"""The listing of an output folder (build/manifest.py): by GNU find, else by Python, the same manifest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder.build import manifest as listing


def tree(root: Path) -> dict[str, bytes]:
    """A small site: files at three depths, an empty folder, a name with a space, a tab and Chinese."""
    files = {"index.html": b"<p>1</p>", "a/b/c.json": b"{}", "a/x y.csv": b"1,2\n", "a/\u9884\u7b97\tz.txt": b"",
             "pagefind/p.js": b"//", "pagefind/shard-1/e.json": b"[]"}
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (root / "empty").mkdir()
    return files


def by_hand(root: Path, rels: list[str]) -> listing.Manifest:
    """Each file's (size, mtime in ns, inode) from os.stat, one by one."""
    return {rel: (st.st_size, st.st_mtime_ns, st.st_ino) for rel in rels for st in [os.stat(root / rel)]}


@pytest.mark.parametrize("how", ["find", "python"])
def test_a_folder_is_listed_file_by_file_with_each_files_signature(tmp_path: Path, how: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    if how == "python":
        monkeypatch.setattr(listing.shutil, "which", lambda name: None)  # a system without find
    else:
        try:
            listing.find_scan(tmp_path)
        except listing.NoFind:
            pytest.skip("no GNU find here")
    files = tree(tmp_path)
    os.utime(tmp_path / "index.html", ns=(1_700_000_000_123_456_789, 1_700_000_000_123_456_789))
    assert listing.scan(tmp_path) == by_hand(tmp_path, list(files))
    assert listing.scan(tmp_path)["index.html"][1] == 1_700_000_000_123_456_789
    assert listing.scan(tmp_path, "pagefind") == by_hand(tmp_path, [rel for rel in files if "pagefind" not in rel])


@pytest.mark.parametrize("how", ["find", "python"])
def test_a_link_or_a_missing_folder_gives_no_manifest(tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if how == "python":
        monkeypatch.setattr(listing.shutil, "which", lambda name: None)
    tree(tmp_path)
    (tmp_path / "a" / "link").symlink_to(tmp_path / "index.html")  # a build never makes one
    assert listing.scan(tmp_path) is None
    assert listing.scan(tmp_path / "gone") is None


def later_than(ns: int, path: Path) -> None:
    """Append to ``path`` until its ctime is after ``ns`` (file systems keep times by a clock tick)."""
    while True:
        with open(path, "ab") as f:
            f.write(b"+")
        if os.stat(path).st_ctime_ns > ns:
            return


def test_what_changed_since_a_time_is_listed_in_full_and_the_rest_only_counted(tmp_path: Path) -> None:
    try:
        listing.find_scan(tmp_path)
    except listing.NoFind:
        pytest.skip("no GNU find here")
    files = tree(tmp_path)
    since = max(os.stat(tmp_path / rel).st_ctime_ns for rel in files)
    later_than(since, tmp_path / "a" / "x y.csv")
    later_than(since, tmp_path / "pagefind" / "p.js")
    assert listing.changed_since(tmp_path, since) == (6, by_hand(tmp_path, ["a/x y.csv", "pagefind/p.js"]))
    assert listing.changed_since(tmp_path, since, "pagefind") == (4, by_hand(tmp_path, ["a/x y.csv"]))
    (tmp_path / "index.html").unlink()  # its folder changed; the file is gone from the count
    assert listing.changed_since(tmp_path, since, "pagefind") == (3, by_hand(tmp_path, ["a/x y.csv"]))
    (tmp_path / "a" / "link").symlink_to(tmp_path / "a" / "x y.csv")
    assert listing.changed_since(tmp_path, since) is None
    assert listing.changed_since(tmp_path / "gone", since) is None


def test_a_stamp_is_the_file_systems_time_less_a_margin(tmp_path: Path) -> None:
    before = (tmp_path / "before")
    before.write_bytes(b"")
    taken = listing.stamp(tmp_path)
    after = tmp_path / "after"
    after.write_bytes(b"")
    assert taken == pytest.approx(before.stat().st_ctime_ns - listing.STAMP_MARGIN_NS, abs=1_000_000_000)
    assert taken < after.stat().st_ctime_ns - listing.STAMP_MARGIN_NS // 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["after", "before"]  # the stamp's file is gone
