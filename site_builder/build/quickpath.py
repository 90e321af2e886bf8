"""The preview's first answer to a save: the edited department-year, before the rest of the site.

When one content file is saved and its metadata (region, department, year, kind, unit …)
did not change — the common case: a figure, a text, a project, an indicator — what shows
that department-year is built first, by the function ``site-builder build`` builds every
department with (``departments.build_department``: load, check, derive, plan, render,
write), in the last good build's context, asked for that one department-year
(``showing``): its year's page and downloads, its department's page and lines page, and
the comparisons it is one of. They replace their files in place (``patch.QuickWriter``,
each file in one rename), and the pages are told to reload: the year's page first (what the
author editing that year looks at: 20 ms to render where its comparisons take 250), then the others. The preview's rebuild that
always follows brings every other file up to date (the site-wide pages and downloads; the
search index later), as it would have without this step.

A department's files are made from its own content files and its regions' names, which
metadata that did not change cannot change: the files written here are those the rebuild
writes. The department is loaded through what the preview keeps in memory (warm.py: a file
parsed again only when it changed, checked once); the rebuild is told which files were
replaced (``touched``), builds the department again, and leaves each of those files as it is
when it makes the same bytes (patch.PatchWriter); the pages rendered here it writes without
rendering them again while they are made from the same entries in a like context (departments.Made).
Anything else — a file added, removed or moved, changed
metadata, an error, a warning under --strict, several files at once, a template or the
configuration — goes straight to the rebuild.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from ..content.load import Entry, content_root_of
from ..problems import Reporter
from ..site.pages import Part
from .departments import build_department
from .patch import QuickWriter
from .warm import Warm


def quick_pages(warm: Warm, changed: set[Path], content_dir: Path, output: Path, part: Part = "all") -> list[str]:
    """Build and replace the files that show the one edited content file in ``changed``; their paths.
    ``part`` (pages.Part): all of them, the year's page and downloads (what its reader sees first), or the others.

    Nothing is written (an empty list) unless the quick path applies (see the module's docstring).
    """
    last = warm.last
    if last is None or len(changed) != 1 or warm.output != output.resolve():
        return []
    (changed_path,) = changed
    if changed_path.suffix not in (".yaml", ".yml"):
        return []
    base = content_root_of(content_dir)
    try:  # the file as the next build finds it: below content_dir as given
        path = content_dir / changed_path.resolve().relative_to(content_dir.resolve())
    except (ValueError, OSError):
        return []
    files = last_built(warm, path, base)
    old = next((e for e in files if e.path == path), None)
    if old is None:
        return []
    reporter = Reporter()
    entry = warm.load(path, base, reporter)
    if entry is None or reporter.errors:
        return []
    if entry.model.meta != old.model.meta or entry.rel != old.rel:
        return []
    writer = QuickWriter(output)
    # An error, or a warning under --strict (the context's), stops it before anything is written.
    summary = build_department(last, [e.path for e in files], writer, threading.Event(), sources=warm, showing=path,
                               part=part, made=warm.made)
    if summary.failure is not None or not summary.pages:
        return []
    writer.commit()
    return writer.claimed


def last_built(warm: Warm, path: Path, base: Path) -> list[Entry]:
    """The department-years of the department of ``path`` as the last good build had them (their
    metadata: what the department's summary keeps), in file order; none when it had no such
    department. (The workers of a large build parse the files: the preview's process may never have.)"""
    key = warm.departments.get(Path(os.path.relpath(path.parent, base)).as_posix())
    summary = warm.summaries.get(key) if key is not None else None
    return list(summary.entries) if summary is not None else []
