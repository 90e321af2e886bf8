"""A site-wide file written again from its previous version: unchanged pieces copied, changed pieces made.

A site-wide file (data/site.json, figures.csv …) is a header and one piece per department-year, in
path order (site/downloads.py: ``site_file_pieces``). After one department-year changed, all but a
piece or two are the bytes the last build wrote. ``write_spliced`` writes the new file piece by piece:
a piece the last build's file holds (same key: same fixed bytes, and a source file of the same
SHA-256) is copied from it, in the kernel where it can (``os.copy_file_range``), runs of such pieces
in one call; any other piece is made (its department-year's file read back). The new file is
hashed as it is written (the catalogue lists its SHA-256), the copied ranges read through a map of
the old file.

The old file is used only when it is the one the last build described (``Layout``: its size,
modification time and inode, as the build left it): a file edited, replaced or removed by hand is
never spliced from; the file is then made whole, as on a cold build.
"""

from __future__ import annotations

import hashlib
import mmap
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..site.downloads import Piece
from .writer import Signature, signature, start_writeback

COPY_BLOCK = 1 << 24  # bytes hashed (and copied) at a time


@dataclass
class Layout:
    """Where each piece of a file written by the last build is: key → (offset, length); and the file's
    signature as it was left."""

    signature: Signature
    pieces: dict[bytes, tuple[int, int]] = field(default_factory=dict)


def piece_key(piece: Piece, source_digest: Callable[[tuple[tuple[str, ...], str]], str]) -> bytes:
    """What identifies the bytes of ``piece``: what they depend on besides its source, and the digest of the
    source (a year's file's SHA-256 as the department's summary gives it: ``source_digest``)."""
    fixed, source, _ = piece
    if source is None:
        return hashlib.blake2b(b"fixed\0" + fixed, digest_size=16).digest()
    rel, name = source
    named = f"{'/'.join(rel)}\0{name}\0{source_digest(source)}".encode()
    return hashlib.blake2b(len(fixed).to_bytes(8, "little") + fixed + named, digest_size=16).digest()


@dataclass
class Spliced:
    """What ``write_spliced`` did: the new file's size, SHA-256 and layout (its signature filled in when it is
    closed), and how many bytes it copied and made."""

    size: int
    sha256: str
    layout: Layout
    copied: int = 0
    made: int = 0


def open_previous(path: str, layout: Layout | None) -> int | None:
    """A descriptor of the file at ``path`` when it is the one ``layout`` describes; else None."""
    if layout is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        if signature(os.fstat(fd)) == layout.signature:
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def write_spliced(target: str, pieces: Iterable[tuple[bytes, Piece]], previous: str | None,
                  layout: Layout | None, hashed: bool = True) -> Spliced:
    """Write ``pieces`` (each with its key) to ``target``, copying from the file at ``previous`` those the
    last build's ``layout`` of it holds (only when that file is the one ``layout`` describes). Without
    ``hashed``, the new file's SHA-256 is not worked out (``Spliced.sha256`` is empty)."""
    old = open_previous(previous, layout) if previous is not None else None
    held = layout.pieces if old is not None and layout is not None else {}
    view = None
    if old is not None and held:
        try:
            view = mmap.mmap(old, 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            held = {}
    sha = hashlib.sha256()
    new = Layout((0, 0, 0))
    done = Spliced(0, "", new)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        pending = [0, 0]  # a run of pieces to copy: offset in the old file, length

        def copy() -> None:
            start, length = pending
            if not length:
                return
            assert view is not None and old is not None
            if hashed:
                with memoryview(view) as whole:  # hashed where it is mapped: no copy of 500 MB into bytes
                    for at in range(start, start + length, COPY_BLOCK):
                        sha.update(whole[at:min(at + COPY_BLOCK, start + length)])
            _copy_range(old, out, start, length, view)
            done.copied += length
            pending[0] = pending[1] = 0

        for key, (_, _, make) in pieces:
            where = held.get(key)
            if where is not None:
                if pending[1] and pending[0] + pending[1] == where[0]:
                    pending[1] += where[1]
                else:
                    copy()
                    pending[0], pending[1] = where
                new.pieces[key] = (done.size, where[1])
                done.size += where[1]
                continue
            copy()
            data = b"".join(make())
            if hashed:
                sha.update(data)
            _write_all(out, data)
            new.pieces[key] = (done.size, len(data))
            done.size += len(data)
            done.made += len(data)
        copy()
        start_writeback(out, done.size)  # the commit renames it over the old file
        new.signature = signature(os.fstat(out))
    finally:
        os.close(out)
        if view is not None:
            view.close()
        if old is not None:
            os.close(old)
    done.sha256 = sha.hexdigest() if hashed else ""
    return done


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _copy_range(source: int, target: int, offset: int, length: int, view: mmap.mmap) -> None:
    """Append ``length`` bytes of ``source`` from ``offset`` to ``target``: in the kernel (``copy_file_range``,
    which shares the blocks where the file system can), else through ``view``."""
    end = offset + length
    while offset < end:
        try:
            copied = os.copy_file_range(source, target, end - offset, offset)
        except OSError:  # not supported between these files (another file system, an old kernel)
            copied = 0
        if copied <= 0:
            _write_all(target, view[offset:end])
            return
        offset += copied
