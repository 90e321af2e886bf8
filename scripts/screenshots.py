#!/usr/bin/env python3
"""Remake the screenshots of the README and docs/: the site as a reader first sees it.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--site output]

Builds content/ into a temporary folder (or uses ``--site``, an already built output/),
opens the pages from disk (file://, no server) in Debian's chromium through Playwright, and
writes one PNG per page and screen: a phone (390 × 844) and a desktop (1366 × 900), the
first screen only. Chinese needs CJK fonts: Debian's fonts-noto-cjk (scripts/ensure-chromium
installs it).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
SHOTS = (  # (file name stem, page, screens)
    ("department-year", "jiangsu/zhengxie-bangongting/2019/index.html", ("phone", "desktop")),
    ("department", "jiangsu/zhengxie-bangongting/index.html", ("phone", "desktop")),
    ("comparison", "jiangsu/zhengxie-bangongting/compare/2018-2019/index.html", ("phone", "desktop")),
    ("line-history", "jiangsu/zhengxie-bangongting/lines/index.html", ("phone", "desktop")),
    ("scorecard", "scorecard/index.html", ("phone",)),
    ("home", "index.html", ("desktop",)),
)


def build(into: Path) -> Path:
    from site_builder.build.engine import build_site
    from site_builder.problems import Reporter

    shutil.copytree(REPO / "content", into / "content")
    shutil.copy(REPO / "site.toml", into / "site.toml")
    reporter = Reporter()
    if not build_site(into, into / "output", reporter, search_index=False).ok:
        sys.exit("\n".join(str(p) for p in reporter.errors))
    return into / "output"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--site", type=Path, help="an already built site (default: build content/ afresh)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        site = args.site.resolve() if args.site else build(Path(tmp))
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for stem, path, screens in SHOTS:
            if not (site / path).is_file():
                print(f"skipped {path}: not in the site", file=sys.stderr)
                continue
            for screen in screens:
                context = browser.new_context(viewport=SCREENS[screen], locale="zh-CN", device_scale_factor=1)
                page = context.new_page()
                page.goto((site / path).as_uri())
                target = args.out / f"{stem}-{screen}.png"
                page.screenshot(path=str(target))
                context.close()
                print(target.relative_to(REPO) if target.is_relative_to(REPO) else target)
        browser.close()


if __name__ == "__main__":
    main()
