"""Projects and indicators of two years, matched.

Performance tables are matched by project code, then by name; their indicators by
(一级, 二级, 三级). Each project's budget is a figure too (``figures.pair_figures``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ...content.model import DepartmentYear, Indicator, Project
from ..comparison import FigureChange, IndicatorChange, ProjectChange, Status
from .derived import Derived
from .figures import YearFigure, pair_figures
from .matching import merge_order, name_key, ordered_pairs, unique_key


def _project_pairs(old: Sequence[Project], new: Sequence[Project]) -> list[tuple[int | None, int | None, str | None]]:
    """Projects of both years paired by code, then by name: (old index, new index, matched by)."""
    match: dict[int, int] = {}  # new index → old index
    how: dict[int, str] = {}
    for criterion in ("编码", "名称"):
        for j, p in enumerate(new):
            if j in match:
                continue
            wanted = p.code if criterion == "编码" else name_key(p.name)
            if wanted is None:
                continue
            i = next((i for i, q in enumerate(old) if i not in match.values()
                      and (q.code if criterion == "编码" else name_key(q.name)) == wanted), None)
            if i is not None:
                match[j], how[j] = i, criterion
    return [(i, j, how.get(j) if j is not None else None) for i, j in ordered_pairs(len(old), len(new), match)]


def projects(old: DepartmentYear, new: DepartmentYear, unit: str, states: dict[tuple[str, str], str],
             derived: Derived) -> tuple[list[ProjectChange], list[FigureChange]]:
    """The projects of both years paired, and their budgets as figures."""
    old_projects = old.performance.projects if old.performance.disclosed else []
    new_projects = new.performance.projects if new.performance.disclosed else []
    changes: list[ProjectChange] = []
    figures: list[FigureChange] = []
    seen: set[str] = set()
    for i, j, how in _project_pairs(old_projects, new_projects):
        a = old_projects[i] if i is not None else None
        b = new_projects[j] if j is not None else None
        base = b or a
        assert base is not None
        key = unique_key(f"绩效.项目.{base.code or base.name}", seen)
        fa, fb = (YearFigure("绩效", "项目", p.name, f"项目“{p.name}”", p.code, 0, p.budget)
                  if p is not None and p.budget is not None else None for p in (a, b))
        budget = pair_figures(key, fa, fb, old.meta.unit, new.meta.unit, unit, states) if (fa or fb) else None
        if budget is not None:
            figures.append(budget)
        paired = indicators(a.indicators if a else [], b.indicators if b else [], derived)
        if a is None:
            status: Status = "added"
        elif b is None:
            status = "removed"
        elif (a.name != b.name or a.code != b.code or (budget is not None and budget.status != "unchanged")
              or any(i.status != "unchanged" for i in paired)):
            status = "changed"
        else:
            status = "unchanged"
        changes.append(ProjectChange(key, status, a.code if a else None, b.code if b else None,
                                     a.name if a else None, b.name if b else None,
                                     "编码" if how == "编码" else "名称" if how == "名称" else None, budget,
                                     tuple(paired)))
    return changes, figures


_INDICATOR_FIELDS: tuple[tuple[str, str], ...] = (("target", "指标值"), ("description", "描述"), ("basis", "依据"),
                                                   ("scoring", "评分标准"))
"""The fields of an indicator that a comparison checks; the first, the target, it also prints."""


def _indicator_key(ind: Indicator) -> tuple[str, str, str]:
    return ind.level1, ind.level2 or "", ind.level3 or ""


def _indicator_index(rows: Sequence[Indicator]) -> dict[str, tuple[Indicator, tuple[str | None, ...]]]:
    """One year's indicators by (一级, 二级, 三级), each with the text of its _INDICATOR_FIELDS;
    rows without a 三级 name and target are headings, skipped."""
    out: dict[str, tuple[Indicator, tuple[str | None, ...]]] = {}
    seen: set[str] = set()
    for ind in rows:
        if ind.level3 is None and ind.target is None:
            continue
        key = unique_key("\x1f".join(_indicator_key(ind)), seen)
        out[key] = (ind, tuple(_text_of(getattr(ind, field)) for field, _label in _INDICATOR_FIELDS))
    return out


def _indexed(rows: Sequence[Indicator], derived: Derived) -> dict[str, tuple[Indicator, tuple[str | None, ...]]]:
    return derived.get(rows, "indicators", lambda: _indicator_index(rows)) if rows else {}


def indicators(old: Sequence[Indicator], new: Sequence[Indicator], derived: Derived) -> list[IndicatorChange]:
    """Indicators paired by (一级, 二级, 三级)."""
    a, b = _indexed(old, derived), _indexed(new, derived)
    changes = []
    for key in merge_order(list(a), list(b)):
        x, y = a.get(key), b.get(key)
        base = (y or x)[0]  # type: ignore[index]
        status: Status
        changed: tuple[str, ...] = ()
        if x is None:
            status = "added"
        elif y is None:
            status = "removed"
        else:
            changed = tuple(label for (_field, label), old_text, new_text in zip(_INDICATOR_FIELDS, x[1], y[1])
                            if old_text != new_text)
            status = "changed" if changed else "unchanged"
        changes.append(IndicatorChange(base.level1, base.level2, base.level3, status,
                                       x[1][0] if x else None, y[1][0] if y else None, changed,  # targets
                                       x[0].description if x else None, y[0].description if y else None))
    return changes


def _text_of(value: object) -> str | None:
    return None if value is None else str(value)
