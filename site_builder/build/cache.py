"""The persistent build cache of ``site-builder build``: a rebuild does only what changed.

A full build (fullbuild.py) makes each department from its own files and its regions' names
only, and sends back a summary of it. The cache keeps, for each department, that summary and
the files it wrote (hard links, so no disk is spent on a second copy), under a key made of

- the bytes of each of the department's content files (their digests) and their names,
- the bytes of every other file beside them (the source documents their pages publish),
- what every department's pages depend on besides: the theme's templates
  (``incremental.theme_fingerprint``, as the preview's cache), ``site.toml`` as read, the
  scorecard items, ``crosswalk.yaml``, the package's version and the digest of its own code,
  the content folder;

and, for the search index, each shard's bundle under the digest of its pages (``search.ShardStore``).
A build after one department-year changed so loads, checks, derives, renders and writes that
department only (the others' files are linked from the cache into the new site), makes the
site-wide pages and files again from the summaries, and runs Pagefind only for the shard(s)
whose pages changed. The result is byte for byte a cold build's (tests/test_build_cache.py
checks it after every kind of edit), and the new site is still swapped in whole at the end.

The folder (``.cache/site-builder/`` by default) is safe to delete at any time: the next build
is then cold. It keeps only what the last build used. Two builds sharing it at once: the second
builds without it. A cached file found changed on disk (someone edited the site by hand) is not
used: its department is built again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pickle
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..content.load import content_root_of
from ..content.crosswalk import SITE_FILE
from .incremental import theme_fingerprint
from ..site.render import Theme

DEFAULT_FOLDER = Path(".cache") / "site-builder"
FORMAT = 1  # bumped when what is stored changes
_DEPARTMENTS = "departments"
_SEARCH = "search"
_SUMMARY = "summary.pickle"
_FILES = "files"
_SEGMENTED = "segmented"


def code_digest() -> bytes:
    """A digest of the package's own files (its code, built-in theme and defaults): a developer's edit counts."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(f"site_builder {__version__} {FORMAT}\0".encode())
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.digest()


def site_digest(theme: Theme, config: Any, items_key: str, content_root: Path) -> bytes:
    """What every department's pages depend on besides its own files (the site's crosswalk of renumbered
    codes, which comparisons follow, included)."""
    h = hashlib.sha256(code_digest())
    h.update(theme_fingerprint(theme))
    h.update(repr(config).encode() + b"\0" + items_key.encode() + b"\0")
    crosswalk = content_root_of(content_root).parent / SITE_FILE
    h.update(crosswalk.read_bytes() if crosswalk.is_file() else b"no crosswalk")
    # Where the content is, and the working folder, are in the problems' file names.
    h.update(str(content_root.resolve()).encode() + b"\0" + os.getcwd().encode())
    return h.digest()


@dataclass
class Stats:
    """What the cache did in one build."""

    reused: int = 0  # departments taken from the cache
    built: int = 0  # departments made (absent from the cache, or changed)
    shards_reused: int = 0
    shards_built: int = 0


class ShardCache:
    """Search shards' bundles in ``folder``, by the digest of their pages (``search.ShardStore``).

    The preview keeps one in its temporary folder, so that refreshing its index after an edit
    runs Pagefind only for the shard(s) the edit changed.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.stats = Stats()
        self._used_shards: set[str] = set()
        (folder / _SEARCH).mkdir(parents=True, exist_ok=True)

    def segmented(self, rel: str) -> Path | None:
        """A segmented copy of the page ``rel`` as kept, or None."""
        return None

    # -- search shards (search.ShardStore) --------------------------------------------------

    def fetch(self, key: str, output: Path) -> bool:
        source = self.folder / _SEARCH / key
        if not source.is_dir():
            return False
        self._used_shards.add(key)
        made: set[Path] = set()
        for path in sorted(source.rglob("*")):
            if path.is_file():
                _link(path, output / path.relative_to(source), made)
        self.stats.shards_reused += 1
        return True

    def keep(self, key: str, output: Path) -> None:
        self._used_shards.add(key)
        self.stats.shards_built += 1

        def fill(staging: Path) -> None:
            for path in sorted(output.rglob("*")):
                rel = path.relative_to(output)
                if path.is_file() and not rel.parts[0].startswith("shard-"):  # another shard's, inside the first
                    _link(path, staging / rel)

        _store(self.folder / _SEARCH / key, fill)

    def prune_shards(self) -> None:
        """Drop the bundles the last index did not use."""
        _prune(self.folder / _SEARCH, self._used_shards)
        self._used_shards = set()


class PersistentCache(ShardCache):
    """The cache folder of one build: lookups and stores of departments and search shards.

    Made by ``open_cache``, which holds the folder's lock for the build.
    """

    def __init__(self, folder: Path, site: bytes) -> None:
        super().__init__(folder)
        self.site = site
        self._used: set[str] = set()
        self._segmented: dict[str, Path] = {}  # page → its kept segmented copy (of departments taken as kept)

    def segmented(self, rel: str) -> Path | None:
        path = self._segmented.get(rel)
        return path if path is not None and path.is_file() else None

    # -- departments ----------------------------------------------------------------------

    def department_key(self, base: Path, files: Sequence[Path]) -> str:
        """The key of the department of ``files``: its folder, and the name and bytes of each of its content
        files and of every other file beside them (the source documents its pages publish)."""
        h = hashlib.sha256(self.site)
        folder, root = files[0].parent, base.resolve()
        h.update(os.path.relpath(folder, base).encode() + b"\0")
        for path in sorted({*files, *folder.iterdir()}):
            h.update(path.name.encode() + b"\0" + _file_digest(path, root))
        return h.hexdigest()

    def summary(self, key: str) -> Any | None:
        """The summary kept under ``key``, when every file it lists is still as it was written; else None."""
        entry = self.folder / _DEPARTMENTS / key
        try:
            with open(entry / _SUMMARY, "rb") as f:
                summary, stats = pickle.load(f)
            for rel, signature in stats.items():
                if _signature(entry / rel) != signature:
                    return None
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError):
            return None
        return summary

    def link_department(self, key: str, summary: Any, folder: Path) -> None:
        """Put the files of the department kept under ``key`` into the site being written; the search
        index's segmented copies of its pages are offered to the index (``segmented``), which takes
        those of the shards it indexes again."""
        entry = self.folder / _DEPARTMENTS / key
        made: set[Path] = set()
        for rel in department_files(summary):
            _link(entry / _FILES / rel, folder / rel, made)
            if rel.endswith(".html"):
                self._segmented[rel] = entry / _SEGMENTED / rel
        self._used.add(key)
        self.stats.reused += 1

    def keep_department(self, key: str, summary: Any, folder: Path, segmented: Path | None) -> None:
        """Keep the department just built under ``key``: its summary and (linked) the files it wrote in ``folder``."""
        self._used.add(key)
        self.stats.built += 1

        def fill(staging: Path) -> None:
            stats = {}
            for rel in department_files(summary):
                _link(folder / rel, staging / _FILES / rel)
                stats[f"{_FILES}/{rel}"] = _signature(staging / _FILES / rel)
                if segmented is not None and rel.endswith(".html") and (segmented / rel).is_file():
                    _link(segmented / rel, staging / _SEGMENTED / rel)
                    stats[f"{_SEGMENTED}/{rel}"] = _signature(staging / _SEGMENTED / rel)
            with open(staging / _SUMMARY, "wb") as f:
                pickle.dump((summary, stats), f, protocol=pickle.HIGHEST_PROTOCOL)

        _store(self.folder / _DEPARTMENTS / key, fill)

    # -- after a good build -----------------------------------------------------------------

    def prune(self) -> None:
        """Drop what this build did not use (the cache holds one site: the last one built)."""
        _prune(self.folder / _DEPARTMENTS, self._used)
        if self._used_shards:  # a build without the index keeps the last index's bundles
            self.prune_shards()


def _store(target: Path, fill: Callable[[Path], None]) -> None:
    """Keep a new entry at ``target``: ``fill`` a folder beside it, renamed into place whole or
    not at all (an entry already there is the same one: keys are digests of its inputs)."""
    if target.exists():
        return
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name[:16]}-", dir=target.parent))
    try:
        fill(staging)
        os.rename(staging, target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


def department_files(summary: Any) -> list[str]:
    """Every file a department's summary says it wrote: its pages (and the comparisons' downloads) and its years' files."""
    return [route.path for route in summary.pages] + [d.path for _, files in summary.year_files for d in files]


@contextlib.contextmanager
def open_cache(folder: Path, site: bytes) -> Iterator[PersistentCache | None]:
    """The cache in ``folder`` for one build, locked; None when another build holds it or it cannot be made."""
    try:
        for kind in (_DEPARTMENTS, _SEARCH):
            (folder / kind).mkdir(parents=True, exist_ok=True)
        lock = open(folder / "lock", "a+b")
    except OSError:
        yield None
        return
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield None
            return
        yield PersistentCache(folder, site)


def _file_digest(path: Path, root: Path) -> bytes:
    """The digest of a regular file inside ``root``; of what else it is, unread (a pipe, a folder, a link
    out of content/: the build refuses those files, or they are not content)."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            return b"not a file"
        if not path.resolve().is_relative_to(root):
            return b"outside"
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return b"unreadable"


def _prune(folder: Path, used: set[str]) -> None:
    for child in folder.iterdir() if folder.is_dir() else ():
        if child.name not in used:
            shutil.rmtree(child, ignore_errors=True)


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _link(source: Path, target: Path, made: set[Path] | None = None) -> None:
    """Hard-link ``source`` at ``target`` (a copy where links are impossible), folders made as needed
    (those in ``made`` are there already; added to it)."""
    if made is None or target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(target.parent)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
