"""``site-builder validate``: the build pipeline stopped before rendering."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..content.checks import Check, run_checks
from ..content.load import Entry, display_path, load_content
from ..problems import Message, Reporter, format_key


def validate(root: Path, reporter: Reporter, project_root: Path | None = None) -> list[Entry]:
    """Load every file below ``root`` and report errors and the failed arithmetic checks.

    With ``project_root``, also what a build reads beside the content: ``site.toml`` and the
    公开完整度 item list it uses and its crosswalk of renumbered codes, so that their errors show before a build.
    """
    entries = load_content(root, reporter)
    for entry in entries:
        report_checks(entry, run_checks(entry.model), reporter)
    if project_root is not None:
        from ..derive.completeness import load_site_items  # the pages' modules: only when asked
        from ..config import load_config
        from ..content.crosswalk import site_crosswalk

        load_site_items(project_root, load_config(project_root, reporter).scorecard, reporter)
        site_crosswalk(project_root, reporter)
    return entries


def report_checks(entry: Entry, checks: list[Check], reporter: Reporter) -> None:
    """A failed check is a warning naming both figures and their difference."""
    unit = entry.model.meta.unit
    name = display_path(entry.path)
    for check in checks:
        if check.passed:
            continue
        reporter.warning(name, entry.line_of(check.key), format_key(check.key),
                         Message(describe_failure(check, unit), describe_failure_zh(check, unit)))


def describe_failure_zh(check: Check, unit: str) -> str:
    """A failed check as the page's 数据核对 says it: "标题：左为 …，右为 …，相差 …"."""
    from ..content.check import check_view  # the wording the pages use; imported only when a check failed

    view = check_view(check, unit)
    return f"{view.title}：{view.statement}，{view.difference}"


def describe_failure(check: Check, unit: str) -> str:
    unit = "%" if check.measure == "percent" else unit
    relation = {"=": "does not equal", "≤": "exceeds", "≥": "is less than"}[check.relation]
    sep = "" if unit == "%" else " "
    return (f"{check.title}: {check.left_label} {plain(check.left)}{sep}{unit} {relation} "
            f"{check.right_label} {plain(check.right)}{sep}{unit} (difference {plain(check.difference)}{sep}{unit})")


def plain(value: Decimal) -> str:
    """A Decimal as plain digits, never in exponent form."""
    return format(value, "f")
