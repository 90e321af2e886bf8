"""Every file below a folder with its signature (size, modification time, inode): a build's ``Manifest``.

A warm build checks that the output folder is, file for file, what the last build left there
(patch.OutputCheck), and keeps the manifest of what it leaves (cache.OutputState). At 10,000
department-years that is 144,000 files in 47,000 folders. Listed by Python (``os.scandir``, one
``stat`` a file), the work is mostly system calls, but each one hands the interpreter back and
forth with the build running beside it: the check took 12 s of wall time beside a warm build
that needs its answer in 10. GNU ``find`` lists the same in 2 s on a core of its own, and the
listing is read in one pass. Where there is no GNU ``find`` (its ``-printf``), Python lists.

Reading that listing (144,000 lines into a dict of signatures) still took 0.7 s of the interpreter beside
the build. So a build that knows since when the manifest holds (``changed_since``: a time on the output's
own file system, ``stamp``) lists in full only what changed since then, by its inode's change time (ctime,
which every write, rename, link, chmod or utime sets, and nobody can set back); of the others, only how
many files there are. A file removed shows in that count, a file added or changed in the list.
"""

from __future__ import annotations

import collections
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .writer import Signature, signature

Manifest = dict[str, Signature]  # every file of a site, by its path inside it

_FIND_FORMAT = r"%y\t%s\t%T@\t%i\t%P\0"  # type, size, mtime (seconds, then the fraction), inode, path


def scan(folder: Path, skip: str | None = None) -> Manifest | None:
    """Every file below ``folder`` with its signature, but those in its folder ``skip``; None when
    ``folder`` is no folder, or holds something that is neither a file nor a folder (a link: a build
    never makes one)."""
    try:
        return find_scan(folder, skip)
    except NoFind:
        return python_scan(folder, skip)


class NoFind(Exception):
    """There is no GNU find here."""


def _find(folder: Path, skip: str | None, expression: list[str]) -> bytes | None:
    """What GNU find prints for ``expression`` of each file and folder below ``folder`` (its folder ``skip``
    pruned, not listed); None when it fails (a folder that is gone, a file gone while listed). NoFind where
    there is no GNU find (BSD's has no -printf and no -newerct)."""
    find = shutil.which("find")
    if find is None:
        raise NoFind()
    top = os.fspath(folder)
    command = [find, top, "-mindepth", "1"]
    if skip is not None:  # -path takes a pattern: the folder's own name is escaped
        pattern = "".join("\\" + c if c in "\\*?[]" else c for c in f"{top}/{skip}")
        command += ["(", "-path", pattern, "-prune", ")", "-o"]
    try:
        run = subprocess.run(command + expression, stdin=subprocess.DEVNULL, capture_output=True, check=False)
    except OSError:
        raise NoFind() from None
    if run.returncode != 0:
        if b"printf" in run.stderr or b"newer" in run.stderr:
            raise NoFind()
        return None
    return run.stdout


def find_scan(folder: Path, skip: str | None = None) -> Manifest | None:
    """``scan`` by GNU find (NoFind where there is none)."""
    listed = _find(folder, skip, ["-printf", _FIND_FORMAT])
    return None if listed is None else _parse(os.fsdecode(listed).split("\0")[:-1])


def _parse(lines: list[str]) -> Manifest | None:
    """The files of ``_FIND_FORMAT``'s ``lines`` with their signatures; None when one is neither a file nor a folder."""
    found: Manifest = {}
    for line in lines:
        kind, size, mtime, inode, rel = line.split("\t", 4)
        if kind == "f":
            seconds, _, fraction = mtime.partition(".")
            found[rel] = (int(size), int(seconds) * 1_000_000_000 + int(fraction[:9].ljust(9, "0")), int(inode))
        elif kind != "d":
            return None
    return found


STAMP_MARGIN_NS = 2_000_000_000
"""How much earlier than its stamp a listing counts as taken: file systems keep times coarser than a stamp (a
clock tick), and a clock may be set back a little."""


def stamp(folder: Path) -> int:
    """The time now on the file system of ``folder`` (the ctime of a file made there, then removed), in ns, less
    ``STAMP_MARGIN_NS``: a file changed after this call has a later ctime, even where the file system's clock (a
    network share's) is not this machine's. 0 when no file can be made there (then nothing counts as unchanged)."""
    try:
        fd, path = tempfile.mkstemp(prefix=".stamp-", dir=folder)
    except OSError:
        return 0
    try:
        return max(0, os.fstat(fd).st_ctime_ns - STAMP_MARGIN_NS)
    finally:
        os.close(fd)
        os.unlink(path)


Changes = tuple[int, Manifest]
"""A listing by ``changed_since``: how many files there are, and those changed since, with their signatures."""


def changed_since(folder: Path, since: int, skip: str | None = None) -> Changes | None:
    """How many files ``folder`` holds (but in its folder ``skip``), and which of them changed (their ctime)
    after the time ``since`` (ns: ``stamp``), with their signatures; None when ``folder`` is no folder or holds
    something that is neither a file nor a folder. NoFind where there is no GNU find."""
    seconds, fraction = divmod(since, 1_000_000_000)
    listed = _find(folder, skip, ["(", "-newerct", f"@{seconds}.{fraction:09d}", "-printf", _FIND_FORMAT, ")",
                                  "-o", "-printf", r"%y\0"])
    if listed is None:
        return None
    counts = collections.Counter(listed.split(b"\0")[:-1])  # 190,000 records counted in C
    files = 0
    lines = []
    for record, n in counts.items():
        if len(record) != 1:
            lines.append(os.fsdecode(record))
        elif record == b"f":
            files += n
        elif record != b"d":
            return None
    changed = _parse(lines)
    if changed is None:
        return None
    return files + len(changed), changed


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
