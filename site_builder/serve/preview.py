"""``site-builder serve``: a local preview that rebuilds on every save and reloads open pages.

    watch (watch.py) → rebuild (build_site, warm) → publish (web.py) → pages reload

- The site is built into a private temporary folder (as ``mkdocs serve`` does), never into
  ``output/``. A rebuild is ``site-builder build``'s own: department by department, through
  the same build cache (``.cache/site-builder/``, shared with ``build``; a folder of the
  preview's own while another build holds it), writing only the files that changed into the
  served folder (build/patch.py), with what the preview keeps in memory between builds
  (build/warm.py: parsed files, the Jinja environment, the departments' summaries). It
  updates the folder only when it succeeds: a build that fails leaves the last good site
  served, and its problems are shown over the page (文件:行, 键, 信息), each in its Chinese
  wording (the terminal prints the English).
- A save of a single department-year is answered first with the files that show it, built as
  ``build`` builds a department (quickpath.py), before the full rebuild.
- The pages are served, and told of each outcome, by web.py.
- The search index (Pagefind) is refreshed in the background once edits have settled.
"""

from __future__ import annotations

import gc
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..build.cache import DEFAULT_FOLDER, ShardCache
from ..build.engine import BuildResult, build_site
from ..build.warm import Warm
from ..derive import scorecard
from ..content import crosswalk
from ..config import CONFIG_FILE, load_config
from ..content.load import display_path
from ..problems import Message, Reporter, plural
from ..build.quickpath import quick_pages
from ..site.render import BUILTIN_THEMES
from .watch import SourceWatcher, WatchedFolder
from .web import Hub, LiveState, PreviewServer, describe

CONTENT_SUFFIXES = (".yaml", ".yml", ".pdf")  # content files, and the source documents beside them
SITE_FILES = (CONFIG_FILE, scorecard.SITE_FILE, crosswalk.SITE_FILE)


# ---------------------------------------------------------------------------------------
# The preview: build, serve, watch, rebuild, index


@dataclass
class _IndexQueue:
    due: float | None = None
    wake: threading.Condition = field(default_factory=threading.Condition)


class Preview:
    """Builds the site into a temporary folder, serves it, and rebuilds it when its sources change."""

    def __init__(self, project_root: Path, *, content_dir: Path | None = None, host: str = "127.0.0.1",
                 port: int = 8000, strict: bool = False, search: bool = True, quiet: float = 0.05,
                 search_quiet: float = 1.5, log: Callable[[str], None] | None = None) -> None:
        self.project_root = project_root
        self.content_dir = content_dir or project_root / "content"
        self.strict, self.search, self.search_quiet = strict, search, search_quiet
        self.log = log or (lambda line: print(line, flush=True))
        self.warm = Warm()  # what the builds keep in memory from one to the next
        self.generation = 0  # how many builds changed the files served
        self._touched: set[str] = set()  # files the quick answer replaced since the last good build
        self.hub = Hub(secrets.token_hex(8))
        self.server = PreviewServer((host, port), self.hub)  # first: a port in use leaves nothing behind
        self.folder = Path(tempfile.mkdtemp(prefix="site-builder-serve-"))
        self.site_dir = self.folder / "site"
        # the build cache `site-builder build` uses (so a preview after a build starts warm), or the
        # preview's own while another build holds that one
        self.cache_dirs = (project_root / DEFAULT_FOLDER, self.folder / "cache")
        self.shards = ShardCache(self.folder / "shard-cache")  # the index's bundles: an edit re-indexes its shard(s)
        self.watcher = SourceWatcher(self.watched_folders(), self._changed, quiet=quiet)
        self._building = threading.Lock()
        self._dirty = threading.Event()
        self._stopping = threading.Event()
        self._index = _IndexQueue()
        self._threads: list[threading.Thread] = []
        self.builds = 0  # builds run, failed ones included (for tests and the benchmark)
        self.quick = 0  # rebuilds that first answered through the quick path (quickpath.py)
        self._edits: set[Path] = set()  # files changed since the last build began
        self._edits_lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else str(host)
        return f"http://{shown}:{port}{self.hub.base_path}"

    def watched_folders(self) -> list[WatchedFolder]:
        """content/ (its YAML files and the source PDFs beside them), the themes (every file),
        and the site's own files beside content/ (site.toml, scorecard.yaml, crosswalk.yaml)."""
        content = WatchedFolder(self.content_dir, True, lambda p: p.suffix in CONTENT_SUFFIXES)
        config = WatchedFolder(self.project_root, False, lambda p: p.name in SITE_FILES)
        folders = [content, config]
        for themes in sorted({(self.project_root / "themes").resolve(), BUILTIN_THEMES.resolve()}):
            folders.append(WatchedFolder(themes, True, lambda p: True))  # the site's own may appear later
        return folders

    def start(self) -> None:
        """Build once, then serve, watch and rebuild in background threads."""
        self.log(f"Building the site from {display_path(self.content_dir)} …")
        self.rebuild()
        self.watcher.start()
        self._spawn(self.server.serve_forever, 0.2)
        self._spawn(self._build_loop)
        if self.search:
            self._spawn(self._index_loop)

    def stop(self) -> None:
        """Stop every thread, close the socket and remove the temporary folder."""
        self._stopping.set()
        self._dirty.set()
        with self._index.wake:
            self._index.wake.notify_all()
        self.watcher.stop()
        self.hub.close()
        if self._threads:  # shutdown() waits for serve_forever, which runs only once started
            self.server.shutdown()
        self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _spawn(self, target: Callable[..., object], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=f"site-builder-{target.__name__}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _changed(self, paths: set[Path]) -> None:
        shown = sorted(display_path(p) for p in paths)
        self.log(f"Changed: {', '.join(shown[:5])}" + (f" and {len(shown) - 5} more" if len(shown) > 5 else ""))
        with self._edits_lock:
            self._edits |= paths
        self._dirty.set()

    def idle(self) -> bool:
        """No rebuild running and none due (for tests and the benchmark)."""
        return not self._building.locked() and not self._dirty.is_set()

    def _take_edits(self) -> set[Path]:
        with self._edits_lock:
            edits, self._edits = self._edits, set()
        return edits

    def _build_loop(self) -> None:
        while True:
            self._dirty.wait()
            if self._stopping.is_set():
                return
            self._dirty.clear()
            try:
                self.rebuild()
            except Exception:  # noqa: BLE001 - a bug in one build must not end the preview
                import traceback

                traceback.print_exc()

    def rebuild(self) -> bool:
        """Build through the cache; publish the outcome to the pages. True when the site is good."""
        with self._building:
            reporter = Reporter()
            generation = self.generation
            started = time.perf_counter()
            # The preview keeps every entry and summary alive: millions of objects at 10,000
            # department-years, which each full garbage collection walks (seconds each, several
            # per rebuild). They are frozen after each build, and a rebuild runs without the
            # collector; what it leaves is collected once the pages have been told.
            first = self.builds == 0
            if not first:
                gc.disable()
            try:
                edits = self._take_edits()
                self._answer_quickly(edits)
                result = build_site(self.project_root, self.site_dir, reporter, content_dir=self.content_dir,
                                    strict=self.strict, search_index=False, cache_dir=self.cache_dirs,
                                    warm=self.warm, touched=frozenset(self._touched))
                if result.ok:
                    self._touched = set()
                    if result.changed is None or result.changed:  # a new folder, or files replaced or removed
                        self.generation += 1
            except Exception as err:  # noqa: BLE001 - a bug in a build stage: shown like any problem
                import traceback

                traceback.print_exc()
                detail = f"{type(err).__name__}: {err}"
                reporter.error("site_builder", 1, "", Message(f"internal error while building: {detail}",
                                                              f"构建时发生内部错误（site_builder 的缺陷，请报告）：{detail}"))
                result = BuildResult(False, 0, 0, time.perf_counter() - started)
            finally:
                gc.enable()
            self.builds += 1
            base = self.hub.base_path
            if result.ok:
                base = load_config(self.project_root, Reporter()).base_path
            roots = [self.project_root, self.content_dir, BUILTIN_THEMES]
            problems = reporter.sorted()
            errors = [p for p in problems if p.severity == "error" or self.strict]
            warnings = [p for p in problems if p not in errors]
            state = LiveState(self.hub.state.instance, self.generation if result.ok else self.hub.state.generation,
                              result.ok, describe(errors, roots), describe(warnings, roots), len(errors), len(warnings))
            self.hub.publish(state, self.site_dir if result.ok else self.hub.site, base)
            if not first:
                gc.collect()
            gc.freeze()
            self.warm.frozen = True
        for problem in problems:
            self.log(str(problem))
        if result.ok:
            changed = "a new folder" if result.changed is None else plural(result.changed, "file") + " changed"
            self.log(f"Built in {result.seconds:.2f} s ({result.reused} department(s) as they were, "
                     f"{self.warm.parsed} file(s) parsed; {changed}); {plural(len(warnings), 'warning')}")
            if self.generation != generation:
                self._schedule_index()
        else:
            kept = "the last good site is still served" if self.hub.site else "nothing to serve yet"
            self.log(f"{plural(len(errors), 'error')}; {kept}. Fix the file and save it again.")
        return result.ok

    def _answer_quickly(self, edits: set[Path]) -> None:
        """Replace the pages of a single edited department-year and tell the pages, before the full rebuild."""
        if not self.hub.state.ok:
            return
        started = time.perf_counter()
        written = 0
        for part in ("year", "others"):  # the year's page (what its author looks at) told first
            try:
                files = quick_pages(self.warm, edits, self.content_dir, self.site_dir, part)
            except Exception:  # noqa: BLE001 - a bug here must not stop the full rebuild that follows
                import traceback

                traceback.print_exc()
                return
            if not files:
                break
            written += len(files)
            self._touched.update(files)
            self.generation += 1
            self.hub.publish(replace(self.hub.state, generation=self.generation), self.site_dir,
                             self.hub.base_path)
            self.hub.wait_sent(0.05)  # the reload on its way before the work that follows takes the interpreter
        if not written:
            return
        self.quick += 1
        self.log(f"Quick: {written} file(s) of {display_path(next(iter(edits)))} in "
                 f"{time.perf_counter() - started:.3f} s; the rest follows")

    # -- search ---------------------------------------------------------------------------

    def _schedule_index(self) -> None:
        with self._index.wake:
            self._index.due = time.monotonic() + self.search_quiet
            self._index.wake.notify_all()

    def _index_loop(self) -> None:
        queue = self._index
        while not self._stopping.is_set():
            with queue.wake:
                if queue.due is None:
                    queue.wake.wait()
                    continue
                wait = queue.due - time.monotonic()
                if wait > 0:
                    queue.wake.wait(wait)
                    continue
                queue.due = None
            try:
                if not self.refresh_index():
                    return  # Pagefind cannot run: said once, not at every edit
            except Exception:  # noqa: BLE001 - search must not end the preview
                import traceback

                traceback.print_exc()

    def refresh_index(self) -> bool:
        """Index a snapshot of the site with Pagefind, then swap its bundle in. False if Pagefind cannot run."""
        from ..search.index import BUNDLE, SearchIndexError, build_index

        snapshot = Path(tempfile.mkdtemp(prefix="index-", dir=self.folder))
        try:
            if self.hub.site is None:
                return True
            # Without the build lock: files are replaced whole, so a build meanwhile can only make
            # the snapshot a mix of two good sites, and that build schedules another refresh.
            _link_tree(self.site_dir, snapshot, skip=BUNDLE)
            try:
                result = build_index(snapshot, store=self.shards)
                self.shards.prune_shards()
            except SearchIndexError as err:
                self.log(f"Search is not available in this preview: {err}")
                return False
            with self._building:
                live, old = self.site_dir / BUNDLE, self.folder / f"{BUNDLE}-old-{secrets.token_hex(4)}"
                if live.exists():
                    os.rename(live, old)
                os.rename(snapshot / BUNDLE, live)
            shutil.rmtree(old, ignore_errors=True)
            self.log(f"Search index refreshed: {plural(result.pages, 'page')} in {result.seconds:.2f} s")
            return True
        finally:
            shutil.rmtree(snapshot, ignore_errors=True)


def _link_tree(source: Path, target: Path, skip: str) -> None:
    """Hard-link every page (``*.html``) of ``source`` into ``target``, a copy where links are impossible."""
    for folder, subfolders, names in os.walk(source):
        rel = Path(folder).relative_to(source)
        if rel == Path("."):
            subfolders[:] = [s for s in subfolders if s != skip]
        pages = [n for n in names if n.endswith(".html")]
        if pages:
            (target / rel).mkdir(parents=True, exist_ok=True)
        for name in pages:
            try:
                try:
                    os.link(Path(folder) / name, target / rel / name)
                except OSError:
                    shutil.copy2(Path(folder) / name, target / rel / name)
            except FileNotFoundError:  # removed by a build meanwhile
                continue


def serve(project_root: Path, *, content_dir: Path, host: str, port: int, strict: bool, search: bool,
          open_browser: bool) -> int:
    """Run the preview until interrupted (Ctrl+C or SIGTERM); the command line's ``serve``."""
    import signal

    try:
        preview = Preview(project_root, content_dir=content_dir, host=host, port=port, strict=strict, search=search)
    except OSError as err:
        print(f"cannot listen on {host}:{port}: {err.strerror or err}; choose another --port", file=sys.stderr)
        return 2
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        preview.start()
        print(f"Serving {preview.url} (press Ctrl+C to stop). The site is built in {preview.site_dir}; "
              "output/ is not touched.", flush=True)
        if open_browser:
            import webbrowser

            webbrowser.open(preview.url)
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
    return 0
