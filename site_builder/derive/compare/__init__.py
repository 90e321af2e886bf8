"""What changed in a department from one department-year to another: the computation.

``compare(older, newer)`` returns a ``Comparison`` (``derive/comparison.py``: the frozen
result and its JSON and CSV), a tree ready to print, so that templates do no arithmetic;
``site/comparison_pages.py`` makes the pages' views of it. This package, by what it derives:

- ``figures``: every comparable amount of both years side by side, in one unit (``units``),
  with the change in amount and percent, renumbered rows (科目调整) followed;
- ``tables``: a document's classification tables and which tables of two years correspond;
- ``projects``: performance tables matched by project code, then by name, with their
  indicators matched by (一级, 二级, 三级);
- ``texts``: duties, goals, measures, tasks and glossary definitions as character diffs;
- ``sections``: what was disclosed in one year and not in the other (sections and parts);
- ``stated``: the newer document's own 比上年 (stated change and reason), each tied to the
  figure it describes and checked against the two years' figures;
- ``summary``: the few biggest changes as plain Chinese sentences;
- ``pairs``: the pairs of years of one department that the site pre-builds;
- ``matching``: names and headings as matched, and the order of two years' items merged;
- ``core``: ``compare`` itself; ``derived``: what the comparisons of one year share.

Money is exact: each year's amounts are converted to the comparison's unit by moving the
decimal point (万元 when either year uses 万元, else 元), never through a float.

The names below are the package's public ones: import them from ``derive.compare``.
"""

from __future__ import annotations

from ..comparison import (Comparison, FigureChange, IndicatorChange, ProjectChange, SectionChange, StatedChange,
                          TextChange, YearInfo, comparison_csv, comparison_json)
from .core import compare
from .derived import Derived
from .matching import bare_name, heading_key, name_key
from .pairs import ALL_PAIRS_MAX_YEARS, Document, Pair, by_department, department_key, model_of, pairs
from .summary import SUMMARY_SIZE, figure_sentence
from .tables import final_totals, table_ident, tables_of
from .units import PERCENT_QUANTUM, change_percent, rounds_to, stated_quantum, to_unit

__all__ = ["compare", "pairs", "Pair", "by_department", "department_key", "change_percent", "figure_sentence",
           "Comparison", "FigureChange", "IndicatorChange", "ProjectChange", "SectionChange", "StatedChange",
           "TextChange", "YearInfo", "comparison_json", "comparison_csv", "Derived", "Document", "model_of",
           "ALL_PAIRS_MAX_YEARS", "SUMMARY_SIZE", "PERCENT_QUANTUM", "to_unit", "rounds_to", "stated_quantum",
           "name_key", "heading_key", "bare_name", "table_ident", "tables_of", "final_totals"]
