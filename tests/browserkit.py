"""Shared pieces of the tests that drive a real headless Chromium over the real site.

- ``served_sites`` (session): the real ``content/`` built once per mount into a temporary
  folder and served by a local ThreadingHTTPServer, under a sub-path (``/budget/``, built
  with ``base_path = "/budget/"``) and at the root. Like a configured web server, each
  answers a missing address with ``404.html`` and status 404.
- ``browser`` (module): Debian's chromium driven by Playwright, launched without a
  browser download. Module scope, not session: Playwright's sync API cannot run twice at
  once in one thread, and other test modules start their own.
- ``AXE_JS``: axe-core's script, installed from npm by ``make test`` into ``.cache/npm/``.

Import the fixtures into a test module by name (``from browserkit import browser, served_sites``).
The tests skip with the reason when chromium or Playwright is missing; nothing else is skipped.
"""

from __future__ import annotations

import functools
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from site_builder.build.engine import build_site
from site_builder.problems import Reporter

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_JS = REPO / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
MOUNTS = ("/budget/", "/")
NO_CHROMIUM = ("chromium is not installed (Debian: apt-get install chromium; 'make test' installs it when it may): "
               "browser tests skipped")


@dataclass(frozen=True)
class ServedSite:
    """One build of the real content, served at ``url`` (``http://127.0.0.1:<port><mount>``)."""

    mount: str
    output: Path
    url: str

    @property
    def origin(self) -> str:
        return self.url.removesuffix(self.mount) if self.mount != "/" else self.url.rstrip("/")

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc


def build_real_site(root: Path, base_path: str) -> Path:
    """Build the repository's content and site.toml, with ``base_path``, into ``root/output``."""
    shutil.copytree(REPO / "content", root / "content")
    config = (REPO / "site.toml").read_text(encoding="utf-8")
    config, found = re.subn(r'(?m)^base_path\s*=.*$', f'base_path = "{base_path}"', config)
    if not found:
        config += f'\nbase_path = "{base_path}"\n'
    (root / "site.toml").write_text(config, encoding="utf-8")
    reporter = Reporter()
    result = build_site(root, root / "output", reporter)
    assert result.ok, [str(p) for p in reporter.errors]
    return root / "output"


class MountedHandler(SimpleHTTPRequestHandler):
    """Serves a folder under ``mount`` only; a missing address gets ``404.html``, status 404."""

    mount = "/"

    def translate_path(self, path: str) -> str:
        route = unquote(urlsplit(path).path)
        if not route.startswith(self.mount):
            return str(Path(self.directory) / "__not_here__")
        return super().translate_path("/" + route[len(self.mount):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep the test output quiet
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that moves on drops the requests it no longer needs: not worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(folder: Path, mount: str) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``folder`` at ``mount`` on a free local port; return the server and the site's URL."""
    handler = functools.partial(type("Handler", (MountedHandler,), {"mount": mount}), directory=str(folder))
    httpd = QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}{mount}"


@pytest.fixture(scope="session")
def served_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ServedSite]]:
    """The real site under ``/budget/`` and at ``/``, by mount; each is built for where it is served."""
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)  # only browsers need it: do not build for nothing
    sites, servers = {}, []
    for mount in MOUNTS:
        output = build_real_site(tmp_path_factory.mktemp("browser-site"), mount)
        httpd, url = serve(output, mount)
        servers.append(httpd)
        sites[mount] = ServedSite(mount, output, url)
    yield sites
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, through Playwright; skips when either is missing."""
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
