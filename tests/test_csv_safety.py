"""No cell of any CSV download starts a formula, and numbers stay numbers a spreadsheet sums.

A spreadsheet runs a cell that starts with = + - @ (or a tab or CR before them) as a formula
(OWASP, "CSV injection"). Text cells that start so get a leading apostrophe, which Excel and
LibreOffice show as nothing and read as "this is text"; plain numbers, negative ones included,
are written as they are. All content here is fictitious (虚构).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from buildkit import build
from sitekit import MINIMAL, MINIMAL_PATH, SECOND_PATH, replace_line, write_tree, year_variant

from site_builder.derive.opendata import csv_cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")
LINK = '=HYPERLINK("http://x.example","虚构")'


def hostile(text: str) -> str:
    """A department-year whose text cells start formulas, with a negative amount."""
    text = replace_line(text, "    - {名称: 一般公共预算拨款收入, 金额: 1000.00}",
                        f"    - {{名称: 一般公共预算拨款收入, 金额: 1191.00}}\n"
                        f"    - {{名称: '{LINK}', 金额: -191.00, 说明: '@SUM(1+1)*cmd|虚构'}}")
    text = replace_line(text, '指标值: "≥95%"', '指标值: "=100.00%", 依据: "+1+1（虚构）", 评分标准: "-2+3（虚构）"')
    text = replace_line(text, "      名称: 示例项目（虚构）", '      名称: "\\t=1+1（虚构）"')
    return replace_line(text, "    - 编码: X-001", '    - 编码: "-2+2"')  # (a CR is refused in content)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("csv")
    write_tree(root, f"-- {MINIMAL_PATH} --\n{hostile(MINIMAL)}\n-- {SECOND_PATH} --\n{hostile(year_variant(2021))}")
    result, reporter = build(root, search_index=False)
    assert result.ok, [str(p) for p in reporter.errors]
    return root / "output"


def cells(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_no_cell_of_any_csv_download_starts_a_formula(site: Path) -> None:
    files = sorted(site.rglob("*.csv"))
    names = {p.name for p in files}
    assert {"figures.csv", "indicators.csv", "scorecard.csv", "comparison.csv"} <= names, names
    checked = 0
    for path in files:
        for row in cells(path):
            for cell in row:
                checked += 1
                assert not cell.startswith(FORMULA_START) or PLAIN_NUMBER.match(cell), (path, cell)
    assert checked > 500


def test_hostile_text_is_kept_behind_an_apostrophe_and_numbers_stay_numbers(site: Path) -> None:
    figures = [cell for row in cells(site / "data" / "figures.csv") for cell in row]
    assert "'" + LINK in figures
    assert "-191.00" in figures  # a negative amount is a number, as written, not text
    indicators = [cell for row in cells(site / "data" / "indicators.csv") for cell in row]
    assert {"'=100.00%", "'+1+1（虚构）", "'-2+3（虚构）", "'-2+2", "'\t=1+1（虚构）"} <= set(indicators), indicators
    comparison = next(site.rglob("comparison.csv"))
    compared = [cell for row in cells(comparison) for cell in row]
    assert "'" + LINK in compared and "-191.00" in compared


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-cmd", "'-cmd"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("-191.00", "-191.00"), ("-0", "-0"), ("12", "12"), ("虚构", "虚构"), ("", ""),
    ("'=already", "'=already"), (None, None), (2020, 2020),
])
def test_the_one_rule(value: object, cell: object) -> None:
    assert csv_cell(value) == cell
