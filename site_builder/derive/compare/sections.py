"""Sections and their parts: what was disclosed in one year and not in the other."""

from __future__ import annotations

from ...content.model import SECTIONS, DepartmentYear
from ..comparison import SectionChange, Status, YearInfo
from .derived import Derived
from .matching import merge_order
from .tables import table_keys, tables_of


_STATUS_WORDS = {"已公开": "公开", "无": "公开为“无”", "未公开": "未公开", "未收录": "本站未收录"}


def _section_change(key: str, name: str, old: str, new: str, oi: YearInfo, ni: YearInfo,
                    parent: str | None = None) -> SectionChange:
    if old == new:
        status: Status = "unchanged"
    elif old == "未公开" and new != "未收录":
        status = "added"
    elif new == "未公开" and old != "未收录":
        status = "removed"
    else:
        status = "changed"
    sentence = None
    if status != "unchanged":
        sentence = f"{name}：{oi.year}年{_STATUS_WORDS[old]}，{ni.year}年{_STATUS_WORDS[new]}。"
    return SectionChange(key, name, old, new, status, sentence, parent)


def sections(old: DepartmentYear, new: DepartmentYear, oi: YearInfo, ni: YearInfo,
             derived: Derived) -> tuple[list[SectionChange], list[SectionChange]]:
    """The seven sections' disclosure in both years, and the parts of those both years disclose."""
    found = [_section_change(attr, name, getattr(old, attr).status, getattr(new, attr).status, oi, ni)
             for attr, name, _anchor in SECTIONS]
    parts: list[SectionChange] = []
    for section in found:
        if section.old != "已公开" or section.new != "已公开":
            continue  # the section itself is called out, or neither year has its parts
        for key, name, old_state, new_state in _part_states(section.key, old, new, derived):
            if old_state != new_state:
                parts.append(_section_change(key, name, old_state, new_state, oi, ni, section.name))
    return found, parts


def _part_states(attr: str, old: DepartmentYear, new: DepartmentYear,
                 derived: Derived) -> list[tuple[str, str, str, str]]:
    """(key, name, old state, new state) of the parts of a section both years disclose."""
    def has(value: object) -> str:
        return "已公开" if value not in (None, [], {}, "") else "未公开"

    out: list[tuple[str, str, str, str]] = []
    if attr == "duties":
        for field, name in (("units", "机构设置"), ("organisation", "机构设置说明"), ("tasks", "主要工作任务")):
            out.append((f"职责.{name}", name, has(getattr(old.duties, field)), has(getattr(new.duties, field))))
    elif attr == "finance":
        for field, name in (("appropriation", "财政拨款收支"), ("running_costs", "机关运行经费"),
                            ("capital_budget", "国有资本经营预算"), ("named_projects", "主要项目")):
            out.append((f"收支.{name}", name, has(getattr(old.finance, field)), has(getattr(new.finance, field))))
        old_tables, new_tables = tables_of(old, derived), tables_of(new, derived)
        old_keys, new_keys = table_keys(old_tables, new_tables)
        states: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        for side, tables, keys in ((0, old_tables, old_keys), (1, new_tables, new_keys)):
            for table, key in zip(tables, keys, strict=True):
                states.setdefault(key, ["未公开", "未公开"])[side] = "已公开" if table.rows or table.total else "无"
                names[key] = table.title
        for key in merge_order(old_keys, new_keys):
            out.append((f"收支.分类表.{key}", names[key], states[key][0], states[key][1]))
    elif attr == "three_costs":
        out.append(("三公.数量", "“三公”经费相关数量", has(old.three_costs.counts), has(new.three_costs.counts)))
    elif attr == "performance":
        for field, name in (("overall", "总体绩效目标"), ("goals", "分项绩效目标"), ("measures", "工作保障措施"),
                            ("department_table", "部门整体绩效目标表"), ("projects", "项目绩效目标表")):
            out.append((f"绩效.{name}", name, has(getattr(old.performance, field)),
                        has(getattr(new.performance, field))))
    elif attr == "procurement":
        out.append(("政府采购.明细", "政府采购明细", has(old.procurement.groups), has(new.procurement.groups)))
    elif attr == "assets":
        out.append(("国有资产.明细", "国有资产明细", has(old.assets.rows), has(new.assets.rows)))
    return out
