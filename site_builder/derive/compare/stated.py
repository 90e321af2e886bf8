"""The newer document's own statements (比上年), each tied to the figure it describes and checked.

A stated change is tied to the figure of the same current amount (as the document rounds it)
with the closest name, and checked against the two years' figures: the stated 上年 amount,
direction, 增减额 and 增减率.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from ...content.model import Change, DepartmentYear
from ...content.numbers import grouped
from ...content.numbers import percent as percent_text
from ..comparison import FigureChange, StatedChange, YearInfo
from .matching import bare_name, name_key
from .units import change_percent, rounds_to, stated_quantum, to_unit


def _stated_sources(doc: DepartmentYear) -> list[tuple[str, Change, Callable[[FigureChange], bool]]]:
    out: list[tuple[str, Change, Callable[[FigureChange], bool]]] = []
    f = doc.finance
    if f.disclosed:
        out += [("收支", c, lambda x: x.section == "收支" and x.group != "机关运行经费") for c in f.changes]
        if f.running_costs is not None:
            out += [("机关运行经费", c, lambda x: x.group == "机关运行经费") for c in f.running_costs.changes]
    if doc.three_costs.disclosed:
        out += [("三公", c, lambda x: x.group == "“三公”经费") for c in doc.three_costs.changes]
    if doc.procurement.disclosed:
        out += [("政府采购", c, lambda x: x.section == "政府采购") for c in doc.procurement.changes]
    return out


_LEVEL = re.compile(r"\((类|款|项)\)")
_LEVEL_DIGITS = {"类": 3, "款": 5, "项": 7}


def _match_stated(change: Change, unit: str, doc_unit: str, candidates: list[FigureChange]) -> FigureChange | None:
    """The figure a stated change describes: same current amount, and the closest name."""
    subject = name_key(change.subject)
    levels = _LEVEL.findall(subject)
    if "(款)" in subject:  # 政协事务（款）行政运行（项） names the 项 row
        subject = subject.split("(款)")[-1]
    wanted = bare_name(subject)
    if ("收支" in wanted or "收入支出" in wanted) and "总" in wanted:  # 收、支预算总计 = both totals
        wanted = "财政拨款支出合计" if "财政拨款" in wanted else "支出合计"
    pool = [f for f in candidates if f.new is not None]
    if levels:  # （类）（款）（项） name a functional class of that level, never an economic row
        digits = _LEVEL_DIGITS[levels[-1]]
        pool = [f for f in pool if f.classification == "功能分类" and (f.code is None or len(f.code) == digits)]
    if change.amount is not None:
        amount = to_unit(change.amount, doc_unit, unit)
        q = stated_quantum(change.amount, doc_unit, unit)
        pool = [f for f in pool if f.new is not None and rounds_to(f.new, amount, q)]
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(wanted)  # analysed once, compared with every name
    best: tuple[float, int] | None = None
    for index, f in enumerate(pool):
        names = {bare_name(f.label), bare_name(f.title), bare_name(f.group + f.label)}
        if f.label == "合计":
            names.add(bare_name(f.group))
        score = 0.0
        for name in names:
            matcher.set_seq1(name)
            s = matcher.ratio()
            if wanted == name:
                s += 1
            elif len(name) >= 4 and (name in wanted or wanted in name):
                s += 0.3
            score = max(score, s)
        # 收入 and 支出 of the same amount are common (收支平衡): never mistake one for the other.
        side = f.group + f.label
        if ("支出" in wanted and "收入" in side) or ("收入" in wanted and "支出" in side):
            score -= 0.5
        if score >= (0.5 if change.amount is not None else 0.8) and (best is None or score > best[0]):
            best = (score, index)
    return pool[best[1]] if best is not None else None


def statements(new: DepartmentYear, figures: list[FigureChange], unit: str,
                old_info: YearInfo) -> tuple[list[StatedChange], list[FigureChange]]:
    statements: list[StatedChange] = []
    by_key: dict[str, list[StatedChange]] = {}
    for section, change, scope in _stated_sources(new):
        stated_unit = change.unit or new.meta.unit  # text may state in 万元 what the tables print in 元

        def c(value: Decimal | None) -> Decimal | None:
            return None if value is None else to_unit(value, stated_unit, unit)

        figure = _match_stated(change, unit, stated_unit, [f for f in figures if scope(f)])
        stated = StatedChange(section, change.subject, change.direction, c(change.amount), c(change.previous),
                              c(change.delta), change.rate, change.purpose, change.reason,
                              figure.key if figure else None, ())
        if figure is not None:
            if change.basis is None:  # a change against another basis (上年执行数) is not checked against the budget
                quanta = {name: stated_quantum(value, stated_unit, unit) for name, value in
                          (("previous", change.previous), ("delta", change.delta)) if value is not None}
                stated = _check_stated(stated, figure, unit, old_info, quanta)
            by_key.setdefault(figure.key, []).append(stated)
        statements.append(stated)
    figures = [replace(f, stated=tuple(by_key[f.key])) if f.key in by_key else f for f in figures]
    return statements, figures


def _check_stated(s: StatedChange, f: FigureChange, unit: str, old_info: YearInfo,
                  quanta: dict[str, Decimal] | None = None) -> StatedChange:
    """Note each way the stated change disagrees with the figures of the two documents.

    ``quanta`` gives the precision (in ``unit``) of the stated 上年 and 增减额 where they are
    stated more coarsely than the tables print (万元 with two decimals against 元): a figure
    that rounds to the stated one agrees with it; one that misses it by one last digit is
    noted as such."""
    problems: list[str] = []
    year = old_info.year
    quanta = quanta or {}

    def agrees(stated: Decimal, exact: Decimal, name: str) -> bool:
        q = quanta.get(name)
        return stated == exact if q is None else rounds_to(exact, stated, q)

    def one_digit(stated: Decimal, exact: Decimal, name: str) -> str:
        q = quanta.get(name)
        if q is None or q <= 1:
            return ""
        rounded = (exact / q).quantize(Decimal(1), rounding=ROUND_HALF_UP) * q
        return "（按文件的精度相差一个尾数，可能源于两年数字各自舍入后相减）" if abs(rounded - stated) == q else ""

    if f.old is None:
        if s.direction in ("增加", "减少", "持平"):
            problems.append(f"文件称比上年{s.direction}；{year}年的文件未列出这一数字，无法核对。")
    else:
        assert f.delta is not None
        if s.previous is not None and not agrees(s.previous, f.old, "previous"):
            problems.append(f"文件所列上年数 {grouped(s.previous)} {unit} 与{year}年文件中的 "
                            f"{grouped(f.old)} {unit} 不一致{one_digit(s.previous, f.old, 'previous')}。")
        computed_direction = "增加" if f.delta > 0 else "减少" if f.delta < 0 else "持平"
        if s.direction in ("增加", "减少", "持平") and s.direction != computed_direction:
            problems.append(f"文件称{s.direction}，按两年文件的数字计算为{computed_direction}"
                            f"（{grouped(f.old)} → {grouped(f.new or Decimal(0))} {unit}）。")
        elif s.direction == "新增":
            problems.append(f"文件称新增，但{year}年的文件中已有这一数字（{grouped(f.old)} {unit}）。")
        if s.delta is not None and not agrees(s.delta, abs(f.delta), "delta"):
            problems.append(f"文件所述增减额 {grouped(s.delta)} {unit}，"
                            f"按两年文件的数字计算为 {grouped(abs(f.delta))} {unit}"
                            f"{one_digit(s.delta, abs(f.delta), 'delta')}。")
        if s.rate is not None and f.old != 0:
            exponent = s.rate.as_tuple().exponent
            quantum = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
            computed = change_percent(abs(f.delta), f.old, quantum)
            if computed is not None and computed != s.rate:
                near = "（相差一个尾数，可能源于舍入）" if abs(computed - s.rate) == quantum else ""
                problems.append(f"文件所述增减率 {percent_text(s.rate)}，"
                                f"按两年文件的数字计算为 {percent_text(computed)}{near}。")
    return replace(s, discrepancies=tuple(problems))
