"""Mapping recognised tables onto the content model (a nested dict with the YAML's keys).

One function per layout (``recognisers.yaml`` says which a table has); what a label or a
column means is the recogniser's data. Whatever cannot be placed is noted, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .recognise import Recognisers, Table, is_amount, normal


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


def _where(table: Table, r: int) -> str:
    return table.grid.where[r] if r < len(table.grid.where) else table.grid.page


def _row_text(table: Table, r: int) -> str:
    return " | ".join(dict.fromkeys(v for v in table.grid.text[r] if v))


def _unplaced_row(table: Table, r: int, draft: Draft, section: str) -> None:
    draft.unplaced.append(Unplaced(table.grid.source, _where(table, r), f"“{table.title}”中的一行", _row_text(table, r), section))


def _section(table: Table) -> str:
    return table.recogniser["target"].split(".")[0]


def _notes(table: Table, draft: Draft, node: dict[str, Any] | None) -> None:
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
        draft.unplaced.append(Unplaced(table.grid.source, where, f"“{table.title}”的表注", text, _section(table)))


def _strip_note(text: str) -> str:
    return re.sub(r"^注\s*[:：]\s*", "", text) if re.match(r"^注\s*[:：]\s*[^0-9１-９]", text) else text


def _set(table: Table, node: dict[str, Any]) -> None:
    for key, value in (table.recogniser.get("set") or {}).items():
        node.setdefault(key, value)
    number = table.heading.number
    key = table.recogniser.get("number_key")
    if key and number:
        node.setdefault(key, number)


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
                draft.put(target, key, value, _where(table, r))
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
            draft.unplaced.append(Unplaced(table.grid.source, _where(table, r), f"“{table.title}”中未能归入的格",
                                           " | ".join(leftovers), _section(table)))
    node = draft.node(target)
    for key, rows in built.items():
        if key in node and node[key]:
            continue
        node[key] = rows
    _notes(table, draft, None)


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
                _unplaced_row(table, r, draft, _section(table))
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
            _unplaced_row(table, r, draft, _section(table))
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
                    draft.conflicts.append(f"{spec['target']}: {target_name} {group['金额']} and 小计 {value} ({_where(table, r)})")
            continue
        names = seen_items.setdefault(target_name, set())
        if normal(item) in names:
            continue
        names.add(normal(item))
        child: dict[str, Any] = {"名称": item}
        if value is not None:
            child["金额"] = value
        group.setdefault("子项", []).append(child)
    _notes(table, draft, None)


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
                    draft.unplaced.append(Unplaced(table.grid.source, _where(table, r),
                                                   f"“{table.title}”的“{path or '无表头'}”栏", text, _section(table)))
                continue
            if text and not is_amount(text):
                draft.unplaced.append(Unplaced(table.grid.source, _where(table, r), f"“{table.title}”的“{path}”栏（不是金额）", text, _section(table)))
                continue
            if n == 0:
                draft.put(target, key, amount(text), _where(table, r))
            elif text:
                _unplaced_row(table, r, draft, _section(table))
                break
    for key in [k for k, v in node.items() if v is None]:
        del node[key]
    _set(table, node)
    _notes(table, draft, node if _section(table) == "三公" else None)


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
                _unplaced_row(table, r, draft, "收支")
            continue
        if figure and not is_amount(figure):
            _unplaced_row(table, r, draft, "收支")
            continue
        if code and not re.match(r"^[0-9A-Za-z]+$", code):
            # A code column holding text: the name spilled over, as in a merged code+name cell.
            match = re.match(r"^([0-9]+)(.*)$", code)
            if match and not name:
                code, name = match.group(1), match.group(2)
            else:
                _unplaced_row(table, r, draft, "收支")
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
        _set(table, node)
        node[spec["rows_key"]] = rows
        _notes(table, draft, node)
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
    _notes(table, draft, entry)
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
            draft.put(target, "合计", value, _where(table, r))
            continue
        if first:
            name, _ = strip_numbering(first)
            found = next((v for k, v in categories.items() if k in normal(name)), None)
            if found is None:
                _unplaced_row(table, r, draft, "政府采购")
                continue
            category = found
            draft.put(target, category, value, _where(table, r))
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
        _unplaced_row(table, r, draft, "政府采购")
    if not groups:
        del node["分组"]
    _set(table, node)
    _notes(table, draft, node)


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
                    draft.put(spec["target"], scalars[label], next(iter(figures.values())), _where(table, r))
                continue
            if normal(name) in totals or any(code in totals for code in codes):
                if total is None and not bad:
                    total = figures
                continue
            code = "".join(code for code in codes if code)
            if bad or (code and not re.match(r"^[0-9]+$", code)) or (figures and not name):
                _unplaced_row(table, r, draft, _section(table))
                continue
            if not name or not figures:
                continue  # a printed line without any figure: the model keeps figures only
            row: dict[str, Any] = {"编码": code} if code else {}
            row["名称"] = name
            row.update(figures)
            rows.append(row)
    node = draft.node(spec["target"])
    _set(table, node)
    if total:
        node["合计"] = total
    if rows:
        node["行"] = rows
    elif not total:
        node["状态"] = "无"
    # A "note" of figures alone is a table line the page layout put below the table: not a 说明.
    figures_only = [(text, where) for text, where in table.notes if not re.search(r"[\u4e00-\u9fff]", text)]
    for text, where in figures_only:
        draft.unplaced.append(Unplaced(table.grid.source, where, f"“{table.title}”下的一行数字", text, _section(table)))
    table.notes = [note for note in table.notes if note not in figures_only]
    _notes(table, draft, node)


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
            _unplaced_row(table, r, draft, _section(table))
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
                    _unplaced_row(table, r, draft, _section(table))
                continue
            name, _ = strip_numbering(label)
            key = next((v for k, v in scalars.items() if normal(name).startswith(k)), None)
            if key is not None:
                value = figures.get(conf.get("value")) if conf.get("value") else (figures or None)
                draft.put(spec["target"], key, value, _where(table, r))
                into = node.setdefault(details[key], []) if key in details else lines
                continue
            if figures:
                into.append({"名称": name, **figures})
        if lines:
            node[conf["lines"]] = lines
    for key in [k for k, v in node.items() if v == []]:
        del node[key]
    _set(table, node)
    _notes(table, draft, node)


LAYOUTS = {
    "labelled": map_labelled,
    "tree": map_tree,
    "wide": map_wide,
    "classification": map_classification,
    "procurement": map_procurement,
    "final": map_final,
    "sides": map_sides,
}
