"""``site-builder build``: the whole pipeline, from ``content/`` to a static site in ``output/``.

    load → check → derive views → route → render → write (atomic) → index (Pagefind, before the swap)

All content is read and checked before anything is written; a problem at any stage is
reported (never printed) and leaves the previous ``output/`` untouched.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

from . import routes
from .checks import Check, run_checks
from .completeness import load_site_items
from .compare_views import comparison_files, comparison_page, department_comparisons
from .config import CONFIG_FILE, SiteConfig, load_config
from .content import Entry, display_path, load_content
from .markup import MarkdownRenderer
from .messages import os_error_zh
from .parallel import defer, render_pages
from .problems import Message, Reporter
from .render import TemplateProblem, Theme, compile_templates, find_theme, make_environment
from .routes import DuplicatePath, Route, RouteTable
from .search import index_site, search_page_view
from .transparency import Transparency, plan_transparency, write_downloads
from .validate import report_checks
from .views import (Link, SiteView, about_view, department_view, entry_path, glossary_page_view, group_departments,
                    home_view, not_found_view, region_names, region_trees, region_view, year_view)
from .writer import SiteWriter, UnsafeOutput, check_output_dir

if TYPE_CHECKING:
    from .incremental import BuildCache


@dataclass(frozen=True)
class BuildResult:
    """What a build did: whether it wrote the site, how many pages and files, how long it took."""

    ok: bool
    pages: int
    files: int
    seconds: float


def build_site(project_root: Path, output_dir: Path, reporter: Reporter, *, content_dir: Path | None = None,
               strict: bool = False, cache: BuildCache | None = None, search_index: bool = True) -> BuildResult:
    """Build the site of ``project_root`` into ``output_dir``; report every problem.

    Writes nothing (and leaves ``output_dir`` as it was) when there are errors, or
    warnings with ``strict``. With a ``cache`` (the preview server's), what did not change
    since the last build through it is neither parsed, rendered nor written again, and
    ``output_dir`` is updated in place; the files are those of a full build. Without
    ``search_index``, Pagefind is not run (the preview server runs it when edits settle).
    """
    started = time.perf_counter()

    def failed() -> BuildResult:
        return BuildResult(False, 0, 0, time.perf_counter() - started)

    config = load_config(project_root, reporter)
    entries = (cache.load_content if cache else load_content)(content_dir or project_root / "content", reporter)
    checks = {entry.rel: cache.checks(entry) if cache else run_checks(entry.model) for entry in entries}
    for entry in entries:
        report_checks(entry, checks[entry.rel], reporter)
    items = load_site_items(project_root, config.scorecard, reporter)
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
    if reporter.errors or (strict and reporter.warnings) or theme is None or items is None:
        return failed()

    transparency = plan_transparency(entries, items)
    pages = list(plan_pages(entries, checks, config, reporter, derive=cache.derive if cache else defer,
                            transparency=transparency))
    if reporter.errors:
        return failed()
    try:
        env = cache.environment(theme) if cache else make_environment(theme)
        compile_templates(env)
        with cache.writer(output_dir) if cache else SiteWriter(output_dir) as writer:
            def url_for(route: Route) -> Callable[[str], str] | None:
                return (lambda target: config.base_path + target) if route.path == routes.NOT_FOUND else None

            if cache:
                for route, context in pages:
                    cache.write_page(writer, env, route, context, url_for(route))
            else:  # on every core
                render_pages(env, pages, writer, url_for)
            copy_static(theme, writer)
            write_downloads(writer, transparency, pages, config.title)
            writer.write_text(routes.SITEMAP, sitemap(pages, config))
            if search_index and index_site(writer.temp, reporter, name=display_path(output_dir)) is None:
                return failed()
            writer.commit()
            written = writer.written
    except TemplateProblem as err:
        reporter.error(err.file, err.line, "", Message(err.message, err.message_zh))
        return failed()
    except OSError as err:  # a full disk, a read-only folder: the previous site stays
        reporter.error(display_path(output_dir), 1, "", Message(f"cannot write the site: {err}",
                                                                f"无法写入网站：{os_error_zh(err)}"))
        return failed()
    html_pages = sum(1 for route, _ in pages if route.path.endswith(".html"))  # not the comparisons' downloads
    return BuildResult(True, html_pages, written, time.perf_counter() - started)


def plan_pages(entries: list[Entry], checks: dict[tuple[str, ...], list[Check]], config: SiteConfig,
               reporter: Reporter, derive: Callable[..., Any] | None = None, *,
               transparency: Transparency) -> Iterator[tuple[Route, dict[str, Any]]]:
    """Every page as (route, template context), in path order; a path claimed twice is an error.

    ``transparency`` holds what the pages show of 公开完整度 and open data, and the scorecard pages.

    Each view is made as ``derive(view_function, *arguments)``: by default a plain call; the
    preview's cache defers it, and derives it only for pages whose inputs changed.
    """
    derive = derive or (lambda fn, *args: fn(*args))
    table = RouteTable()
    md = MarkdownRenderer()
    departments = group_departments(entries)
    names = region_names(departments)
    trees = region_trees(departments, names)
    planned: list[tuple[Route, Any]] = []

    def add(path: str, template: str, owner: str, view: Any) -> None:
        try:
            planned.append((table.add(Route(path, template, owner)), view))
        except DuplicatePath as err:
            reporter.error(owner if owner.endswith(".yaml") else "content", 1, "", err.message)

    add(routes.HOME, "home.html", "the home page", derive(home_view, departments, trees, config.title))
    add(routes.GLOSSARY, "glossary.html", "the glossary", derive(glossary_page_view, departments, md))
    add(routes.ABOUT, "about.html", "the about page",
        derive(about_view, departments, names, transparency.site_links()))
    for scorecard in transparency.scorecard_pages:
        add(scorecard.path, "scorecard.html", "the scorecard", scorecard)
    add(routes.NOT_FOUND, "404.html", "the 404 page", not_found_view())
    add(routes.SEARCH, "search.html", "the search page", search_page_view())
    region_slugs = sorted({d.region_slugs[: i + 1] for d in departments for i in range(len(d.region_slugs))})
    for slugs in region_slugs:
        add(routes.region_path(slugs), "region.html", f"the region page of {'/'.join(slugs)}", derive(region_view, slugs, trees, names))
    for dept in departments:
        first = display_path(dept.entries[0].path)
        comparisons = department_comparisons(dept, names)
        add(dept.path, "department.html", first, derive(department_view, dept, names, comparisons.links))
        for entry in dept.entries:
            add(entry_path(entry), "department_year.html", display_path(entry.path),
                derive(year_view, entry, dept, checks[entry.rel], names, md, comparisons.around(entry),
                       transparency.completeness[entry.rel], transparency.year_links(entry)))
        for pair in comparisons.pairs:  # a page and its downloads share one view
            view = derive(comparison_page, pair, comparisons.context)
            for path, template in comparison_files(pair):
                add(path, template, display_path(pair.newer.path), view)
    site = SiteView(config.title, config.description, md(config.footer),
                    (Link("首页", routes.HOME), Link("名词解释", routes.GLOSSARY), Link("公开完整度", routes.SCORECARD),
                     Link("关于数据", routes.ABOUT)),
                    routes.SEARCH if routes.SEARCH in table else None)
    for route, view in sorted(planned, key=lambda rv: rv[0].path):
        yield route, {"site": site, "page": view}


def copy_static(theme: Theme, writer: SiteWriter) -> None:
    for name, path in theme.static_files().items():
        writer.copy_file(path, routes.static_path(name))


def sitemap(pages: list[tuple[Route, dict[str, Any]]], config: SiteConfig) -> str:
    """sitemap.xml: every HTML page but the 404, at base_url (or base_path when no base_url is set)."""
    base = config.base_url.rstrip("/") + "/" if config.base_url else config.base_path
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for route, _ in pages:
        if route.path != routes.NOT_FOUND and route.path.endswith(".html"):
            lines.append(f"  <url><loc>{xml_escape(base + route.path)}</loc></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
