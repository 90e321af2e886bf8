"""A warm build's writer: only the files that changed, renamed into ``output/`` when the build succeeded.

A cold build writes the whole site into a new folder and swaps it in (writer.SiteWriter). A
build after a small edit would spend most of its time putting the unchanged files into that
new folder (at 10,000 department-years, ~100,000 files: linking them took longer than building
what changed). So when ``output/`` is, file for file, what the last build through the cache
left there (its ``Manifest``: every file's size, modification time and inode, as ``scan`` finds
them), the build writes only what it made again into a staging folder beside ``output/``, and
``commit`` renames each of those files into place and deletes the files the new site no longer
has. The files it kept are claimed (``keep``) without being touched. The check of ``output/``
against the manifest runs on a thread beside the build (``OutputCheck``: at 10,000 department-years
a listing of 144,000 files in 47,000 folders, by GNU find: manifest.py); the commit waits for it, and a
build that finds ``output/`` changed then is done again into a new folder (engine.build_full).

What still holds: nothing is put in place unless every page was rendered, every check passed
and the search index was built (a failed build leaves ``output/`` as it was); each file is
replaced in one rename, so a reader sees the old file or the new one. What is given up against
a cold build's swap: during the commit (milliseconds for a few files) the site is part old,
part new. A commit cut short (the process killed) leaves files that match no manifest, so the
next build finds ``output/`` changed and builds cold. So does any file of ``output/`` edited,
added or removed by hand.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType

from ..problems import Reporter
from ..search.index import BUNDLE, ENTRY, SHARDS, Described, Layout, SiteFiles, index_site
from .cache import ShardCache
from .manifest import Changes, Manifest, NoFind, changed_since, scan, stamp
from .writer import (Signature, WrittenTwice, claim_path, close_staging, file_signature, open_staging,
                     replace_file, signature, site_folder, start_writeback, write_parts_to)


class OutputChanged(Exception):
    """The output folder is not what the last build left there: a build in place cannot commit."""


class OutputCheck:
    """``holds_as_left`` of an output folder, worked out on a thread of its own while the build runs (a
    scan of 100,000 files is mostly system calls, which leave the interpreter to the build)."""

    def __init__(self, folder: Path, manifest: Manifest, touched: frozenset[str], skip: str | None,
                 since: int = 0) -> None:
        self._found: Manifest | None = None
        self._error: BaseException | None = None
        self.stamp = 0  # since when the manifest found holds (manifest.stamp), once the check is over
        self._thread = threading.Thread(target=self._run, args=(folder, manifest, touched, skip, since),
                                        name="output-check", daemon=True)
        self._thread.start()

    def _run(self, folder: Path, manifest: Manifest, touched: frozenset[str], skip: str | None, since: int) -> None:
        try:
            taken = stamp(folder.parent)
            self._found = holds_as_left(folder, manifest, touched, skip, since)
            self.stamp = taken
        except BaseException as err:  # pragma: no cover - handed to the caller of result()
            self._error = err

    def wait(self) -> None:
        self._thread.join()

    def failed(self) -> bool:
        """Whether the check is over and found the output folder changed (without waiting for it)."""
        return not self._thread.is_alive() and self._error is None and self._found is None

    def result(self) -> Manifest:
        """The output folder's manifest as it is; OutputChanged when it is not as the last build left it."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        if self._found is None:
            raise OutputChanged()
        return self._found


def restat(folder: Path, manifest: Manifest, touched: Iterable[str]) -> None:
    """Update ``manifest`` (of ``folder``) with the signatures of the files ``touched`` as they are now (None: gone)."""
    for rel in touched:
        found = file_signature(folder / rel)
        if found is None:
            manifest.pop(rel, None)
        else:
            manifest[rel] = found


def confirm(writer: object, wait: bool = True) -> None:
    """Raise OutputChanged when ``writer`` is a build in place whose output folder was found changed (a
    failure of such a build is then the build's to retry into a new folder, not the author's). Without
    ``wait``, only when the check is over already: a build asks between its stages, so as not to go on
    with work it will do again."""
    if isinstance(writer, PatchWriter) and writer.check is not None and (wait or writer.check.failed()):
        writer.check.result()


class PatchWriter:
    """Writes the files of one build that changed into a staging folder beside ``output``, and
    claims those kept as they are (``keep``); ``commit`` puts the new ones in place and removes
    those of ``previous`` (the manifest of ``output`` as it is) that no file of this build claims.
    After the commit, ``manifest`` is the new site's. With a ``check``, ``previous`` is the manifest the
    last build left, and the commit first waits for the check of ``output`` (OutputChanged when it fails).
    """

    def __init__(self, output: Path, previous: Manifest, check: OutputCheck | None = None) -> None:
        self.output = output
        self.check = check
        self._site = site_folder(output)
        self._temp, self._lock = open_staging(self._site)
        self._previous = previous
        self._claimed: set[str] = set()
        self._staged: dict[str, None] = {}  # written into the staging folder, in order
        self._made: set[str] = set()  # staging folders made
        self.manifest: Manifest = {}
        self.changed = 0  # files replaced, added or removed by the commit

    def __enter__(self) -> PatchWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None) -> None:
        close_staging(self._temp, self._lock)
        self._lock = None

    @property
    def temp(self) -> Path:
        """The staging folder: where the files of this build are written (those kept are in ``output``)."""
        return self._temp

    @property
    def written(self) -> int:
        """How many files the site has: those written and those kept."""
        return len(self._claimed)

    @property
    def since(self) -> int:
        """Since when ``manifest`` holds (``manifest.stamp``): the check's stamp, taken before it listed the output
        folder (the files the commit renamed in have later ctimes); 0 without a check."""
        return self.check.stamp if self.check is not None else 0

    def _target(self, rel: str) -> str:
        claim_path(rel, self._claimed)
        self._claimed.add(rel)
        self._staged[rel] = None
        folder = rel.rpartition("/")[0]
        if folder not in self._made:
            os.makedirs(os.path.join(self._temp, folder), exist_ok=True)
            self._made.add(folder)
        return os.path.join(self._temp, rel)

    def keep(self, rel: str) -> None:
        """Claim ``rel`` as the file ``output`` has already (a page of a department that did not change)."""
        claim_path(rel, self._claimed)
        if rel not in self._previous:
            raise FileNotFoundError(f"{rel} is kept but is not in the site")
        self._claimed.add(rel)

    def keep_all(self, rels: Sequence[str]) -> None:
        """``keep`` of each of ``rels``, checked at once (at 10,000 department-years, 100,000 files kept): a
        path of ``output`` needs no check that it is inside the site."""
        given = set(rels)
        if len(given) != len(rels) or not self._claimed.isdisjoint(given) or not self._previous.keys() >= given:
            seen: set[str] = set()
            for rel in rels:  # the first of them ``keep`` would refuse, refused; none claimed
                if rel in self._claimed or rel in seen:
                    raise WrittenTwice(rel)
                if rel not in self._previous:
                    raise FileNotFoundError(f"{rel} is kept but is not in the site")
                seen.add(rel)
        self._claimed |= given

    def paths(self) -> Iterable[str]:
        """Every file of the new site so far (those written and those kept)."""
        return self._claimed

    def previous_files(self) -> Iterable[str]:
        """The files of ``output`` as it is."""
        return self._previous.keys()

    @property
    def output_site(self) -> Path:
        """The folder the site is in (``output``, or where it links to)."""
        return self._site

    def adopt(self, folder: str) -> None:
        """Claim every file another program (Pagefind) wrote below ``folder`` of the staging folder, as
        written by this build (those claimed already are left as they are)."""
        for rel in sorted(scan(self._temp / folder) or {}):
            path = f"{folder}/{rel}"
            if path not in self._claimed:
                claim_path(path, self._claimed)
                self._claimed.add(path)
                self._staged[path] = None

    def write_bytes(self, rel: str, data: bytes) -> None:
        with open(self._target(rel), "wb") as f:
            f.write(data)
            f.flush()
            start_writeback(f.fileno(), len(data))  # a large page (a scorecard) is renamed over the old one

    def write_text(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def copy_file(self, source: Path, rel: str) -> None:
        shutil.copyfile(source, self._target(rel))

    def write_parts(self, rel: str, parts: Iterable[bytes | memoryview]) -> tuple[int, str]:
        return write_parts_to(self._target(rel), parts)

    def reserve(self, rel: str) -> Path:
        """Claim ``rel`` for a file another process writes into the staging folder; where to write it."""
        return Path(self._target(rel))

    def path_of(self, rel: str) -> str:
        """Where the file of this build at ``rel`` is now: the staging folder when it was written there (by
        this writer, or by a worker into ``temp`` before its path was claimed), else ``output``."""
        staged = os.path.join(self._temp, rel)
        return staged if rel in self._staged or (rel not in self._claimed and os.path.exists(staged)) \
            else os.path.join(self._site, rel)

    def flush(self) -> None:
        """Everything is written as it is given: nothing to wait for."""

    def commit(self) -> None:
        """Rename each written file into ``output`` (folders made as needed), then remove the files and
        folders the new site does not have. ``manifest`` is then the new site's."""
        if self.check is not None:
            self._previous = self.check.result()  # as it is: the files the preview replaced since included
        site, temp = os.fspath(self._site), os.fspath(self._temp)
        made: set[str] = set()
        # by set operations and a copy, in C: at 10,000 department-years a comprehension over the 144,000 paths
        # of the site took 0.1 s of the commit
        gone = sorted(self._previous.keys() - self._claimed)
        manifest = dict(self._previous)
        for rel in gone:
            del manifest[rel]
        aside: list[str] = []  # the large files replaced, linked into the staging folder (``_link_aside``)
        for rel in self._staged:
            folder = rel.rpartition("/")[0]
            if folder not in made:
                os.makedirs(os.path.join(site, folder), mode=0o755, exist_ok=True)
                made.add(folder)
            source, target = os.path.join(temp, rel), os.path.join(site, rel)
            if rel in self._previous:
                size = self._previous[rel][0]
                if _same_bytes(source, target, size):
                    continue  # made again, the same bytes: the file stays as it is (its time too)
                if size > SAME_BYTES_LIMIT:
                    _link_aside(target, temp, aside)
            os.chmod(source, 0o644)
            os.replace(source, target)
            self.changed += 1
            manifest[rel] = signature(os.stat(target))
        folders: set[str] = set()
        self.changed += len(gone)
        for rel in gone:
            os.unlink(os.path.join(site, rel))
            folder = rel.rpartition("/")[0]
            while folder:
                folders.add(folder)
                folder = folder.rpartition("/")[0]
        for folder in sorted(folders, key=lambda f: (-f.count("/"), f)):  # deepest first
            try:
                os.rmdir(os.path.join(site, folder))
            except OSError:  # not empty: it still has files
                pass
        self.manifest = manifest


SAME_BYTES_LIMIT = 1 << 20  # a larger file made again is replaced without reading the old one


def _link_aside(target: str, temp: str, aside: list[str]) -> None:
    """Link the file at ``target``, about to be replaced, into a folder of the staging folder ``temp`` (its path
    the first of ``aside``, made at the first call; the files linked follow), so that its blocks are freed when the
    staging folder is removed, by a process of its own (``writer.close_staging``), not by the rename: replacing
    data/site.json, figures.csv and indicators.csv (500 MB at 10,000 department-years) took 0.6 s of a warm
    build's commit on ext4. Where it cannot be linked (another file system), the rename frees it."""
    try:
        if not aside:  # after every file of the site was written there: no path of the site
            aside.append(tempfile.mkdtemp(prefix=".replaced-", dir=temp))
        os.link(target, os.path.join(aside[0], str(len(aside))))
        aside.append(target)
    except OSError:
        pass


def _same_bytes(new: str, old: str, old_size: int) -> bool:
    """Whether the files ``new`` and ``old`` (of ``old_size`` bytes as last built) hold the same bytes;
    only files of at most SAME_BYTES_LIMIT are compared."""
    if old_size > SAME_BYTES_LIMIT or os.stat(new).st_size != old_size:
        return False
    with open(new, "rb") as a, open(old, "rb") as b:
        return a.read() == b.read()


class QuickWriter:
    """A Writer (writer.py) that replaces files of a site in place, each in one rename (a reader sees
    the old file or the new one), for the preview's quick answer (quickpath.py): nothing is removed,
    and nothing is put in place before ``commit``. ``claimed``: the paths written."""

    def __init__(self, output: Path) -> None:
        self._site = site_folder(output)
        self._files: dict[str, bytes] = {}

    @property
    def claimed(self) -> list[str]:
        return sorted(self._files)

    @property
    def written(self) -> int:
        return len(self._files)

    def write_bytes(self, rel: str, data: bytes) -> None:
        claim_path(rel, self._files)
        self._files[rel] = data

    def write_text(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def copy_file(self, source: Path, rel: str) -> None:
        self.write_bytes(rel, source.read_bytes())

    def path_of(self, rel: str) -> str:
        """Where the file at ``rel`` is: in the site (a file written here is put there by ``commit``)."""
        return os.path.join(self._site, rel)

    def commit(self) -> None:
        for rel, data in self._files.items():
            target = self._site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            replace_file(target, data)


class InPlaceShards:
    """The search index's ShardStore for a build through a PatchWriter: a shard whose bundle the
    output folder holds under the same key (``holds``: bundle folder in the site → key) is kept
    there, its files claimed as they are (only its entry file, which the index reads back, is
    copied into the staging folder); any other is taken from ``store`` or made, as in a cold build."""

    def __init__(self, store: ShardCache, writer: PatchWriter, holds: dict[str, str]) -> None:
        self.store = store
        self.writer = writer
        self.holds = holds
        # each bundle's own files in the output folder, by its folder: ``pagefind`` (but for the other
        # shards' folders inside it) and ``pagefind/shard-*``, found in one pass (not one per shard)
        self._files: dict[str, list[str]] = {}
        start = len(BUNDLE) + 1
        for path in [path for path in writer.previous_files() if path.startswith(BUNDLE + "/")]:
            inside = path[start:]
            folder = BUNDLE + "/" + inside.partition("/")[0] if inside.startswith("shard-") else BUNDLE
            self._files.setdefault(folder, []).append(path)

    def fetch(self, key: str, output: Path) -> bool:
        rel = output.relative_to(self.writer.temp).as_posix()
        if self.holds.get(rel) != key or not self.store.use(key, output):
            return self.store.fetch(key, output)
        entry, listing = rel + "/" + ENTRY, rel + "/" + SHARDS
        self.writer.keep_all([path for path in self._files.get(rel, ()) if path != entry and path != listing])
        shutil.copyfile(os.path.join(self.writer.output_site, entry), self.writer.reserve(entry))
        return True

    def keep(self, key: str, output: Path) -> None:
        self.store.keep(key, output)

    def segmented(self, rel: str) -> Path | None:
        return self.store.segmented(rel)

    def keep_layout(self, layout: Layout) -> None:
        self.store.keep_layout(layout)


def index_and_commit(writer: PatchWriter, reporter: Reporter, name: str, segmented: Path | None,
                     store: ShardCache | None, shards: dict[str, str], search_index: bool,
                     described: dict[str, Described] | None = None, binary: Path | None = None) -> int | None:
    """Index the new site (its pages where they are: staged or kept), the bundles of unchanged shards kept
    in place (``shards``: the output folder's, by bundle folder), then commit: the files of the site, or
    None when the index could not be built (reported; nothing is put in place). Without
    ``search_index``, the site has no index (as a cold build without it). ``described``: the pages
    described as they were written (``search.index.describe``), which the index does not read; ``binary``:
    Pagefind, when the build checked it already (the run ahead)."""
    if search_index:
        site = SiteFiles.of(writer.paths(), writer.path_of)
        kept = InPlaceShards(store, writer, shards) if store is not None else None
        if index_site(writer.temp, reporter, name=name, segmented=segmented, store=kept, site=site,
                      described=described, binary=binary) is None:
            return None
        writer.adopt(BUNDLE)
    writer.commit()
    return writer.written


def holds_as_left(folder: Path, manifest: Manifest, touched: frozenset[str], skip: str | None,
                  since: int = 0) -> Manifest | None:
    """The manifest of ``folder`` for a PatchWriter when it is what ``manifest`` (the last build's) says,
    but for the files in ``touched``, which were replaced since (the preview's quick answer): their
    signatures as they are now. None when anything else differs (the build then starts afresh).
    ``since``: when ``manifest`` was taken (``manifest.stamp``; 0: not known): only the files changed since
    are then listed in full (``manifest.changed_since``)."""
    if since:
        try:
            listed = changed_since(folder, since, skip)
        except NoFind:
            pass
        else:
            return None if listed is None else as_left(folder, manifest, listed, touched)
    found = scan(folder, skip)
    if found is None:
        return None
    if not touched:
        return found if found == manifest else None
    if {k: v for k, v in found.items() if k not in touched} != {k: v for k, v in manifest.items() if k not in touched}:
        return None
    return found


def as_left(folder: Path, manifest: Manifest, listed: Changes, touched: frozenset[str]) -> Manifest | None:
    """``holds_as_left`` from a listing of what changed since ``manifest`` was taken (``listed``: how many
    files ``folder`` holds, and those changed since): every file changed since is as ``manifest`` has it
    (the last build's commit wrote them after its stamp) or in ``touched``, and as many files remain; then
    no file was removed or added either. A file not changed since is as it was when ``manifest`` was taken."""
    count, changed = listed
    for rel, sig in changed.items():
        if manifest.get(rel) != sig and rel not in touched:
            return None
    found = manifest
    if touched:
        found = dict(manifest)
        restat(folder, found, touched)
    return found if count == len(found) else None
