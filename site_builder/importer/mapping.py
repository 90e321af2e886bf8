"""Mapping recognised tables onto the content model (a nested dict with the YAML's keys).

One function per layout (``recognisers.yaml`` says which a table has): the 预算 layouts in
budget_layouts.py, the 决算 ones in final_layouts.py; the draft and what they share in
placing.py. What a label or a column means is the recogniser's data. Whatever cannot be
placed is noted, never dropped.
"""

from __future__ import annotations

import re

from .budget_layouts import map_classification, map_labelled, map_procurement, map_tree, map_wide
from .final_layouts import map_final, map_sides
from .placing import Draft, Unplaced
from .recognise import Recognisers, Table, normal


def map_tables(tables: list[Table], recognisers: Recognisers, draft: Draft) -> None:
    for table in tables:
        if table.heading.unit:
            draft.units.append((table.heading.unit, f"{table.grid.source} {table.grid.page}"))
        if table.heading.department:
            draft.departments.append((table.heading.department, f"{table.grid.source} {table.grid.page}"))
        year = re.match(r"((19|20)[0-9]{2})年", normal(table.title))
        if year:
            draft.years.append((int(year.group(1)), f"{table.grid.source} {table.grid.page}"))
        if table.recogniser is None:
            rows = "\n".join(" | ".join(v for v in row if v) for row in table.grid.text if any(row))
            draft.unplaced.append(Unplaced(table.grid.source, table.grid.page, f"表格“{table.title or '（无标题）'}”（未能识别）",
                                           rows, "收支"))
            continue
        if table.recogniser.get("kind"):
            draft.kinds.append((table.recogniser["kind"], f"{table.grid.source} {table.grid.page}"))
        draft.tables.append(table.recogniser["name"])
        LAYOUTS[table.recogniser["layout"]](table, recognisers, draft)


LAYOUTS = {
    "labelled": map_labelled,
    "tree": map_tree,
    "wide": map_wide,
    "classification": map_classification,
    "procurement": map_procurement,
    "final": map_final,
    "sides": map_sides,
}
