"""Which pages a search shard holds, and moving them into a folder of their own for Pagefind.

A large site is indexed in shards (``index.py``): ranges of a hash of the pages' departments
(``assign_shards``), so that a department's pages are in one shard and a change in one department
leaves every other shard as it was. Pagefind reads a shard's segmented pages from a folder laid out
as the site (``move_shard``).
"""

from __future__ import annotations

import bisect
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from ..site import routes


def department_folders(files: Iterable[str]) -> frozenset[str]:
    """The folders of a site's departments, from the paths of its files: a department's folder is told
    by a year below it, a folder with a ``data/`` folder of its own (``a/b/xinfang`` for
    ``a/b/xinfang/2020/data/….json``). From the paths alone: no folder is listed (at 10,000
    department-years listing them took seconds of a warm build)."""
    found: set[str] = set()
    inside = f"/{routes.DATA}/"
    for rel in files:
        if inside not in rel:  # the pages and the search bundle (a test in C, before any split)
            continue
        parts = rel.split("/")
        for i in range(2, len(parts) - 1):
            if parts[i] == routes.DATA:
                found.add("/".join(parts[:i - 1]))
    return frozenset(found)


def department_of(departments: frozenset[str]) -> Callable[[str], str]:
    """The department folder of a page (``a/b/xinfang`` for its page and those of its years, its
    comparisons and its lines), or the page's own folder for a page of no department (the glossary);
    ``departments``: the site's department folders (``department_folders``)."""

    def department(rel: str) -> str:
        folder = rel.rpartition("/")[0]
        above = folder
        while above:
            if above in departments:
                return above
            above = above.rpartition("/")[0]
        return folder

    return department


def assign_shards(pages: list[str], department: Callable[[str], str], limit: int) -> list[tuple[str, list[str]]]:
    """``pages`` (in path order) in shards of at most ``limit`` pages, each page with its department's.

    Shards are ranges of a hash: each page's is the SHA-256 of its department (then of its path),
    and the whole range is halved, and its halves halved, until each holds at most ``limit`` pages.
    A shard is so a function of the pages in its range only: a change in one department (pages
    added, removed or edited) changes its own shard, or splits it or merges it with its twin, and
    leaves every other shard as it was, with the same pages and the same name. Returns (name, pages)
    in hash order, each shard's pages in path order; the name is the range's bits.
    """
    tops: dict[str, int] = {}  # each department's half of the hash, worked out once (not once a page)
    keyed = []
    for rel in pages:
        folder = department(rel)
        top = tops.get(folder)
        if top is None:
            top = tops[folder] = int.from_bytes(hashlib.sha256(folder.encode()).digest()[:8], "big") << 64
        keyed.append((top | int.from_bytes(hashlib.sha256(rel.encode()).digest()[:8], "big"), rel))
    keyed.sort()
    keys = [key for key, _ in keyed]
    shards: list[tuple[str, list[str]]] = []

    def split(prefix: str, value: int, start: int, end: int) -> None:
        """``keyed[start:end]``: the pages whose hash starts with the bits ``prefix`` (``value``, the rest 0)."""
        if end - start <= limit or len(prefix) == 128:
            if end > start:
                shards.append((prefix, sorted(rel for _, rel in keyed[start:end])))
            return
        one = value | 1 << (127 - len(prefix))
        middle = bisect.bisect_left(keys, one, start, end)  # the first page whose next bit is 1
        split(prefix + "0", value, start, middle)
        split(prefix + "1", one, middle, end)

    split("", 0, 0, len(keyed))
    return shards


Whole = Callable[[list[str]], Mapping[str, str]]
"""Of a shard's pages, those whose department's folder in the segmented copy holds them all and nothing else,
each with that folder (``whole_departments``)."""


def whole_departments(pages: list[str], departments: frozenset[str], department: Callable[[str], str]) -> Whole:
    """``Whole`` for a site of ``pages`` (every page the copy may hold): a department's folder is whole in a shard
    when the shard holds every page of the department and no other department's folder is below it. Worked out
    at the first shard that is moved (a build that runs Pagefind on no shard, or on one, needs none of it)."""
    total: Counter[str] = Counter()
    nested: set[str] = set()

    def whole(shard: list[str]) -> Mapping[str, str]:
        if not total:
            total.update(department(rel) for rel in pages)
            nested.update(above for folder in departments for above in _ancestors(folder) if above in departments)
        ours = {rel: department(rel) for rel in shard}
        count = Counter(ours.values())
        return {rel: folder for rel, folder in ours.items()
                if folder in departments and folder not in nested and count[folder] == total[folder]}

    return whole


def _ancestors(folder: str) -> Iterator[str]:
    while "/" in folder:
        folder = folder.rpartition("/")[0]
        yield folder


def move_shard(copy: Path, folder: Path, shard: list[str], whole: Mapping[str, str]) -> None:
    """Move the segmented copies of ``shard``'s pages from ``copy`` to the same paths in ``folder``: a whole
    department (``whole``: page → its department's folder) in one rename of its folder, the other pages one by one.
    Each folder is made once, and the emptied ones are left to the copy's owner. (A page a rename and its
    folder a ``mkdir``: 6 s of the main thread at 10,000 department-years, where making a folder took up to 140 µs.)"""
    made: set[str] = set()
    for rel in sorted(set(whole.values())) + [rel for rel in shard if rel not in whole]:
        moved = os.path.join(folder, rel)
        parent = os.path.dirname(moved)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)  # (os.renames would try to remove every emptied source folder)
            made.add(parent)
        os.rename(os.path.join(copy, rel), moved)
