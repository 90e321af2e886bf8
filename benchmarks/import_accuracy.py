"""How well ``site-builder import`` reads the Jiangsu disclosures, against their checked transcription.

    .venv/bin/python benchmarks/import_accuracy.py [--sources DIR] [--keep DIR] [-v]

For each of the six Jiangsu department-years (政协办公厅 and 省委办公厅, 2017–2019) it imports the
report and the tables (``<sources>/jiangsu/<department>/<year>-report.pdf`` and
``-tables.pdf``; ``SITE_BUILDER_SOURCES`` or ``../shared/sources`` by default) into a temporary
content folder and compares the draft with the checked file in ``content/jiangsu/``:

- per table: the rows of the checked file found identical (code, name, amount, in order),
  wrong (same code or name, another figure or name), out of order, missing and extra;
  a table's scalar figures (totals, 三公 items) count as rows of it;
- amounts: every figure present in both, equal or not;
- texts: the share of the checked file's characters that the draft has in the same place (a list
  of texts, such as 情况说明, as one text);
- 比上年: the stated changes found with the same direction and figures (the wording of their subject aside);
- validate: the errors and warnings of the project's own ``validate`` on the draft;
- seconds per document, on the clock and of CPU (on a shared machine the clock includes waiting).

It prints one table per department-year and the targets (every amount equal, ≥ 98 % of rows
identical, no validate errors, < 2 s per document) as PASS or MISSED. A benchmark: it asserts nothing.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from site_builder.importer import ImportFailure, import_documents  # noqa: E402
from site_builder.problems import Reporter  # noqa: E402
from site_builder.build.validate import validate  # noqa: E402
from site_builder.content.yamlload import decode, parse_yaml  # noqa: E402

DEPARTMENTS = ("zhengxie-bangongting", "shengwei-bangongting")
FINALS = ("caizhengju", "guihua-ziyuan", "shehui-gongzuobu")  # the 普陀 2024 部门决算
YEARS = (2017, 2018, 2019)


def sources_root(given: str | None) -> Path | None:
    base = Path(given or os.environ.get("SITE_BUILDER_SOURCES") or REPO.parent / "shared" / "sources")
    for candidate in (base / "jiangsu", base):
        if candidate.name == "jiangsu" and candidate.is_dir():
            return candidate
    return None


# ---------------------------------------------------------------------------
# The tables of a content file, as comparable rows


Row = tuple[str, str, Any]  # (code, name, amount)


def norm(text: Any) -> str:
    return re.sub(r"\s+", "", str(text)).replace("(", "（").replace(")", "）") if text is not None else ""


def tables_of(data: dict[str, Any]) -> dict[str, list[Row]]:
    """Every table of a content file's data as rows (code, name, amount)."""
    out: dict[str, list[Row]] = {}
    finance = data.get("收支") if isinstance(data.get("收支"), dict) else {}
    scalars = ["收入合计", "当年收入小计", "上年结转", "支出合计", "当年支出小计", "基本支出", "项目支出",
               "单位预留机动经费", "结转下年"]
    out["收支总表（合计）"] = [("", k, finance[k]) for k in scalars if k in finance]
    out["收入（来源）"] = list(_tree(finance.get("收入", []), ""))
    out["支出按功能分类"] = [(r.get("编码", ""), r["名称"], r.get("金额")) for r in finance.get("支出按功能分类", [])]
    appropriation = finance.get("财政拨款") or {}
    out["财政拨款收支总表"] = [("", k, appropriation[k]) for k in scalars if k in appropriation] + \
        list(_tree(appropriation.get("收入", []), "收入/"))
    for table in finance.get("分类表", []):
        name = re.sub(r"（[^（）]*）$", "", norm(table["名称"]))
        rows = [("", "合计", table["合计"])] if "合计" in table else []
        rows += [(str(r.get("编码", "")), r["名称"], r.get("金额")) for r in table.get("行", [])]
        out[f"分类表 {name}"] = rows
    running = finance.get("机关运行经费") or {}
    if running:
        out["机关运行经费"] = [("", "合计", running.get("合计"))] + \
            [(str(r.get("编码", "")), r["名称"], r.get("金额")) for r in running.get("明细", [])]
    three = data.get("三公") if isinstance(data.get("三公"), dict) else {}
    keys = ["合计", "因公出国境费", "公务用车购置及运行维护费", "公务用车购置费", "公务用车运行维护费", "公务接待费",
            "会议费", "培训费", "总计"]
    out["三公"] = [("", k, three[k]) for k in keys if k in three]
    procurement = data.get("政府采购") if isinstance(data.get("政府采购"), dict) else {}
    rows = [("", k, procurement[k]) for k in ("合计", "货物", "工程", "服务") if k in procurement]
    for group in procurement.get("分组", []):
        label = "/".join(str(group.get(k, "")) for k in ("品目", "项目", "经济科目"))
        rows.append(("", label, group.get("合计")))
        for item in group.get("明细", []):
            rows.append(("", f"{label}/{item['名称']}/{item.get('组织形式', '')}", item.get("金额")))
    out["政府采购"] = rows
    for name, table in (finance.get("决算表") or {}).items():
        out[f"决算 {name}"] = list(_final_rows(table))
    return {k: [(norm(c), norm(n), a) for c, n, a in v] for k, v in out.items() if v}


OUTTURN_KEYS = ("年初预算数", "全年预算数", "完成率", "完成率基数", "用途", "原因")


def _final_rows(table: dict[str, Any]):
    """A 决算 table's 合计 and rows as (code, name, its printed columns "key=amount …"): a row is
    identical only when every printed figure is; the budget and reason from the 情况说明 aside."""
    def printed(row: dict[str, Any]) -> str:
        return " ".join(f"{k}={v}" for k, v in sorted(row.items()) if k not in ("编码", "名称", *OUTTURN_KEYS))

    if table.get("状态"):  # 无: printed empty
        yield ("", "状态", table["状态"])
    if isinstance(table.get("合计"), dict):
        yield ("", "合计", printed(table["合计"]))
    for row in table.get("行", []) or []:
        yield (str(row.get("编码", "")), row.get("名称", ""), printed(row))
    for side in ("收入", "年初结转和结余明细", "支出"):  # the two 总表
        for row in table.get(side, []) or []:
            yield ("", f"{side}/{row.get('名称', '')}", printed(row))
    for key, value in table.items():
        if key not in ("表号", "说明", "状态", "合计", "行", "收入", "年初结转和结余明细", "支出"):
            yield ("", key, printed(value) if isinstance(value, dict) else str(value))


def _tree(rows: list[dict[str, Any]], prefix: str):
    for row in rows:
        name = prefix + row["名称"]
        yield ("", name, row.get("金额"))
        yield from _tree(row.get("子项", []), name + "/")


def changes_of(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The stated changes (比上年) of a file by their figures: (变化, 本年, 增减额, 增减率)."""
    out = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "比上年" and isinstance(value, list):
                    for c in value:
                        out.append(tuple(None if c.get(k) is None else (c[k] if k == "变化" else Decimal(str(c[k])))
                                         for k in ("变化", "本年", "增减额", "增减率")))
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return out


def texts_of(data: dict[str, Any]) -> dict[str, str]:
    """The texts of a content file by their place (key path)."""
    out: dict[str, str] = {}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("元数据", "比上年"):
                    continue
                walk(v, f"{path}.{k}" if path else str(k))
        elif isinstance(node, list):
            if path.endswith(("情况说明", "主要工作任务", "主要职能")):
                # A list of texts compares as one text: an item more or less shifts no other.
                out[path] = "".join(v for item in node for v in ([item] if isinstance(item, str) else item.values())
                                    if isinstance(v, str))
                return
            if all(isinstance(x, str) for x in node):
                if node:
                    out[path] = "".join(node)
                return
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")
        elif isinstance(node, str) and len(node) >= 8 and not re.fullmatch(r"[0-9A-Za-z.\-]+", node):
            out[path] = node

    walk(data, "")
    return out


@dataclass
class Score:
    truth: int = 0
    identical: int = 0
    wrong: int = 0
    order: int = 0
    missing: int = 0
    extra: int = 0
    amounts: int = 0
    amounts_equal: int = 0
    notes: list[str] = field(default_factory=list)


def compare_rows(truth: list[Row], draft: list[Row]) -> Score:
    score = Score(truth=len(truth))
    matcher = difflib.SequenceMatcher(None, truth, draft, autojunk=False)
    used_t, used_d = set(), set()
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            used_t.add(block.a + k)
            used_d.add(block.b + k)
    score.identical = len(used_t)
    rest_d = [j for j in range(len(draft)) if j not in used_d]
    for i in range(len(truth)):
        if i in used_t:
            continue
        code, name, value = truth[i]
        same = next((j for j in rest_d if draft[j] == truth[i]), None)
        if same is not None:
            score.order += 1
            rest_d.remove(same)
            continue
        near = next((j for j in rest_d if (code and draft[j][0] == code) or (name and draft[j][1] == name)), None)
        if near is not None:
            score.wrong += 1
            score.notes.append(f"wrong: {truth[i]} ≠ {draft[near]}")
            rest_d.remove(near)
            if value is not None and draft[near][2] is not None:
                score.amounts += 1
                score.amounts_equal += _same_amount(value, draft[near][2])
            continue
        score.missing += 1
        score.notes.append(f"missing: {truth[i]}")
    for j in rest_d:
        score.extra += 1
        score.notes.append(f"extra: {draft[j]}")
    for i in used_t:
        if truth[i][2] is not None:
            score.amounts += 1
            score.amounts_equal += 1
    return score


def _same_amount(a: Any, b: Any) -> bool:
    if isinstance(a, str) or isinstance(b, str):  # a 决算 row's printed columns
        return a == b
    return Decimal(str(a)) == Decimal(str(b))


def text_share(truth: dict[str, str], draft: dict[str, str]) -> tuple[int, int]:
    """(characters of the checked texts matched in the draft's text at the same place, characters in all)."""
    matched = total = 0
    for path, text in truth.items():
        a = re.sub(r"\s+", "", text)
        total += len(a)
        b = re.sub(r"\s+", "", draft.get(path, ""))
        if not b:
            continue
        blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
        matched += sum(block.size for block in blocks)
    return matched, total


def load(path: Path) -> dict[str, Any]:
    return parse_yaml(decode(path.read_bytes())).data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", help="the sources folder (default: $SITE_BUILDER_SOURCES or ../shared/sources)")
    parser.add_argument("--keep", help="write the drafts into this folder instead of a temporary one")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every row that is not identical")
    args = parser.parse_args(argv)
    root = sources_root(args.sources)
    if root is None:
        print("the Jiangsu sources are not present (../shared/sources/jiangsu or $SITE_BUILDER_SOURCES); nothing to measure")
        return 2
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="import-accuracy-"))
    totals = Score()
    text_matched = text_total = 0
    errors_total = 0
    slowest = slowest_cpu = 0.0
    changes_same = changes_total = changes_extra = 0
    summary: list[str] = []
    for dept in DEPARTMENTS:
        for year in YEARS:
            files = [root / dept / f"{year}-report.pdf", root / dept / f"{year}-tables.pdf"]
            files = [f for f in files if f.exists()]
            out = work / "content" / "jiangsu" / dept / f"{year}.yaml"
            started = time.perf_counter()
            cpu = time.process_time()
            try:
                result = import_documents(files, out, region="江苏省", project_root=REPO, force=True)
            except ImportFailure as err:
                print(f"{dept}/{year}: import failed: {err}")
                errors_total += 1
                continue
            per_doc = (time.perf_counter() - started) / len(files)
            cpu_doc = (time.process_time() - cpu) / len(files)
            slowest = max(slowest, per_doc)
            slowest_cpu = max(slowest_cpu, cpu_doc)
            reporter = Reporter()
            validate(out, reporter)
            errors_total += len(reporter.errors)
            truth = load(REPO / "content" / "jiangsu" / dept / f"{year}.yaml")
            draft = load(out)
            t_tables, d_tables = tables_of(truth), tables_of(draft)
            print(f"\n{dept}/{year}: {per_doc:.2f} s per document ({cpu_doc:.2f} s of CPU); validate: {len(reporter.errors)} errors, "
                  f"{len(reporter.warnings)} warnings; {len(result.unplaced)} items not placed")
            for problem in reporter.errors:
                print(f"    {problem}")
            print(f"  {'table':<34} {'rows':>5} {'same':>5} {'wrong':>5} {'order':>5} {'miss':>5} {'extra':>5}  amounts equal")
            for name in list(t_tables) + [n for n in d_tables if n not in t_tables]:
                score = compare_rows(t_tables.get(name, []), d_tables.get(name, []))
                for attr in ("truth", "identical", "wrong", "order", "missing", "extra", "amounts", "amounts_equal"):
                    setattr(totals, attr, getattr(totals, attr) + getattr(score, attr))
                print(f"  {name[:34]:<34} {score.truth:>5} {score.identical:>5} {score.wrong:>5} {score.order:>5} "
                      f"{score.missing:>5} {score.extra:>5}  {score.amounts_equal}/{score.amounts}")
                if args.verbose:
                    for note in score.notes:
                        print(f"      {note}")
            t_changes, d_changes = changes_of(truth), changes_of(draft)
            same = sum(min(t_changes.count(c), d_changes.count(c)) for c in set(t_changes))
            changes_same += same
            changes_total += len(t_changes)
            changes_extra += max(len(d_changes) - same, 0)
            print(f"  比上年: {same} of {len(t_changes)} stated changes found with the same figures "
                  f"(变化, 本年, 增减额, 增减率); {len(d_changes) - same} others in the draft")
            matched, total = text_share(texts_of(truth), texts_of(draft))
            text_matched += matched
            text_total += total
            print(f"  texts: {matched}/{total} characters match ({100 * matched / max(total, 1):.1f} %)")
    share = 100 * totals.identical / max(totals.truth, 1)
    print(f"\nall six: {totals.truth} rows in the checked files: {totals.identical} identical ({share:.1f} %), "
          f"{totals.wrong} wrong, {totals.order} out of order, {totals.missing} missing, {totals.extra} extra; "
          f"amounts equal {totals.amounts_equal}/{totals.amounts}; texts {100 * text_matched / max(text_total, 1):.1f} %; "
          f"比上年 {changes_same}/{changes_total} ({changes_extra} others)")

    def verdict(ok: bool, how: str) -> str:
        return "PASS" if ok else f"MISSED ({how})"

    print(f"  every amount equal      {verdict(totals.amounts_equal == totals.amounts, f'{totals.amounts - totals.amounts_equal} differ')}")
    print(f"  ≥ 98 % rows identical   {verdict(share >= 98, f'{share:.1f} %')}")
    print(f"  0 validate errors       {verdict(errors_total == 0, f'{errors_total} errors')}")
    load_average = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"  < 2 s per document      {verdict(slowest < 2, f'slowest {slowest:.2f} s')} "
          f"(CPU: slowest {slowest_cpu:.2f} s per document; load average {load_average:.1f} on {os.cpu_count()} CPUs)")
    measure_finals(root.parent / "shanghai-putuo", work, args.verbose)
    if not args.keep:
        print(f"(drafts in {work})")
    return 0


def measure_finals(folder: Path, work: Path, verbose: bool) -> Score:
    """The nine 决算 tables of the three 普陀 部门决算 (``<sources>/shanghai-putuo/<dept>-2024-juesuan.pdf``)
    against ``content/shanghai/putuo/<dept>/2024-juesuan.yaml``: rows identical, missing, extra per table."""
    totals = Score()
    if not folder.is_dir():
        print(f"\nthe 普陀 决算 sources are not present ({folder}); 决算 not measured")
        return totals
    for dept in FINALS:
        pdf = folder / f"{dept}-2024-juesuan.pdf"
        truth = load(REPO / "content" / "shanghai" / "putuo" / dept / "2024-juesuan.yaml")
        out = work / "content" / "shanghai" / "putuo" / dept / "2024-juesuan.yaml"
        meta = truth["元数据"]
        try:
            import_documents([pdf], out, region="上海市/普陀区", department=meta["部门"], year=int(meta["年度"]),
                             project_root=REPO, force=True)
        except ImportFailure as err:
            print(f"{dept}/2024 决算: import failed: {err}")
            continue
        t_tables = {k: v for k, v in tables_of(truth).items() if k.startswith("决算 ")}
        d_tables = {k: v for k, v in tables_of(load(out)).items() if k.startswith("决算 ")}
        print(f"\n{dept}/2024 决算 (rows: 编码, 名称 and every printed column)")
        print(f"  {'table':<34} {'rows':>5} {'same':>5} {'wrong':>5} {'order':>5} {'miss':>5} {'extra':>5}")
        for name in list(t_tables) + [n for n in d_tables if n not in t_tables]:
            score = compare_rows(t_tables.get(name, []), d_tables.get(name, []))
            for attr in ("truth", "identical", "wrong", "order", "missing", "extra"):
                setattr(totals, attr, getattr(totals, attr) + getattr(score, attr))
            print(f"  {name[3:][:34]:<34} {score.truth:>5} {score.identical:>5} {score.wrong:>5} {score.order:>5} "
                  f"{score.missing:>5} {score.extra:>5}")
            if verbose:
                for note in score.notes:
                    print(f"      {note}")
    print(f"\nall three 决算: {totals.truth} rows in the checked tables: {totals.identical} identical "
          f"({100 * totals.identical / max(totals.truth, 1):.1f} %), {totals.wrong} wrong, {totals.order} out of order, "
          f"{totals.missing} missing, {totals.extra} extra")
    return totals


if __name__ == "__main__":
    sys.exit(main())
