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
