"""Open data: every figure of a department-year as JSON and as CSV tables.

JSON is the validated model itself (Chinese keys, amounts as exact decimal strings, the
unit in 元数据.金额单位), so a download loads back into the same model and validates
against the published JSON Schema. CSV is UTF-8 with a BOM and CRLF line ends, which is
what Excel needs to open Chinese text correctly.
"""

from __future__ import annotations

import csv
import io
import re
import types
import typing
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from . import types as value_types
from .model import Change, DepartmentYear
from .problems import format_key

FIGURE_COLUMNS = ("地区", "部门", "年度", "类型", "栏目", "表", "项目", "编码", "指标", "数值", "单位", "变化", "公开情况",
                  "路径")
"""One row per number. 表 is the table or part it sits in (机关运行经费, 比上年, a table's title),
项目 the item it is about (a row's name, a change's subject, a field such as 收入合计), 指标 what
of the item it measures (金额, 本年, 增减额, 数量 …). A stated change's 增减额 and 增减率 are signed
(negative is a decrease) and 变化 says its direction as the document does. A section without
figures has one row, its 指标 公开情况, saying 无, 未公开 or 未收录."""
COUNT_UNITS = {"编制数": "人", "实有人数": "人", "出国团组": "个", "出国人次": "人次", "购置车辆": "辆",
               "车辆保有量": "辆", "接待批次": "批次", "接待人次": "人次", "实行绩效目标管理项目数": "个"}
"""The unit of each count (a whole number the model holds as such)."""
_MEASURES = {"amount": "金额", "percent": "百分比", "quantity": "数量", "count": "数量"}
_NEGATIVE = frozenset({"减少", "取消"})
_SIGNED = frozenset({"增减额", "增减率"})
_STATES = {"无": "无", "未公开": "未公开", "未收录": "未收录"}
INDICATOR_COLUMNS = ("地区", "部门", "年度", "类型", "所属", "项目编码", "一级指标", "二级指标", "三级指标",
                     "指标描述", "指标值", "性质", "符号", "数值", "单位", "指标值确定依据", "评分标准")


def model_json(doc: DepartmentYear) -> str:
    """The department-year as JSON: the validated model, deterministic, UTF-8 text.

    pydantic's own serialiser writes what ``json.dumps(doc.model_dump(mode="json", by_alias=True,
    exclude_none=True), ensure_ascii=False, indent=1)`` writes, byte for byte, several times faster.
    """
    return doc.model_dump_json(by_alias=True, exclude_none=True, indent=1) + "\n"


def csv_text(columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> str:
    """CSV with a BOM and CRLF line ends; Decimals as plain digits; a column a row lacks is empty."""
    columns = list(columns)
    out = io.StringIO()
    out.write("\ufeff")
    write_rows(out, [columns])
    write_rows(out, _cells(columns, rows))
    return out.getvalue()


def write_rows(out: io.StringIO, rows: Iterable[Sequence[Any]]) -> None:
    """Write CSV rows (CRLF line ends), every cell through ``csv_cell``: the one place CSV is written."""
    csv.writer(out, lineterminator="\r\n").writerows([csv_cell(v) for v in row] for row in rows)


# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\Z")


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: a Decimal as plain digits; text that a spreadsheet would run as a
    formula behind an apostrophe (shown as nothing, read as "text"), unless it is a plain number
    such as -191.00, which stays a number a spreadsheet sums. None is an empty cell to ``csv``."""
    if isinstance(value, str):
        if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value):
            return "'" + value
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _cells(columns: list[str], rows: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    """Each row's values in column order; the csv writer prints None as an empty cell."""
    known = set(columns)
    for row in rows:
        if not known.issuperset(row):
            raise ValueError(f"row has keys that are not columns: {sorted(set(row) - known)}")
        yield list(map(row.get, columns))


def _identity(doc: DepartmentYear) -> dict[str, Any]:
    meta = doc.meta
    return {"地区": " ".join(meta.region.names), "部门": meta.department, "年度": meta.year, "类型": meta.kind}


# ---------------------------------------------------------------------------
# Every number of a document, by walking the model


def _kind_of(annotation: Any) -> str | None:
    """'amount', 'percent' or 'quantity' for a field annotated with those types, else None."""
    if typing.get_origin(annotation) is typing.Annotated:
        for meta in annotation.__metadata__:
            func = getattr(meta, "func", None)
            if func is value_types._amount:
                return "amount"
            if func is value_types._percent:
                return "percent"
        if typing.get_args(annotation)[0] is Decimal:
            return "quantity"
        if typing.get_args(annotation)[0] is int:
            return "count"
    for arg in typing.get_args(annotation):
        kind = _kind_of(arg)
        if kind is not None:
            return kind
    return None


def _may_nest(annotation: Any) -> bool:
    """Whether a field so annotated may hold a model or a list (False for text, dates, numbers…)."""
    origin = typing.get_origin(annotation)
    if origin is None:
        return not isinstance(annotation, type) or issubclass(annotation, (BaseModel, list))
    if origin is typing.Annotated:
        return _may_nest(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_may_nest(arg) for arg in typing.get_args(annotation))
    return origin is list or origin is not dict and origin is not typing.Literal


def _annotation(info: Any) -> Any:
    """A field's annotation as written: pydantic keeps a required field's ``Annotated`` metadata
    (the validator that makes a Decimal an amount) apart from its type."""
    return typing.Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation


_FIELDS: dict[type, tuple[tuple[str, str, str | None], ...]] = {}


def _fields(model: type[BaseModel]) -> tuple[tuple[str, str, str | None], ...]:
    """(attribute, key, kind) of the fields of ``model`` that may hold a number or a model,
    worked out once per class."""
    found = _FIELDS.get(model)
    if found is None:
        found = _FIELDS[model] = tuple((name, info.alias or name, kind)
                                       for name, info in model.model_fields.items()
                                       for kind in (_kind_of(_annotation(info)),)
                                       if kind is not None or _may_nest(info.annotation))
    return found


_LABEL_FIELDS: dict[type, tuple[str, ...]] = {}


def _label(obj: BaseModel) -> str | None:
    """How a row-like object names itself (a row's name, a project's name, a table's title…)."""
    cls = type(obj)
    fields = _LABEL_FIELDS.get(cls)
    if fields is None:  # looked up once per class: getattr() of a missing name is slow on a model
        fields = _LABEL_FIELDS[cls] = tuple(a for a in ("name", "title", "subject", "project", "economic")
                                            if a in cls.model_fields)
    for attr in fields:
        value = getattr(obj, attr)
        if isinstance(value, str):
            return value
    return None


def _code(obj: BaseModel) -> str:
    return (obj.code or "") if "code" in type(obj).model_fields else ""  # type: ignore[attr-defined]


def walk_figures(doc: DepartmentYear) -> Iterator[dict[str, Any]]:
    """One row per number in ``doc``: amounts in the file's unit, percentages, quantities, counts;
    and one row per section that has no figures, saying why (无, 未公开, 未收录)."""
    ident = _identity(doc)
    unit = doc.meta.unit
    rows: list[dict[str, Any]] = []
    for section_attr in ("finance", "three_costs", "performance", "procurement", "assets"):
        section = getattr(doc, section_attr)
        alias = DepartmentYear.model_fields[section_attr].alias or section_attr
        if section.disclosed:
            _walk(section, (alias,), (), ident, alias, unit, rows)
        else:
            rows.append({**ident, "栏目": alias, "表": "", "项目": "", "编码": "", "指标": "公开情况", "数值": None,
                         "单位": "", "变化": None, "公开情况": _STATES[section.status],
                         "路径": _path_text((alias, "状态"))})
    return iter(rows)


def _unit(kind: str, key: str, obj: BaseModel, unit: str) -> str:
    if kind == "amount":
        return unit
    if kind == "percent":
        return "%"
    if kind == "count":
        return COUNT_UNITS.get(key, "")
    return getattr(obj, "measure", None) or ""  # a quantity: its row's 计量单位


def _walk(obj: BaseModel, path: tuple[Any, ...], context: tuple[str, ...], ident: dict[str, Any], section: str,
          unit: str, rows: list[dict[str, Any]]) -> None:
    """Append to ``rows`` the numbers of ``obj`` and of the models in its fields, in field order.

    ``context`` is the chain of tables and parts above ``obj`` (its 表). An item of a list that
    names itself (a row, a project, a change) is the 项目 of its numbers, each field's key their
    指标; the numbers of an unnamed part (收支's totals, 三公's items) are items by their key.
    """
    label = _label(obj)
    item = label if label and isinstance(path[-1], int) else None  # an item of a list names itself
    inner = context + (item,) if item else context
    direction = None
    if isinstance(obj, Change):
        direction = obj.direction
        if obj.unit is not None:
            unit = obj.unit  # a change stated in its own unit (文字以万元说明)
    code = None
    where = " › ".join(context)
    for name, key, kind in _fields(type(obj)):
        value = getattr(obj, name)
        if value is None:
            continue
        if kind is not None and (isinstance(value, Decimal) or kind == "count" and isinstance(value, int)):
            if code is None:
                code = _code(obj)
            number = -value if direction in _NEGATIVE and key in _SIGNED else value
            rows.append({
                **ident, "栏目": section, "表": where, "项目": item or key, "编码": code,
                "指标": key if item else _MEASURES[kind], "数值": number, "单位": _unit(kind, key, obj, unit),
                "变化": direction, "公开情况": "已公开", "路径": _path_text(path + (key,)),
            })
        elif kind == "amount" and isinstance(value, dict):  # a row's other columns (分栏): one figure each
            if code is None:
                code = _code(obj)
            for column, amount in value.items():
                rows.append({
                    **ident, "栏目": section, "表": where, "项目": item or key, "编码": code, "指标": f"{key}.{column}",
                    "数值": amount, "单位": unit, "变化": direction, "公开情况": "已公开",
                    "路径": _path_text(path + (key, column)),
                })
        elif isinstance(value, BaseModel):
            _walk_value(value, path + (key,), inner + (key,), ident, section, unit, rows)
        elif isinstance(value, list):  # its items name themselves; 比上年 says what they are
            _walk_value(value, path + (key,), inner + (key,) if key == "比上年" else inner, ident, section, unit,
                        rows)


def _walk_value(value: Any, path: tuple[Any, ...], context: tuple[str, ...], ident: dict[str, Any], section: str,
                unit: str, rows: list[dict[str, Any]]) -> None:
    if isinstance(value, value_types.Target):
        return  # targets are in the indicator table, with their operator and unit
    if isinstance(value, BaseModel):
        _walk(value, path, context, ident, section, unit, rows)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (BaseModel, list)):  # not text: a list of goals has no numbers
                _walk_value(item, path + (i,), context, ident, section, unit, rows)


def _path_text(path: tuple[Any, ...]) -> str:
    return format_key(path)


def indicator_rows(doc: DepartmentYear) -> Iterator[dict[str, Any]]:
    """One row per performance indicator, department-wide and per project."""
    ident = _identity(doc)
    performance = doc.performance
    if not performance.disclosed:
        return
    owners: list[tuple[str, str, Any]] = []
    if performance.department_table is not None:
        owners.append(("部门整体", "", performance.department_table.indicators))
    for project in performance.projects:
        owners.append((project.name, project.code or "", project.indicators))
    for owner, code, indicators in owners:
        for ind in indicators:
            t = ind.target
            yield {
                **ident, "所属": owner, "项目编码": code, "一级指标": ind.level1, "二级指标": ind.level2,
                "三级指标": ind.level3, "指标描述": ind.description, "指标值": str(t) if t else None,
                "性质": t.kind if t else None, "符号": t.op if t else None, "数值": t.value if t else None,
                "单位": t.unit if t else None, "指标值确定依据": ind.basis, "评分标准": ind.scoring,
            }


def figures_csv(docs: Iterable[DepartmentYear]) -> str:
    return csv_text(FIGURE_COLUMNS, (row for doc in docs for row in walk_figures(doc)))


def indicators_csv(docs: Iterable[DepartmentYear]) -> str:
    return csv_text(INDICATOR_COLUMNS, (row for doc in docs for row in indicator_rows(doc)))
