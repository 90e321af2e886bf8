"""Open data: every figure of a department-year as JSON and as CSV tables.

JSON is the validated model itself (Chinese keys, amounts as exact decimal strings, the
unit in 元数据.金额单位), so a download loads back into the same model and validates
against the published JSON Schema. CSV is UTF-8 with a BOM and CRLF line ends, which is
what Excel needs to open Chinese text correctly.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import types
import typing
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ..content import types as value_types
from ..content.model import Change, DepartmentYear
from ..problems import format_key

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
FINAL_COLUMNS = ("地区", "部门", "年度", "类型", "表号", "表", "栏", "编码", "名称", "列", "年初预算数", "全年预算数", "决算数",
                 "完成率（年初预算）", "完成率（全年预算）", "所列完成率", "单位", "原因")
"""The 决算 tables, one row per printed amount, the budget and the actual in columns of their own."""
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


def write_rows(out: io.StringIO, rows: Iterable[Iterable[Any]]) -> None:
    """Write CSV rows (CRLF line ends), every cell through ``csv_cell``: the one place CSV is written.

    Most cells are text that ``csv_cell`` gives back as it is (a ``str`` not starting with one of
    ``_FORMULA_START``), and None: those skip the call, which was most of the cost of writing CSV.
    """
    writerow = csv.writer(out, lineterminator="\r\n").writerow
    for row in rows:
        writerow([v if v is None or (v.__class__ is str and v[:1] not in _FORMULA_FIRST) else csv_cell(v)
                  for v in row])


# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(_FORMULA_START)
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


def _cells(columns: list[str], rows: Iterable[dict[str, Any]]) -> Iterator[Iterable[Any]]:
    """Each row's values in column order (read once, by ``write_rows``); the csv writer prints None as an empty cell."""
    known = set(columns)
    for row in rows:
        if not known.issuperset(row):
            raise ValueError(f"row has keys that are not columns: {sorted(set(row) - known)}")
        yield map(row.get, columns)


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


@functools.cache  # once per class
def _fields(model: type[BaseModel]) -> tuple[tuple[str, str, str | None], ...]:
    """(attribute, key, kind) of the fields of ``model`` that may hold a number or a model."""
    return tuple((name, info.alias or name, kind)
                 for name, info in model.model_fields.items()
                 for kind in (_kind_of(_annotation(info)),)
                 if kind is not None or _may_nest(info.annotation))


@functools.cache  # once per class: getattr() of a missing name is slow on a model
def _label_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    return tuple(a for a in ("name", "title", "subject", "project", "economic") if a in cls.model_fields)


def _label(obj: BaseModel) -> str | None:
    """How a row-like object names itself (a row's name, a project's name, a table's title…)."""
    for attr in _label_fields(type(obj)):
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


# ---------------------------------------------------------------------------
# 决算: the tables with the budget and the actual in columns


def final_rows(doc: DepartmentYear) -> Iterator[dict[str, Any]]:
    """One row per amount of the 决算 tables (and the “三公” table): 决算数 with its 年初预算数 and 全年预算数
    where the document gives them, the rates worked out from them (none for a budget of 0) and the stated rate."""
    from ..content import final as fin
    from ..content import model as m

    final = fin.final_of(doc)
    if final is None:
        return
    ident = {**_identity(doc), "单位": doc.meta.unit}

    def row(number: str | None, table: str, side: str, code: str | None, name: str, column: str,
            actual: Decimal | None, budget: BaseModel | None = None, **extra: Any) -> dict[str, Any]:
        out = {**ident, "表号": number, "表": table, "栏": side, "编码": code, "名称": name, "列": column, "决算数": actual,
               **extra}
        if isinstance(budget, m.Outturn):
            out.update({"年初预算数": budget.initial, "全年预算数": budget.full_year,
                        "完成率（年初预算）": fin.completion(actual, budget.initial),
                        "完成率（全年预算）": fin.completion(actual, budget.full_year),
                        "所列完成率": budget.rate, "原因": budget.reason})
        return out

    for attr, title in m.FINAL_TABLES:
        t = getattr(final, attr)
        if not t.disclosed:
            continue
        if isinstance(t, (m.IncomeExpenditureTable, m.FiscalTotalTable)):
            for side, lines in (("收入", t.revenue), ("支出", t.expenditure)):
                for line in lines:
                    if isinstance(line, m.FinalLine):
                        if line.amount is not None:
                            yield row(t.number, title, side, line.code, line.name, "决算数", line.amount)
                    else:
                        for col_attr, heading in fin.columns(type(line)):
                            if getattr(line, col_attr) is not None:
                                yield row(t.number, title, side, line.code, line.name, heading, getattr(line, col_attr))
            summary = [("收入", "本年收入合计", "revenue_current"), ("收入", "年初结转和结余", "carried_in"),
                       ("收入", "使用非财政拨款结余", "non_fiscal_balance"), ("收入", "总计", "revenue_grand"),
                       ("支出", "本年支出合计", "expenditure_current"), ("支出", "结余分配", "distribution"),
                       ("支出", "年末结转和结余", "carried_out"), ("支出", "总计", "expenditure_grand")]
            for side, name, field in summary:
                value = getattr(t, field, None)
                if isinstance(value, Decimal):
                    yield row(t.number, title, side, None, name, "决算数", value)
                elif isinstance(value, BaseModel):
                    for col_attr, heading in fin.columns(type(value)):
                        if getattr(value, col_attr) is not None:
                            yield row(t.number, title, side, None, name, heading, getattr(value, col_attr))
            for line in getattr(t, "carried_in_lines", []):
                if line.amount is not None:
                    yield row(t.number, title, "收入", line.code, f"年初结转和结余：{line.name}", "决算数", line.amount)
            continue
        if isinstance(t, m.BasicTable):
            for r in t.rows:
                if r.amount is not None:
                    yield row(t.number, title, "行", r.code, r.name, "决算数", r.amount)
            for name, value in (("人员经费合计", t.personnel), ("公用经费合计", t.public)):
                if value is not None:
                    yield row(t.number, title, "合计", None, name, "决算数", value)
            continue
        rows = [("行", r) for r in t.rows] + ([("合计", t.total)] if t.total is not None else [])
        for side, r in rows:
            name = getattr(r, "name", "合计")
            cols = fin.columns(type(r))
            for i, (col_attr, heading) in enumerate(cols):
                value = getattr(r, col_attr)
                first = i == 0  # the budget belongs with the row's total column
                if value is not None or (first and isinstance(r, m.Outturn) and (r.initial is not None or r.full_year is not None)):
                    yield row(t.number, title, side, getattr(r, "code", None), name, heading, value,
                              r if first else None)
    three = doc.three_costs
    if three.disclosed:
        items = (("合计", "total"), ("因公出国（境）费", "abroad"), ("公务用车购置及运行维护费", "vehicles"),
                 ("公务用车购置费", "vehicle_purchase"), ("公务用车运行维护费", "vehicle_running"), ("公务接待费", "reception"))
        subjects = {"合计": "合计", "因公出国（境）费": "因公出国境费"}
        for name, attr in items:
            actual = getattr(three, attr)
            planned = getattr(three.budget, attr) if three.budget is not None else None
            if actual is None and planned is None:
                continue
            stated = next((o for o in three.outturn if o.subject == subjects.get(name, name)), None)
            yield {**ident, "表号": three.number, "表": "财政拨款“三公”经费支出决算表", "栏": "行", "名称": name, "列": "决算数",
                   "年初预算数": planned, "决算数": actual, "完成率（年初预算）": fin.completion(actual, planned),
                   "所列完成率": stated.rate if stated else None, "原因": stated.reason if stated else None}


def final_csv(docs: Iterable[DepartmentYear]) -> str:
    return csv_text(FINAL_COLUMNS, (row for doc in docs for row in final_rows(doc)))
