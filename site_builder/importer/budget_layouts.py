"""The layouts of the 预算 tables: how the rows of each are read into the draft.

One function per layout (``recognisers.yaml`` says which a table has); what a label or a
column means is the recogniser's data.
"""

from __future__ import annotations

import re
from typing import Any

from .placing import NUMBERING, Draft, Unplaced, amount, place_notes, row_where, section_of, set_fixed, strip_numbering, unplaced_row
from .recognise import Recognisers, Table, is_amount, normal


# ---------------------------------------------------------------------------
# labelled: label | amount pairs across the row (收支预算总表, 财政拨款收支预算总表)


def map_labelled(table: Table, recognisers: Recognisers, draft: Draft) -> None:
    spec = table.recogniser
    target = spec["target"]
    scalars = {normal(k): v for k, v in (spec.get("scalars") or {}).items()}
    lists = {normal(k): v for k, v in (spec.get("lists") or {}).items()}
    keep_blank = set(spec.get("keep_blank") or [])
    grid = table.grid
    built: dict[str, list[dict[str, Any]]] = {}
    for r in range(table.header, len(grid.text)):
        anchors = [(c, grid.text[r][c]) for c in range(len(grid.text[r])) if grid.anchor[r][c]]
        i = 0
        leftovers: list[str] = []
        while i < len(anchors):
            c, label = anchors[i]
            if not label or is_amount(label):
                if label:
                    leftovers.append(label)
                i += 1
                continue
            value = None
            if i + 1 < len(anchors) and (is_amount(anchors[i + 1][1]) or not anchors[i + 1][1]):
                value = amount(anchors[i + 1][1])
                i += 2
            else:
                i += 1
            name, level = strip_numbering(label)
            key = scalars.get(normal(name))
            if key is not None:
                draft.put(target, key, value, row_where(table, r))
                continue
            path = table.header_path(c)
            list_key = next((lists[w] for w in lists if w in path.split("/") or w in path), None)
            if list_key is None:
                leftovers.append(label + (f" {value}" if value is not None else ""))
                continue
            rows = built.setdefault(list_key, [])
            row: dict[str, Any] = {"名称": name}
            if value is not None:
                row["金额"] = value
            if value is None and list_key not in keep_blank:
                continue  # a printed function row without an amount: the model lists figures only
            if level == 2 and rows and not NUMBERING.match(name):
                rows[-1].setdefault("子项", []).append(row)
            else:
                rows.append(row)
        if leftovers:
            draft.unplaced.append(Unplaced(table.grid.source, row_where(table, r), f"“{table.title}”中未能归入的格",
                                           " | ".join(leftovers), section_of(table)))
    node = draft.node(target)
    for key, rows in built.items():
        if key in node and node[key]:
            continue
        node[key] = rows
    place_notes(table, draft, None)


# ---------------------------------------------------------------------------
# tree: group | item | amount (收入预算总表): the items go under the rows of 收支预算总表


def _find_row(rows: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    for row in rows:
        if normal(row["名称"]) == normal(name):
            return row
        found = _find_row(row.get("子项", []), name)
        if found is not None:
            return found
    return None


def map_tree(table: Table, recognisers: Recognisers, draft: Draft) -> None:
    spec = table.recogniser
    path, _, key = spec["target"].rpartition(".")
    node = draft.node(path)
    rows = node.setdefault(key, [])
    groups = {normal(k): v for k, v in (spec.get("groups") or {}).items()}
    parents = {normal(k): v for k, v in (spec.get("group_parents") or {}).items()}
    totals = {normal(t) for t in spec.get("total") or []}
    subtotals = {normal(t) for t in spec.get("subtotal") or []}
    skip = {normal(t) for t in spec.get("skip") or []}
    grid = table.grid
    width = grid.width
    seen_items: dict[str, set[str]] = {}
    for r in range(table.header, len(grid.text)):
        cells = grid.text[r] + [""] * (width - len(grid.text[r]))
        figure_col = max((c for c in range(width) if is_amount(cells[c])), default=None)
        value = amount(cells[figure_col]) if figure_col is not None else None
        labels = [cells[c] for c in range(width) if cells[c] and not is_amount(cells[c])]
        labels = list(dict.fromkeys(labels))
        if not labels:
            if value is not None:
                unplaced_row(table, r, draft, section_of(table))
            continue
        if normal(labels[0]) in totals:
            if value is not None and "收入合计" not in node:
                node["收入合计"] = value
            continue
        group_label = labels[0]
        item = labels[-1] if len(labels) > 1 else None
        if item is not None and normal(item) in skip or normal(group_label) in skip:
            continue
        target_name = groups.get(normal(group_label), group_label) if normal(group_label) in groups else None
        if target_name is None and normal(group_label) in groups:
            continue  # a group the model keeps elsewhere (上年结转和结余资金)
        if target_name is None:
            unplaced_row(table, r, draft, section_of(table))
            continue
        group = _find_row(rows, target_name)
        if group is None:
            group = {"名称": target_name}
            parent_name = parents.get(normal(target_name))
            parent = _find_row(rows, parent_name) if parent_name else None
            if parent is None and parent_name:
                parent = {"名称": parent_name}
                rows.append(parent)
            if parent is not None:
                parent.setdefault("子项", []).append(group)
            else:
                rows.append(group)
        if item is None or normal(item) in subtotals:
            if value is not None:
                if group.get("金额") is None:
                    group["金额"] = value
                elif group["金额"] != value:
                    draft.conflicts.append(f"{spec['target']}: {target_name} {group['金额']} and 小计 {value} ({row_where(table, r)})")
            continue
        names = seen_items.setdefault(target_name, set())
        if normal(item) in names:
            continue
        names.add(normal(item))
        child: dict[str, Any] = {"名称": item}
        if value is not None:
            child["金额"] = value
        group.setdefault("子项", []).append(child)
    place_notes(table, draft, None)


# ---------------------------------------------------------------------------
# wide: a header and one row of figures (支出预算总表, 三公)


def map_wide(table: Table, recognisers: Recognisers, draft: Draft) -> None:
    spec = table.recogniser
    target = spec["target"]
    columns = {normal(k): v for k, v in spec["columns"].items()}
    grid = table.grid
    figures = [r for r in range(table.header, len(grid.text)) if any(is_amount(v) for v in grid.text[r])]
    if not figures and table.header < len(grid.text):
        figures = [table.header]
    node = draft.node(target)
    for n, r in enumerate(figures):
        for c in range(len(grid.text[r])):
            if not grid.anchor[r][c]:
                continue
            path = table.header_path(c)
            key = _column_key(path, columns)
            text = grid.text[r][c]
            if key is None:
                if text:
                    draft.unplaced.append(Unplaced(table.grid.source, row_where(table, r),
                                                   f"“{table.title}”的“{path or '无表头'}”栏", text, section_of(table)))
                continue
            if text and not is_amount(text):
                draft.unplaced.append(Unplaced(table.grid.source, row_where(table, r), f"“{table.title}”的“{path}”栏（不是金额）", text, section_of(table)))
                continue
            if n == 0:
                draft.put(target, key, amount(text), row_where(table, r))
            elif text:
                unplaced_row(table, r, draft, section_of(table))
                break
    for key in [k for k, v in node.items() if v is None]:
        del node[key]
    set_fixed(table, node)
    place_notes(table, draft, node if section_of(table) == "三公" else None)


def _column_key(path: str, columns: dict[str, str]) -> str | None:
    if not path:
        return None
    best = None
    for words, key in columns.items():
        if path == words or path.endswith("/" + words):
            if best is None or len(words) > len(best[0]):
                best = (words, key)
    return best[1] if best else None


# ---------------------------------------------------------------------------
# classification: code | name | amount (功能分类, 经济分类, 机关运行经费)


def _find_columns(table: Table, wanted: dict[str, list[str]]) -> dict[str, int]:
    found: dict[str, int] = {}
    width = table.grid.width
    for key, words in wanted.items():
        for word in words:
            hit = next((c for c in range(width) if c not in found.values()
                        and normal(word) in table.header_path(c).split("/")), None)
            if hit is None:
                hit = next((c for c in range(width) if c not in found.values() and normal(word) in table.header_path(c)), None)
            if hit is None:
                # A header whose last characters were printed below its cell (采购组织形|式).
                hit = next((c for c in range(width) if c not in found.values()
                            and any(len(part) >= 4 and normal(word).startswith(part)
                                    for part in table.header_path(c).split("/"))), None)
            if hit is not None:
                found[key] = hit
                break
    return found


def map_classification(table: Table, recognisers: Recognisers, draft: Draft) -> None:
    spec = table.recogniser
    own = spec.get("columns") or {}
    columns = _find_columns(table, {k: list(own.get(k) or recognisers.columns[k]) for k in ("编码", "名称", "金额")})
    grid = table.grid
    width = grid.width
    if "金额" not in columns:
        columns["金额"] = width - 1
    if "名称" not in columns:
        columns["名称"] = 1 if width >= 3 else 0
    if "编码" not in columns and width >= 3:
        columns["编码"] = 0
    rows: list[dict[str, Any]] = []
    total = None
    for r in range(table.header, len(grid.text)):
        cells = grid.text[r] + [""] * (width - len(grid.text[r]))
        code = normal(cells[columns["编码"]]) if "编码" in columns and grid.anchor[r][columns["编码"]] else ""
        name = cells[columns["名称"]] if grid.anchor[r][columns["名称"]] else ""
        figure = cells[columns["金额"]]
        if not any(cells):
            continue
        labels = {normal(cells[columns[k]]) for k in ("编码", "名称") if k in columns}
        if labels & {"合计", "总计"} and not re.match(r"^[0-9]+$", code):
            total = amount(figure) if is_amount(figure) else None
            continue
        if not name and not code:
            if figure:
                unplaced_row(table, r, draft, "收支")
            continue
        if figure and not is_amount(figure):
            unplaced_row(table, r, draft, "收支")
            continue
        if code and not re.match(r"^[0-9A-Za-z]+$", code):
            # A code column holding text: the name spilled over, as in a merged code+name cell.
            match = re.match(r"^([0-9]+)(.*)$", code)
            if match and not name:
                code, name = match.group(1), match.group(2)
            else:
                unplaced_row(table, r, draft, "收支")
                continue
        row: dict[str, Any] = {}
        if code:
            row["编码"] = code
        row["名称"] = name
        value = amount(figure)
        if value is not None:
            row["金额"] = value
        rows.append(row)
    target = spec["target"]
    if spec.get("rows_key"):
        node = draft.node(target)
        if total is not None:
            node["合计"] = total
        set_fixed(table, node)
        node[spec["rows_key"]] = rows
        place_notes(table, draft, node)
        return
    path, _, key = target.rpartition(".")
    parent = draft.node(path)
    entry: dict[str, Any] = {}
    if table.heading.number:
        entry["表号"] = table.heading.number
    entry["名称"] = YEAR_PREFIX.sub("", recognisers.clean(table.title).strip())
    for k, v in (spec.get("set") or {}).items():
        entry[k] = v
    if total is not None:
        entry["合计"] = total
    if rows:
        entry["行"] = rows
    place_notes(table, draft, entry)
    parent.setdefault(key, []).append(entry)


YEAR_PREFIX = re.compile(r"^(19|20)[0-9]{2}\s*年度?\s*")


# ---------------------------------------------------------------------------
# procurement: 品目大类 / 专项 / 经济科目 / 物品 rows


def map_procurement(table: Table, recognisers: Recognisers, draft: Draft) -> None:
    spec = table.recogniser
    target = spec["target"]
    node = draft.node(target)
    columns = _find_columns(table, {k: list(v) for k, v in spec["columns"].items()})
    grid = table.grid
    width = grid.width
    if "金额" not in columns:
        columns["金额"] = width - 1
    carry = set(spec.get("carry") or [])
    categories = {normal(k): v for k, v in (spec.get("categories") or {}).items()}
    groups: list[dict[str, Any]] = node.setdefault("分组", [])
    category = None
    current: dict[str, Any] | None = None
    last: dict[str, str] = {}
    for r in range(table.header, len(grid.text)):
        cells = grid.text[r] + [""] * (width - len(grid.text[r]))

        def get(key: str) -> str:
            c = columns.get(key)
            return cells[c] if c is not None and grid.anchor[r][c] else ""

        figure = get("金额") or cells[columns["金额"]]
        value = amount(figure) if is_amount(figure) else None
        first = get("品目")
        if not any(cells):
            continue
        if first and normal(first) in ("合计", "总计"):
            draft.put(target, "合计", value, row_where(table, r))
            continue
        if first:
            name, _ = strip_numbering(first)
            found = next((v for k, v in categories.items() if k in normal(name)), None)
            if found is None:
                unplaced_row(table, r, draft, "政府采购")
                continue
            category = found
            draft.put(target, category, value, row_where(table, r))
            current = None
            last = {}
            continue
        item = get("名称")
        if item:
            if current is None:
                current = {"品目": category} if category else {}
                groups.append(current)
            entry: dict[str, Any] = {"名称": item}
            if get("组织形式"):
                entry["组织形式"] = get("组织形式")
            if value is not None:
                entry["金额"] = value
            current.setdefault("明细", []).append(entry)
            continue
        project, economic = get("项目"), get("经济科目")
        if project or economic:
            if not project and "项目" in carry and last.get("项目"):
                project = last["项目"]
            current = {}
            if category:
                current["品目"] = category
            if project:
                current["项目"] = project
            if economic:
                current["经济科目"] = economic
            if value is not None:
                current["合计"] = value
            groups.append(current)
            last = {"项目": project}
            continue
        unplaced_row(table, r, draft, "政府采购")
    if not groups:
        del node["分组"]
    set_fixed(table, node)
    place_notes(table, draft, node)
