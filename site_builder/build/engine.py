"""``site-builder build``: the whole pipeline, from ``content/`` to a static site in ``output/``.

    load → check → derive views → route → render → write (atomic) → index (Pagefind, before the swap)

A build starts by making its context (context.py: configuration, items, theme, environment …),
which every stage is handed. A full build runs the pipeline department by department on every
core (departments.py), then makes the site-wide pages and files from the departments'
summaries; the preview server's builds plan every page at once and re-render only what
changed (incremental.py). Both plan pages with site/pages.py. A problem at any stage is
reported (never printed) and leaves the previous ``output/`` untouched.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import CONFIG_FILE, load_config
from ..content.checks import Check
from ..content.crosswalk import EMPTY, site_crosswalk
from ..content.load import display_path
from ..derive.scorecard import load_site_items
from ..site.transparency import Memos, Transparency, plan_transparency, write_downloads
from ..messages import os_error_zh
from ..problems import Message, Reporter
from ..search.index import ShardStore, index_site
from ..site import routes
from ..site.comparison_pages import Comparer
from ..site.pages import Names, Planned, call, department_pages, site_pages
from ..site.render import TemplateProblem, compile_templates, find_theme, make_environment
from ..site.routes import Route, RouteTable
from ..site.regions import Department, group_departments, region_names, region_trees
from .cache import OutputState, PersistentCache, open_cache
from .inputs import SiteInputs
from .context import BuildContext
from .departments import (Destination, build_departments, comparison_downloads, department_folders, report_checks,
                          site_entries)
from . import patch
from .patch import PatchWriter, scan
from .sitewide import claim, copy_static, page_url, sitemap, write_sitewide
from .sitewide_cache import commit_state
from .writer import TEMP_PREFIX, SiteWriter, UnsafeOutput, Writer, check_output_dir, locked_folder, site_folder

if TYPE_CHECKING:
    from .incremental import BuildCache


@dataclass(frozen=True)
class BuildResult:
    """What a build did: whether it wrote the site, how many pages and files, how long it took."""

    ok: bool
    pages: int
    files: int
    seconds: float
    reused: int = 0  # departments taken from the persistent cache (cache.py)


def build_site(project_root: Path, output_dir: Path, reporter: Reporter, *, content_dir: Path | None = None,
               strict: bool = False, cache: BuildCache | None = None, search_index: bool = True,
               cache_dir: Path | None = None, workers: int | None = None) -> BuildResult:
    """Build the site of ``project_root`` into ``output_dir``; report every problem.

    Writes nothing (and leaves ``output_dir`` as it was) when there are errors, or
    warnings with ``strict``. With a ``cache`` (the preview server's), what did not change
    since the last build through it is neither parsed, rendered nor written again, and
    ``output_dir`` is updated in place; the files are those of a full build. Without
    ``search_index``, or through a ``cache``, Pagefind is not run (the preview server runs it when edits settle).
    With a ``cache_dir`` (and no ``cache``), a full build keeps there what it made, and takes
    from there what did not change since (cache.py): the same files, sooner. ``workers``: the
    processes of a full build (None: every core, where the site is large enough for it to pay).
    """
    started = time.perf_counter()
    ctx = prepare(project_root, output_dir, reporter, content_dir, strict=strict, workers=workers,
                  memos=cache.memos if cache is not None else None)
    if cache is None:
        return build_full(ctx, output_dir, reporter, search_index=search_index, started=started, cache_dir=cache_dir)

    def failed() -> BuildResult:
        return BuildResult(False, 0, 0, time.perf_counter() - started)

    config, items, theme = ctx.config, ctx.items, ctx.theme
    cache.last = None  # until this build succeeds: the quick path builds in a good build's context
    entries = cache.load_content(ctx.content, reporter)
    if not entries and not reporter.errors:
        report_no_content(ctx.content, reporter)
    checks = {entry.rel: cache.checks(entry) for entry in entries}
    for entry in entries:
        report_checks(entry, checks[entry.rel], reporter)
    if reporter.errors or (strict and reporter.warnings) or theme is None or items is None:
        return failed()

    transparency = plan_transparency(entries, items, ctx.memos)
    items_key = ctx.items_key
    departments = group_departments(entries)
    names = region_names(departments)
    pages = list(plan_pages(ctx, departments, names, checks, reporter, derive=cache.derive,
                            transparency=transparency,
                            reuse=lambda dept, names, plan: cache.department_plan(dept, names, items_key, plan)))
    if reporter.errors:
        return failed()
    try:
        env = cache.environment(theme)
        compile_templates(env)
        with cache.writer(output_dir) as writer:
            for route, context in pages:
                cache.write_page(writer, env, route, context, page_url(route, config))
            copy_static(theme, writer)
            write_downloads(writer, transparency, pages, config.title,
                            {path: about for dept in departments for path, about in comparison_downloads(dept).items()})
            writer.write_text(routes.SITEMAP, sitemap([route for route, _ in pages], config))
            # the preview indexes its folder itself, when edits settle (serve/)
            written = index_and_commit(writer, reporter, output_dir, None)
            if written is None:
                return failed()
    except (TemplateProblem, OSError) as err:
        report_failure(err, output_dir, reporter)
        return failed()
    cache.last = ctx.with_env(env)
    html_pages = sum(1 for route, _ in pages if route.path.endswith(".html"))  # not the comparisons' downloads
    return BuildResult(True, html_pages, written, time.perf_counter() - started)


Reuse = Callable[[Department, Names, Callable[[], list[Planned]]], list[Planned]]


def prepare(project_root: Path, output_dir: Path, reporter: Reporter, content_dir: Path | None, *, strict: bool,
            workers: int | None = None, memos: Memos | None = None) -> BuildContext:
    """The build's context (no Jinja environment yet): the site's configuration, scorecard items, crosswalk
    and theme; and a check of the output folder. Problems reported."""
    config = load_config(project_root, reporter)
    items = load_site_items(project_root, config.scorecard, reporter)
    crosswalk = site_crosswalk(project_root, reporter)  # its errors stop the build
    theme = find_theme(project_root, config.theme)
    if theme is None:
        themes = display_path(project_root / "themes")
        reporter.error(display_path(project_root / CONFIG_FILE), 1, "theme",
                       Message(f"no theme '{config.theme}' in {themes} or among the built-in themes",
                               f"{themes} 和内置主题中都没有名为“{config.theme}”的主题"))
    try:
        check_output_dir(output_dir, [project_root, content_dir or project_root / "content"])
    except UnsafeOutput as err:
        reporter.error(display_path(output_dir), 1, "", err.message)
    return BuildContext(config, items, theme, None, content_dir or project_root / "content", strict=strict,
                        crosswalk=crosswalk or EMPTY, workers=workers, **({"memos": memos} if memos else {}))


def report_no_content(root: Path, reporter: Reporter) -> None:
    """A build of no department-year at all would replace a site with an empty one: it is an error."""
    where = display_path(root)
    reporter.error(where, 1, "", Message(
        f"no content files (<year>.yaml) below {where}; a site needs at least one department-year",
        f"{where} 下没有内容文件（<年度>.yaml）；网站至少需要一个部门年度"))


def index_and_commit(writer: Writer, reporter: Reporter, output_dir: Path, written: Path | None,
                     segmented: Path | None = None, store: ShardStore | None = None) -> int | None:
    """Index the site ``written`` in that folder (None: no index), then put it in place: the files written,
    or None when the index could not be built (reported; nothing is put in place)."""
    if written is not None and index_site(written, reporter, name=display_path(output_dir), segmented=segmented,
                                          store=store) is None:
        return None
    writer.commit()
    return writer.written


def report_failure(err: TemplateProblem | OSError, output_dir: Path, reporter: Reporter) -> None:
    """Report a template that failed, or a folder that could not be written (the previous site stays)."""
    if isinstance(err, TemplateProblem):
        reporter.error(err.file, err.line, "", Message(err.message, err.message_zh))
    else:  # a full disk, a read-only folder
        reporter.error(display_path(output_dir), 1, "", Message(f"cannot write the site: {err}",
                                                                f"无法写入网站：{os_error_zh(err)}"))


def build_full(ctx: BuildContext, output_dir: Path, reporter: Reporter, *, search_index: bool, started: float,
               cache_dir: Path | None = None) -> BuildResult:
    """A full build into a new folder, swapped in at the end: departments on every core (departments.py),
    then the site-wide pages and files from their summaries, then the search index. With a
    ``cache_dir``, departments and search shards that did not change are taken from it."""
    def failed() -> BuildResult:
        return BuildResult(False, 0, 0, time.perf_counter() - started)

    if ctx.theme is not None and ctx.items is not None and not reporter.errors:
        try:
            env = make_environment(ctx.theme)
            compile_templates(env)
            ctx = ctx.with_env(env)
        except TemplateProblem as err:
            report_failure(err, output_dir, reporter)
    rendering = ctx.env is not None
    try:
        with persistent_cache(cache_dir if rendering else None, ctx) as store, \
                site_writer(output_dir, store) as (writer, state), \
                segment_folder(output_dir, search_index and rendering) as segmented:
            html_pages = write_site(ctx, writer, segmented, reporter, store, state.departments if state else None)
            if html_pages is None:
                return failed()
            release_memory()  # what the site-wide stage held, before Pagefind runs beside this process
            if isinstance(writer, PatchWriter):
                written = patch.index_and_commit(writer, reporter, display_path(output_dir), segmented, store,
                                                 state.shards if state else {}, search_index)
            else:
                written = index_and_commit(writer, reporter, output_dir, writer.temp if search_index else None,
                                           segmented, store)
            if written is None:
                return failed()
            if store is not None:
                store.prune()
                manifest = writer.manifest if isinstance(writer, PatchWriter) else scan(site_folder(output_dir))
                if manifest is not None:
                    store.keep_output(site_folder(output_dir), manifest, writer.temp)
                commit_state(store.folder)
    except (TemplateProblem, OSError) as err:
        report_failure(err, output_dir, reporter)
        return failed()
    return BuildResult(True, html_pages, written, time.perf_counter() - started,
                       store.stats.reused if store is not None else 0)


Holds = dict[str, str]  # department folder → the key of the department the output folder holds


@contextlib.contextmanager
def site_writer(output_dir: Path, store: PersistentCache | None) -> Iterator[tuple[SiteWriter | PatchWriter,
                                                                                  OutputState | None]]:
    """The writer of a build, and what the output folder holds that it may keep in place: a
    PatchWriter and the folder's state when ``output_dir`` is, file for file, what the last build
    through ``store`` left there (patch.py); else a SiteWriter (a new folder, swapped in whole) and None."""
    state = store.output_state(site_folder(output_dir)) if store is not None else None
    if state is not None and scan(site_folder(output_dir)) == state.manifest:
        with PatchWriter(output_dir, state.manifest) as writer:
            yield writer, state
        return
    with SiteWriter(output_dir) as full:
        yield full, None


@contextlib.contextmanager
def persistent_cache(folder: Path | None, ctx: BuildContext) -> Iterator[PersistentCache | None]:
    """The build cache in ``folder`` (cache.py), keyed by what every page depends on; None without a
    folder, or when another build holds it."""
    if folder is None or ctx.theme is None or ctx.items is None:
        yield None
        return
    with open_cache(folder, SiteInputs(ctx.theme, ctx.config, ctx.items_key, ctx.content)) as cache:
        yield cache


def write_site(ctx: BuildContext, writer: SiteWriter | PatchWriter, segmented: Path | None, reporter: Reporter,
               store: PersistentCache | None = None, holds: Holds | None = None) -> int | None:
    """Every department (on every core), then the site-wide pages and files: the number of HTML
    pages, or None when a problem was reported (``ctx.env`` None: load and check only). With a
    ``store``, a department whose files did not change is taken from it instead: kept where it is
    when the output folder ``holds`` it under the same key (a PatchWriter's build), else linked."""
    items, theme, env = ctx.items, ctx.theme, ctx.env
    groups = department_folders(ctx.content)
    if not groups:
        report_no_content(ctx.content, reporter)
        return None
    keys = [store.department_key(ctx.content_root, files) for files in groups] if store is not None else []
    holds = holds or {}
    kept = [store.summary(key, verify=holds.get(store.department_folder(files)) != key) if key is not None else None
            for files, key in zip(groups, keys)] if store is not None else [None] * len(groups)
    built = iter(build_departments(ctx, [files for files, summary in zip(groups, kept) if summary is None],
                                   Destination(writer.temp, segmented)))
    summaries = [summary if summary is not None else next(built) for summary in kept]
    for summary in summaries:
        reporter.extend(summary.problems)
    entries = site_entries(summaries, reporter)
    failure = min((s.failure for s in summaries if s.failure is not None), default=None, key=lambda f: f[0])
    if failure is not None:
        reporter.error(failure[1], failure[2], "", failure[3])
    if env is None or theme is None or items is None or reporter.errors or (ctx.strict and reporter.warnings):
        return None

    in_place = [False] * len(groups)
    if store is not None:  # before the index moves the segmented copies away
        for i, summary in enumerate(summaries):
            key = keys[i]
            if kept[i] is not None and key is not None:
                in_place[i] = holds.get(store.department_folder(groups[i])) == key
                store.link_department(key, summary, None if in_place[i] else writer.temp)
            else:
                store.keep_department(groups[i], summary, writer.temp, segmented)
    return write_sitewide(ctx, writer, summaries, entries, reporter, in_place, store,
                          [key if summary is not None else None for key, summary in zip(keys, kept)])


def release_memory() -> None:
    """Collect what is garbage and hand freed memory back to the system (glibc keeps it otherwise)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


@contextlib.contextmanager
def segment_folder(output_dir: Path, wanted: bool) -> Iterator[Path | None]:
    """A folder beside ``output_dir`` for the search index's segmented pages (None when not ``wanted``), removed after."""
    if not wanted:
        yield None
        return
    parent = site_folder(output_dir).parent
    parent.mkdir(parents=True, exist_ok=True)
    folder, lock = locked_folder(TEMP_PREFIX + "search-", parent)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if lock is not None:
            os.close(lock)


def plan_pages(ctx: BuildContext, departments: list[Department], names: Names,
               checks: dict[tuple[str, ...], list[Check]], reporter: Reporter, derive: Callable[..., Any] | None = None, *,
               transparency: Transparency, reuse: Reuse | None = None) -> Iterator[tuple[Route, dict[str, Any]]]:
    """Every page of ``departments`` (``views.group_departments``; ``names``: ``views.region_names``)
    as (route, template context), in path order; a path claimed twice is an error.

    ``transparency`` holds what the pages show of 公开完整度 and open data, and the scorecard pages.
    Each view is made as ``derive(view_function, *arguments)``: by default a plain call; the
    preview's cache defers it, and derives it only for pages whose inputs changed; its
    ``reuse(dept, names, plan)`` gives a department's pages as last planned when nothing they
    depend on changed, else ``plan()``.
    """
    derive = derive or call
    table = RouteTable()
    md = ctx.md
    comparer = Comparer(ctx.crosswalk)  # one per build: the comparisons it keeps are the last few rendered
    planned = list(site_pages(departments, names, region_trees(departments, names), ctx.config, md, derive,
                              scorecards=transparency.scorecard_pages, site_links=transparency.site_links()))
    for dept in departments:
        def plan(dept: Department = dept) -> list[Planned]:
            return list(department_pages(dept, checks, names, md, derive,
                                         completeness=lambda e: transparency.completeness[e.rel],
                                         year_links=transparency.year_links, comparer=comparer))

        planned += reuse(dept, names, plan) if reuse is not None else plan()
    routed = [(claim(table, Route(path, template, owner), reporter), view) for path, template, owner, view in planned]
    site = ctx.site
    for route, view in sorted(routed, key=lambda rv: rv[0].path):
        yield route, {"site": site, "page": view}
