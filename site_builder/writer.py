"""Writing the site atomically: all into a temporary sibling folder, then swapped in.

``output/`` is replaced only when every page was written; on any failure the temporary
folder is removed and the previous site stays as it was, byte for byte. Like Pelican's
writer, a path is never written twice. Nothing here depends on the time or on the order
of a directory listing, so two builds of the same input give identical files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from .problems import Message

TEMP_PREFIX = ".output-tmp-"
OLD_PREFIX = ".output-old-"
WRITE_THREADS = 4  # writing is I/O: threads overlap it with rendering
MAX_PENDING = 64  # pages rendered but not yet on disk, to bound memory


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


class SiteWriter:
    """Collects the files of one build in a temporary folder; ``commit`` swaps it in."""

    def __init__(self, output: Path) -> None:
        self.output = output
        output.parent.mkdir(parents=True, exist_ok=True)
        self._temp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=output.parent))
        self._written: set[str] = set()
        self._pool = ThreadPoolExecutor(max_workers=WRITE_THREADS, thread_name_prefix="site-writer")
        self._pending: deque[Future[None]] = deque()

    def __enter__(self) -> SiteWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._temp.exists():  # not committed: a failure, or an early return
            shutil.rmtree(self._temp, ignore_errors=True)

    @property
    def temp(self) -> Path:
        """The folder being written, with every file written so far on disk (for an indexer to read)."""
        self.flush()
        return self._temp

    @property
    def written(self) -> int:
        return len(self._written)

    def _target(self, rel: str) -> Path:
        if rel in self._written:
            raise WrittenTwice(rel)
        if rel.startswith("/") or ".." in rel.split("/"):
            raise ValueError(f"{rel} is not a path inside the site")
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
        digest, size = hashlib.sha256(), 0
        with open(target, "wb") as f:
            for part in parts:
                f.write(part)
                digest.update(part)
                size += len(part)
        return size, digest.hexdigest()

    def reserve(self, rel: str) -> Path:
        """Claim ``rel`` for a file another process writes into ``temp`` (parallel.py); where to write it."""
        return self._target(rel)

    def _submit(self, path: Path, data: bytes) -> None:
        while len(self._pending) >= MAX_PENDING:
            self._pending.popleft().result()  # raises the first write error here
        self._pending.append(self._pool.submit(_write, path, data))

    def flush(self) -> None:
        """Wait until every file is on disk; raise the first write error."""
        while self._pending:
            self._pending.popleft().result()

    def commit(self) -> None:
        """Replace the output folder with the written site, in two renames."""
        self.flush()
        self._temp.chmod(0o755)  # mkdtemp makes it private; a web server must read it
        old: Path | None = None
        if self.output.exists():
            old = Path(tempfile.mkdtemp(prefix=OLD_PREFIX, dir=self.output.parent))
            os.rmdir(old)
            os.rename(self.output, old)
        try:
            os.rename(self._temp, self.output)
        except OSError:
            if old is not None:
                os.rename(old, self.output)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)  # safe when two threads create one folder
    path.write_bytes(data)
