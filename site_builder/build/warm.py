"""What a long-running process (the preview server) keeps in memory from one build to the next.

``site-builder build`` starts cold in every process and takes what did not change from the
build cache on disk (cache.py). The preview builds through that same cache, in the same way,
many times in one process; so it also keeps in memory what would otherwise be read again at
every save:

- each content file as last parsed (its entry, its problems, its arithmetic checks), by the
  file's signature and those of the source documents it names (来源.文件): a file is parsed
  again only when it changed (``load``, ``checks``: departments.Sources);
- the Jinja environment, while no template of the theme changed (``environment``);
- the departments' summaries by their cache key (cache.PersistentCache reads them from here
  before unpickling them);
- what was worked out of each entry (``memos``: scores, downloads);
- the last good build's context, in which the quick answer to a save renders (quickpath.py), and
  the pages that answer rendered, which the rebuild after it writes as they are (``made``:
  departments.Made);
- its output folder as the last good build left it (``own``: every file's signature, the departments
  and the site-wide files and pages it holds), which the cache would otherwise read and write again at
  every build. The folder is the preview's own, written only by its builds and its quick answers
  (which tell the build the files they replaced): a rebuild takes it as it is, without listing it
  to check it (patch.OutputCheck).

None of it changes what a build writes: a build with a ``Warm`` writes the files a build
without one writes (tests/test_incremental.py compares the preview with a cold build after
every kind of edit).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..content.checks import Check, run_checks
from ..content.load import Entry, Refused, load_file, read_source
from ..problems import Problem, Reporter
from ..site.render import BUILTIN_THEMES, DEFAULT_THEME, Theme, make_environment
from ..site.transparency import Memos
from .context import BuildContext
from .departments import Made
from .inputs import Signature, content_signature
from .sitewide_cache import OwnFolder



@dataclass
class _Parsed:
    """One content file as last parsed."""

    signature: Signature | None  # None: parse again next time (it changed while it was read)
    beside: tuple[Signature | None, ...]  # the source documents it names, as they were then
    entry: Entry | None
    problems: list[Problem]
    checks: list[Check] | None = None


class Warm:
    """What one preview keeps from build to build (see the module's docstring). One builder at a time."""

    def __init__(self) -> None:
        self.memos = Memos()
        self.summaries: dict[str, Any] = {}  # cache key → departments.Summary, as the last builds made or read them
        self.departments: dict[str, str] = {}  # department folder (relative to the content root) → its key
        self.last: BuildContext | None = None  # the last good build's context
        self.output: Path | None = None  # the folder it wrote (resolved)
        self.made = Made()  # the pages the quick answer since rendered (quickpath.py)
        self.parsed = 0  # content files parsed by the last build (the others were as they were)
        self.own = OwnFolder()  # its output folder as the last good build left it
        self.frozen = False  # whether the preview froze what it keeps (gc.freeze): a build then freezes nothing
        self._files: dict[tuple[Path, Path], _Parsed] = {}
        self._by_entry: dict[int, _Parsed] = {}
        self._environment: tuple[bytes, jinja2.Environment] | None = None

    def take_own(self, folder: str) -> OwnFolder:
        """What is kept of the output folder ``folder`` (nothing, when it is of another), taken: the build puts
        back what it left when it succeeds, and what it took when it fails before its commit (engine.py)."""
        own = self.own if self.own.folder == folder else OwnFolder(folder)
        self.own = OwnFolder()
        return own

    # -- departments.Sources -------------------------------------------------------------------

    def load(self, path: Path, content_root: Path, reporter: Reporter) -> Entry | None:
        """``content.load.load_file``, parsing ``path`` only when it or a source document it names changed
        since it was last parsed; its problems reported either way."""
        key = (path, content_root)
        known = self._files.get(key)
        signature = _signature(path)
        if known is None or signature is None or known.signature != signature or \
                (known.entry is not None and _beside(path, known.entry) != known.beside):
            known = self._parse(path, content_root, signature)
            self._files[key] = known
            if known.entry is not None:
                self._by_entry[id(known.entry)] = known
        reporter.extend(known.problems)
        return known.entry

    def _parse(self, path: Path, content_root: Path, signature: Signature | None) -> _Parsed:
        try:
            data: bytes | None = read_source(path, content_root)  # refused unread when it is no file of the root
        except (Refused, OSError):
            data = None
        reporter = Reporter()
        entry = load_file(path, content_root, reporter, data=data)
        self.parsed += 1
        stable = signature is not None and _signature(path) == signature  # changed while read: parse again next time
        beside = _beside(path, entry) if entry is not None else ()
        return _Parsed(signature if stable else None, beside, entry, reporter.problems)

    def checks(self, entry: Entry) -> list[Check]:
        """``run_checks(entry.model)``, once per version of the file."""
        known = self._by_entry.get(id(entry))
        if known is None or known.entry is not entry:
            return run_checks(entry.model)
        if known.checks is None:
            known.checks = run_checks(entry.model)
        return known.checks

    def forget_files_but(self, paths: set[tuple[Path, Path]]) -> None:
        """Drop what is kept of files no longer in the content (removed, renamed)."""
        self._files = {key: known for key, known in self._files.items() if key in paths}
        self._by_entry = {id(k.entry): k for k in self._files.values() if k.entry is not None}

    # -- the theme ---------------------------------------------------------------------------

    def environment(self, theme: Theme) -> jinja2.Environment:
        """``render.make_environment(theme)``, the same one while no template of the theme changed."""
        digest = theme_digest(theme)
        if self._environment is None or self._environment[0] != digest:
            self._environment = (digest, make_environment(theme))
        return self._environment[1]


def theme_digest(theme: Theme) -> bytes:
    """A digest of every template a theme's environment can load (the built-in default included)."""
    h = hashlib.sha256(b"theme")
    for number, folder in enumerate([*theme.template_dirs(), BUILTIN_THEMES / DEFAULT_THEME / "templates"]):
        h.update(str(folder.resolve()).encode() + b"\0")
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                h.update(f"{number}:{path.relative_to(folder).as_posix()}\0".encode() + path.read_bytes())
    return h.digest()


def _signature(path: Path) -> Signature | None:
    try:
        return content_signature(path.stat())
    except OSError:
        return None


def _beside(path: Path, entry: Entry) -> tuple[Signature | None, ...]:
    """The signatures of the source documents beside ``path`` that ``entry``'s pages publish (来源.文件)."""
    return tuple(_signature(path.parent / source.file) for source in entry.model.meta.sources if source.file)
