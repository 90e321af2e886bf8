"""Free text on pages: Markdown without raw HTML, and a fast path for plain text that reads the same."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from site_builder.content.load import load_content
from site_builder.site.markup import MarkdownRenderer, clean, dash_lists
from site_builder.problems import Reporter

ROOT = Path(__file__).resolve().parents[1]


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(k) + strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def test_plain_text_skips_markdown_but_reads_the_same() -> None:
    md = MarkdownRenderer()
    texts = {s for e in load_content(ROOT / "content", Reporter()) for s in strings(e.model.model_dump(mode="json"))}
    texts |= {"1. 第一项", "- 一项", "2018年本部门", "10.5万元", "a*b*c", "    缩进", "“三公”经费", "A & B"}
    for text in sorted(texts):
        fast = BeautifulSoup(md(text), "html.parser")
        full = BeautifulSoup(clean(md._md.reset().convert(dash_lists(text))), "html.parser")
        assert [t.name for t in fast.find_all(True)] == [t.name for t in full.find_all(True)], text
        assert fast.get_text() == full.get_text(), text


def test_markdown_lists_and_links() -> None:
    md = MarkdownRenderer()
    assert md("- 甲\n- 乙") == "<ul>\n<li>甲</li>\n<li>乙</li>\n</ul>"
    assert md("[来源](https://example.org/a)") == '<p><a href="https://example.org/a" rel="noopener noreferrer">来源</a></p>'
    assert md("[x](javascript:alert(1))") == '<p><a rel="noopener noreferrer">x</a></p>'
    assert md("<b>粗</b>") == "<p>&lt;b&gt;粗&lt;/b&gt;</p>"
    assert md(None) == ""


def test_lines_that_start_with_a_dash_are_a_list_even_right_after_a_paragraph() -> None:
    # As 江苏省政协办公厅's 情况说明 are written (content/jiangsu/zhengxie-bangongting/2017.yaml): 其中： then items,
    # the nested ones indented by two spaces.
    html = MarkdownRenderer()("本年支出预算合计9,146.79万元，其中：\n- 基本支出5,916.27万元；\n"
                              "  - 1、工资福利支出（类）2,097.51万元\n- 项目支出3,123.68万元。\n\n后记")
    assert html == ("<p>本年支出预算合计9,146.79万元，其中：</p>\n<ul>\n<li>基本支出5,916.27万元；<ul>\n"
                    "<li>1、工资福利支出（类）2,097.51万元</li>\n</ul>\n</li>\n<li>项目支出3,123.68万元。</li>\n</ul>\n<p>后记</p>")
    assert MarkdownRenderer()("增减 -3 - 2 万元\n下一行") == "<p>增减 -3 - 2 万元\n下一行</p>"
