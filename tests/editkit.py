"""Every kind of edit a site's author makes, for the tests that compare a cached rebuild with a cold build.

``edit_site`` writes a fictitious (虚构) site of three departments: 示例局 (2020 and 2021, so a
comparison) in 虚构县, and two departments of 虚构邻县 below one region folder (``linxian``).
``EDITS`` are applied to it one after another, each after a build; after each, a build through
a cache (``site-builder build``'s, the preview's) must give what a cold build gives, byte for
byte. Two of them leave the site in error on purpose: a region renamed in one of the two files
below its folder (the other still gives the old name), then in the other one.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sitekit import MINIMAL_PATH, OTHER_PATH, SECOND_PATH, other_department, replace_line, two_department_site, year_variant
import site_builder
from site_builder.site.render import BUILTIN_THEMES

THIRD_PATH = "content/xugou/xugou-shi/linxian/caizheng/2020.yaml"  # a second department below linxian
ADDED_PATH = "content/xugou/xugou-shi/xugou-xian/shili/2019.yaml"
RENAMED_FOLDER = ("content/xugou/xugou-shi/linxian/gongan", "content/xugou/xugou-shi/linxian/jingwu")
SOURCE = "content/xugou/xugou-shi/xugou-xian/shili/xugou-2020.pdf"
SPENDING = "  项目支出: 400.00\n"


def third_department() -> str:
    return (other_department().replace("虚构邻县公安局（虚构数据）", "虚构邻县财政局（虚构数据）")
            .replace('"999002"', '"999003"').replace("公务接待费: 10", "公务接待费: 12").replace("合计: 30", "合计: 32"))


def edit_site(root: Path, title: str) -> Path:
    two_department_site(root, title)
    (root / THIRD_PATH).parent.mkdir(parents=True)
    (root / THIRD_PATH).write_text(third_department(), encoding="utf-8")
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    path.write_text(replace_line(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")


def economic_rows(code: str) -> str:
    """An economic classification table of one 类 and one 款: 住房公积金 under ``code`` (30311 before 2018's renumbering)."""
    return (SPENDING + "  分类表:\n    - 名称: 一般公共预算基本支出表（虚构）\n      分类: 经济分类\n      合计: 600.00\n"
            f"      行:\n        - {{编码: \"{code[:3]}\", 名称: 虚构类, 金额: 600.00}}\n"
            f"        - {{编码: \"{code}\", 名称: 住房公积金, 金额: 600.00}}\n")


def add_rows(root: Path) -> None:
    edit(root, MINIMAL_PATH, SPENDING, economic_rows("30311"))
    edit(root, SECOND_PATH, SPENDING, economic_rows("30113"))


def add_crosswalk(root: Path) -> None:
    """30311 became 30113 in 2021: the comparison of 2020 with 2021 follows the row rather than listing two."""
    (root / "crosswalk.yaml").write_text(
        "科目调整:\n  - {分类: 经济分类, 上年编码: \"30311\", 编码: \"30113\", 名称: 住房公积金, 起始年度: 2021,"
        " 来源: 虚构的测试对照}\n", encoding="utf-8")


def add_source(root: Path) -> None:
    (root / SOURCE).write_bytes(b"%PDF-1.4\n% fictitious source document (\xe8\x99\x9a\xe6\x9e\x84)\n%%EOF\n")
    edit(root, MINIMAL_PATH, "    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）",
         "    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）\n      文件: xugou-2020.pdf")


def change_source(root: Path) -> None:  # the PDF only: its YAML is as it was
    (root / SOURCE).write_bytes((root / SOURCE).read_bytes().replace(b"fictitious", b"fictitious, corrected,"))


def change_template(root: Path) -> None:
    base = (BUILTIN_THEMES / "default" / "templates" / "base.html").read_text(encoding="utf-8")
    path = root / "themes/default/templates/base.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(base.replace("</footer>", "<p>虚构页脚（模板已改）</p>\n</footer>"), encoding="utf-8")


def change_scorecard(root: Path) -> None:
    items = (Path(site_builder.__file__).parent / "defaults/scorecard.yaml").read_text(encoding="utf-8")
    (root / "scorecard.yaml").write_text(items.replace("名称: 名词解释, 栏目: 名词解释, 权重: 8",
                                                       "名称: 名词解释, 栏目: 名词解释, 权重: 30"), encoding="utf-8")


def rename_folder(root: Path) -> None:
    os_from, os_to = (root / p for p in RENAMED_FOLDER)
    shutil.move(os_from, os_to)


@dataclass(frozen=True)
class Edit:
    what: str
    apply: Callable[[Path], None]
    error: str = ""  # a build after it fails, with an error whose message holds this
    rebuilt: int | None = None  # departments a build through the cache must make again (None: not counted)
    quick: bool = False  # the preview answers it first with what shows the edited year (build/quickpath.py)


EDITS: list[Edit] = [
    Edit("a figure", lambda root: edit(root, MINIMAL_PATH, "公务接待费: 10", "公务接待费: 17"), rebuilt=1, quick=True),
    Edit("a text", lambda root: edit(root, SECOND_PATH, "总体目标: 完成示例任务（虚构）。", "总体目标: 完成另一示例任务（虚构）。"),
         rebuilt=1, quick=True),
    Edit("classification rows", add_rows, rebuilt=1),
    Edit("crosswalk.yaml", add_crosswalk, rebuilt=1),  # the one department with comparisons
    Edit("a file added", lambda root: (root / ADDED_PATH).write_text(year_variant(2019), encoding="utf-8"), rebuilt=1),
    Edit("a file removed", lambda root: (root / SECOND_PATH).unlink(), rebuilt=1),
    Edit("a department's folder renamed", rename_folder, rebuilt=1),
    Edit("a source document added", add_source, rebuilt=1),
    Edit("a source document changed", change_source, rebuilt=1),
    # Two departments below linxian: renamed in one file, the other still says 虚构邻县 — an error —,
    # then in the other: the county's pages, the city's and the home page show the new name.
    Edit("a region renamed in one file", lambda root: edit(root, THIRD_PATH, "县: 虚构邻县", "县: 虚构新邻县"),
         error="one folder is one region"),
    Edit("the region renamed in the other file",
         lambda root: edit(root, RENAMED_FOLDER[1] + "/2020.yaml", "县: 虚构邻县", "县: 虚构新邻县"), rebuilt=2),
    Edit("a template changed", change_template, rebuilt=3),
    Edit("site.toml changed", lambda root: edit(root, "site.toml", 'title = "', 'title = "新'), rebuilt=3),
    Edit("the scorecard items", change_scorecard, rebuilt=3),
]
