"""The classification tables of a document, and which tables of two years correspond.

A 预算 prints its classification tables as they are; a 决算's are read from its
一般公共预算财政拨款 tables (``tables_of``), so that a 决算 compares with a 决算, and with its
year's 预算, in one engine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...content import final as fin
from ...content.model import ClassTable, DepartmentYear, FinalAccounts, Totals
from .derived import Derived
from .matching import name_key


def table_name(table: ClassTable) -> str:
    """A table's title without a trailing note such as （功能科目） or a leading year, as printed: its key.

    2024年部门收入预算总表 is the same table as 2025年部门收入预算总表.
    """
    title = re.sub(r"[（(][^（）()]*[）)]\s*$", "", table.title).strip()
    return re.sub(r"^\d{4}\s*年度?", "", title)


def table_ident(table: ClassTable) -> tuple[str, str, str]:
    """What matches a table across years: classification, scope and ``table_name``, after ``name_key``."""
    return table.classification, name_key(table.scope or ""), name_key(table_name(table))


def table_keys(old: Sequence[ClassTable], new: Sequence[ClassTable]) -> tuple[list[str], list[str]]:
    """Keys for the tables of both years, equal for the tables that correspond.

    Tables are matched by classification, scope and title (without a trailing note such as
    （功能科目）), then by classification and scope alone when that is unambiguous.
    """
    old_ids = [table_ident(t) for t in old]
    new_ids = [table_ident(t) for t in new]
    new_names = [table_name(t) for t in new]
    new_keys = [_unique(name, i, new_names) for i, name in enumerate(new_names)]
    old_keys: list[str | None] = [None] * len(old)
    taken: set[int] = set()
    for i, ident in enumerate(old_ids):
        for j, other in enumerate(new_ids):
            if j not in taken and other == ident:
                old_keys[i] = new_keys[j]
                taken.add(j)
                break
    for i, ident in enumerate(old_ids):
        if old_keys[i] is not None:
            continue
        same_scope = [j for j, other in enumerate(new_ids) if other[:2] == ident[:2]]
        old_same = [k for k, other in enumerate(old_ids) if other[:2] == ident[:2]]
        if len(same_scope) == 1 and len(old_same) == 1 and same_scope[0] not in taken:
            old_keys[i] = new_keys[same_scope[0]]
            taken.add(same_scope[0])
    old_names = [table_name(t) for t in old]
    final_old = []
    for i, key in enumerate(old_keys):
        if key is None:  # a table of the older year only; never share a key with a newer table
            key = _unique(old_names[i], i, old_names)
            while key in new_keys:
                key += "（旧）"
        final_old.append(key)
    return final_old, new_keys


def _unique(name: str, index: int, names: list[str]) -> str:
    """``name``, numbered when an earlier item has the same name."""
    n = names[:index].count(name)
    return name if n == 0 else f"{name}#{n + 1}"


def final_totals(doc: DepartmentYear) -> Totals | None:
    """A 决算's totals as a 预算 states them, read from its tables (``final.derived_totals``) with the
    总表's expenditure by 类: so that a 决算 compares with a 决算, and with its year's 预算, in one engine."""
    f = doc.finance
    if not f.disclosed or f.final is None:
        return None
    derived = fin.derived_totals(f.final)
    overview = f.final.overview
    data: dict[str, object] = {alias: derived[attr] for attr, alias in (
        ("revenue_total", "收入合计"), ("expenditure_total", "支出合计"), ("basic", "基本支出"), ("project", "项目支出"),
        ("carried_in", "上年结转"), ("carried_out", "结转下年")) if derived[attr] is not None}
    if overview.disclosed:
        data["收入"] = [{"名称": x.name, "金额": x.amount} for x in overview.revenue]
        data["支出按功能分类"] = [{"名称": x.name, "金额": x.amount} for x in overview.expenditure]
    return Totals.model_validate(data)


def tables_of(doc: DepartmentYear, derived: Derived | None = None) -> list[ClassTable]:
    """A document's classification tables; for a 决算, its 一般公共预算财政拨款 tables by 功能 and by 经济 class,
    with the scope (一般公共预算) under which a 预算 prints the same tables."""
    f = doc.finance
    if not f.disclosed or f.final is None:
        return list(f.tables)
    if derived is None:
        return _final_tables(f.final)
    return derived.get(doc, "final-tables", lambda: _final_tables(f.final))  # type: ignore[arg-type]


def _final_tables(final: FinalAccounts) -> list[ClassTable]:
    out = []
    general, basic = final.general, final.basic
    if general.disclosed and general.rows:
        out.append(ClassTable.model_validate({
            "名称": fin.GENERAL_TITLE, "分类": "功能分类", "口径": "一般公共预算",
            "合计": general.total.total if general.total else None,
            "行": [{"编码": r.code, "名称": r.name, "金额": r.total} for r in general.rows]}))
    if basic.disclosed and basic.rows:
        both = basic.personnel + basic.public if basic.personnel is not None and basic.public is not None else None
        out.append(ClassTable.model_validate({
            "名称": fin.BASIC_TITLE, "分类": "经济分类", "口径": "一般公共预算", "合计": both,
            "行": [{"编码": r.code, "名称": r.name, "金额": r.amount} for r in basic.rows]}))
    return out
