"""``site-builder import`` on small fictitious (虚构) disclosures drawn in the tests.

Each test draws a PDF (reportlab, with a real text layer) or writes a workbook (openpyxl)
with one layout feature, imports it and compares the draft with figures written out by hand.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.importer import ImportFailure, import_documents
from site_builder.problems import Reporter
from site_builder.build.validate import validate
from site_builder.content.yamlload import decode, parse_yaml
from tests.importkit import (DEPT, FUNCTION_ROWS, FUNCTION_TOTAL, UNIT, UP, TableSpec, class_table, draw_pdf, draw_report,
                             write_xlsx)

pytest.importorskip("reportlab")


def load(path: Path) -> dict:
    return parse_yaml(decode(path.read_bytes())).data


def out_path(tmp_path: Path, year: int = 2024) -> Path:
    return tmp_path / "content" / "xugou" / "xugouju" / f"{year}.yaml"


def run(tmp_path: Path, files: list[Path], **kw) -> tuple[dict, object]:
    kw.setdefault("region", "虚构省")
    kw.setdefault("year", 2024)  # the fixtures' titles mostly print no year; one test reads it from the title
    kw.setdefault("force", True)  # tests import several times into one place
    out = out_path(tmp_path)
    result = import_documents(files, out, **kw)
    return load(out), result


FUNCTION_05 = class_table("公开05表", "2024年财政拨款支出预算表", FUNCTION_ROWS, FUNCTION_TOTAL)


def expected_rows(rows=FUNCTION_ROWS):
    return [{"编码": c, "名称": n, "金额": Decimal(a.replace(",", ""))} for c, n, a in rows]


def test_a_classification_table_keeps_codes_names_and_printed_decimals(tmp_path):
    pdf = draw_pdf(tmp_path / "tables.pdf", [[FUNCTION_05]])
    data, result = run(tmp_path, [pdf], year=None)  # the year from the title 2024年财政拨款支出预算表
    table = data["收支"]["分类表"][0]
    assert table["表号"] == "公开05表"
    assert table["名称"] == "财政拨款支出预算表"
    assert (table["分类"], table["口径"]) == ("功能分类", "财政拨款")
    assert table["合计"] == Decimal("1314.50")
    assert table["行"] == expected_rows()
    # The printed decimals are kept in the file: 80.00, not 80.
    text = out_path(tmp_path).read_text(encoding="utf-8")
    assert "{编码: \"2210201\", 名称: 住房公积金, 金额: 80.00}" in text
    assert text.startswith("# yaml-language-server: $schema=")
    assert data["元数据"] == {"地区": {"省": "虚构省"}, "部门": "虚构市虚构局", "年度": 2024, "类型": "预算",
                           "金额单位": "万元", "来源": data["元数据"]["来源"],
                           "收录范围": "tables.pdf中的公开表；说明文字（部门概况、情况说明、名词解释）所在的文件未导入"}
    # Only the tables were imported: what the report would hold is 未收录, not 未公开.
    assert (data["职责"], data["名词解释"], data["国有资产"]) == ("未收录", "未收录", "未收录")
    assert result.unplaced == []


def test_the_draft_passes_validate(tmp_path):
    pdf = draw_pdf(tmp_path / "tables.pdf", [[FUNCTION_05]])
    run(tmp_path, [pdf])
    reporter = Reporter()
    entries = validate(out_path(tmp_path), reporter)
    assert reporter.errors == []
    assert len(entries) == 1


def test_merged_header_cells_reach_every_column_below_them(tmp_path):
    # 三公: “三公”经费 spans six columns, 公务用车购置及运行维护费 three, 合计 three rows.
    header = [
        ["合计", "“三公”经费", None, None, None, None, None, "会议费", "培训费"],
        [UP, "小计", "因公出国（境）费", "公务用车购置及运行维护费", None, None, "公务接待费", UP, UP],
        [UP, UP, UP, "小计", "公务用车购置费", "公务用车运行维护费", UP, UP, UP],
        ["1,656.86", "675.10", "106.00", "156.60", "", "156.60", "412.50", "884.16", "97.60"],
    ]
    spec = TableSpec(header, above=["公开09表", "“三公”经费、会议费、培训费支出预算表", f"{DEPT}  {UNIT}"], widths=[82] * 9,
                     font_size=8)
    data, result = run(tmp_path, [draw_pdf(tmp_path / "t.pdf", [[spec]])])
    three = data["三公"]
    assert three == {"总计": Decimal("1656.86"), "合计": Decimal("675.10"), "因公出国境费": Decimal("106.00"),
                     "公务用车购置及运行维护费": Decimal("156.60"), "公务用车运行维护费": Decimal("156.60"),
                     "公务接待费": Decimal("412.50"), "会议费": Decimal("884.16"), "培训费": Decimal("97.60"),
                     "表号": "公开09表", "口径": "一般公共预算"}
    assert "公务用车购置费" not in three  # an empty cell is a missing key, not 0


def test_merged_group_cells_of_the_revenue_table(tmp_path):
    rows = [
        ["项目名称", None, "金额"],
        ["收入总计", None, "1,394.50"],
        ["一般公共预算资金", "小计", "1,314.50"],
        [UP, "公共财政拨款(补助)资金", "1,314.50"],
        ["其他资金", "小计", "80.00"],
        [UP, "其他收入", "80.00"],
    ]
    spec = TableSpec(rows, above=["公开02表", "收入预算总表", f"{DEPT}  {UNIT}"])
    data, _ = run(tmp_path, [draw_pdf(tmp_path / "t.pdf", [[spec]])])
    assert data["收支"]["收入合计"] == Decimal("1394.50")
    assert data["收支"]["收入"] == [
        {"名称": "财政拨款", "子项": [{"名称": "一般公共预算", "金额": Decimal("1314.50"), "子项": [
            {"名称": "公共财政拨款(补助)资金", "金额": Decimal("1314.50")}]}]},
        {"名称": "其他资金", "金额": Decimal("80.00"), "子项": [{"名称": "其他收入", "金额": Decimal("80.00")}]},
    ]


def test_a_table_continued_on_the_next_page_with_its_header_repeated(tmp_path):
    first = class_table("公开05表", "财政拨款支出预算表", FUNCTION_ROWS[:4], FUNCTION_TOTAL)
    second = TableSpec([["功能科目代码", "功能科目名称", "金额"]] + [list(r) for r in FUNCTION_ROWS[4:]], widths=[100.0, 260.0, 100.0],
                       below=["- 2 -"])
    data, result = run(tmp_path, [draw_pdf(tmp_path / "t.pdf", [[first], [second]])])
    tables = data["收支"]["分类表"]
    assert len(tables) == 1
    assert tables[0]["行"] == expected_rows()
    assert result.unplaced == []  # the page number is not a row, nor a note


def test_a_row_split_across_the_page_break_is_one_row(tmp_path):
    rows = FUNCTION_ROWS[:3] + [("2010302", "一般行政管理事务", "")]
    first = class_table("公开05表", "财政拨款支出预算表", rows, FUNCTION_TOTAL)
    second = TableSpec([["", "", "234.50"]] + [list(r) for r in FUNCTION_ROWS[4:]], widths=[100.0, 260.0, 100.0])
    data, _ = run(tmp_path, [draw_pdf(tmp_path / "t.pdf", [[first], [second]])])
    assert data["收支"]["分类表"][0]["行"] == expected_rows()


def test_a_template_instruction_is_not_copied_and_the_table_is_recognised(tmp_path):
    spec = class_table("", "一般公共预算基本支出预算表（按“部门预算公开08表”填写）",
                       [("301", "工资福利支出", "900.00"), ("30101", "基本工资", "900.00")], "900.00",
                       code_header="科目编码", name_header="科目名称")
    spec.above = [line for line in spec.above if line]
    data, result = run(tmp_path, [draw_pdf(tmp_path / "t.pdf", [[spec]])])
    table = data["收支"]["分类表"][0]
    assert table["名称"] == "一般公共预算基本支出预算表"
    assert (table["分类"], table["口径"]) == ("经济分类", "一般公共预算")
    assert "填写" not in out_path(tmp_path).read_text(encoding="utf-8")


def test_a_note_under_an_empty_table_becomes_its_note(tmp_path):
    spec = TableSpec([["功能科目代码", "功能科目名称", "金额"], ["", "合计", ""], ["", "", ""]],
                     above=["公开10表", "财政拨款政府性基金支出预算表", f"{DEPT}  {UNIT}"], below=["注：本部门无该项目"])
    data, _ = run(tmp_path, [draw_pdf(tmp_path / "t.pdf", [[FUNCTION_05], [spec]])])
    empty = data["收支"]["分类表"][1]
    assert empty == {"表号": "公开10表", "名称": "财政拨款政府性基金支出预算表", "分类": "功能分类",
                     "口径": "政府性基金预算", "说明": "本部门无该项目"}


def test_an_unknown_table_is_reported_with_its_page_and_kept_as_a_comment(tmp_path):
    odd = TableSpec([["指标", "数值"], ["虚构指标", "12.00"]], above=["虚构统计表", f"{DEPT}  {UNIT}"])
    data, result = run(tmp_path, [draw_pdf(tmp_path / "t.pdf", [[FUNCTION_05], [odd]])])
    assert [(u.where, u.what) for u in result.unplaced] == [("第2页", "表格“虚构统计表”（未能识别）")]
    text = out_path(tmp_path).read_text(encoding="utf-8")
    assert "# 未能归入：表格“虚构统计表”（未能识别）（t.pdf 第2页）：" in text
    assert "#   虚构指标 | 12.00" in text


def test_a_workbook_with_merged_cells_gives_the_same_draft(tmp_path):
    sheet = TableSpec([["功能科目代码", "功能科目名称", "金额"], ["", "合计", FUNCTION_TOTAL]]
                      + [list(r) for r in FUNCTION_ROWS],
                      above=["公开05表", "2024年财政拨款支出预算表", f"{DEPT}  {UNIT}"])
    three = TableSpec([["合计", "“三公”经费", None, None, None, None, None, "会议费", "培训费"],
                       [UP, "小计", "因公出国（境）费", "公务用车购置及运行维护费", None, None, "公务接待费", UP, UP],
                       [UP, UP, UP, "小计", "公务用车购置费", "公务用车运行维护费", UP, UP, UP],
                       ["30.00", "20.00", "10.00", "5.00", "0.00", "5.00", "5.00", "6.50", "3.50"]],
                      above=["“三公”经费、会议费、培训费支出预算表", f"{DEPT}  {UNIT}"])
    book = write_xlsx(tmp_path / "tables.xlsx", {"05": sheet, "09": three})
    data, result = run(tmp_path, [book])
    assert data["收支"]["分类表"][0]["行"] == expected_rows()
    assert data["收支"]["分类表"][0]["合计"] == Decimal("1314.50")
    assert data["三公"]["公务用车购置费"] == Decimal("0.00")
    assert data["三公"]["会议费"] == Decimal("6.50")
    assert "金额: 80.00}" in out_path(tmp_path).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# Errors


def test_a_pdf_without_a_text_layer_is_a_clear_error(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(50, 50, 200, 100)  # lines only: what a scanned page has instead of text
    pdf.save()
    with pytest.raises(ImportFailure, match="no text layer.*no OCR"):
        run(tmp_path, [path])


def test_the_region_is_taken_from_the_files_beside_out_or_asked_for(tmp_path):
    pdf = draw_pdf(tmp_path / "t.pdf", [[FUNCTION_05]])
    out = out_path(tmp_path)
    with pytest.raises(ImportFailure, match=r"region.*pass --region"):
        import_documents([pdf], out)
    out.parent.mkdir(parents=True)
    sibling = out.with_name("2023.yaml")
    sibling.write_text("元数据:\n  地区: {省: 虚构省, 市: 虚构市}\n", encoding="utf-8")
    import_documents([pdf], out)
    assert load(out)["元数据"]["地区"] == {"省": "虚构省", "市": "虚构市"}


def test_a_missing_year_and_unit_name_the_options_to_pass(tmp_path):
    spec = TableSpec([["功能科目代码", "功能科目名称", "金额"], ["201", "一般公共服务支出", "5.00"]],
                     above=["财政拨款支出预算表"])
    pdf = draw_pdf(tmp_path / "t.pdf", [[spec]])
    with pytest.raises(ImportFailure) as err:
        run(tmp_path, [pdf], year=None)
    message = str(err.value)
    assert "--year" in message and "--unit" in message and "--department" in message
    data, _ = run(tmp_path, [pdf], year=2024, unit="元", department="虚构局")
    assert data["元数据"]["金额单位"] == "元"


def test_a_file_of_another_kind_is_refused(tmp_path):
    path = tmp_path / "tables.docx"
    path.write_bytes(b"PK")
    with pytest.raises(ImportFailure, match=r"\.docx.*PDF.*\.xlsx"):
        run(tmp_path, [path])


def test_a_site_teaches_the_importer_a_new_title(tmp_path):
    spec = class_table("", "虚构口径功能支出表", FUNCTION_ROWS, FUNCTION_TOTAL)
    pdf = draw_pdf(tmp_path / "t.pdf", [[spec]])
    _, result = run(tmp_path, [pdf], kind="预算")
    assert result.tables == []
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "tables:\n"
        "  - name: 虚构口径功能支出表\n"
        "    titles: [虚构口径功能支出表]\n"
        "    kind: 预算\n"
        "    layout: classification\n"
        "    target: 收支.分类表\n"
        "    set: {分类: 功能分类, 口径: 虚构口径}\n", encoding="utf-8")
    data, result = run(tmp_path, [pdf], recognisers=[extra])
    assert result.tables == ["虚构口径功能支出表"]
    assert data["收支"]["分类表"][0]["口径"] == "虚构口径"
    assert data["收支"]["分类表"][0]["行"] == expected_rows()


def test_a_broken_recognisers_file_is_a_clear_error(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text("tables:\n  - name: x\n    titles: [x]\n    layout: diagonal\n    target: 收支\n", encoding="utf-8")
    pdf = draw_pdf(tmp_path / "t.pdf", [[FUNCTION_05]])
    with pytest.raises(ImportFailure, match=r"mine.yaml: tables\[0\].*layout must be one of"):
        run(tmp_path, [pdf], recognisers=[extra])


def test_the_command_writes_the_draft_and_prints_validate(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pdf = draw_pdf(tmp_path / "t.pdf", [[FUNCTION_05]])
    status = main(["import", str(pdf), "-o", "content/xugou/xugouju/2024.yaml", "--region", "虚构省"])
    printed = capsys.readouterr().out
    assert status == 0
    assert "1 table recognised: 财政拨款支出预算表" in printed
    assert "0 errors, 0 warnings in the draft" in printed
    status = main(["import", str(pdf), "-o", "content/xugou/other/2024.yaml", "--region", "a/b/c/d"])
    assert status == 2
    assert "--region 'a/b/c/d': expected 省, 省/市 or 省/市/县" in capsys.readouterr().err
    # A file that exists (perhaps checked by hand) is not replaced without --force.
    before = (tmp_path / "content/xugou/xugouju/2024.yaml").read_bytes()
    status = main(["import", str(pdf), "-o", "content/xugou/xugouju/2024.yaml", "--region", "虚构省", "--year", "2023"])
    assert status == 2
    err = capsys.readouterr().err
    assert "exists already" in err and "pass --force" in err
    assert (tmp_path / "content/xugou/xugouju/2024.yaml").read_bytes() == before
    assert main(["import", str(pdf), "-o", "content/xugou/xugouju/2024.yaml", "--region", "虚构省", "--force"]) == 0


# ---------------------------------------------------------------------------
# The report's texts


DUTY = "负责虚构事务的统筹协调和监督管理，承担本市虚构工作的组织实施。"
ORG = "1.根据部门职责分工，本部门内设机构包括办公室和业务科，共2个科室。"
UNITS = "2.从预算单位构成看，纳入本部门2024年部门汇总预算编制范围的预算单位共计1家。"
TASK = "1.做好虚构工作。全年计划组织虚构活动4次，完成虚构任务。"
SPLIT_A = "本表（公开01表）反映部门年度总体收支预算情况，根据虚构文"  # two full lines
SPLIT_B = "件填列，与上年相比收、支预算总计各增加10万元。"
SANGONG = "因公出国（境）费预算支出6万元，比上年预算增加1.50万元，主要原因是虚构出访任务增加。"
TERM = "一、财政拨款：指一般公共预算财政拨款和政府性基金预算财政拨款。"
OTHER = "本部门没有需要说明的其他事项，特此说明。"
PERFORMANCE = "2024年本部门共0个项目实行绩效目标管理，涉及财政性资金合计0万元。"


def report_pages():
    return [
        [("h", "虚构市虚构局2024年度部门预算公开")],
        [("h", "目 录"), ("h", "第一部分 部门概况"), ("h", "一、主要职能"), ("h", "第四部分 名词解释")],
        [("h", "第一部分 部门概况"), ("h", "一、主要职能"), ("p", DUTY),
         ("h", "二、部门机构设置及预算单位构成情况"), ("p", ORG), ("p", UNITS),
         ("h", "三、2024年部门主要工作任务及目标"), ("p", TASK), ("n", "- 3 -")],
        [("h", "第三部分 2024年度部门预算情况说明"), ("h", "一、收支预算总体情况说明"), ("p>", SPLIT_A), ("n", "- 4 -")],
        [("c", SPLIT_B), ("h2", "九、一般公共预算“三公”经费、会议费、培训费支出预算表情况说明"), ("p", SANGONG),
         ("h", "十四、预算绩效目标设置情况说明"), ("p", PERFORMANCE),
         ("h", "十五、其他需要说明的事项"), ("p", OTHER)],
        [("h", "第四部分 名词解释"), ("p", TERM)],
    ]


def test_the_report_texts_go_under_their_headings(tmp_path):
    report = draw_report(tmp_path / "report.pdf", report_pages())
    tables = draw_pdf(tmp_path / "tables.pdf", [[FUNCTION_05]])
    data, result = run(tmp_path, [report, tables], year=None)
    meta = data["元数据"]
    assert (meta["部门"], meta["年度"], meta["类型"], meta["标题"]) == ("虚构市虚构局", 2024, "预算", "虚构市虚构局2024年度部门预算公开")
    duties = data["职责"]
    assert duties["主要职能"] == [DUTY]
    assert duties["机构设置说明"] == ORG[2:]
    assert duties["预算单位构成"] == UNITS[2:]
    assert duties["主要工作任务"] == [{"标题": "做好虚构工作", "内容": "全年计划组织虚构活动4次，完成虚构任务。"}]
    # A paragraph broken by the page number and the page break is one text.
    assert data["收支"]["情况说明"] == [{"标题": "收支预算总体情况说明", "内容": SPLIT_A + SPLIT_B}]
    # The stated change from last year, with its figures as printed and its reason.
    assert data["三公"] == {"说明": SANGONG, "比上年": [
        {"项目": "因公出国（境）费", "本年": Decimal("6"), "变化": "增加", "增减额": Decimal("1.50"), "原因": "虚构出访任务增加"}]}
    assert data["名词解释"] == {"术语": {"财政拨款": "指一般公共预算财政拨款和政府性基金预算财政拨款。"}}
    # The heading nobody knows: its paragraph is reported with its page, and kept as a comment.
    assert [(u.where, u.text) for u in result.unplaced] == [("第5页", OTHER)]
    assert f"#   {OTHER}" in out_path(tmp_path).read_text(encoding="utf-8")
    assert data["绩效"] == {"状态": "无", "说明": PERFORMANCE}  # “共0个项目”: disclosed as none
    assert data["国有资产"] == "未公开"  # the report was read: what it does not hold is not disclosed
    assert "收录范围" not in meta
    # The table of contents is not a text of the draft.
    assert "目录" not in out_path(tmp_path).read_text(encoding="utf-8")


def test_the_summary_table_gives_totals_revenue_rows_and_functions(tmp_path):
    # 收支预算总表: three label | amount column pairs under a merged two-level header.
    rows = [
        ["收入", None, "支出", None, None, None],
        ["项目名称", "金额", "功能分类", None, "支出用途", None],
        [UP, UP, "功能科目名称", "金额", "项目名称", "金额"],
        ["一、财政拨款", "1,314.50", "一、一般公共服务支出", "1,234.50", "一、基本支出", "1,000.00"],
        ["1.一般公共预算", "1,314.50", "二、外交支出", "", "二、项目支出", "394.50"],
        ["2.政府性基金预算", "", "三、住房保障支出", "80.00", "", ""],
        ["二、其他资金", "80.00", "", "", "", ""],
        ["当年收入小计", "1,394.50", "当年支出小计", None, None, "1,394.50"],
        ["上年结转资金", "", "结转下年资金", None, None, ""],
        ["收入合计", "1,394.50", "支出合计", None, None, "1,394.50"],
    ]
    spec = TableSpec(rows, above=["公开01表", "收支预算总表", f"{DEPT}  {UNIT}"], widths=[120, 70, 150, 70, 110, 70])
    data, result = run(tmp_path, [draw_pdf(tmp_path / "t.pdf", [[spec]])])
    finance = data["收支"]
    assert {k: finance[k] for k in ("收入合计", "当年收入小计", "支出合计", "当年支出小计", "基本支出", "项目支出")} == {
        "收入合计": Decimal("1394.50"), "当年收入小计": Decimal("1394.50"), "支出合计": Decimal("1394.50"),
        "当年支出小计": Decimal("1394.50"), "基本支出": Decimal("1000.00"), "项目支出": Decimal("394.50")}
    assert "上年结转" not in finance and "结转下年" not in finance  # empty cells: missing keys
    # Revenue rows keep a printed row without an amount; 1. rows nest under 一、 rows.
    assert finance["收入"] == [
        {"名称": "财政拨款", "金额": Decimal("1314.50"),
         "子项": [{"名称": "一般公共预算", "金额": Decimal("1314.50")}, {"名称": "政府性基金预算"}]},
        {"名称": "其他资金", "金额": Decimal("80.00")},
    ]
    # Functions: only those with an amount, numbering removed.
    assert finance["支出按功能分类"] == [{"名称": "一般公共服务支出", "金额": Decimal("1234.50")},
                                   {"名称": "住房保障支出", "金额": Decimal("80.00")}]
    assert result.unplaced == []


def test_a_file_that_is_not_a_pdf_is_a_clear_error(tmp_path):
    path = tmp_path / "tables.pdf"
    path.write_bytes(b"this is not a PDF at all")
    with pytest.raises(ImportFailure, match=r"tables.pdf: not a readable PDF"):
        run(tmp_path, [path])


def test_a_recognisers_file_beside_site_toml_is_read(tmp_path):
    spec = class_table("", "虚构口径功能支出表", FUNCTION_ROWS, FUNCTION_TOTAL)
    pdf = draw_pdf(tmp_path / "t.pdf", [[spec]])
    (tmp_path / "import-recognisers.yaml").write_text(
        "tables:\n"
        "  - {name: 虚构口径功能支出表, titles: [虚构口径功能支出表], kind: 预算, layout: classification,\n"
        "     target: 收支.分类表, set: {分类: 功能分类, 口径: 虚构口径}}\n", encoding="utf-8")
    data, result = run(tmp_path, [pdf], project_root=tmp_path)
    assert result.tables == ["虚构口径功能支出表"]
    assert data["收支"]["分类表"][0]["行"] == expected_rows()


def test_a_juesuan_table_is_added_as_data_and_reads_its_own_column(tmp_path):
    rows = [["科目编码", "科目名称", "年初预算数", "决算数"], ["", "合计", "1,300.00", "1,314.50"]]
    rows += [[c, n, "1.00", a] for c, n, a in FUNCTION_ROWS]
    spec = TableSpec(rows, above=["一般公共预算财政拨款支出决算表（虚构）", f"{DEPT}  {UNIT}"], widths=[90, 250, 90, 90])
    extra = tmp_path / "juesuan.yaml"
    extra.write_text(
        "tables:\n"
        "  - name: 一般公共预算财政拨款支出决算表\n"
        "    titles: [一般公共预算财政拨款支出决算表]\n"
        "    kind: 决算\n"
        "    layout: classification\n"
        "    target: 收支.分类表\n"
        "    columns: {金额: [决算数]}\n"
        "    set: {分类: 功能分类, 口径: 一般公共预算}\n", encoding="utf-8")
    data, result = run(tmp_path, [draw_pdf(tmp_path / "t.pdf", [[spec]])], recognisers=[extra])
    assert data["元数据"]["类型"] == "决算"
    table = data["收支"]["分类表"][0]
    assert table["合计"] == Decimal("1314.50")
    assert table["行"] == expected_rows()  # the 决算数 column, not 年初预算数


def test_the_standard_juesuan_tables_are_read_with_every_printed_column(tmp_path):
    # 表五 as Shanghai prints it: the code in three columns (类 | 款 | 项) under merged headers,
    # the 合计 row last; 表三 with one code column, its 合计 row first and a printed 0.00.
    general = [
        ["项目", None, None, None, "合计", "基本支出", "项目支出"],
        ["支出功能分类科目编码", None, None, "科目名称", UP, UP, UP],
        ["类", "款", "项", UP, UP, UP, UP],
        ["201", "", "", "一般公共服务支出", "120.50", "100.00", "20.50"],
        ["201", "06", "", "财政事务", "120.50", "100.00", "20.50"],
        ["201", "06", "01", "行政运行", "100.00", "100.00", ""],
        ["201", "06", "02", "一般行政管理事务", "20.50", "", "20.50"],
        ["合计", None, None, None, "120.50", "100.00", "20.50"],
    ]
    spending = [
        ["功能分类科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"],
        ["", "合计", "1,030.00", "1,030.00", "0.00"],
        ["208", "社会保障和就业支出", "1,030.00", "1,030.00", "0.00"],
    ]
    specs = [TableSpec(general, above=["一般公共预算财政拨款支出决算表（虚构）", f"{DEPT}  {UNIT}"],
                       widths=[40, 40, 40, 200, 70, 70, 70]),
             TableSpec(spending, above=["支出决算表（虚构）", f"{DEPT}  {UNIT}"], widths=[90, 180, 80, 80, 80])]
    data, result = run(tmp_path, [draw_pdf(tmp_path / "t.pdf", [[specs[0]], [specs[1]]])])
    assert data["元数据"]["类型"] == "决算"
    tables = data["收支"]["决算表"]
    d = Decimal
    assert tables["一般公共预算财政拨款支出决算表"] == {
        "合计": {"合计": d("120.50"), "基本支出": d("100.00"), "项目支出": d("20.50")},
        "行": [
            {"编码": "201", "名称": "一般公共服务支出", "合计": d("120.50"), "基本支出": d("100.00"), "项目支出": d("20.50")},
            {"编码": "20106", "名称": "财政事务", "合计": d("120.50"), "基本支出": d("100.00"), "项目支出": d("20.50")},
            {"编码": "2010601", "名称": "行政运行", "合计": d("100.00"), "基本支出": d("100.00")},
            {"编码": "2010602", "名称": "一般行政管理事务", "合计": d("20.50"), "项目支出": d("20.50")},
        ]}
    assert tables["支出决算表"] == {
        "合计": {"本年支出合计": d("1030.00"), "基本支出": d("1030.00"), "项目支出": d("0.00")},
        "行": [{"编码": "208", "名称": "社会保障和就业支出", "本年支出合计": d("1030.00"), "基本支出": d("1030.00"),
                "项目支出": d("0.00")}]}
    assert result.unplaced == []


def test_a_juesuan_table_printed_as_two_blocks_side_by_side(tmp_path):
    # 表六: 编码 | 名称 | 决算数 twice; the left block is read first, then the right one. A line
    # without a figure is left out; a name the layout spaced out (公 务 接 待 费) is joined.
    rows = [
        ["经济分类科目编码", "科目名称", "决算数", "经济分类科目编码", "科目名称", "决算数"],
        ["301", "工资福利支出", "90.00", "302", "商品和服务支出", "12.00"],
        ["30101", "基本工资", "90.00", "30201", "办公费", "10.00"],
        ["30103", "奖金", "", "30217", "公 务 接 待 费", "2.00"],
        ["人员经费合计", None, "90.00", "公用经费合计", None, "12.00"],
    ]
    spec = TableSpec(rows, above=["一般公共预算财政拨款基本支出决算表（虚构）", f"{DEPT}  {UNIT}"],
                     widths=[80, 150, 60, 80, 150, 60])
    data, result = run(tmp_path, [draw_pdf(tmp_path / "t.pdf", [[spec]])])
    d = Decimal
    assert data["收支"]["决算表"]["一般公共预算财政拨款基本支出决算表"] == {"行": [
        {"编码": "301", "名称": "工资福利支出", "决算数": d("90.00")},
        {"编码": "30101", "名称": "基本工资", "决算数": d("90.00")},
        {"编码": "302", "名称": "商品和服务支出", "决算数": d("12.00")},
        {"编码": "30201", "名称": "办公费", "决算数": d("10.00")},
        {"编码": "30217", "名称": "公务接待费", "决算数": d("2.00")},
    ], "人员经费合计": d("90.00"), "公用经费合计": d("12.00")}
    assert result.unplaced == []

def test_a_juesuan_table_printed_empty_is_none_with_its_note(tmp_path):
    rows = [
        ["功能分类科目编码", "科目名称", "年初结转和结余", "本年收入", "本年支出", "年末结转和结余"],
        ["", "", "", "", "", ""],
        ["合计", None, "", "", "", ""],
    ]
    spec = TableSpec(rows, above=["政府性基金预算财政拨款收入支出决算表（虚构）", f"{DEPT}  {UNIT}"],
                     below=["注：虚构局无政府性基金预算财政拨款支出，故本表无数据。"], widths=[90, 150, 70, 70, 70, 70])
    data, result = run(tmp_path, [draw_pdf(tmp_path / "t.pdf", [[spec]])])
    assert data["收支"]["决算表"]["政府性基金预算财政拨款收入支出决算表"] == {
        "状态": "无", "说明": "虚构局无政府性基金预算财政拨款支出，故本表无数据。"}
    assert result.unplaced == []

def test_the_two_sided_juesuan_totals_table(tmp_path):
    # 财政拨款收入支出决算总表: 收入 | 支出 side by side, the 支出 side with a column per kind of
    # appropriation; the lines under 年初财政拨款结转和结余 are its own list; lines without figures left out.
    rows = [
        ["收入", None, "支出", None, None, None],
        ["项目", "决算数", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款"],
        ["一、一般公共预算财政拨款", "100.00", "一、一般公共服务支出", "90.00", "90.00", ""],
        ["二、政府性基金预算财政拨款", "", "二、外交支出", "", "", ""],
        ["本年收入合计", "100.00", "本年支出合计", "90.00", "90.00", ""],
        ["年初财政拨款结转和结余", "5.00", "年末财政拨款结转和结余", "15.00", "15.00", ""],
        ["一、一般公共预算财政拨款", "5.00", "", "", "", ""],
        ["总计", "105.00", "总计", "105.00", "105.00", ""],
    ]
    spec = TableSpec(rows, above=["财政拨款收入支出决算总表（虚构）", f"{DEPT}  {UNIT}"], widths=[130, 50, 110, 50, 80, 80],
                     font_size=7)
    data, result = run(tmp_path, [draw_pdf(tmp_path / "t.pdf", [[spec]])])
    d = Decimal
    assert data["收支"]["决算表"]["财政拨款收入支出决算总表"] == {
        "收入": [{"名称": "一般公共预算财政拨款", "决算数": d("100.00")}],
        "本年收入合计": d("100.00"),
        "年初结转和结余": d("5.00"),
        "年初结转和结余明细": [{"名称": "一般公共预算财政拨款", "决算数": d("5.00")}],
        "收入总计": d("105.00"),
        "支出": [{"名称": "一般公共服务支出", "合计": d("90.00"), "一般公共预算财政拨款": d("90.00")}],
        "本年支出合计": {"合计": d("90.00"), "一般公共预算财政拨款": d("90.00")},
        "年末结转和结余": {"合计": d("15.00"), "一般公共预算财政拨款": d("15.00")},
        "支出总计": {"合计": d("105.00"), "一般公共预算财政拨款": d("105.00")},
    }
    assert result.unplaced == []

# ---------------------------------------------------------------------------
# A real disclosure, where the sources are present (../shared/sources or $SITE_BUILDER_SOURCES)


def test_a_jiangsu_disclosure_imports_with_every_table_as_checked(tmp_path):
    from benchmarks.import_accuracy import compare_rows, tables_of
    from tests.test_jiangsu_sources import SKIP_SOURCES, sources_root

    root = sources_root()
    if root is None:
        pytest.skip(SKIP_SOURCES)
    files = [root / "zhengxie-bangongting" / f"2019-{part}.pdf" for part in ("report", "tables")]
    out = tmp_path / "content" / "jiangsu" / "zhengxie-bangongting" / "2019.yaml"
    import_documents(files, out, region="江苏省")
    truth = tables_of(load(Path(__file__).resolve().parents[1] / "content/jiangsu/zhengxie-bangongting/2019.yaml"))
    draft = tables_of(load(out))
    for name in ("分类表 财政拨款支出预算表", "分类表 财政拨款基本支出预算表", "分类表 一般公共预算支出预算表",
                 "分类表 一般公共预算基本支出预算表", "机关运行经费", "支出按功能分类", "财政拨款收支总表"):
        score = compare_rows(truth[name], draft[name])
        assert (score.identical, score.missing, score.extra) == (score.truth, 0, 0), (name, score.notes)
    reporter = Reporter()
    validate(out, reporter)
    assert reporter.errors == []


@pytest.mark.parametrize("text", ["一般公共服务支出", "201", "0.50", "yes", "null", "- 虚构", "a: b", "注：虚构 #1",
                                  "{虚构}", "[虚构]", "虚构, 逗号", " 前有空格", "“三公”经费", "100%", "'单引号'",
                                  '"双引号"', "*星号", "&锚", "!标签", "多行\n文本", "~", "@at", "`反引号`",
                                  "  缩进\n第二行", "第一行\n  缩进", "末尾换行\n", "制表\t符"])
def test_every_text_survives_the_draft_as_written(text):
    from site_builder.importer.draft import dump

    data = {"元数据": {"部门": text}, "收支": {"分类表": [{"名称": text, "行": [{"编码": text, "名称": text}]}]}}
    parsed = parse_yaml(dump(data)).data
    assert parsed["元数据"]["部门"] == text
    assert parsed["收支"]["分类表"][0]["名称"] == text
    assert parsed["收支"]["分类表"][0]["行"][0] == {"编码": text, "名称": text}


def test_a_sentence_explaining_a_row_becomes_its_note(tmp_path):
    pages = [[("h", "第三部分 2024年度部门预算情况说明"), ("h", "六、财政拨款基本支出预算表情况说明"),
              ("p", "本表反映部门年度财政拨款基本支出预算安排情况。"),
              ("p", "（1）基本工资（款）支出900万元。用于发放虚构人员的基本工资。"),
              ("p", "（2）奖金（款）支出5万元。用于发放虚构奖金。")]]
    report = draw_report(tmp_path / "report.pdf", pages)
    table = class_table("公开06表", "财政拨款基本支出预算表",
                        [("301", "工资福利支出", "900.00"), ("30101", "基本工资", "900.00")], "900.00",
                        code_header="科目编码", name_header="科目名称")
    data, _ = run(tmp_path, [report, draw_pdf(tmp_path / "tables.pdf", [[table]])], department="虚构局")
    rows = data["收支"]["分类表"][0]["行"]
    assert rows[1] == {"编码": "30101", "名称": "基本工资", "金额": Decimal("900.00"), "说明": "用于发放虚构人员的基本工资。"}
    assert "说明" not in rows[0]  # 工资福利支出 900.00: no sentence names it
    # 奖金 5万元 names no row of the table: the sentence stays in 情况说明 only.
    assert "（2）奖金（款）支出5万元。用于发放虚构奖金。" in data["收支"]["情况说明"][0]["内容"]
