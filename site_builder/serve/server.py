"""``site-builder serve``: a local preview that rebuilds on every save and reloads open pages.

    watch (watch.py) → rebuild (build_site with a BuildCache) → publish → pages reload

- The site is built into a private temporary folder (as ``mkdocs serve`` does), never into
  ``output/``. A rebuild goes through the same pipeline as ``site-builder build``, keeping
  what did not change (incremental.py), and updates that folder only when it succeeds: a
  build that fails leaves the last good site served, and its problems are shown over the
  page (文件:行, 键, 信息), each in its Chinese wording (the terminal prints the English).
- Every HTML page gets one ``<script>`` as it is sent (never on disk). It listens to
  Server-Sent Events at ``/__site_builder/events``: a new site reloads the page; a failed
  build shows the problems.
- Only regular files inside the site folder are served: a request path is decoded once,
  and refused if it holds ``..``, a backslash, a NUL or an encoded slash; the file's real
  path (symbolic links resolved) must lie inside the folder. Anything else gets the
  site's 404 page, with status 404.
- Only requests whose ``Host`` is the address the preview listens on are answered
  (``127.0.0.1``, ``localhost``, ``[::1]`` or the ``--host`` given, with its port; any IP
  address when it listens on all of them): a web page elsewhere whose name was made to
  point at this computer (DNS rebinding) gets 403 and nothing of the site.
- The search index (Pagefind) is refreshed in the background once edits have settled.
"""

from __future__ import annotations

import gc
import ipaddress
import json
import mimetypes
import os
import re
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..build.engine import BuildResult, build_site
from ..build.cache import ShardCache
from ..derive import completeness
from ..content import crosswalk
from ..config import CONFIG_FILE, load_config
from ..content.load import display_path
from ..build.incremental import BuildCache
from ..problems import Message, Problem, Reporter, plural
from ..build.quickpath import quick_pages
from ..site.render import BUILTIN_THEMES
from .watch import SourceWatcher, WatchedFolder

CONTENT_SUFFIXES = (".yaml", ".yml", ".pdf")  # content files, and the source documents beside them
SITE_FILES = (CONFIG_FILE, completeness.SITE_FILE, crosswalk.SITE_FILE)


def _tracked(path: Path) -> bool:
    """Whether the build cache sees a change of this file by itself: content YAML, the theme
    and site.toml are in its keys; a source PDF, scorecard.yaml and crosswalk.yaml are not."""
    return path.suffix != ".pdf" and path.name not in (completeness.SITE_FILE, crosswalk.SITE_FILE)

PREFIX = "/__site_builder/"
EVENTS = PREFIX + "events"
SCRIPT = PREFIX + "reload.js"
STATE = PREFIX + "state"
HEARTBEAT = 15.0  # seconds between keep-alive comments on an idle event stream
SHOWN_PROBLEMS = 50  # problems sent to the browser; the terminal has them all

_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
          ".json": "application/json", ".xml": "application/xml; charset=utf-8", ".svg": "image/svg+xml",
          ".csv": "text/csv; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".wasm": "application/wasm"}


# ---------------------------------------------------------------------------------------
# What the browser is told


@dataclass(frozen=True)
class LiveState:
    """The outcome of the latest build, as the browser gets it."""

    instance: str  # this server process: a page from another one reloads
    generation: int  # how many builds changed the served site; 0 while none succeeded
    ok: bool
    errors: tuple[dict[str, object], ...] = ()
    warnings: tuple[dict[str, object], ...] = ()
    error_count: int = 0
    warning_count: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def describe(problems: list[Problem], roots: list[Path]) -> tuple[dict[str, object], ...]:
    """Problems as the overlay shows them, in Chinese, each with its line of source when the file is ours.

    A problem without a Chinese text (a bug: tests/test_messages.py looks for them) is shown in English
    rather than not at all.
    """
    return tuple({"file": p.file, "line": p.line, "key": p.key, "message": p.message_zh or p.message,
                  "source": source_excerpt(Path(p.file), p.line, roots)} for p in problems[:SHOWN_PROBLEMS])


def source_excerpt(path: Path, line: int, roots: list[Path]) -> str:
    """Lines ``line - 1`` to ``line + 1`` of ``path``, numbered; empty unless it is below one of ``roots``."""
    try:
        real = path.resolve()
        if not any(real.is_relative_to(r.resolve()) for r in roots) or not real.is_file():
            return ""
        lines = real.read_bytes()[:1_000_000].decode("utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    shown = []
    for number in range(max(1, line - 1), min(len(lines), line + 1) + 1):
        marker = ">" if number == line else " "
        shown.append(f"{marker}{number:>5} │ {lines[number - 1][:200]}")
    return "\n".join(shown)


class Hub:
    """What the server threads share: the site folder, its base path, and the latest state."""

    def __init__(self, instance: str) -> None:
        self._changed = threading.Condition()
        self.version = 0
        self.state = LiveState(instance, 0, True)
        self.site: Path | None = None
        self.base_path = "/"
        self.closing = False

    def publish(self, state: LiveState, site: Path | None, base_path: str) -> None:
        with self._changed:
            self.state, self.site, self.base_path = state, site, base_path
            self.version += 1
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> tuple[int, LiveState]:
        """The state once its version differs from ``seen`` (or after ``timeout``)."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen or self.closing, timeout)
            return self.version, self.state

    def close(self) -> None:
        with self._changed:
            self.closing = True
            self._changed.notify_all()


# ---------------------------------------------------------------------------------------
# Paths: from a request to a file inside the site, or nothing


def site_relative(raw_path: str, base_path: str) -> str | None:
    """The site-relative path a request path names (``''`` for the root), or None when it may not name one.

    ``raw_path`` is the path of the request line, still percent-encoded, without query.
    It is decoded once; encoded slashes and backslashes, NUL, ``.`` and ``..`` segments
    and empty segments are refused rather than interpreted.
    """
    lowered = raw_path.lower()
    if not raw_path.startswith("/") or "\\" in raw_path or "\x00" in raw_path or any(
            code in lowered for code in ("%2f", "%5c", "%00")):
        return None
    try:
        path = unquote(raw_path, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in path or "\\" in path or any(ord(c) < 0x20 for c in path) or not path.startswith(base_path):
        return None
    rest = path[len(base_path):]
    parts = rest.split("/")
    if any(part in (".", "..") for part in parts) or any(part == "" for part in parts[:-1]):
        return None
    return rest


def file_inside(root: Path, rel: str) -> Path | None:
    """The regular file ``rel`` names inside ``root`` (``index.html`` for a folder), if its real path is inside."""
    top = os.path.realpath(root)
    real = os.path.realpath(os.path.join(top, rel))
    if real != top and not real.startswith(top + os.sep):
        return None
    if os.path.isdir(real):
        real = os.path.realpath(os.path.join(real, "index.html"))
        if not real.startswith(top + os.sep):
            return None
    return Path(real) if os.path.isfile(real) else None


_HOST_CHARS = re.compile(r"[A-Za-z0-9.\-\[\]:]+\Z")
_LOCAL_NAMES = ("127.0.0.1", "localhost", "::1")
_ALL_ADDRESSES = ("", "0.0.0.0", "::")


def host_allowed(header: str | None, listening: str, port: int) -> bool:
    """Whether a request's ``Host`` header names the preview as it listens on ``listening``:``port``.

    The name must be a local one (``_LOCAL_NAMES``) or ``listening`` itself, or, when the
    preview listens on every address, any IP address; the port must be ``port`` (80 when absent).
    """
    if not header or not _HOST_CHARS.match(header):
        return False
    try:
        parts = urlsplit("//" + header)
        name, given = parts.hostname, parts.port or 80
    except ValueError:
        return False
    if name is None or given != port:
        return False
    if name in _LOCAL_NAMES or name == listening.lower().strip("[]"):
        return True
    if listening in _ALL_ADDRESSES:
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True
    return False


def inject(document: bytes, tag: bytes) -> bytes:
    """``document`` with ``tag`` just before its last ``</body>`` (or at its end)."""
    at = document.lower().rfind(b"</body>")
    return document + tag if at < 0 else document[:at] + tag + document[at:]


def _live_script() -> bytes:
    return resources.files("site_builder.serve").joinpath("live/reload.js").read_bytes()


_NO_SITE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>网站尚未构建成功</title></head>
<body><h1>网站尚未构建成功</h1><p>内容中有错误，请看页面上的提示或终端中的输出。</p></body></html>
"""

_NO_404 = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>页面不存在</title></head>
<body><h1>页面不存在</h1></body></html>
"""


# ---------------------------------------------------------------------------------------
# The HTTP server


class PreviewHandler(BaseHTTPRequestHandler):
    """Serves the site folder, the reload script and the event stream; nothing else."""

    server: PreviewServer
    protocol_version = "HTTP/1.0"
    server_version = "site-builder-preview"
    timeout = 60  # seconds a client may stall a read or a write

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class names it so
        pass  # a preview is quiet; problems are reported by the builder

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._respond(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(head=True)

    def _respond(self, head: bool) -> None:
        try:
            self._route(head)
        except (ConnectionError, TimeoutError):  # the browser went away: nothing to answer
            self.close_connection = True

    def _route(self, head: bool) -> None:
        hub = self.server.hub
        if not host_allowed(self.headers.get("Host"), self.server.listening, self.server.server_address[1]):
            self.close_connection = True
            return self._send(HTTPStatus.FORBIDDEN, b"403 Forbidden: unknown Host\n", _TYPES[".txt"], head)
        raw_path = self.path.split("?", 1)[0].split("#", 1)[0]
        if raw_path == EVENTS:
            return self._events(hub)
        if raw_path == SCRIPT:
            return self._send(HTTPStatus.OK, _live_script(), _TYPES[".js"], head)
        if raw_path == STATE:
            return self._send(HTTPStatus.OK, hub.state.to_json().encode(), "application/json", head)
        generation, site, base = hub.state.generation, hub.site, hub.base_path  # before the file: see _html
        if site is None:
            return self._html(HTTPStatus.SERVICE_UNAVAILABLE, _NO_SITE.encode(), head, generation)
        if raw_path + "/" == base or (raw_path == "/" and base != "/"):
            return self._redirect(base)
        rel = site_relative(raw_path, base)
        found = file_inside(site, rel) if rel is not None else None
        if found is None or rel is None:
            return self._not_found(site, head, generation)
        if rel and not rel.endswith("/") and os.path.isdir(os.path.join(site, rel)):
            return self._redirect(raw_path + "/")
        try:
            data = found.read_bytes()
        except OSError:
            return self._not_found(site, head, generation)
        kind = _TYPES.get(found.suffix.lower()) or mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if kind.startswith("text/html"):
            return self._html(HTTPStatus.OK, data, head, generation)
        self._send(HTTPStatus.OK, data, kind, head)

    def _not_found(self, site: Path, head: bool, generation: int) -> None:
        page = file_inside(site, "404.html")
        try:
            data = page.read_bytes() if page is not None else _NO_404.encode()
        except OSError:
            data = _NO_404.encode()
        self._html(HTTPStatus.NOT_FOUND, data, head, generation)

    def _html(self, status: HTTPStatus, data: bytes, head: bool, generation: int) -> None:
        # The generation is read before the file, so that a page is never newer than it
        # claims; at worst it is older, and reloads once more.
        tag = (f'<script src="{SCRIPT}" data-events="{EVENTS}" data-instance="{self.server.hub.state.instance}" '
               f'data-generation="{generation}"></script>\n').encode()
        self._send(status, inject(data, tag), _TYPES[".html"], head)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", "/" + location.lstrip("/"))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, data: bytes, kind: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _events(self, hub: Hub) -> None:
        """The event stream: the current state at once, then every new one, and a ping when idle."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        self.wfile.write(b"retry: 1000\n\n")
        seen = -1
        while True:
            version, state = hub.wait(seen, HEARTBEAT)
            if hub.closing:
                return
            if version == seen:
                self.wfile.write(b": ping\n\n")
            else:
                self.wfile.write(f"event: state\ndata: {state.to_json()}\n\n".encode())
                seen = version
            self.wfile.flush()


class PreviewServer(ThreadingHTTPServer):
    """A threaded HTTP server whose request threads never keep the process alive."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], hub: Hub) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, PreviewHandler)
        self.hub = hub
        self.listening = address[0]  # as given (--host): the Host header may name it

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # a browser that disconnects is not an error
        super().handle_error(request, client_address)  # type: ignore[arg-type]


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
        self.cache = BuildCache()
        self.hub = Hub(secrets.token_hex(8))
        self.server = PreviewServer((host, port), self.hub)  # first: a port in use leaves nothing behind
        self.folder = Path(tempfile.mkdtemp(prefix="site-builder-serve-"))
        self.site_dir = self.folder / "site"
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
            generation = self.cache.generation
            started = time.perf_counter()
            # The cache keeps every entry and page key alive: millions of objects at 10,000
            # department-years, which each full garbage collection walks (seconds each, several
            # per rebuild). They are frozen after each build, and a rebuild runs without the
            # collector; what it leaves is collected once the pages have been told.
            first = self.builds == 0
            if not first:
                gc.disable()
            try:
                edits = self._take_edits()
                if any(not _tracked(p) for p in edits):
                    self.cache.forget_derived()
                else:
                    self._answer_quickly(edits)
                result = build_site(self.project_root, self.site_dir, reporter, content_dir=self.content_dir,
                                    strict=self.strict, cache=self.cache, search_index=False)
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
            state = LiveState(self.hub.state.instance, self.cache.generation if result.ok else self.hub.state.generation,
                              result.ok, describe(errors, roots), describe(warnings, roots), len(errors), len(warnings))
            self.hub.publish(state, self.site_dir if result.ok else self.hub.site, base)
            if not first:
                gc.collect()
            gc.freeze()
        for problem in problems:
            self.log(str(problem))
        if result.ok:
            self.log(f"Built in {result.seconds:.2f} s ({self.cache.stats.summary()}); "
                     f"{plural(len(warnings), 'warning')}")
            if self.cache.generation != generation:
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
        try:
            written = quick_pages(self.cache, edits, self.content_dir, self.site_dir, self.strict)
        except Exception:  # noqa: BLE001 - a bug here must not stop the full rebuild that follows
            import traceback

            traceback.print_exc()
            return
        if not written:
            return
        self.quick += 1
        self.cache.generation += 1
        self.hub.publish(replace(self.hub.state, generation=self.cache.generation), self.site_dir,
                         self.hub.base_path)
        self.log(f"Quick: {len(written)} page(s) of {display_path(next(iter(edits)))} in "
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
