"""Open data and the completeness scorecard, on the real content."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from site_builder.content.load import load_content
from site_builder.content.model import DepartmentYear
from site_builder.derive.opendata import figures_csv, indicators_csv, model_json, walk_figures
from site_builder.problems import Reporter
from site_builder.content.schema import content_schema
from site_builder.derive.scorecard import DEFAULT, load_items, score

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def docs() -> dict[str, DepartmentYear]:
    reporter = Reporter()
    entries = load_content(ROOT / "content", reporter)
    return {"/".join(e.rel[:-1]) + "/" + e.stem: e.model for e in entries}


def test_json_validates_against_schema_and_loads_back(docs: dict[str, DepartmentYear]) -> None:
    schema = content_schema()
    for key, doc in docs.items():
        text = model_json(doc)
        data = json.loads(text)
        jsonschema.validate(data, schema)
        assert DepartmentYear.model_validate_json(text) == doc, key
        # Amounts are exact decimal strings; the unit travels with them.
        if doc.finance.disclosed and doc.finance.revenue_total is not None:
            assert data["收支"]["收入合计"] == str(doc.finance.revenue_total)
            assert data["元数据"]["金额单位"] == doc.meta.unit


def test_figures_csv_reads_back_with_chinese_intact(docs: dict[str, DepartmentYear]) -> None:
    doc = docs["hebei/qinhuangdao/shanhaiguan/xinfang/2020"]
    text = figures_csv([doc])
    assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    by_path = {r["路径"]: r for r in rows}
    assert by_path["收支.收入合计"]["数值"] == "3828602.02"
    assert by_path["收支.收入合计"]["部门"] == "秦皇岛市山海关区信访局"
    assert by_path["三公.公务接待费"]["数值"] == "19950.5" and by_path["三公.公务接待费"]["单位"] == "元"
    running = [r for r in rows if r["路径"].startswith("收支.机关运行经费.明细")]
    assert len(running) == 13
    assert sum(Decimal(r["数值"]) for r in running) == Decimal("76496.27")


def test_every_amount_of_a_jiangsu_year_is_a_figure(docs: dict[str, DepartmentYear]) -> None:
    doc = docs["jiangsu/zhengxie-bangongting/2018"]
    rows = list(walk_figures(doc))
    coded = {(r["编码"], r["数值"]) for r in rows if r["编码"]}
    assert ("2010201", Decimal("4432.78")) in coded
    assert all(r["单位"] in ("万元", "%", "") for r in rows)


def test_indicators_csv(docs: dict[str, DepartmentYear]) -> None:
    text = indicators_csv([docs["hebei/chengde/chengde-xian/xinfang/2021"]])
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0]["指标值"] == "≤30万元" and rows[0]["符号"] == "≤" and rows[0]["单位"] == "万元"
    assert rows[2]["指标值"] == "≥95%"


@pytest.mark.parametrize(("key", "disclosed"), [
    # 唐山市路南区信访局 2025 discloses 绩效 only, as do the 承德县 and 湘西州 documents.
    ("hebei/tangshan/lunan/xinfang/2025", {"绩效"}),
    ("hebei/chengde/chengde-xian/xinfang/2021", {"绩效"}),
    ("hunan/xiangxi/xinfang/2022", {"绩效"}),
    # 山海关区 2020: the full 公开说明; 政府采购 published as an empty table (无).
    ("hebei/qinhuangdao/shanhaiguan/xinfang/2020", {"职责", "收支", "三公", "绩效", "政府采购", "国有资产", "名词解释"}),
])
def test_scorecard_matches_what_the_source_disclosed(docs: dict[str, DepartmentYear], key: str, disclosed: set[str]) -> None:
    reporter = Reporter()
    items = load_items(DEFAULT, reporter)
    assert items is not None and reporter.problems == []
    card = score(docs[key], items)
    sections_with_credit = {m.item.section for m in card.marks if m.state in ("已公开", "公开为无")}
    assert sections_with_credit == disclosed
    assert Decimal(0) < card.score <= Decimal(100)


def test_scorecard_details_for_shanhaiguan(docs: dict[str, DepartmentYear]) -> None:
    items = load_items(DEFAULT, Reporter())
    card = score(docs["hebei/qinhuangdao/shanhaiguan/xinfang/2020"], items)
    states = {m.item.rule: m.state for m in card.marks}
    assert states["procurement"] == "公开为无"  # an empty table published: disclosed as none
    assert states["three_costs_reasons"] == "未公开"  # 004 promises reasons for the change and gives none
    assert states["by_function"] == "未公开"  # no functional-class table in 004
    assert states["glossary"] == "已公开"


def test_scorecard_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "scorecard.yaml"
    path.write_text("事项:\n  - {规则: duties, 名称: 职能, 栏目: 职责, 权重: 5}\n  - {规则: nosuch, 名称: x, 栏目: 职责, 权重: 1}\n",
                    encoding="utf-8")
    reporter = Reporter()
    assert load_items(path, reporter) is None
    [problem] = reporter.problems
    assert (problem.line, problem.key) == (3, "事项[2].规则")
    assert problem.message.startswith("unknown rule 'nosuch'; expected one of: duties, ")


def _numbers(value: object, path: tuple[object, ...] = ()) -> Iterator[tuple[tuple[object, ...], Decimal]]:
    if isinstance(value, Decimal):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _numbers(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _numbers(item, path + (i,))


def test_every_number_of_every_document_is_a_figure(docs: dict[str, DepartmentYear]) -> None:
    # Every Decimal a document holds is a row of its figures CSV, but the indicators' target values
    # (in the indicators CSV, with their operator and unit). Required amounts such as
    # 机关运行经费.合计 were once left out (pydantic keeps a required field's metadata apart).
    for key, doc in docs.items():
        expected = Counter(v for p, v in _numbers(doc.model_dump(by_alias=True, exclude={"meta"}))
                           if "指标值" not in p)
        # A stated decrease is signed in the download (−191 for 减少 191); sections without figures
        # have a row without a number (公开情况); counts are whole numbers, not amounts.
        found = Counter(-row["数值"] if row["变化"] in ("减少", "取消") and row["指标"] in ("增减额", "增减率")
                        else row["数值"] for row in walk_figures(doc) if isinstance(row["数值"], Decimal))
        assert found == expected, (key, expected - found, found - expected)
    running = docs["jiangsu/shengwei-bangongting/2019"].finance.running_costs
    assert running is not None
    assert any(r["路径"] == "收支.机关运行经费.合计" and r["数值"] == running.total
               for r in walk_figures(docs["jiangsu/shengwei-bangongting/2019"]))
