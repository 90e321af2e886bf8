"""The site-wide stage of a full build: what is made from every department's summary (departments.py).

After the departments are written, ``write_sitewide`` makes the site-wide files (data/site.json and the
site-wide CSVs, read back part by part from each year's files), the scorecard pages and CSV, the site-wide
pages (home, regions, glossary, scorecards, about …, rendered on every core by parallel.render_pages),
the catalogue (data/catalog.json) and the sitemap.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import chain
from pathlib import Path

from ..config import SiteConfig
from ..content.load import Entry
from ..problems import Reporter
from ..search.index import Described
from ..site import routes
from ..site.completeness import (SCORECARD_PATHS, LazyScorecards, scorecard_csv,
                                 scorecard_csv_pieces, scorecard_pages)
from ..site.downloads import (SCHEMA_SOURCE, SITE_NOTES, Download, Piece, YearBytes, download, links, site_file_pieces,
                              site_file_specs, year_page)
from ..site.pages import scorecard_page, site_pages
from ..site.regions import Regions, group_departments
from ..site.render import Theme
from ..site.routes import DuplicatePath, Route, RouteTable
from .context import BuildContext
from .cache import PersistentCache
from .fingerprint import Deferred
from .departments import Summary
from .parallel import Page, defer, render_pages
from .patch import PatchWriter
from .listings import catalog, sitemap, splice_catalog, splice_sitemap
from .sitewide_cache import OwnFolder, PageKeys, State, keep_state, load_state, year_digests
from .writer import file_signature
from .splice import Spliced, piece_key, write_spliced
from .writer import SiteWriter, Writer


def write_sitewide(ctx: BuildContext, writer: SiteWriter | PatchWriter, summaries: Sequence[Summary],
                   entries: list[Entry], reporter: Reporter, in_place: Sequence[bool] = (),
                   store: PersistentCache | None = None, keys: Sequence[str | None] = (),
                   described: dict[str, Described] | None = None, own: OwnFolder | None = None) -> int | None:
    """The site-wide pages and files of the departments' ``summaries`` (``entries``: every department-year
    they loaded), written after the departments' own: the number of HTML pages of the whole site, or None
    when a problem was reported (a path claimed twice). ``in_place``: for each summary, whether its
    department's files are kept where they are in the output folder (a PatchWriter's build).

    With a ``store`` (the persistent cache; ``keys``: the key each summary is kept under in it), what did
    not change since the last good build is taken from it (sitewide_cache.py): the same bytes, sooner. ``described``: the digests and marks of the site-wide pages
    rendered are added to it (``search.index.describe``); those taken from the last build the index reads.
    ``own``: the preview's own output folder (warm.py), whose state is kept there, not in the cache."""
    config, items, theme, env, site, md = ctx.config, ctx.items, ctx.theme, ctx.env, ctx.site, ctx.md
    assert env is not None and theme is not None and items is not None
    site_key = os.path.realpath(writer.output_site)
    last, others = load_state(store, site_key, own)
    state = State()
    cards = {rel: card for s in summaries for rel, card in s.cards.items()}
    ordered = sorted(entries, key=lambda e: e.rel)
    years = year_digests(summaries)
    data = year_bytes(writer.path_of, summaries)
    # through the cache, the scorecard pages' views are made only when one of them is rendered, from the rows
    # (but their ranks) the last build made of the department-years that did not change (PageKeys fills ``lines``)
    lines: dict[tuple[str, ...], bytes] = {}  # each pickled
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="splice") as pool:
        if store is None:
            site_files = stream_site_files(writer, entries, scorecard_csv(ordered, cards, items), data)
        else:
            years[SCHEMA_SOURCE] = store.inputs.digest("site", "").hex()  # the package's code and version
            spliced = splice_site_files(pool, writer, ordered, scorecard_csv_pieces(ordered, cards, items), data,
                                        years, last, state)
        # while the site-wide files are written (mostly copying and hashing, which leave the interpreter free)
        departments = group_departments(entries)
        regions = Regions(departments)  # their names and trees worked out when a page that shows them is rendered
        keys_of = PageKeys(store, ordered, cards, years, last, state, lines) if store is not None else None
        if keys_of is not None:
            keys_of.register_departments(entries, departments, regions)
        if store is not None:
            site_files = spliced()
    lazy = LazyScorecards(ordered, cards, items, lines) if store is not None else None
    planned = list(site_pages(departments, regions, config, md, defer,
                              scorecards=scorecard_pages(ordered, cards, items) if lazy is None else (),
                              site_links=links(site_files, SITE_NOTES)))
    if lazy is not None:
        planned += [scorecard_page(path, Deferred(lazy.page, (i,), None)) for i, path in enumerate(SCORECARD_PATHS)]
    kept = [isinstance(writer, PatchWriter) and i < len(in_place) and in_place[i] for i in range(len(summaries))]
    pages = [(route, {"site": site, "page": view}) for route, view in claim_routes(planned, summaries, kept, reporter)]
    department_routes = [route for s in summaries for route in s.pages]
    if reporter.errors:
        return None
    held: list[str] = []  # the files of the departments kept in place: claimed at once
    for s, here in zip(summaries, kept):
        paths = [route.path for route in s.pages] + [path for _, files in s.year_outputs() for _, path, _ in files]
        if here:
            held += paths
        else:
            for path in paths:
                writer.reserve(path)
    if isinstance(writer, PatchWriter):
        writer.keep_all(held)
    fresh = pages if keys_of is None else reuse_pages(writer, keys_of.of_templates({route.template for route, _ in pages}),
                                                      pages, last, state)
    if any(route.template in ("home.html", "region.html") for route, _ in fresh):
        regions.trees  # worked out once here, not in each process that renders pages (parallel.py)
    site_described = render_pages(env, fresh, writer, lambda route: page_url(route, config), ctx.workers)
    if described is not None:
        described.update(site_described)
    copy_static(theme, writer)
    site_routes = [r for r, _ in pages]
    if store is None:
        writer.write_text(routes.CATALOG, catalog(site_files, summaries, config.title))
        writer.write_text(routes.SITEMAP, sitemap(site_routes + department_routes, config))
    else:
        splice_catalog(writer, site_files, summaries, keys, config.title, last, state)
        splice_sitemap(writer, site_routes, summaries, keys, config, last, state)
    if store is not None:
        keep_state(store, site_key, state, others, own)
    return sum(1 for r in chain(site_routes, department_routes) if r.path.endswith(".html"))


def splice_site_files(pool: ThreadPoolExecutor, writer: SiteWriter | PatchWriter, ordered: Sequence[Entry],
                      scorecard: Iterable[Piece], data: YearBytes, years: dict[tuple[tuple[str, ...], str], str],
                      last: State, state: State) -> Callable[[], list[Download]]:
    """``stream_site_files``, each file written from the last build's (splice.py) where that holds pieces of it,
    on the threads of ``pool``: what it gives waits for them and tells what they wrote.

    The files are written two at a time, on threads: most of the work is hashing and copying the unchanged
    pieces (550 MB at 10,000 department-years), which leave the interpreter to the other thread, and to the
    building one meanwhile."""
    # a year's file is in ``years`` when it has one: no piece for the 决算 tables a 预算 has not (10,000 at 10,000
    # department-years of budgets, each keyed for nothing on a thread that holds the interpreter meanwhile)
    files = site_file_pieces(ordered, [year_page(e) for e in ordered], scorecard, data,
                             lambda entry, name: (entry.rel, name) in years)
    targets = [os.fspath(writer.reserve(path)) for path, _, _, _ in files]

    def splice(i: int) -> Spliced:
        path, _, _, pieces = files[i]
        keyed = ((piece_key(piece, lambda source: years.get(source, "")), piece) for piece in pieces)
        return write_spliced(targets[i], keyed, os.path.join(writer.output_site, path), last.files.get(path))

    running = [pool.submit(splice, i) for i in range(len(files))]

    def written() -> list[Download]:
        done = []
        for (path, title, kind, _), future in zip(files, running):
            spliced = future.result()
            state.files[path] = spliced.layout
            done.append(download(path, title, kind, spliced.size, spliced.sha256))
        return done

    return written


def reuse_pages(writer: SiteWriter | PatchWriter, keys: PageKeys, pages: list[Page], last: State, state: State) -> list[Page]:
    """The pages of ``pages`` to render: those whose key changed since the last good build, or whose file
    that build left is gone or changed. The others are that build's files: kept where they are by a
    PatchWriter, copied into a SiteWriter's new folder."""
    fresh = []
    for route, context in pages:
        if route.path in SCORECARD_PATHS:
            key: bytes | None = keys.scorecard(route.path, route.template)
        else:
            key = keys.key(route.path, route.template, context["page"])
        if key is None:
            fresh.append((route, context))
            continue
        state.pages[route.path] = (key, (0, 0, 0))
        known = last.pages.get(route.path)
        previous = os.path.join(writer.output_site, route.path)
        if known is not None and known[0] == key and file_signature(previous) == known[1]:
            if isinstance(writer, PatchWriter):
                writer.keep(route.path)
            else:
                writer.copy_file(Path(previous), route.path)
        else:
            fresh.append((route, context))
    return fresh


def year_bytes(locate: Callable[[str], str], summaries: Iterable[Summary]) -> Callable[[Entry, str], bytes]:
    """``data(entry, name)`` for ``downloads.site_file_specs``: a year's file, read back from where
    ``locate(path)`` (the writer's ``path_of``) says it is."""
    paths = {rel: {kind: path for kind, path, _ in files} for s in summaries for rel, files in s.year_outputs()}
    kinds = {"json": "department-year", "figures": "figures", "indicators": "indicators", "final": "final"}

    def data(entry: Entry, name: str) -> bytes:
        path = paths[entry.rel].get(kinds[name])
        if path is None:  # a file only some years have (决算 tables)
            return b""
        with open(locate(path), "rb") as f:
            return f.read()

    return data


def stream_site_files(writer: SiteWriter, entries: Sequence[Entry], scorecard_csv: str,
                      data: Callable[[Entry, str], bytes]) -> list[Download]:
    """Write the site-wide files part by part (never whole in memory); their catalogue entries."""
    ordered = sorted(entries, key=lambda e: e.rel)
    written = []
    for path, title, kind, parts in site_file_specs(ordered, [year_page(e) for e in ordered], scorecard_csv, data):
        size, sha256 = writer.write_parts(path, parts)
        written.append(download(path, title, kind, size, sha256))
    return written


def page_url(route: Route, config: SiteConfig) -> Callable[[str], str] | None:
    """The 404 page links from the site's base path (it is served at any depth); other pages relatively."""
    return (lambda target: config.base_path + target) if route.path == routes.NOT_FOUND else None


def claim_routes(planned: Sequence[tuple[str, str, str, object]], summaries: Sequence[Summary], kept: Sequence[bool],
                 reporter: Reporter) -> list[tuple[Route, object]]:
    """The site-wide pages ``planned`` (path, template, owner, view) as routes, each with its view; every path
    of the site claimed once (a path claimed twice, or a department's page in a folder the site keeps for
    itself, is reported). The pages of a department ``kept`` in place were claimed by the last good build
    into the same folder: they are only checked not to be claimed again (at 10,000 department-years, 34,000
    pages); when one is, every page is claimed as on a cold build, which reports it as that build does."""
    held = [route.path for s, here in zip(summaries, kept) if here for route in s.pages]
    if held:
        told = Reporter()
        table = RouteTable()
        pages = [(claim(table, Route(path, template, owner), told), view) for path, template, owner, view in planned]
        fresh = [claim(table, route, told).path for s, here in zip(summaries, kept) if not here for route in s.pages]
        unique = set(held)
        if len(unique) == len(held) and unique.isdisjoint([route.path for route, _ in pages]) and unique.isdisjoint(fresh):
            reporter.extend(told.problems)
            return pages
    table = RouteTable()
    pages = [(claim(table, Route(path, template, owner), reporter), view) for path, template, owner, view in planned]
    for s in summaries:
        for route in s.pages:
            claim(table, route, reporter)
    return pages


def claim(table: RouteTable, route: Route, reporter: Reporter) -> Route:
    """Add ``route`` to ``table``; a path claimed twice is reported."""
    try:
        return table.add(route)
    except DuplicatePath as err:
        reporter.error(route.owner if route.owner.endswith(".yaml") else "content", 1, "", err.message)
        return route


def copy_static(theme: Theme, writer: Writer) -> None:
    for name, path in theme.static_files().items():
        writer.copy_file(path, routes.static_path(name))
