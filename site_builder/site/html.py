"""The HTML that Python prints for speed, and the one escaping helper it uses.

Most of a page is printed by the theme's templates. The parts a Jinja loop would print too
slowly are printed here, from frozen views that other modules build as data only: every
table's rows and cells (``tables.py``: a Jinja loop per cell was the slowest part of a big
site), the charts as inline SVG (``charts.py``), and a comparison page's figure tables, the
changes a document states (比上年), indicator rows and text diffs (``comparison_views.py``), and
the rows of the site-wide 公开完整度 table, one per department-year on each of its three pages
(``completeness.py``). Every text from content goes through ``escape_text``.

How a theme overrides them: these printers are Jinja filters (``FILTERS``, registered by
``render.make_environment``), and only templates call them: ``table_rows`` in the default
theme's ``macros/tables.html``, ``svg`` where it draws a chart, ``figure_rows``, ``stated``,
``indicator_rows``, ``diff`` and ``amount`` in ``comparison.html``, ``macros/comparison.html``
and ``glossary.html``, ``score_rows`` in ``scorecard.html`` (its block ``score_rows``). A theme
that overrides those templates (for example the macros ``table``, ``chart``, ``figure_table``
and ``indicator_table``, or that block) wins: it may loop over the same views itself
(``t.bodies``, rows of ``Cell``; ``c.bars``; ``g.figures``, each a ``FigureRow``; ``rows``, each
an ``IndicatorRow``; ``t.segments``; ``page.rows``, each a ``ScoreRow``) and print them as it
likes, or call the filters for the parts it keeps.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from .fmt import Money, money, plain, with_cents

if TYPE_CHECKING:
    from ..derive.textdiff import Segment
    from .charts import Chart
    from .tables import Cell, TableRow
    from .comparison_views import FigureRow, IndicatorRow, StatedView
    from .completeness import ScoreRow


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


# ---------------------------------------------------------------------------
# Tables (tables.py): every table's rows


def hidden_unit(unit: str) -> str:
    """The unit after an amount whose column or caption shows it: not seen, but read by screen
    readers ("10 元") and indexed, so that a search excerpt from a table gives each amount its unit."""
    return f'<span class="visually-hidden unit"> {escape_text(unit)}</span>'


def money_html(m: Money) -> str:
    """An amount as printed in a table: its digits, with both units in the tooltip and its unit
    hidden after it (for screen readers and search excerpts; the column or caption shows it)."""
    # Money's strings are digits, separators and a unit: nothing to escape.
    return (f'<data value="{m.value}" title="{m.text} {m.unit}，合 {m.other}">{m.text}</data>'
            + hidden_unit(m.unit))


def cell_html(cell: Cell, url: Callable[[str], str]) -> str:
    """The cell as HTML; ``url`` makes a link's site-relative target relative to the page."""
    text, money, html, link, header, scope, rowspan, _, level_label, _, column, home, unit = cell
    start = f'<th scope="{escape_text(scope)}"' if header else "<td"
    if column:
        start += f' data-label="{escape_text(column)}"'
    if rowspan > 1:
        start += f' rowspan="{rowspan}"'
    classes = cell.classes
    if column and cell.empty:
        classes = f"{classes} blank" if classes else "blank"  # a stacked row leaves out its blank cells
    if classes:
        start += f' class="{classes}"'  # class names made by Cell.classes: nothing to escape
    label = f'<span class="level-label">{escape_text(level_label)}</span>' if level_label else ""
    if link:
        content = f'<a href="{escape_text(url(link))}">{escape_text(text)}</a>'
    elif money:
        content = money_html(money)
    elif html:
        content = html
    else:
        content = f"{escape_text(text)}{hidden_unit(unit)}" if unit else escape_text(text)
    if home:  # the cell is the link: its text names the line for a screen reader, "历年" is shown
        content = (f'<a class="permalink" data-pagefind-ignore href="{escape_text(url(home))}">'
                   f'<span class="visually-hidden">{escape_text(text)}：</span>历年</a>')
    return f"{start}>{label}{content}</th>" if header else f"{start}>{label}{content}</td>"


def row_html(row: TableRow, url: Callable[[str], str]) -> str:
    """The row as HTML: its anchor, its kind as a class (row-total, row-group), then its cells."""
    cells = "".join([cell_html(c, url) for c in row.cells])
    start = f'<tr id="{escape_text(row.id)}"' if row.id else "<tr"
    return f'{start} class="row-{escape_text(row.kind)}">{cells}</tr>' if row.kind else f"{start}>{cells}</tr>"


def table_rows(rows: Iterable[TableRow], url: Callable[[str], str]) -> Markup:
    """The filter ``table_rows``: ``rows`` as HTML, one a line (what a <tbody> or <tfoot> holds)."""
    return Markup("".join([row_html(row, url) + "\n" for row in rows]))


# ---------------------------------------------------------------------------
# The scorecard pages (completeness.py): a row per department-year, on three pages


_CONTRADICTED = '<span class="mark-note">另有 {} 项称无而与数字不符</span>'
_UNCOLLECTED = '<span class="mark-note">{} 项未收录</span>'


def escape_all(texts: Sequence[str]) -> list[str]:
    """``escape_text`` of each of ``texts``, in one call: joined by a character that escaping leaves as it is
    and none of them holds, escaped, and split again (a table of 10,000 rows has 50,000 texts)."""
    joined = "\0".join(texts)
    if not texts or joined.count("\0") != len(texts) - 1:  # a text holds the separator: one at a time
        return [escape_text(t) for t in texts]
    return str(escape_text(joined)).split("\0")


def score_rows_html(rows: Sequence[ScoreRow], url: Callable[[str], str]) -> Markup:
    """The filter ``score_rows``: the rows of the site-wide 公开完整度 table, one a line. Each: its rank (— when
    not ranked), the department linking to the year's 公开完整度, the score, the year, the region, the items in
    each state, and the sections missing whole. The score and the share are a Decimal's digits
    (completeness.score_line): nothing to escape."""
    texts = escape_all([t for r in rows for t in (url(r.link.target), r.link.text, r.label, r.region,
                                                   r.missing_sections or "—")])
    return Markup("".join([
        f'<tr><td class="num">{r.rank or "—"}</td><th scope="row"><a href="{link}#completeness">{name}</a></th>'
        f'<td class="num"><data value="{r.score}">{r.score}</data></td><td>{label}</td><td>{region}</td>'
        f'<td class="num">{r.disclosed}</td><td class="num">{r.none}</td><td class="num">{r.missing}'
        f'{_CONTRADICTED.format(r.contradicted) if r.contradicted else ""}</td><td class="num">{r.share}%'
        f'{_UNCOLLECTED.format(r.uncollected) if r.uncollected else ""}</td><td>{sections}</td></tr>\n'
        for r, (link, name, label, region, sections) in zip(rows, zip(*[iter(texts)] * 5))]))


# ---------------------------------------------------------------------------
# Charts (charts.py): inline SVG


def chart_svg(chart: Chart) -> Markup:
    """The filter ``svg``: the chart as inline SVG, an image (role="img") labelled by its <title>
    and by a <desc> that states every value; each bar's label above it, its value after it."""
    ident = escape_text(chart.id)
    width, height = chart.width, chart.height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape_text(chart.title)}</title>',
        f'<desc id="{ident}-desc">{escape_text(chart.desc)}</desc>',
    ]
    for bar in chart.bars:
        y, length = bar.y, bar.width
        parts.append(f'<text class="chart-label" x="0" y="{y + 15}">{escape_text(bar.label)}</text>')
        if length > 0:
            parts.append(f'<rect class="chart-bar" x="0" y="{y + 21}" width="{length}" height="16"/>')
        else:
            parts.append(f'<rect class="chart-axis" x="0" y="{y + 21}" width="1" height="16"/>')
        parts.append(f'<text class="chart-value" x="{length + 6}" y="{y + 34}">{escape_text(bar.text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


FILTERS = MappingProxyType({"figure_rows": figure_rows, "stated": stated, "indicator_rows": indicator_rows_html,
                            "diff": diff_html, "amount": amount, "table_rows": table_rows, "svg": chart_svg,
                            "score_rows": score_rows_html})
"""The printers above as Jinja filters, by the name templates call them."""
