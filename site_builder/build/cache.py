"""The persistent build cache of ``site-builder build``: a rebuild does only what changed.

A full build (departments.py) makes each department from its own files and sends back a summary of it. The cache
keeps, for each department, that summary and the files it wrote (hard links, so no disk is spent on a second copy),
and a record of what the department read while it was loaded, derived and rendered (as Lektor records a page's
dependencies): its content files and the source documents (来源.文件) beside them that its pages publish, the templates
its pages were rendered with (and those they extend or include), ``site.toml`` as read, the scorecard items,
``crosswalk.yaml`` when it has comparisons, and the package's own code (inputs.py). The department is kept under the
digest of those inputs; the next build digests the inputs its record names as they are then, and takes the
department from the cache when that key is there. A template edited, a PDF corrected or the crosswalk changed so
makes again exactly the departments that read it. The search index keeps each shard's bundle under the digest of its
pages (``search/index.ShardStore``).

A build after one department-year changed so loads, checks, derives, renders and writes that department only, makes
the site-wide pages and files again from the summaries, and runs Pagefind only for the shard(s) whose pages changed.
When the output folder is, file for file, what the last build through the cache left there (``OutputState``), only
the files made again are written, and renamed into it at the end (patch.py); otherwise the others' files are linked
from the cache into a new folder, swapped in whole. Either way the result is byte for byte a cold build's
(tests/test_build_cache.py checks it after every kind of edit, tests/editkit.py).

The folder (``.cache/site-builder/`` by default) is safe to delete at any time: the next build is then cold. It
keeps only what the last build used. Two builds sharing it at once: the second builds without it. A cached file
found changed on disk (someone edited the site by hand) is not used: its department is built again."""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import marshal
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from . import stored
from ..search.index import Layout
from .inputs import Record, SiteInputs, code_digest, record, relative_folder
from .writer import OLD_PREFIX, file_signature, remove_old, remove_stale, replace_file

DEFAULT_FOLDER = Path(".cache") / "site-builder"
_DEPARTMENTS = "departments"
_SEARCH = "search"
_SUMMARY = "summary"  # stored.py
_FILES = "files"
_SEGMENTED = "segmented"
_RECORDS = "records.pickle"
_OUTPUTS = "outputs.pickle"
_DIGESTS = "digests.pickle"
_TEMPLATES = "templates.pickle"  # SiteInputs.references
_HEADS = "heads.pickle"  # the summaries' heads in one frame (stored.pack_heads), as the last build that made most left them
_LAYOUT = "layout.pickle"  # the last index's shards (search/index.Layout)
_JINJA = "jinja"  # template_cache
OUTPUTS_KEPT = 4  # the output folders whose state is kept (output/, the preview's, a test's …)


@dataclass
class OutputState:
    """What the last build through the cache left in an output folder: every file's signature
    (patch.Manifest), the key of each department it holds (by content folder) and of each search
    bundle (by its folder in the site). A warm build into that folder, when it still is so,
    writes only what changed (patch.PatchWriter)."""

    manifest: dict[str, tuple[int, int, int]]
    departments: dict[str, str]
    shards: dict[str, str]
    site: bytes = b""  # what every page read (SiteInputs' "site": the code, where the content is)
    since: int = 0  # when ``manifest`` was taken (manifest.stamp: a file changed later has a later ctime); 0: unknown

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with its manifest marshalled: at 10,000 department-years pickle took 0.2 to 0.4 s to write
        the 144,000 files' signatures after every build, marshal 0.06 s (and as long to read)."""
        return {**self.__dict__, "manifest": marshal.dumps(self.manifest)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        manifest = state["manifest"]  # a dict in the state an older site_builder left
        self.__dict__.update(state, manifest=manifest if isinstance(manifest, dict) else marshal.loads(manifest))


@dataclass
class Stats:
    """What the cache did in one build."""

    reused: int = 0  # departments taken from the cache
    built: int = 0  # departments made (absent from the cache, or changed)
    shards_reused: int = 0
    shards_built: int = 0


class ShardCache:
    """Search shards' bundles in ``folder``, by the digest of their pages (``search/index.ShardStore``).

    The preview keeps one in its temporary folder, so that refreshing its index after an edit
    runs Pagefind only for the shard(s) the edit changed.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.stats = Stats()
        self.shards: dict[Path, str] = {}  # search bundle folder (where the index put it) → its key
        self._used_shards: set[str] = set()
        (folder / _SEARCH).mkdir(parents=True, exist_ok=True)

    def segmented(self, rel: str) -> Path | None:
        """A segmented copy of the page ``rel`` as kept, or None."""
        return None

    def segmented_source(self, rel: str) -> str | None:
        """Where the segmented copy of the page ``rel`` is kept, not looked at on disk (search/ahead.AheadStore)."""
        return None

    # -- search shards (search/index.ShardStore) --------------------------------------------------

    def fetch(self, key: str, output: Path) -> bool:
        source = self.folder / _SEARCH / key
        if not source.is_dir():
            return False
        self._used_shards.add(key)
        self.shards[output] = key
        made: set[Path] = set()
        for path in sorted(source.rglob("*")):
            if path.is_file():
                _link(path, output / path.relative_to(source), made)
        self.stats.shards_reused += 1
        return True

    def use(self, key: str, output: Path) -> bool:
        """Count the bundle kept under ``key`` as used by this build at ``output``, where the output folder
        has it already (patch.InPlaceShards); False when the cache does not keep it."""
        if not self.has_bundle(key):
            return False
        self._used_shards.add(key)
        self.shards[output] = key
        self.stats.shards_reused += 1
        return True

    def keep(self, key: str, output: Path) -> None:
        self._used_shards.add(key)
        self.shards[output] = key
        self.stats.shards_built += 1
        self.stash(key, output)

    # -- indexing ahead (search/ahead.AheadStore) -------------------------------------------

    def has_bundle(self, key: str) -> bool:
        return (self.folder / _SEARCH / key).is_dir()

    def stash(self, key: str, output: Path) -> None:
        def fill(staging: Path) -> None:
            for path in sorted(output.rglob("*")):
                rel = path.relative_to(output)
                if path.is_file() and not rel.parts[0].startswith("shard-"):  # another shard's, inside the first
                    _link(path, staging / rel)

        _store(self.folder / _SEARCH / key, fill)

    def last_layout(self) -> Layout | None:
        """The shards of the last index made through this cache (``keep_layout``), or None."""
        try:
            with open(self.folder / _LAYOUT, "rb") as f:
                found = pickle.load(f)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError):
            return None
        return found if isinstance(found, tuple) else None

    def keep_layout(self, layout: Layout) -> None:
        """Keep the shards of the index just made, for the next build to index ahead (search/ahead.py)."""
        _store_file(self.folder / _LAYOUT, pickle.dumps(layout, protocol=pickle.HIGHEST_PROTOCOL))

    def prune_shards(self) -> None:
        """Drop the bundles the last index did not use."""
        _prune(self.folder / _SEARCH, self._used_shards)
        self._used_shards = set()


class PersistentCache(ShardCache):
    """The cache folder of one build: lookups and stores of departments and search shards.

    Made by ``open_cache``, which holds the folder's lock for the build.
    """

    def __init__(self, folder: Path, inputs: SiteInputs, known: dict[str, Any] | None = None, frozen: bool = False) -> None:
        super().__init__(folder)
        self.inputs = inputs
        self._known = known or {}  # summaries by key, as a long-running process keeps them (warm.py)
        self.summaries: dict[str, Any] = {}  # the summary of every department of this build, by key
        self._used: set[str] = set()
        # page → the cache entry that holds its segmented copy (of departments taken as kept); the copy's path is
        # made only when the index asks for it (a Path a page: 0.4 s of a warm build at 10,000 department-years)
        self._segmented: dict[str, str] = {}
        self.frozen = False  # whether ``hold`` froze objects, thawed when the cache closes
        self._held = frozen  # whether the caller froze what it holds (the preview: warm.py), which it thaws itself
        self._entries = os.path.join(folder, _DEPARTMENTS, "")  # a department's entry: this and its key
        with stored.paused_gc():
            self._records: dict[str, Record] = _read_dict(folder / _RECORDS)  # department folder → what it read
            inputs.known = _read_dict(folder / _DIGESTS) or inputs.known
            inputs.references = _read_dict(folder / _TEMPLATES) or inputs.references
            self.hold()
        self._next_records: dict[str, Record] = {}
        self.departments: dict[str, str] = {}  # department folder → its key in this build
        self._states: dict[str, Any] | None = None  # _output_states
        self._heads: dict[str, tuple[dict[str, Any], bytes]] | None = None  # stored.read_heads, when first used

    def hold(self) -> None:
        """Let the garbage collector never scan what the process holds now (gc.freeze), until the cache
        closes (``open_cache``): what the cache loads (records, output states, summaries) is kept for the
        whole build, millions of objects at 10,000 department-years, which each collection would walk
        again. Called while the collector is paused (stored.paused_gc): what was loaded is all young,
        and the first allocation once it runs again would walk it. Not where the caller froze what it keeps (the
        preview; gc.get_freeze_count walks every frozen object: 35 ms a call there at 10,000 department-years)."""
        if self.frozen or (not self._held and gc.get_freeze_count() == 0):
            gc.freeze()
            self.frozen = True

    def department_folder(self, files: Sequence[Path]) -> str:
        """The folder of the department of ``files``, relative to the content root (OutputState's keys)."""
        return _folder(self.inputs, files)

    def output_state(self, site: Path) -> OutputState | None:
        """The state of the output folder ``site`` as the last build through the cache into it left it."""
        state = self._output_states().get(os.fspath(site.resolve()))
        return state if isinstance(state, OutputState) else None

    def _output_states(self) -> dict[str, Any]:
        """The output folders' states as this build found them, read once (at 10,000 department-years a
        manifest holds 144,000 files)."""
        if self._states is None:
            with stored.paused_gc():
                self._states = _read_dict(self.folder / _OUTPUTS)
                self.hold()
        return self._states

    def keep_output(self, site: Path, manifest: dict[str, tuple[int, int, int]], temp: Path | None,
                    since: int = 0, write: bool = True) -> OutputState:
        """Record the state of ``site`` after a good build (``temp``: the folder the index wrote its
        bundles into, before they were put in ``site``; ``since``: when ``manifest`` was taken, OutputState);
        without ``write``, only return it (the preview keeps its own folder's in memory: warm.py)."""
        shards = {}
        for folder, key in self.shards.items():
            try:
                shards[folder.relative_to(temp).as_posix() if temp is not None else folder.as_posix()] = key
            except ValueError:
                continue
        state = OutputState(manifest, dict(self.departments), shards, self.inputs.digest("site", ""), since)
        if write:
            states, name = dict(self._output_states()), os.fspath(site.resolve())
            states.pop(name, None)
            states[name] = state
            while len(states) > OUTPUTS_KEPT:
                del states[next(iter(states))]
            _store_file(self.folder / _OUTPUTS, pickle.dumps(states, protocol=pickle.HIGHEST_PROTOCOL))
        return state

    def segmented_source(self, rel: str) -> str | None:
        entry = self._segmented.get(rel)
        return os.path.join(entry, _SEGMENTED, rel) if entry is not None else None

    def segmented(self, rel: str) -> Path | None:
        path = self.segmented_source(rel)
        return Path(path) if path is not None and os.path.isfile(path) else None

    # -- departments ----------------------------------------------------------------------

    def department_key(self, base: Path, files: Sequence[Path], folder: str | None = None) -> str | None:
        """The key under which the department of ``files`` is kept if nothing it read when it was last
        built changed (its record names what; the key digests each of them as it is now); None when it
        has no record. A key that names no entry is a department to build again. ``folder``: its
        ``department_folder``, when the caller has it."""
        folder = _folder(self.inputs, files) if folder is None else folder
        read = self._records.get(folder)
        if read is None:
            return None
        self._next_records[folder] = read
        key = self.departments[folder] = self._key(folder, files, read)
        return key

    def _key(self, folder: str, files: Sequence[Path], read: Record) -> str:
        h = hashlib.sha256(folder.encode() + b"\0" + "\0".join(path.name for path in files).encode() + b"\0\0")
        h.update(self.inputs.record_digest(read))
        return h.hexdigest()

    def summary(self, key: str, verify: bool = True, files: Sequence[Path] = ()) -> Any | None:
        """The summary kept under ``key`` (an entry the cache has), when every file it lists is still as it was written
        (not looked at without ``verify``: the output folder has them, and the heads file holds it, most often); else
        None. ``files``: the department's content files, as this build names them (stored.unpack)."""
        entry = self._entries + key
        if not verify and key in self._known:
            summary = self.summaries[key] = self._known[key]
            return summary
        if not verify:
            self._heads = stored.read_heads(self.folder / _HEADS) if self._heads is None else self._heads  # read once
            if key in self._heads:
                summary = self.summaries[key] = stored.summary_of(*self._heads[key], files)
                return summary
        try:
            with open(os.path.join(entry, _SUMMARY), "rb") as f:
                summary, stats = stored.unpack(f.read(), files, verify)
            for rel, signature in stats.items() if stats is not None else ():
                if file_signature(os.path.join(entry, rel)) != signature:
                    return None
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError):
            return None
        self.summaries[key] = summary
        return summary

    def stored(self) -> set[str]:
        """The keys of the departments the cache keeps (whether their files are still as kept is not looked at)."""
        return set(os.listdir(self._entries))  # made by open_cache

    def kept_summaries(self, groups: Sequence[Sequence[Path]], keys: Sequence[str | None],
                       verify: Sequence[bool], present: set[str]) -> list[Any | None]:
        """``summary`` of each department of ``groups`` whose key names an entry ``present`` (``stored``), with or
        without ``verify``; None for the others. The garbage collector waits meanwhile (stored.paused_gc), and
        never scans them after (``hold``)."""
        with stored.paused_gc():
            kept = [self.summary(key, check, files) if key is not None and key in present else None
                    for files, key, check in zip(groups, keys, verify)]
            self._heads = {}  # what the summaries did not take of it (the heads of departments since changed) is freed
            self.hold()
        return kept

    def link_department(self, key: str, summary: Any, folder: Path | None) -> None:
        """Put the files of the department kept under ``key`` into the site being written in ``folder``
        (None: they are in the output folder already, which a warm build updates in place); the search
        index's segmented copies of its pages are offered to the index (``segmented``), which takes
        those of the shards it indexes again."""
        entry = self._entries + key
        if folder is not None:
            files = Path(entry, _FILES)
            made: set[Path] = set()
            for rel in department_files(summary):
                _link(files / rel, folder / rel, made)
        # its HTML pages: those it described (departments.build_department), in one call
        self._segmented.update(dict.fromkeys(summary.described, entry))
        self._used.add(key)
        self.stats.reused += 1

    def keep_department(self, files: Sequence[Path], summary: Any, folder: Path, segmented: Path | None) -> None:
        """Keep the department of ``files`` just built: what it read (``record``), and under the key of
        that, its summary and (linked) the files it wrote in ``folder``."""
        name = _folder(self.inputs, files)
        read = self._next_records[name] = record(self.inputs, files, summary)
        key = self.departments[name] = self._key(name, files, read)
        self._used.add(key)
        self.summaries[key] = summary
        self.stats.built += 1

        def fill(staging: Path) -> None:
            stats = {}
            for rel in department_files(summary):
                _link(folder / rel, staging / _FILES / rel)
                stats[f"{_FILES}/{rel}"] = file_signature(staging / _FILES / rel)
                if segmented is not None and rel.endswith(".html") and (segmented / rel).is_file():
                    _link(segmented / rel, staging / _SEGMENTED / rel)
                    stats[f"{_SEGMENTED}/{rel}"] = file_signature(staging / _SEGMENTED / rel)
            with open(staging / _SUMMARY, "wb") as f:
                f.write(stored.pack(summary, stats))

        _store(self.folder / _DEPARTMENTS / key, fill)

    # -- after a good build -----------------------------------------------------------------

    def prune(self) -> None:
        """Drop what this build did not use (the cache holds one site: the last one built)."""
        _prune(self.folder / _DEPARTMENTS, self._used)
        _store_file(self.folder / _RECORDS, pickle.dumps(self._next_records, protocol=pickle.HIGHEST_PROTOCOL))
        used = self.inputs.used_files()
        _store_file(self.folder / _DIGESTS, pickle.dumps({name: known for name, known in self.inputs.known.items()
                                                          if name in used}, protocol=pickle.HIGHEST_PROTOCOL))
        used_templates = {digest for digest, _ in self.inputs.template_digests()}
        _store_file(self.folder / _TEMPLATES, pickle.dumps({digest: found for digest, found in self.inputs.references.items()
                                                            if digest in used_templates},
                                                           protocol=pickle.HIGHEST_PROTOCOL))
        if self._used_shards:  # a build without the index keeps the last index's bundles
            self.prune_shards()
        if self.stats.built * 2 > len(self._used):  # a cold build, or one that made most departments again
            stored.write_heads(self.folder / _HEADS, self.summaries, sorted(self._used))


def _read_dict(path: Path) -> dict[Any, Any]:
    """The dict pickled in the cache's file ``path``; empty when it is missing, unreadable or of an older
    site_builder (a cache is safe to lose: the build then does more)."""
    try:
        with open(path, "rb") as f:
            found = pickle.load(f)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return {}
    return found if isinstance(found, dict) else {}


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


def _store_file(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` in one rename (a failure leaves it as it was)."""
    try:
        replace_file(target, data, prefix=f".{target.name}-", mode=0o600)
    except OSError:
        pass


def _folder(inputs: SiteInputs, files: Sequence[Path]) -> str:
    """The department folder of ``files``, relative to the content root."""
    return relative_folder(files[0], os.fspath(inputs.base))


def department_files(summary: Any) -> list[str]:
    """Every file a department's summary says it wrote: its pages (and the comparisons' downloads) and its years' files."""
    return [route.path for route in summary.pages] + [path for _, files in summary.year_outputs() for _, path, _ in files]


@contextlib.contextmanager
def open_cache(folder: Path, inputs: SiteInputs, known: dict[str, Any] | None = None,
               frozen: bool = False) -> Iterator[PersistentCache | None]:
    """The cache in ``folder`` for one build, locked; None when another build holds it or it cannot be made."""
    try:
        for kind in (_DEPARTMENTS, _SEARCH):
            (folder / kind).mkdir(parents=True, exist_ok=True)
            remove_stale(folder / kind)  # what the removers of killed builds left
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
        cache = PersistentCache(folder, inputs, known, frozen)
        try:
            yield cache
        finally:
            if cache.frozen:
                gc.unfreeze()


def template_cache(folders: Path | Sequence[Path]) -> jinja2.BytecodeCache | None:
    """Jinja's cache of compiled templates (jinja2.FileSystemBytecodeCache, which checks each against its
    template's source and writes atomically, so builds may share it) in the first of ``folders``, in a
    folder of the package's code (the environment's options are code), the others' removed; None when it
    cannot be made. Compiling the theme took a tenth of a warm build at N = 1,000."""
    first = folders if isinstance(folders, Path) else folders[0]
    name = f"{_JINJA}-{code_digest().hex()[:16]}"
    try:
        (first / name).mkdir(parents=True, exist_ok=True)
        for old in first.glob(f"{_JINJA}-*"):
            if old.name != name:
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(os.fspath(first / name))


def _prune(folder: Path, used: set[str]) -> None:
    """Remove the entries of ``folder`` not ``used``: moved into one folder, which a process of its own
    removes after the build returned (writer.remove_old; the next build removes what a killed one left)."""
    unused = [child for child in sorted(folder.iterdir()) if child.name not in used and not child.name.startswith(".")] \
        if folder.is_dir() else []
    if not unused:
        return
    try:
        trash = Path(tempfile.mkdtemp(prefix=OLD_PREFIX, dir=folder))
        for child in unused:
            os.rename(child, trash / child.name)
    except OSError:
        for child in unused:
            shutil.rmtree(child, ignore_errors=True)
        return
    remove_old(trash)


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
