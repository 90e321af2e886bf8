"""Search: a Pagefind index over the written site, with Chinese indexed character by character.

Pagefind cannot be used as it comes for Chinese (measured with 1.5.2 on this project's
pages, see docs/search.md): the standard binary does not segment Chinese, so a word inside
a sentence is never found; the extended binary segments with jieba while the browser
segments the query with ``Intl.Segmenter``, and the two disagree on compounds (八项规定,
专项业务经费 were found on about half of the pages holding them; upstream issue #1237).

So we segment ourselves, the same way on both sides:

- index side (here, with ``segment.py``): Pagefind reads a temporary copy of every written
  page in which each CJK character is a word of its own, and in which every space of the
  original text and every block boundary is marked by the word ``BOUNDARY`` (U+E000, a
  private-use character that cannot occur in our text), and which holds only what Pagefind reads
  of the page (not the header, footer, ignored content or unread attributes: ``segment_html``).
  The published pages are untouched.
- query side (``themes/default/static/search-core.js``): the reader's query becomes an
  exact phrase of those characters (``"八 项 规 定"``), which Pagefind matches only where
  the characters are consecutive. The boundary words keep a phrase from running across two
  table cells, and let the page show its excerpts with the original spaces.

Pagefind runs over the copy (``--site``), writing its bundle into the site's ``pagefind/``
folder. Its memory grows with the text it indexes (about 1 MB per page of this site), so a
large site is indexed in shards of at most ``SHARD_PAGES`` pages, one Pagefind run after
another. A shard is a range of a hash of the pages' departments (``assign_shards``), so a
department's pages are in one shard and a change in one department leaves every other shard
as it was: a build with a ``ShardStore`` runs Pagefind again only for the shards whose pages
changed. The first shard's bundle is ``pagefind/``, the others
``pagefind/shard-<range>/`` (the index only: the search code and WebAssembly come from the
first), listed in ``pagefind/shards.json``; the browser merges them into one search
(Pagefind's ``mergeIndex``, search-core.js ``mergeShards``). Its filter files come out in a
different order on every run; ``search/bundle.py`` puts them in a fixed one, so that two
builds are byte-identical.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..problems import Message, Reporter
from .bundle import BundleFormatError, make_deterministic
from .segment import segment_files
from .shards import Whole, assign_shards, department_folders, department_of, move_shard, whole_departments

PAGEFIND_VERSION = "1.5.2"
"""The Pagefind release the scheme was measured with; the pinned ``pagefind-bin`` must match."""

BUNDLE = "pagefind"
"""The folder of the site that holds the search bundle."""

LANGUAGE = "zh-cn"
PR_SET_PDEATHSIG = 1  # linux/prctl.h

SHARD_PAGES = 700
"""Pages per Pagefind run: about 650 MB of Pagefind's memory here (3.1 GB for 3,238 pages in one run), so
that a build with its index stays under 1 GB (the building process holds about 300 MB more at 10,000
department-years). Fewer, larger shards would cost readers fewer requests per query."""
MARK = b"data-pagefind-body"
Described = tuple[bytes, bool]
"""What the index needs of a page before it runs Pagefind (``describe``): its SHA-256 and whether it is marked."""
SHARDS = "shards.json"
"""In the first bundle: the folders (relative to it) of the other shards' bundles, in order."""
_SHARD_ONLY = ("pagefind.js", "pagefind-worker.js")  # and the WebAssembly: a merged index uses the first's

# Kept from Pagefind's bundle: the search API, its worker and the index itself. Its
# ready-made interfaces are not used (they would search without our segmentation).
_UNUSED_BUNDLE_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                        "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


class SearchIndexError(Exception):
    """Pagefind could not index the site."""


Layout = tuple[tuple[str, tuple[tuple[str, bytes], ...]], ...]
"""The shards of an index: each bundle's folder in the site (``pagefind``, ``pagefind/shard-<range>``) and its
pages in order, each with its SHA-256 (``describe``). A build keeps its last index's to run Pagefind ahead
on the shard an edit changed (ahead.py)."""


@dataclass(frozen=True)
class IndexResult:
    """What indexing did."""

    pages: int  # pages in the index
    seconds: float


def pagefind_binary() -> Path:
    """The Pagefind executable of the ``pagefind-bin`` package; SearchIndexError if absent or another version."""
    try:
        import pagefind_bin  # type: ignore[import-untyped]

        binary = Path(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError) as err:
        raise SearchIndexError(f"the Pagefind binary is not installed ({err}); install site_builder's dependencies: "
                               f"pip install 'pagefind-bin=={PAGEFIND_VERSION}'") from None
    try:
        version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60,
                                 check=True).stdout.split()[-1]
    except (OSError, subprocess.SubprocessError, IndexError) as err:
        raise SearchIndexError(f"the Pagefind binary {binary} does not run: {err}") from None
    if version != PAGEFIND_VERSION:
        raise SearchIndexError(f"Pagefind {version} is installed, but the search was built and measured with "
                               f"{PAGEFIND_VERSION}: pip install 'pagefind-bin=={PAGEFIND_VERSION}'")
    return binary


def describe(data: bytes) -> Described:
    """A page's bytes as the index sees them: their SHA-256 (shard keys, ``shard_key``) and whether the page
    marks its text with ``data-pagefind-body`` (which pages a shard holds). Whoever writes a page has its
    bytes in hand: it describes the page then (``build_index``'s ``described``), and the index need not read it."""
    return hashlib.sha256(data).digest(), MARK in data


def index_site(site_dir: Path, reporter: Reporter, *, name: str | None = None,
               segmented: Path | None = None, store: ShardStore | None = None,
               site: SiteFiles | None = None, described: Mapping[str, Described] | None = None,
               binary: Path | None = None) -> IndexResult | None:
    """Index every page of the written site in ``site_dir`` into ``site_dir/pagefind``.

    Reports an error naming ``name`` (the folder as the reader knows it; ``site_dir`` by
    default) and returns None when Pagefind cannot run or indexes nothing. ``segmented``:
    a folder (outside ``site_dir``) that already holds the segmented copies of some pages
    (``segment.segment_html`` of each, at the same path), written as they were rendered.
    ``site``: the site's pages when ``site_dir`` holds only some of them (a build updating its
    output folder in place writes only what changed: ``SiteFiles``).
    ``described``: pages (paths inside the site) described as they were written (``describe``).
    ``binary``: Pagefind, when this build found and checked it already (``pagefind_binary``).
    """
    where = name or str(site_dir)
    try:
        return build_index(site_dir, binary=binary, segmented=segmented, store=store, site=site, described=described)
    except SearchIndexError as err:
        reporter.error(where, 1, "search", Message(f"could not build the search index: {err}", f"无法生成搜索索引：{err}"))
        return None


@dataclass(frozen=True)
class SiteFiles:
    """A site whose files are in more than one folder: its HTML pages (paths inside the site, in path
    order), where each is now (``locate``), and its departments' folders (``department_folders``)."""

    pages: list[str]
    locate: Callable[[str], str]
    departments: frozenset[str]

    @classmethod
    def of(cls, files: Iterable[str], locate: Callable[[str], str]) -> SiteFiles:
        """The site of ``files`` (every file's path inside it, in any order; its search bundle left out), each
        now at ``locate(path)``."""
        files = list(files)
        pages = sorted(rel for rel in files if rel.endswith(".html") and not rel.startswith(BUNDLE + "/"))
        return cls(pages, locate, department_folders(files))


def build_index(site_dir: Path, binary: Path | None = None, segmented: Path | None = None,
                shard_pages: int | None = None, store: ShardStore | None = None,
                site: SiteFiles | None = None, described: Mapping[str, Described] | None = None) -> IndexResult:
    """``index_site`` without a reporter: raises SearchIndexError. ``shard_pages``: ``SHARD_PAGES`` by default.

    ``store``: where the bundles of earlier runs are kept (``ShardStore``): a shard whose pages are
    byte for byte those of a kept bundle takes that bundle instead of running Pagefind again.
    ``described``: the digest and mark (``describe``) of pages as their writer had them; only the
    pages it does not describe are read (reading and hashing every page took 0.66 s of a warm build
    per 1,000 department-years).
    """
    started = time.perf_counter()
    shard_pages = shard_pages or SHARD_PAGES
    binary = binary or pagefind_binary()
    bundle = site_dir / BUNDLE
    if bundle.exists():
        shutil.rmtree(bundle)
    if site is None:
        site = SiteFiles.of(list_files(site_dir), lambda rel: os.path.join(site_dir, rel))
    pages = site.pages
    with contextlib.ExitStack() as stack:
        copy = segmented or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="site-builder-search-")))
        # Pagefind indexes only pages marked data-pagefind-body when one page of its run is (and
        # every page when none is): a shard holds marked pages only, unless no page is marked.
        # (A site that fits one run is indexed as it is, without reading its pages again.)
        # A page its writer did not describe is read once, and only its digest and whether it is marked are
        # kept: holding every page's bytes took 300 MB per 1,000 department-years (3 GB at 10,000).
        digests: dict[str, bytes] = {}
        is_marked: set[str] = set()
        if len(pages) > shard_pages or store is not None:
            described = described or {}
            for rel in pages:
                known = described.get(rel)
                if known is None:
                    with open(site.locate(rel), "rb") as f:
                        known = describe(f.read())
                digests[rel], mark = known
                if mark:
                    is_marked.add(rel)
        marked = pages
        if len(pages) > shard_pages:
            marked = [rel for rel in pages if rel in is_marked] or pages
        department = department_of(site.departments)
        shards = assign_shards(marked, department, shard_pages) if len(pages) > shard_pages else [("", pages)]
        whole = whole_departments(pages, site.departments, department)
        folders = []
        layout: list[tuple[str, tuple[tuple[str, bytes], ...]]] = []
        removals: list[subprocess.Popen[bytes]] = []
        stack.callback(lambda: [removal.wait() for removal in removals])
        # An indexed shard's pages stay in the build's copy (``segmented``), which goes once the build is done;
        # a copy of our own is emptied as we go. On ext4 without a journal, each file Pagefind makes for the next
        # shard would pass over the inodes just freed (``recently_deleted``; benchmarks/run.py's SETTLE): at
        # 10,000 department-years, removing them meanwhile cost the index stage 4 to 5 s and Pagefind 4 to 6 s
        # of system time (87.4 and 86.1 s against 81.9 and 83.4 s, taken in turn).
        discard = (lambda folder: None) if segmented is not None else \
            (lambda folder: remove_meanwhile(folder, removals))
        for number, (label, shard) in enumerate(shards, 1):
            output = bundle if number == 1 else bundle / f"shard-{label}"
            key = shard_key(output.relative_to(site_dir).as_posix(), shard, digests) if store is not None else ""
            if store is None or not store.fetch(key, output):
                index_shard(binary, site.locate, copy, shard, output, single=len(shards) == 1, first=number == 1,
                            kept=store.segmented if store is not None else None, whole=whole,
                            discard=discard)
                if store is not None:
                    store.keep(key, output)
            folders.append(output)
            if store is not None and len(shards) > 1:
                layout.append((output.relative_to(site_dir).as_posix(), tuple((rel, digests[rel]) for rel in shard)))
    count = 0
    for output in folders:
        count += page_count(output)
    if count == 0:
        raise SearchIndexError("Pagefind found no page to index (no page marks its text with data-pagefind-body)")
    (bundle / SHARDS).write_text(json.dumps([f"{o.name}/" for o in folders[1:]]) + "\n", "utf-8")
    if store is not None and layout:
        store.keep_layout(tuple(layout))
    return IndexResult(count, time.perf_counter() - started)


def list_files(folder: Path) -> list[str]:
    """Every file below ``folder``, by its path inside it (in no set order), for an index of a folder whose
    writer is not at hand (the preview's snapshot). With ``os.scandir``, whose entries know their type:
    ``Path.rglob`` and a ``stat`` of each took 3.4 s for the 144,000 files of 10,000 department-years, this 1.1 s."""
    found: list[str] = []
    todo = [("", os.fspath(folder))]
    while todo:
        prefix, path = todo.pop()
        with os.scandir(path) as listing:
            for item in listing:
                if item.is_dir():
                    todo.append((f"{prefix}{item.name}/", item.path))
                elif item.is_file():
                    found.append(prefix + item.name)
    return found


def die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child receive SIGKILL when this process ends, however it ends
    (Linux's ``prctl(PR_SET_PDEATHSIG)``): a killed build leaves no Pagefind running. None elsewhere."""
    if sys.platform != "linux":
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def arm() -> None:  # runs in the child between fork and exec: nothing but two system calls
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the line above
            os.kill(os.getpid(), signal.SIGKILL)

    return arm


class ShardStore(Protocol):
    """Bundles of earlier runs of Pagefind, by the key of the pages they index (``shard_key``)."""

    def fetch(self, key: str, output: Path) -> bool:
        """Put the bundle kept under ``key`` at ``output`` (its own files, not its subfolders of other
        shards); False when none is kept."""

    def keep(self, key: str, output: Path) -> None:
        """Keep the bundle at ``output`` (its own files) under ``key``."""

    def segmented(self, rel: str) -> Path | None:
        """A segmented copy of the page ``rel`` kept from an earlier build (the same bytes), or None."""

    def keep_layout(self, layout: Layout) -> None:
        """Keep the shards of the index just made (more than one), for the next build to index ahead (ahead.py)."""


def shard_key(folder: str, shard: list[str], digests: dict[str, bytes]) -> str:
    """What a shard's bundle is a function of: Pagefind's version, where the bundle goes, and every page's path and
    bytes (``digests``: each page's SHA-256)."""
    h = hashlib.sha256(f"pagefind {PAGEFIND_VERSION}\0{folder}\0".encode())
    for rel in shard:
        h.update(rel.encode() + b"\0" + digests[rel])
    return h.hexdigest()


def index_shard(binary: Path, locate: Callable[[str], str], copy: Path, shard: list[str], output: Path, *, single: bool,
                first: bool, kept: Callable[[str], Path | None] | None, whole: Whole,
                discard: Callable[[Path], object]) -> None:
    """Run Pagefind over the segmented copies of ``shard``'s pages into ``output``: those in ``copy``, else
    ``kept(page)`` (linked), else made now. Unless the shard is the whole site (``single``), its pages are
    moved into a folder of their own (``move_shard``, with ``whole``), which is handed to ``discard`` once
    indexed (or failed): removed then, or left to go with the copy."""
    pairs = [(Path(locate(rel)), copy / rel) for rel in shard]
    missing = []
    for rel, (source, target) in zip(shard, pairs):
        if target.is_file():
            continue
        earlier = kept(rel) if kept is not None else None
        if earlier is None:
            missing.append((source, target))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(earlier, target)
        except OSError:
            shutil.copyfile(earlier, target)
    segment_files(missing)
    if single:
        run_pagefind(binary, copy, output)
    else:  # a folder of its own, laid out as the site (Pagefind's URLs are paths below --site), inside the copy:
        # a killed build's goes with its copy (the build's temporary folder, which the next build removes)
        folder = Path(tempfile.mkdtemp(prefix=".shard-", dir=copy))  # no page's path starts with a dot
        try:
            move_shard(copy, folder, shard, whole(shard))
            run_pagefind(binary, folder, output)
        finally:
            discard(folder)  # its pages are indexed: removed now, or left to go with the copy
    tidy_bundle(output, first=first)


def remove_meanwhile(folder: Path, removals: list[subprocess.Popen[bytes]]) -> None:
    """Remove ``folder`` while the build goes on: a shard's pages once indexed, while the next shard is indexed
    (the removal is system calls, 3,500 rmdir and unlink at 1,000 department-years, seconds of wall time on a
    busy disk). By a process (``rm``), not a thread: Pagefind is started with a ``preexec_fn``, which a
    thread running meanwhile could deadlock. ``removals``: the running ones, waited for by the caller."""
    if os.name == "posix":
        try:
            removals.append(subprocess.Popen(["rm", "-rf", "--", str(folder)], stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            return
        except OSError:
            pass
    shutil.rmtree(folder, ignore_errors=True)


def pagefind_command(binary: Path, site: Path, output: Path) -> list[str]:
    """Pagefind's command line to index the (segmented) pages below ``site`` into the bundle ``output``."""
    return [str(binary), "--site", str(site), "--output-path", str(output.resolve()), "--force-language", LANGUAGE,
            "--silent"]


def run_pagefind(binary: Path, site: Path, output: Path) -> None:
    """Index the (segmented) pages below ``site`` into the bundle ``output``."""
    command = pagefind_command(binary, site, output)
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=1800, preexec_fn=die_with_parent())
    except (OSError, subprocess.SubprocessError) as err:
        raise SearchIndexError(f"Pagefind did not run: {err}") from None
    if run.returncode != 0:
        detail = (run.stderr.strip() or run.stdout.strip() or "no message").splitlines()[-10:]
        raise SearchIndexError(f"Pagefind exited with status {run.returncode}: " + " / ".join(detail))


ENTRY = "pagefind-entry.json"  # in every bundle: its languages and page counts


def page_count(bundle: Path) -> int:
    """The pages a bundle indexes."""
    entry = bundle / ENTRY
    try:
        languages = json.loads(entry.read_text("utf-8"))["languages"]
        return sum(lang["page_count"] for lang in languages.values())
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise SearchIndexError(f"Pagefind wrote no usable {entry.relative_to(bundle.parent)} ({err})") from None


def tidy_bundle(bundle: Path, first: bool) -> None:
    """Drop what the site does not use from a bundle, put it in a fixed order."""
    page_count(bundle)
    unused = [bundle / name for name in _UNUSED_BUNDLE_FILES]
    if not first:
        unused += [bundle / name for name in _SHARD_ONLY] + list(bundle.glob("wasm.*.pagefind"))
    for path in unused:
        path.unlink(missing_ok=True)
    try:
        make_deterministic(bundle)
    except (OSError, BundleFormatError) as err:
        raise SearchIndexError(f"cannot put Pagefind's filter files in a fixed order: {err}") from None
