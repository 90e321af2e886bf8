"""Texts of two years as character diffs: duties, goals, measures, tasks and glossary definitions."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from ...content.model import DepartmentYear, TitledText
from ..comparison import Status, TextChange
from ..textdiff import Cache, Segment, changed_chars, diff_text
from .matching import heading_key, merge_order, ordered_pairs, unique_key


def _items(items: Sequence[TitledText]) -> list[tuple[str, str]]:
    return [(item.title or "", item.text) for item in items]


def _text_sources(doc: DepartmentYear) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group, [(label, text)]) of one year's texts; a label may be empty for untitled items."""
    d, p = doc.duties, doc.performance
    out: list[tuple[str, list[tuple[str, str]]]] = []
    if d.disclosed:
        duties = [("主要职能", "\n".join(d.duties))] if d.duties else []
        duties += [(label, text) for label, text in (("机构设置说明", d.organisation), ("预算单位构成", d.budget_units))
                   if text]
        out += [("职责", duties), ("主要工作任务", _items(d.tasks))]
    if p.disclosed:
        overall = [("总体绩效目标", p.overall)] if p.overall else []
        if p.department_table is not None and p.department_table.duty_goals:
            overall.append(("年度履职目标", p.department_table.duty_goals))
        out += [("绩效目标", overall), ("分项绩效目标", _items(p.goals)), ("工作保障措施", _items(p.measures))]
    if doc.glossary.disclosed:
        out.append(("名词解释", list(doc.glossary.terms.items())))
    if doc.other:
        out.append(("其他说明", [("其他说明", doc.other)]))
    return out


def texts(old: DepartmentYear, new: DepartmentYear, cache: Cache | None = None) -> list[TextChange]:
    """The texts of two years paired and diffed; ``cache``: character diffs kept across comparisons."""
    a, b = dict(_text_sources(old)), dict(_text_sources(new))
    out: list[TextChange] = []
    seen: set[str] = set()
    for group in merge_order(list(a), list(b)):
        olds, news = a.get(group, []), b.get(group, [])
        for i, j in _pair_items(olds, news, similar=group != "名词解释"):
            x = olds[i] if i is not None else None
            y = news[j] if j is not None else None
            base = y or x
            assert base is not None
            label = base[0] or _first_words(base[1])
            key = unique_key(f"{group}.{label}", seen)
            segments: tuple[Segment, ...]
            status: Status
            if x is None:
                segments, status = (Segment("insert", base[1]),), "added"
            elif y is None:
                segments, status = (Segment("delete", base[1]),), "removed"
            else:
                segments = diff_text(x[1], y[1], cache=cache)
                status = "unchanged" if x[1] == y[1] else "changed"
            deleted, inserted = changed_chars(segments)
            old_label = x[0] if x is not None and y is not None and x[0] != y[0] and x[0] else None
            out.append(TextChange(key, group, label, status, segments, deleted, inserted, old_label))
    return out


def _first_words(text: str, n: int = 12) -> str:
    return text[:n] + ("…" if len(text) > n else "")


def _pair_items(old: list[tuple[str, str]], new: list[tuple[str, str]], *,
                similar: bool = True) -> list[tuple[int | None, int | None]]:
    """Pair (label, text) items by label, then (with ``similar``) the rest by similarity: at
    least half the same. Glossary terms pair by the term only: another term is another thing."""
    match: dict[int, int] = {}  # new index → old index
    old_keys = [heading_key(other) for other, _ in old]
    for j, (label, _) in enumerate(new):
        wanted = heading_key(label)
        i = next((i for i, other in enumerate(old_keys) if wanted and other == wanted and i not in match.values()),
                 None)
        if i is not None:
            match[j] = i
    candidates = []
    for j, (label, text) in enumerate(new if similar else []):
        for i, (other, old_text) in enumerate(old):
            if j in match or i in match.values():
                continue
            matcher = difflib.SequenceMatcher(None, other + old_text, label + text, autojunk=False)
            if matcher.real_quick_ratio() >= 0.5 and matcher.quick_ratio() >= 0.5 and matcher.ratio() >= 0.5:
                candidates.append((-matcher.ratio(), j, i))
    for _, j, i in sorted(candidates):  # most similar first
        if j not in match and i not in match.values():
            match[j] = i
    return ordered_pairs(len(old), len(new), match)
