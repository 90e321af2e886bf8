"""The layouts of the 决算 tables: ``final`` (coded rows with several amount columns) and
``sides`` (the two-sided 总表), read into the draft.
"""

from __future__ import annotations

import re
from typing import Any

from .placing import Draft, Unplaced, amount, place_notes, row_where, section_of, set_fixed, strip_numbering, unplaced_row
from .recognise import Recognisers, Table, is_amount, normal


# ---------------------------------------------------------------------------
# final: code | name | several amount columns, one key each (the 决算 tables by classification)


def map_final(table: Table, recognisers: Recognisers, draft: Draft) -> None:
    """A 决算 table of coded rows: ``行`` with 编码, 名称 and one key per printed column, and its
    合计 row as ``合计`` with the same keys. A code printed in several columns (类 | 款 | 项) is joined;
    a table printed as blocks side by side (编码 | 名称 | 决算数 twice) is read block after block;
    a row without any figure is left out, as the model keeps figures only."""
    spec = table.recogniser
    grid = table.grid
    width = grid.width
    code_words = [normal(w) for w in recognisers.columns["编码"]]
    name_words = [normal(w) for w in recognisers.columns["名称"]]

    def is_code(c: int) -> bool:
        return any(w in table.header_path(c) for w in code_words)

    name_cols = [c for c in range(width) if not is_code(c) and any(w in table.header_path(c).split("/") for w in name_words)]
    if not name_cols:
        name_cols = [max((c for c in range(width) if is_code(c)), default=-1) + 1]
    starts = []
    for name_col in name_cols:
        first = name_col
        while first > 0 and is_code(first - 1) and first - 1 not in starts:
            first -= 1
        starts.append(first)
    blocks = [(starts[k], name_cols[k], starts[k + 1] if k + 1 < len(starts) else width) for k in range(len(starts))]
    totals = {normal(t) for t in spec.get("total") or ["合计", "总计"]}
    scalars = {normal(k): v for k, v in (spec.get("scalars") or {}).items()}
    rows: list[dict[str, Any]] = []
    total: dict[str, Any] | None = None
    for first, name_col, stop in blocks:
        code_cols = [c for c in range(first, stop) if is_code(c)]
        amount_cols: dict[str, int] = {}
        for key, words in spec["columns"].items():
            free = [c for c in range(first, stop) if c != name_col and c not in code_cols and c not in amount_cols.values()]
            for word in words:
                hit = next((c for c in free if normal(word) in table.header_path(c).split("/")), None)
                if hit is None:
                    hit = next((c for c in free if normal(word) in table.header_path(c)), None)
                if hit is not None:
                    amount_cols[key] = hit
                    break
        for r in range(table.header, len(grid.text)):
            cells = grid.text[r] + [""] * (width - len(grid.text[r]))
            if not any(cells[first:stop]):
                continue
            codes = [normal(cells[c]) for c in code_cols if grid.anchor[r][c]]
            name = re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", cells[name_col]) if grid.anchor[r][name_col] else ""
            figures: dict[str, Any] = {}
            bad = False
            for key, c in amount_cols.items():
                text = cells[c]
                if text and not is_amount(text):
                    bad = True
                elif text:
                    figures[key] = amount(text)
            label = next((normal(cells[c]) for c in [*code_cols, name_col] if grid.anchor[r][c] and cells[c]), "")
            if label in scalars:  # a total printed in the code and name cells (人员经费合计)
                if len(figures) == 1:
                    draft.put(spec["target"], scalars[label], next(iter(figures.values())), row_where(table, r))
                continue
            if normal(name) in totals or any(code in totals for code in codes):
                if total is None and not bad:
                    total = figures
                continue
            code = "".join(code for code in codes if code)
            if bad or (code and not re.match(r"^[0-9]+$", code)) or (figures and not name):
                unplaced_row(table, r, draft, section_of(table))
                continue
            if not name or not figures:
                continue  # a printed line without any figure: the model keeps figures only
            row: dict[str, Any] = {"编码": code} if code else {}
            row["名称"] = name
            row.update(figures)
            rows.append(row)
    node = draft.node(spec["target"])
    set_fixed(table, node)
    if total:
        node["合计"] = total
    if rows:
        node["行"] = rows
    elif not total:
        node["状态"] = "无"
    # A "note" of figures alone is a table line the page layout put below the table: not a 说明.
    figures_only = [(text, where) for text, where in table.notes if not re.search(r"[\u4e00-\u9fff]", text)]
    for text, where in figures_only:
        draft.unplaced.append(Unplaced(table.grid.source, where, f"“{table.title}”下的一行数字", text, section_of(table)))
    table.notes = [note for note in table.notes if note not in figures_only]
    place_notes(table, draft, node)


# ---------------------------------------------------------------------------
# sides: 收入 | 支出 side by side, each a 项目 column and its figures (the two 决算 总表)


def map_sides(table: Table, recognisers: Recognisers, draft: Draft) -> None:
    """A two-sided total table: each side's lines (名称 and its figure, or one key per column where
    the side prints several) go to the side's list; its totals (本年收入合计, 总计 …) to scalars; the
    lines under a scalar listed in ``details`` (年初结转和结余 by kind) to that scalar's list."""
    spec = table.recogniser
    grid = table.grid
    width = grid.width
    labels_row = next((r for r in range(min(len(grid.text), 6)) if "项目" in [normal(v) for v in grid.text[r]]), None)
    if labels_row is None:
        for r in range(table.header, len(grid.text)):
            unplaced_row(table, r, draft, section_of(table))
        return
    node = draft.node(spec["target"])
    sides: list[tuple[str, int, list[tuple[str, int]]]] = []  # (side, label column, [(key, column)])
    for c in range(width):
        side = normal(grid.text[0][c]) if grid.text[0][c] else ""
        label = normal(grid.text[labels_row][c])
        if side not in spec["sides"]:
            continue
        if label == "项目":
            sides.append((side, c, []))
        elif sides and sides[-1][0] == side:
            sides[-1][2].append((label, c))
    for side, label_col, columns in sides:
        conf = spec["sides"][side]
        scalars = {normal(k): v for k, v in (conf.get("scalars") or {}).items()}
        details = conf.get("details") or {}
        lines: list[dict[str, Any]] = []
        into = lines
        for r in range(labels_row + 1, len(grid.text)):
            cells = grid.text[r] + [""] * (width - len(grid.text[r]))
            label = cells[label_col]
            figures = {(conf.get("value") or key): amount(cells[c]) for key, c in columns
                       if cells[c] and is_amount(cells[c])}
            if not label:
                if figures:
                    unplaced_row(table, r, draft, section_of(table))
                continue
            name, _ = strip_numbering(label)
            key = next((v for k, v in scalars.items() if normal(name).startswith(k)), None)
            if key is not None:
                value = figures.get(conf.get("value")) if conf.get("value") else (figures or None)
                draft.put(spec["target"], key, value, row_where(table, r))
                into = node.setdefault(details[key], []) if key in details else lines
                continue
            if figures:
                into.append({"名称": name, **figures})
        if lines:
            node[conf["lines"]] = lines
    for key in [k for k, v in node.items() if v == []]:
        del node[key]
    set_fixed(table, node)
    place_notes(table, draft, node)
