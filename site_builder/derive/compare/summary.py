"""The summary of a comparison: the few biggest changes as plain Chinese sentences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from ...content.numbers import grouped
from ...content.numbers import percent as percent_text
from ..comparison import Comparison, FigureChange, ProjectChange

SUMMARY_SIZE = 5


_SUMMARY_GROUPS = frozenset({"收支总额", "支出功能分类", "机关运行经费", "“三公”经费", "政府采购", "国有资产", "项目",
                             "主要项目", "国有资本经营预算"})


def figure_sentence(f: FigureChange, unit: str) -> str:
    """One figure's change as a plain sentence: ``项目支出 减少 115.50 万元，下降 17.70%。``."""
    if f.status == "added":
        assert f.new is not None
        return f"{f.title} 为新增，{grouped(f.new)} {unit}。"
    if f.status == "removed":
        assert f.old is not None
        return f"{f.title} 不再列出（上年 {grouped(f.old)} {unit}）。"
    assert f.delta is not None
    if f.delta == 0:
        return f"{f.title} 不变，{grouped(f.new or Decimal(0))} {unit}。"
    verb, trend = ("增加", "增长") if f.delta > 0 else ("减少", "下降")
    rate = f"，{trend} {percent_text(abs(f.percent))}" if f.percent is not None else ""
    return f"{f.title} {verb} {grouped(abs(f.delta))} {unit}{rate}。"


def with_summary(c: Comparison) -> Comparison:
    sentences: list[str] = []
    sections = [s.sentence for s in c.sections if s.sentence]
    projects = _project_sentence(c.projects)
    room = SUMMARY_SIZE - (1 if sections else 0) - (1 if projects else 0)
    # Projects added or removed have a sentence of their own; items of 机关运行经费 are detail.
    candidates = [f for f in c.figures
                  if f.group in _SUMMARY_GROUPS and f.status != "unchanged" and not f.unpublished and f.level == 0
                  and not (f.group == "机关运行经费" and f.label != "合计")
                  and not (f.group == "项目" and f.status != "changed")]
    # Biggest change in money first (an added or removed figure counts with its whole amount);
    # of equal changes, spending before revenue.
    ranked = sorted(candidates, key=lambda f: (-_size(f), "支出" not in f.label))
    seen: set[tuple[Decimal | None, Decimal | None]] = set()
    for f in ranked:
        if (f.old, f.new) in seen or _size(f) == 0:
            continue  # the same change seen through another total (收入合计 and 支出合计, say)
        seen.add((f.old, f.new))
        sentence = figure_sentence(f, c.unit)
        reason = next((s.reason for s in f.stated if s.reason), None)
        if reason:
            sentence += f"文件所述原因：{reason.rstrip('。')}。"
        sentences.append(sentence)
        if len(sentences) == room:
            break
    if sections:
        listed = "；".join(s.rstrip("。") for s in sections)
        sentences.append("".join(sections) if len(sections) <= 2 else
                         f"{len(sections)} 个部分的公开情况有变化：{listed}。")
    if projects:
        sentences.append(projects)
    return replace(c, summary=tuple(sentences))


def _size(f: FigureChange) -> Decimal:
    if f.delta is not None:
        return abs(f.delta)
    return abs(f.new if f.new is not None else f.old if f.old is not None else Decimal(0))


def _project_sentence(projects: Sequence[ProjectChange]) -> str | None:
    added = [p.name for p in projects if p.status == "added"]
    removed = [p.name for p in projects if p.status == "removed"]
    renamed = [p for p in projects if p.renamed]
    parts = []
    if added:
        parts.append(f"新增项目 {len(added)} 个（{'、'.join(added)}）")
    if removed:
        parts.append(f"不再列出的项目 {len(removed)} 个（{'、'.join(removed)}）")
    if renamed:
        parts.append("；".join(f"项目“{p.old_name}”更名为“{p.new_name}”" for p in renamed))
    return "；".join(parts) + "。" if parts else None
