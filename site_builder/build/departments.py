"""The pipeline of one department, and full builds one department at a time, on every core.

    find the files → group them by department folder → workers: load, check, score, plan,
    render and write one department at a time (``build_department``) → the building process:
    the site-wide pages and files, from what the workers sent back

``validate`` is the same pipeline stopped before render (``build_department`` without a
Jinja environment); the preview's quick answer is the same pipeline asked for one
department-year (``showing``, quickpath.py). A department's pages depend on its own files and on the names of its
regions only (site/pages.py). So a worker loads one department, writes every file of it, and sends back a
summary: each year's metadata and glossary (for the home, region and glossary pages),
its scorecards (for the scorecard pages), and the paths, sizes and digests of what it
wrote (for the route table, the sitemap and the catalogue). No process ever holds the
whole content: memory stays flat as a site grows, and parsing, checking, rendering and
writing all run on every core.

What keeps the result that of planning every page of the site at once, byte for byte:

- every file is loaded and checked, and every problem reported, even after a problem
  elsewhere (workers then stop rendering: the build will not be committed);
- a department is rendered with its regions' names as its own files give them, which are the
  site's: every file below a region folder must give it the same name (load.check_regions);
- nothing is committed before every department is written and every check passed.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import threading
from decimal import Decimal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Protocol

from ..content.checks import Check, run_checks
from ..content.load import Entry, check_unique, content_files, display_path, load_file
from ..content.model import DepartmentYear
from ..derive.compare import pairs
from ..site.downloads import Download, is_download
from ..derive.scorecard import Scorecard
from ..site.transparency import PageAbout, page_download
from ..problems import Message, Problem, Reporter, format_key
from ..search.index import Described, describe
from ..search.segment import segment_html
from ..site.comparison_pages import Comparer, comparison_files
from ..site.pages import Part, call, department_pages
from ..site.render import TemplateProblem, render_page
from ..site.regions import Department, group_departments, region_names
from ..site.routes import Route, year_label
from . import parallel
from .context import BuildContext
from .fingerprint import Deferred
from .writer import Writer

MIN_DEPARTMENTS = 24  # below this, forking workers costs more than it saves
CHUNK = 4  # departments handed to a worker at a time
COLLECT_EVERY = 16  # departments between two garbage collections
BEGIN_BESIDE = MIN_DEPARTMENTS  # departments to load from the build cache that pay for a worker beside (begin_departments)


@dataclass(frozen=True)
class Destination:
    """Where a department's files go: the writer's temporary folder, and the search index's segmented copies."""

    folder: Path
    segmented: Path | None = None

    def write_bytes(self, rel: str, data: bytes) -> None:
        _write(self.folder, rel, data)


@dataclass
class Summary:
    """What a worker sends back of one department."""

    entries: list[Entry]  # each reduced to its metadata and glossary (``lighten``), in file order
    problems: list[Problem]
    cards: dict[tuple[str, ...], Scorecard] = field(default_factory=dict)
    pages: list[Route] = field(default_factory=list)  # every page written (downloads written as pages too)
    year_files: list[tuple[tuple[str, ...], tuple[Download, ...]]] = field(default_factory=list)
    page_downloads: list[Download] = field(default_factory=list)  # the comparisons' JSON and CSV
    described: dict[str, Described] = field(default_factory=dict)  # each HTML page written, for the search index
    failure: tuple[str, str, int, Message] | None = None  # (page, template file, line, message)

    def year_outputs(self) -> Sequence[tuple[tuple[str, ...], tuple[tuple[str, str, str], ...]]]:
        """(rel, ((kind, path, SHA-256), …)) of each year's files: what the site-wide stage reads of
        ``year_files`` (a summary taken from the cache holds this, and ``year_files`` only once read)."""
        known = vars(self).get("_years")
        if known is not None:
            return known  # type: ignore[no-any-return]
        return [(rel, tuple((d.kind, d.path, d.sha256) for d in files)) for rel, files in self.year_files]

    def __getattr__(self, name: str) -> object:
        """A field the persistent cache left stored (stored.py: ``LAZY``), unpickled when first read."""
        rest = vars(self).pop("_rest", None) if name in LAZY else None
        if rest is None:
            raise AttributeError(name)
        vars(self).update(pickle.loads(rest))
        return vars(self)[name]


LAZY = ("year_files", "page_downloads")  # read of a department taken from the cache only when its catalogue lines are not kept


def lighten(entry: Entry) -> Entry:
    """``entry`` with only what the site-wide pages read: its metadata and its glossary."""
    doc = entry.model
    light = DepartmentYear.model_construct(meta=doc.meta, glossary=doc.glossary)
    lines = {key: line for key, line in entry.lines.items() if key[:1] == ("元数据",) or not key}
    return Entry(entry.path, entry.rel, light, lines)


class Sources(Protocol):
    """Content files loaded and checked once and kept: what the preview keeps between builds (warm.Warm)."""

    def load(self, path: Path, content_root: Path, reporter: Reporter) -> Entry | None:
        """``content.load.load_file``, parsing only a file whose bytes changed; its problems reported."""

    def checks(self, entry: Entry) -> list[Check]:
        """``run_checks(entry.model)``, run once per version of the file."""


def load_and_check(ctx: BuildContext, files: Sequence[Path], reporter: Reporter, *, loose: bool = False,
                   sources: Sources | None = None) -> tuple[list[Entry], dict[tuple[str, ...], list[Check]]]:
    """The first two steps of the pipeline, for one department: its files loaded (content.load.load_file, or
    through ``sources``) and checked; every problem reported to ``reporter``."""
    if sources is not None:
        entries = [e for e in (sources.load(path, ctx.content_root, reporter) for path in files) if e is not None]
        checks = {e.rel: sources.checks(e) for e in entries}
    else:
        entries = [e for e in (load_file(path, ctx.content_root, reporter, loose=loose) for path in files)
                   if e is not None]
        checks = {e.rel: run_checks(e.model) for e in entries}
    for entry in entries:
        report_checks(entry, checks[entry.rel], reporter)
    return entries, checks


@dataclass
class Made:
    """Pages of one department as the preview's quick answer rendered them (quickpath.py), kept for the
    rebuild that follows, which writes them rather than render them again (their views are then never
    derived): only when it builds that department from the very entries they were rendered from (the
    objects loaded: a file parsed again makes new ones) in a context that renders like theirs
    (``BuildContext.renders_like``). A page is a function of those two (pages.department_pages)."""

    context: BuildContext | None = None
    entries: tuple[Entry, ...] = ()
    pages: dict[str, bytes] = field(default_factory=dict)  # path → bytes, as written

    def matches(self, ctx: BuildContext, entries: Sequence[Entry]) -> bool:
        return self.context is not None and len(entries) == len(self.entries) and \
            all(a is b for a, b in zip(entries, self.entries)) and ctx.renders_like(self.context)

    def begin(self, ctx: BuildContext, entries: Sequence[Entry]) -> None:
        """Keep the pages about to be rendered from ``entries`` in ``ctx``: those kept so far only if made alike."""
        if not self.matches(ctx, entries):
            self.context, self.entries, self.pages = ctx, tuple(entries), {}

    def forget(self) -> None:
        self.context, self.entries, self.pages = None, (), {}


class Stop(Protocol):
    """A multiprocessing (or threading) Event: set when a department fails the build."""

    def set(self) -> None: ...

    def is_set(self) -> bool: ...


def build_department(ctx: BuildContext, files: Sequence[Path], into: Destination | Writer | None = None,
                     stop: Stop | None = None, *, loose: bool = False, sources: Sources | None = None,
                     showing: Path | None = None, part: Part = "all", made: Made | None = None) -> Summary:
    """The pipeline of one department: load, check and, when all is well and there is ``into`` (and
    ``ctx.env``), derive, plan, render and write it. ``validate`` is this stopped before render.

    ``stop`` (a multiprocessing Event) is set here when the department has a problem that fails the
    build, and no department is rendered once it is set; ``loose``: a file checked on its own
    (content.load.load_file); ``sources``: the files loaded and checked through what the preview keeps
    (warm.Warm).
    With ``showing`` (one of ``files``), only what shows that department-year is written: its
    downloads and the pages ``pages.department_pages`` plans for it (the preview's quick answer); of
    those, ``part`` (pages.Part): all, the year's page and downloads, or the others. ``made``: with
    ``showing``, where the pages rendered are kept; without, pages kept there to write as they are, when
    they were made from these entries in a context like ``ctx`` (Made).
    """
    reporter = Reporter()
    entries, checks = load_and_check(ctx, files, reporter, loose=loose, sources=sources)
    summary = Summary([lighten(e) for e in entries], reporter.problems)
    if stop is not None and (reporter.errors or (ctx.strict and reporter.warnings)):
        stop.set()
    shown = next((e for e in entries if e.path == showing), None)
    if not entries or ctx.env is None or ctx.items is None or into is None or (stop is not None and stop.is_set()) \
            or (showing is not None and shown is None):
        return summary

    reuse: dict[str, bytes] = {}
    if made is not None and showing is not None:
        made.begin(ctx, entries)
    elif made is not None and made.matches(ctx, entries):
        reuse = made.pages
    (dept,) = group_departments(entries)  # one folder: one department
    names = region_names([dept])
    memos = ctx.memos
    completeness = {}
    for entry in dept.entries:
        _, summary.cards[entry.rel], completeness[entry.rel] = memos.scored(entry, ctx.items, ctx.items_key)
    for entry in sorted(dept.entries, key=lambda e: e.rel):
        if shown is not None and (entry is not shown or part == "others"):
            continue
        files_of = memos.downloads.files(entry)  # made once per entry: its page's links use them too
        for f in files_of:
            into.write_bytes(f.about.path, f.data)
        summary.year_files.append((entry.rel, tuple(f.about for f in files_of)))
    about = comparison_downloads(dept)

    derive = parallel.defer if reuse else call  # a view is derived only for a page rendered
    planned = department_pages(dept, checks, names, ctx.md, derive, completeness=lambda e: completeness[e.rel],
                               year_links=memos.downloads.links, comparer=Comparer(ctx.crosswalk), showing=shown,
                               part=part)
    for path, template, owner, view in planned:
        route = Route(path, template, owner)
        data, page = reuse.get(path), None
        if data is None:
            try:
                page = render_page(ctx.env, route, {"site": ctx.site,
                                                    "page": view.value() if isinstance(view, Deferred) else view})
            except TemplateProblem as err:
                summary.failure = (path, err.file, err.line, Message(err.message, err.message_zh))
                if stop is not None:
                    stop.set()
                return summary
            data = page.encode("utf-8")
            if made is not None and showing is not None:
                made.pages[path] = data
        into.write_bytes(path, data)
        if path.endswith(".html"):  # here, on every core, not after the build
            summary.described[path] = describe(data)
            segmented = into.segmented if isinstance(into, Destination) else None
            if segmented is not None:
                text = page if page is not None else data.decode("utf-8")
                _write(segmented, path, segment_html(text).encode("utf-8"))
        summary.pages.append(route)
        if is_download(path):
            summary.page_downloads.append(page_download(path, len(data), hashlib.sha256(data).hexdigest(),
                                                        about.get(path)))
    return summary


def comparison_downloads(dept: Department) -> dict[str, PageAbout]:
    """What the catalogue says of each download of the comparisons of ``dept``, by path: the department's
    name and region as its last year (in path order) gives them, and the two years compared."""
    last = max(dept.entries, key=lambda e: e.rel).model.meta
    department, region = last.department, " ".join(last.region.names)
    return {path: (department, region, f"{year_label(p.older.model)}与{year_label(p.newer.model)}")
            for p in pairs(dept.entries) for path, _ in comparison_files(p)[1:]}


def _write(folder: Path, rel: str, data: bytes) -> None:
    target = os.path.join(folder, rel)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as f:
        f.write(data)


def department_folders(content_root: Path) -> list[list[Path]]:
    """The content files below ``content_root`` grouped by folder, in path order."""
    groups: dict[tuple[str, ...], list[Path]] = {}
    for parts, path in content_files(content_root):
        groups.setdefault(parts[:-1], []).append(path)
    return [groups[folder] for folder in sorted(groups)]


def build_departments(ctx: BuildContext, groups: Sequence[Sequence[Path]], into: Destination | None = None,
                      *, loose: bool = False, sources: Sources | None = None, made: Made | None = None) -> list[Summary]:
    """``build_department`` of each group, in order, across ``ctx.workers`` processes where that pays
    (``sources``: the files as a long-running process keeps them parsed; its workers' parses are not kept;
    ``made``: pages the preview's quick answer rendered, written as they are where they apply)."""
    count = ctx.workers if ctx.workers is not None else parallel.workers_available()
    if not parallel.can_fork() or count <= 1 or (ctx.workers is None and len(groups) < MIN_DEPARTMENTS):
        work = partial(build_department, ctx, into=into, stop=threading.Event(), loose=loose, sources=sources,
                       made=made)
        return parallel.run_serial(work, groups, collect_every=COLLECT_EVERY)
    work = partial(build_department, ctx, into=into, stop=multiprocessing.get_context("fork").Event(), loose=loose,
                   sources=sources, made=made)
    return parallel.run_forked(work, groups, count, chunk=CHUNK, collect_every=COLLECT_EVERY)


def begin_departments(ctx: BuildContext, groups: Sequence[Sequence[Path]], into: Destination, *, beside: int,
                      sources: Sources | None = None, made: Made | None = None) -> parallel.Forked:
    """``build_departments`` of ``groups`` begun now, on forked workers, when the building process has ``beside``
    departments to take from the build cache meanwhile (a warm build: loading their summaries took as long as
    building the one department that changed, at 10,000 department-years) and its files are not kept parsed
    (``sources``: the preview's, which a worker would parse for nothing); else made when its results are asked for."""
    count = min(ctx.workers if ctx.workers is not None else parallel.workers_available(), len(groups))
    if sources is not None or beside < BEGIN_BESIDE or not groups or count < 1 or not parallel.can_fork() \
            or (ctx.workers is not None and ctx.workers <= 1):
        return parallel.Forked(lambda: build_departments(ctx, groups, into, sources=sources, made=made), lambda: None)
    work = partial(build_department, ctx, into=into, stop=multiprocessing.get_context("fork").Event(), made=made)
    return parallel.start_forked(work, groups, count, chunk=CHUNK, collect_every=COLLECT_EVERY)


def site_entries(summaries: Iterable[Summary], reporter: Reporter) -> list[Entry]:
    """Every department-year the workers loaded, after the site-wide check that each is in one file."""
    entries = [e for s in summaries for e in s.entries]
    check_unique(entries, reporter)
    return entries


def report_checks(entry: Entry, checks: list[Check], reporter: Reporter) -> None:
    """A failed check is a warning naming both figures and their difference."""
    unit = entry.model.meta.unit
    name = display_path(entry.path)
    for check in checks:
        if check.passed:
            continue
        reporter.warning(name, entry.line_of(check.key), format_key(check.key),
                         Message(describe_failure(check, unit), describe_failure_zh(check, unit)))


def describe_failure_zh(check: Check, unit: str) -> str:
    """A failed check as the page's 数据核对 says it: "标题：左为 …，右为 …，相差 …"."""
    from ..content.check import check_view  # the wording the pages use; imported only when a check failed

    view = check_view(check, unit)
    return f"{view.title}：{view.statement}，{view.difference}"


def describe_failure(check: Check, unit: str) -> str:
    unit = "%" if check.measure == "percent" else unit
    relation = {"=": "does not equal", "≤": "exceeds", "≥": "is less than"}[check.relation]
    sep = "" if unit == "%" else " "
    return (f"{check.title}: {check.left_label} {plain(check.left)}{sep}{unit} {relation} "
            f"{check.right_label} {plain(check.right)}{sep}{unit} (difference {plain(check.difference)}{sep}{unit})")


def plain(value: Decimal) -> str:
    """A Decimal as plain digits, never in exponent form."""
    return format(value, "f")
