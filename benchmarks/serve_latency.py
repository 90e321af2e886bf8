"""How long from saving a YAML file to the reload event reaching the browser, at scale.

    .venv/bin/python benchmarks/serve_latency.py                 # 100 and 1,000 department-years
    .venv/bin/python benchmarks/serve_latency.py --sizes 10000   # the performance issue's scale

For each size N it writes N fictitious department-years (every name says 虚构) into a new
temporary folder (never into content/), starts ``site-builder serve --port 0 --no-search`` there,
opens a page of the preview in headless Chromium, then saves one YAML file at a time, the
way an editor does (a temporary file renamed over the original), and records:

- save → event: until the browser receives the server's reload event (the issue's figure);
- save → page: until an open department-year page shows the new figure (the reload included);
- the server's own account of each rebuild (parse, views, render, write).

A benchmark, not a test: it prints, and asserts nothing about times.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
YEARS = (2019, 2020, 2021, 2022, 2023)
KINDS = ("示例局", "样本中心", "演示办公室", "模拟委员会", "试验服务站", "虚拟管理处", "假设事务所", "例证研究院")
PER_COUNTY, PER_CITY, PER_PROVINCE = 8, 8, 8  # departments per county, counties per city, cities per province


# ---------------------------------------------------------------------------------------
# Fictitious content


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
    personnel = rng.randrange(50_000_00, 900_000_00)
    running = [rng.randrange(1_000_00, 30_000_00) for _ in range(6)]
    public = sum(running)
    projects = [rng.randrange(20_000_00, 600_000_00) for _ in range(rng.randrange(2, 5))]
    basic, project = personnel + public, sum(projects)
    total = basic + project
    grant = total * 9 // 10
    abroad, purchase = 0, rng.choice((0, 0, 180_000_00))
    vehicles = rng.randrange(5_000_00, 60_000_00)
    reception = rng.randrange(1_000_00, 20_000_00) if reception is None else reception
    province, city, county = place.names
    lines = [
        "# 虚构数据：供预览服务器的基准测试使用，不是任何真实部门的公开文件。",
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
        f"    - 负责{county}示例事务的组织、协调和监督（虚构）。",
        "    - 承办上级交办的其他示例事项（虚构）。",
        "  机构设置:",
        f"    - {{单位名称: {place.department}, 单位性质: 行政, 单位规格: 正科级, 经费保障形式: 财政拨款}}",
        "收支:",
        f"  说明: {year}年收支预算均为虚构数字，用于测试。",
        f"  收入合计: {yuan(total)}",
        "  收入:",
        f"    - {{名称: 一般公共预算拨款收入, 金额: {yuan(grant)}}}",
        f"    - {{名称: 其他收入, 金额: {yuan(total - grant)}}}",
        f"  支出合计: {yuan(total)}",
        f"  基本支出: {yuan(basic)}",
        f"  人员经费: {yuan(personnel)}",
        f"  公用经费: {yuan(public)}",
        f"  项目支出: {yuan(project)}",
        "  机关运行经费:",
        f"    合计: {yuan(public)}",
        "    明细:",
    ]
    for name, amount in zip(("办公费", "印刷费", "水电费", "邮电费", "差旅费", "其他费用"), running):
        lines.append(f"      - {{名称: {name}, 金额: {yuan(amount)}}}")
    lines += [
        "三公:",
        f"  合计: {yuan(abroad + purchase + vehicles + reception)}",
        f"  因公出国境费: {yuan(abroad)}",
        f"  公务用车购置费: {yuan(purchase)}",
        f"  公务用车运行维护费: {yuan(vehicles)}",
        f"  公务接待费: {yuan(reception)}",
        "绩效:",
        f"  总体目标: 完成{year}年度各项示例任务（虚构）。",
        "  项目:",
    ]
    for i, amount in enumerate(projects, 1):
        lines += [
            f"    - 编码: XG-{place.number:05d}-{year}-{i}",
            f"      名称: 虚构示例项目{i}号（{KINDS[i % len(KINDS)]}）",
            f"      预算数: {yuan(amount)}",
            f"      财政资金: {yuan(amount)}",
            f"      资金用途: 用于第{i}项虚构示例工作的开展。",
            "      支出计划: {3月底: 25, 6月底: 50, 10月底: 80, 12月底: 100}",
            "      指标:",
            f"        - {{一级: 产出指标, 二级: 数量指标, 三级: 虚构完成数, 指标值: \"≥{rng.randrange(5, 50)}个\"}}",
            "        - {一级: 产出指标, 二级: 质量指标, 三级: 虚构合格率, 指标值: \"≥95%\"}",
            "        - {一级: 效果指标, 二级: 社会效益指标, 三级: 虚构群众知晓率, 指标值: \"≥90%\"}",
            "        - {一级: 满意度指标, 二级: 服务对象满意度指标, 三级: 虚构满意率, 指标值: \"≥90%\"}",
        ]
    lines += [
        "政府采购: 无",
        "国有资产: 未公开",
        "名词解释:",
        "  术语:",
        "    基本支出: 指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出（虚构释义）。",
        "    项目支出: 指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出（虚构释义）。",
        "    机关运行经费: 为保障行政单位运行用于购买货物和服务的各项资金（虚构释义）。",
        "    “三公”经费: 因公出国（境）费、公务用车购置及运行维护费、公务接待费（虚构释义）。",
    ]
    return "\n".join(lines) + "\n"


def write_fictitious_site(root: Path, count: int, seed: int = 20240601) -> list[Path]:
    """``count`` fictitious department-years below ``root/content``; their paths."""
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


def save_like_an_editor(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


# ---------------------------------------------------------------------------------------
# The server and the browser


class Server:
    """``site-builder serve`` in a subprocess; its URL and what it prints."""

    def __init__(self, root: Path, search: bool) -> None:
        command = [sys.executable, "-m", "site_builder", "serve", "--port", "0"] + ([] if search else ["--no-search"])
        self.process = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        encoding="utf-8", env={**os.environ, "PYTHONPATH": str(REPO)})
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.url = ""
        self.built: list[str] = []

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=min(1.0, max(0.01, deadline - time.monotonic())))
            except queue.Empty:
                if self.process.poll() is not None:
                    raise RuntimeError("serve exited") from None
                continue
            if line.startswith("Built in"):
                self.built.append(line)
            match = re.search(pattern, line)
            if match:
                return match
        raise TimeoutError(f"no line matching {pattern!r} within {timeout} s")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def measure(count: int, edits: int, search: bool, keep: bool) -> None:
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix=f"site-builder-bench-{count}-"))
    try:
        started = time.perf_counter()
        paths = write_fictitious_site(root, count)
        print(f"\nN = {count:,} department-years ({len({p.parent for p in paths}):,} departments) in {root}; "
              f"written in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        server = Server(root, search)
        try:
            server.url = server.wait_for(r"Serving (http://\S+)", timeout=3600)[1]
            print(f"  first build and start: {time.perf_counter() - started:.1f} s", flush=True)
            if server.built:
                print(f"    {server.built[-1]}")
            target = paths[len(paths) // 2]
            rel = target.relative_to(root / "content").with_suffix("")
            place_number = int(rel.parts[-2].removeprefix("bm"))
            year = int(rel.parts[-1])
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM,
                                            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                try:
                    listener = browser.new_page()
                    listener.goto(server.url + "__site_builder/state")  # a page that does not reload itself
                    listener.evaluate("""() => {
                        window.received = [];
                        const source = new EventSource('/__site_builder/events');
                        source.addEventListener('state', e => {
                            window.received.push({at: Date.now(), generation: JSON.parse(e.data).generation});
                        });
                    }""")
                    listener.wait_for_function("window.received.length > 0", timeout=30_000)
                    page = browser.new_page()
                    page.goto(server.url + "/".join(rel.parts) + "/", timeout=120_000)
                    to_event, to_page = [], []
                    for edit in range(edits):
                        generation = listener.evaluate("window.received.at(-1).generation")
                        cents = 1234_00 + edit * 111
                        text = department_year(Place(place_number), year, random.Random(f"{place_number}-{year}"), cents)
                        saved = time.time()
                        save_like_an_editor(target, text)
                        listener.wait_for_function(f"window.received.some(r => r.generation > {generation})",
                                                   timeout=600_000, polling=10)
                        arrived = listener.evaluate(f"window.received.find(r => r.generation > {generation}).at")
                        page.wait_for_function(
                            f"document.querySelector('#sangong-table data[value=\"{yuan(cents)}\"]') !== null",
                            timeout=600_000, polling=10)
                        shown = time.time()
                        to_event.append(arrived / 1000 - saved)
                        to_page.append(shown - saved)
                        line = server.wait_for(r"^Built in", timeout=60)
                        print(f"  edit {edit + 1}: save → event {to_event[-1] * 1000:7.0f} ms; save → page "
                              f"{to_page[-1] * 1000:7.0f} ms | {line.string}", flush=True)
                        time.sleep(0.5)
                    print(f"  save → event: median {statistics.median(to_event) * 1000:.0f} ms "
                          f"(min {min(to_event) * 1000:.0f}, max {max(to_event) * 1000:.0f}); "
                          f"save → page: median {statistics.median(to_page) * 1000:.0f} ms", flush=True)
                finally:
                    browser.close()
        finally:
            server.stop()
    finally:
        if keep:
            print(f"  kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], help="numbers of department-years")
    parser.add_argument("--edits", type=int, default=5, help="saves measured per size")
    parser.add_argument("--search", action="store_true", help="keep Pagefind running in the background, as by default")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    args = parser.parse_args()
    for count in args.sizes:
        measure(count, args.edits, args.search, args.keep)


if __name__ == "__main__":
    main()
