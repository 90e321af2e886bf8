"""The site's departments by region: grouped, named, with their breadcrumbs, and the region trees of
the home page and the region pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from . import routes
from ..content.load import Entry
from .routes import Link, entry_path, year_label


@dataclass(frozen=True)
class Department:
    """One department and its department-years, in year order."""

    region_slugs: tuple[str, ...]
    slug: str
    entries: tuple[Entry, ...]

    @property
    def name(self) -> str:
        return self.entries[-1].model.meta.department

    @property
    def path(self) -> str:
        return routes.department_path(self.region_slugs, self.slug)


def group_departments(entries: Sequence[Entry]) -> list[Department]:
    """Entries grouped by department folder, sorted by path; each department's years in order."""
    groups: dict[tuple[tuple[str, ...], str], list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[(entry.region_slugs, entry.department_slug)].append(entry)
    return [Department(slugs, slug, tuple(sorted(group, key=lambda e: (e.model.meta.year, e.model.meta.kind != "预算"))))
            for (slugs, slug), group in sorted(groups.items())]


def region_names(departments: Sequence[Department]) -> dict[tuple[str, ...], str]:
    """Each region folder's Chinese name, from the first file that names it."""
    names: dict[tuple[str, ...], str] = {}
    for dept in departments:
        for entry in dept.entries:
            if entry.region_slugs in names:  # a file before named it, and every region above it
                continue
            for i, name in enumerate(entry.model.meta.region.names):
                names.setdefault(entry.region_slugs[: i + 1], name)
    return names


def breadcrumbs(names: dict[tuple[str, ...], str], slugs: tuple[str, ...]) -> list[Link]:
    crumbs = [Link("首页", routes.HOME)]
    crumbs += [Link(names[slugs[: i + 1]], routes.region_path(slugs[: i + 1])) for i in range(len(slugs))]
    return crumbs


@dataclass(frozen=True)
class DepartmentItem:
    link: Link
    years: tuple[Link, ...]


TREE_LIMIT = 400
"""Above this many departments, a tree lists the regions below its first level, not their departments."""


@dataclass(frozen=True)
class RegionTree:
    link: Link
    departments: tuple[DepartmentItem, ...]
    children: tuple[RegionTree, ...]
    count: int  # department-years below
    size: int  # departments below


def region_trees(departments: Sequence[Department], names: dict[tuple[str, ...], str]) -> dict[tuple[str, ...], RegionTree]:
    """Every region's tree by its slugs (the root is ``()``), built once for all pages."""
    here: dict[tuple[str, ...], list[Department]] = defaultdict(list)
    below: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for d in departments:
        here[d.region_slugs].append(d)
        for i in range(len(d.region_slugs)):
            below[d.region_slugs[:i]].add(d.region_slugs[: i + 1])
    trees: dict[tuple[str, ...], RegionTree] = {}

    def make(slugs: tuple[str, ...]) -> RegionTree:
        kids = tuple(make(c) for c in sorted(below[slugs]))
        items = tuple(DepartmentItem(Link(d.name, d.path), tuple(Link(year_label(e.model), entry_path(e)) for e in d.entries))
                      for d in here[slugs])
        link = Link(names.get(slugs, "全部地区"), routes.region_path(slugs) if slugs else routes.HOME)
        trees[slugs] = RegionTree(link, items, kids, sum(len(d.entries) for d in here[slugs]) + sum(k.count for k in kids),
                                  len(items) + sum(k.size for k in kids))
        return trees[slugs]

    make(())
    return trees


class Regions:
    """The regions of a site's ``departments``: their names (``region_names``) and trees (``region_trees``),
    each worked out when first read. The site-wide pages' views are given this, so that a warm build that
    renders none of the pages that show them (build/sitewide.py) works out neither: at 10,000 department-years,
    12,000 links."""

    def __init__(self, departments: Sequence[Department]) -> None:
        self.departments = departments

    @cached_property
    def names(self) -> dict[tuple[str, ...], str]:
        return region_names(self.departments)

    @cached_property
    def trees(self) -> dict[tuple[str, ...], RegionTree]:
        return region_trees(self.departments, self.names)


def pruned(tree: RegionTree, depth: int) -> RegionTree:
    """``tree`` down to ``depth`` levels of regions; deeper regions show as a link and a count."""
    if depth == 0:
        return RegionTree(tree.link, (), (), tree.count, tree.size)
    return RegionTree(tree.link, tree.departments, tuple(pruned(c, depth - 1) for c in tree.children), tree.count, tree.size)


@dataclass(frozen=True)
class RegionView:
    path: str
    title: str
    breadcrumbs: tuple[Link, ...]
    tree: RegionTree


def region_view(slugs: tuple[str, ...], regions: Regions) -> RegionView:
    trees, names = regions.trees, regions.names
    full = " ".join(names[slugs[: i + 1]] for i in range(len(slugs)))
    tree = trees[slugs]
    return RegionView(routes.region_path(slugs), full, tuple(breadcrumbs(names, slugs[:-1])),
                      tree if tree.size <= TREE_LIMIT else pruned(tree, 1))


@dataclass(frozen=True)
class HomeView:
    path: str
    title: str
    breadcrumbs: tuple[Link, ...]
    regions: tuple[RegionTree, ...]
    latest: tuple[Link, ...]
    departments: int
    department_years: int


def home_view(departments: Sequence[Department], regions: Regions, site_title: str) -> HomeView:
    trees = regions.trees
    entries = [e for d in departments for e in d.entries]
    newest = sorted(entries, key=lambda e: (-e.model.meta.year, e.model.meta.published is None,
                                            -(e.model.meta.published.toordinal() if e.model.meta.published else 0),
                                            e.rel))[:10]
    latest = tuple(Link(f"{e.model.meta.department} {year_label(e.model)}", entry_path(e), " ".join(e.model.meta.region.names))
                   for e in newest)
    root = trees[()]
    regions = root.children if root.size <= TREE_LIMIT else tuple(pruned(t, 1) for t in root.children)
    return HomeView(routes.HOME, site_title, (), regions, latest, len(departments), len(entries))
