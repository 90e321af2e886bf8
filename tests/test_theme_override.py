"""A theme that overrides the macros printing tables and charts prints their view data itself.

The rows and the SVG that Python prints for speed (site/html.py) are the default theme's choice,
reached through its filters ``table_rows`` and ``svg``: a site's own ``macros/tables.html`` wins,
and loops over the same cells and bars. The site is test_compare_pages's, fictitious (虚构):
虚构县示例局 2020, in 万元.
"""

from __future__ import annotations

from pathlib import Path

from buildkit import build, soup
from sitekit import write_tree
from test_compare_pages import SITE_DEPT, fictitious_site

THEME_TABLES = """{% import "default!macros/tables.html" as default %}
{% macro table(t) -%}
<div class="theme-table" id="{{ t.id }}">{% for body in t.bodies %}{% for r in body %}<p class="theme-row">
{%- for c in r.cells if not c.home %}<span class="theme-cell">{{ c.money.text if c.money else c.text }}</span>{% endfor -%}
</p>{% endfor %}{% endfor %}</div>
{%- endmacro %}
{% macro empty_table(t) -%}{{ default.empty_table(t) }}{%- endmacro %}
{% macro any_table(t) -%}{% if t.empty %}{{ empty_table(t) }}{% else %}{{ table(t) }}{% endif %}{%- endmacro %}
{% macro chart(c) -%}
<ol class="theme-chart" id="{{ c.id }}">{% for b in c.bars %}<li data-width="{{ b.width }}">{{ b.label }}：{{ b.text }}</li>{% endfor %}</ol>
{%- endmacro %}
"""


def test_a_theme_that_overrides_the_table_macros_prints_the_cells_and_bars_itself(tmp_path: Path) -> None:
    root = fictitious_site(tmp_path)
    write_tree(root, f"-- themes/default/templates/macros/tables.html --\n{THEME_TABLES}")
    result, reporter = build(root, search_index=False)
    assert result.ok, [str(p) for p in reporter.errors]
    page = soup(root / "output" / SITE_DEPT / "2020" / "index.html")
    assert page.select("section#sangong svg, section#sangong table") == []  # nothing printed by html.py's filters
    sangong = page.select_one("#sangong-table")
    rows = [[c.get_text() for c in p.select(".theme-cell")] for p in sangong.select(".theme-row")]
    # The 2020 fixture's 三公 in 万元, each figure as written in the YAML.
    assert ["公务用车运行维护费", "2.00"] in rows and ["公务接待费", "1.234567"] in rows
    assert ["会议费", "1.50"] in rows and ["“三公”经费合计", "3.234567"] in rows
    # The chart's bars scaled to the largest, 2.00 万元 = 230 units: 1.234567 / 2 × 230 = 141.975… → 142.0.
    bars = {li.get_text().split("：")[0]: li["data-width"] for li in page.select("#chart-sangong li")}
    assert bars == {"因公出国（境）费": "0", "公务用车购置费": "0", "公务用车运行维护费": "230.0", "公务接待费": "142.0"}


THEME_SCORECARD = """{% extends "default!scorecard.html" %}
{% block score_rows %}{% for r in page.rows %}<tr class="theme-row"><td>{{ r.link.text }}</td><td>{{ r.label }}</td>
<td>{{ r.region }}</td><td><a href="{{ url(r.link.target) }}">{{ r.rank }}</a></td></tr>{% endfor %}{% endblock %}
"""


def test_a_theme_that_overrides_the_scorecard_rows_prints_them_itself(tmp_path: Path) -> None:
    root = fictitious_site(tmp_path)
    write_tree(root, f"-- themes/default/templates/scorecard.html --\n{THEME_SCORECARD}")
    result, reporter = build(root, search_index=False)
    assert result.ok, [str(p) for p in reporter.errors]
    page = soup(root / "output" / "scorecard" / "by-region" / "index.html")
    assert page.select("#scorecard-table tbody data") == []  # nothing printed by html.py's filter score_rows
    rows = [[c.get_text() for c in tr.select("td")] + [tr.a["href"]] for tr in page.select("#scorecard-table tr.theme-row")]
    # The fixture's department-years in path order (the 地区 order): 单年局 2020, then 示例局 2019, 2020, 2021,
    # each linked from scorecard/by-region/ (two folders down).
    place = "虚构省 虚构市 虚构县"
    county = "../../xugou/xugou-shi/xugou-xian"
    assert [r[:3] + [r[4]] for r in rows] == [
        ["虚构县单年局（虚构数据）", "2020年预算", place, f"{county}/danyi/2020/index.html"],
        ["虚构县示例局（虚构数据）", "2019年预算", place, f"{county}/shili/2019/index.html"],
        ["虚构县示例局（虚构数据）", "2020年预算", place, f"{county}/shili/2020/index.html"],
        ["虚构县示例局（虚构数据）", "2021年预算", place, f"{county}/shili/2021/index.html"],
    ]
