"""Recognising tables: which standard table a grid is, by its title and header words.

The recognisers are data (``recognisers.yaml`` in this package, extended by a site's own
file); this module only reads them, normalises titles and joins tables continued over
several pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ImportFailure
from .read import Grid

DEFAULTS = Path(__file__).with_name("recognisers.yaml")
LAYOUTS = ("labelled", "tree", "wide", "classification", "procurement", "final", "sides")
TEXT_FORMS = ("text", "paragraphs", "titled", "terms", "section")


@dataclass
class Recognisers:
    ignore: list[re.Pattern[str]]
    heading: dict[str, re.Pattern[str]]
    columns: dict[str, list[str]]
    tables: list[dict[str, Any]]
    texts: list[dict[str, Any]] = field(default_factory=list)
    replace: dict[str, str] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def clean(self, text: str) -> str:
        """A cell or title without template instructions, spaces and line breaks."""
        for pattern in self.ignore:
            text = pattern.sub("", text)
        return text.strip()


def normal(text: str) -> str:
    """Text for matching: no spaces, no quotation marks, full-width parentheses."""
    text = re.sub(r"\s+", "", text)
    text = text.replace("(", "（").replace(")", "）")
    return re.sub(r"[“”\"「」‘’']", "", text)


def load_recognisers(extra: list[Path] | None = None) -> Recognisers:
    files = [DEFAULTS, *(extra or [])]
    data: dict[str, Any] = {"ignore": [], "heading": {}, "columns": {}, "tables": [], "texts": [], "replace": {},
                            "changes": {}}
    for path in files:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as err:
            raise ImportFailure(f"{path}: cannot read the recognisers file: {err.strerror}") from err
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            raise ImportFailure(f"{path}{line}: the recognisers file is not valid YAML: {getattr(err, 'problem', err)}") from err
        _check_file(path, loaded)
        data["ignore"] += loaded.get("ignore", [])
        data["heading"].update(loaded.get("heading", {}))
        for key, words in loaded.get("columns", {}).items():
            data["columns"][key] = list(words) + [w for w in data["columns"].get(key, []) if w not in words]
        new = loaded.get("tables", [])
        names = {t["name"] for t in new}
        # A site's tables come first (they are tried first) and replace a default of the same name.
        data["tables"] = new + [t for t in data["tables"] if t["name"] not in names]
        data["texts"] = list(loaded.get("texts") or []) + data["texts"]
        data["replace"].update(loaded.get("replace") or {})
        data["changes"].update(loaded.get("changes") or {})
    try:
        ignore = [re.compile(p) for p in data["ignore"]]
        heading = {k: re.compile(v) for k, v in data["heading"].items()}
    except re.error as err:
        raise ImportFailure(f"a recognisers file has an invalid pattern {err.pattern!r}: {err}") from err
    return Recognisers(ignore, heading, data["columns"], data["tables"], data["texts"], data["replace"],
                       data["changes"], files)


def _check_file(path: Path, loaded: Any) -> None:
    if not isinstance(loaded, dict):
        raise ImportFailure(f"{path}: expected a mapping with 'tables' (and optionally ignore, heading, columns)")
    known = {"version", "ignore", "heading", "columns", "tables", "texts", "replace", "changes"}
    unknown = set(loaded) - known
    if unknown:
        raise ImportFailure(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; expected {', '.join(sorted(known))}")
    for i, text in enumerate(loaded.get("texts") or []):
        if not isinstance(text, dict) or not text.get("headings") or not text.get("target"):
            raise ImportFailure(f"{path}: texts[{i}]: every text needs headings (a list) and a target")
        if text.get("form", "text") not in TEXT_FORMS:
            raise ImportFailure(f"{path}: texts[{i}]: form must be one of {', '.join(TEXT_FORMS)}, got {text.get('form')!r}")
    for i, table in enumerate(loaded.get("tables") or []):
        where = f"{path}: tables[{i}]"
        if not isinstance(table, dict) or not table.get("name") or not table.get("titles"):
            raise ImportFailure(f"{where}: every table needs a name and a list of titles")
        if table.get("layout") not in LAYOUTS:
            raise ImportFailure(f"{where} ({table['name']}): layout must be one of {', '.join(LAYOUTS)}, got {table.get('layout')!r}")
        if not table.get("target"):
            raise ImportFailure(f"{where} ({table['name']}): target is missing (where the figures go, e.g. 收支.分类表)")


# ---------------------------------------------------------------------------
# Headings


@dataclass
class Heading:
    title: str = ""  # the printed title as it stands
    number: str = ""  # 公开05表 …
    department: str = ""
    unit: str = ""
    lines: list[str] = field(default_factory=list)  # other lines (notes)


YEAR = re.compile(r"^(?P<year>(19|20)[0-9]{2})\s*年度?")


def title_key(title: str) -> list[str]:
    """The forms of a title to look up: as printed, without the year, without a trailing （…）."""
    base = normal(title)
    forms = [base]
    no_year = YEAR.sub("", base)
    forms.append(no_year)
    for form in list(forms):
        stripped = re.sub(r"（[^（）]*）$", "", form)
        if stripped != form:
            forms.append(stripped)
    return list(dict.fromkeys(f for f in forms if f))


class Matcher:
    def __init__(self, recognisers: Recognisers):
        self.r = recognisers
        self.by_title: dict[str, dict[str, Any]] = {}
        for table in recognisers.tables:
            for title in table["titles"]:
                self.by_title.setdefault(normal(recognisers.clean(title)), table)

    def table_for(self, title: str) -> dict[str, Any] | None:
        for form in title_key(self.r.clean(title)):
            if form in self.by_title:
                return self.by_title[form]
        return None

    def is_title(self, line: str) -> bool:
        return self.table_for(line) is not None

    def classify_line(self, line: str, heading: Heading) -> bool:
        """Put a line above a table into the heading; False when it is none of its parts."""
        text = self.r.clean(line)
        if not text:
            return True
        h = self.r.heading
        found = False
        unit = h["unit"].search(text)
        if unit:
            heading.unit = unit.group("value")
            found = True
        department = h["department"].match(text)
        if department and not text.startswith("单位"):
            heading.department = department.group("value").strip()
            found = True
        elif department and not unit:
            heading.department = department.group("value").strip()
            found = True
        if found:
            return True
        if h["number"].match(normal(text)):
            heading.number = normal(text)
            return True
        if h["page"].match(text):
            return True
        if self.is_title(text):
            heading.title = text
            return True
        return False


def heading_rows(grid: Grid, matcher: Matcher) -> tuple[Heading, int]:
    """The heading of a grid: the lines above it and its leading title rows; and the first other row."""
    heading = Heading()
    loose: list[str] = []
    for line in grid.above:
        for part in re.split(r"\s{2,}", line.strip()):
            if not matcher.classify_line(part, heading):
                loose.append(part)
    first = 0
    for r, row in enumerate(grid.text):
        raw = grid.raw[r] if r < len(grid.raw) else row
        values = [raw[c] if grid.anchor[r][c] else "" for c in range(len(row))]
        texts = [v for v in values if v.strip()]
        if not texts:
            first = r + 1
            continue
        parts: list[str] = []
        for value in texts:
            parts += [p for p in re.split(r"\s{2,}|\n", value) if p.strip()]
        # A title row: every part is a heading part; or a merged row whose first part is the title.
        probe = Heading()
        if all(matcher.classify_line(p, probe) for p in parts):
            for p in parts:
                matcher.classify_line(p, heading)
            first = r + 1
            continue
        if len(texts) == 1 and r == 0 and not heading.title and _spans_all(grid, r):
            heading.title = parts[0]
            for p in parts[1:]:
                matcher.classify_line(p, heading)
            first = r + 1
            continue
        break
    if not heading.title and loose:
        # An unknown table: the first line above it that is not 部门/单位/表号 is its title.
        heading.title = loose[0]
        heading.lines = loose[1:]
    else:
        heading.lines = loose
    return heading, first


def _spans_all(grid: Grid, r: int) -> bool:
    row = grid.text[r]
    return len(set(row)) == 1


# ---------------------------------------------------------------------------
# Recognised tables, with their continuations joined


@dataclass
class Table:
    recogniser: dict[str, Any] | None
    heading: Heading
    grid: Grid
    header: int  # rows 0..header-1 of grid are the header (column titles)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (text, where)

    @property
    def title(self) -> str:
        return self.heading.title

    def header_path(self, c: int) -> str:
        """The header words over column c, top down, joined by /."""
        parts: list[str] = []
        for r in range(self.header):
            text = normal(self.grid.text[r][c]) if c < len(self.grid.text[r]) else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        return "/".join(parts)


def recognise(grids: list[Grid], recognisers: Recognisers) -> list[Table]:
    matcher = Matcher(recognisers)
    tables: list[Table] = []
    for grid in grids:
        _clean_grid(grid, recognisers)
        heading, first = heading_rows(grid, matcher)
        body = Grid(grid.source, grid.where[first:], grid.text[first:], grid.anchor[first:], grid.raw[first:],
                    grid.columns, grid.above, grid.below)
        previous = tables[-1] if tables else None
        bare = not (heading.title or heading.unit or heading.department or heading.number)
        continued = previous is not None and (
            (bare and _aligned(previous.grid, body) is not None)
            or (heading.title and normal(heading.title) == normal(previous.title) and previous.grid.source == body.source
                and previous.grid.where[-1] != body.where[0]))
        if continued:
            _continue(previous, body, recognisers)
            continue
        recogniser = matcher.table_for(heading.title) if heading.title else None
        header = _header_rows(body, recogniser, recognisers)
        table = Table(recogniser, heading, body, header)
        _take_notes(table, recognisers)
        tables.append(table)
    return tables


def _clean_grid(grid: Grid, recognisers: Recognisers) -> None:
    for row in grid.text:
        for c, value in enumerate(row):
            if value:
                row[c] = recognisers.clean(value)


AMOUNT = re.compile(r"^-?[0-9][0-9,]*(\.[0-9]+)?$|^-?\.[0-9]+$")


def is_amount(text: str) -> bool:
    return bool(AMOUNT.match(text.replace(" ", ""))) if text else False


def _header_rows(grid: Grid, recogniser: dict[str, Any] | None, recognisers: Recognisers) -> int:
    """How many rows of the body are the header: the rows before the first with a figure or a code."""
    for r, row in enumerate(grid.text):
        values = [grid.value(r, c) for c in range(len(row))]
        if any(is_amount(v) for v in values):
            return r if r > 0 else 0
        if any(normal(v) in ("合计", "总计", "收入总计") for v in values) and r > 0:
            return r
    return max(len(grid.text) - 1, 0)


def _aligned(grid: Grid, body: Grid) -> list[int] | None:
    """Which column of ``grid`` each column of ``body`` continues; None when they do not line up.

    A PDF's columns line up by position (a continuation page may lack an empty first column or
    have a frame column more); a workbook's by number.
    """
    if not grid.columns or not body.columns:
        return list(range(body.width)) if grid.width == body.width else None
    out: list[int] = []
    for x0, x1 in body.columns:
        middle = (x0 + x1) / 2
        hit = next((c for c, (a, b) in enumerate(grid.columns) if a - 2 <= middle <= b + 2), None)
        if hit is None or (out and hit <= out[-1]):
            return None
        out.append(hit)
    return out if len(out) >= max(2, (grid.width + 1) // 2) else None


def _spread(rows: list[list], mapping: list[int], width: int, empty) -> list[list]:
    out = []
    for row in rows:
        new = [empty] * width
        for c, value in enumerate(row):
            new[mapping[c]] = value
        out.append(new)
    return out


def _continue(previous: Table, body: Grid, recognisers: Recognisers) -> None:
    """Append a continuation page: drop a repeated header, join a row split over the page break."""
    mapping = _aligned(previous.grid, body) or list(range(body.width))
    width = previous.grid.width
    if mapping != list(range(width)):
        body.text = _spread(body.text, mapping, width, "")
        body.raw = _spread(body.raw, mapping, width, "")
        body.anchor = _spread(body.anchor, mapping, width, False)
    start = 0
    header = [previous.grid.text[r] for r in range(previous.header)]
    while start < len(body.text) and body.text[start] in header:
        start += 1
    rows = list(range(start, len(body.text)))
    grid = previous.grid
    if rows and grid.text:
        last, first = grid.text[-1], body.text[rows[0]]
        if len(last) == len(first) and _split_row(last, first):
            for c, value in enumerate(first):
                if value and not last[c]:
                    last[c] = value
                    grid.anchor[-1][c] = True
            rows = rows[1:]
    for r in rows:
        grid.text.append(body.text[r])
        grid.anchor.append(body.anchor[r])
        grid.where.append(body.where[r])
    grid.below = body.below
    _take_notes(previous, recognisers)


def _split_row(last: list[str], first: list[str]) -> bool:
    """A row broken by the page: the halves fill different cells, the figure only on the second."""
    if any(a and b for a, b in zip(last, first)):
        return False
    if not any(first) or not any(last):
        return False
    return not last[-1] and is_amount(first[-1])


def _take_notes(table: Table, recognisers: Recognisers) -> None:
    """Rows and lines below the table that are notes (注：…) or page numbers leave the rows."""
    note = recognisers.heading["note"]
    page = recognisers.heading["page"]
    grid = table.grid
    keep = []
    for r, row in enumerate(grid.text):
        texts = list(dict.fromkeys(v for v in row if v))
        if len(texts) == 1 and note.match(texts[0]):
            table.notes.append((texts[0], grid.where[r]))
            continue
        if len(texts) == 1 and page.match(texts[0]):
            continue
        keep.append(r)
    grid.text = [grid.text[r] for r in keep]
    grid.anchor = [grid.anchor[r] for r in keep]
    grid.where = [grid.where[r] for r in keep]
    for line in grid.below:
        line = recognisers.clean(line)
        if not line or page.match(line):
            continue
        table.notes.append((line, grid.where[-1] if grid.where else ""))
    grid.below = []
