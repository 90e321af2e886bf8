"""Build a small site in a temporary folder and look at what was written.

Used by the site tests; the content comes from ``sitekit`` (fictitious, 虚构).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from bs4 import BeautifulSoup

from site_builder.build import BuildResult, build_site
from site_builder.problems import Reporter


def build(root: Path, output: str = "output", **kw: object) -> tuple[BuildResult, Reporter]:
    """Build the project at ``root`` into ``root/output``; return the result and what was reported."""
    reporter = Reporter()
    result = build_site(root, root / output, reporter, **kw)  # type: ignore[arg-type]
    return result, reporter


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def hashes(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` by relative path → SHA-256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(root: Path) -> list[str]:
    """Temporary folders a build left beside the output."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".output-tmp-", ".output-old-")))
