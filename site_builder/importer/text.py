"""The report's running text: its title, and the texts under the standard headings.

Lines are joined into paragraphs (a paragraph starts indented, numbered, or after a line
that ends short of the margin); numbered short lines are headings. Each heading is looked up
in the ``texts`` of ``recognisers.yaml``, which say where its paragraphs go and in what form.
A heading that is not listed keeps its paragraphs in the import report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .placing import Draft, Unplaced
from .read import Line
from .recognise import Recognisers, normal

CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’《》、，。；：？！（）【】—…·"
SPACE_NEAR_CJK = re.compile(rf"(?<=[{CJK}])\s+|\s+(?=[{CJK}])")
PART = re.compile(r"^第[一二三四五六七八九十]+部分\s*")
LEVEL1 = re.compile(r"^[一二三四五六七八九十]+、\s*")
LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十]+[）)]\s*")
LEVEL3 = re.compile(r"^[0-9]+\s*[.．、]\s*(?![0-9])")
LEVEL4 = re.compile(r"^[（(][0-9]+[）)]\s*")
NUMBERED = (LEVEL1, LEVEL2, LEVEL3, LEVEL4)
YEAR = re.compile(r"(19|20)[0-9]{2}\s*年度?")


@dataclass
class Paragraph:
    text: str
    where: str
    source: str
    heading: int = 0  # 0 for a paragraph; 1 part, 2 一、, 3 （一）, 4 1. when it is a heading line


def tidy(text: str, recognisers: Recognisers) -> str:
    """Layout debris out: spaces beside Chinese characters, and the fonts' stand-in characters."""
    text = SPACE_NEAR_CJK.sub("", text.strip())
    for old, new in recognisers.replace.items():
        text = text.replace(old, new)
    return text


def paragraphs(lines: list[Line], recognisers: Recognisers) -> list[Paragraph]:
    page = recognisers.heading["page"]
    lines = [line for line in lines if line.text.strip() and not page.match(line.text.strip())]
    out: list[Paragraph] = []
    current: list[str] = []
    where = source = ""
    ended = True  # the previous line ended short of the margin

    def flush() -> None:
        nonlocal current
        if current:
            out.append(Paragraph(tidy("".join(current), recognisers), where, source))
        current = []

    def numbered(text: str) -> bool:
        return bool(PART.match(text) or any(p.match(text) for p in NUMBERED))

    def starts_block(line: Line) -> bool:
        return numbered(line.text.strip()) or line.indent >= 1.2 * (line.size or 10.5)

    skip = False
    for i, line in enumerate(lines):
        if skip:
            skip = False
            continue
        text = line.text.strip()
        size = line.size or 10.5
        following = lines[i + 1] if i + 1 < len(lines) else None
        alone = following is None or starts_block(following)
        if numbered(text) and not alone and following is not None and following.short >= 2 * size:
            # A heading wrapped onto a second, short line (…支出预算 / 表情况说明).
            after = lines[i + 2] if i + 2 < len(lines) else None
            joined = text + following.text.strip()
            if (after is None or starts_block(after)) and len(joined) <= 60 and not re.search(r"[。；：:]", joined):
                text, alone, skip = joined, True, True
        if numbered(text) and alone and len(text) <= 60 and not re.search(r"[。；]", text):
            flush()
            level = 1 if PART.match(text) else 2 if LEVEL1.match(text) else 3 if LEVEL2.match(text) else 4
            out.append(Paragraph(tidy(text, recognisers), line.where, line.source, level))
            ended = True
            continue
        if starts_block(line) or ended:
            flush()
            where, source = line.where, line.source
        if current and re.search(r"[A-Za-z0-9]$", current[-1]) and re.match(r"^[A-Za-z0-9]", text):
            current.append(" ")
        current.append(text)
        ended = line.short >= 2 * size
    flush()
    return _skip_contents(out)


def _skip_contents(paras: list[Paragraph]) -> list[Paragraph]:
    """The table of contents (目录) out: up to where its first entry appears again as a heading,
    or, when it never does (a list of the tables that follow), to the end of its page."""
    for i, para in enumerate(paras):
        if normal(para.text) in ("目录",):
            entries = paras[i + 1:]
            if not entries:
                return paras
            first = normal(entries[0].text)
            for j in range(i + 2, len(paras)):
                if normal(paras[j].text) == first:
                    return paras[:i] + paras[j:]
            # A list of tables that are not repeated as headings: the contents end with their page.
            key = (para.source, para.where)
            return paras[:i] + [p for p in paras[i + 1:] if (p.source, p.where) != key]
    return paras


def strip_number(text: str) -> str:
    for pattern in (PART, *NUMBERED):
        match = pattern.match(text)
        if match:
            return text[match.end():].strip()
    return text


def heading_key(text: str) -> str:
    return normal(YEAR.sub("", strip_number(text)))


def map_texts(lines: list[Line], recognisers: Recognisers, draft: Draft) -> dict[str, Any]:
    found: dict[str, Any] = {}
    sources = list(dict.fromkeys(line.source for line in lines))
    for source in sources:  # each document on its own: a heading's reach ends with its file
        _map_document([line for line in lines if line.source == source], recognisers, draft, found)
    _finish(draft)
    _row_notes(draft, recognisers)
    return found


def _texts_in(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [t for v in node.values() for t in _texts_in(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts_in(v)]
    return []


def _row_notes(draft: Draft, recognisers: Recognisers) -> None:
    """A sentence explaining one row (（1）办公费（款）支出167.03万元。用于……) also becomes that
    row's 说明, in every table with a row of that name and amount."""
    pattern = recognisers.changes.get("row_note")
    finance = draft.data.get("收支")
    if not pattern or not isinstance(finance, dict):
        return
    notes: dict[tuple[str, Any], str] = {}
    texts = _texts_in(finance.get("情况说明", [])) + _texts_in((finance.get("机关运行经费") or {}).get("说明", ""))
    for text in texts:
        for paragraph in text.split("\n\n"):
            match = re.match(pattern, paragraph)
            if match:
                key = (normal(match.group("name")), Decimal(match.group("amount").replace(",", "")))
                notes.setdefault(key, match.group("note").strip())
    if not notes:
        return
    rows = [row for table in finance.get("分类表", []) for row in table.get("行", [])]
    rows += (finance.get("机关运行经费") or {}).get("明细", [])
    for row in rows:
        note = notes.get((normal(row.get("名称", "")), row.get("金额")))
        if note and "说明" not in row:
            row["说明"] = note


def _map_document(lines: list[Line], recognisers: Recognisers, draft: Draft, found: dict[str, Any]) -> None:
    if not lines:
        return
    cover: dict[str, Any] = {}
    taken = _cover(cover, lines)
    if taken:
        lines = lines[taken:]
        for key, value in cover.items():
            if key == "titles":
                found.setdefault("titles", {}).update(value)
            else:
                found.setdefault(key, value)
    paras = paragraphs(lines, recognisers)
    specs = recognisers.texts
    spec: dict[str, Any] | None = None
    part_spec: dict[str, Any] | None = None
    heading = ""
    pending_title: str | None = None
    section: dict[str, Any] | None = None  # the 情况说明 item being filled
    orphan: list[Paragraph] = []  # an unknown heading with nothing under it yet: reported on its own

    def report_orphan() -> None:
        if orphan:
            item = orphan.pop()
            draft.unplaced.append(Unplaced(item.source, item.where, "标题（未能识别，其下无正文）", item.text,
                                           _section_of(item.text)))

    for para in paras:
        if para.heading:
            key = heading_key(para.text)
            match = _match(key, specs)
            if para.heading <= 2:
                report_orphan()
            if para.heading == 1:
                part_spec = match
                spec = match
                heading = para.text
                section = None
                continue
            if part_spec is not None and part_spec.get("form") in ("terms", "paragraphs", "titled"):
                if para.heading > 2 or part_spec.get("form") == "terms" or match is None:
                    if part_spec.get("form") == "titled" and para.heading >= 3:
                        pending_title = strip_number(para.text)
                        continue
                    _place(para, part_spec, draft, pending_title)
                    continue
            if para.heading == 2 or match is not None:
                if match is not None or para.heading == 2:
                    spec = match
                    heading = para.text
                    section = None
                    pending_title = None
                    if spec is not None and spec.get("form") == "section":
                        section = {"标题": strip_number(para.text), "内容": []}
                        _list(draft, spec["target"]).append(section)
                    if spec is None:
                        orphan.append(para)
                    continue
            if spec is not None and spec.get("form") == "titled" and para.heading >= 3:
                pending_title = strip_number(para.text)
                continue
            if spec is not None and spec.get("form") in ("section", "text"):
                _place(para, spec, draft, None, section)
                continue
        if spec is None:
            orphan.clear()
            draft.unplaced.append(Unplaced(para.source, para.where, f"正文（“{heading or '开头'}”下）", para.text,
                                           _section_of(heading)))
            continue
        _place(para, spec, draft, pending_title, section)
        pending_title = None
    report_orphan()


def _section_of(heading: str) -> str:
    return "职责" if not heading else "收支"


def _match(key: str, specs: list[dict[str, Any]]) -> dict[str, Any] | None:
    for spec in specs:
        for word in spec["headings"]:
            w = normal(word)
            if spec.get("match") == "contains":
                if w in key:
                    return spec
            elif key == w:
                return spec
    return None


def _node(draft: Draft, target: str) -> tuple[dict[str, Any], str]:
    path, _, key = target.rpartition(".")
    return draft.node(path), key


def _list(draft: Draft, target: str) -> list[Any]:
    node, key = _node(draft, target)
    return node.setdefault(key, [])


def _place(para: Paragraph, spec: dict[str, Any], draft: Draft, title: str | None,
           section: dict[str, Any] | None = None) -> None:
    text = para.text
    for route in spec.get("route") or []:
        if re.search(route["match"], text):
            spec = {**spec, "target": route["target"], "form": route.get("form", spec.get("form"))}
            break
    form = spec.get("form", "text")
    node, key = _node(draft, spec["target"])
    if spec.get("changes"):
        from .changes import extract_changes

        found = extract_changes(text, draft.recognisers) if draft.recognisers else []
        if found:
            _list(draft, spec["changes"]).extend(found)
    if form == "paragraphs":
        node.setdefault(key, []).append(strip_number(text))
    elif form == "text":
        body = strip_number(text) if LEVEL3.match(text) else text
        if (id(node), key) in draft.noted:
            # The table's note was put here first; the report's text goes before it.
            draft.noted.discard((id(node), key))
            node[key] = body + "\n\n" + node[key]
            draft.after_note[(id(node), key)] = body
        elif (id(node), key) in draft.after_note:
            before = draft.after_note[(id(node), key)]
            draft.after_note[(id(node), key)] = before + "\n\n" + body
            node[key] = before + "\n\n" + body + node[key][len(before):]
        else:
            node[key] = node[key] + "\n\n" + body if node.get(key) else body
        for flag, pattern in (spec.get("status") or {}).items():
            if re.search(pattern, text):
                node["状态"] = flag
    elif form == "titled":
        item_text = strip_number(text)
        if title:
            node.setdefault(key, []).append({"标题": title, "内容": item_text})
            return
        match = re.match(r"^(?P<title>[^。；：]{2,30})[。：](?P<rest>.+)$", item_text) if LEVEL3.match(text) or LEVEL2.match(text) else None
        if match:
            node.setdefault(key, []).append({"标题": match.group("title"), "内容": match.group("rest").strip()})
        else:
            node.setdefault(key, []).append({"内容": item_text})
    elif form == "terms":
        item = strip_number(text)
        match = re.match(r"^(?P<term>[^：:。]{1,30})[：:](?P<definition>.+)$", item)
        if match:
            node.setdefault(key, {})[match.group("term").strip()] = match.group("definition").strip()
        else:
            draft.unplaced.append(Unplaced(para.source, para.where, "名词解释中不是“术语：解释”的一段", text, "名词解释"))
    elif form == "section":
        if section is None:
            section = {"标题": "", "内容": []}
            node.setdefault(key, []).append(section)
        section["内容"].append(text)


def _finish(draft: Draft) -> None:
    """Sections collected as lists of paragraphs become one text each."""
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("内容"), list) and all(isinstance(p, str) for p in node["内容"]):
                node["内容"] = "\n\n".join(node["内容"])
                if not node.get("标题"):
                    node.pop("标题", None)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(draft.data)
    for section in ("收支",):
        items = draft.data.get(section, {}).get("情况说明")
        if isinstance(items, list):
            draft.data[section]["情况说明"] = [i for i in items if i.get("内容")]


def _cover(found: dict[str, Any], lines: list[Line]) -> int:
    """The cover: the first page's title, such as 江苏省政协办公厅2018年度部门预算公开, up to the
    table of contents if it shares the page; how many lines it took (0 when there is none)."""
    first = lines[0].where
    taken = 0
    parts: list[str] = []
    for line in lines:
        if line.where != first or normal(line.text) in ("目录",):
            break
        taken += 1
        if not re.match(r"^[-—\s0-9]+$", line.text):
            parts.append(line.text)
    cover = normal("".join(parts))
    match = re.match(r"^(?P<dept>.+?)(?P<year>(19|20)[0-9]{2})年度?(?P<what>部门(?P<kind>预算|决算).*)$", cover)
    if not match or len(cover) > 60:
        return 0
    found["title"] = cover
    found["department"] = match.group("dept")
    found["year"] = int(match.group("year"))
    found["kind"] = match.group("kind")
    found.setdefault("titles", {})[lines[0].source] = cover
    return taken
