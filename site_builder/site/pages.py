"""What pages a site has: each department's, and the site-wide ones.

A department's pages (its page, each year's page, each comparison's page and downloads)
depend on that department's files and on the names of its regions only; the site-wide
pages (home, regions, glossary, scorecard, about, 404, search) on a summary of every
department. A build plans and renders each department on its own, in a worker
(build/departments.py), then the site-wide pages from the departments' summaries
(build/sitewide.py); the preview server builds the same way. A page is planned one way only.

Each page is planned as ``(path, template, owner, view)``, its view made as
``derive(view_function, *arguments)``: a plain call, or deferred until the page is rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal

from . import routes
from .comparison_pages import Comparer, comparison_files, comparison_page, department_comparisons
from ..config import SiteConfig
from ..content.load import Entry, display_path
from .lines import lines_path, lines_view
from .markup import MarkdownRenderer
from .regions import Department, Regions, home_view, region_view
from .routes import Link, entry_path
from .site_views import about_view, glossary_page_view, not_found_view, search_page_view
from .views import SiteView, department_view, year_view

if TYPE_CHECKING:
    from ..content.checks import Check
    from .completeness import CompletenessView, ScorecardPageView
    from .downloads import DownloadLink
    from .site_views import AboutView

Planned = tuple[str, str, str, Any]
"""A page as planned: (path, template, owner, view); the owner is what a duplicate path names."""
Part = Literal["all", "year", "others"]
"""Of the pages that show one department-year (``department_pages``' ``showing``): all, the year's own
page (what its reader sees first), or the others (its department's pages and its comparisons)."""
Derive = Callable[..., Any]
Names = dict[tuple[str, ...], str]


def call(fn: Callable[..., Any], *args: Any) -> Any:
    """The plain ``derive``: the view made at once."""
    return fn(*args)


def department_pages(dept: Department, checks: dict[tuple[str, ...], list[Check]], names: Names,
                     md: MarkdownRenderer, derive: Derive, *, completeness: Callable[[Entry], CompletenessView],
                     year_links: Callable[[Entry], tuple[DownloadLink, ...]], comparer: Comparer,
                     showing: Entry | None = None, part: Part = "all") -> Iterator[Planned]:
    """The pages of one department: its page, its lines page, its years' pages, and each comparison's page and downloads.

    ``comparer`` compares the pairs of years, with the site's crosswalk: the build makes one
    (``Comparer(ctx.crosswalk)``) and passes it to every department it plans.

    With ``showing``, only the pages that show that department-year: the department's page and lines
    page, its year's page, and the comparisons it is one of (the preview's quick answer, quickpath.py); of
    those, with ``part`` "year" the year's page only, with "others" all but it.
    """
    first = display_path(dept.entries[0].path)
    comparisons = department_comparisons(dept, names, comparer)
    if showing is None or part != "year":
        yield dept.path, "department.html", first, derive(department_view, dept, names, comparisons.links)
        yield lines_path(dept.region_slugs, dept.slug), "lines.html", first, derive(lines_view, dept, names)
    for entry in dept.entries:
        if showing is not None and (entry is not showing or part == "others"):
            continue
        yield (entry_path(entry), "department_year.html", display_path(entry.path),
               derive(year_view, entry, dept, checks[entry.rel], names, md, comparisons.around(entry),
                      completeness(entry), year_links(entry)))
    for pair in comparisons.pairs:  # a page and its downloads share one view
        if showing is not None and (part == "year" or (showing is not pair.older and showing is not pair.newer)):
            continue
        view = derive(comparison_page, pair, comparisons.context)
        for path, template in comparison_files(pair):
            yield path, template, display_path(pair.newer.path), view


def site_pages(departments: Sequence[Department], regions: Regions, config: SiteConfig, md: MarkdownRenderer,
               derive: Derive, *, scorecards: Sequence[ScorecardPageView],
               site_links: tuple[DownloadLink, ...]) -> Iterator[Planned]:
    """The site-wide pages. ``departments`` may be summaries: only their metadata and glossaries are read;
    ``regions``: theirs, whose names and trees the views that show them read when they are derived."""
    yield routes.HOME, "home.html", "the home page", derive(home_view, departments, regions, config.title)
    yield routes.GLOSSARY, "glossary.html", "the glossary", derive(glossary_page_view, departments, md)
    yield routes.ABOUT, "about.html", "the about page", derive(about_page_view, departments, regions, site_links)
    for scorecard in scorecards:
        yield scorecard_page(scorecard.path, scorecard)
    yield routes.NOT_FOUND, "404.html", "the 404 page", not_found_view()
    yield routes.SEARCH, "search.html", "the search page", search_page_view()
    region_slugs = sorted({d.region_slugs[: i + 1] for d in departments for i in range(len(d.region_slugs))})
    for slugs in region_slugs:
        yield (routes.region_path(slugs), "region.html", f"the region page of {'/'.join(slugs)}",
               derive(region_view, slugs, regions))


def about_page_view(departments: Sequence[Department], regions: Regions,
                    downloads: Sequence[DownloadLink] = ()) -> AboutView:
    """``about_view``, the regions' names read when it is derived."""
    return about_view(departments, regions.names, downloads)


def scorecard_page(path: str, view: Any) -> Planned:
    """A scorecard page (``view``: its ScorecardPageView, or one derived when it is rendered)."""
    return path, "scorecard.html", "the scorecard", view


def site_view(config: SiteConfig, md: MarkdownRenderer) -> SiteView:
    """What every page shows of the site itself (its ``site`` variable)."""
    return SiteView(config.title, config.description, md(config.footer),
                    (Link("首页", routes.HOME), Link("名词解释", routes.GLOSSARY), Link("公开完整度", routes.SCORECARD),
                     Link("关于数据", routes.ABOUT)),
                    routes.SEARCH)
