"""``site-builder build``: the whole pipeline, from ``content/`` to a static site in ``output/``.

    load → check → derive views → route → render → write → index (Pagefind) → commit

A build starts by making its context (context.py: configuration, items, theme, environment …),
which every stage is handed. It runs the pipeline department by department on every core
(departments.py), taking from the build cache (cache.py) each department whose inputs did not
change, then makes the site-wide pages and files from the departments' summaries
(sitewide.py), then the search index. ``site-builder build`` and the preview server build the
same way; the preview keeps in memory what a process that starts afresh reads again (warm.py),
and answers a save first with the edited department-year (quickpath.py). The commit swaps in a
new folder, or renames the files that changed into ``output/`` when it is what the last build
left there (patch.py). A problem at any stage is reported (never printed) and leaves the
previous ``output/`` untouched.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..config import CONFIG_FILE, load_config
from ..content.crosswalk import EMPTY, site_crosswalk
from ..content.load import display_path
from ..derive.scorecard import load_site_items
from ..site.transparency import Memos
from ..messages import os_error_zh
from ..problems import Message, Reporter
from ..search.ahead import Ahead
from ..search.index import BUNDLE, Described, ShardStore, SiteFiles, index_site
from ..site.render import TemplateProblem, compile_templates, find_theme, make_environment
from .cache import OutputState, PersistentCache, department_files, open_cache, template_cache
from .inputs import SiteInputs
from .context import BuildContext
from .departments import Destination, begin_departments, build_departments, department_folders, site_entries
from . import patch
from .patch import PatchWriter, scan
from .manifest import stamp
from .warm import Warm
from .sitewide import write_sitewide
from .sitewide_cache import OwnFolder, commit_state
from .writer import SiteWriter, UnsafeOutput, check_output_dir, locked_temporary, site_folder


@dataclass(frozen=True)
class BuildResult:
    """What a build did: whether it wrote the site, how many pages and files, how long it took."""

    ok: bool
    pages: int
    files: int
    seconds: float
    reused: int = 0  # departments taken from the persistent cache (cache.py)
    changed: int | None = None  # files replaced or removed (a build in place); None: a new folder swapped in
    held: tuple[object, ...] = field(default=(), repr=False, compare=False)
    """What a successful build held (its cache with the summaries, its writer with the output's manifest, the
    pages described): freed with this result, so that a caller that ends its process without freeing them keeps
    it (cli.run: at 1,000 department-years, freeing them object by object took 25 ms after the build was done)."""


def build_site(project_root: Path, output_dir: Path, reporter: Reporter, *, content_dir: Path | None = None,
               strict: bool = False, search_index: bool = True, cache_dir: Path | Sequence[Path] | None = None,
               workers: int | None = None, warm: Warm | None = None,
               touched: frozenset[str] = frozenset()) -> BuildResult:
    """Build the site of ``project_root`` into ``output_dir``; report every problem.

    Writes nothing (and leaves ``output_dir`` as it was) when there are errors, or warnings with
    ``strict``. Without ``search_index`` Pagefind is not run, and a ``pagefind/`` folder in
    ``output_dir`` is left as it is (the preview server indexes its folder itself, when edits settle).
    With a ``cache_dir`` (or the first of several that no other build holds), the build keeps there
    what it made, and takes from there what did not change since (cache.py): the same files,
    sooner, and written in place when ``output_dir`` is what the last build through it left there
    (patch.py). ``workers``: the processes of a build (None: every core, where the site is large
    enough for it to pay). ``warm``: what a long-running process (the preview) keeps in memory
    between its builds (warm.py); ``touched``: the files of ``output_dir`` the caller replaced
    since the last build (the preview's quick answer), which the build then does not take for
    what it left there.
    """
    started = time.perf_counter()
    if warm is not None:
        warm.parsed = 0
    ctx = prepare(project_root, output_dir, reporter, content_dir, strict=strict, workers=workers,
                  memos=warm.memos if warm is not None else None)
    return build_full(ctx, output_dir, reporter, search_index=search_index, started=started, cache_dir=cache_dir,
                      warm=warm, touched=touched)


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


def index_and_commit(writer: SiteWriter, reporter: Reporter, output_dir: Path, written: Path | None,
                     segmented: Path | None = None, store: ShardStore | None = None,
                     described: dict[str, Described] | None = None, binary: Path | None = None) -> int | None:
    """Index the site ``written`` in that folder (None: no index), then put it in place: the files written,
    or None when the index could not be built (reported; nothing is put in place). The site's files are those
    the writer claimed (the index does not list the folder: 1.1 s at 10,000 department-years). ``described``:
    the pages described as they were written (``search.index.describe``), which the index does not read;
    ``binary``: Pagefind, when the build checked it already (the run ahead)."""
    if written is not None and index_site(written, reporter, name=display_path(output_dir), segmented=segmented,
                                          store=store, site=SiteFiles.of(writer.paths(), writer.path_of),
                                          described=described, binary=binary) is None:
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
               cache_dir: Path | Sequence[Path] | None = None, warm: Warm | None = None,
               touched: frozenset[str] = frozenset()) -> BuildResult:
    """A full build into a new folder, swapped in at the end: departments on every core (departments.py),
    then the site-wide pages and files from their summaries, then the search index. With a
    ``cache_dir``, departments and search shards that did not change are taken from it."""
    if ctx.theme is not None and ctx.items is not None and not reporter.errors:
        try:
            env = warm.environment(ctx.theme) if warm is not None else make_environment(ctx.theme)
            if warm is None and cache_dir is not None:  # a long-running process keeps its environment instead
                env.bytecode_cache = template_cache(cache_dir)
            compile_templates(env)
            ctx = ctx.with_env(env)
        except TemplateProblem as err:
            report_failure(err, output_dir, reporter)
    rendering = ctx.env is not None
    mark = len(reporter.problems)
    try:
        return build_once(ctx, output_dir, reporter, search_index=search_index, started=started,
                          cache_dir=cache_dir if rendering else None, warm=warm, touched=touched, in_place=True)
    except patch.OutputChanged:  # output/ was changed by hand since the last build: a new folder, swapped in
        del reporter.problems[mark:]
        return build_once(ctx, output_dir, reporter, search_index=search_index, started=started,
                          cache_dir=cache_dir if rendering else None, warm=warm, touched=touched, in_place=False)


def build_once(ctx: BuildContext, output_dir: Path, reporter: Reporter, *, search_index: bool, started: float,
               cache_dir: Path | Sequence[Path] | None, warm: Warm | None, touched: frozenset[str],
               in_place: bool) -> BuildResult:
    """``build_full`` once: writing in place (``in_place``, when the output folder allows it) or into a new folder.
    Raises patch.OutputChanged when a build in place finds, before its commit, that the output folder is
    not what the last build left there (it is checked while the build runs): nothing is then put in place."""
    def failed() -> BuildResult:
        if warm is not None and own is not None and not committing:  # the output folder is as it was
            own.next = None
            warm.own = own
        return BuildResult(False, 0, 0, time.perf_counter() - started)

    writer: SiteWriter | PatchWriter | None = None
    # the preview's own output folder, as its last good build left it (warm.py): kept in memory, not in the cache
    own = warm.take_own(os.path.realpath(site_folder(output_dir))) if warm is not None else None
    committing = False  # once the output folder may have changed
    try:
        with persistent_cache(cache_dir, ctx, warm) as store, \
                site_writer(output_dir, store, None if search_index else BUNDLE, touched, in_place, own) as (writer, state), \
                segment_folder(output_dir, search_index and ctx.env is not None) as segmented, \
                index_ahead(store, segmented, writer.output_site) as ahead:
            described: dict[str, Described] = {}
            html_pages = write_site(ctx, writer, segmented, reporter, store, state.departments if state else None,
                                    touched, warm, described, ahead, own)
            if html_pages is None:
                patch.confirm(writer)
                return failed()
            patch.confirm(writer, wait=False)
            if search_index:  # what the site-wide stage held, before Pagefind runs beside this process (a full
                release_memory()  # collection: 20-40 ms of the preview's rebuild at 1,000 department-years, for nothing)
            if ahead is not None:
                ahead.finish()
            binary = ahead.binary if ahead is not None else None  # Pagefind's --version run once a build, not twice
            committing = True
            if isinstance(writer, PatchWriter):
                written = patch.index_and_commit(writer, reporter, display_path(output_dir), segmented, store,
                                                 state.shards if state else {}, search_index, described, binary)
            else:
                written = index_and_commit(writer, reporter, output_dir, writer.temp if search_index else None,
                                           segmented, store, described, binary)
            if written is None:
                patch.confirm(writer)
                return failed()
            if store is not None:
                store.prune()
                if isinstance(writer, PatchWriter):
                    manifest, since = writer.manifest, writer.since
                else:
                    since = stamp(site_folder(output_dir).parent)
                    manifest = scan(site_folder(output_dir), None if search_index else BUNDLE)
                if manifest is not None:
                    left = store.keep_output(site_folder(output_dir), manifest, writer.temp, since, write=own is None)
                    if own is not None:
                        own.output = left
                commit_state(store.folder, own, manifest)
    except (TemplateProblem, OSError) as err:
        patch.confirm(writer)  # a file of output/ gone by hand shows as an error: then build into a new folder
        report_failure(err, output_dir, reporter)
        return failed()
    if warm is not None:
        warm.last, warm.output = ctx, output_dir.resolve()
        if own is not None and own.output is not None and own.sitewide is not None:
            warm.own = own
        if store is not None:
            warm.summaries, warm.departments = store.summaries, dict(store.departments)
    return BuildResult(True, html_pages, written, time.perf_counter() - started,
                       store.stats.reused if store is not None else 0,
                       writer.changed if isinstance(writer, PatchWriter) else None, (store, writer, state, described))


Holds = dict[str, str]  # department folder → the key of the department the output folder holds


@contextlib.contextmanager
def site_writer(output_dir: Path, store: PersistentCache | None, skip: str | None = None,
                touched: frozenset[str] = frozenset(), in_place: bool = True,
                own: OwnFolder | None = None) -> Iterator[tuple[SiteWriter | PatchWriter, OutputState | None]]:
    """The writer of a build, and what the output folder holds that it may keep in place: a
    PatchWriter and the folder's state when the last build through ``store`` left a state of
    ``output_dir`` (and ``in_place``); else a SiteWriter (a new folder, swapped in whole) and None: so
    too when what every page reads changed since (site_builder itself, after an upgrade), since every
    file is then made again and one folder swapped in costs less than as many renames.

    Whether ``output_dir`` is, file for file, what that build left there (but for the files in
    ``touched`` and its folder ``skip``: the search index, when the build makes none: the preview's
    own) is checked beside the build (patch.OutputCheck); the PatchWriter's commit waits for it. But for
    the preview's own folder, as its last good build left it (``own``, warm.py): its state is taken as it
    is, with the signatures of the files ``touched`` as they are now."""
    state = None
    if store is not None and in_place:  # the preview's own folder's state is kept in memory only
        state = own.output if own is not None else store.output_state(site_folder(output_dir))
        if state is not None and state.site != store.inputs.digest("site", ""):
            state = None
    if state is not None and own is not None:
        patch.restat(site_folder(output_dir), state.manifest, touched)
        with PatchWriter(output_dir, state.manifest) as writer:
            yield writer, state
        return
    if state is not None:
        check = patch.OutputCheck(site_folder(output_dir), state.manifest, touched, skip, state.since)
        try:
            with PatchWriter(output_dir, state.manifest, check) as writer:
                yield writer, state
        finally:
            check.wait()
        return
    with SiteWriter(output_dir) as full:
        yield full, None


@contextlib.contextmanager
def persistent_cache(folders: Path | Sequence[Path] | None, ctx: BuildContext,
                     warm: Warm | None = None) -> Iterator[PersistentCache | None]:
    """The build cache in ``folders`` (cache.py; the first that no other build holds), keyed by what every
    page depends on; None without a folder, or when other builds hold them all."""
    if folders is None or ctx.theme is None or ctx.items is None:
        yield None
        return
    inputs = SiteInputs(ctx.theme, ctx.config, ctx.items_key, ctx.content)
    for folder in [folders] if isinstance(folders, Path) else folders:
        with open_cache(folder, inputs, warm.summaries if warm is not None else None,
                        warm is not None and warm.frozen) as cache:
            if cache is not None:
                yield cache
                return
    yield None


def write_site(ctx: BuildContext, writer: SiteWriter | PatchWriter, segmented: Path | None, reporter: Reporter,
               store: PersistentCache | None = None, holds: Holds | None = None,
               touched: frozenset[str] = frozenset(), warm: Warm | None = None,
               described: dict[str, Described] | None = None, ahead: Ahead | None = None,
               own: OwnFolder | None = None) -> int | None:
    """Every department (on every core), then the site-wide pages and files: the number of HTML
    pages, or None when a problem was reported (``ctx.env`` None: load and check only). With a
    ``store``, a department whose files did not change is taken from it instead: kept where it is
    when the output folder ``holds`` it under the same key and none of its files was ``touched``
    since (a PatchWriter's build), else linked. ``described``: filled with each HTML page's digest
    and mark, as written (``search.index.describe``). ``ahead``: started on the search shards the departments
    changed, before the site-wide stage (search/ahead.py). ``own``: the preview's own output folder (warm.py),
    whose site-wide state is kept there, not in the cache."""
    items, theme, env = ctx.items, ctx.theme, ctx.env
    groups = department_folders(ctx.content)
    if not groups:
        report_no_content(ctx.content, reporter)
        return None
    folders = [store.department_folder(files) for files in groups] if store is not None else [""] * len(groups)
    keys = [store.department_key(ctx.content_root, files, folder) for files, folder in zip(groups, folders)] \
        if store is not None else [None] * len(groups)
    holds = holds or {}
    # whether the output folder holds each department as it is now (its files then need no checking)
    held = [key is not None and holds.get(folder) == key for folder, key in zip(folders, keys)]
    # the departments the cache does not keep are begun first, on a worker of their own, while the others load
    stored = store.stored() if store is not None else set()
    absent = [key is None or key not in stored for key in keys]
    destination = Destination(writer.temp, segmented)
    made = warm.made if warm is not None else None
    begun = begin_departments(ctx, [files for files, gone in zip(groups, absent) if gone], destination,
                              beside=absent.count(False), sources=warm, made=made)
    try:
        kept = store.kept_summaries(groups, keys, [not here for here in held], stored) if store is not None \
            else [None] * len(groups)
    except BaseException:
        begun.close()
        raise
    built = iter(begun.results())
    # those it keeps but could not use (a file of theirs changed on disk since): made now
    failed = [files for files, summary, gone in zip(groups, kept, absent) if summary is None and not gone]
    again = iter(build_departments(ctx, failed, destination, sources=warm, made=made) if failed else ())
    if warm is not None:
        warm.made.forget()  # the pages the preview's quick answer rendered are the site's now, or no longer apply
        warm.forget_files_but({(path, ctx.content_root) for files in groups for path in files})
    summaries = [summary if summary is not None else next(built if gone else again) for summary, gone in zip(kept, absent)]
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
                in_place[i] = held[i] and not (touched and any(rel in touched for rel in department_files(summary)))
                store.link_department(key, summary, None if in_place[i] else writer.temp)
            else:
                store.keep_department(groups[i], summary, writer.temp, segmented)
    if described is not None:
        for s in summaries:
            described.update(s.described)
    patch.confirm(writer, wait=False)
    if ahead is not None and described is not None and segmented is not None:
        ahead.start(described, segmented)
    # each department's key in the cache: those built afresh were kept under theirs just now
    final_keys = [store.departments.get(folder) for folder in folders] if store is not None else []
    return write_sitewide(ctx, writer, summaries, entries, reporter, in_place, store, final_keys, described, own)


def release_memory() -> None:
    """Collect what is garbage and hand freed memory back to the system (glibc keeps it otherwise)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


@contextlib.contextmanager
def index_ahead(store: PersistentCache | None, segmented: Path | None, site: Path) -> Iterator[Ahead | None]:
    """Pagefind run ahead on the shards a warm build changed (search/ahead.py), with a build cache and an
    index (``segmented``); what it still runs when the build stops is stopped. Its folders are in a locked
    temporary folder beside the segmented one's, which the next build removes if this one is killed."""
    if store is None or segmented is None:
        yield None
        return
    with locked_temporary("ahead-", segmented.parent, lambda work: shutil.rmtree(work, ignore_errors=True)) as work:
        ahead = Ahead(store, work, site)
        try:
            yield ahead
        finally:
            ahead.close()  # removes what it made in ``work``, which is then empty


@contextlib.contextmanager
def segment_folder(output_dir: Path, wanted: bool) -> Iterator[Path | None]:
    """A folder beside ``output_dir`` for the search index's segmented pages (None when not ``wanted``), removed
    after by a process of its own (``remove_old``: its thousands of folders took 0.15 s of a warm build)."""
    if not wanted:
        yield None
        return
    parent = site_folder(output_dir).parent
    parent.mkdir(parents=True, exist_ok=True)
    with locked_temporary("search-", parent) as folder:
        yield folder


