"""Where every page goes: its output path, computed once, and relative links between pages.

Pages are folders with ``index.html``; every link between pages is relative and names
the file (``../2020/index.html``), so the site works under any sub-path, from a plain
file server, from object storage and from ``file://``. Like Pelican's writer, a path is
never given out twice: two pages that would land on one file are an error, not a
silent overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..messages import owner_zh
from ..problems import Message

if TYPE_CHECKING:
    from ..content.load import Entry
    from ..content.model import DepartmentYear

HOME = "index.html"
GLOSSARY = "glossary/index.html"
ABOUT = "about/index.html"
NOT_FOUND = "404.html"
SITEMAP = "sitemap.xml"
SEARCH = "search/index.html"  # reserved for the search page (built by a later stage)
STATIC = "static"
SCORECARD = "scorecard/index.html"  # 公开完整度, by score; the same table in other orders below
SCORECARD_BY_REGION = "scorecard/by-region/index.html"
SCORECARD_BY_YEAR = "scorecard/by-year/index.html"
DATA = "data"  # the site's downloads (data/catalog.json lists them all); each year's are in its own data/
CATALOG = f"{DATA}/catalog.json"
SCORECARD_CSV = f"{DATA}/scorecard.csv"
SCHEMA = f"{DATA}/content.schema.json"
OPEN_DATA = f"{ABOUT}#opendata"  # the about page's section on the downloads

RESERVED_TOP = ("static", "glossary", "about", "search", "scorecard", "data", "404.html", "sitemap.xml", "index.html")
"""Top-level names the site itself uses: no region may take them."""


@dataclass(frozen=True)
class Link:
    """A link as a view holds it: its text and the site-relative page it leads to."""

    text: str
    target: str  # site-relative path, with an optional #fragment
    note: str = ""


def region_path(region_slugs: tuple[str, ...]) -> str:
    return "/".join((*region_slugs, HOME))


def department_path(region_slugs: tuple[str, ...], department_slug: str) -> str:
    return "/".join((*region_slugs, department_slug, HOME))


def year_path(region_slugs: tuple[str, ...], department_slug: str, stem: str) -> str:
    return "/".join((*region_slugs, department_slug, stem, HOME))


def compare_path(region_slugs: tuple[str, ...], department_slug: str, a: str, b: str, name: str = HOME) -> str:
    """The comparison of two years of a department (``a`` and ``b`` are their file stems), or with
    ``name`` a download beside it: ``…/xinfang/compare/2019-2020/comparison.csv``."""
    return "/".join((*region_slugs, department_slug, "compare", f"{a}-{b}", name))


def year_label(doc: DepartmentYear) -> str:
    """How a department-year is named in links: ``2020年预算``."""
    return f"{doc.meta.year}年{doc.meta.kind}"


def entry_path(entry: Entry) -> str:
    """The page of a department-year."""
    return year_path(entry.region_slugs, entry.department_slug, entry.stem)


def static_path(name: str) -> str:
    return f"{STATIC}/{name}"


def relative_url(from_page: str, to_page: str) -> str:
    """The link from the page at ``from_page`` to ``to_page`` (both site-relative file paths).

    ``to_page`` may carry a fragment: ``relative_url("a/b/index.html", "a/index.html#x")``
    is ``../index.html#x``.
    """
    target, hash_, fragment = to_page.partition("#")
    if not target:
        return f"#{fragment}"
    # Pure string work (posixpath.relpath consults the working folder): both are site-relative.
    here = from_page.split("/")[:-1]
    there = target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    link = "../" * (len(here) - common) + "/".join(there[common:])
    return f"{link}{hash_}{fragment}"


@dataclass(frozen=True)
class SitePaths:
    """The site-wide pages and files a template links to by name (``url(routes.glossary)``), never as a
    written path: a template gets them as ``routes``."""

    home: str = HOME
    glossary: str = GLOSSARY
    about: str = ABOUT
    open_data: str = OPEN_DATA
    scorecard: str = SCORECARD
    scorecard_csv: str = SCORECARD_CSV
    catalog: str = CATALOG
    schema: str = SCHEMA

    def static(self, name: str) -> str:
        """A static asset of the theme: ``routes.static('site.css')``."""
        return static_path(name)


SITE_PATHS = SitePaths()


class DuplicatePath(ValueError):
    """Two pages claim one output path."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message


@dataclass(frozen=True)
class Route:
    """One page to write: where, with which template, from which view."""

    path: str  # site-relative output path, e.g. "hebei/qinhuangdao/shanhaiguan/xinfang/2020/index.html"
    template: str  # e.g. "department_year.html"
    owner: str  # what the page is for, to name in an error: a content file or "the home page"


class RouteTable:
    """Every page's path, handed out once."""

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}

    def add(self, route: Route) -> Route:
        """Register ``route``; raise DuplicatePath when its path is taken."""
        first = self._routes.get(route.path)
        if first is not None:
            raise DuplicatePath(Message(
                f"{route.owner} would be written to {route.path}, which is already the page of {first.owner}",
                f"{owner_zh(route.owner)} 会被写到 {route.path}，但这个路径已被占用（{owner_zh(first.owner)}）"))
        top = route.path.split("/", 1)[0]
        site_pages = ("glossary.html", "about.html", "search.html", "scorecard.html")
        if "/" in route.path and top in RESERVED_TOP and route.template not in site_pages:
            raise DuplicatePath(Message(
                f"{route.owner} would be written to {route.path}, but '{top}/' is reserved for the site itself",
                f"{owner_zh(route.owner)} 会被写到 {route.path}，但“{top}/”是网站自身保留的路径"))
        self._routes[route.path] = route
        return route

    def __contains__(self, path: str) -> bool:
        return path in self._routes

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted(self._routes.values(), key=lambda r: r.path))

    def __len__(self) -> int:
        return len(self._routes)
