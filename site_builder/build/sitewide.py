"""The site-wide stage of a full build: what is made from every department's summary (departments.py).

After the departments are written, ``write_sitewide`` makes the site-wide files (data/site.json and the
site-wide CSVs, read back part by part from each year's files), the scorecard pages and CSV, the site-wide
pages (home, regions, glossary, scorecards, about …, rendered on every core by parallel.render_pages),
the catalogue (data/catalog.json) and the sitemap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from xml.sax.saxutils import escape as xml_escape

from ..config import SiteConfig
from ..content.load import Entry
from ..problems import Reporter
from ..site import routes
from ..site.completeness import scorecard_csv, scorecard_pages
from ..site.downloads import SITE_NOTES, Download, catalog_json, download, links, site_file_specs, year_page
from ..site.pages import site_pages
from ..site.regions import group_departments, region_names, region_trees
from ..site.render import Theme
from ..site.routes import DuplicatePath, Route, RouteTable
from .context import BuildContext
from .departments import Summary
from .parallel import defer, render_pages
from .patch import PatchWriter
from .writer import SiteWriter, Writer


def write_sitewide(ctx: BuildContext, writer: SiteWriter | PatchWriter, summaries: Sequence[Summary],
                   entries: list[Entry], reporter: Reporter, in_place: Sequence[bool] = ()) -> int | None:
    """The site-wide pages and files of the departments' ``summaries`` (``entries``: every department-year
    they loaded), written after the departments' own: the number of HTML pages of the whole site, or None
    when a problem was reported (a path claimed twice). ``in_place``: for each summary, whether its
    department's files are kept where they are in the output folder (a PatchWriter's build)."""
    config, items, theme, env, site, md = ctx.config, ctx.items, ctx.theme, ctx.env, ctx.site, ctx.md
    assert env is not None and theme is not None and items is not None
    departments = group_departments(entries)
    names = region_names(departments)
    cards = {rel: card for s in summaries for rel, card in s.cards.items()}
    ordered = sorted(entries, key=lambda e: e.rel)
    site_files = stream_site_files(writer, entries, scorecard_csv(ordered, cards, items),
                                   year_bytes(writer.path_of, summaries))
    planned = site_pages(departments, names, region_trees(departments, names), config, md, defer,
                         scorecards=scorecard_pages(ordered, cards, items), site_links=links(site_files, SITE_NOTES))
    table = RouteTable()
    pages = []
    for path, template, owner, view in planned:
        pages.append((claim(table, Route(path, template, owner), reporter), {"site": site, "page": view}))
    department_routes = [claim(table, route, reporter) for s in summaries for route in s.pages]
    if reporter.errors:
        return None
    for i, s in enumerate(summaries):
        take = writer.keep if i < len(in_place) and in_place[i] and isinstance(writer, PatchWriter) else writer.reserve
        for route in s.pages:
            take(route.path)
        for _, files in s.year_files:
            for d in files:
                take(d.path)
    render_pages(env, pages, writer, lambda route: page_url(route, config), ctx.workers)
    copy_static(theme, writer)
    year_downloads = [d for s in summaries for _, files in s.year_files for d in files]
    page_downloads = sorted((d for s in summaries for d in s.page_downloads), key=lambda d: d.path)
    writer.write_text(routes.CATALOG, catalog_json([*site_files, *year_downloads, *page_downloads], config.title))
    routes_written = [r for r, _ in pages] + department_routes
    writer.write_text(routes.SITEMAP, sitemap(routes_written, config))
    return sum(1 for r in routes_written if r.path.endswith(".html"))


def year_bytes(locate: Callable[[str], str], summaries: Iterable[Summary]) -> Callable[[Entry, str], bytes]:
    """``data(entry, name)`` for ``downloads.site_file_specs``: a year's file, read back from where
    ``locate(path)`` (the writer's ``path_of``) says it is."""
    paths = {rel: {d.kind: d.path for d in files} for s in summaries for rel, files in s.year_files}
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


def sitemap(pages: Iterable[Route], config: SiteConfig) -> str:
    """sitemap.xml: every HTML page but the 404, in path order, at base_url (or base_path when no base_url is set)."""
    base = config.base_url.rstrip("/") + "/" if config.base_url else config.base_path
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in sorted(route.path for route in pages):
        if path != routes.NOT_FOUND and path.endswith(".html"):
            lines.append(f"  <url><loc>{xml_escape(base + path)}</loc></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
