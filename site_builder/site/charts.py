"""Charts as the templates get them: labelled horizontal bars, laid out at build time.

Every chart is a list of labelled horizontal bars (one row per item, the label above its
bar): that shape reads on a 360 px phone as well as on paper, for any number of items.
This module works out what a chart shows and where (each bar's label, value text, row and
length, in Decimal, so that two builds give the same bytes); html.py prints it as inline SVG
(the filter ``svg``), with role="img", a <title> and a <desc> that states every value, next
to the table it draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WIDTH = Decimal(340)
BAR_SPACE = Decimal(230)  # the longest bar; the rest of the width holds its value label
ROW = 44
LABEL_CHARS = 25
_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None  # None: not disclosed, no bar
    text: str  # the value as printed, e.g. "840,105.75 元" or "未公开"


@dataclass(frozen=True)
class PlacedBar:
    """A bar as drawn: its label (shortened to LABEL_CHARS), its value text, the top of its row
    and its length (0: not disclosed, or nothing to draw: a thin axis mark instead)."""

    label: str
    text: str
    y: int
    width: Decimal


@dataclass(frozen=True)
class Chart:
    id: str  # made from content text where a chart belongs to a named line or project
    title: str
    desc: str  # the text equivalent: every label with its value
    width: Decimal
    height: int
    bars: tuple[PlacedBar, ...]


def bar_chart(chart_id: str, title: str, bars: list[Bar], *, maximum: Decimal | None = None) -> Chart | None:
    """Horizontal bars scaled to ``maximum`` (default: the largest value); None without bars."""
    values = [b.value for b in bars if b.value is not None]
    if not values:
        return None
    top = maximum if maximum is not None else max(values)
    placed = tuple(PlacedBar(b.label if len(b.label) <= LABEL_CHARS else b.label[: LABEL_CHARS - 1] + "…",
                             b.text, ROW * i, _length(b.value, top)) for i, b in enumerate(bars))
    return Chart(chart_id, title, describe(bars), WIDTH, ROW * len(bars) + 8, placed)


def describe(bars: list[Bar]) -> str:
    """The text equivalent of a chart: every label with its value."""
    return "；".join(f"{b.label}：{b.text}" for b in bars) + "。"


def _length(value: Decimal | None, top: Decimal) -> Decimal:
    if value is None or value <= 0 or top <= 0:
        return Decimal(0)
    length = min(value / top, Decimal(1)) * BAR_SPACE
    return length.quantize(_TENTH, rounding=ROUND_HALF_UP)
