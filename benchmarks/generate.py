"""Fictitious (虚构) department-years at scale, shaped like the real content, for the benchmarks.

    write_fictitious_site(root, 10_000)   # root/content/… and root/site.toml; never the project's content/

Every name says 虚构 and every figure is invented; files are written only below the folder
given (the benchmarks use a new temporary folder). Department ``k`` of a county publishes
``len(YEARS)`` years in a row (预算), so that departments have cross-year comparison pages.

A file is 12–20 KB of YAML, like the real disclosures in content/ (12–38 KB): totals that add
up, revenue by source, a functional-class (功能分类) table 类/款/项 and an economic-class
(经济分类) table 类/款, 机关运行经费 with items, 三公 with a change from last year, three to
seven projects each with a spending plan and an indicator tree (一级 → 二级 → 三级), long
explanatory text, and a glossary. The same (place, year, seed) always gives the same text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

YEARS = (2019, 2020, 2021, 2022, 2023)
KINDS = ("示例局", "样本中心", "演示办公室", "模拟委员会", "试验服务站", "虚拟管理处", "假设事务所", "例证研究院")
PER_COUNTY, PER_CITY, PER_PROVINCE = 8, 8, 8  # departments per county, counties per city, cities per province

SENTENCES = (
    "严格落实中央八项规定精神，厉行节约，坚持过紧日子（虚构）。",
    "专项业务经费主要用于示例事项办理和网上服务平台运行（虚构）。",
    "按照零基预算的要求，统筹安排基本支出和项目支出，保障重点工作（虚构）。",
    "机关运行经费用于保障机关日常运转，日常公用经费比上年压减百分之十（虚构）。",
    "一般公共预算拨款收入是本部门的主要收入来源，其他收入为少量事业收入（虚构）。",
    "基本支出包括人员经费和日常公用经费，项目支出用于完成特定工作任务（虚构）。",
    "政府采购严格执行集中采购目录和采购限额标准，国有资产管理规范有序（虚构）。",
    "会议费、培训费按年度计划列支，严控会议和培训的规模与天数（虚构）。",
    "绩效目标明确，绩效指标细化量化，确保项目支出取得预期效益（虚构）。",
    "公务接待严格执行接待标准，无超标准接待，公务用车运行维护费比上年下降（虚构）。",
    "加强预算执行监控，按月通报支出进度，年底前完成全部支出计划（虚构）。",
    "推进信息公开，按规定时限公开部门预算、决算和“三公”经费（虚构）。",
)
PROJECT_NAMES = ("示例业务专项经费", "信息平台运行维护费", "示例事项办理经费", "基层服务补助资金", "示范点建设经费",
                 "宣传培训经费", "档案整理数字化经费", "专项调研经费", "设备购置更新经费", "示例监测检查经费")
INDICATORS = (
    ("产出指标", "数量指标", "完成示例事项数", "≥{n}件"),
    ("产出指标", "数量指标", "开展培训场次", "≥{n}场"),
    ("产出指标", "质量指标", "事项办结率", "≥95%"),
    ("产出指标", "质量指标", "验收合格率", "=100%"),
    ("产出指标", "时效指标", "按时完成率", "≥90%"),
    ("产出指标", "成本指标", "单位成本控制", "≤{n}万元"),
    ("效益指标", "社会效益指标", "群众知晓率", "≥90%"),
    ("效益指标", "可持续影响指标", "长效机制建立", "逐步完善"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意率", "≥90%"),
)
TERMS = {
    "基本支出": "指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出（虚构释义）。",
    "项目支出": "指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出（虚构释义）。",
    "机关运行经费": "为保障行政单位运行用于购买货物和服务的各项资金，包括办公费、印刷费、水电费等（虚构释义）。",
    "“三公”经费": "指用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费（虚构释义）。",
    "一般公共预算拨款收入": "指本级财政当年拨付的一般公共预算资金（虚构释义）。",
    "政府采购": "指各级国家机关使用财政性资金采购依法制定的集中采购目录以内的或者限额标准以上的货物、工程和服务的行为（虚构释义）。",
}
RUNNING = ("办公费", "印刷费", "水电费", "邮电费", "差旅费", "其他费用")
ECONOMIC_CODES = ("30201", "30202", "30205", "30207", "30211", "30299")  # the running items' 经济分类 款


@dataclass(frozen=True)
class Place:
    """Where the ``number``-th fictitious department is, and what it is called."""

    number: int

    @property
    def province(self) -> int:
        return self.county // (PER_CITY * PER_PROVINCE)

    @property
    def city(self) -> int:
        return self.county // PER_CITY

    @property
    def county(self) -> int:
        return self.number // PER_COUNTY

    @property
    def slugs(self) -> tuple[str, str, str, str]:
        return (f"xg{self.province:02d}", f"xgs{self.city:03d}", f"xgx{self.county:04d}", f"bm{self.number:05d}")

    @property
    def names(self) -> tuple[str, str, str]:
        return (f"虚构第{self.province + 1}省", f"虚构第{self.city + 1}市", f"虚构第{self.county + 1}县")

    @property
    def department(self) -> str:
        return f"{self.names[2]}{KINDS[self.number % len(KINDS)]}（虚构）"


def yuan(cents: int) -> str:
    return str(Decimal(cents) / 100)


def department_year(place: Place, year: int, rng: random.Random, reception: int | None = None) -> str:
    """One fictitious department-year whose sums add up; ``reception`` fixes 公务接待费 (in cents)."""
    def text(k: int) -> str:
        return "".join(rng.sample(SENTENCES, k))

    personnel = rng.randrange(50_000_00, 900_000_00)
    running = [rng.randrange(1_000_00, 30_000_00) for _ in RUNNING]
    public = sum(running)
    projects = [rng.randrange(20_000_00, 600_000_00) for _ in range(rng.randrange(3, 8))]
    basic, project = personnel + public, sum(projects)
    total = basic + project
    grant = total * 9 // 10
    pension, housing = personnel // 8, personnel // 12
    salaries = personnel - pension - housing
    abroad, purchase = 0, rng.choice((0, 0, 180_000_00))
    vehicles = rng.randrange(5_000_00, 60_000_00)
    reception = rng.randrange(1_000_00, 20_000_00) if reception is None else reception
    sangong = abroad + purchase + vehicles + reception
    last_year = sangong + rng.randrange(1_000_00, 10_000_00)
    province, city, county = place.names
    lines = [
        "# 虚构数据：供基准测试使用，不是任何真实部门的公开文件。",
        "元数据:",
        f"  地区: {{省: {province}, 市: {city}, 县: {county}}}",
        f"  部门: {place.department}",
        f'  部门编码: "{900000 + place.number}"',
        f"  年度: {year}",
        "  类型: 预算",
        "  金额单位: 元",
        "  来源:",
        f"    - 标题: {place.department}{year}年部门预算公开说明（虚构）",
        f"      发布者: {place.department}",
        "职责:",
        "  主要职能:",
        f"    - 负责{county}示例事务的组织、协调和监督（虚构）。{text(1)}",
        f"    - 拟订示例工作的发展规划和年度计划并组织实施（虚构）。{text(1)}",
        "    - 承办上级交办的其他示例事项（虚构）。",
        "  机构设置:",
        f"    - {{单位名称: {place.department}, 单位性质: 行政, 单位规格: 正科级, 经费保障形式: 财政拨款}}",
        "  主要工作任务:",
    ]
    for i in range(3):
        lines += [f"    - 标题: 虚构重点任务{i + 1}", f"      内容: {text(3)}"]
    lines += [
        "收支:",
        f"  说明: {year}年收支预算均为虚构数字，用于测试。{text(2)}",
        f"  收入合计: {yuan(total)}",
        "  收入:",
        f"    - {{名称: 一般公共预算拨款收入, 金额: {yuan(grant)}}}",
        f"    - {{名称: 其他收入, 金额: {yuan(total - grant)}}}",
        f"  支出合计: {yuan(total)}",
        f"  基本支出: {yuan(basic)}",
        f"  人员经费: {yuan(personnel)}",
        f"  公用经费: {yuan(public)}",
        f"  项目支出: {yuan(project)}",
        "  分类表:",
        "    - 名称: 一般公共预算支出预算表（虚构）",
        "      分类: 功能分类",
        "      口径: 一般公共预算",
        f"      合计: {yuan(total)}",
        "      行:",
        f'        - {{编码: "201", 名称: 一般公共服务支出, 金额: {yuan(salaries + public + project)}}}',
        f'        - {{编码: "20101", 名称: 虚构示例事务, 金额: {yuan(salaries + public + project)}}}',
        f'        - {{编码: "2010101", 名称: 行政运行, 金额: {yuan(salaries + public)}}}',
        f'        - {{编码: "2010102", 名称: 一般行政管理事务, 金额: {yuan(project)}}}',
        f'        - {{编码: "208", 名称: 社会保障和就业支出, 金额: {yuan(pension)}}}',
        f'        - {{编码: "20805", 名称: 行政事业单位养老支出, 金额: {yuan(pension)}}}',
        f'        - {{编码: "2080505", 名称: 机关事业单位基本养老保险缴费支出, 金额: {yuan(pension)}}}',
        f'        - {{编码: "221", 名称: 住房保障支出, 金额: {yuan(housing)}}}',
        f'        - {{编码: "22102", 名称: 住房改革支出, 金额: {yuan(housing)}}}',
        f'        - {{编码: "2210201", 名称: 住房公积金, 金额: {yuan(housing)}}}',
        "    - 名称: 一般公共预算基本支出预算表（虚构）",
        "      分类: 经济分类",
        "      口径: 一般公共预算",
        f"      合计: {yuan(basic)}",
        "      行:",
        f'        - {{编码: "301", 名称: 工资福利支出, 金额: {yuan(personnel)}}}',
        f'        - {{编码: "30101", 名称: 基本工资, 金额: {yuan(salaries)}}}',
        f'        - {{编码: "30108", 名称: 机关事业单位基本养老保险缴费, 金额: {yuan(pension)}}}',
        f'        - {{编码: "30113", 名称: 住房公积金, 金额: {yuan(housing)}}}',
        f'        - {{编码: "302", 名称: 商品和服务支出, 金额: {yuan(public)}}}',
    ]
    for code, name, amount in zip(ECONOMIC_CODES, RUNNING, running):
        lines.append(f'        - {{编码: "{code}", 名称: {name}, 金额: {yuan(amount)}}}')
    lines += [
        "  机关运行经费:",
        f"    合计: {yuan(public)}",
        "    明细:",
    ]
    for name, amount in zip(RUNNING, running):
        lines.append(f"      - {{名称: {name}, 金额: {yuan(amount)}}}")
    lines += [
        "  情况说明:",
        *[f"    - {{标题: 虚构说明{i + 1}, 内容: {text(4)}}}" for i in range(3)],
        "三公:",
        f"  说明: {text(2)}",
        f"  合计: {yuan(sangong)}",
        f"  因公出国境费: {yuan(abroad)}",
        f"  公务用车购置费: {yuan(purchase)}",
        f"  公务用车运行维护费: {yuan(vehicles)}",
        f"  公务接待费: {yuan(reception)}",
        "  比上年:",
        f"    - {{项目: “三公”经费, 本年: {yuan(sangong)}, 上年: {yuan(last_year)}, 变化: 减少, "
        f"增减额: {yuan(last_year - sangong)}, 原因: 厉行节约，压减公务接待（虚构）。}}",
        "绩效:",
        f"  总体目标: 完成{year}年度各项示例任务（虚构）。{text(3)}",
        "  项目:",
    ]
    for i, amount in enumerate(projects, 1):
        lines += [
            f"    - 编码: XG-{place.number:05d}-{year}-{i}",
            f"      名称: {PROJECT_NAMES[(place.number + i) % len(PROJECT_NAMES)]}{i}号（虚构）",
            f"      预算数: {yuan(amount)}",
            f"      财政资金: {yuan(amount)}",
            f"      资金用途: 用于第{i}项虚构示例工作的开展。{text(1)}",
            "      支出计划: {3月底: 25, 6月底: 50, 10月底: 80, 12月底: 100}",
            "      绩效目标:",
            f"        - {text(2)}",
            "      指标:",
        ]
        for level1, level2, level3, target in rng.sample(INDICATORS, rng.randrange(5, 9)):
            value = target.format(n=rng.randrange(5, 50))
            lines.append(f'        - {{一级: {level1}, 二级: {level2}, 三级: 虚构{level3}, 指标值: "{value}", '
                         f"依据: 虚构年度工作计划}}")
    lines += [
        "政府采购: 无",
        "国有资产: 未公开",
        "名词解释:",
        "  术语:",
        *[f"    {term}: {meaning}" for term, meaning in TERMS.items()],
    ]
    return "\n".join(lines) + "\n"


def write_fictitious_site(root: Path, count: int, seed: int = 20240601) -> list[Path]:
    """``count`` fictitious department-years below ``root/content`` and a ``site.toml``; their paths."""
    if (root / "content").exists() and any((root / "content").iterdir()):
        raise FileExistsError(f"{root / 'content'} is not empty: the generator writes only to a new folder")
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        place, year = Place(i // len(YEARS)), YEARS[i % len(YEARS)]
        path = root / "content" / Path(*place.slugs) / f"{year}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(department_year(place, year, rng), encoding="utf-8")
        paths.append(path)
    (root / "site.toml").write_text('title = "虚构预算公开（基准测试）"\n', encoding="utf-8")
    return paths
