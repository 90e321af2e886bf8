"""``compare``: two department-years compared, from the parts each module of this package derives."""

from __future__ import annotations

from ...content.crosswalk import EMPTY, Crosswalk
from ...content.load import Entry
from ..comparison import Comparison, YearInfo
from .derived import Derived
from .figures import figures
from .pairs import Document, model_of
from .projects import indicators, projects
from .sections import sections
from .stated import statements
from .summary import with_summary
from .texts import texts


def compare(older: Document, newer: Document, *, crosswalk: Crosswalk = EMPTY,
            derived: Derived | None = None) -> Comparison:
    """Compare two department-years (usually of one department and kind, older first).

    ``crosswalk``: the renumbered codes to follow besides each row's own 上年编码: the site's
    (``content.crosswalk.site_crosswalk``, which a build reads once and passes down); none by default.
    ``derived``: what was derived from either year for an earlier comparison, to share with
    the next ones (the comparisons of one department share their years); by default none.
    """
    old, new = model_of(older), model_of(newer)
    if derived is None:
        derived = Derived()
    unit = "万元" if "万元" in (old.meta.unit, new.meta.unit) else "元"
    old_info, new_info = _info(older), _info(newer)
    found, parts = sections(old, new, old_info, new_info, derived)
    states = {(s.key, side): getattr(doc, s.key).status for s in found
              for side, doc in (("old", old), ("new", new))}
    paired_projects, project_figures = projects(old, new, unit, states, derived)
    paired = figures(old, new, unit, states, crosswalk, derived) + project_figures
    # The newer document's 比上年 is against the year before it: it describes this
    # comparison only when the older year is that year.
    adjacent = new.meta.year == old.meta.year + 1 and new.meta.kind == old.meta.kind
    stated, paired = statements(new, paired, unit, old_info) if adjacent else ([], paired)
    department_indicators = indicators(
        old.performance.department_table.indicators if old.performance.department_table else [],
        new.performance.department_table.indicators if new.performance.department_table else [], derived)
    notes = _notes(old_info, new_info, unit)
    comparison = Comparison(new.meta.department, old_info, new_info, unit, notes, (), tuple(found), tuple(parts),
                            tuple(paired), tuple(paired_projects), tuple(department_indicators),
                            tuple(texts(old, new, derived.text_diffs)), tuple(stated))
    return with_summary(comparison)


def _info(x: Document) -> YearInfo:
    meta = model_of(x).meta
    return YearInfo(meta.year, meta.kind, meta.unit, meta.department, meta.title,
                    x.rel if isinstance(x, Entry) else None)


def _notes(old: YearInfo, new: YearInfo, unit: str) -> tuple[str, ...]:
    notes = []
    if old.unit != new.unit:
        notes.append(f"两年的金额单位不同（{old.year}年为{old.unit}，{new.year}年为{new.unit}），"
                     f"均已按 1 万元 = 10,000 元 精确换算为{unit}。")
    if old.kind != new.kind:
        notes.append(f"比较的是{old.year}年{old.kind}与{new.year}年{new.kind}，二者口径不同。")
    if new.year != old.year + 1 and new.year > old.year:
        notes.append(f"{new.year}年文件所述“比上年”的变化是相对{new.year - 1}年而言的，此处不列出。")
    if old.department != new.department:
        notes.append(f"两年的部门名称不同：{old.department}（{old.year}年）、{new.department}（{new.year}年）。")
    return tuple(notes)
