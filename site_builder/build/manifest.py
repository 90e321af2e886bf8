"""Every file below a folder with its signature (size, modification time, inode): a build's ``Manifest``.

A warm build checks that the output folder is, file for file, what the last build left there
(patch.OutputCheck), and keeps the manifest of what it leaves (cache.OutputState). At 10,000
department-years that is 144,000 files in 47,000 folders. Listed by Python (``os.scandir``, one
``stat`` a file), the work is mostly system calls, but each one hands the interpreter back and
forth with the build running beside it: the check took 12 s of wall time beside a warm build
that needs its answer in 10. GNU ``find`` lists the same in 2 s on a core of its own, and the
listing is read in one pass. Where there is no GNU ``find`` (its ``-printf``), Python lists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .writer import Signature, signature

Manifest = dict[str, Signature]  # every file of a site, by its path inside it

_FIND_FORMAT = r"%y\t%s\t%T@\t%i\t%P\0"  # type, size, mtime (seconds, then the fraction), inode, path


def scan(folder: Path, skip: str | None = None) -> Manifest | None:
    """Every file below ``folder`` with its signature, but those in its folder ``skip``; None when
    ``folder`` is no folder, or holds something that is neither a file nor a folder (a link: a build
    never makes one)."""
    try:
        found = find_scan(folder)
    except NoFind:
        return python_scan(folder, skip)
    if found is None or skip is None:
        return found
    inside = skip + "/"
    return {rel: sig for rel, sig in found.items() if rel != skip and not rel.startswith(inside)}


class NoFind(Exception):
    """There is no GNU find here."""


def find_scan(folder: Path) -> Manifest | None:
    """``scan`` by GNU find (NoFind where there is none)."""
    find = shutil.which("find")
    if find is None:
        raise NoFind()
    try:
        run = subprocess.run([find, os.fspath(folder), "-mindepth", "1", "-printf", _FIND_FORMAT],
                             stdin=subprocess.DEVNULL, capture_output=True, check=False)
    except OSError:
        raise NoFind() from None
    if run.returncode != 0:
        if b"printf" in run.stderr:  # BSD's find has no -printf
            raise NoFind()
        return None  # a folder that is gone, or a file gone while listed
    found: Manifest = {}
    for line in os.fsdecode(run.stdout).split("\0")[:-1]:
        kind, size, mtime, inode, rel = line.split("\t", 4)
        if kind == "f":
            seconds, _, fraction = mtime.partition(".")
            found[rel] = (int(size), int(seconds) * 1_000_000_000 + int(fraction[:9].ljust(9, "0")), int(inode))
        elif kind != "d":
            return None
    return found


def python_scan(folder: Path, skip: str | None = None) -> Manifest | None:
    """``scan`` in Python."""
    found: Manifest = {}
    todo = [("", os.fspath(folder))]
    top = True
    try:
        while todo:
            prefix, path = todo.pop()
            with os.scandir(path) as listing:
                for item in listing:
                    rel = prefix + item.name
                    if top and item.name == skip:
                        continue
                    if item.is_dir(follow_symlinks=False):
                        todo.append((rel + "/", item.path))
                    elif item.is_file(follow_symlinks=False):
                        found[rel] = signature(item.stat(follow_symlinks=False))
                    else:
                        return None
            top = False
    except OSError:
        return None
    return found
