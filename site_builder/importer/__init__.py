"""``site-builder import``: published disclosures (PDF or Excel) in, a checked content draft out.

    read (read.py) → recognise tables (recognise.py, recognisers.yaml) → map them onto the
    model (mapping.py: the 预算 layouts in budget_layouts.py, the 决算 ones in final_layouts.py,
    into a draft of placing.py) and the report's texts (text.py) → write the draft (draft.py) →
    validate it with the project's own ``validate``.

Nothing is dropped silently: what could not be placed is listed in the import report with
its page and kept in the draft as a comment.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ImportFailure
from .mapping import map_tables
from .placing import Draft, Unplaced
from .read import Document, read_document
from .recognise import load_recognisers, recognise

__all__ = ["ImportFailure", "ImportResult", "import_documents", "parse_region"]

SCHEMA_LINE = "# yaml-language-server: $schema={path}"


@dataclass
class ImportResult:
    out: Path
    draft: Draft
    tables: list[str]
    unplaced: list[Unplaced]
    conflicts: list[str]
    seconds: float
    documents: int
    notes: list[str] = field(default_factory=list)


def parse_region(text: str) -> dict[str, str]:
    parts = [p.strip() for p in re.split(r"[/／]", text) if p.strip()]
    if not 1 <= len(parts) <= 3:
        raise ImportFailure(f"--region {text!r}: expected 省, 省/市 or 省/市/县, e.g. --region 江苏省 or --region 河北省/秦皇岛市/山海关区")
    return dict(zip(("省", "市", "县"), parts))


def import_documents(files: list[Path], out: Path, *, region: str | None = None, department: str | None = None,
                     year: int | None = None, unit: str | None = None, kind: str | None = None,
                     recognisers: list[Path] | None = None, project_root: Path | None = None,
                     force: bool = False) -> ImportResult:
    """Read ``files`` (one disclosure), write the draft to ``out`` and return what was done.

    An existing ``out`` (perhaps a checked file) is replaced only with ``force``."""
    started = time.perf_counter()
    if out.exists() and not force:
        raise ImportFailure(f"{out} exists already; a draft does not replace a file: pass --force to replace it, "
                            "or write the draft elsewhere and compare")
    if not files:
        raise ImportFailure("no file to import: give one PDF or .xlsx file, or the report and the tables as two files")
    for path in files:
        if not path.is_file():
            raise ImportFailure(f"{path}: no such file")
    extra = list(recognisers or [])
    if project_root is not None and (project_root / "import-recognisers.yaml").is_file():
        extra.insert(0, project_root / "import-recognisers.yaml")
    rec = load_recognisers(extra)
    documents = [read_document(path) for path in files]
    draft = Draft(recognisers=rec)
    for document in documents:
        map_tables(recognise(document.grids, rec), rec, draft)
    from .text import map_texts

    texts = map_texts([line for d in documents for line in d.lines], rec, draft)
    meta = _meta(documents, draft, texts, out, region=region, department=department, year=year, unit=unit, kind=kind)
    _change_units(draft.data, meta["金额单位"])
    report_read = any(d.lines for d in documents)
    data = _assemble(meta, draft, report_read)
    if not report_read:
        meta["收录范围"] = f"{'、'.join(p.name for p in files)}中的公开表；说明文字（部门概况、情况说明、名词解释）所在的文件未导入"
    from .draft import dump

    comments = _comments(draft)
    head = [SCHEMA_LINE.format(path=_schema_path(out, project_root)),
            f"# 草稿：由 site-builder import 从 {'、'.join(p.name for p in files)} 生成；请逐项核对原文后删去本行。"]
    if draft.unplaced:
        head.append(f"# 有 {len(draft.unplaced)} 处内容未能归入，见各部分下以“未能归入”开头的注释。")
    text = dump(data, comments, head)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return ImportResult(out, draft, draft.tables, draft.unplaced, draft.conflicts,
                        time.perf_counter() - started, len(documents))


def _change_units(node: Any, unit: str) -> None:
    """A change stated in another unit than the file's keeps its figures as stated, with its unit."""
    if isinstance(node, dict):
        stated = node.pop("_unit", None)
        if stated is not None and stated != unit:
            node["金额单位"] = stated
        for value in node.values():
            _change_units(value, unit)
    elif isinstance(node, list):
        for value in node:
            _change_units(value, unit)


def _schema_path(out: Path, project_root: Path | None) -> str:
    """The schema's path relative to the draft, as the files in content/ give it."""
    import os

    root = (project_root or Path.cwd()).resolve()
    schema = root / "schema" / "content.schema.json"
    try:
        return os.path.relpath(schema, out.resolve().parent).replace(os.sep, "/")
    except ValueError:
        return schema.as_posix()


def _one(values: list[tuple[Any, str]], what: str, option: str, draft: Draft) -> Any:
    if not values:
        return None
    first = values[0][0]
    for value, where in values[1:]:
        if value != first:
            draft.conflicts.append(f"{what}: {first} ({values[0][1]}) and {value} ({where}); {option} decides")
            break
    return first


def _meta(documents: list[Document], draft: Draft, texts: dict[str, Any], out: Path, *, region: str | None,
          department: str | None, year: int | None, unit: str | None, kind: str | None) -> dict[str, Any]:
    names = [p.path.name for p in documents]
    title = texts.get("title")
    dept = department or texts.get("department") or _one(draft.departments, "部门", "--department", draft)
    the_year = year or texts.get("year") or _one(draft.years, "年度", "--year", draft)
    the_unit = unit or _one(draft.units, "金额单位", "--unit", draft)
    the_kind = kind or texts.get("kind") or _one(draft.kinds, "类型", "--kind", draft)
    missing = []
    if not dept:
        missing.append("the department (no 部门：… line or title found): pass --department 名称")
    if not the_year:
        missing.append("the year (no 20xx年 in a title found): pass --year 2020")
    if not the_unit:
        missing.append("the unit (no 单位：元 or 单位：万元 line found): pass --unit 元 or --unit 万元")
    if not the_kind:
        missing.append("预算 or 决算 (no standard table or title says which): pass --kind 预算 or --kind 决算")
    the_region = parse_region(region) if region else _region_from_siblings(out)
    if the_region is None:
        missing.append(f"the region (no other content file in {out.parent} to take it from): pass --region 省[/市[/县]]")
    if missing:
        raise ImportFailure(f"{', '.join(names)}: cannot tell " + "; ".join(missing))
    meta: dict[str, Any] = {"地区": the_region, "部门": dept, "年度": int(the_year), "类型": the_kind, "金额单位": the_unit}
    if title:
        meta["标题"] = title
    sources = []
    for document in documents:
        source_title = texts.get("titles", {}).get(document.path.name)
        if not source_title:
            source_title = (f"{dept}{the_year}年度部门{the_kind}公开表" if document.grids and not document.lines
                            else title or f"{dept}{the_year}年度部门{the_kind}")
        kind_of = "PDF" if document.path.suffix.lower() == ".pdf" else "Excel 工作簿"
        pages = f"，{document.pages}页" if kind_of == "PDF" else f"，{document.pages}个工作表"
        sources.append({"标题": source_title, "发布者": dept,
                        "说明": f"由 site-builder import 从 {document.path.name}（{kind_of}{pages}）导入的草稿。"})
    meta["来源"] = sources
    return meta


def _region_from_siblings(out: Path) -> dict[str, str] | None:
    """The region of the other content files beside OUT (other years), or of other departments of its region."""
    from ..content.yamlload import decode, parse_yaml

    folder = out.parent
    candidates = sorted(p for p in folder.glob("*.yaml") if p.resolve() != out.resolve())
    if folder.parent.is_dir():
        candidates += sorted(p for p in folder.parent.glob("*/*.yaml") if p.parent != folder)
    for path in candidates:
        try:
            data = parse_yaml(decode(path.read_bytes())).data
        except Exception:  # noqa: BLE001 - a broken sibling is simply not a source of the region
            continue
        region = data.get("元数据", {}).get("地区") if isinstance(data, dict) and isinstance(data.get("元数据"), dict) else None
        if isinstance(region, dict) and isinstance(region.get("省"), str):
            return {k: region[k] for k in ("省", "市", "县") if isinstance(region.get(k), str)}
    return None


SECTIONS = ("职责", "收支", "三公", "绩效", "政府采购", "国有资产", "名词解释")


def _assemble(meta: dict[str, Any], draft: Draft, report_read: bool) -> dict[str, Any]:
    """The draft's data; a section the documents did not fill is 未公开, or 未收录 when no
    report (running text) was among them: it may be in a document that was not imported."""
    data: dict[str, Any] = {"元数据": meta}
    for section in SECTIONS:
        value = draft.data.get(section)
        data[section] = value if value else ("未公开" if report_read else "未收录")
    for key, value in draft.data.items():
        if key not in data:
            data[key] = value
    return data


def _comments(draft: Draft) -> dict[str, list[str]]:
    comments: dict[str, list[str]] = {}
    for item in draft.unplaced:
        section = item.section if item.section in SECTIONS else "名词解释"
        lines = comments.setdefault(section, [])
        lines.append(f"未能归入：{item.what}（{item.source} {item.where}）：")
        for line in item.text.splitlines() or [""]:
            lines.append(f"  {line}")
    for conflict in draft.conflicts:
        comments.setdefault("收支", []).append(f"未能归入：两处数字不一致：{conflict}")
    return comments
