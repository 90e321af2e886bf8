"""How long from saving a YAML file to the reload event reaching the browser, at scale.

    .venv/bin/python benchmarks/serve_latency.py                 # 100 and 1,000 department-years
    .venv/bin/python benchmarks/serve_latency.py --sizes 10000   # the performance issue's scale

For each size N it writes N fictitious department-years (every name says 虚构) into a new
temporary folder (never into content/), starts ``site-builder serve --port 0 --no-search`` there,
opens a page of the preview in headless Chromium, then saves one YAML file at a time, the
way an editor does (a temporary file renamed over the original), and records:

- save → event: until the browser receives the server's reload event (the issue's figure);
- save → page: until an open department-year page shows the new figure (the reload included);
- save → built: until the server says its rebuild is done (the whole preview then equals a full build);
- the server's own account of each rebuild (parse, views, render, write).

A benchmark, not a test: it prints, and asserts nothing about times.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.generate import Place, department_year, write_fictitious_site, yuan  # noqa: E402  (the one generator)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


# ---------------------------------------------------------------------------------------
# Saving


def save_like_an_editor(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


# ---------------------------------------------------------------------------------------
# The server and the browser


class Server:
    """``site-builder serve`` in a subprocess; its URL and what it prints."""

    def __init__(self, root: Path, search: bool) -> None:
        command = [sys.executable, "-m", "site_builder", "serve", "--port", "0"] + ([] if search else ["--no-search"])
        self.process = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        encoding="utf-8", env={**os.environ, "PYTHONPATH": str(REPO)})
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()  # (when it was printed, the line)
        threading.Thread(target=self._read, daemon=True).start()
        self.url = ""
        self.built: list[str] = []
        self.quick = ""
        self.printed_at = 0.0  # when the line wait_for last returned was printed (time.time())

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put((time.time(), line.rstrip("\n")))

    def wait_for(self, pattern: str, timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                printed_at, line = self.lines.get(timeout=min(1.0, max(0.01, deadline - time.monotonic())))
            except queue.Empty:
                if self.process.poll() is not None:
                    raise RuntimeError("serve exited") from None
                continue
            if line.startswith("Built in"):
                self.built.append(line)
            if line.startswith("Quick:"):  # the preview's first answer (build/quickpath.py)
                self.quick = line
            match = re.search(pattern, line)
            if match:
                self.printed_at = printed_at
                return match
        raise TimeoutError(f"no line matching {pattern!r} within {timeout} s")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=900)  # it removes its site folder: 100,000 files at N = 10,000
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def measure(count: int, edits: int, search: bool, keep: bool) -> None:
    root = Path(tempfile.mkdtemp(prefix=f"site-builder-bench-{count}-"))
    try:
        started = time.perf_counter()
        paths = write_fictitious_site(root, count)
        print(f"\nN = {count:,} department-years ({len({p.parent for p in paths}):,} departments) in {root}; "
              f"written in {time.perf_counter() - started:.1f} s", flush=True)
        measure_site(root, paths, edits, search)
    finally:
        if keep:
            print(f"  kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def measure_site(root: Path, paths: list[Path], edits: int, search: bool) -> list[float]:
    """Serve the site at ``root``, save ``edits`` times, print each figure; the save → event times (s)."""
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    server = Server(root, search)
    try:
        server.url = server.wait_for(r"Serving (http://\S+)", timeout=3600)[1]
        print(f"  first build and start: {time.perf_counter() - started:.1f} s", flush=True)
        if server.built:
            print(f"    {server.built[-1]}")
        target = paths[len(paths) // 2]
        rel = target.relative_to(root / "content").with_suffix("")
        place_number = int(rel.parts[-2].removeprefix("bm"))
        year = int(rel.parts[-1])
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            try:
                listener = browser.new_page()
                listener.goto(server.url + "__site_builder/state")  # a page that does not reload itself
                listener.evaluate("""() => {
                    window.received = [];
                    const source = new EventSource('/__site_builder/events');
                    source.addEventListener('state', e => {
                        window.received.push({at: Date.now(), generation: JSON.parse(e.data).generation});
                    });
                }""")
                listener.wait_for_function("window.received.length > 0", timeout=30_000)
                page = browser.new_page()
                page.goto(server.url + "/".join(rel.parts) + "/", timeout=120_000)
                to_event, to_page, to_built = [], [], []
                for edit in range(edits):
                    generation = listener.evaluate("window.received.at(-1).generation")
                    cents = 1234_00 + edit * 111
                    text = department_year(Place(place_number), year, random.Random(f"{place_number}-{year}"), cents)
                    saved = time.time()
                    save_like_an_editor(target, text)
                    listener.wait_for_function(f"window.received.some(r => r.generation > {generation})",
                                               timeout=600_000, polling=10)
                    arrived = listener.evaluate(f"window.received.find(r => r.generation > {generation}).at")
                    page.wait_for_function(
                        f"document.querySelector('#sangong-table data[value=\"{yuan(cents)}\"]') !== null",
                        timeout=600_000, polling=10)
                    shown = time.time()
                    to_event.append(arrived / 1000 - saved)
                    to_page.append(shown - saved)
                    line = server.wait_for(r"^Built in", timeout=60)
                    to_built.append(server.printed_at - saved)
                    print(f"  edit {edit + 1}: save → event {to_event[-1] * 1000:7.0f} ms; save → page "
                          f"{to_page[-1] * 1000:7.0f} ms; save → built {to_built[-1] * 1000:7.0f} ms | {server.quick} | "
                          f"{line.string}", flush=True)
                    server.quick = ""
                    time.sleep(0.5)
                print(f"  save → event: median {statistics.median(to_event) * 1000:.0f} ms "
                      f"(min {min(to_event) * 1000:.0f}, max {max(to_event) * 1000:.0f}); "
                      f"save → page: median {statistics.median(to_page) * 1000:.0f} ms; "
                      f"save → built: median {statistics.median(to_built) * 1000:.0f} ms", flush=True)
            finally:
                browser.close()
    finally:
        server.stop()
    return to_event


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], help="numbers of department-years")
    parser.add_argument("--edits", type=int, default=5, help="saves measured per size")
    parser.add_argument("--search", action="store_true", help="keep Pagefind running in the background, as by default")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    args = parser.parse_args()
    for count in args.sizes:
        measure(count, args.edits, args.search, args.keep)


if __name__ == "__main__":
    main()
