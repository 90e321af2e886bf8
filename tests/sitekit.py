"""Write a small site from one string, Hugo-style, and run the pipeline on it.

    write_tree(tmp_path, '''
    -- content/hebei/x/2020.yaml --
    元数据: ...
    ''')

All data written by these helpers is fictitious (虚构) and says so in its names.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from site_builder.problems import Reporter
from site_builder.build.validate import validate

_SECTION = re.compile(r"^-- (?P<path>\S+) --$", re.M)

# A complete, valid, fictitious department-year: a county-level 预算 in 元 with every section.
MINIMAL = """\
元数据:
  地区: {省: 虚构省, 市: 虚构市, 县: 虚构县}
  部门: 虚构县示例局（虚构数据）
  部门编码: "999001"
  年度: 2020
  类型: 预算
  金额单位: 元
  来源:
    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）
职责:
  主要职能:
    - 负责示例工作（虚构）。
  机构设置:
    - {单位名称: 虚构县示例局, 单位性质: 行政, 单位规格: 正科级, 经费保障形式: 财政拨款}
收支:
  收入合计: 1000.00
  收入:
    - {名称: 一般公共预算拨款收入, 金额: 1000.00}
  支出合计: 1000.00
  基本支出: 600.00
  人员经费: 500.00
  公用经费: 100.00
  项目支出: 400.00
三公:
  合计: 30
  因公出国境费: 0
  公务用车购置费: 0
  公务用车运行维护费: 20
  公务接待费: 10
绩效:
  总体目标: 完成示例任务（虚构）。
  项目:
    - 编码: X-001
      名称: 示例项目（虚构）
      预算数: 400.00
      财政资金: 400.00
      支出计划: {3月底: 30, 6月底: 60, 10月底: 90, 12月底: 100}
      指标:
        - {一级: 产出指标, 二级: 数量指标, 三级: 示例完成率, 指标值: "≥95%"}
政府采购: 无
国有资产: 未公开
名词解释:
  术语:
    基本支出: 指为保障机构正常运转而发生的支出。
"""

MINIMAL_PATH = "content/xugou/xugou-shi/xugou-xian/shili/2020.yaml"


def write_tree(root: Path, spec: str) -> Path:
    """Write every ``-- path --`` section of ``spec`` below ``root``; return ``root``."""
    spec = textwrap.dedent(spec)
    parts = _SECTION.split(spec)
    for i in range(1, len(parts), 2):
        path = root / parts[i]
        path.parent.mkdir(parents=True, exist_ok=True)
        body = parts[i + 1].lstrip("\n")
        path.write_text(body, encoding="utf-8")
    return root


def run_validate(root: Path, target: str = "content") -> tuple[list[str], Reporter]:
    """Validate ``root/target`` from inside ``root``; return the printed problem lines and the reporter."""
    import os

    old = os.getcwd()
    os.chdir(root)
    try:
        reporter = Reporter()
        validate(Path(target), reporter)
        return [str(p) for p in reporter.sorted()], reporter
    finally:
        os.chdir(old)


def replace_line(text: str, old: str, new: str) -> str:
    """``text`` with the one line containing ``old`` replaced by ``new`` (asserting it exists once)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first occurrence of ``needle``."""
    return text[: text.index(needle)].count("\n") + 1


def year_variant(number: int) -> str:
    """MINIMAL for another year of the same fictitious department."""
    return MINIMAL.replace("年度: 2020", f"年度: {number}").replace("2020年部门预算", f"{number}年部门预算")


def other_department() -> str:
    """MINIMAL for a second fictitious department in a neighbouring county."""
    return (MINIMAL.replace("县: 虚构县", "县: 虚构邻县").replace("虚构县示例局（虚构数据）", "虚构邻县公安局（虚构数据）")
            .replace('"999001"', '"999002"'))


SECOND_PATH = "content/xugou/xugou-shi/xugou-xian/shili/2021.yaml"
OTHER_PATH = "content/xugou/xugou-shi/linxian/gongan/2020.yaml"


def two_department_site(root: Path, title: str) -> Path:
    """A fictitious site of two departments, one of them with two years (so a comparison page)."""
    return write_tree(root, f"""
-- {MINIMAL_PATH} --
{MINIMAL}
-- {SECOND_PATH} --
{year_variant(2021)}
-- {OTHER_PATH} --
{other_department()}
-- site.toml --
title = "{title}"
""")
