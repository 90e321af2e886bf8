"""开放数据: the files a reader can download, and the catalogue that lists them.

Per department-year, beside its page (``…/2020/data/``):

    hebei-qinhuangdao-shanhaiguan-xinfang-2020.json              the validated model (validates against the schema)
    hebei-qinhuangdao-shanhaiguan-xinfang-2020-figures.csv       every number, one row each
    hebei-qinhuangdao-shanhaiguan-xinfang-2020-indicators.csv    every performance indicator
    shanghai-putuo-caizhengju-2024-juesuan-final.csv             a 决算's tables: 预算数 and 决算数 in columns

The file names repeat the page's path so that files downloaded from many pages never
collide in one folder. For the whole site, in ``data/``: ``site.json`` (every
department-year), ``figures.csv``, ``indicators.csv``, ``final.csv`` (every 决算's tables),
``scorecard.csv`` (公开完整度),
``content.schema.json`` (the same bytes as ``schema/content.schema.json``) and
``catalog.json``, which lists every other download with its size and SHA-256.

A department-year's files are a pure function of its model. They are made once per
``Entry`` object (the preview server keeps the Entry of an unchanged file, so a rebuild
does not serialise it again), and the site-wide files are joined from the same bytes,
never serialised twice. A file is described (size, SHA-256) when the pages are planned,
since pages print sizes, and its bytes are joined only when it is written.
"""

from __future__ import annotations

import functools
import hashlib
import json
import weakref
from json.encoder import encode_basestring
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, Union

from . import routes
from ..content.load import Entry, entry_base, read_source
from ..derive.opendata import (FIGURE_COLUMNS, FINAL_COLUMNS, INDICATOR_COLUMNS, csv_text, final_rows, indicator_rows, model_json,
                       walk_figures)
from ..content.schema import schema_text

JSON_TYPE = "application/json"
SCHEMA_TYPE = "application/schema+json"
CSV_TYPE = "text/csv; charset=utf-8; header=present"
PDF_TYPE = "application/pdf"
CATALOG_FORMAT = "site_builder.catalog/1"
SITE_FORMAT = "site_builder.site/1"

SITE_JSON = f"{routes.DATA}/site.json"
SITE_FIGURES = f"{routes.DATA}/figures.csv"
SITE_INDICATORS = f"{routes.DATA}/indicators.csv"
SITE_FINAL = f"{routes.DATA}/final.csv"
SITE_SCORECARD = routes.SCORECARD_CSV
SCHEMA = routes.SCHEMA

FIGURES_HEADER = csv_text(FIGURE_COLUMNS, ()).encode("utf-8")  # the BOM and the header line
INDICATORS_HEADER = csv_text(INDICATOR_COLUMNS, ()).encode("utf-8")
FINAL_HEADER = csv_text(FINAL_COLUMNS, ()).encode("utf-8")

Part = Union[bytes, memoryview]
YearBytes = Callable[["Entry", str], bytes]
"""``data(entry, name)``: the bytes of a department-year's ``json``, ``figures``, ``indicators`` or ``final`` file
(a year without 决算 tables has no ``final`` file: its bytes are empty)."""
T = TypeVar("T")


@dataclass(frozen=True)
class Download:
    """One downloadable file as the catalogue lists it."""

    path: str  # relative to the site's root
    title: str
    kind: str  # what it holds: department-year, figures, indicators, site, scorecard, schema, comparison
    format: str  # JSON / CSV
    media_type: str
    size: int  # bytes
    sha256: str
    department: str | None = None
    region: str | None = None
    year: int | None = None
    document_kind: str | None = None  # 预算 / 决算
    page: str | None = None  # the page the file belongs to, relative to the site's root

    def catalog_item(self) -> dict[str, Any]:
        return {"path": self.path, "title": self.title, "kind": self.kind, "format": self.format,
                "media_type": self.media_type, "bytes": self.size, "sha256": self.sha256,
                "department": self.department, "region": self.region, "year": self.year,
                "document_kind": self.document_kind, "page": self.page}


@dataclass(frozen=True)
class File:
    """A download and the parts its bytes are joined from when it is written."""

    about: Download
    parts: tuple[Part, ...]

    @property
    def data(self) -> bytes:
        return b"".join(self.parts)


def media_type(path: str) -> tuple[str, str]:
    """(format, media type) of a download, from its name."""
    if path.endswith(".csv"):
        return "CSV", CSV_TYPE
    if path.endswith(".pdf"):
        return "PDF", PDF_TYPE
    return "JSON", SCHEMA_TYPE if path.endswith(".schema.json") else JSON_TYPE


def describe(path: str, title: str, kind: str, parts: Iterable[Part], **about: Any) -> File:
    """A file of ``parts``, with its size and SHA-256 worked out without joining them."""
    parts = tuple(parts)
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return File(download(path, title, kind, sum(len(p) for p in parts), digest.hexdigest(), **about), parts)


def download(path: str, title: str, kind: str, size: int, sha256: str, **about: Any) -> Download:
    """The catalogue's entry for the file at ``path``; its format and media type follow from its name."""
    fmt, media = media_type(path)
    return Download(path, title, kind, fmt, media, size, sha256, **about)


@dataclass(frozen=True)
class DownloadLink:
    """A download as a page lists it."""

    text: str
    target: str  # site-relative path
    format: str
    size: str  # "12.3 KB"
    note: str = ""
    kind: str = ""  # Download.kind: department-year, figures, …, source
    sha256: str = ""


def human_size(size: int) -> str:
    """A byte count as a reader reads it: 812 字节, 12.3 KB, 4.1 MB (1 KB = 1,024 bytes)."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def links(downloads: Iterable[Download], notes: dict[str, str]) -> tuple[DownloadLink, ...]:
    """Page links to ``downloads``; ``notes`` by kind or by path say what each holds."""
    return tuple(DownloadLink(d.title, d.path, d.format, human_size(d.size), notes.get(d.path) or notes.get(d.kind, ""),
                              d.kind, d.sha256) for d in downloads)


# ---------------------------------------------------------------------------
# One department-year


@dataclass(frozen=True)
class YearData:
    """The bytes of one department-year's three downloads (CSVs with their BOM and header)."""

    json: bytes
    figures: bytes
    indicators: bytes
    final: bytes = b""  # a 决算's tables, budget and actual in columns; empty for a year without them


def year_data(entry: Entry) -> YearData:
    doc = entry.model
    final = list(final_rows(doc))
    return YearData(model_json(doc).encode("utf-8"), csv_text(FIGURE_COLUMNS, walk_figures(doc)).encode("utf-8"),
                    csv_text(INDICATOR_COLUMNS, indicator_rows(doc)).encode("utf-8"),
                    csv_text(FINAL_COLUMNS, final).encode("utf-8") if final else b"")


class EntryMemo(Generic[T]):
    """Values worked out from an Entry, kept while the Entry lives.

    The preview server keeps the Entry of a file that did not change, so what was worked
    out from it is not worked out again; a full build's entries, and their values, go
    when the build ends.
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[weakref.ref[Entry], T]] = {}

    def get(self, entry: Entry) -> T | None:
        hit = self._memo.get(id(entry))
        return hit[1] if hit is not None and hit[0]() is entry else None

    def put(self, entry: Entry, value: T) -> T:
        key = id(entry)

        def forget(ref: weakref.ref[Entry]) -> None:
            if self._memo.get(key, (None,))[0] is ref:
                del self._memo[key]

        self._memo[key] = (weakref.ref(entry, forget), value)
        return value


class YearFiles:
    """Each department-year's downloads, worked out once per ``Entry`` (kept while the Entry lives).

    Owned by a build's context (build/context.py), or by the preview's cache across its builds.
    """

    def __init__(self) -> None:
        self._data: EntryMemo[YearData] = EntryMemo()
        self._files: EntryMemo[tuple[File, ...]] = EntryMemo()

    def data(self, entry: Entry) -> YearData:
        return self._data.get(entry) or self._data.put(entry, year_data(entry))

    def files(self, entry: Entry) -> tuple[File, ...]:
        """The files of one department-year, in ``…/<stem>/data/``: JSON, figures CSV, indicators CSV, its 决算
        tables (when it has them) and its source documents."""
        known = self._files.get(entry)
        return known if known is not None else self._files.put(entry, year_files(entry, self.data(entry)))

    def links(self, entry: Entry) -> tuple[DownloadLink, ...]:
        """The links a department-year's page gives to its downloads: its data files, and its source documents
        (kind ``source``, which the page lists under 来源)."""
        return links((f.about for f in self.files(entry)), YEAR_NOTES)

    def bytes_of(self, entry: Entry, name: str) -> bytes:
        """``data(entry, name)`` for ``site_file_specs``, from the memoised bytes."""
        return getattr(self.data(entry), name)  # type: ignore[no-any-return]


def year_page(entry: Entry) -> str:
    return routes.year_path(entry.region_slugs, entry.department_slug, entry.stem)


def year_files(entry: Entry, data: YearData) -> tuple[File, ...]:
    """The files of one department-year made of ``data`` (``YearFiles.files`` keeps them)."""
    meta = entry.model.meta
    about = {"department": meta.department, "region": " ".join(meta.region.names), "year": meta.year,
             "document_kind": meta.kind, "page": year_page(entry)}
    name = f"{meta.department} {meta.year}年{meta.kind}"
    base = "/".join((*entry.rel[:-1], entry.stem, routes.DATA, "-".join((*entry.rel[:-1], entry.stem))))
    sources = tuple(describe(source_path(entry, src.file), f"{name}：来源文件 {src.title}（PDF）", "source",
                             (read_source_file(entry, src.file),), **about)
                    for src in meta.sources if src.file)
    final = (describe(f"{base}-final.csv", f"{name}：决算表，预算数与决算数（CSV）", "final", (data.final,), **about),) \
        if data.final else ()
    return (
        describe(f"{base}.json", f"{name}：全部数据（JSON）", "department-year", (data.json,), **about),
        describe(f"{base}-figures.csv", f"{name}：全部数字（CSV）", "figures", (data.figures,), **about),
        describe(f"{base}-indicators.csv", f"{name}：绩效指标（CSV）", "indicators", (data.indicators,), **about),
    ) + final + sources


def source_path(entry: Entry, file: str) -> str:
    """Where a source document (来源.文件) is published: beside the page, its name prefixed with the
    department's path so that files saved from many pages never collide (…/2019/source/jiangsu-…-2019-report.pdf)."""
    return "/".join((*entry.rel[:-1], entry.stem, "source", "-".join((*entry.rel[:-1], file))))


def read_source_file(entry: Entry, file: str) -> bytes:
    """A source document's bytes; content validation made sure the file is there, in content/
    (content.read_source refuses, unread, what a link there points to outside)."""
    return read_source(entry.path.parent / file, entry_base(entry))


YEAR_NOTES = {
    "department-year": "本页的全部内容；金额为精确的十进制字符串，单位见“元数据.金额单位”；符合本站公布的 JSON Schema",
    "figures": "每个数字一行：栏目、表、项目、编码、指标、数值、单位，比上年的增减带正负号并注明增加或减少；没有数字的部分注明无、未公开或未收录",
    "indicators": "每个绩效指标一行：一级、二级、三级指标，指标值拆为性质、符号、数值、单位",
    "final": "决算表每个数字一行：表、编码、名称、列，年初预算数、全年预算数、决算数与完成率各占一列",
}


# ---------------------------------------------------------------------------
# The whole site


def _without_header(data: bytes, header: bytes) -> memoryview:
    return memoryview(data)[len(header):]


Source = tuple[tuple[str, ...], str] | None
"""What a piece of a site-wide file is made from: a department-year's file, (the entry's ``rel``, ``json`` |
``figures`` | ``indicators`` | ``final``), or the package's code (``SCHEMA_SOURCE``); None: nothing but its fixed bytes."""
Piece = tuple[bytes, Source, Callable[[], tuple[Part, ...]]]
"""A piece of a site-wide file: what its bytes depend on besides its source (all of them, without a source), its
source, and how to make its parts. Two pieces alike in the first two, of sources alike, are the same bytes."""


def fixed_piece(data: bytes) -> Piece:
    return data, None, lambda: (data,)


def _own_json(head: bytes, entry: Entry, data: YearBytes) -> tuple[Part, ...]:
    own = data(entry, "json")
    return head, memoryview(own)[: len(own.rstrip(b"\n"))], b"}"


def site_json_pieces(entries: Sequence[Entry], pages: Sequence[str], data: YearBytes) -> Iterator[Piece]:
    """``site.json``: ``{"format", "schema", "department_years": [{"id", "page", "data"}, …]}``.

    Each ``data`` is the department-year's own JSON, joined as bytes (not serialised again),
    so it validates against the published schema like the file beside its page.
    """
    yield fixed_piece(f'{{\n "format": "{SITE_FORMAT}",\n "schema": "content.schema.json",\n "department_years": ['.encode())
    for i, (entry, page) in enumerate(zip(entries, pages)):
        # encode_basestring: json.dumps(text, ensure_ascii=False), without making an encoder for each of 10,000 texts
        ident = encode_basestring("/".join((*entry.rel[:-1], entry.stem)))
        head = f'{"," if i else ""}\n  {{"id": {ident}, "page": {encode_basestring(page)}, "data": '.encode()
        yield head + b"}", (entry.rel, "json"), functools.partial(_own_json, head, entry, data)
    yield fixed_piece(b"\n ]\n}\n")


def _own_rows(entry: Entry, data: YearBytes, name: str, header: bytes) -> tuple[Part, ...]:
    own = data(entry, name)
    return (_without_header(own, header),) if own else ()  # a year without that file (a 预算 has no 决算 tables)


def _row_pieces(entries: Sequence[Entry], data: YearBytes, name: str, header: bytes,
                present: Callable[[Entry, str], bool] | None = None) -> Iterator[Piece]:
    """A site-wide CSV: the header once, then each department-year's rows (its file without the header); with
    ``present``, none for a year that has no such file (``present(entry, name)`` false), whose rows are none."""
    yield fixed_piece(header)
    for entry in entries:
        if present is None or present(entry, name):
            yield header, (entry.rel, name), functools.partial(_own_rows, entry, data, name, header)


def joined(pieces: Iterable[Piece]) -> Iterator[Part]:
    """The parts of ``pieces``, one after another, each made as it is reached."""
    for _, _, make in pieces:
        yield from make()


SCHEMA_SOURCE: Source = ((), "schema")  # the schema's piece: the package's code is its source


def site_file_pieces(entries: Sequence[Entry], pages: Sequence[str], scorecard: Iterable[Piece],
                     data: YearBytes, present: Callable[[Entry, str], bool] | None = None
                     ) -> tuple[tuple[str, str, str, Iterator[Piece]], ...]:
    """The site-wide files as (path, title, kind, pieces), in the order the about page lists them.

    ``entries`` in path order; ``data(entry, "json" | "figures" | "indicators")`` gives the
    bytes of one of its files. The pieces are made as they are read, so that a full build
    can stream the largest files to disk without holding them, and make again only the
    pieces whose department-year changed (build/splice.py). ``present(entry, "final")``: whether a year has
    决算 tables; without it, ``final.csv`` has a piece, empty, for each year that has none (a 预算).
    """
    return (
        (SITE_JSON, "全部部门年度：全部数据（JSON）", "site", site_json_pieces(entries, pages, data)),
        (SITE_FIGURES, "全部部门年度：全部数字（CSV）", "figures", _row_pieces(entries, data, "figures", FIGURES_HEADER)),
        (SITE_INDICATORS, "全部部门年度：绩效指标（CSV）", "indicators",
         _row_pieces(entries, data, "indicators", INDICATORS_HEADER)),
        (SITE_FINAL, "全部决算：决算表，预算数与决算数（CSV）", "final",
         _row_pieces(entries, data, "final", FINAL_HEADER, present)),
        (SITE_SCORECARD, "全部部门年度：公开完整度（CSV）", "scorecard", iter(scorecard)),
        (SCHEMA, "内容文件格式（JSON Schema）", "schema", iter(((b"", SCHEMA_SOURCE, lambda: (schema_bytes(),)),))),
    )


def site_file_specs(entries: Sequence[Entry], pages: Sequence[str], scorecard_csv: str,
                    data: YearBytes) -> tuple[tuple[str, str, str, Iterator[Part]], ...]:
    """``site_file_pieces`` with each file's pieces joined into parts."""
    scorecard = (fixed_piece(scorecard_csv.encode("utf-8")),)
    return tuple((path, title, kind, joined(pieces))
                 for path, title, kind, pieces in site_file_pieces(entries, pages, scorecard, data))


def site_files(entries: Sequence[Entry], pages: Sequence[str], scorecard_csv: str, data: YearBytes) -> tuple[File, ...]:
    """The site-wide files, in memory, from each department-year's bytes (``YearFiles.bytes_of``); ``entries``
    in path order."""
    return tuple(describe(path, title, kind, parts) for path, title, kind, parts in
                 site_file_specs(entries, pages, scorecard_csv, data))


@functools.cache
def schema_bytes() -> bytes:
    """The published schema: generated from the model once per process (it takes a tenth of a second)."""
    return schema_text().encode("utf-8")


SITE_NOTES = {
    SITE_JSON: "每个部门年度一项，其 data 与该页的 JSON 文件相同",
    SITE_FIGURES: "全部部门年度的数字，各列与每页的数字表相同",
    SITE_INDICATORS: "全部部门年度的绩效指标",
    SITE_FINAL: "全部决算的各张表，预算数与决算数各占一列，与每页的决算表文件相同",
    SITE_SCORECARD: "每个部门年度一行：得分、可评估权重占比，及每一事项已公开、公开为无、无（与数字不符）、未公开或未收录",
    SCHEMA: "各 JSON 文件中部门年度数据的格式，也是 content/ 中 YAML 文件的格式",
}


# ---------------------------------------------------------------------------
# Downloads written by other stages, and the catalogue


def is_download(path: str) -> bool:
    """A page route that is a download (a comparison's JSON or CSV) rather than a page."""
    return path.endswith((".json", ".csv"))


def catalog_line(d: Download) -> str:
    """One download as the catalogue lists it (one line of ``catalog_json``)."""
    return json.dumps(d.catalog_item(), ensure_ascii=False)


def catalog_json(downloads: Iterable[Download], site_title: str) -> str:
    """``data/catalog.json``: every download in the order given, with its size and SHA-256, one per line."""
    return catalog_text([catalog_line(d) for d in downloads], site_title)


def catalog_text(lines: Sequence[str], site_title: str) -> str:
    """``catalog_json`` of the downloads whose ``catalog_line``s are ``lines``."""
    items = CATALOG_SEPARATOR.join(f"  {line}" for line in lines)
    return f"{catalog_head(site_title)}{items}{CATALOG_TAIL}" if lines else f"{catalog_head(site_title, False)}]\n}}\n"


CATALOG_SEPARATOR = ",\n"  # between two lines of the catalogue's downloads (each indented by two spaces)
CATALOG_TAIL = "\n ]\n}\n"  # after its last line


def catalog_head(site_title: str, listed: bool = True) -> str:
    """The catalogue up to its first download's line (``listed``), or up to the end of its empty list."""
    head = {
        "format": CATALOG_FORMAT,
        "title": f"{site_title}：数据目录",
        "description": ("本站全部可下载的文件。path 相对于网站根目录，即本文件所在目录的上一级（root）；"
                        "bytes 为文件字节数，sha256 为其 SHA-256 摘要。金额为精确的十进制字符串，单位见各文件的"
                        "“元数据.金额单位”或“单位”列。CSV 为带 BOM 的 UTF-8，可直接用 Excel 打开。"),
        "root": "../",
        "schema": "content.schema.json",
    }
    fields = "".join(f"\n {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items())
    return f'{{{fields}\n "downloads": [\n' if listed else f'{{{fields}\n "downloads": ['
