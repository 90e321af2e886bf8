"""Charts as inline SVG, made at build time: readable without JavaScript, printable, accessible.

Every chart is a list of labelled horizontal bars (one row per item, the label above its
bar): that shape reads on a 360 px phone as well as on paper, for any number of items.
Each SVG has role="img", a <title> and a <desc> that states every value, and sits next to
the table it draws. Coordinates are computed in Decimal and printed as strings, so two
builds give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup, escape

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
class Chart:
    id: str
    title: str
    svg: Markup


def bar_chart(chart_id: str, title: str, bars: list[Bar], *, maximum: Decimal | None = None) -> Chart | None:
    """Horizontal bars scaled to ``maximum`` (default: the largest value); None without bars."""
    values = [b.value for b in bars if b.value is not None]
    if not values:
        return None
    top = maximum if maximum is not None else max(values)
    height = ROW * len(bars) + 8
    ident = escape(chart_id)  # made from content text where a chart belongs to a named line or project
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(describe(bars))}</desc>',
    ]
    for i, bar in enumerate(bars):
        y = ROW * i
        width = _length(bar.value, top)
        label = bar.label if len(bar.label) <= LABEL_CHARS else bar.label[: LABEL_CHARS - 1] + "…"
        parts.append(f'<text class="chart-label" x="0" y="{y + 15}">{escape(label)}</text>')
        if width > 0:
            parts.append(f'<rect class="chart-bar" x="0" y="{y + 21}" width="{width}" height="16"/>')
        else:
            parts.append(f'<rect class="chart-axis" x="0" y="{y + 21}" width="1" height="16"/>')
        parts.append(f'<text class="chart-value" x="{width + 6}" y="{y + 34}">{escape(bar.text)}</text>')
    parts.append("</svg>")
    return Chart(chart_id, title, Markup("".join(parts)))


def describe(bars: list[Bar]) -> str:
    """The text equivalent of a chart: every label with its value."""
    return "；".join(f"{b.label}：{b.text}" for b in bars) + "。"


def _length(value: Decimal | None, top: Decimal) -> Decimal:
    if value is None or value <= 0 or top <= 0:
        return Decimal(0)
    length = min(value / top, Decimal(1)) * BAR_SPACE
    return length.quantize(_TENTH, rounding=ROUND_HALF_UP)
