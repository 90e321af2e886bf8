"""Full builds, one department at a time, on every core.

    find the files → group them by department folder → workers: load, check, score, plan,
    render and write one department at a time → the building process: the site-wide
    pages and files, from what the workers sent back

A department's pages depend on its own files and on the names of its regions only
(plan.py). So a worker loads one department, writes every file of it, and sends back a
summary: each year's metadata and glossary (for the home, region and glossary pages),
its scorecards (for the scorecard pages), and the paths, sizes and digests of what it
wrote (for the route table, the sitemap and the catalogue). No process ever holds the
whole content: memory stays flat as a site grows, and parsing, checking, rendering and
writing all run on every core.

What keeps the result that of planning every page at once (build.plan_pages, which the
preview server uses), byte for byte:

- every file is loaded and checked, and every problem reported, even after a problem
  elsewhere (workers then stop rendering: the build will not be committed);
- a department is rendered with its regions' names as its own files give them, which are the
  site's: every file below a region folder must give it the same name (content.check_regions);
- nothing is committed before every department is written and every check passed.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from ..content.checks import run_checks
from ..content.load import Entry, check_unique, find_files, load_file
from ..derive.downloads import Download, download, is_download, site_file_specs, year_files, year_links, year_page
from ..site.markup import MarkdownRenderer
from ..content.model import DepartmentYear
from . import parallel
from ..site.pages import call, department_pages
from ..problems import Message, Problem, Reporter
from ..site.render import TemplateProblem, render_page
from ..site.routes import Route
from ..derive.scorecard import ItemList, Scorecard
from ..search.segment import segment_html
from ..derive.transparency import department_labels, page_download, scored_entry
from .validate import report_checks
from ..site.views import SiteView, group_departments, region_names

MIN_DEPARTMENTS = 24  # below this, forking workers costs more than it saves
CHUNK = 4  # departments handed to a worker at a time


@dataclass(frozen=True)
class Job:
    """What every worker needs (inherited when forked, never pickled)."""

    base: Path  # the content root
    env: jinja2.Environment | None  # None: load and check only (the build already failed)
    site: SiteView | None
    items: ItemList | None
    strict: bool
    folder: Path  # where the files go: the writer's temporary folder
    segmented: Path | None = None  # where the search index's segmented copy of each page goes, if built

    @functools.cached_property
    def items_key(self) -> str:
        return self.items.model_dump_json() if self.items is not None else ""


@dataclass
class Summary:
    """What a worker sends back of one department."""

    entries: list[Entry]  # each reduced to its metadata and glossary (``lighten``), in file order
    problems: list[Problem]
    cards: dict[tuple[str, ...], Scorecard] = field(default_factory=dict)
    pages: list[Route] = field(default_factory=list)  # every page written (downloads written as pages too)
    year_files: list[tuple[tuple[str, ...], tuple[Download, ...]]] = field(default_factory=list)
    page_downloads: list[Download] = field(default_factory=list)  # the comparisons' JSON and CSV
    failure: tuple[str, str, int, Message] | None = None  # (page, template file, line, message)


_job: Job | None = None
_stop: Any = None  # a multiprocessing Event: some department failed, the rest need not be rendered
_md: MarkdownRenderer | None = None


def lighten(entry: Entry) -> Entry:
    """``entry`` with only what the site-wide pages read: its metadata and its glossary."""
    doc = entry.model
    light = DepartmentYear.model_construct(meta=doc.meta, glossary=doc.glossary)
    lines = {key: line for key, line in entry.lines.items() if key[:1] == ("元数据",) or not key}
    return Entry(entry.path, entry.rel, light, lines)


def build_department(files: Sequence[Path]) -> Summary:
    """Load, check and (when all is well) render and write the department of ``files``."""
    assert _job is not None
    job = _job
    reporter = Reporter()
    entries = [e for e in (load_file(path, job.base, reporter) for path in files) if e is not None]
    checks = {e.rel: run_checks(e.model) for e in entries}
    for entry in entries:
        report_checks(entry, checks[entry.rel], reporter)
    summary = Summary([lighten(e) for e in entries], reporter.problems)
    if reporter.errors or (job.strict and reporter.warnings):
        _stop.set()
    if not entries or job.env is None or job.site is None or job.items is None or _stop.is_set():
        return summary

    (dept,) = group_departments(entries)  # one folder: one department
    names = region_names([dept])
    items_key = job.items_key
    completeness = {}
    for entry in dept.entries:
        _, summary.cards[entry.rel], completeness[entry.rel] = scored_entry(entry, job.items, items_key)
    for entry in sorted(dept.entries, key=lambda e: e.rel):
        files_of = year_files(entry)  # made once per entry: its page's links use them too
        for f in files_of:
            _write(job.folder, f.about.path, f.data)
        summary.year_files.append((entry.rel, tuple(f.about for f in files_of)))
    label = department_labels(sorted(dept.entries, key=lambda e: e.rel))

    global _md
    _md = _md or MarkdownRenderer()
    planned = department_pages(dept, checks, names, _md, call, completeness=lambda e: completeness[e.rel],
                               year_links=year_links)
    for path, template, owner, view in planned:
        route = Route(path, template, owner)
        try:
            page = render_page(job.env, route, {"site": job.site, "page": view})
        except TemplateProblem as err:
            summary.failure = (path, err.file, err.line, Message(err.message, err.message_zh))
            _stop.set()
            return summary
        data = page.encode("utf-8")
        _write(job.folder, path, data)
        if job.segmented is not None and path.endswith(".html"):  # here, on every core, not after the build
            _write(job.segmented, path, segment_html(page).encode("utf-8"))
        summary.pages.append(route)
        if is_download(path):
            department, region = label.get(path.partition("/compare/")[0], (None, None))
            summary.page_downloads.append(page_download(path, len(data), hashlib.sha256(data).hexdigest(),
                                                        department, region))
    return summary


def _write(folder: Path, rel: str, data: bytes) -> None:
    target = os.path.join(folder, rel)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as f:
        f.write(data)


def department_folders(content_root: Path) -> list[list[Path]]:
    """The content files below ``content_root`` grouped by folder, in path order."""
    groups: dict[Path, list[Path]] = {}
    for path in find_files(content_root):
        groups.setdefault(path.parent, []).append(path)
    return [groups[folder] for folder in sorted(groups)]


COLLECT_EVERY = 16  # departments between two garbage collections


def _work_init() -> None:
    # What the worker inherited is never garbage: never scan it. A department's objects are freed
    # by their reference counts when it is done; the few cycles (Jinja's) are collected now and
    # then rather than whenever enough objects were made (which cost a tenth of the build).
    gc.freeze()
    gc.disable()


def _each(groups: Iterable[Sequence[Path]]) -> Iterator[Summary]:
    """``build_department`` of each group in this process, collecting cycles now and then."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for number, files in enumerate(groups, 1):
            yield build_department(files)
            if number % COLLECT_EVERY == 0:
                gc.collect()
    finally:
        if was_enabled:
            gc.enable()


def _pooled(files: Sequence[Path]) -> Summary:
    """``build_department`` in a pool's worker, collecting cycles now and then."""
    global _done
    summary = build_department(files)
    _done += 1
    if _done % COLLECT_EVERY == 0:
        gc.collect()
    return summary


_done = 0


def build_departments(job: Job, groups: Sequence[Sequence[Path]], workers: int | None = None) -> list[Summary]:
    """``build_department`` of each group, in order, across ``workers`` processes where that pays."""
    global _job, _stop
    count = workers if workers is not None else parallel.workers_available()
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    _job = job
    try:
        if context is None or count <= 1 or (workers is None and len(groups) < MIN_DEPARTMENTS):
            _stop = multiprocessing.Event()
            return list(_each(groups))
        _stop = context.Event()
        with context.Pool(count, initializer=_work_init) as pool:
            return list(pool.imap(_pooled, groups, chunksize=CHUNK))
    finally:
        _job = None


def site_entries(summaries: Iterable[Summary], reporter: Reporter) -> list[Entry]:
    """Every department-year the workers loaded, after the site-wide check that each is in one file."""
    entries = [e for s in summaries for e in s.entries]
    check_unique(entries, reporter)
    return entries


def year_bytes(folder: Path, summaries: Iterable[Summary]) -> Callable[[Entry, str], bytes]:
    """``data(entry, name)`` for ``downloads.site_file_specs``: a year's file, read back from ``folder``."""
    paths = {rel: {d.kind: d.path for d in files} for s in summaries for rel, files in s.year_files}
    kinds = {"json": "department-year", "figures": "figures", "indicators": "indicators", "final": "final"}

    def data(entry: Entry, name: str) -> bytes:
        path = paths[entry.rel].get(kinds[name])
        if path is None:  # a file only some years have (决算 tables)
            return b""
        with open(os.path.join(folder, path), "rb") as f:
            return f.read()

    return data


def stream_site_files(writer: Any, entries: Sequence[Entry], scorecard_csv: str,
                      data: Callable[[Entry, str], bytes]) -> list[Download]:
    """Write the site-wide files part by part (never whole in memory); their catalogue entries."""
    ordered = sorted(entries, key=lambda e: e.rel)
    written = []
    for path, title, kind, parts in site_file_specs(ordered, [year_page(e) for e in ordered], scorecard_csv, data):
        size, sha256 = writer.write_parts(path, parts)
        written.append(download(path, title, kind, size, sha256))
    return written
