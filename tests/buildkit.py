"""Build a small site in a temporary folder and look at what was written.

Used by the site tests; the content comes from ``sitekit`` (fictitious, 虚构).
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from site_builder.build.engine import BuildResult, build_site
from site_builder.problems import Reporter


def build(root: Path, output: str = "output", **kw: object) -> tuple[BuildResult, Reporter]:
    """Build the project at ``root`` into ``root/output``; return the result and what was reported."""
    reporter = Reporter()
    result = build_site(root, root / output, reporter, **kw)  # type: ignore[arg-type]
    return result, reporter


REPO = Path(__file__).resolve().parent.parent


def shared_sources(folder: str) -> Path | None:
    """``folder`` of the real source documents (``jiangsu``, ``shanghai-putuo``): below
    ../shared/sources, or below (or at) ``$SITE_BUILDER_SOURCES``; None where it is absent."""
    env = os.environ.get("SITE_BUILDER_SOURCES")
    base = Path(env) if env else REPO.parent / "shared" / "sources"
    for candidate in (base / folder, base):
        if candidate.name == folder and candidate.is_dir():
            return candidate
    return None


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def seen(tag: Any, separator: str = "") -> str:
    """A cell's text as it shows on screen: without the unit that only screen readers hear
    (the visually hidden 元 / 万元 after each amount)."""
    copy = BeautifulSoup(str(tag), "html.parser")
    for unit in copy.select(".visually-hidden.unit"):
        unit.decompose()
    return copy.get_text(separator, strip=True)


def hashes(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` by relative path → SHA-256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(root: Path) -> list[str]:
    """Temporary folders a build left beside the output, once the replaced sites (``.output-old-*``),
    which a process of their own removes after the build returned, are gone (waiting up to a minute)."""
    for _ in range(600):
        names = sorted(p.name for p in root.iterdir() if p.name.startswith((".output-tmp-", ".output-old-")))
        if not any(name.startswith(".output-old-") for name in names):
            break
        time.sleep(0.1)
    return names
