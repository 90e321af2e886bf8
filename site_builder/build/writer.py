"""Writing the site atomically: all into a temporary sibling folder, then swapped in.

``output/`` is replaced only when every page was written; on any failure the temporary
folder is removed and the previous site stays as it was, byte for byte. Like Pelican's
writer, a path is never written twice. Nothing here depends on the time or on the order
of a directory listing, so two builds of the same input give identical files.

The swap has no window: on Linux the new folder and ``output/`` trade places in one
``renameat2(RENAME_EXCHANGE)``, so at every moment ``output/`` is the whole old site or
the whole new one. The old one is then renamed ``.output-old-*`` and removed by a detached
process (``remove_old``), so that the command returns without waiting for thousands of
unlinks; should that process be killed, the next build removes what it left. Where that
call is missing (another system, a file system without it) two renames are used and a
warning says so. A symlinked ``output/`` stays the symlink: the folder it points to is the
one replaced, with the new site built beside it. A build holds a lock (``flock``) on each
temporary folder it made; the next build removes the ``.output-tmp-*`` and
``.output-old-*`` folders no running build holds (those of a build that was killed).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import logging
import os
import sys
import shutil
import subprocess
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Protocol

from ..problems import Message

TEMP_PREFIX = ".output-tmp-"
OLD_PREFIX = ".output-old-"
WRITE_THREADS = 4  # writing is I/O: threads overlap it with rendering
MAX_PENDING = 64  # pages rendered but not yet on disk, to bound memory
RENAME_EXCHANGE = 2  # linux/fs.h
AT_FDCWD = -100

log = logging.getLogger(__name__)


class UnsafeOutput(ValueError):
    """The output folder is one the build must not replace."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message


class WrittenTwice(FileExistsError):
    """Two files of one build claim one path."""

    def __init__(self, rel: str) -> None:
        self.message = Message(f"{rel} would be written twice", f"{rel} 会被写入两次（两个文件占用同一路径）")
        super().__init__(self.message.en)


Signature = tuple[int, int, int]  # a file as written: (size, mtime_ns, inode)


def signature(st: os.stat_result) -> Signature:
    """What tells a file written by a build from the same path edited or replaced since."""
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def file_signature(path: str | Path) -> Signature | None:
    """``signature`` of the file at ``path``; None when there is none."""
    try:
        return signature(os.stat(path))
    except OSError:
        return None


SYNC_FILE_RANGE_WRITE = 2  # Linux's sync_file_range(2): start writing out the dirty pages, without waiting
WRITEBACK_FROM = 1 << 20  # the smallest file whose writing out is started as soon as it is written


def start_writeback(fd: int, size: int) -> None:
    """Start writing the file open at ``fd`` (``size`` bytes, all written to it) to disk without waiting for it, when
    it is of ``WRITEBACK_FROM`` bytes or more (Linux's ``sync_file_range``; elsewhere nothing). A warm build's
    commit renames each new file over the old one, and ext4 then writes the new file's data out at the rename, on
    the building thread (``auto_da_alloc``: a crash leaves the old bytes or the new): at 10,000 department-years
    0.2 to 0.35 s for data/site.json alone (240 MB), against 0.07 to 0.12 s started here, on the thread that wrote
    it, while the build goes on."""
    if size < WRITEBACK_FROM:
        return
    try:
        sync_file_range = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):  # not glibc, not Linux
        return
    sync_file_range.argtypes = (ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint)
    sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE)  # an error (a file system without it) leaves it to the rename


def write_parts_to(path: str | Path, parts: Iterable[bytes | memoryview]) -> tuple[int, str]:
    """Write ``parts`` one after another to ``path`` (never whole in memory); (size, SHA-256)."""
    digest, size = hashlib.sha256(), 0
    with open(path, "wb") as f:
        for part in parts:
            f.write(part)
            digest.update(part)
            size += len(part)
        f.flush()
        start_writeback(f.fileno(), size)
    return size, digest.hexdigest()


def replace_file(target: Path, data: bytes, prefix: str = TEMP_PREFIX, mode: int = 0o644) -> None:
    """Replace ``target`` with ``data`` in one rename (a reader sees the old file or the new one)."""
    handle, temporary = tempfile.mkstemp(prefix=prefix, dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def open_staging(site: Path) -> tuple[Path, int | None]:
    """A new staging folder beside ``site`` (locked, ``locked_folder``), once the folders of killed builds
    there are removed (``remove_stale``)."""
    site.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(site.parent)
    return locked_folder(TEMP_PREFIX, site.parent)


def close_staging(temp: Path, lock: int | None) -> None:
    """Remove a staging folder (what is left of it: a commit moved it, or its files, away) and its lock.
    By a process of its own (``remove_old``), which the build does not wait for: a warm build's commit
    leaves in it each file made again with the same bytes (520 files at 1,000 department-years, which
    took 17 to 110 ms to remove here)."""
    if lock is not None:
        os.close(lock)  # first: remove_old locks the folder for its remover
    if temp.exists():
        remove_old(temp)


def claim_path(rel: str, claimed: set[str] | dict[str, bytes]) -> None:
    """Refuse ``rel`` when ``claimed`` holds it already (WrittenTwice) or it is no path inside the site
    (absolute, climbing out, a backslash or a NUL); both writers claim every path through this."""
    if rel in claimed:
        raise WrittenTwice(rel)
    if rel.startswith("/") or ".." in rel.split("/") or "\\" in rel or "\x00" in rel:
        raise ValueError(f"{rel} is not a path inside the site")


def check_output_dir(output: Path, protected: list[Path]) -> None:
    """Refuse an output folder that holds (or is) the project, its content or its themes."""
    target = output.resolve()
    for path in protected:
        p = path.resolve()
        if p == target or p.is_relative_to(target):
            raise UnsafeOutput(Message(f"{output} holds {path}; choose an output folder of its own, such as output/",
                                       f"{output} 包含 {path}；请另选一个专用的输出文件夹，例如 output/"))
    if target.exists() and not target.is_dir():
        raise UnsafeOutput(Message(f"{output} exists and is not a folder", f"{output} 已存在，但不是文件夹"))
    if target.is_dir() and any(target.iterdir()) and not (target / "index.html").is_file():
        raise UnsafeOutput(Message(f"{output} is not empty and does not look like a built site (no index.html); "
                                   "move it away or choose another output folder",
                                   f"{output} 不是空文件夹，也不像构建好的网站（没有 index.html）；"
                                   "请把它移走，或另选一个输出文件夹"))


def site_folder(output: Path) -> Path:
    """The folder that holds the site: ``output`` itself, or the folder it links to when it is a symlink."""
    return Path(os.path.realpath(output)) if output.is_symlink() else output


def locked_folder(prefix: str, parent: Path) -> tuple[Path, int | None]:
    """A new temporary folder in ``parent`` and a file descriptor holding a lock on it (None where
    there is no ``flock``); the lock ends with the descriptor, or with the process however it ends."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        import fcntl
    except ImportError:  # not POSIX
        return folder, None
    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return folder, fd


@contextlib.contextmanager
def locked_temporary(kind: str, parent: Path, remove: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """A new temporary folder ``TEMP_PREFIX + kind`` in ``parent``, locked while in the ``with`` (``locked_folder``:
    if the build is killed, the next one's ``remove_stale`` removes it), then removed by ``remove`` (``remove_old``,
    a process of its own, by default)."""
    folder, lock = locked_folder(TEMP_PREFIX + kind, parent)
    try:
        yield folder
    finally:
        if lock is not None:
            os.close(lock)  # first: remove_old locks the folder for its remover
        (remove or remove_old)(folder)


def remove_stale(parent: Path) -> list[str]:
    """Remove the temporary folders of builds that were killed from ``parent``; their names.

    A folder a running build holds (``locked_folder``) is left alone.
    """
    try:
        import fcntl
    except ImportError:
        fcntl = None  # type: ignore[assignment]
    removed = []
    try:
        names = sorted(os.listdir(parent))
    except OSError:
        return removed
    for name in names:
        path = parent / name
        if not name.startswith((TEMP_PREFIX, OLD_PREFIX)) or path.is_symlink() or not path.is_dir():
            continue
        if fcntl is not None:
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:  # a running build's
                os.close(fd)
                continue
            try:
                shutil.rmtree(path, ignore_errors=True)
            finally:
                os.close(fd)
        else:
            shutil.rmtree(path, ignore_errors=True)
        removed.append(name)
    return removed


class ExchangeUnavailable(OSError):
    """This system or file system cannot swap two folders in one step."""


def _load_renameat2() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    if sys.platform != "linux":
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without it (glibc before 2.28, some others)
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()


def exchange(a: Path, b: Path) -> None:
    """Swap the folders ``a`` and ``b`` in one step (Linux's ``renameat2(RENAME_EXCHANGE)``).

    Raises ExchangeUnavailable where the system or the file system cannot.
    """
    if _renameat2 is None:
        raise ExchangeUnavailable(f"renameat2 is not available on {sys.platform}")
    if _renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise ExchangeUnavailable(code, f"renameat2(RENAME_EXCHANGE) is not supported here: {os.strerror(code)}")
        raise OSError(code, os.strerror(code), str(b))


def swap_in(new: Path, current: Path) -> Path:
    """Put the folder ``new`` in the place of the folder ``current``; where the old folder now is.

    In one step where the system can (``exchange``): the old folder is then at ``new``.
    Elsewhere in two renames, between which ``current`` is missing for a moment (a warning says so:
    once per build, since a build swaps once).
    """
    try:
        exchange(new, current)
        return new
    except ExchangeUnavailable as err:
        log.warning("%s; output/ is replaced in two renames instead, and is missing for a moment", err)
    old = Path(tempfile.mkdtemp(prefix=OLD_PREFIX, dir=current.parent))
    os.rmdir(old)
    os.rename(current, old)
    try:
        os.rename(new, current)
    except OSError:
        os.rename(old, current)
        raise
    return old


# The command that removes a replaced site in the background, its folder appended (tests put a slower one).
REMOVER: tuple[str, ...] = ("rm", "-rf", "--")


def remove_old(folder: Path) -> None:
    """Remove the replaced site without waiting for it (a step of its own, after the swap: tests stop
    a build just before it).

    ``folder`` is renamed ``.output-old-*`` and handed, locked (``locked_folder``'s lock), to a
    ``REMOVER`` started in a session of its own and left behind (``sh`` starts it and exits at once,
    so it is nobody's child and outlives the build, a Ctrl-C or a kill of it). While it runs, the next
    build's ``remove_stale`` leaves the folder to it; once it is gone (killed, say), the next build
    removes what is left. Where it cannot be started, the folder is removed here.
    """
    old = folder
    if not folder.name.startswith(OLD_PREFIX):
        old = Path(tempfile.mkdtemp(prefix=OLD_PREFIX, dir=folder.parent))
        os.rmdir(old)
        try:
            os.rename(folder, old)
        except OSError:
            old = folder
    try:
        import fcntl
        fd = os.open(old, os.O_RDONLY)
    except (ImportError, OSError):  # not POSIX
        shutil.rmtree(old, ignore_errors=True)
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # another build's remove_stale is at it already
        os.close(fd)
        return
    try:  # the lock goes with the descriptor to the remover; this process's copy is closed below
        subprocess.run(["sh", "-c", '"$@" &', "sh", *REMOVER, os.fspath(old.resolve())], pass_fds=(fd,),
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       start_new_session=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        shutil.rmtree(old, ignore_errors=True)
    finally:
        os.close(fd)


class Writer(Protocol):
    """What every build writes through: ``SiteWriter`` (a new folder, swapped in whole), ``PatchWriter``
    (a warm build: the files that changed, renamed into place) and ``QuickWriter`` (the preview's quick
    answer), all in patch.py but the first. A path is claimed once: a second claim raises WrittenTwice."""

    @property
    def written(self) -> int:
        """How many files were claimed."""

    def write_text(self, rel: str, text: str) -> None: ...

    def write_bytes(self, rel: str, data: bytes) -> None: ...

    def copy_file(self, source: Path, rel: str) -> None: ...

    def path_of(self, rel: str) -> str:
        """Where the file written at ``rel`` is now, before the commit (to read it back: the catalogue's digests)."""

    def commit(self) -> None: ...


class SiteWriter:
    """Collects the files of one build in a temporary folder; ``commit`` swaps it in."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self._site = site_folder(output)
        self._temp, self._lock = open_staging(self._site)
        self._written: set[str] = set()
        self._pool = ThreadPoolExecutor(max_workers=WRITE_THREADS, thread_name_prefix="site-writer")
        self._pending: deque[Future[None]] = deque()

    def __enter__(self) -> SiteWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        close_staging(self._temp, self._lock)  # not committed: a failure, or an early return
        self._lock = None

    @property
    def temp(self) -> Path:
        """The folder being written, with every file written so far on disk (for an indexer to read)."""
        self.flush()
        return self._temp

    @property
    def output_site(self) -> Path:
        """The folder the site is in (``output``, or where it links to): the last build's files, until the commit."""
        return self._site

    @property
    def written(self) -> int:
        return len(self._written)

    def paths(self) -> Iterable[str]:
        """Every file of the new site so far (each claimed once, whoever wrote it: a worker's too)."""
        return self._written

    def _target(self, rel: str) -> Path:
        claim_path(rel, self._written)
        self._written.add(rel)
        return self._temp / rel

    def write_text(self, rel: str, text: str) -> None:
        """Write ``text`` as UTF-8 to ``rel`` inside the site (in the background; errors surface by commit)."""
        self._submit(self._target(rel), text.encode("utf-8"))

    def write_bytes(self, rel: str, data: bytes) -> None:
        """Write ``data`` as it is to ``rel`` inside the site (a download: in the background, like pages)."""
        self._submit(self._target(rel), data)

    def copy_file(self, source: Path, rel: str) -> None:
        self._submit(self._target(rel), source.read_bytes())

    def write_parts(self, rel: str, parts: Iterable[bytes | memoryview]) -> tuple[int, str]:
        """Write ``parts`` one after another to ``rel`` (now, never whole in memory); (size, SHA-256)."""
        target = self._target(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        return write_parts_to(target, parts)

    def reserve(self, rel: str) -> Path:
        """Claim ``rel`` for a file another process writes into ``temp`` (parallel.py); where to write it."""
        return self._target(rel)

    def path_of(self, rel: str) -> str:
        """Where the file written at ``rel`` is (every file is in the temporary folder until the commit).
        (A string, not a Path: this runs for every download of a large site.)"""
        return os.path.join(self._temp, rel)

    def _submit(self, path: Path, data: bytes) -> None:
        while len(self._pending) >= MAX_PENDING:
            self._pending.popleft().result()  # raises the first write error here
        self._pending.append(self._pool.submit(_write, path, data))

    def flush(self) -> None:
        """Wait until every file is on disk; raise the first write error."""
        while self._pending:
            self._pending.popleft().result()

    def commit(self) -> None:
        """Replace the output folder with the written site in one step (``swap_in``), then have the old one
        removed in the background (``remove_old``)."""
        self.flush()
        self._temp.chmod(0o755)  # mkdtemp makes it private; a web server must read it
        if self._site.is_dir():
            remove_old(swap_in(self._temp, self._site))
        else:  # the first build: nothing to replace, and a rename is atomic
            os.rename(self._temp, self._site)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)  # safe when two threads create one folder
    path.write_bytes(data)
