"""The preview server: live reload, the error overlay, path safety, and incremental = full builds.

Every site here is a copy of the fictitious (虚构) site of ``sitekit`` in a temporary folder.
Servers listen on free ports (port 0) and are stopped in ``finally`` blocks with timeouts.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from buildkit import hashes
from sitekit import (MINIMAL, MINIMAL_PATH, OTHER_PATH, SECOND_PATH, line_of, other_department, replace_line, run_validate,
                     two_department_site, write_tree, year_variant)
import site_builder
from site_builder.build.engine import build_site
from site_builder.build.warm import Warm
from site_builder.problems import Reporter
from site_builder.site.render import BUILTIN_THEMES
from site_builder.serve.preview import Preview
from site_builder.serve.web import Hub, LiveState, PreviewServer, host_allowed, site_relative

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
YEAR_PAGE = "xugou/xugou-shi/xugou-xian/shili/2020/"
SECOND, OTHER = SECOND_PATH, OTHER_PATH


def make_site(root: Path) -> Path:
    return two_department_site(root, "虚构预览站")


def wait_until(condition: Callable[[], object], timeout: float = 20.0, message: str = "") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s: {message}")


def full_build(root: Path, target: Path) -> dict[str, str]:
    reporter = Reporter()
    assert build_site(root, target, reporter, search_index=False).ok, [str(p) for p in reporter.errors]
    return hashes(target)


def site_files(folder: Path) -> dict[str, str]:
    return {k: v for k, v in hashes(folder).items() if not k.startswith("pagefind/")}


# ---------------------------------------------------------------------------------------
# Incremental builds equal full builds


def test_every_kind_of_edit_gives_what_a_full_build_gives(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    served = tmp_path / "served"
    warm, cache = Warm(), tmp_path / "cache"  # as the preview builds
    yaml = root / MINIMAL_PATH
    base = (BUILTIN_THEMES / "default" / "templates" / "base.html").read_text(encoding="utf-8")
    css = (BUILTIN_THEMES / "default" / "static" / "site.css").read_text(encoding="utf-8")

    def edit_template(text: str) -> Callable[[], None]:
        def apply() -> None:
            path = root / "themes/default/templates/base.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return apply

    def write(rel: str, text: str) -> Callable[[], None]:
        def apply() -> None:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        return apply

    edits: list[tuple[str, Callable[[], None]]] = [
        ("nothing", lambda: None),
        ("a figure", lambda: yaml.write_text(replace_line(yaml.read_text(encoding="utf-8"), "公务接待费: 10", "公务接待费: 17"),
                                             encoding="utf-8")),
        ("a new year", write("content/xugou/xugou-shi/xugou-xian/shili/2019.yaml",
                             MINIMAL.replace("年度: 2020", "年度: 2019").replace("2020年", "2019年"))),
        ("a department's name", lambda: (root / OTHER).write_text(
            other_department().replace("虚构邻县公安局（虚构数据）", "虚构邻县警务局（虚构数据）"), encoding="utf-8")),
        ("a region's name", lambda: (root / OTHER).write_text(  # the one file below its county folder
            (root / OTHER).read_text(encoding="utf-8").replace("县: 虚构邻县", "县: 虚构新邻县"), encoding="utf-8")),
        ("a glossary term", lambda: (root / SECOND).write_text(
            year_variant(2021).replace("指为保障机构正常运转而发生的支出。", "指保障机构运转的支出（虚构措辞）。"), encoding="utf-8")),
        ("a deleted year", lambda: (root / SECOND).unlink()),
        ("a deleted department", lambda: shutil.rmtree(root / "content/xugou/xugou-shi/linxian")),
        ("a theme override", edit_template(base.replace("</footer>", "<!-- 虚构 -->\n</footer>"))),
        ("the override again", edit_template(base.replace("</footer>", "<p>虚构页脚</p>\n</footer>"))),
        ("a static file", write("themes/default/static/site.css", css + "\n/* 虚构 */\n")),
        ("the site config", write("site.toml", 'title = "虚构预览站（改名）"\nfooter = "虚构页脚说明"\n')),
        ("the override removed", lambda: shutil.rmtree(root / "themes")),
        ("the department back", write(OTHER, other_department())),
    ]
    assert build_site(root, served, Reporter(), warm=warm, cache_dir=cache, search_index=False).ok
    for number, (what, apply) in enumerate(edits):
        apply()
        reporter = Reporter()
        result = build_site(root, served, reporter, warm=warm, cache_dir=cache, search_index=False)
        assert result.ok, (what, [str(p) for p in reporter.errors])
        expected = full_build(root, tmp_path / f"full-{number}")
        assert site_files(served) == expected, f"after {what}: the incremental build differs from a full build"
        if what == "nothing":  # nothing parsed, built or written again
            assert result.changed == 0 and warm.parsed == 0 and result.reused == 2
        if what == "a figure":  # its file parsed, its department built again; not every file written
            assert warm.parsed == 1 and result.reused == 1
            assert result.changed is not None and 0 < result.changed < len(expected) // 2


def test_a_failed_build_leaves_the_served_site_as_it_was(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    served = tmp_path / "served"
    warm, cache = Warm(), tmp_path / "cache"  # as the preview builds
    assert build_site(root, served, Reporter(), warm=warm, cache_dir=cache, search_index=False).ok
    before = hashes(served)
    (root / MINIMAL_PATH).write_text(MINIMAL.replace("公务接待费: 10", "公务接待费: 约十元"), encoding="utf-8")
    reporter = Reporter()
    assert not build_site(root, served, reporter, warm=warm, cache_dir=cache, search_index=False).ok
    assert any("公务接待费" in p.key for p in reporter.errors)
    assert hashes(served) == before
    (root / MINIMAL_PATH).write_text(MINIMAL, encoding="utf-8")
    assert build_site(root, served, Reporter(), warm=warm, cache_dir=cache, search_index=False).ok
    assert hashes(served) == before == full_build(root, tmp_path / "full")


# ---------------------------------------------------------------------------------------
# Requests that try to leave the site


@pytest.fixture
def bare_server(tmp_path: Path) -> Iterator[tuple[PreviewServer, Path]]:
    """A preview server over a hand-made site folder, with a secret beside it and links out of it."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text("<html><body>首页（虚构）</body></html>", encoding="utf-8")
    (site / "a" / "index.html").write_text("<html><body>A（虚构）</body></html>", encoding="utf-8")
    (site / "404.html").write_text("<html><body><h1>页面不存在（虚构站）</h1></body></html>", encoding="utf-8")
    (site / "style.css").write_text("body { color: black }", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("TOP-SECRET-虚构", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "index.html").write_text("<html><body>TOP-SECRET-虚构</body></html>", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", site / "leak.txt")
    os.symlink(tmp_path / "outside", site / "leakdir")
    os.symlink("../secret.txt", site / "a" / "relative-leak.txt")
    hub = Hub("test")
    hub.publish(LiveState("test", 1, True), site, "/")
    server = PreviewServer(("127.0.0.1", 0), hub)
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    try:
        yield server, tmp_path
    finally:
        hub.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def raw_get(port: int, target: str, timeout: float = 5.0, host: str | None = None,
            address: str = "127.0.0.1") -> tuple[int, bytes]:
    """Send ``GET target`` byte for byte (no client-side normalisation) with ``Host: host``
    (``127.0.0.1:port`` by default; no Host line when empty); the status and the body."""
    host = f"127.0.0.1:{port}" if host is None else host
    line = f"Host: {host}\r\n".encode("latin-1") if host else b""
    with socket.create_connection((address, port), timeout=timeout) as sock:
        sock.sendall(b"GET " + target.encode("latin-1") + b" HTTP/1.0\r\n" + line + b"\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, body


ESCAPES = [
    "/../secret.txt", "/../../../../etc/passwd", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/..%2fsecret.txt",
    "/%2e%2e%2fsecret.txt", "/.%2e/secret.txt", "/a/../../secret.txt", "/a/%2e%2e/%2e%2e/secret.txt",
    "/..%5csecret.txt", "/..\\secret.txt", "/%252e%252e/secret.txt", "/%c0%ae%c0%ae/secret.txt",
    "/leak.txt", "/leakdir/", "/leakdir/index.html", "/leakdir", "/a/relative-leak.txt", "/index.html%00.txt",
    "/%00", "/a/%00/../../secret.txt", "//etc/passwd", "/etc/passwd", "http://127.0.0.1/../secret.txt",
    "secret.txt", "../secret.txt",
]


@pytest.mark.parametrize("target", ESCAPES)
def test_no_request_gets_a_file_from_outside_the_site(bare_server: tuple[PreviewServer, Path], target: str) -> None:
    server, tmp = bare_server
    absolute = str(tmp / "secret.txt")
    for attempt in (target, target.replace("secret.txt", absolute.lstrip("/")) if "secret" in target else target):
        status, body = raw_get(server.server_address[1], attempt)
        assert b"TOP-SECRET" not in body, attempt
        assert b"root:" not in body, attempt
        assert status in (400, 404), (attempt, status)


def test_the_absolute_path_of_a_file_is_not_served(bare_server: tuple[PreviewServer, Path]) -> None:
    server, tmp = bare_server
    status, body = raw_get(server.server_address[1], str(tmp / "secret.txt"))
    assert status == 404 and b"TOP-SECRET" not in body


def test_unknown_paths_get_the_site_404_page_with_status_404(bare_server: tuple[PreviewServer, Path]) -> None:
    server, _ = bare_server
    for target in ("/nope/", "/nope.html", "/a/b/c/", "/%E4%B8%8D%E5%AD%98%E5%9C%A8/"):
        status, body = raw_get(server.server_address[1], target)
        assert status == 404
        assert "页面不存在（虚构站）" in body.decode("utf-8")
        assert b"/__site_builder/reload.js" in body  # the 404 page reloads too


def test_pages_get_the_reload_script_and_nothing_else_does(bare_server: tuple[PreviewServer, Path]) -> None:
    server, tmp = bare_server
    port = server.server_address[1]
    status, body = raw_get(port, "/a/")
    assert status == 200 and body.index(b"/__site_builder/reload.js") < body.index(b"</body>")
    assert b"__site_builder" not in (tmp / "site" / "a" / "index.html").read_bytes()  # never on disk
    status, body = raw_get(port, "/style.css")
    assert status == 200 and body == b"body { color: black }"
    status, _ = raw_get(port, "/a")
    assert status == 301  # a folder's page is at its address with a slash, so that relative links work


def test_only_the_address_it_listens_on_is_answered(bare_server: tuple[PreviewServer, Path]) -> None:
    """A page of evil.example whose name now points at 127.0.0.1 (DNS rebinding) reads nothing."""
    server, _ = bare_server
    port = server.server_address[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        status, body = raw_get(port, "/", host=host)
        assert status == 200 and "首页（虚构）" in body.decode("utf-8"), host
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}", f"localhost.:{port}",
                 f"x@127.0.0.1:{port}", f"127.0.0.1:{port + 1}", "127.0.0.1", f"127.0.0.1:{port} ", "127.0.0.1:x",
                 f"[::1]:{port}]", ""):
        for target in ("/", "/a/", "/style.css", "/nope/", "/__site_builder/state", "/__site_builder/events",
                       "/__site_builder/reload.js"):
            status, body = raw_get(port, target, host=host)
            assert (status, body) == (403, b"403 Forbidden: unknown Host\n"), (host, target)


def test_host_allowed() -> None:
    assert host_allowed("127.0.0.1:8000", "127.0.0.1", 8000)
    assert host_allowed("preview.lan:8000", "preview.lan", 8000)  # --host preview.lan
    assert host_allowed("192.0.2.7:8000", "0.0.0.0", 8000) and host_allowed("[2001:db8::7]:8000", "::", 8000)
    assert host_allowed("localhost", "127.0.0.1", 80)
    assert not host_allowed("192.0.2.7:8000", "127.0.0.1", 8000)  # an address it does not listen on
    assert not host_allowed("evil.example:8000", "0.0.0.0", 8000)  # every address, but no name
    assert not host_allowed(None, "127.0.0.1", 8000)


def test_site_relative_paths() -> None:
    assert site_relative("/", "/") == ""
    assert site_relative("/a/b/index.html", "/") == "a/b/index.html"
    assert site_relative("/budget/a/", "/budget/") == "a/"
    assert site_relative("/other/a/", "/budget/") is None
    assert site_relative("/%E5%9C%B0%E5%8C%BA/", "/") == "地区/"
    for bad in ("/../x", "/%2e%2e/x", "/a/..", "/a//b", "/a%2fb", "/a%5cb", "/a\\b", "/a%00", "x", "/%ff"):
        assert site_relative(bad, "/") is None, bad


def test_a_browser_leaving_in_the_middle_of_the_event_stream_does_not_stop_the_server(
        bare_server: tuple[PreviewServer, Path]) -> None:
    server, _ = bare_server
    port = server.server_address[1]
    for _ in range(20):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(f"GET /__site_builder/events HTTP/1.1\r\nHost: localhost:{port}\r\n"
                     "Accept: text/event-stream\r\n\r\n".encode())
        assert b"event: state" in _read_until(sock, b"event: state")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # reset, not close
        sock.close()
    for generation in (2, 3):  # the streams write to the closed sockets: the first write may pass, the next fails
        server.hub.publish(LiveState("test", generation, True), server.hub.site, "/")
        time.sleep(0.2)
    for _ in range(20):  # half-sent requests, then gone
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /__site_builder/ev")
    status, body = raw_get(port, "/")
    assert status == 200 and "首页（虚构）" in body.decode("utf-8")
    wait_until(lambda: sum("process_request" in t.name for t in threading.enumerate()) == 0, 10,
               "stream threads end once their browser is gone")


def _read_until(sock: socket.socket, marker: bytes, limit: float = 5.0) -> bytes:
    data, deadline = b"", time.monotonic() + limit
    while marker not in data and time.monotonic() < deadline:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


# ---------------------------------------------------------------------------------------
# Watching: real changes only, once per burst


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    root = make_site(tmp_path / "site")
    lines: list[str] = []
    old = os.getcwd()
    os.chdir(root)  # problems name files relative to the working folder, as on the command line
    preview = Preview(root, port=0, search=False, quiet=0.2, log=lines.append)
    preview.lines = lines  # type: ignore[attr-defined]
    try:
        preview.start()
        yield preview
    finally:
        preview.stop()
        os.chdir(old)


def test_the_server_listens_on_this_computer_only_by_default(preview: Preview) -> None:
    assert preview.server.server_address[0] == "127.0.0.1"
    assert preview.url.startswith("http://127.0.0.1:")


def reported(preview: Preview) -> list[str]:
    """Every file of content/ the watcher has reported changed, in order (the built-in theme is
    watched too, and may be edited while the tests run: it is left out)."""
    paths: list[str] = []
    for line in preview.lines:  # type: ignore[attr-defined]
        if line.startswith("Changed: "):
            paths += re.sub(r" and \d+ more$", "", line.removeprefix("Changed: ")).split(", ")
    return [path for path in paths if path.startswith("content/")]


def watcher_alive(preview: Preview) -> None:
    """Save a real change to the other department and wait until the watcher reports it.

    Whatever the watcher saw before, it has reported by then (in that report or an earlier
    one): so that "nothing was reported" is seen from a watcher known to be alive, not
    merely after a while.
    """
    seen = reported(preview).count(OTHER)
    (preview.project_root / OTHER).write_text(other_department().replace("公务接待费: 10", "公务接待费: 11"),
                                              encoding="utf-8")
    wait_until(lambda: reported(preview).count(OTHER) > seen, 10, "the watcher reporting a real change")


def test_reads_touches_and_editor_files_do_not_rebuild(preview: Preview) -> None:
    yaml = preview.project_root / MINIMAL_PATH
    yaml.read_bytes()
    os.utime(yaml)  # touched, same bytes
    for name in (".2020.yaml.swp", "2020.yaml~", ".#2020.yaml", "4913", "2020.yaml.tmp"):
        (yaml.parent / name).write_text("垃圾：虚构", encoding="utf-8")
    (preview.project_root / "content" / "notes.txt").write_text("not content", encoding="utf-8")
    yaml.write_bytes(yaml.read_bytes())  # saved unchanged
    watcher_alive(preview)
    assert reported(preview) == [OTHER]


def test_a_burst_of_saves_makes_one_rebuild(preview: Preview) -> None:
    yaml = preview.project_root / MINIMAL_PATH
    builds = preview.builds
    for value in range(11, 21):  # ten saves, as an editor's autosave or a formatter might
        yaml.write_text(MINIMAL.replace("公务接待费: 10", f"公务接待费: {value}"), encoding="utf-8")
        time.sleep(0.005)
    page = preview.site_dir / YEAR_PAGE / "index.html"
    wait_until(lambda: preview.builds > builds and '<data value="20"' in page.read_text(encoding="utf-8"), 10,
               "the last save on the page")
    watcher_alive(preview)
    assert reported(preview) == [MINIMAL_PATH, OTHER]
    assert '<data value="20"' in (preview.site_dir / YEAR_PAGE / "index.html").read_text(encoding="utf-8")


def test_an_edited_figure_is_shown_first_then_the_rest_is_rebuilt(preview: Preview) -> None:
    # The quick path (quickpath.py): the edited year's page is replaced and the pages told before the
    # full incremental rebuild; once that is done, the site is exactly a full build's.
    yaml = preview.project_root / MINIMAL_PATH
    quick, version = preview.quick, preview.hub.version
    yaml.write_text(MINIMAL.replace("公务接待费: 10", "公务接待费: 31"), encoding="utf-8")
    wait_until(lambda: preview.quick > quick and preview.idle(), 10, "the quick answer, then the rebuild")
    assert preview.quick == quick + 1, preview.lines  # type: ignore[attr-defined]
    assert preview.hub.version >= version + 2  # the quick answer, then the rebuild's
    assert [line for line in preview.lines if line.startswith("Quick:") and MINIMAL_PATH in line]  # type: ignore[attr-defined]
    assert '<data value="31"' in (preview.site_dir / YEAR_PAGE / "index.html").read_text(encoding="utf-8")
    assert site_files(preview.site_dir) == full_build(preview.project_root, preview.folder / "full")


def test_a_changed_region_name_takes_no_quick_path(preview: Preview) -> None:
    yaml = preview.project_root / OTHER  # the one file below its county folder: it names the county alone
    quick = preview.quick
    yaml.write_text(other_department().replace("县: 虚构邻县", "县: 虚构新邻县"), encoding="utf-8")  # pages elsewhere change
    home = preview.site_dir / "index.html"
    wait_until(lambda: "虚构新邻县" in home.read_text(encoding="utf-8") and preview.idle(), 10, "the new name on the home page")
    assert preview.quick == quick
    assert site_files(preview.site_dir) == full_build(preview.project_root, preview.folder / "full")


def test_source_pdfs_and_the_sites_data_files_rebuild_as_a_full_build_would(preview: Preview) -> None:
    """Inputs the build cache keys do not name: each is watched, and the preview after it equals a full build."""
    root = preview.project_root
    pdf = root / "content/xugou/xugou-shi/xugou-xian/shili/xugou-2020.pdf"
    year = preview.site_dir / "xugou/xugou-shi/xugou-xian/shili/2020/index.html"

    def settles(what: str, condition: Callable[[], object]) -> None:
        wait_until(lambda: condition() and preview.idle(), 20, what)
        assert site_files(preview.site_dir) == full_build(root, preview.folder / f"full-{what}"), what

    # A source document named in the YAML (the YAML changes: the cache sees that by itself).
    pdf.write_bytes(b"%PDF-1.4\n% fictitious source document (\xe8\x99\x9a\xe6\x9e\x84)\n%%EOF\n")
    text = (root / MINIMAL_PATH).read_text(encoding="utf-8")
    (root / MINIMAL_PATH).write_text(replace_line(
        text, "    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）",
        "    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）\n      文件: xugou-2020.pdf"), encoding="utf-8")
    settles("the PDF named", lambda: "xugou-2020.pdf" in year.read_text(encoding="utf-8"))
    # The PDF alone, corrected: its size on the page and its copy change; the YAML does not.
    builds = preview.builds
    pdf.write_bytes(pdf.read_bytes().replace(b"fictitious", b"fictitious, corrected,"))
    settles("the PDF changed", lambda: preview.builds > builds)
    # The scorecard's items, beside site.toml: a weight changed moves every score.
    builds = preview.builds
    items = (Path(site_builder.__file__).parent / "defaults/scorecard.yaml").read_text(encoding="utf-8")
    (root / "scorecard.yaml").write_text(items.replace("名称: 名词解释, 栏目: 名词解释, 权重: 8",
                                                       "名称: 名词解释, 栏目: 名词解释, 权重: 30"), encoding="utf-8")
    settles("the scorecard", lambda: preview.builds > builds)
    # A crosswalk beside site.toml (its rows name codes of no page here: still read, still equal).
    builds = preview.builds
    (root / "crosswalk.yaml").write_text(
        "科目调整:\n  - {分类: 经济分类, 上年编码: \"30311\", 编码: \"30113\", 名称: 住房公积金, 起始年度: 2021,"
        " 来源: 虚构的测试对照}\n", encoding="utf-8")
    settles("the crosswalk", lambda: preview.builds > builds)


def test_a_slow_save_is_read_once_complete(preview: Preview) -> None:
    yaml = preview.project_root / MINIMAL_PATH
    text = MINIMAL.replace("公务接待费: 10", "公务接待费: 29").encode("utf-8")
    with yaml.open("wb") as file:  # half the file, a pause longer than the quiet time, the rest
        file.write(text[: len(text) // 2])
        file.flush()
        time.sleep(0.5)
        file.write(text[len(text) // 2:])
    page = preview.site_dir / YEAR_PAGE / "index.html"
    wait_until(lambda: '<data value="29"' in page.read_text(encoding="utf-8"), 10, "the saved figure on the page")
    watcher_alive(preview)
    assert reported(preview) == [MINIMAL_PATH, OTHER]
    assert not [line for line in preview.lines if MINIMAL_PATH in line and "error" in line.lower()]  # type: ignore[attr-defined]


def test_a_save_through_a_temporary_file_and_a_rename_is_seen(preview: Preview) -> None:
    yaml = preview.project_root / MINIMAL_PATH
    builds = preview.builds
    temporary = yaml.with_name("2020.yaml.tmp")
    temporary.write_text(MINIMAL.replace("公务接待费: 10", "公务接待费: 23"), encoding="utf-8")
    os.replace(temporary, yaml)
    page = preview.site_dir / YEAR_PAGE / "index.html"
    wait_until(lambda: preview.builds > builds and '<data value="23"' in page.read_text(encoding="utf-8")
               and preview.idle(), 10, "the renamed file on the page, and the rebuild done")
    assert '<data value="23"' in (preview.site_dir / YEAR_PAGE / "index.html").read_text(encoding="utf-8")
    assert site_files(preview.site_dir) == full_build(preview.project_root, preview.folder / "full")


def test_a_new_folder_of_content_is_seen(preview: Preview) -> None:
    builds = preview.builds
    staging = preview.project_root / "new-department"
    write_tree(staging, f"-- 2020.yaml --\n{other_department().replace('虚构邻县公安局', '虚构邻县林业局')}")
    os.rename(staging, preview.project_root / "content/xugou/xugou-shi/linxian/linye")
    new_page = preview.site_dir / "xugou/xugou-shi/linxian/linye/2020/index.html"
    wait_until(lambda: preview.builds > builds and new_page.is_file(), 10, "the new department's page")
    assert (preview.site_dir / "xugou/xugou-shi/linxian/linye/2020/index.html").is_file()


def test_a_content_file_linked_out_of_content_is_refused_unread_in_the_state(preview: Preview) -> None:
    secret = preview.folder / "secret-outside.yaml"
    secret.write_text("TOP-SECRET（虚构）: 不得显示\n", encoding="utf-8")
    link = preview.project_root / "content/xugou/xugou-shi/linxian/lianjie/2020.yaml"
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    wait_until(lambda: not preview.hub.state.ok and preview.idle(), 20, "the link to be reported")
    status, body = raw_get(preview.server.server_address[1], "/__site_builder/state")
    state = json.loads(body)
    assert status == 200 and not state["ok"]
    [problem] = state["errors"]
    assert problem["file"] == "content/xugou/xugou-shi/linxian/lianjie/2020.yaml" and problem["line"] == 1
    assert problem["message"].startswith("文件是指向 ") and problem["source"] == ""
    assert "TOP-SECRET" not in body.decode("utf-8")


@pytest.mark.parametrize("make", ["folder", "broken link"])
def test_a_yaml_name_that_is_no_file_appearing_is_reported(preview: Preview, make: str) -> None:
    path = preview.project_root / "content/xugou/xugou-shi/linxian/kong/2020.yaml"
    path.parent.mkdir(parents=True)
    if make == "folder":
        path.mkdir()
    else:
        path.symlink_to(path.parent / "nothing-there.yaml")
    wait_until(lambda: not preview.hub.state.ok, 20, f"the {make} named 2020.yaml to be reported")
    [problem] = preview.hub.state.errors
    assert problem["file"] == "content/xugou/xugou-shi/linxian/kong/2020.yaml"


def test_a_failed_validation_or_template_is_reported_and_the_last_good_site_stays(preview: Preview) -> None:
    page = preview.site_dir / YEAR_PAGE / "index.html"
    good = page.read_bytes()
    yaml = preview.project_root / MINIMAL_PATH

    def state_after(change: Callable[[], None], expected: Callable[[LiveState], bool], what: str) -> LiveState:
        # Wait for the state the change must produce, not for "a rebuild": a rebuild from an
        # earlier event, or one that saw a half-written file, may land in between.
        change()
        wait_until(lambda: expected(preview.hub.state), 20, what)
        return preview.hub.state

    def reports(key: str) -> Callable[[LiveState], bool]:
        return lambda state: not state.ok and any(p["key"] == key for p in state.errors)

    state = state_after(lambda: yaml.write_text(MINIMAL.replace("公务接待费: 10", "公务接待费: 约十元"), encoding="utf-8"),
                        reports("三公.公务接待费"), "the bad amount to be reported")
    assert not state.ok and state.error_count == 1
    problem = state.errors[0]
    assert (problem["file"], problem["line"], problem["key"]) == (MINIMAL_PATH, line_of(MINIMAL, "公务接待费: 10"),
                                                                  "三公.公务接待费")
    assert "约十元" in str(problem["message"]) and "> " in str(problem["source"])
    # The overlay is sent the Chinese message; the terminal keeps the English one.
    assert problem["message"] == "应为金额（数字，例如 12000 或 3828602.02），实际为“约十元”"
    assert page.read_bytes() == good and preview.hub.site == preview.site_dir

    assert state_after(lambda: yaml.write_text(MINIMAL, encoding="utf-8"), lambda st: st.ok, "the fix to clear the error").ok
    good = page.read_bytes()
    override = preview.project_root / "themes/default/templates/department_year.html"
    override.parent.mkdir(parents=True)  # creating themes/ may itself trigger a (good) rebuild
    override.write_text('{% extends "default!department_year.html" %}\n{% block main %}\n'
                        '{{ page.no_such_field }}\n{% endblock %}\n', encoding="utf-8")
    # Wait for the state the template error must produce, not for "some" rebuild.
    wait_until(lambda: not preview.hub.state.ok, 20, "the template error to be reported")
    state = preview.hub.state
    assert not state.ok
    problem = state.errors[0]
    assert str(problem["file"]).endswith("department_year.html") and problem["line"] == 3, problem
    assert "no_such_field" in str(problem["message"])
    assert re.match(r"渲染页面 \S+/index\.html 时模板出错：UndefinedError: ", str(problem["message"])), problem
    assert page.read_bytes() == good

    override.unlink()
    wait_until(lambda: preview.hub.state.ok, 20, "the site to be good again")
    state = preview.hub.state
    assert state.ok and state.generation >= 1
    assert site_files(preview.site_dir) == full_build(preview.project_root, preview.folder / "full")


# ---------------------------------------------------------------------------------------
# Search keeps working


def test_the_search_index_is_built_and_refreshed_once_edits_settle(tmp_path: Path) -> None:
    pytest.importorskip("pagefind_bin", reason="Pagefind is not installed")
    root = make_site(tmp_path / "site")
    lines: list[str] = []
    preview = Preview(root, port=0, search=True, quiet=0.1, search_quiet=2.0, log=lines.append)
    try:
        preview.start()
        entry = preview.site_dir / "pagefind" / "pagefind-entry.json"
        wait_until(entry.is_file, 60, "the first index")
        first = entry.read_bytes()
        refreshed = sum("Search index refreshed" in line for line in lines)
        yaml = root / MINIMAL_PATH
        for value in range(30, 35):  # edits in quick succession: one refresh once they settle
            yaml.write_text(MINIMAL.replace("示例项目（虚构）", f"示例项目{value}（虚构）"), encoding="utf-8")
            time.sleep(0.15)
        wait_until(lambda: sum("Search index refreshed" in line for line in lines) > refreshed, 60, "a refreshed index")
        time.sleep(2.5)  # longer than the quiet window: a second refresh would show by now
        assert sum("Search index refreshed" in line for line in lines) == refreshed + 1
        assert entry.read_bytes() != first
        assert site_files(preview.site_dir) == full_build(root, tmp_path / "full")
    finally:
        preview.stop()


# ---------------------------------------------------------------------------------------
# The whole loop, as a person sees it: `site-builder serve` and a real browser


@pytest.fixture
def serve_command(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``site-builder serve --port 0`` in a copy of the fictitious site; its URL and folder."""
    root = make_site(tmp_path / "site")
    process = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--port", "0", "--no-search"], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()  # type: ignore[union-attr]
    try:
        deadline, url = time.monotonic() + 60, None
        while url is None and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                assert process.poll() is None, "serve exited"
                continue
            match = re.search(r"Serving (http://\S+)", line)
            url = match[1] if match else None
        assert url, "serve printed no URL"
        yield url, root
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    assert process.returncode == 0


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed: browser tests skipped")
def test_edit_reload_error_overlay_and_recovery_in_a_browser(serve_command: tuple[str, Path]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'")
    url, root = serve_command
    assert url.startswith("http://127.0.0.1:")
    yaml = root / MINIMAL_PATH
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(locale="zh-CN", viewport={"width": 1200, "height": 900})
            page.set_default_timeout(20_000)
            expect = sync_api.expect
            page.goto(url + YEAR_PAGE)
            row = page.locator("#sangong-table tr", has_text="公务接待费")
            expect(row).to_contain_text("10")
            # The reload script has heard the server and found this page current (a page served
            # while a build was publishing reloads once, on its own, before that).
            page.wait_for_function("document.documentElement.dataset.previewGeneration !== undefined")
            page.evaluate("window.beforeTheEdit = true")  # gone once the page has reloaded

            # 1. A figure edited in the YAML appears on the open page, with no reload by hand.
            text = replace_line(MINIMAL, "公务接待费: 10", "公务接待费: 17")
            yaml.write_text(replace_line(text, "  合计: 30", "  合计: 37"), encoding="utf-8")
            expect(row).to_contain_text("17", timeout=20_000)
            # The page reloaded itself. A save reloads it twice (its own pages first, then the whole
            # site): waiting, rather than evaluating once, is not cut short by the second reload.
            page.wait_for_function("window.beforeTheEdit === undefined")

            # 2. Invalid YAML: the page stays, and the problem is shown over it, naming the file and the line.
            broken = replace_line(text, "  合计: 30", "  合计: [37")
            yaml.write_text(broken, encoding="utf-8")
            lines, reporter = run_validate(root)
            expected = [line for line in lines if " warning: " not in line]
            assert expected and expected[0].startswith(f"{MINIMAL_PATH}:")
            [error] = reporter.errors  # the terminal's English, and the Chinese the overlay must show
            assert error.message.startswith("YAML syntax error: ") and error.message_zh.startswith("YAML 语法错误：")
            where = expected[0].split(": ", 1)[0]  # file:line, as the terminal prints it
            assert where.endswith(f":{line_of(broken, '合计: [37')}") or where.endswith(f":{line_of(broken, '合计: [37') + 1}")
            overlay = page.locator("#site-builder-overlay")
            expect(overlay.locator(".where").first).to_have_text(where)
            expect(overlay).to_contain_text("构建失败")
            expect(overlay).to_contain_text("信息")
            message = overlay.locator(".message").first
            expect(message).to_have_text(error.message_zh)  # in Chinese, as written by the catalogue
            assert re.search(r"[\u4e00-\u9fff]", message.inner_text()) and error.message not in message.inner_text()
            expect(overlay.locator(".key").first).to_have_text("三公.合计")  # the key the parser was in
            expect(row).to_contain_text("17")  # the last good site, under the overlay
            box = overlay.locator(".box").bounding_box()
            assert box and box["width"] > 600 and box["y"] < 100, "the overlay is large and at the top of the window"
            size = message.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
            assert size >= 15, "the overlay is legible"

            # 3. The file fixed: the overlay goes, and the page shows the fixed figures.
            yaml.write_text(replace_line(text, "公务接待费: 17", "公务接待费: 19").replace("  合计: 30", "  合计: 39"),
                            encoding="utf-8")
            expect(overlay).to_have_count(0)
            expect(row).to_contain_text("19")
        finally:
            browser.close()
