"""The Jiangsu content files agree with the text of the PDFs they were transcribed from.

The sources are kept outside the project, in ``<repo>/../shared/sources/jiangsu/`` (or wherever
``SITE_BUILDER_SOURCES`` points): ``<department>/<year>-tables.txt`` is the ``pdftotext -layout``
text of the published tables (公开01–12表). Each test reads the tables back with simple regexes
and compares them, exactly and as Decimal, with the content file:

- 收支预算总表 / 收入预算总表 / 支出预算总表 / 财政拨款收支预算总表: every total and every amount
  that the content file carries for them;
- every functional-class and economic-class table: its 合计 and every row (code, name, amount)
  in printed order; and every such table of the source is in the content file;
- 机关运行经费: 合计 and every row;
- 三公: the table's 合计, “三公”经费小计 and each item;
- 政府采购: 合计, 货物/工程/服务, and (where the content lists them) every subtotal and item.

Where the sources are not present the comparison is skipped, not failed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest
from buildkit import shared_sources

from site_builder.content.model import ClassTable, DepartmentYear, Row
from site_builder.content.yamlload import parse_yaml

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content" / "jiangsu"
DEPARTMENTS = ("zhengxie-bangongting", "shengwei-bangongting")
YEARS = (2017, 2018, 2019)
CASES = [(dept, year) for dept in DEPARTMENTS for year in YEARS]
IDS = [f"{dept}/{year}" for dept, year in CASES]

SKIP_SOURCES = "source comparison skipped: ../shared/sources is not present"

AMOUNT = r"-?\d{1,3}(?:,\d{3})*\.\d{2}"
AMOUNT_RE = re.compile(rf"(?<![\d.,]){AMOUNT}(?![\d.,])")
CODE_ROW = re.compile(rf"^\s*(\d{{3,7}})\s+(\S+)\s+({AMOUNT})\s*$")
TOTAL_ROW = re.compile(rf"^\s*合\s*计\s+({AMOUNT})\s*$")
LABELLED = re.compile(rf"(\S+)\s+({AMOUNT})(?!\S)")
TABLE_NUMBER = re.compile(r"^(公开\d+表|表[一二三四五六七八九十]+)$")
ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[.．、])")


def D(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------------------
# Locating the sources


def sources_root() -> Path | None:
    """The ``jiangsu`` folder of the sources, or None where it is absent."""
    return shared_sources("jiangsu")


# ---------------------------------------------------------------------------
# Reading the extracted tables


@dataclass
class Segment:
    """One published table: its number (if printed), its title and its text (all its pages)."""

    number: str | None
    title: str
    lines: list[str] = field(default_factory=list)

    def amounts(self) -> list[Decimal]:
        return [D(m.group(0)) for line in self.lines for m in AMOUNT_RE.finditer(line)]

    def code_rows(self) -> list[tuple[str, str, Decimal]]:
        return [(m[1], m[2], D(m[3])) for line in self.lines if (m := CODE_ROW.match(line))]

    def total(self) -> Decimal | None:
        totals = [D(m[1]) for line in self.lines if (m := TOTAL_ROW.match(line))]
        assert len(totals) <= 1, f"{self.title}: more than one 合计 line in the source"
        return totals[0] if totals else None

    def labelled(self) -> dict[str, list[Decimal]]:
        """Each amount under the label printed just before it, ordinals (一、 1.) removed."""
        out: dict[str, list[Decimal]] = {}
        for line in self.lines:
            for m in LABELLED.finditer(line):
                label = ORDINAL.sub("", m[1])
                if label and not AMOUNT_RE.fullmatch(label):
                    out.setdefault(label, []).append(D(m[2]))
        return out


def is_title(text: str) -> bool:
    return text.endswith("表") or "表（" in text


def segments(text: str) -> list[Segment]:
    """Split the text into tables: a page that starts with a table title starts a table; a page
    without one (or repeating the previous title without a table number) continues it."""
    out: list[Segment] = []
    for page in text.split("\f"):
        lines = page.split("\n")
        heads = [squash(line) for line in lines if line.strip()][:2]
        number = heads[0] if heads and TABLE_NUMBER.match(heads[0]) else None
        title_line = heads[1] if number and len(heads) > 1 else (heads[0] if heads and not number else "")
        if title_line and is_title(title_line) and not (out and number is None and out[-1].title == title_line):
            out.append(Segment(number, title_line, lines))
        elif out:
            out[-1].lines.extend(lines)
    return out


@dataclass
class Source:
    segments: list[Segment]

    def by_title(self, title: str) -> Segment | None:
        hits = [s for s in self.segments if s.title == squash(title)]
        assert len(hits) <= 1, f"two tables titled {title} in the source"
        return hits[0] if hits else None

    def containing(self, word: str) -> Segment | None:
        hits = [s for s in self.segments if word in s.title]
        assert len(hits) <= 1, f"two tables with {word} in their title in the source"
        return hits[0] if hits else None


@lru_cache(maxsize=None)
def load(dept: str, year: int) -> tuple[DepartmentYear, Source]:
    path = CONTENT / dept / f"{year}.yaml"
    if not path.exists():
        pytest.skip(f"{dept}/{year}.yaml is not transcribed yet")
    root = sources_root()
    if root is None:
        pytest.skip(SKIP_SOURCES)
    tables = root / dept / f"{year}-tables.txt"
    if not tables.exists():
        pytest.skip(f"source comparison skipped: {dept}/{year}-tables.txt is not present")
    doc = DepartmentYear.model_validate(parse_yaml(path.read_text(encoding="utf-8")).data)
    return doc, Source(segments(tables.read_text(encoding="utf-8")))


def same(problems: list[str], what: str, content: Decimal | None, source: Decimal | None) -> None:
    if content != source:
        problems.append(f"{what}: content {content}, source {source}")


def report(problems: list[str]) -> None:
    assert not problems, "the content differs from the source:\n  " + "\n  ".join(problems)


# ---------------------------------------------------------------------------
# The checks


@pytest.mark.parametrize(("dept", "year"), CASES, ids=IDS)
def test_summary_tables(dept: str, year: int) -> None:
    """收支预算总表, 收入预算总表, 支出预算总表 and 财政拨款收支预算总表."""
    doc, source = load(dept, year)
    f = doc.finance
    problems: list[str] = []

    t01 = source.by_title("收支预算总表")
    assert t01 is not None, "收支预算总表 not found in the source"
    d01 = t01.labelled()

    def one(labels: dict[str, list[Decimal]], label: str) -> Decimal | None:
        values = labels.get(label, [])
        assert len(values) <= 1, f"{label} is printed more than once in one table"
        return values[0] if values else None

    for key, label, value in (
        ("收入合计", "收入合计", f.revenue_total),
        ("当年收入小计", "当年收入小计", f.revenue_current),
        ("支出合计", "支出合计", f.expenditure_total),
        ("当年支出小计", "当年支出小计", f.expenditure_current),
        ("基本支出", "基本支出", f.basic),
        ("项目支出", "项目支出", f.project),
        ("单位预留机动经费", "单位预留机动经费", f.reserve),
    ):
        same(problems, f"收支预算总表 {key}", value, one(d01, label))
    # 上年结转 / 结转下年: a printed-empty cell may be stated as 0 in the 情况说明.
    for key, label, value in (("上年结转", "上年结转资金", f.carried_in), ("结转下年", "结转下年资金", f.carried_out)):
        printed = one(d01, label)
        if printed is not None or value not in (None, Decimal(0)):
            same(problems, f"收支预算总表 {key}", value, printed)

    # 支出按功能分类: every printed class with an amount, and nothing else.
    functional = {label: values[0] for label, values in d01.items()
                  if label.endswith("支出") and label not in ("基本支出", "项目支出")}
    content_functional = {squash(r.name): r.amount for r in f.by_function if r.amount is not None}
    if content_functional != functional:
        problems.append(f"收支预算总表 功能分类: content {content_functional}, source {functional}")

    # 收入 rows: those whose name is printed beside an amount in 01 (or else in 02).
    t02 = source.by_title("收入预算总表")
    d02 = t02.labelled() if t02 is not None else {}

    def revenue(rows: list[Row], path: str) -> None:
        for row in rows:
            name = squash(row.name)
            if name in d01:
                same(problems, f"收入 {path}{row.name}", row.amount, one(d01, name))
            elif len(d02.get(name, [])) == 1:
                same(problems, f"收入 {path}{row.name} (收入预算总表)", row.amount, d02[name][0])
            # a name printed beside no amount in either table: nothing to compare
            revenue(row.children, f"{path}{row.name}/")

    revenue(f.revenue, "")

    if t02 is not None:
        same(problems, "收入预算总表 收入总计", f.revenue_total, one(d02, "收入总计"))

    t03 = source.by_title("支出预算总表")
    if t03 is not None:
        printed = t03.amounts()
        stated = [f.expenditure_total, f.basic, f.project, f.reserve, f.carried_out]
        with_zeros = [v for v in stated if v is not None]
        without_zeros = [v for v in with_zeros if v != 0]
        if printed not in (with_zeros, without_zeros):
            problems.append(f"支出预算总表: content {with_zeros}, source {printed}")

    t04 = source.by_title("财政拨款收支预算总表")
    a = f.appropriation
    if t04 is not None:
        assert a is not None, "the source has 财政拨款收支预算总表 but the content has no 收支.财政拨款"
        d04 = t04.labelled()
        for key, value in (("收入合计", a.revenue_total), ("支出合计", a.expenditure_total), ("基本支出", a.basic),
                           ("项目支出", a.project), ("单位预留机动经费", a.reserve)):
            same(problems, f"财政拨款收支预算总表 {key}", value, one(d04, key))
        for row in a.revenue:
            same(problems, f"财政拨款收支预算总表 {row.name}", row.amount, one(d04, squash(row.name)))
    report(problems)


def _compare_rows(problems: list[str], what: str, rows: list[Row], printed: list[tuple[str, str, Decimal]]) -> None:
    content = [(r.code, squash(r.name), r.amount) for r in rows]
    if any(code is None for code, _, _ in content):  # rows written without codes: compare names and amounts
        content = [(None, name, amount) for _, name, amount in content]
        printed = [(None, name, amount) for _, name, amount in printed]
    if content == printed:
        return
    for i in range(max(len(content), len(printed))):
        c = content[i] if i < len(content) else None
        s = printed[i] if i < len(printed) else None
        if c != s:
            problems.append(f"{what} row {i + 1}: content {c}, source {s}")


@pytest.mark.parametrize(("dept", "year"), CASES, ids=IDS)
def test_classification_tables(dept: str, year: int) -> None:
    """Every functional and economic table: 合计 and each row, in printed order."""
    doc, source = load(dept, year)
    problems: list[str] = []
    tables: list[ClassTable] = list(doc.finance.tables)
    numbered = any(s.number for s in source.segments)
    matched: set[str] = set()
    for table in tables:
        segment = source.by_title(table.title)
        if segment is None:
            problems.append(f"{table.title}: no table with this title in the source")
            continue
        matched.add(segment.title)
        if table.number is not None and numbered and segment.number != squash(table.number):
            problems.append(f"{table.title}: 表号 {table.number} in the content, {segment.number} in the source")
        same(problems, f"{table.title} 合计", table.total, segment.total())
        _compare_rows(problems, table.title, table.rows, segment.code_rows())
    # Every classification table of the source is in the content (机关运行经费 is compared below).
    for segment in source.segments:
        is_class_table = segment.code_rows() or "政府性基金" in segment.title
        if is_class_table and "机关运行经费" not in segment.title and segment.title not in matched:
            problems.append(f"{segment.title}: in the source but not in 收支.分类表")
    report(problems)


@pytest.mark.parametrize(("dept", "year"), CASES, ids=IDS)
def test_running_costs(dept: str, year: int) -> None:
    """机关运行经费: 合计 and each row."""
    doc, source = load(dept, year)
    segment = source.containing("机关运行经费")
    rc = doc.finance.running_costs
    if segment is None:
        assert rc is None or rc.number is None, "机关运行经费 has a 表号 but the source has no such table"
        return
    assert rc is not None, "the source has a 机关运行经费 table but the content has no 收支.机关运行经费"
    problems: list[str] = []
    same(problems, "机关运行经费 合计", rc.total, segment.total())
    if rc.items:
        _compare_rows(problems, "机关运行经费", rc.items, segment.code_rows())
    report(problems)


@pytest.mark.parametrize(("dept", "year"), CASES, ids=IDS)
def test_three_costs(dept: str, year: int) -> None:
    """三公 table: 合计, “三公”经费小计, 因公出国（境）费, 公务用车, 公务接待费, 会议费, 培训费."""
    doc, source = load(dept, year)
    segment = source.containing("三公")
    t = doc.three_costs
    if segment is None:
        return
    assert t.disclosed, "the source has a 三公 table but 三公 is not 已公开"
    printed = segment.amounts()
    assert len(printed) >= 7, f"三公: cannot read the table's figures from the source ({printed})"
    problems: list[str] = []
    same(problems, "三公 总计 (table 合计)", t.grand_total, printed[0])
    same(problems, "三公 合计 (“三公”经费小计)", t.total, printed[1])
    same(problems, "三公 因公出国境费", t.abroad, printed[2])
    same(problems, "三公 公务用车购置及运行维护费", t.vehicles, printed[3])
    same(problems, "三公 公务接待费", t.reception, printed[-3])
    same(problems, "三公 会议费", t.meetings, printed[-2])
    same(problems, "三公 培训费", t.training, printed[-1])
    # 购置费 and 运行维护费 sit between; an empty cell prints nothing (the content may state 0).
    middle = printed[4:-3]
    vehicle_cells = [v for v in (t.vehicle_purchase, t.vehicle_running)]
    if len(middle) == 2:
        if vehicle_cells != middle:
            problems.append(f"三公 公务用车购置费, 运行维护费: content {vehicle_cells}, source {middle}")
    else:
        nonzero = [v for v in vehicle_cells if v not in (None, Decimal(0))]
        if nonzero != middle:
            problems.append(f"三公 公务用车购置费, 运行维护费: content {vehicle_cells}, source {middle}")
    report(problems)


@pytest.mark.parametrize(("dept", "year"), CASES, ids=IDS)
def test_procurement(dept: str, year: int) -> None:
    """政府采购: 合计, 货物/工程/服务, and every subtotal and item the content lists."""
    doc, source = load(dept, year)
    segment = source.containing("政府采购")
    p = doc.procurement
    if segment is None:
        return
    if not p.disclosed:
        pytest.fail(f"the source has {segment.title} but 政府采购 is {p.status}")
    problems: list[str] = []
    header: dict[str, Decimal] = {}
    for line in segment.lines:
        text = line.strip()
        for label, pattern in (("合计", r"合\s*计"), ("货物", r"[一二三四]、\s*货物"), ("工程", r"[一二三四]、\s*工程"),
                               ("服务", r"[一二三四]、\s*服务")):
            if re.match(pattern, text) and label not in header:
                amounts = AMOUNT_RE.findall(text)
                if amounts:
                    header[label] = D(amounts[-1])
    same(problems, "政府采购 合计", p.total, header.get("合计"))
    for label, value in (("货物", p.goods), ("工程", p.works), ("服务", p.services)):
        printed = header.get(label)
        if printed is not None or value not in (None, Decimal(0)):  # 工程 0 is stated in the text only
            same(problems, f"政府采购 {label}", value, printed)
    if p.groups:
        content = Counter([v for v in (p.total,) if v is not None])
        content.update(v for label, v in (("货物", p.goods), ("工程", p.works), ("服务", p.services))
                       if v is not None and label in header)
        content.update(g.total for g in p.groups if g.total is not None)
        content.update(i.amount for g in p.groups for i in g.items if i.amount is not None)
        printed_all = Counter(segment.amounts())
        if content != printed_all:
            missing = printed_all - content
            extra = content - printed_all
            problems.append(f"政府采购 subtotals and items: in the source only {sorted(missing.elements())}, "
                            f"in the content only {sorted(extra.elements())}")
    report(problems)


def test_skip_message_when_sources_are_absent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without the sources the comparison skips with a plain message instead of failing."""
    monkeypatch.setenv("SITE_BUILDER_SOURCES", str(tmp_path / "nowhere"))
    assert sources_root() is None
    existing = [(d, y) for d, y in CASES if (CONTENT / d / f"{y}.yaml").exists()]
    if not existing:
        pytest.skip("no Jiangsu content file yet")
    load.cache_clear()
    try:
        with pytest.raises(pytest.skip.Exception, match="source comparison skipped"):
            load(*existing[0])
    finally:
        load.cache_clear()
