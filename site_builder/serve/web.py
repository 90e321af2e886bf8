"""The preview's web side: what a browser may ask of ``site-builder serve``, and what it is told.

The rebuild loop (preview.py) publishes each outcome to a ``Hub``; this module answers requests.

- Every HTML page gets one ``<script>`` as it is sent (never on disk). It listens to
  Server-Sent Events at ``/__site_builder/events``: a new site reloads the page; a failed
  build shows the problems (文件:行, 键, 信息), each in its Chinese wording.
- Only regular files inside the site folder are served: a request path is decoded once,
  and refused if it holds ``..``, a backslash, a NUL or an encoded slash; the file's real
  path (symbolic links resolved) must lie inside the folder. Anything else gets the
  site's 404 page, with status 404.
- Only requests whose ``Host`` is the address the preview listens on are answered
  (``127.0.0.1``, ``localhost``, ``[::1]`` or the ``--host`` given, with its port; any IP
  address when it listens on all of them): a web page elsewhere whose name was made to
  point at this computer (DNS rebinding) gets 403 and nothing of the site.
"""

from __future__ import annotations

import ipaddress
import json
import mimetypes
import os
import re
import socket
import sys
import threading
from dataclasses import asdict, dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..problems import Problem

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
        self._streams: dict[int, int] = {}  # each open event stream → the version it last sent
        self._opened = 0

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

    def open_stream(self) -> int:
        """An event stream opened: its number, for ``sent`` and ``close_stream``."""
        with self._changed:
            self._opened += 1
            self._streams[self._opened] = -1
            return self._opened

    def sent(self, stream: int, version: int) -> None:
        with self._changed:
            self._streams[stream] = version
            self._changed.notify_all()

    def close_stream(self, stream: int) -> None:
        with self._changed:
            self._streams.pop(stream, None)
            self._changed.notify_all()

    def wait_sent(self, timeout: float) -> None:
        """Until every open event stream has sent the latest state (at most ``timeout`` seconds): a build that
        went on at once would keep the interpreter from their threads (tens of milliseconds before the reload)."""
        with self._changed:
            self._changed.wait_for(lambda: self.closing or all(v == self.version for v in self._streams.values()),
                                   timeout)


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
        stream = hub.open_stream()
        try:
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
                hub.sent(stream, seen)
        finally:
            hub.close_stream(stream)


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
