"""The transparency stage: 公开完整度 and 开放数据 of every department-year and of the site.

Planned with the pages, since pages print them (a year page its score and the sizes of its
downloads, the about page the site's downloads, the scorecard pages the site-wide table);
written after the pages, since the catalogue also lists the downloads other stages write
as pages of their own (the comparisons' JSON and CSV), which exist only once written.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from . import routes
from .completeness import CompletenessView, ScorecardPageView, completeness_view, scorecard_csv, scorecard_pages
from ..content.load import Entry
from .downloads import (SITE_NOTES, Download, DownloadLink, EntryMemo, File, YearFiles, catalog_json, is_download,
                        links, media_type, site_files, year_page)
from .routes import Route
from ..derive.scorecard import ItemList, Scorecard, score


class Files(Protocol):
    """What this stage needs of a writer (build/writer.py's ``Writer``)."""

    def write_bytes(self, rel: str, data: bytes) -> None: ...

    def path_of(self, rel: str) -> str: ...


@dataclass(frozen=True)
class Transparency:
    """What the pages show of completeness and open data, and the files to write."""

    completeness: dict[tuple[str, ...], CompletenessView]
    year_files: dict[tuple[str, ...], tuple[File, ...]]
    site_files: tuple[File, ...]
    scorecard_pages: tuple[ScorecardPageView, ...]
    memos: Memos

    def year_links(self, entry: Entry) -> tuple[DownloadLink, ...]:
        return self.memos.downloads.links(entry)

    def site_links(self) -> tuple[DownloadLink, ...]:
        return links((f.about for f in self.site_files), SITE_NOTES)


class Memos:
    """What a build works out of each Entry (scorecards, downloads) and the digests of the files it wrote.

    One per build (build/context.py); the preview's cache keeps one across its builds, so that
    what it worked out of an unchanged file's Entry is not worked out again.
    """

    def __init__(self) -> None:
        self.downloads = YearFiles()
        self.digests = FileDigests()
        self._scored: EntryMemo[tuple[str, Scorecard, CompletenessView]] = EntryMemo()

    def scored(self, entry: Entry, items: ItemList, items_key: str) -> tuple[str, Scorecard, CompletenessView]:
        """The scorecard of ``entry`` and its view, worked out again only for another entry or item list."""
        known = self._scored.get(entry)
        if known is not None and known[0] == items_key:
            return known
        card = score(entry.model, items)
        return self._scored.put(entry, (items_key, card, completeness_view(card)))


def plan_transparency(entries: Sequence[Entry], items: ItemList, memos: Memos) -> Transparency:
    """Score every department-year with ``items`` and describe every download."""
    ordered = sorted(entries, key=lambda e: e.rel)
    items_key = items.model_dump_json()
    scored = [memos.scored(e, items, items_key) for e in ordered]
    cards = {e.rel: card for e, (_, card, _) in zip(ordered, scored)}
    return Transparency(
        completeness={e.rel: view for e, (_, _, view) in zip(ordered, scored)},
        year_files={e.rel: memos.downloads.files(e) for e in ordered},
        site_files=site_files(ordered, [year_page(e) for e in ordered], scorecard_csv(ordered, cards, items),
                              memos.downloads.bytes_of),
        scorecard_pages=tuple(scorecard_pages(ordered, cards, items)),
        memos=memos,
    )


PageAbout = tuple[str, str, str]
"""What the catalogue says of a download written as a page: its department, region, and the pair it compares
("2017年预算与2018年预算")."""


def write_downloads(writer: Files, plan: Transparency, pages: Sequence[tuple[Route, dict[str, Any]]], site_title: str,
                    about: dict[str, PageAbout]) -> None:
    """Write every download, then ``data/catalog.json`` listing them and those written as pages (``about``
    each by its path)."""
    files = [*plan.site_files, *(f for rel in sorted(plan.year_files) for f in plan.year_files[rel])]
    for f in files:
        writer.write_bytes(f.about.path, f.data)
    written = [route_download(writer, route, plan, about.get(route.path)) for route, _ in pages
               if is_download(route.path)]
    plan.memos.digests.forget_unseen()
    catalog = [f.about for f in files] + sorted(written, key=lambda d: d.path)
    writer.write_bytes(routes.CATALOG, catalog_json(catalog, site_title).encode("utf-8"))


def route_download(writer: Files, route: Route, plan: Transparency, about: PageAbout | None) -> Download:
    """A download another stage wrote as a page (a comparison's JSON or CSV), as the catalogue lists it."""
    size, sha256 = plan.memos.digests.of(writer.path_of(route.path))
    return page_download(route.path, size, sha256, about)


def page_download(path: str, size: int, sha256: str, about: PageAbout | None) -> Download:
    """The catalogue's entry for a download written as a page, of ``size`` bytes with digest ``sha256``."""
    fmt, media = media_type(path)
    page = path.rsplit("/", 1)[0] + "/" + routes.HOME
    if about is None:
        return Download(path, f"{path}（{fmt}）", "download", fmt, media, size, sha256, None, None, None, None, page)
    department, region, pair = about
    return Download(path, f"{department} {pair}比较（{fmt}）", "comparison", fmt, media, size, sha256,
                    department, region, None, None, page)


class FileDigests:
    """(size, SHA-256) of files, read again only when a file's size, times or inode changed.

    A file left as it was (a build in place keeps what did not change) is not read again. Only
    the files of the last build are remembered.
    """

    def __init__(self) -> None:
        self._known: dict[str, tuple[tuple[int, ...], int, str]] = {}
        self._seen: dict[str, tuple[tuple[int, ...], int, str]] = {}

    def of(self, path: str) -> tuple[int, str]:
        st = os.stat(path)
        signature = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        known = self._known.get(path)
        if known is None or known[0] != signature:
            with open(path, "rb") as f:
                data = f.read()
            known = (signature, len(data), hashlib.sha256(data).hexdigest())
        self._seen[path] = known
        return known[1], known[2]

    def forget_unseen(self) -> None:
        self._known, self._seen = self._seen, {}
