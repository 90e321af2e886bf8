"""Comparison pages: what changed in a department from one of its years to another, as views.

Each pair of years that ``compare.pairs`` pre-builds (every pair up to 12 years of a kind,
consecutive ones beyond) gets a page at ``<department>/compare/<older>-<newer>/index.html``
with its data beside it, ``comparison.json`` and ``comparison.csv``. Department pages list
every pair, department-year pages link to the comparisons with the previous and the next
year, and each comparison page lists the department's other pairs: the site stays static.

Memory bounds the design. A comparison of two large documents holds about 130 KiB of
objects and a large site has tens of thousands of pairs, while the build plans every page
before it renders the first. So the view planned for a pair (``ComparisonPage``) holds only
titles and links; the comparison itself is computed when the page or one of its downloads
is rendered, by the build's ``Comparer``, which keeps only the last few: in path order, a
pair's CSV, JSON and page are rendered one after the other, so each pair is compared once.
The build makes the ``Comparer`` with the site's crosswalk (read once per build) and passes it
to ``department_pages``; nothing here reads a file or keeps state between builds.

The page's body is made when rendered, by ``comparison_views.comparison_body``: every amount,
change and sentence formatted, so that templates do no arithmetic; ``html.py`` prints its long
tables for the default theme.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import ClassVar

from markupsafe import Markup

from . import routes
from ..content.crosswalk import EMPTY, Crosswalk
from ..content.load import Entry
from ..derive.compare import Derived, Pair, compare, pairs
from ..derive.comparison import Comparison, comparison_csv, comparison_json
from .comparison_views import ComparisonBody, comparison_body
from .regions import Department, breadcrumbs
from .routes import Link, entry_path, year_label

PAGE_TEMPLATE = "comparison.html"
DATA_FILES = (("comparison.csv", "data/comparison.csv"), ("comparison.json", "data/comparison.json"))
"""The downloads beside each comparison page: (file name, template that prints it)."""


# ---------------------------------------------------------------------------
# Which pairs, and the links between them


@dataclass(frozen=True)
class PairGroup:
    """The pairs of one older year, for the selector: ``2017年预算 与：2018年预算 · 2019年预算``."""

    label: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class DepartmentContext:
    """What every comparison page of a department shows of the department."""

    department: str
    region: str
    breadcrumbs: tuple[Link, ...]
    selector: tuple[PairGroup, ...]
    all_pairs: str  # the department page's list of comparisons
    comparer: Comparer  # the build's


@dataclass(frozen=True)
class DepartmentComparisons:
    """A department's pre-built pairs, and the links to them from its pages."""

    pairs: tuple[Pair[Entry], ...]
    links: tuple[Link, ...]  # every pair, for the department page
    context: DepartmentContext
    nearby: dict[str, tuple[Link, ...]] = field(default_factory=dict)  # year page path → its links

    def around(self, entry: Entry) -> tuple[Link, ...]:
        """The links of a department-year page: to its comparisons with the previous and the next year."""
        return self.nearby.get(entry_path(entry), ())


def pair_path(pair: Pair[Entry], name: str = routes.HOME) -> str:
    """Where the page (or, with ``name``, a download) of ``pair`` goes."""
    return routes.compare_path(pair.older.region_slugs, pair.older.department_slug, pair.older.stem,
                               pair.newer.stem, name)


def comparison_files(pair: Pair[Entry]) -> tuple[tuple[str, str], ...]:
    """(path, template) of the page of ``pair`` and of its downloads."""
    return ((pair_path(pair), PAGE_TEMPLATE),) + tuple((pair_path(pair, name), template)
                                                        for name, template in DATA_FILES)


def department_comparisons(dept: Department, names: dict[tuple[str, ...], str],
                           comparer: Comparer) -> DepartmentComparisons:
    """The pairs of ``dept`` that the site pre-builds (``compare.pairs``' defaults) and their links;
    ``comparer``: the build's, which its pages compare their pairs with."""
    found = tuple(pairs(dept.entries))
    links = tuple(Link(f"{year_label(p.older.model)} → {year_label(p.newer.model)}", pair_path(p),
                       "预算与决算" if p.kind == "budget-final" else "相邻年度" if p.consecutive else "") for p in found)
    groups: dict[str, list[Link]] = {}
    for p in found:
        groups.setdefault(year_label(p.older.model), []).append(Link(year_label(p.newer.model), pair_path(p)))
    nearby: dict[str, list[Link]] = {}
    for p in found:
        if p.consecutive:
            nearby.setdefault(entry_path(p.newer), []).append(Link(f"与{year_label(p.older.model)}比较", pair_path(p)))
            nearby.setdefault(entry_path(p.older), []).append(Link(f"与{year_label(p.newer.model)}比较", pair_path(p)))
    every = routes.department_path(dept.region_slugs, dept.slug) + "#compare-title"
    for around in nearby.values():
        if len(found) > len(around):
            around.append(Link("全部年度比较", every))
    crumbs = tuple(breadcrumbs(names, dept.region_slugs)) + (Link(dept.name, dept.path),)
    region = " ".join(dept.entries[-1].model.meta.region.names)
    context = DepartmentContext(dept.name, region, crumbs,
                                tuple(PairGroup(label, tuple(ls)) for label, ls in groups.items()), every, comparer)
    return DepartmentComparisons(found, links, context, {k: tuple(v) for k, v in nearby.items()})


# ---------------------------------------------------------------------------
# The page as planned: light, with the comparison computed when it is rendered


@dataclass(frozen=True)
class Download:
    text: str  # JSON / CSV
    target: str
    type: str  # its media type
    note: str


class _Kept:
    """What a ``Comparer`` keeps: the last few comparisons, by the identity of their two entries
    (see the module docstring), and what they derive from one year alone (``compare.Derived``)."""

    SIZE = 4

    def __init__(self) -> None:
        self.recent: list[tuple[Entry, Entry, Comparison]] = []  # most recent first
        self.lock = threading.Lock()
        self.derived = Derived()


@dataclass(frozen=True)
class Comparer:
    """Compares pairs of years for a build, with the site's ``crosswalk`` of renumbered codes.

    One per build, made by the build from its context and passed to ``department_pages``.
    Only ``crosswalk`` is a field: what the comparer keeps (``_Kept``) never changes what it
    returns.
    """

    crosswalk: Crosswalk = EMPTY
    _kept: ClassVar[_Kept]  # set on each instance (a declaration, not a field)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_kept", _Kept())

    def compare(self, older: Entry, newer: Entry) -> Comparison:
        """``compare.compare(older, newer)`` with this build's crosswalk; kept for the next few calls."""
        kept = self._kept
        with kept.lock:
            for a, b, c in kept.recent:
                if a is older and b is newer:
                    return c
        c = compare(older, newer, crosswalk=self.crosswalk, derived=kept.derived)
        with kept.lock:
            kept.recent = [(older, newer, c), *kept.recent[: kept.SIZE - 1]]
        return c


@dataclass(frozen=True)
class ComparisonPage:
    """A comparison page as planned; ``body``, ``json_text`` and ``csv_text`` are computed when read."""

    path: str
    title: str
    crumb: str
    heading: str
    region: str
    breadcrumbs: tuple[Link, ...]
    older: Link
    newer: Link
    consecutive: bool
    selector: tuple[PairGroup, ...]
    all_pairs: str
    downloads: tuple[Download, ...]
    pair: Pair[Entry]
    comparer: Comparer

    @property
    def comparison(self) -> Comparison:
        return self.comparer.compare(self.pair.older, self.pair.newer)

    @property
    def body(self) -> ComparisonBody:
        return comparison_body(self.comparison, self.older.target, self.newer.target)

    @property
    def department(self) -> str:
        return self.pair.newer.model.meta.department

    @property
    def years(self) -> tuple[int, int]:
        return (self.pair.older.model.meta.year, self.pair.newer.model.meta.year)

    @property
    def kind(self) -> str:
        return self.pair.newer.model.meta.kind

    @property
    def json_text(self) -> Markup:
        """The comparison as JSON (Markup only so that the template prints it as it is)."""
        return Markup(comparison_json(self.comparison))

    @property
    def csv_text(self) -> Markup:
        return Markup(comparison_csv(self.comparison))


def comparison_page(pair: Pair[Entry], context: DepartmentContext) -> ComparisonPage:
    """The page of ``pair`` (a pair of ``department_comparisons``), as planned."""
    old, new = year_label(pair.older.model), year_label(pair.newer.model)
    return ComparisonPage(
        path=pair_path(pair), title=f"{context.department} {old}与{new}比较", crumb=f"{old} → {new}",
        heading=f"{context.department}：{old}与{new}比较", region=context.region, breadcrumbs=context.breadcrumbs,
        older=Link(old, entry_path(pair.older)), newer=Link(new, entry_path(pair.newer)), consecutive=pair.consecutive,
        selector=context.selector, all_pairs=context.all_pairs,
        downloads=(Download("JSON", pair_path(pair, "comparison.json"), "application/json",
                            "全部比较数据：数字、项目、指标、文字与公开情况，金额为精确的十进制字符串"),
                   Download("CSV", pair_path(pair, "comparison.csv"), "text/csv",
                            "每个数字一行，含两年数额、增减与文件所述的变化；UTF-8 编码，可用 Excel 打开")),
        pair=pair, comparer=context.comparer)
