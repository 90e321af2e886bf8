"""Writing the site atomically: all into a temporary sibling folder, then swapped in.

``output/`` is replaced only when every page was written; on any failure the temporary
folder is removed and the previous site stays as it was, byte for byte. Like Pelican's
writer, a path is never written twice. Nothing here depends on the time or on the order
of a directory listing, so two builds of the same input give identical files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

TEMP_PREFIX = ".output-tmp-"
OLD_PREFIX = ".output-old-"


class UnsafeOutput(ValueError):
    """The output folder is one the build must not replace."""


def check_output_dir(output: Path, protected: list[Path]) -> None:
    """Refuse an output folder that holds (or is) the project, its content or its themes."""
    target = output.resolve()
    for path in protected:
        p = path.resolve()
        if p == target or p.is_relative_to(target):
            raise UnsafeOutput(f"{output} holds {path}; choose an output folder of its own, such as output/")
    if target.exists() and not target.is_dir():
        raise UnsafeOutput(f"{output} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / "index.html").is_file():
        raise UnsafeOutput(f"{output} is not empty and does not look like a built site (no index.html); "
                           "move it away or choose another output folder")


class SiteWriter:
    """Collects the files of one build in a temporary folder; ``commit`` swaps it in."""

    def __init__(self, output: Path) -> None:
        self.output = output
        output.parent.mkdir(parents=True, exist_ok=True)
        self.temp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=output.parent))
        self._written: set[str] = set()

    def __enter__(self) -> SiteWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None) -> None:
        if self.temp.exists():  # not committed: a failure, or an early return
            shutil.rmtree(self.temp, ignore_errors=True)

    @property
    def written(self) -> int:
        return len(self._written)

    def _target(self, rel: str) -> Path:
        if rel in self._written:
            raise FileExistsError(f"{rel} would be written twice")
        if rel.startswith("/") or ".." in rel.split("/"):
            raise ValueError(f"{rel} is not a path inside the site")
        self._written.add(rel)
        path = self.temp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write_text(self, rel: str, text: str) -> None:
        """Write ``text`` as UTF-8 with Unix newlines to ``rel`` inside the site."""
        self._target(rel).write_bytes(text.encode("utf-8"))

    def copy_file(self, source: Path, rel: str) -> None:
        self._target(rel).write_bytes(source.read_bytes())

    def commit(self) -> None:
        """Replace the output folder with the written site, in two renames."""
        for folder in sorted(self.temp.rglob("*")):
            if folder.is_dir():
                folder.chmod(0o755)
        self.temp.chmod(0o755)  # mkdtemp makes it private; a web server must read it
        old: Path | None = None
        if self.output.exists():
            old = Path(tempfile.mkdtemp(prefix=OLD_PREFIX, dir=self.output.parent))
            os.rmdir(old)
            os.rename(self.output, old)
        try:
            os.rename(self.temp, self.output)
        except OSError:
            if old is not None:
                os.rename(old, self.output)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
