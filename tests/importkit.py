"""Fictitious (虚构) disclosures drawn in the tests: ruled tables with a text layer, and workbooks.

``draw_pdf`` draws pages of ruled tables with reportlab, in a CID font that every PDF reader
has (STSong-Light), so the text layer is real text; ``write_xlsx`` writes the same tables as
sheets with openpyxl. A table is a list of rows; in a row, ``None`` continues the cell to its
left (a horizontal merge) and ``"^"`` the cell above (a vertical merge).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

LEFT = "<"  # alias of None, for readability in tables
UP = "^"


@dataclass
class TableSpec:
    rows: list[list[str | None]]
    above: list[str] = field(default_factory=list)  # lines printed above the table (title, 部门, 单位)
    below: list[str] = field(default_factory=list)  # lines printed below it (notes, page number)
    widths: list[float] | None = None
    title_row: str | None = None  # a title printed inside the table, in a first row spanning it
    font_size: float = 10.0


def _spans(rows: list[list[str | None]]):
    """(r, c, height, width, text) for every cell that starts a (merged) area."""
    n_rows, n_cols = len(rows), max(len(r) for r in rows)
    out = []
    for r in range(n_rows):
        for c in range(n_cols):
            value = rows[r][c] if c < len(rows[r]) else ""
            if value is None or value == UP:
                continue
            w = 1
            while c + w < n_cols and w + c < len(rows[r]) and rows[r][c + w] is None:
                w += 1
            h = 1
            while r + h < n_rows and c < len(rows[r + h]) and rows[r + h][c] == UP:
                h += 1
            out.append((r, c, h, w, value))
    return out


def draw_pdf(path: Path, pages: list[list[TableSpec]], *, text_pages: list[list[str]] | None = None) -> Path:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    width, height = landscape(A4)
    pdf = canvas.Canvas(str(path), pagesize=(width, height), invariant=1)
    for lines in text_pages or []:
        y = height - 60
        for line in lines:
            pdf.setFont("STSong-Light", 16 if line.startswith("#") else 11)
            pdf.drawString(60, y, line.lstrip("#").strip())
            y -= 22
        pdf.showPage()
    for tables in pages:
        y = height - 40
        for spec in tables:
            pdf.setFont("STSong-Light", 10)
            for line in spec.above:
                pdf.drawString(60, y, line)
                y -= 18
            rows = ([[spec.title_row] + [None] * (max(len(r) for r in spec.rows) - 1)] if spec.title_row else []) + spec.rows
            n_cols = max(len(r) for r in rows)
            widths = spec.widths or [120.0] * n_cols
            xs = [60.0]
            for w in widths:
                xs.append(xs[-1] + w)
            row_h = 18.0
            top = y
            for r, c, h, w, text in _spans(rows):
                x0, x1 = xs[c], xs[c + w]
                y0 = top - r * row_h
                y1 = y0 - h * row_h
                pdf.rect(x0, y1, x1 - x0, y0 - y1, stroke=1, fill=0)
                if text:
                    pdf.setFont("STSong-Light", spec.font_size)
                    pdf.drawString(x0 + 3, y0 - 13, text)
            y = top - len(rows) * row_h - 20
            for line in spec.below:
                pdf.drawString(60, y, line)
                y -= 18
        pdf.showPage()
    pdf.save()
    return path


def write_xlsx(path: Path, sheets: dict[str, TableSpec]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, spec in sheets.items():
        sheet = book.create_sheet(name)
        r0 = 1
        for line in spec.above:
            sheet.cell(row=r0, column=1, value=line)
            r0 += 1
        for r, c, h, w, text in _spans(spec.rows):
            cell = sheet.cell(row=r0 + r, column=1 + c)
            number = _number(text)
            if number is not None:
                cell.value = float(number)
                decimals = len(text.split(".")[1]) if "." in text else 0
                cell.number_format = "#,##0." + "0" * decimals if decimals else "#,##0"
            elif text:
                cell.value = text
            if h > 1 or w > 1:
                sheet.merge_cells(start_row=r0 + r, start_column=1 + c, end_row=r0 + r + h - 1, end_column=c + w)
        r_end = r0 + len(spec.rows)
        for i, line in enumerate(spec.below):
            sheet.cell(row=r_end + i, column=1, value=line)
    book.save(path)
    return path


def _number(text: str):
    import re
    from decimal import Decimal

    if text and re.fullmatch(r"-?[0-9][0-9,]*(\.[0-9]+)?", text):
        return Decimal(text.replace(",", ""))
    return None


# ---------------------------------------------------------------------------
# The standard tables of a fictitious department (虚构单位), 万元


DEPT = "部门：虚构市虚构局"
UNIT = "单位：万元"


def class_table(number: str, title: str, rows: list[tuple[str, str, str]], total: str, *,
                code_header: str = "功能科目代码", name_header: str = "功能科目名称") -> TableSpec:
    body: list[list[str | None]] = [[code_header, name_header, "金额"], ["", "合计", total]]
    body += [[code, name, amount] for code, name, amount in rows]
    return TableSpec(body, above=[number, title, f"{DEPT}    {UNIT}"], widths=[100.0, 260.0, 100.0])


FUNCTION_ROWS = [
    ("201", "一般公共服务支出", "1,234.50"),
    ("20103", "政府办公厅（室）及相关机构事务", "1,234.50"),
    ("2010301", "行政运行", "1,000.00"),
    ("2010302", "一般行政管理事务", "234.50"),
    ("221", "住房保障支出", "80.00"),
    ("22102", "住房改革支出", "80.00"),
    ("2210201", "住房公积金", "80.00"),
]
FUNCTION_TOTAL = "1,314.50"


def draw_report(path: Path, pages: list[list[tuple[str, str]]], *, chars_per_line: int = 24) -> Path:
    """A report of running text: ("h", heading) lines and ("p", paragraph) blocks wrapped at a
    fixed width, each paragraph's first line indented two characters, as the disclosures print
    them; ("h2", heading) a heading that wraps onto a second line; ("p>", text) a paragraph whose last line is full because it goes on on the next page,
    ("c", text) its rest there, not indented; ("n", "- 3 -") a page number at the bottom."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    size = 12.0
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    for blocks in pages:
        y = height - 60
        pdf.setFont("STSong-Light", size)
        for kind, text in blocks:
            if kind == "n":
                pdf.drawString(width / 2 - 20, 40, text)
                continue
            if kind == "h":
                pdf.drawString(60 + 2 * size, y, text)
                y -= 20
                continue
            if kind == "h2":  # a heading too long for one line: it wraps to the margin, not indented
                cut = chars_per_line - 2
                pdf.drawString(60 + 2 * size, y, text[:cut], charSpace=0)
                pdf.drawString(60, y - 20, text[cut:])
                y -= 40
                continue
            if kind == "c":  # a paragraph continued from the previous page: no indent
                lines, first = [], 0
            else:
                lines, first = [], 2
            # Wrapped to the margin as a word processor justifies it: full lines end at the margin.
            room = chars_per_line * size - first * size
            line = ""
            for char in text:
                if pdfmetrics.stringWidth(line + char, "STSong-Light", size) > room:
                    lines.append(line)
                    line, room = "", chars_per_line * size
                line += char
            lines.append(line)
            for i, line in enumerate(lines):
                indent = first if i == 0 else 0
                x = 60 + indent * size
                if i < len(lines) - 1 or kind == "p>":  # justified: stretch the characters to the margin
                    gap = (60 + chars_per_line * size - x - pdfmetrics.stringWidth(line, "STSong-Light", size))
                    pdf.drawString(x, y, line, charSpace=gap / max(len(line) - 1, 1))
                else:
                    pdf.drawString(x, y, line)
                y -= 20
        pdf.showPage()
    pdf.save()
    return path
