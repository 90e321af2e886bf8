"""The preview's first answer to a save: the edited department-year's pages, before the rest.

When one content file is saved and its metadata (region, department, year, kind, unit …)
did not change — the common case: a figure, a text, a project, an indicator — the pages
that show it are rendered and replaced first: its year page, its department page and the
comparisons it is part of. The pages are then told to reload, and the incremental build
that always follows brings every other file up to date (the site-wide pages and
downloads; the search index later), as it would have without this step.

The pages written here are those the incremental build renders for them: the same planner
(pages.department_pages), views, templates and inputs, with the site's region names of the
last build, which metadata that did not change cannot change. Their digests are recorded
in the cache, so the build that follows finds them written. Anything else — a file added,
removed or moved, changed metadata, an error, a warning under --strict, several files at
once, a template or the configuration — goes straight to the incremental build.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..content.load import content_root_of
from ..problems import Reporter
from ..site.comparison_pages import Comparer
from ..site.markup import MarkdownRenderer
from ..site.pages import call, department_pages
from ..site.regions import group_departments
from ..site.render import render_page
from ..site.routes import Route
from .departments import report_checks
from .incremental import BuildCache, LastBuild  # noqa: F401 - LastBuild: what the engine records for this path
from .writer import TEMP_PREFIX

def quick_pages(cache: BuildCache, changed: set[Path], content_dir: Path, output: Path, strict: bool) -> list[str]:
    """Render and replace the pages of the one edited content file in ``changed``; the paths written.

    Nothing is written (an empty list) unless the quick path applies (see the module's docstring).
    """
    last = cache.last
    if last is None or len(changed) != 1 or cache.output != output.resolve():
        return []
    (changed_path,) = changed
    if changed_path.suffix not in (".yaml", ".yml"):
        return []
    base = content_root_of(content_dir)
    try:  # the file as the next build finds it: below content_dir as given
        path = content_dir / changed_path.resolve().relative_to(content_dir.resolve())
    except (ValueError, OSError):
        return []
    old = cache.source_of(path, base)
    if old is None or old.entry is None:
        return []
    source = cache.reload(path, base)
    entry = source.entry
    if source is old or entry is None or any(p.severity == "error" for p in source.problems):
        return []
    if entry.model.meta != old.entry.model.meta or entry.rel != old.entry.rel:
        return []
    reporter = Reporter()
    report_checks(entry, cache.checks(entry), reporter)
    if strict and reporter.warnings:
        return []

    (dept,) = group_departments(cache.entries_in(path.parent, base))
    checks = {e.rel: cache.checks(e) for e in dept.entries}
    written = []
    planned = department_pages(dept, checks, last.names, MarkdownRenderer(), call,
                               completeness=lambda e: cache.memos.scored(e, last.items, last.items_key)[2],
                               year_links=cache.memos.downloads.links, comparer=Comparer(last.crosswalk), showing=entry)
    for page_path, template, owner, view in planned:
        data = render_page(last.env, Route(page_path, template, owner), {"site": last.site, "page": view}).encode("utf-8")
        _replace(output, page_path, data)
        cache.record_written(page_path, data)
        written.append(page_path)
    return written


def _replace(output: Path, rel: str, data: bytes) -> None:
    """Replace ``output/rel`` with ``data`` in one rename (a reader sees the old file or the new one)."""
    target = output / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
