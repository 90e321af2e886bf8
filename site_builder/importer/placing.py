"""The draft a disclosure's tables are mapped into, and what every layout shares to place a figure.

The draft is a nested dict with the YAML's keys; whatever cannot be placed is noted in it
(``Unplaced``), never dropped. The layouts themselves are in budget_layouts.py and
final_layouts.py; mapping.py picks one per table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .recognise import Table


@dataclass
class Unplaced:
    source: str
    where: str
    what: str  # what it is: a table, a row, a text
    text: str
    section: str = ""  # the section of the draft it is closest to, for the comment


@dataclass
class Draft:
    data: dict[str, Any] = field(default_factory=dict)
    unplaced: list[Unplaced] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    units: list[tuple[str, str]] = field(default_factory=list)  # (unit, where)
    departments: list[tuple[str, str]] = field(default_factory=list)
    years: list[tuple[int, str]] = field(default_factory=list)
    kinds: list[tuple[str, str]] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)  # the recognised tables, in order
    noted: set[tuple[int, str]] = field(default_factory=set)  # 说明 that hold only a table's note so far
    after_note: dict[tuple[int, str], str] = field(default_factory=dict)  # the text put before such a note
    recognisers: Any = None

    def node(self, path: str) -> dict[str, Any]:
        node = self.data
        for key in path.split("."):
            node = node.setdefault(key, {})
        return node

    def put(self, path: str, key: str, value: Any, where: str) -> None:
        """Set a figure; a second, different figure for the same key is a conflict to report.

        None (an empty cell) sets nothing: an empty cell is a missing key."""
        if value is None:
            return
        node = self.node(path)
        if key in node and node[key] != value:
            self.conflicts.append(f"{path}.{key}: {node[key]} and {value} ({where})")
            return
        node[key] = value


def amount(text: str) -> Decimal | None:
    """A printed figure exactly as printed: 1,107.60 → Decimal('1107.60'); blank → None."""
    text = (text or "").replace(",", "").replace("，", "").replace(" ", "")
    if not text or text in ("-", "—", "－"):
        return None
    return Decimal(text)


NUMBERING = re.compile(r"^(?P<n>[一二三四五六七八九十]+、|[0-9]+[.．、]|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+）)\s*")


def strip_numbering(label: str) -> tuple[str, int]:
    """A label without its printed numbering, and its level (1 for 一、, 2 for 1., 0 for none)."""
    match = NUMBERING.match(label)
    if not match:
        return label, 0
    n = match.group("n")
    level = 1 if n.endswith("、") and not n[0].isdigit() else 2
    return label[match.end():].strip(), level


def row_where(table: Table, r: int) -> str:
    return table.grid.where[r] if r < len(table.grid.where) else table.grid.page


def row_text(table: Table, r: int) -> str:
    return " | ".join(dict.fromkeys(v for v in table.grid.text[r] if v))


def unplaced_row(table: Table, r: int, draft: Draft, section: str) -> None:
    draft.unplaced.append(Unplaced(table.grid.source, row_where(table, r), f"“{table.title}”中的一行", row_text(table, r), section))


def section_of(table: Table) -> str:
    return table.recogniser["target"].split(".")[0]


def place_notes(table: Table, draft: Draft, node: dict[str, Any] | None) -> None:
    texts = [text for text, _ in table.notes]
    if not texts:
        return
    if node is not None:
        note = "\n".join(_strip_note(t) for t in texts) if len(texts) > 1 else _strip_note(texts[0])
        if "说明" not in node:
            draft.noted.add((id(node), "说明"))
        node["说明"] = note if "说明" not in node else node["说明"] + "\n\n" + note
        return
    for text, where in table.notes:
        draft.unplaced.append(Unplaced(table.grid.source, where, f"“{table.title}”的表注", text, section_of(table)))


def _strip_note(text: str) -> str:
    return re.sub(r"^注\s*[:：]\s*", "", text) if re.match(r"^注\s*[:：]\s*[^0-9１-９]", text) else text


def set_fixed(table: Table, node: dict[str, Any]) -> None:
    for key, value in (table.recogniser.get("set") or {}).items():
        node.setdefault(key, value)
    number = table.heading.number
    key = table.recogniser.get("number_key")
    if key and number:
        node.setdefault(key, number)
