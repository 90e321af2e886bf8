"""The site-wide pages: the glossary of every term, about, 404 and the search page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from markupsafe import Markup

from . import routes
from ..content.model import SECTIONS
from .markup import MarkdownRenderer
from .regions import Department
from .routes import Link, entry_path, year_label
from .sections import term_anchor

if TYPE_CHECKING:
    from ..derive.textdiff import Segment
    from .downloads import DownloadLink


GLOSSARY_LINKS = 12  # department-years listed under one definition; the rest are counted


@dataclass(frozen=True)
class Definition:
    html: Markup
    used_by: tuple[Link, ...]
    more: int  # department-years using it beyond those listed
    diff: tuple[Segment, ...] = ()  # near-identical to the term's first definition: its differences from it (the filter ``diff``)


@dataclass(frozen=True)
class GlossaryEntry:
    anchor: str
    term: str
    definitions: tuple[Definition, ...]
    letter: str = ""  # the initial of its 拼音, A–Z ("#" for a term that does not start with a letter or a character)


@dataclass(frozen=True)
class GlossaryPageView:
    path: str
    title: str
    breadcrumbs: tuple[Link, ...]
    entries: tuple[GlossaryEntry, ...]

    @property
    def letters(self) -> tuple[tuple[str, tuple[GlossaryEntry, ...]], ...]:
        """The entries by the initial of their 拼音, for the index."""
        groups: dict[str, list[GlossaryEntry]] = defaultdict(list)
        for e in self.entries:
            groups[e.letter].append(e)
        return tuple((letter, tuple(es)) for letter, es in groups.items())


NEAR = Decimal("0.2")  # two definitions whose differences are at most this share of the longer are near-identical


def _letters(term: str) -> str:
    """The term without its quotation marks and brackets: “三公”经费 is filed under S."""
    return "".join(c for c in term if c.isalnum())


def pinyin_key(term: str) -> tuple[tuple[str, ...], str]:
    """A term's place in 拼音 order: its syllables with tones (行政 xing2 zheng4), then the characters."""
    from pypinyin import Style, lazy_pinyin  # here: loading its phrase dictionary takes 0.3 s, paid only by a glossary

    return tuple(lazy_pinyin(_letters(term), style=Style.TONE3, neutral_tone_with_five=True)), term


def _initial(term: str) -> str:
    from pypinyin import lazy_pinyin

    letters = _letters(term)
    first = lazy_pinyin(letters[:2])[0][:1].upper() if letters else ""
    return first if "A" <= first <= "Z" else "#"


def glossary_page_view(departments: Sequence[Department], md: MarkdownRenderer) -> GlossaryPageView:
    """Every term of every disclosed 名词解释, in 拼音 order (pypinyin). A definition used by several
    documents is shown once with all of them; one that differs from the term's most used definition
    by a few characters is shown by its differences."""
    from ..derive.textdiff import changed_chars, diff_text

    uses: dict[str, dict[str, list[Link]]] = defaultdict(lambda: defaultdict(list))
    for dept in departments:
        for e in dept.entries:
            glossary = e.model.glossary
            if not glossary.disclosed:
                continue
            for term, definition in glossary.terms.items():
                link = Link(f"{e.model.meta.department} {year_label(e.model)}", entry_path(e) + "#" + term_anchor(term))
                uses[term.strip()][definition.strip()].append(link)
    entries = []
    for term in sorted(uses, key=pinyin_key):
        definitions = sorted(uses[term].items(), key=lambda kv: (-len(kv[1]), kv[0]))
        first = definitions[0][0]
        shown = []
        for i, (text, links) in enumerate(definitions):
            diff: tuple[Segment, ...] = ()
            if i:
                segments = diff_text(first, text)
                removed, added = changed_chars(segments)
                if max(removed, added) <= NEAR * max(len(first), len(text)):
                    diff = tuple(segments)
            shown.append(Definition(md(text), tuple(links[:GLOSSARY_LINKS]), max(0, len(links) - GLOSSARY_LINKS), diff))
        entries.append(GlossaryEntry(term_anchor(term), term, tuple(shown), _initial(term)))
    return GlossaryPageView(routes.GLOSSARY, "名词解释", (Link("首页", routes.HOME),), tuple(entries))


@dataclass(frozen=True)
class AboutView:
    path: str
    title: str
    breadcrumbs: tuple[Link, ...]
    regions: tuple[Link, ...]  # provinces, with their count of department-years as the note
    departments: int
    department_years: int
    downloads: tuple[DownloadLink, ...] = ()  # the site's open data (downloads.py)


def about_view(departments: Sequence[Department], names: dict[tuple[str, ...], str],
               downloads: Sequence[DownloadLink] = ()) -> AboutView:
    counts: dict[tuple[str, ...], int] = defaultdict(int)
    for d in departments:
        counts[d.region_slugs[:1]] += len(d.entries)
    regions = tuple(Link(names[s], routes.region_path(s), f"{n} 个部门年度") for s, n in sorted(counts.items()))
    return AboutView(routes.ABOUT, "关于数据", (Link("首页", routes.HOME),), regions, len(departments),
                     sum(counts.values()), tuple(downloads))


@dataclass(frozen=True)
class NotFoundView:
    path: str
    title: str
    breadcrumbs: tuple[Link, ...]


def not_found_view() -> NotFoundView:
    return NotFoundView(routes.NOT_FOUND, "页面不存在", ())


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class SearchPageView:
    """The search page. Its other filters (地区, 部门, 年度, 类型, 页面类型) come from the index."""

    path: str
    title: str
    breadcrumbs: tuple[Link, ...]
    sections: tuple[Choice, ...]  # 栏目: value is the section's anchor on a page, label its name


def search_page_view() -> SearchPageView:
    """The search page: its title and the 栏目 a match can be restricted to."""
    return SearchPageView(routes.SEARCH, "搜索", (Link("首页", routes.HOME),),
                          tuple(Choice(anchor, title) for _, title, anchor in SECTIONS))
