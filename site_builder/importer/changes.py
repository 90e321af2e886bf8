"""比上年: the changes from last year that the report states, with their purpose and reason.

A sentence such as "一般公共预算收入预算10,070.48万元，与上年相比增加1,003.69万元，增长11.07%。
主要原因是政策性增资。" becomes {项目: 一般公共预算收入, 本年: 10070.48, 变化: 增加, 增减额: 1003.69,
增减率: 11.07, 原因: 政策性增资}. The patterns are data (``changes`` in recognisers.yaml).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .recognise import Recognisers

DIRECTIONS = {"增加": "增加", "增长": "增加", "减少": "减少", "下降": "减少", "一致": "持平", "持平": "持平", "相同": "持平"}


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text.replace(",", "")) if text else None


def extract_changes(text: str, recognisers: Recognisers) -> list[dict[str, Any]]:
    """The changes a paragraph states, in order."""
    spec = recognisers.changes
    if not spec:
        return []
    anchor = re.compile(spec["statement"])
    reason = re.compile(spec["reason"])
    purpose = re.compile(spec["purpose"])
    strip = [re.compile(p) for p in spec.get("subject_strip", [])]
    found: list[dict[str, Any]] = []
    matches = list(anchor.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        subject = match.group("subject")
        for pattern in strip:
            subject = pattern.sub("", subject)
        subject = subject.strip("，,、 ")
        if not subject:
            continue
        direction = DIRECTIONS.get(match.group("direction"), "")
        if not direction:
            continue
        change: dict[str, Any] = {"项目": subject}
        amount = _decimal(match.group("amount"))
        if amount is not None:
            change["本年"] = amount
        change["变化"] = direction
        delta, rate = _decimal(match.groupdict().get("delta")), _decimal(match.groupdict().get("rate"))
        if delta is not None and direction != "持平":
            change["增减额"] = delta
        if rate is not None and direction != "持平":
            change["增减率"] = rate
        rest = text[match.end():end]
        used = purpose.search(text[match.start():match.end()]) or purpose.search(rest)
        if used:
            change["用途"] = used.group("text").strip()
        why = reason.search(rest)
        if why:
            change["原因"] = why.group("text").strip()
        unit = match.groupdict().get("unit")
        if unit:
            change["_unit"] = unit
        found.append(change)
    return found
