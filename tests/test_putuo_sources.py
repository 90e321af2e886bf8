"""The three 普陀区 2024 决算 in content/ agree with the text of the PDFs they were transcribed from,
and every table amount reaches their pages and their JSON downloads.

The sources are kept outside the project, in ``<repo>/../shared/sources/shanghai-putuo/`` (or
under ``SITE_BUILDER_SOURCES``): ``<department>-2024-juesuan.txt`` is the ``pdftotext -layout``
text. Each published table is cut out of the text by its title, and the amounts printed in it
are compared, as a multiset of exact Decimals, with the amounts the content file carries for
that table. The 年初预算数 / 全年预算数 and the stated completion rates of the 情况说明 are looked
up in the text. Where the sources are not present the comparison is skipped, not failed.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from buildkit import build, seen, shared_sources, soup
from pydantic import BaseModel

from site_builder.content import model as m
from site_builder.content.model import DepartmentYear
from site_builder.content.yamlload import parse_yaml

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content" / "shanghai" / "putuo"
DEPARTMENTS = ("caizhengju", "guihua-ziyuan", "shehui-gongzuobu")
SKIP_SOURCES = "source comparison skipped: ../shared/sources/shanghai-putuo is not present"

AMOUNT_RE = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}(?![\d.,])")
TITLES = ("收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表", "一般公共预算财政拨款支出决算表",
          "一般公共预算财政拨款基本支出决算表", "财政拨款“三公”经费支出决算表", "政府性基金预算财政拨款收入支出决算表",
          "国有资本经营预算财政拨款收入支出决算表")
OUTTURN_FIELDS = frozenset(m.Outturn.model_fields)


def sources_root() -> Path | None:
    """The ``shanghai-putuo`` folder of the sources, or None where it is absent."""
    return shared_sources("shanghai-putuo")


def source_text(dept: str) -> str:
    root = sources_root()
    if root is None or not (root / f"{dept}-2024-juesuan.txt").is_file():
        pytest.skip(SKIP_SOURCES)
    return (root / f"{dept}-2024-juesuan.txt").read_text(encoding="utf-8")


def load(dept: str) -> DepartmentYear:
    return DepartmentYear.model_validate(parse_yaml((CONTENT / dept / "2024-juesuan.yaml").read_text("utf-8")).data)


def D(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def table_texts(text: str) -> dict[str, str]:
    """Each published table's text: from the line that is its title to the next title or 第三部分."""
    lines = text.split("\n")
    starts = [(i, line.strip()) for i, line in enumerate(lines) if line.strip() in TITLES]
    end = next(i for i, line in enumerate(lines) if i > starts[-1][0] and line.strip().startswith("第三部分"))
    out = {}
    for (i, title), nxt in zip(starts, [s for s, _ in starts[1:]] + [end]):
        assert title not in out, f"two tables titled {title}"
        out[title] = "\n".join(lines[i:nxt])
    assert set(out) == set(TITLES), set(TITLES) - set(out)
    return out


def amounts_of(obj: object, skip: frozenset[str] = OUTTURN_FIELDS) -> list[Decimal]:
    """Every amount of a model (its rows' and sub-models'), budgets and rates left out."""
    if isinstance(obj, list):
        return [a for item in obj for a in amounts_of(item, skip)]
    if not isinstance(obj, BaseModel):
        return []
    out: list[Decimal] = []
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        if name in skip:
            continue
        if isinstance(value, Decimal):
            out.append(value)
        elif isinstance(value, (BaseModel, list)):
            out += amounts_of(value, skip)
    return out


def content_tables(doc: DepartmentYear) -> dict[str, list[Decimal]]:
    final = doc.finance.final
    assert final is not None
    out = {title: amounts_of(getattr(final, attr)) for attr, title in m.FINAL_TABLES}
    t = doc.three_costs
    three = [t.total, t.abroad, t.vehicles, t.vehicle_purchase, t.vehicle_running, t.reception]
    if t.budget is not None:
        b = t.budget
        three += [b.total, b.abroad, b.vehicles, b.vehicle_purchase, b.vehicle_running, b.reception]
    out["财政拨款“三公”经费支出决算表"] = [x for x in three if x is not None]
    return out


@pytest.mark.parametrize("dept", DEPARTMENTS)
def test_every_table_amount_as_printed(dept: str) -> None:
    texts = table_texts(source_text(dept))
    mine = content_tables(load(dept))
    for title in TITLES:
        printed = Counter(D(x) for x in AMOUNT_RE.findall(texts[title]))
        ours = Counter(mine[title])
        if dept == "caizhengju" and title == "财政拨款“三公”经费支出决算表":
            # The table prints only the 预算数 (0.95, twice); the 决算数 0.00 are the 情况说明's.
            assert printed == Counter({Decimal("0.95"): 2})
            assert ours == Counter({Decimal("0.95"): 2, Decimal("0.00"): 4})
            continue
        assert ours == printed, f"{dept} {title}: only in the content {ours - printed}, only in the source {printed - ours}"


@pytest.mark.parametrize("dept", DEPARTMENTS)
def test_budgets_and_rates_as_stated(dept: str) -> None:
    text = source_text(dept)
    start = text.index("一般公共预算财政拨款支出决算具体情况")
    section = text[start:text.index("六、一般公共预算财政拨款基本支出决算情况说明", start)]
    flat = re.sub(r"\s+", "", section)
    general = load(dept).finance.final.general  # type: ignore[union-attr]
    rows = [general.total, *general.rows]
    budgets = [v for r in rows for v in (r.initial, r.full_year) if v is not None]  # type: ignore[union-attr]
    assert len(budgets) == len(re.findall(r"(?:年初|全年)预算为", flat)), "every budget the text states, no other"
    for value in budgets:
        assert re.search(rf"(?<![\d.]){re.escape(str(value))}万元", flat), f"{dept}: budget {value} not in the text"
    rates = [r.rate for r in rows if r.rate is not None]  # type: ignore[union-attr]
    assert len(rates) == len(re.findall(r"完成(?:年初|全年)预算(?:数)?的", flat))
    for rate in rates:
        assert f"{rate}%" in flat, f"{dept}: rate {rate}% not in the text"


# ---------------------------------------------------------------------------
# Pages and downloads


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("putuo")
    shutil.copytree(CONTENT, root / "content" / "shanghai" / "putuo")
    shutil.copy(REPO / "site.toml", root / "site.toml")
    result, reporter = build(root, search_index=False)
    assert result.ok and reporter.errors == [], [str(p) for p in reporter.errors]
    return root / "output"


@pytest.mark.parametrize("dept", DEPARTMENTS)
def test_every_table_amount_on_the_page_and_in_the_download(site: Path, dept: str) -> None:
    doc = load(dept)
    html = soup(site / "shanghai" / "putuo" / dept / "2024-juesuan" / "index.html")
    shown = Counter(Decimal(d["value"]) for d in html.select("#finance data[value], #sangong data[value]"))
    for title, amounts in content_tables(doc).items():
        missing = Counter(amounts) - shown
        assert not missing, f"{dept} {title}: not on the page {missing}"
    download = site / "shanghai" / "putuo" / dept / "2024-juesuan" / "data" / f"shanghai-putuo-{dept}-2024-juesuan.json"
    assert DepartmentYear.model_validate_json(download.read_text("utf-8")) == doc


def test_caizhengju_headline(site: Path) -> None:
    html = soup(site / "shanghai/putuo/caizhengju/2024-juesuan/index.html")
    rows = {r.th.get_text(strip=True): [seen(c) for c in r.find_all("td")]
            for r in html.select("#summary-outturn tbody tr")}
    assert rows["一般公共预算财政拨款支出"][:3] == ["2,993.92", "2,940.05", "完成年初预算的 98.20%"]
    assert rows["“三公”经费"][:3] == ["0.95", "0.00", "完成预算的 0.00%"]


def test_a_budget_of_zero_gives_no_rate(site: Path) -> None:
    html = soup(site / "shanghai/putuo/shehui-gongzuobu/2024-juesuan/index.html")
    row = html.select_one("#summary-outturn tbody tr")
    cells = [seen(c) for c in row.find_all("td")]
    assert cells[:4] == ["0", "321.02", "307.82", "年初预算为 0，不计算其完成率；完成全年预算的 95.89%"]
    total = html.select_one("#final-general tfoot tr")
    assert "95.89%（全年）" in total.get_text(" ", strip=True)
    assert "Infinity" not in html.get_text() and "NaN" not in html.get_text()


def test_the_scorecard_marks_the_final_accounts_on_their_own_items(site: Path) -> None:
    import csv

    with open(site / "data" / "scorecard.csv", encoding="utf-8-sig", newline="") as f:
        rows = {r["部门"]: r for r in csv.DictReader(f)}
    row = rows["上海市普陀区财政局"]
    assert (row["收入预算（总额及来源）"], row["决算数与年初预算对比及原因"], row["“三公”经费预算与决算对比及原因"],
            row["绩效自评结果"]) == ("不适用", "已公开", "已公开", "已公开")
    assert rows["中共上海市普陀区委社会工作部"]["“三公”经费预算与决算对比及原因"] == "公开为无"  # 三公 disclosed as none


@pytest.mark.parametrize("dept", DEPARTMENTS)
def test_the_published_pdf_is_the_source(dept: str) -> None:
    root = sources_root()
    if root is None:
        pytest.skip(SKIP_SOURCES)
    assert load(dept).meta.sources[0].file == "2024-juesuan.pdf"
    assert (CONTENT / dept / "2024-juesuan.pdf").read_bytes() == (root / f"{dept}-2024-juesuan.pdf").read_bytes()
