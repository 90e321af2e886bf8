"""The HTML that Python prints for speed, and the one escaping helper it uses.

Most of a page is printed by the theme's templates. A comparison page's long parts are not:
its figure tables (most of the page: a Jinja loop over their cells took longer than computing
the comparison), the changes a document states (比上年), indicator rows and text diffs are
printed here, from the frozen views of ``comparison_views.py``. Every text from content goes
through ``escape_text``; tables.py prints its cells through it too.

How a theme overrides them: these printers are Jinja filters (``FILTERS``, registered by
``render.make_environment``), and only templates call them: ``figure_rows``, ``stated``,
``indicator_rows``, ``diff`` and ``amount`` in the default theme's ``comparison.html`` and
``macros/comparison.html``. A theme that overrides those templates (for example the macros
``figure_table`` and ``indicator_table``) wins: it may loop over the same views itself
(``g.figures``, each a ``FigureRow``; ``rows``, each an ``IndicatorRow``; ``t.segments``) and
print them as it likes, or call the filters for the parts it keeps.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from .fmt import money, plain, with_cents

if TYPE_CHECKING:
    from ..derive.textdiff import Segment
    from .comparison_views import FigureRow, IndicatorRow, StatedView


def escape_text(text: str) -> str:
    """``text`` escaped for HTML as Jinja escapes it (markupsafe); most text has nothing to escape."""
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return escape(text)
    return text


def amount_html(value: Decimal, unit: str) -> str:
    """An amount as a comparison prints it: grouped digits with at least two decimals, the exact
    value, and both units in its title."""
    return _amount_html(plain(value), unit)


@functools.lru_cache(maxsize=4096)
def _amount_html(digits: str, unit: str) -> str:
    # Each amount of a year is printed in every comparison of that year: each is printed once.
    # Plain digits tell apart what prints differently (1.5 and 1.50, not 500 and 5E+2, which do not).
    m = money(with_cents(Decimal(digits)), unit)  # digits, commas and the unit's name: nothing to escape
    return f'<data value="{m.value}" title="{m.text} {m.unit}，合 {m.other}">{m.text}</data>'


def amount(value: Decimal, unit: str) -> Markup:
    """The filter ``amount``: ``amount_html`` for a template."""
    return Markup(amount_html(value, unit))


def figure_row_html(r: FigureRow, year: str) -> str:
    """The table row of ``r``, and below it the changes the newer document (of ``year``) states."""
    level = f' class="level-{r.level}"' if r.level else ""
    renamed = f'<span class="renamed">{escape_text(r.renamed)}</span>' if r.renamed else ""
    if r.recoded:
        renamed += (f'<span class="renamed recoded"><span class="badge badge-recoded">科目调整</span> '
                    f'{escape_text(r.recoded)}</span>')
    old = (amount_html(r.old, r.unit) if r.old is not None
           else f'<span class="missing">{escape_text(r.old_missing)}</span>')
    new = (amount_html(r.new, r.unit) if r.new is not None
           else f'<span class="missing">{escape_text(r.new_missing)}</span>')
    if r.badge:
        change = f'<span class="badge badge-{r.status}">{escape_text(r.badge)}</span>'
    elif r.delta is not None:
        change = (f'<span class="change change-{r.direction}">{r.verb} {amount_html(r.delta, r.unit)}</span>'
                  f'<br><span class="rate">{r.rate}</span>')
    else:
        change = '<span class="change">不变</span>'
    row = (f'<tr class="figure figure-{r.status}" data-key="{escape_text(r.key)}">\n'
           f'<th scope="row"{level}>{escape_text(r.label)}{renamed}</th>\n'
           f'<td class="num">{old}</td>\n<td class="num">{new}</td>\n<td class="num">{change}</td>\n</tr>\n')
    if r.stated:
        row += f'<tr class="stated-row"><td colspan="4">{stated_html(r.stated, year)}</td></tr>\n'
    return row


def figure_rows(rows: Sequence[FigureRow], year: str) -> Markup:
    """The filter ``figure_rows``: a figure table's body (``year``: the newer document's, 2021年预算)."""
    return Markup("".join([figure_row_html(r, year) for r in rows]))


def stated_html(stated: Sequence[StatedView], year: str) -> Markup:
    """Changes as the document of ``year`` states them, each a paragraph, then its discrepancies."""
    out = []
    for s in stated:
        subject = f"“{escape_text(s.subject)}”" if s.subject else ""
        purpose = f"用途：{escape_text(s.purpose)}" if s.purpose else ""
        reason = f"原因：{escape_text(s.reason)}" if s.reason else ""
        out.append(f'<p class="stated"><span class="stated-label">{escape_text(year)}文件所述</span>{subject}：'
                   f'{escape_text(s.text)}。{purpose}{reason}</p>\n')
        out += [f'<p class="discrepancy"><span class="badge badge-fail">核对</span> {escape_text(d)}</p>\n'
                for d in s.discrepancies]
    return Markup("".join(out))


def stated(view: StatedView, year: str) -> Markup:
    """The filter ``stated``: one stated change (``stated_html`` of it alone)."""
    return stated_html((view,), year)


def indicator_rows_html(rows: Sequence[IndicatorRow]) -> Markup:
    """The body of an indicator table; the filter ``indicator_rows``."""
    out = []
    for i in rows:
        path = f'<span class="renamed">{escape_text(i.path)}</span>' if i.path else ""
        out.append(f'<tr class="indicator-{i.status}"><th scope="row">{escape_text(i.name)}{path} '
                   f'<span class="badge badge-{i.status}">{escape_text(i.badge)}</span></th>'
                   f'<td>{escape_text(i.old_target or "—")}</td><td>{escape_text(i.new_target or "—")}</td></tr>\n')
    return Markup("".join(out))


def diff_html(segments: Sequence[Segment]) -> Markup:
    """The segments as HTML: <del> and <ins> that say what they are to a screen reader too (not by
    colour alone), and each folded run of unchanged text in a <details> that shows it on demand.
    The filter ``diff``; the glossary page prints a definition's differences with it too."""
    out: list[str] = []
    for s in segments:
        text = escape_text(s.text)
        if s.op == "delete":
            out.append(f'<del><span class="visually-hidden">［删除：</span>{text}'
                       f'<span class="visually-hidden">］</span></del>')
        elif s.op == "insert":
            out.append(f'<ins><span class="visually-hidden">［新增：</span>{text}'
                       f'<span class="visually-hidden">］</span></ins>')
        elif s.folded:
            out.append(f'<details class="fold"><summary>…… 未改动的 {len(s.text)} 字（展开）</summary>'
                       f'<span class="fold-text">{text}</span></details>')
        else:
            out.append(text)
    return Markup("".join(out))


FILTERS = MappingProxyType({"figure_rows": figure_rows, "stated": stated, "indicator_rows": indicator_rows_html,
                            "diff": diff_html, "amount": amount})
"""The printers above as Jinja filters, by the name templates call them."""
