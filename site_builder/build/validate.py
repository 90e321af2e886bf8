"""``site-builder validate``: the build pipeline stopped before rendering (as ``zola check``).

Each department goes through departments.py's ``build_department`` with no Jinja environment:
loaded and checked, on every core where the content is large enough, exactly as a build
loads and checks it; then the site-wide check that each department-year is in one file.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..config import SiteConfig, load_config
from ..content.crosswalk import site_crosswalk
from ..content.load import Entry
from ..derive.scorecard import load_site_items
from ..problems import Reporter
from .context import BuildContext
from .departments import build_departments, department_folders, site_entries


def validate(root: Path, reporter: Reporter, project_root: Path | None = None) -> list[Entry]:
    """Load every file below ``root`` and report errors and the failed arithmetic checks; the
    department-years that loaded (each with its metadata and glossary only).

    With ``project_root``, also what a build reads beside the content: ``site.toml`` and the
    公开完整度 item list it uses and its crosswalk of renumbered codes, so that their errors show before a build.
    """
    ctx = BuildContext(SiteConfig(), None, None, None, root)
    # A single file outside any content folder is checked for itself, not for its place.
    loose = ctx.content_root.name != "content" and ctx.content_root == Path(os.path.abspath(root)).parent
    summaries = build_departments(ctx, department_folders(root), loose=loose)
    for summary in summaries:
        reporter.extend(summary.problems)
    entries = site_entries(summaries, reporter)
    if project_root is not None:
        load_site_items(project_root, load_config(project_root, reporter).scorecard, reporter)
        site_crosswalk(project_root, reporter)
    return entries
