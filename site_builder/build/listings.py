"""The site's two lists of everything: the catalogue (data/catalog.json, every download) and the sitemap.

A cold build writes them whole (``catalog``, ``sitemap``). Through the persistent cache, each is written
from the last build's file (``splice_catalog``, ``splice_sitemap``; splice.py): the lines of a department
are one piece, kept under the department's key in the cache, so that a warm build makes again only the
lines of the departments that changed and copies the rest (at 10,000 department-years the catalogue is
70,000 lines, 40 MB; the sitemap 34,000).

Both lists are in an order that is not the departments': the comparisons' downloads of the catalogue and
the sitemap's pages are in path order, the site-wide pages (regions) among the departments'. A department's
lines are one run of that order when every path of its pieces starts with its folder's path and a slash
(its ``prefix``) and nothing else listed does: then the order of the prefixes (and of the site-wide paths
among them) is the order of the lines. ``ordered`` checks the second; each piece, as it is made, the first
(``Unordered`` otherwise: the list is then written whole). A piece kept from the last build was checked when
it was made.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from itertools import chain

from ..config import SiteConfig
from ..site import routes
from ..site.downloads import (CATALOG_SEPARATOR, CATALOG_TAIL, Download, Piece, catalog_head, catalog_line,
                              catalog_text)
from ..site.routes import Route
from .departments import Summary
from .sitewide_cache import State
from .patch import PatchWriter
from .splice import write_spliced
from .writer import SiteWriter

SITEMAP_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
SITEMAP_TAIL = "</urlset>\n"


class Unordered(Exception):
    """A department's lines are not one run of the list's order (see the module's docstring)."""


def xml_escape(text: str) -> str:
    """``text`` with ``&``, ``<`` and ``>`` escaped, as xml.sax.saxutils.escape does (which imports
    urllib.request: a tenth of a second at every start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sitemap_base(config: SiteConfig) -> str:
    """What every page's address in the sitemap starts with: base_url (base_path when no base_url is set)."""
    return config.base_url.rstrip("/") + "/" if config.base_url else config.base_path


def sitemap_lines(paths: Sequence[str], base: str) -> str:
    """The sitemap's lines of the HTML pages ``paths`` (in path order; the 404 page is not listed)."""
    return "".join(f"  <url><loc>{xml_escape(base + path)}</loc></url>\n" for path in paths
                   if path != routes.NOT_FOUND and path.endswith(".html"))


def sitemap(pages: Sequence[Route], config: SiteConfig) -> str:
    """sitemap.xml: every HTML page but the 404, in path order."""
    return SITEMAP_HEAD + sitemap_lines(sorted(route.path for route in pages), sitemap_base(config)) + SITEMAP_TAIL


def catalog(site_files: Sequence[Download], summaries: Sequence[Summary], title: str) -> str:
    """``data/catalog.json``: the site-wide files, every year's files, then the comparisons' downloads in path
    order."""
    lines = [catalog_line(d) for d in site_files]
    lines += [catalog_line(d) for s in summaries for _, files in s.year_files for d in files]
    lines += [line for _, line in sorted((d.path, catalog_line(d)) for s in summaries for d in s.page_downloads)]
    return catalog_text(lines, title)


def year_lines(summary: Summary) -> bytes:
    """The catalogue's lines of a department's years' files, each after a separator."""
    return "".join(CATALOG_SEPARATOR + "  " + catalog_line(d) for _, files in summary.year_files for d in files).encode()


def page_lines(summary: Summary, start: str) -> bytes:
    """The catalogue's lines of a department's comparisons' downloads, in path order, each after a separator;
    Unordered when a path does not start with ``start``."""
    items = sorted((d.path, catalog_line(d)) for d in summary.page_downloads)
    if any(not path.startswith(start) for path, _ in items):
        raise Unordered(start)
    return "".join(CATALOG_SEPARATOR + "  " + line for _, line in items).encode()


def prefix(summary: Summary) -> str | None:
    """The path of ``summary``'s department folder in the site, with a slash: what each of its pages'
    paths starts with (None for a department of no department-year)."""
    return "/".join(summary.entries[0].rel[:-1]) + "/" if summary.entries else None


def ordered(keys: Sequence[str], prefixes: set[str]) -> bool:
    """Whether no path of ``keys`` (the department ``prefixes`` among them) starts with a prefix but itself."""
    ranked = sorted(keys)
    return not any(b.startswith(a) for a, b in zip(ranked, ranked[1:]) if a in prefixes)


def _key(kind: bytes, fixed: bytes, department: str | None) -> bytes | None:
    if department is None:
        return None
    return hashlib.blake2b(kind + b"\0" + fixed + b"\0" + department.encode(), digest_size=16).digest()


def _piece(key: bytes | None, make: Callable[[], bytes]) -> tuple[bytes, Piece]:
    """A piece of a list, made by ``make``; one of no ``key`` (a department not kept in the cache) is made
    now, and its key is its bytes'."""
    if key is None:
        data = make()
        return hashlib.blake2b(b"made\0" + data, digest_size=16).digest(), (b"", None, lambda: (data,))
    return key, (b"", None, lambda: (make(),))


def _fixed(data: bytes) -> tuple[bytes, Piece]:
    return hashlib.blake2b(b"fixed\0" + data, digest_size=16).digest(), (data, None, lambda: (data,))


def _splice(writer: SiteWriter | PatchWriter, path: str, pieces: Callable[[], Iterator[tuple[bytes, Piece]]],
            whole: Callable[[], str], last: State, state: State) -> None:
    """Write the list at ``path`` from ``pieces`` spliced from the last build's; ``whole()`` when its lines
    are not in order by department (``Unordered``)."""
    target = os.fspath(writer.reserve(path))
    try:
        spliced = write_spliced(target, pieces(), os.path.join(writer.output_site, path),
                                last.files.get(path), hashed=False)
    except Unordered:
        with open(target, "wb") as f:
            f.write(whole().encode("utf-8"))
        return
    state.files[path] = spliced.layout


def splice_catalog(writer: SiteWriter | PatchWriter, site_files: Sequence[Download], summaries: Sequence[Summary],
                   keys: Sequence[str | None], title: str, last: State, state: State) -> None:
    """``catalog``, written from the last build's: a department kept in the cache under the same key
    (``keys``) has the same lines (its years' files', and its comparisons'), which are copied."""
    prefixes = [prefix(s) for s in summaries]
    departments = list(zip(summaries, prefixes, chain(keys, [None] * (len(summaries) - len(keys)))))
    known = {p for p in prefixes if p is not None}

    def pieces() -> Iterator[tuple[bytes, Piece]]:
        yield _fixed((catalog_head(title) + CATALOG_SEPARATOR.join("  " + catalog_line(d) for d in site_files)).encode())
        for s, _, key in departments:
            yield _piece(_key(b"catalog-years", b"", key), lambda s=s: year_lines(s))  # type: ignore[misc]
        for s, start, key in sorted(departments, key=lambda d: d[1] or ""):
            yield _piece(_key(b"catalog-pages", b"", key), lambda s=s, start=start: page_lines(s, start))  # type: ignore[misc]
        yield _fixed(CATALOG_TAIL.encode())

    def whole() -> str:
        return catalog(site_files, summaries, title)

    if None in prefixes or not ordered(list(known), known):
        writer.write_text(routes.CATALOG, whole())
        return
    _splice(writer, routes.CATALOG, pieces, whole, last, state)


def splice_sitemap(writer: SiteWriter | PatchWriter, site_routes: Sequence[Route], summaries: Sequence[Summary],
                   keys: Sequence[str | None], config: SiteConfig, last: State, state: State) -> None:
    """``sitemap``, written from the last build's: a department kept in the cache under the same key
    (``keys``) has the same pages, whose lines are copied."""
    base = sitemap_base(config)
    prefixes = [prefix(s) for s in summaries]
    known = {p for p in prefixes if p is not None}
    site_paths = [route.path for route in site_routes]

    def lines(s: Summary, start: str) -> bytes:
        paths = sorted(route.path for route in s.pages)
        if any(not path.startswith(start) for path in paths):
            raise Unordered(start)
        return sitemap_lines(paths, base).encode()

    def pieces() -> Iterator[tuple[bytes, Piece]]:
        yield _fixed(SITEMAP_HEAD.encode())
        runs: list[tuple[str, Summary | None, str | None]] = [(path, None, None) for path in site_paths]
        runs += [(start, s, key) for s, start, key in zip(summaries, prefixes, chain(keys, [None] * len(summaries)))
                 if start is not None]
        for start, s, key in sorted(runs, key=lambda run: run[0]):
            if s is None:
                yield _fixed(sitemap_lines([start], base).encode())
            else:
                yield _piece(_key(b"sitemap", base.encode(), key), lambda s=s, start=start: lines(s, start))  # type: ignore[misc]
        yield _fixed(SITEMAP_TAIL.encode())

    def whole() -> str:
        return sitemap([*site_routes, *(route for s in summaries for route in s.pages)], config)

    if None in prefixes or not ordered(site_paths + list(known), known):
        writer.write_text(routes.SITEMAP, whole())
        return
    _splice(writer, routes.SITEMAP, pieces, whole, last, state)
