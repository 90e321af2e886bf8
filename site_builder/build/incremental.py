"""Incremental rebuilds for the preview server: the same site as a full build, sooner.

``build_site(..., cache=BuildCache())`` runs the very pipeline of a full build, but keeps
from one build to the next what cannot have changed:

- a content file whose bytes did not change, nor those of the source documents it names
  (来源.文件), is not parsed again: its entry and its problems are replayed, and its
  arithmetic checks are not run again (a change of ``crosswalk.yaml``, which comparisons
  read, parses every file again: comparisons are memoised by their entries);
- a page is not derived or rendered again when its template set and the fingerprints of
  every argument of its view function (content files by digest, everything else by value)
  are what they were when its file was written;
- a file whose bytes did not change is not written again, and the site is updated in
  place: only changed files are replaced (each atomically), vanished ones removed.

The result equals a full build because the pipeline keeps three rules: view functions are
pure functions of their arguments, rendering is a pure function of (template, route,
context), and a fingerprint tells apart any two values that could render differently.
Anything that cannot be fingerprinted (an unknown type, a closure) is simply derived and
rendered again, as in a full build. tests/test_incremental.py compares the result of every
kind of edit (tests/editkit.py) with a fresh full build, file by file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2

from ..content.checks import Check, run_checks
from ..content.crosswalk import SITE_FILE as CROSSWALK
from ..content.load import Entry, Refused, check_unique, content_root_of, find_files, load_file, read_source
from ..problems import Problem, Reporter
from ..site.render import BUILTIN_THEMES, DEFAULT_THEME, Theme, make_environment, render_page
from ..site.routes import Route
from ..site.transparency import Memos
from .context import BuildContext
from .fingerprint import Deferred, Fingerprints, Uncacheable, _blake, digest, resolved
from .writer import TEMP_PREFIX, claim_path


@dataclass
class _Source:
    """One content file as last loaded."""

    signature: tuple[int, ...] | None  # (mtime_ns, size, inode, ctime_ns); None: load again next time
    digest: bytes
    entry: Entry | None
    problems: list[Problem]
    checks: list[Check] | None = None
    beside: tuple[object, ...] = ()  # the signatures of the source documents it names (来源.文件), as read


@dataclass
class BuildStats:
    """What the last build through the cache did, and where its time went (seconds)."""

    parsed: int = 0  # content files parsed (the rest were unchanged)
    replanned: int = 0  # departments whose pages were planned again (the rest as the last build planned them)
    derived: int = 0  # pages whose views were derived and rendered
    kept: int = 0  # pages kept as they were on disk
    written: int = 0  # files replaced on disk
    removed: int = 0  # files deleted
    load: float = 0.0
    derive: float = 0.0
    render: float = 0.0
    commit: float = 0.0
    total: float = 0.0

    def summary(self) -> str:
        rest = max(0.0, self.total - self.load - self.derive - self.render - self.commit)
        return (f"{self.parsed} file(s) parsed, {self.derived} page(s) rendered, {self.kept} kept, "
                f"{self.written} file(s) written, {self.removed} removed; load {self.load:.3f} s, "
                f"views {self.derive:.3f} s, render {self.render:.3f} s, write {self.commit:.3f} s, "
                f"other {rest:.3f} s")


class BuildCache:
    """What one build leaves for the next: sources, page keys, file digests. One builder at a time."""

    def __init__(self) -> None:
        self.fingerprints = Fingerprints()
        self.memos = Memos()  # what was worked out of each Entry, kept while the Entry is (build/context.py)
        self.stats = BuildStats()
        self.generation = 0  # how many builds changed the files on disk
        self._sources: dict[tuple[Path, Path], _Source] = {}
        self._by_entry: dict[int, _Source] = {}
        self._environment: tuple[bytes, jinja2.Environment] | None = None
        self._environments: dict[int, bytes] = {}
        self._output: Path | None = None
        self._pages: dict[str, bytes] = {}  # page path -> key of its file on disk
        self._files: dict[str, bytes] = {}  # file path -> digest of its bytes on disk
        self._next_pages: dict[str, bytes] = {}
        self._started = 0.0
        self._site = digest(b"site")  # a digest of what every view may read (load_content)
        self.last: BuildContext | None = None  # the last good build's context (quickpath.py); set by build_site
        self._plans: dict[str, tuple[bytes, list[Any]]] = {}  # department page -> (its key, its pages as planned)
        self._next_plans: dict[str, tuple[bytes, list[Any]]] = {}

    # -- load and check ------------------------------------------------------------------

    def load_content(self, root: Path, reporter: Reporter) -> list[Entry]:
        """``load.load_content``, parsing only files whose bytes changed since the last call."""
        self._started = time.perf_counter()
        self.stats = BuildStats()
        self._next_plans = {}
        base = content_root_of(root)
        # What a view may read besides its arguments: the site's crosswalk, which comparisons follow.
        try:
            crosswalk = (base.parent / CROSSWALK).read_bytes()
        except OSError:
            crosswalk = b"\0none"
        site = digest(b"site", crosswalk)
        if site != self._site:
            # Comparisons are memoised by their entries (site.comparison_pages): new entries, new comparisons.
            self._sources, self._site = {}, site
        sources: dict[tuple[Path, Path], _Source] = {}
        entries: list[Entry] = []
        for path in find_files(root):
            source = self._source(path, base)
            sources[(path, base)] = source
            reporter.extend(source.problems)
            if source.entry is not None:
                entries.append(source.entry)
        self._sources = sources
        self._by_entry = {id(s.entry): s for s in sources.values() if s.entry is not None}
        self.fingerprints.forget_all_but(self._held())
        check_unique(entries, reporter)
        self.stats.load = time.perf_counter() - self._started
        return entries

    def _source(self, path: Path, base: Path) -> _Source:
        previous = self._sources.get((path, base))
        signature = _signature(path)
        # A file is as it was when its bytes are, and the source documents it publishes too.
        unchanged_beside = previous is not None and previous.entry is not None and \
            _beside(path, previous.entry) == previous.beside
        if unchanged_beside and signature is not None and previous.signature == signature:  # type: ignore[union-attr]
            return previous  # type: ignore[return-value]
        try:
            data: bytes | None = read_source(path, base)  # refused unread when it is no file of base
        except (Refused, OSError):
            data = None
        file_digest = digest(data or b"")
        if unchanged_beside and previous.digest == file_digest and signature is not None:  # type: ignore[union-attr]
            previous.signature = signature  # type: ignore[union-attr]
            return previous  # type: ignore[return-value]
        reporter = Reporter()
        entry = load_file(path, base, reporter, data=data)
        self.stats.parsed += 1
        # A file that changed while it was read is read again next time.
        stable = signature is not None and data is not None and _signature(path) == signature and _same(path, base, data)
        beside = _beside(path, entry) if entry is not None else ()
        source = _Source(signature if stable else None, file_digest, entry, reporter.problems, beside=beside)
        if entry is not None:
            documents = [_file_bytes(path.parent / name, base) for name in _documents(entry)]
            self.fingerprints.register(entry, digest(b"entry", str(path).encode(), "/".join(entry.rel).encode(),
                                                     file_digest, *documents))
        return source

    # -- for the quick path (quickpath.py) ------------------------------------------------

    @property
    def output(self) -> Path | None:
        """The folder the last build through this cache wrote (resolved)."""
        return self._output

    def source_of(self, path: Path, base: Path) -> _Source | None:
        """The file ``path`` as last loaded, or None."""
        return self._sources.get((path, base))

    def reload(self, path: Path, base: Path) -> _Source:
        """Load ``path`` again if its bytes changed, and keep it for the next build (which then need not)."""
        source = self._source(path, base)
        self._sources[(path, base)] = source
        if source.entry is not None:
            self._by_entry[id(source.entry)] = source
        return source

    def load(self, path: Path, base: Path, reporter: Reporter) -> Entry | None:
        """``load.load_file`` of ``path`` through the cache (``reload``); its problems reported
        (departments.Sources: how build_department loads a department for the quick path)."""
        source = self.reload(path, base)
        reporter.extend(source.problems)
        return source.entry

    def files_in(self, folder: Path, base: Path) -> list[Path]:
        """The content files directly in ``folder`` the last build loaded, in path order."""
        return sorted(path for path, b in self._sources if b == base and path.parent == folder)

    def patch(self, output: Path) -> IncrementalWriter:
        """A writer that replaces some files of ``output`` in place (the quick path): it removes no
        other file, and its commit records what it wrote (``record_written``)."""
        return IncrementalWriter(self, output, self._files, partial=True)

    def record_written(self, rel: str, file_digest: bytes) -> None:
        """``rel`` was replaced with a file of ``file_digest`` in the output folder: the next build need
        not write it again. Its page is rendered again all the same (its key is forgotten): the
        file may have changed once more since."""
        self._files[rel] = file_digest
        self._pages.pop(rel, None)

    def _held(self) -> list[object]:
        """The entries and check lists the cache holds (and has fingerprinted)."""
        held: list[object] = [s.entry for s in self._sources.values() if s.entry is not None]
        return held + [s.checks for s in self._sources.values() if s.checks is not None]

    def checks(self, entry: Entry) -> list[Check]:
        """``run_checks(entry.model)``, run once per version of the file."""
        source = self._by_entry.get(id(entry))
        if source is None or source.entry is not entry:
            return run_checks(entry.model)
        if source.checks is None:
            source.checks = run_checks(entry.model)
            self.fingerprints.register(source.checks, digest(b"checks", self.fingerprints.of(entry)))
        return source.checks

    # -- derive and render ---------------------------------------------------------------

    def derive(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` when it is needed: a Deferred view, or the view itself when uncacheable."""
        try:
            # A name without NUL, then 16-byte digests: unambiguous as one string, hashed once.
            of = self.fingerprints.of
            arg_digest = _blake(b"derive\0" + self._site + f"{fn.__module__}.{fn.__qualname__}".encode() + b"\0"
                                + b"".join([of(a) for a in args]))
        except Uncacheable:
            return fn(*args)
        return Deferred(fn, args, arg_digest)

    def department_plan(self, dept: Any, names: dict[tuple[str, ...], str], items_key: str,
                        plan: Callable[[], list[Any]]) -> list[Any]:
        """A department's pages as planned by the last build, when its files (so its entries, checks,
        scores and downloads), its regions' names and the scorecard items are what they were; else ``plan()``.

        Its views are deferred, each with the digest of its arguments, so the pages planned again
        would be the same; at 10,000 department-years, planning them again took seconds per save.
        """
        try:
            of = self.fingerprints.of
            regions = [names[dept.region_slugs[: i + 1]] for i in range(len(dept.region_slugs))]
            key = _blake(b"department\0" + self._site + dept.path.encode() + b"\0" + b"".join([of(e) for e in dept.entries])
                         + of(tuple(regions)) + of(items_key))
        except Uncacheable:
            return plan()
        known = self._plans.get(dept.path)
        if known is not None and known[0] == key:
            planned = known[1]
        else:
            planned = plan()
            self.stats.replanned += 1
        self._next_plans[dept.path] = (key, planned)
        return planned

    def environment(self, theme: Theme) -> jinja2.Environment:
        """``render.make_environment(theme)``, reused while no template of the theme changed."""
        theme_digest = theme_fingerprint(theme)
        if self._environment is None or self._environment[0] != theme_digest:
            self._environment = (theme_digest, make_environment(theme))
            self._environments = {id(self._environment[1]): theme_digest}
        return self._environment[1]

    def write_page(self, writer: IncrementalWriter, env: jinja2.Environment, route: Route, context: dict[str, Any],
                   url: Callable[[str], str] | None = None) -> None:
        """Render ``route`` and write it, or keep its file when nothing it depends on changed.

        A page's key is the fingerprint of its template set and of its context, in which a
        deferred view counts as the fingerprints of its function's arguments: a page whose
        inputs did not change is neither derived nor rendered. (Fingerprinting a derived view
        itself was measured to cost more than rendering it.)
        """
        key = self._page_key(env, route, context, url)
        if key is not None and self._pages.get(route.path) == key and writer.holds(route.path):
            writer.keep(route.path)
            self._next_pages[route.path] = key
            self.stats.kept += 1
            return
        started = time.perf_counter()
        context = resolved(context)
        rendering = time.perf_counter()
        html = render_page(env, route, context, url)
        done = time.perf_counter()
        self.stats.derive += rendering - started
        self.stats.render += done - rendering
        self.stats.derived += 1
        writer.write_text(route.path, html)
        if key is not None:
            self._next_pages[route.path] = key

    def _page_key(self, env: jinja2.Environment, route: Route, context: dict[str, Any],
                  url: Callable[[str], str] | None) -> bytes | None:
        theme_digest = self._environments.get(id(env))
        if theme_digest is None or url is not None:  # an environment or a link function we cannot vouch for
            return None
        of = self.fingerprints.of
        try:  # one digest per page (there are 7 pages per department-year): the context's items inline
            items = b"".join(sorted([of(k) + of(v) for k, v in context.items()]))
        except Uncacheable:
            return None
        # Path and template name hold no NUL; the theme's digest has 16 bytes, each item 32.
        return _blake(b"page\0" + route.path.encode() + b"\0" + route.template.encode() + b"\0" + theme_digest + items)

    # -- write ---------------------------------------------------------------------------

    def writer(self, output: Path) -> IncrementalWriter:
        """A writer that updates ``output`` in place, rewriting only files that changed."""
        resolved_output = output.resolve()
        if resolved_output != self._output or not output.is_dir():
            self._output, self._pages, self._files = resolved_output, {}, {}
        self._next_pages = {}
        return IncrementalWriter(self, output, self._files)

    def _committed(self, files: dict[str, bytes], written: int, removed: int, seconds: float) -> None:
        self._files, self._pages = files, self._next_pages
        self._plans, self._next_plans = self._next_plans, {}
        self.fingerprints.forget_all_but(self._held())
        self.stats.written, self.stats.removed, self.stats.commit = written, removed, seconds
        self.stats.total = time.perf_counter() - self._started
        if written or removed:
            self.generation += 1

    def _lost_track(self) -> None:
        """The folder is in an unknown state: the next build writes every file."""
        self._pages, self._files = {}, {}


def _signature(path: Path) -> tuple[int, ...] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)


def _documents(entry: Entry) -> list[str]:
    """The names of the source documents beside ``entry``'s file that its pages publish (来源.文件)."""
    return [source.file for source in entry.model.meta.sources if source.file]


def _beside(path: Path, entry: Entry) -> tuple[object, ...]:
    return tuple(_signature(path.parent / name) for name in _documents(entry))


def _file_bytes(path: Path, base: Path) -> bytes:
    try:
        return read_source(path, base)
    except (Refused, OSError):
        return b"\0unreadable"


def theme_fingerprint(theme: Theme) -> bytes:
    """A digest of every template a theme's environment can load (the built-in default included)."""
    folders = [*theme.template_dirs(), BUILTIN_THEMES / DEFAULT_THEME / "templates"]
    parts: list[bytes] = []
    for number, folder in enumerate(folders):
        parts.append(str(folder.resolve()).encode())
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                parts += [f"{number}:{path.relative_to(folder).as_posix()}".encode(), path.read_bytes()]
    return digest(b"theme", *parts)


class IncrementalWriter:
    """``writer.SiteWriter``'s interface, updating the folder in place.

    New and changed files are staged in a sibling folder while the site is rendered;
    ``commit`` moves each into place (an atomic rename per file) and removes the files
    the site no longer has. Files this writer never wrote (a search index added later)
    are left alone. Without a commit, the folder is untouched.
    """

    def __init__(self, cache: BuildCache, output: Path, previous: dict[str, bytes], *, partial: bool = False) -> None:
        self.cache, self.output, self._previous, self._partial = cache, output, previous, partial
        output.mkdir(parents=True, exist_ok=True)
        self.stage = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=output.parent))
        self._files: dict[str, bytes] = {}
        self._staged: list[str] = []
        self._committed = False

    def __enter__(self) -> IncrementalWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)

    @property
    def written(self) -> int:
        return len(self._files)

    @property
    def claimed(self) -> list[str]:
        """The paths written or kept so far."""
        return list(self._files)

    def _claim(self, rel: str) -> None:
        claim_path(rel, self._files)

    def path_of(self, rel: str) -> str:
        """Where the file written at ``rel`` is now: staged when new or changed, else still in place."""
        staged = os.path.join(self.stage, rel)
        return staged if os.path.isfile(staged) else os.path.join(self.output, rel)

    def holds(self, rel: str) -> bool:
        """Whether the last commit wrote ``rel`` (the folder is the cache's own: nobody else writes it)."""
        return rel in self._previous

    def keep(self, rel: str) -> None:
        """Keep the file of the last commit at ``rel`` as it is."""
        self._claim(rel)
        self._files[rel] = self._previous[rel]

    def write_text(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def copy_file(self, source: Path, rel: str) -> None:
        self.write_bytes(rel, source.read_bytes())

    def write_bytes(self, rel: str, data: bytes) -> None:
        self._claim(rel)
        file_digest = digest(data)
        self._files[rel] = file_digest
        if self._previous.get(rel) == file_digest:
            return
        target = self.stage / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self._staged.append(rel)

    def commit(self) -> None:
        """Remove what the site no longer has, then move every new or changed file into place.
        A ``partial`` writer removes nothing, and records each file it wrote in the cache."""
        started = time.perf_counter()
        try:
            removed = [] if self._partial else [rel for rel in self._previous if rel not in self._files]
            for rel in removed:
                (self.output / rel).unlink(missing_ok=True)
            for rel in removed:
                _prune_empty(self.output / rel, self.output)
            for rel in self._staged:
                target = self.output / rel
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.stage / rel, target)
        except OSError:
            self.cache._lost_track()
            raise
        self._committed = True
        if self._partial:
            for rel, file_digest in self._files.items():
                self.cache.record_written(rel, file_digest)
            return
        self.cache._committed(dict(self._files), len(self._staged), len(removed), time.perf_counter() - started)


def _same(path: Path, base: Path, data: bytes) -> bool:
    """Whether the content file ``path`` still holds ``data``."""
    try:
        return read_source(path, base) == data
    except (Refused, OSError):
        return False


def _prune_empty(path: Path, root: Path) -> None:
    """Remove the folders above ``path`` that became empty, up to (not including) ``root``."""
    folder = path.parent
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
