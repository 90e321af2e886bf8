"""The benchmark's Hugo site (benchmarks/hugo/) makes, from the generated corpus, the pages the
benchmark compares with ours: every department-year, every pair of its years, JSON and CSV beside
each, the department and region pages; its figures are the YAML's, and it says 虚构. Skipped where
Hugo is not installed (`make test` and `make bench` install it)."""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from benchmarks.generate import write_fictitious_site
from benchmarks.run import hugo_binary, run_hugo

HUGO = hugo_binary()
pytestmark = pytest.mark.skipif(HUGO is None, reason="Hugo is not installed (make test and make bench install it)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hugo-bench")
    write_fictitious_site(root, 10)  # two departments of one county, five years each (虚构)
    assert HUGO is not None
    run_hugo(root, HUGO, root / "public")
    return root


def amount(yaml: Path, key: str) -> Decimal:
    """A top-level amount of 收支 as printed in the YAML, read without the site's code."""
    return Decimal(re.search(rf"^  {key}: ([0-9.]+)$", yaml.read_text(encoding="utf-8"), re.M).group(1))


def test_every_page_is_made_once_with_json_and_csv_beside_years_and_comparisons(site: Path) -> None:
    public = site / "public"
    pages = sorted(p.relative_to(public).as_posix() for p in public.rglob("index.html"))
    department = "xg00/xgs000/xgx0000/bm00000"
    years = [f"{department}/{y}/index.html" for y in range(2019, 2024)]
    pairs = [f"{department}/compare/{a}-{b}/index.html" for a in range(2019, 2024) for b in range(a + 1, 2024)]
    assert set(years + pairs + [f"{department}/index.html"]) <= set(pages)
    # 2 departments × (5 years + 10 pairs + their own page), a county, a city, a province and the home page
    assert len(pages) == 2 * (5 + 10 + 1) + 3 + 1
    for page in years + pairs:
        folder = public / page.removesuffix("index.html")
        assert (folder / "index.json").is_file() and (folder / "index.csv").is_file()
    for page in pages:
        assert "虚构" in (public / page).read_text(encoding="utf-8")


def test_a_comparison_shows_the_yaml_figures_and_their_change(site: Path) -> None:
    content = site / "content/xg00/xgs000/xgx0000/bm00000"
    older, newer = amount(content / "2019.yaml", "支出合计"), amount(content / "2020.yaml", "支出合计")
    change = newer - older
    word = "增加" if change > 0 else "减少"
    folder = site / "public/xg00/xgs000/xgx0000/bm00000/compare/2019-2020"
    html = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    row = next(tr for tr in html.select("tr") if tr.th and tr.th.get_text(strip=True) == "支出合计")
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells[0] == f"{older:,.2f}" and cells[1] == f"{newer:,.2f}"
    assert cells[2].startswith(f"{word} {abs(change):,.2f} ")
    rows = list(csv.reader((folder / "index.csv").read_text(encoding="utf-8").splitlines()))
    total = next(r for r in rows if r[2] == "支出合计")
    assert [Decimal(x) for x in total[3:6]] == [older, newer, change]
    data = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    first = data["groups"][0]["rows"]
    assert next(r for r in first if r["name"] == "支出合计")["diff"] == int(change * 100)  # in fen


def test_a_year_page_shows_its_yaml_figures(site: Path) -> None:
    yaml = site / "content/xg00/xgs000/xgx0000/bm00001/2021.yaml"
    page = BeautifulSoup((site / "public/xg00/xgs000/xgx0000/bm00001/2021/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    row = next(tr for tr in page.select("tr") if tr.th and tr.th.get_text(strip=True) == "项目支出")
    assert row.td.get_text("", strip=True) == f"{amount(yaml, '项目支出'):,.2f}元"
