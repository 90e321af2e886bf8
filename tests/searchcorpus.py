"""A large fictitious (虚构) corpus for the search-quality test, written only to a temporary folder.

Every department, region and figure here is invented and says so (虚构). The text mixes the
terms the test searches for with near misses that hold the same characters apart
(八项工作的规定, 专项资金和业务经费, 维护稳定), inside sentences, list items, table cells,
project and indicator names, so that a search matching characters rather than the
term would show up as a loss of precision.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

PROVINCES = (("xugou-jia", "虚构甲省"), ("xugou-yi", "虚构乙省"))
CITIES = (("dongshi", "东虚构市"), ("xishi", "西虚构市"))
COUNTIES = (("nanxian", "南虚构县"), ("beixian", "北虚构县"), ("zhongqu", "中虚构区"))
DEPARTMENTS = (("xinfang", "信访局"), ("caizheng", "财政局"), ("zhengxie", "政协办公厅"), ("shengwei", "省委办公厅"),
               ("minzheng", "民政局"), ("shenji", "审计局"))

SENTENCES = (
    "严格落实中央八项规定精神，厉行节约，坚持过紧日子。",
    "按规定完成八项工作的规定动作，不搞形式主义。",
    "专项业务经费主要用于信访事项办理和网上信访平台运行。",
    "专项资金和业务经费分开核算，经费支出严格审批。",
    "做好重点敏感时期维稳工作，及时劝返进京上访人员。",
    "维护社会稳定，化解矛盾纠纷，畅通群众诉求渠道。",
    "落实困难群众救助政策，临时救助及时发放到位。",
    "救灾物资和助学资金由民政部门统筹安排。",
    "旅游旺季北戴河工作经费用于暑期信访稳定工作。",
    "北京、戴河两地联动，旅游季节加强值守。",
    "公务接待费严格执行接待标准，无超标准接待。",
    "公务活动接待费用按实列支，公务用车运行维护费比上年下降。",
    "因公出国（境）费0元，本年度无因公出国计划。",
    "因公外出国内差旅按规定报销。",
    "劝返率达到100%，群众满意度不低于95%。",
    "劝导返回工作及时，服务对象满意程度较高，办结率稳步提高。",
    "息诉息访率、办结率等指标纳入年度考核。",
    "机关运行经费用于保障机关日常运转，日常公用经费压减10%。",
    "一般公共预算拨款收入是本部门的主要收入来源。",
    "基本支出包括人员经费和日常公用经费，项目支出用于完成特定工作任务。",
    "全国两会、省市两会期间做好信访稳定工作。",
    "政府采购严格执行集中采购目录，国有资产管理规范。",
    "会议费、培训费按年度计划列支，严控会议和培训规模。",
    "绩效目标明确，绩效指标细化量化，确保项目支出效益。",
    "综合事务管理费用于信访局日常办公和服务保障。",
    "政协办公厅负责政协全体会议和常委会议的会务工作。",
    "省委办公厅负责省委领导同志的服务保障工作。",
    "财政局负责全区预算编制和预算执行管理。",
    "民政局负责城乡低保和特困人员救助供养。",
    "审计局依法开展预算执行审计和经济责任审计。",
)
PROJECTS = ("旅游旺季北戴河工作经费", "专项业务经费", "信访事项办理经费", "维稳工作经费", "困难群众临时救助资金",
            "综合事务管理费", "会议费", "培训费", "网上信访平台运维费", "北京、戴河值守补助", "专项资金和业务经费",
            "政协委员履职保障经费", "机关运行保障经费")
INDICATORS = ("劝返率", "群众满意度", "办结率", "息诉息访率", "服务对象满意度", "满意程度", "劝导返回率",
              "救助资金发放率", "会议按时召开率", "培训覆盖率")
TERMS = {
    "基本支出": "指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。（虚构）",
    "项目支出": "指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。（虚构）",
    "“三公”经费": "指用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。（虚构）",
    "机关运行经费": "指为保障行政单位运行用于购买货物和服务的各项资金。（虚构）",
    "专项业务经费": "指部门为完成专项业务工作安排的经费。（虚构）",
}


def write_fictitious_content(content: Path, departments: int, seed: int = 2020) -> int:
    """Write ``departments`` fictitious departments (one to three years each); return the number of files."""
    rng = random.Random(seed)
    written = 0
    for n in range(departments):
        province, city, county = PROVINCES[n % 2], CITIES[n // 2 % 2], COUNTIES[n // 4 % 3]
        dept_slug, dept_name = DEPARTMENTS[n % len(DEPARTMENTS)]
        slug = f"{dept_slug}-{n}"
        name = f"{county[1]}{dept_name}{n}号（虚构）"
        years = sorted(rng.sample((2019, 2020, 2021), rng.randint(1, 3)))
        for year in years:
            kind = "决算" if rng.random() < 0.2 else "预算"
            path = content / province[0] / city[0] / county[0] / slug / f"{year}{'-juesuan' if kind == '决算' else ''}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(department_year(rng, (province[1], city[1], county[1]), name, f"9{n:05d}", year, kind),
                            encoding="utf-8")
            written += 1
    return written


def department_year(rng: random.Random, region: tuple[str, str, str], name: str, code: str, year: int, kind: str) -> str:
    def text(k: int) -> str:
        return "".join(rng.sample(SENTENCES, k))

    def q(s: str) -> str:
        return json.dumps(s, ensure_ascii=False)

    projects = rng.sample(PROJECTS, 3)
    amounts = [rng.randint(1, 90) * 1000 for _ in projects]
    reception, vehicles = rng.randint(0, 30) * 1000, rng.randint(0, 60) * 1000
    lines = [
        "元数据:",
        f"  地区: {{省: {region[0]}, 市: {region[1]}, 县: {region[2]}}}",
        f"  部门: {q(name)}",
        f'  部门编码: "{code}"',
        f"  年度: {year}",
        f"  类型: {kind}",
        "  金额单位: 元",
        "  来源:",
        f"    - 标题: {q(f'{name}{year}年部门{kind}（测试用虚构数据）')}",
        "职责:",
        "  主要职能:",
        *[f"    - {q(text(2))}" for _ in range(3)],
        "收支:",
        f"  说明: {q(text(3))}",
        f"  收入合计: {sum(amounts) + 500000}",
        "  收入:",
        f"    - {{名称: 一般公共预算拨款收入, 金额: {sum(amounts) + 500000}}}",
        f"  支出合计: {sum(amounts) + 500000}",
        "  基本支出: 500000",
        "  人员经费: 400000",
        "  公用经费: 100000",
        f"  项目支出: {sum(amounts)}",
        "  主要项目:",
        *[f"    - {{名称: {q(p)}, 金额: {a}}}" for p, a in zip(projects, amounts)],
        "三公:",
        f"  说明: {q(text(2))}",
        f"  合计: {reception + vehicles}",
        "  因公出国境费: 0",
        "  公务用车购置费: 0",
        f"  公务用车运行维护费: {vehicles}",
        f"  公务接待费: {reception}",
        "绩效:",
        f"  总体目标: {q(text(3))}",
        "  分项目标:",
        *[f"    - {{标题: {q(rng.choice(PROJECTS))}, 内容: {q(text(2))}}}" for _ in range(2)],
        "  项目:",
    ]
    for i, (project, amount) in enumerate(zip(projects, amounts)):
        lines += [
            f"    - 编码: XG-{code}-{i + 1}",
            f"      名称: {q(project)}",
            f"      预算数: {amount}",
            f"      财政资金: {amount}",
            f"      资金用途: {q(text(1))}",
            "      支出计划: {3月底: 25, 6月底: 50, 10月底: 80, 12月底: 100}",
            "      绩效目标:",
            f"        - {q(text(1))}",
            "      指标:",
        ]
        for indicator in rng.sample(INDICATORS, 2):
            lines.append(f'        - {{一级: 产出指标, 二级: 质量指标, 三级: {q(indicator)}, 描述: {q(text(1))}, 指标值: "≥95%"}}')
    lines += [
        "政府采购: 无",
        "国有资产: 未公开",
        "名词解释:",
        "  术语:",
        *[f"    {q(term)}: {q(TERMS[term])}" for term in rng.sample(sorted(TERMS), 2)],
    ]
    return "\n".join(lines) + "\n"
