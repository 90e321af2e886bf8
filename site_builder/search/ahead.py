"""Indexing ahead: Pagefind started on the shard a warm build changed, while the build goes on.

A build after one department-year changed runs Pagefind again for the shard that holds the
department's pages (``index.assign_shards``: up to ``SHARD_PAGES`` pages, 3 to 4 seconds at
10,000 department-years). The index runs after the site-wide stage, which takes as long and
leaves the second core idle; yet which shard changed, and how, is known as soon as the
departments are written. So, then:

- the shards of the last index (``Layout``: each bundle's folder and its pages with their
  digests, kept by the build cache) tell which shards hold a page whose digest changed;
- for such a shard (one or two at most: more is no small change), its pages are taken to be the
  last index's, each with the digest of the page this build wrote or kept (``described``), or of
  the page the output folder holds (a site-wide page: the site-wide stage has not run yet);
- on a thread, their segmented copies are laid out in a folder (linked by a process of its own),
  Pagefind runs over them in another, and the bundle is kept in the store under that shard's key (``index.shard_key``: a digest of its folder and of every
  page's path and bytes), but not counted as used.

The index then works as it always does: a shard whose pages are, byte for byte, those indexed
ahead has that key and takes the bundle like any other kept one; a shard that is not (a site-wide
page in it changed as well, or a department gained pages) runs Pagefind again, and the bundle
made ahead is dropped with the others no build used. Either way the index is a cold build's.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .index import (BUNDLE, Described, Layout, SearchIndexError, die_with_parent, pagefind_binary, pagefind_command,
                    shard_key, tidy_bundle)
from .segment import segment_files

_LINK = """
import os, sys
data = sys.stdin.buffer.read().split(b"\\0")
made = set()
for source, target in zip(data[0::2], data[1::2]):
    folder = os.path.dirname(target)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)
    os.link(source, target)
"""
"""Hard-links each source at its target (NUL-separated pairs on its standard input), folders made as needed."""

MOST_SHARDS = 2
"""Shards indexed ahead at most: a change that reaches more is no small change, and each run holds
hundreds of MB beside the build."""


class AheadStore(Protocol):
    """What indexing ahead needs of the build cache (cache.ShardCache)."""

    def has_bundle(self, key: str) -> bool:
        """Whether a bundle is kept under ``key``."""

    def stash(self, key: str, bundle: Path) -> None:
        """Keep the bundle at ``bundle`` under ``key``, not counted as used by this build."""

    def segmented_source(self, rel: str) -> str | None:
        """Where the segmented copy of the page ``rel`` is, when its department was kept from an earlier
        build (not looked at on disk), or None."""

    def last_layout(self) -> Layout | None:
        """The shards of the last index made through this store, or None."""


@dataclass
class _Run:
    key: str
    first: bool  # the first shard's bundle (``pagefind/`` itself), which keeps the search code
    process: subprocess.Popen[bytes]
    bundle: Path


class Ahead:
    """Pagefind run ahead on the shards a build changed (see the module's docstring): ``start`` once the
    departments are written, ``finish`` before the index; closing it stops what still runs and removes
    its folders. ``work``: where its folders go (the build's temporary folder for it)."""

    def __init__(self, store: AheadStore, work: Path, site: Path) -> None:
        self.store = store
        self.work = work
        self.site = site  # the output folder as it is (the last build's site-wide pages)
        self.runs: list[_Run] = []
        self.binary: Path | None = None  # Pagefind, once found and checked here: the index need not check it again
        self._folders: list[Path] = []
        self._thread: threading.Thread | None = None
        self._closing = False
        self._lock = threading.Lock()

    def start(self, described: Mapping[str, Described], segmented: Path) -> None:
        """Start Pagefind for each shard of the last index with a page whose digest changed (``described``: the
        pages written or kept so far; ``segmented``: the segmented copies of those written). On a thread, which
        waits for the processes that link the copies and run Pagefind: the build goes on meanwhile."""
        self._thread = threading.Thread(target=self._start, args=(dict(described), segmented), name="index-ahead",
                                        daemon=True)
        self._thread.start()

    def _start(self, described: Mapping[str, Described], segmented: Path) -> None:
        layout = self.store.last_layout() or ()
        if len(layout) < 2:  # a site indexed in one run is small: nothing to gain
            return
        changed = [(folder, pages) for folder, pages in layout
                   if any(rel in described and described[rel][0] != digest for rel, digest in pages)]
        if not changed or len(changed) > MOST_SHARDS:
            return
        try:
            binary = self.binary = pagefind_binary()
        except SearchIndexError:
            return  # the index will say so
        for folder, pages in changed:
            try:
                self._start_one(binary, folder, [rel for rel, _ in pages], described, segmented)
            except OSError:
                continue  # ahead of time only: the index runs Pagefind itself
        for run in self.runs:  # waited for here: Linux kills a child started with die_with_parent when the
            run.process.wait()  # thread that started it ends (prctl(2), PR_SET_PDEATHSIG)

    def _start_one(self, binary: Path, folder: str, pages: list[str], described: Mapping[str, Described],
                   segmented: Path) -> None:
        work = Path(tempfile.mkdtemp(prefix="site-builder-ahead-", dir=self.work))
        self._folders.append(work)
        copy = work / "site"
        digests: dict[str, bytes] = {}
        links: list[str] = []  # source, target, source, target …
        to_segment: list[tuple[Path, Path]] = []
        for rel in pages:
            target = os.path.join(copy, rel)
            known = described.get(rel)
            if known is not None:  # a department's page: written by this build, or kept with its copy
                links += [self.store.segmented_source(rel) or os.path.join(segmented, rel), target]
            else:  # a page the site-wide stage makes again: as the last build left it
                page = os.path.join(self.site, rel)
                with open(page, "rb") as f:
                    known = (hashlib.sha256(f.read()).digest(), True)
                to_segment.append((Path(page), Path(target)))
            digests[rel] = known[0]
        # The links are made by a process of its own: from this thread, each of their system calls waited
        # for the interpreter, which the site-wide stage holds (5 s for 700 pages at 10,000 department-years).
        data = b"\0".join(os.fsencode(path) for path in links)
        if subprocess.run([sys.executable, "-I", "-S", "-c", _LINK], input=data, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, check=False).returncode != 0:
            return  # a copy missing: the index makes it
        segment_files(to_segment)
        key = shard_key(folder, pages, digests)
        if self.store.has_bundle(key):
            return
        bundle = work / "bundle"
        with self._lock:
            if self._closing:
                return
            process = subprocess.Popen(pagefind_command(binary, copy, bundle), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, preexec_fn=die_with_parent())
            self.runs.append(_Run(key, folder == BUNDLE, process, bundle))

    def finish(self) -> int:
        """Wait for the runs started, and keep each bundle made in the store under its shard's key: how many."""
        self._join()
        kept = 0
        for run in self.runs:
            if run.process.returncode != 0:
                continue
            try:
                tidy_bundle(run.bundle, first=run.first)
                self.store.stash(run.key, run.bundle)
            except (OSError, SearchIndexError):
                continue
            kept += 1
        self.runs = []
        self.close()
        return kept

    def close(self) -> None:
        """Stop what still runs (a build that stopped before its index) and remove the folders."""
        with self._lock:
            self._closing = True
            for run in self.runs:
                run.process.kill()
        self._join()
        self.runs = []
        for folder in self._folders:
            shutil.rmtree(folder, ignore_errors=True)
        self._folders = []

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
