"""Reading a published document into grids (its tables) and lines (its text).

A PDF is read with pdfplumber: its ruled tables become grids, the text outside them lines.
An .xlsx workbook is read with openpyxl: every sheet is one grid. Merged cells are filled
with their text in every position they cover (``Grid.text``) and marked, so that a
header's words reach every column below it while a figure is counted once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ImportFailure


@dataclass
class Grid:
    """One table as printed: rows of cell texts, with merged areas filled."""

    source: str  # the file's name
    where: list[str]  # per row: where it was read, e.g. "第3页" or "工作表“01”"
    text: list[list[str]]  # the cell texts, a merged area's text in each position it covers
    anchor: list[list[bool]]  # whether a position is the top-left cell of its (merged) area
    raw: list[list[str]] = field(default_factory=list)  # the texts with their printed line breaks
    columns: list[tuple[float, float]] = field(default_factory=list)  # each column's left and right (PDF points)
    above: list[str] = field(default_factory=list)  # lines printed above the table (title, 部门, 单位 …)
    below: list[str] = field(default_factory=list)  # lines printed below it (notes)

    @property
    def page(self) -> str:
        return self.where[0] if self.where else ""

    def value(self, r: int, c: int) -> str:
        """A cell's text where the cell starts, "" where a merged area continues."""
        return self.text[r][c] if self.anchor[r][c] else ""

    @property
    def width(self) -> int:
        return max((len(row) for row in self.text), default=0)


@dataclass
class Line:
    """A line of running text and where it was printed."""

    text: str
    where: str
    size: float = 0.0  # the font size, when known
    indent: float = 0.0  # distance from the left of the text block
    source: str = ""  # the file's name
    short: float = 0.0  # how far the line ends before the right edge of the text block


@dataclass
class Document:
    path: Path
    grids: list[Grid]
    lines: list[Line]
    pages: int


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’《》]")


def join_wrapped(text: str) -> str:
    """A cell's wrapped lines joined as one: no space between CJK characters."""
    parts = [p.strip() for p in text.split("\n")]
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not (CJK.search(out[-1]) or CJK.search(part[0])):
            out += " "
        out += part
    return out


def read_document(path: Path) -> Document:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return read_pdf(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    raise ImportFailure(f"{path}: cannot import a '{suffix or 'file without extension'}' file; "
                        "give a PDF with a text layer (.pdf) or an Excel workbook (.xlsx)")


# ---------------------------------------------------------------------------
# PDF


def read_pdf(path: Path) -> Document:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(path)
    except (PDFSyntaxError, PdfminerException, OSError, ValueError) as err:
        raise ImportFailure(f"{path}: not a readable PDF ({err})") from err
    try:
        grids, lines, chars, pages = _read_pages(pdf, path)
    except (PDFSyntaxError, PdfminerException) as err:
        raise ImportFailure(f"{path}: not a readable PDF ({err})") from err
    if chars == 0:
        raise ImportFailure(f"{path}: the PDF has no text layer (a scanned image?); site-builder import reads "
                            "text, it does not recognise characters in images (no OCR). Use the publisher's "
                            "text PDF or Excel file, or transcribe the document by hand")
    return Document(path, grids, lines, pages)


def _read_pages(pdf, path: Path) -> tuple[list[Grid], list[Line], int, int]:
    grids: list[Grid] = []
    lines: list[Line] = []
    chars = 0
    with pdf:
        for number, page in enumerate(pdf.pages, start=1):
            where = f"第{number}页"
            chars += len(page.chars)
            tables = []
            for table in page.find_tables():
                cells = _cells(table)
                if len(cells) >= 2:
                    tables.append((table, cells))
            for table, cells in tables:
                grid = _grid_from_table(cells, path.name, where)
                if grid is None:
                    continue
                top = _inner_top(table, cells)
                above = page.crop((0, 0, page.width, max(top, 0.0)))
                grid.above = [ln for ln in (above.extract_text() or "").splitlines() if ln.strip()]
                grids.append(grid)
            if tables and grids:
                # Text below the last table on the page: notes (注：…) and page numbers.
                last = tables[-1][0]
                below = page.crop((0, min(last.bbox[3], page.height), page.width, page.height))
                grids[-1].below += [ln for ln in (below.extract_text() or "").splitlines() if ln.strip()]
            if not tables:
                lines.extend(_text_lines(page, where, path.name))
        pages = len(pdf.pages)
    return grids, lines, chars, pages


def _text_lines(page, where: str, source: str) -> list[Line]:
    items = [item for item in page.extract_text_lines(return_chars=True, strip=True) if item["text"].strip()]
    if not items:
        return []
    left = min(item["x0"] for item in items)
    right = max(item["x1"] for item in items)
    out: list[Line] = []
    for item in items:
        sizes = [c.get("size", 0.0) for c in item["chars"]]
        out.append(Line(item["text"], where, max(sizes) if sizes else 0.0, item["x0"] - left, source, right - item["x1"]))
    return out


def _cells(table) -> list[tuple[tuple[float, float, float, float], str]]:
    """The table's cells with pdfplumber's text for each (characters assigned by their centre)."""
    out = []
    for row, texts in zip(table.rows, table.extract()):
        for bbox, text in zip(row.cells, texts):
            if bbox is not None:
                out.append((bbox, text or ""))
    return out


def _frames(cells) -> set[int]:
    """Cells that contain other cells: a frame drawn around the whole table."""
    frames = set()
    for i, (outer, _) in enumerate(cells):
        inside = 0
        for j, (inner, _) in enumerate(cells):
            if i == j:
                continue
            if inner[0] >= outer[0] - 1 and inner[1] >= outer[1] - 1 and inner[2] <= outer[2] + 1 and inner[3] <= outer[3] + 1:
                inside += 1
                if inside >= 2:
                    frames.add(i)
                    break
    return frames


def _inner_top(table, cells) -> float:
    frames = _frames(cells)
    tops = [c[0][1] for i, c in enumerate(cells) if i not in frames]
    return min(tops) if tops else table.bbox[1]


def _grid_from_table(cells, source: str, where: str) -> Grid | None:
    """A pdfplumber table as a grid: merged cells filled, a frame around it dropped."""
    frames = _frames(cells)
    cells = [c for i, c in enumerate(cells) if i not in frames]
    if not cells:
        return None
    xs = _merge_close(sorted({c[0][0] for c in cells} | {c[0][2] for c in cells}))
    ys = _merge_close(sorted({c[0][1] for c in cells} | {c[0][3] for c in cells}))
    cols = list(zip(xs, xs[1:]))
    rows = list(zip(ys, ys[1:]))
    if not cols or not rows:
        return None
    text = [["" for _ in cols] for _ in rows]
    raw = [["" for _ in cols] for _ in rows]
    anchor = [[False for _ in cols] for _ in rows]
    for bbox, value in cells:
        c_span = [i for i, (a, b) in enumerate(cols) if bbox[0] < (a + b) / 2 < bbox[2]]
        r_span = [i for i, (a, b) in enumerate(rows) if bbox[1] < (a + b) / 2 < bbox[3]]
        if not c_span or not r_span:
            continue
        joined = join_wrapped(value)
        for r in r_span:
            for c in c_span:
                text[r][c] = joined
                raw[r][c] = value
        anchor[r_span[0]][c_span[0]] = True
    # Drop rows with no cell, and narrow columns with no text (gaps between a frame and the table).
    keep_rows = [r for r in range(len(rows)) if any(anchor[r][c] or text[r][c] for c in range(len(cols)))]
    keep_cols = [c for c in range(len(cols)) if any(anchor[r][c] for r in range(len(rows)))
                 and (any(text[r][c] for r in range(len(rows))) or cols[c][1] - cols[c][0] >= NARROW)]
    text = [[text[r][c] for c in keep_cols] for r in keep_rows]
    raw = [[raw[r][c] for c in keep_cols] for r in keep_rows]
    anchor = [[anchor[r][c] for c in keep_cols] for r in keep_rows]
    if not text:
        return None
    return Grid(source, [where] * len(text), text, anchor, raw, [cols[c] for c in keep_cols])


NARROW = 12.0  # points: a column this narrow and empty is the gap between a frame and the table


def _merge_close(values: list[float], tolerance: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in values:
        if out and v - out[-1] <= tolerance:
            continue
        out.append(v)
    return out


# ---------------------------------------------------------------------------
# Excel


def read_xlsx(path: Path) -> Document:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as err:
        raise ImportFailure(f"{path}: not a readable Excel workbook ({err.__class__.__name__}: {err})") from err
    grids: list[Grid] = []
    for sheet in book.worksheets:
        where = f"工作表“{sheet.title}”"
        n_rows, n_cols = sheet.max_row, sheet.max_column
        text = [["" for _ in range(n_cols)] for _ in range(n_rows)]
        anchor = [[True for _ in range(n_cols)] for _ in range(n_rows)]
        raw = [["" for _ in range(n_cols)] for _ in range(n_rows)]
        for r, row in enumerate(sheet.iter_rows(min_row=1, max_row=n_rows, max_col=n_cols)):
            for c, cell in enumerate(row):
                text[r][c] = _excel_text(cell)
                raw[r][c] = cell.value if isinstance(cell.value, str) else text[r][c]
        for merged in sheet.merged_cells.ranges:
            value = text[merged.min_row - 1][merged.min_col - 1]
            raw_value = raw[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, merged.max_row):
                for c in range(merged.min_col - 1, merged.max_col):
                    text[r][c] = value
                    raw[r][c] = raw_value
                    anchor[r][c] = (r, c) == (merged.min_row - 1, merged.min_col - 1)
        keep = [r for r in range(n_rows) if any(text[r])]
        text = [text[r] for r in keep]
        anchor = [anchor[r] for r in keep]
        raw = [raw[r] for r in keep]
        if text:
            grids.append(Grid(path.name, [where] * len(text), text, anchor, raw))
    book.close()
    return Document(path, grids, [], len(book.worksheets))


def _excel_text(cell) -> str:
    from decimal import Decimal

    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        # A number cell: print it as the sheet shows it (its number format's decimals).
        decimals = _format_decimals(cell.number_format)
        text = repr(value)
        if decimals is not None:
            return str(Decimal(text).quantize(Decimal(1).scaleb(-decimals)))
        return text[:-2] if text.endswith(".0") else text
    return join_wrapped(str(value))


def _format_decimals(number_format: str) -> int | None:
    match = re.search(r"0\.(0+)", number_format or "")
    if match:
        return len(match.group(1))
    if number_format and re.search(r"[#0]", number_format):
        return 0
    return None
