"""What a department read while it was built (as Lektor records a page's dependencies), and the
digest of each of those inputs as it is now: the build cache (cache.py) keeps a department under
the digest of what it read, and takes it again when that digest is the same.

A content file's digest is taken again only when its signature (size, modification and change
times, inode) changed since an earlier build worked it out, as git's index does; a file changed
within two seconds of being read is read again next time whatever its signature (git's "racy" rule).
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta

from .. import __version__
from ..content.crosswalk import SITE_FILE
from ..content.load import content_root_of
from ..site.render import Theme, make_environment

FORMAT = 3  # bumped when what the cache stores changes
RACY_NS = 2_000_000_000  # a file changed this recently is hashed again next time, whatever its signature


def code_digest() -> bytes:
    """A digest of the package's own files (its code, built-in theme and defaults): a developer's edit counts."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(f"site_builder {__version__} {FORMAT}\0".encode())
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.digest()


class SiteInputs:
    """What a department may read besides its own content files, each by digest, worked out once per
    build and only when a department's record names it (Lektor's dependency recording):

    - ``site``: the package's code and version, and where the content and the working folder are (both
      are in the problems' file names);
    - ``config``: ``site.toml`` as read; ``items``: the 公开完整度 items every department is scored by;
    - ``crosswalk``: ``crosswalk.yaml``, which a department's comparisons read (only one of two years or more);
    - ``template`` name: the source its Jinja environment loads under that name;
    - ``file`` path: the bytes of a file below the content root (its YAML, the source PDFs it publishes).
    """

    def __init__(self, theme: Theme, config: Any, items_key: str, content_root: Path) -> None:
        self.base = content_root_of(content_root)
        self.root = self.base.resolve()
        self._base = os.path.join(self.base, "")  # absolute, with its separator: a file's path is this and its name
        h = hashlib.sha256(code_digest())
        h.update(str(content_root.resolve()).encode() + b"\0" + os.getcwd().encode())
        crosswalk = self.base.parent / SITE_FILE
        self._fixed = {
            ("site", ""): h.digest(),
            ("config", ""): hashlib.sha256(repr(config).encode()).digest(),
            ("items", ""): hashlib.sha256(items_key.encode()).digest(),
            ("crosswalk", ""): hashlib.sha256(crosswalk.read_bytes() if crosswalk.is_file() else b"no crosswalk").digest(),
        }
        self._env = make_environment(theme)  # to resolve template names as the build's environment does
        self._templates: dict[str, tuple[bytes, tuple[str, ...] | None]] = {}
        self._files: dict[str, bytes] = {}
        self._shared: dict[Record, bytes] = {}  # record_digest's digest of a set of inputs but content files
        # a file's digest by its signature, as an earlier build worked it out (git's index does the same):
        # name → ((size, mtime_ns, inode, ctime_ns), digest); filled and kept by PersistentCache
        self.known: dict[str, tuple[Signature, bytes]] = {}
        # the templates a template's source names (Jinja's parse), by the SHA-256 of that source: filled and
        # kept by PersistentCache, since parsing the theme's templates took a tenth of a warm build at N = 1,000
        self.references: dict[bytes, tuple[str, ...] | None] = {}

    def digest(self, kind: str, name: str) -> bytes:
        """The digest of the input ``name`` of ``kind`` as it is now."""
        if kind == "file":
            known = self._files.get(name)
            if known is None:
                known = self._files[name] = _file_digest(self._base + name, self.root, name, self.known)
            return known
        if kind == "template":
            return self._template(name)[0]
        return self._fixed[(kind, name)]

    def record_digest(self, read: Record) -> bytes:
        """The digest of every input ``read`` names, as each is now. The inputs other than content files
        (the code, config, items, templates, crosswalk) are the same few sets for most departments: each
        set is digested once per build (at 10,000 department-years, 126,000 inputs came down to 12,000)."""
        files = [name for kind, name in read if kind == "file"]
        shared = tuple([pair for pair in read if pair[0] != "file"])
        common = self._shared.get(shared)
        if common is None:
            h = hashlib.sha256(b"shared\0")
            for kind, name in shared:
                h.update(f"{kind}\0{name}\0".encode() + self.digest(kind, name))
            common = self._shared[shared] = h.digest()
        h = hashlib.sha256(common)
        for name in files:
            h.update(name.encode() + b"\0" + self.digest("file", name))
        return h.digest()

    def template_digests(self) -> list[tuple[bytes, tuple[str, ...] | None]]:
        """The digest and references of each template this build looked at."""
        return list(self._templates.values())

    def used_files(self) -> set[str]:
        """The files whose digests this build worked out."""
        return set(self._files)

    def templates(self, names: Iterable[str]) -> list[str]:
        """``names`` and every template they extend, include or import, transitively (every template
        when one names another by an expression), sorted."""
        seen: set[str] = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            references = self._template(name)[1]
            todo += self._env.list_templates() if references is None else references
        return sorted(seen)

    def _template(self, name: str) -> tuple[bytes, tuple[str, ...] | None]:
        known = self._templates.get(name)
        if known is None:
            try:
                source = self._env.loader.get_source(self._env, name)[0]  # type: ignore[union-attr]
                digest = hashlib.sha256(source.encode()).digest()
                if digest in self.references:
                    references = self.references[digest]
                else:
                    found = tuple(jinja2.meta.find_referenced_templates(self._env.parse(source)))
                    references = self.references[digest] = None if None in found else tuple(str(n) for n in found)
            except (jinja2.TemplateError, OSError):  # a template that does not load: the build reports it
                digest, references = hashlib.sha256(b"\0missing").digest(), ()
            known = self._templates[name] = (digest, references)
        return known


Record = tuple[tuple[str, str], ...]  # the (kind, name) of each input a department read


def record(inputs: SiteInputs, files: Sequence[Path], summary: Any) -> Record:
    """What the department of ``files`` read while it was built (``summary``: what it sent back): its
    content files and the source documents they publish, the templates of its pages, the site's
    config, scorecard items and code, and the crosswalk when it has comparisons. Its region names are
    its files' (load.check_regions makes every file below a region folder agree)."""
    base = inputs.base
    read = [("site", ""), ("config", ""), ("items", "")]
    read += [("file", _relative(path, base)) for path in files]
    folder = _relative(files[0].parent, base)
    for entry in summary.entries:
        read += [("file", f"{folder}/{source.file}") for source in entry.model.meta.sources if source.file]
    read += [("template", name) for name in inputs.templates({route.template for route in summary.pages})]
    if len(summary.entries) > 1:
        read.append(("crosswalk", ""))
    return tuple(sorted(set(read)))


Signature = tuple[int, int, int, int]  # a content file as read: (size, mtime_ns, inode, ctime_ns)


def content_signature(st: os.stat_result) -> Signature:
    """What tells a content file from the same path edited since: its change time too, which an edit that
    keeps the size and sets the modification time back still moves (git's index keeps it likewise)."""
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def _file_digest(path: str, root: Path, name: str = "",
                 known: dict[str, tuple[Signature, bytes]] | None = None) -> bytes:
    """The digest of a regular file inside ``root``; of what else it is, unread (a pipe, a folder, a link
    out of content/: the build refuses those files, or they are not content). ``known``: digests by
    signature from earlier builds, used when the file's signature is the same, and updated."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            return b"not a file"
        signature = content_signature(st)
        if known is not None:  # only files found inside the root are remembered; the same file still is
            earlier = known.get(name)
            if earlier is not None and earlier[0] == signature:
                return earlier[1]
        if not Path(os.path.realpath(path)).is_relative_to(root):
            return b"outside"
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).digest()
        # a file changed again within the clock's step after it was read would keep its signature:
        # a digest is remembered only for a file last changed well before it was read (git's "racy" rule)
        if known is not None and time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS:
            known[name] = (signature, digest)
        return digest
    except OSError:
        return b"unreadable"


def _relative(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` (either may be relative to the working folder, or absolute)."""
    return Path(os.path.relpath(path, base)).as_posix()


def relative_folder(path: Path, base: str) -> str:
    """``_relative(path.parent, base)`` for ``base`` absolute and normalised (``os.path.abspath``), as strings
    where ``path`` is below ``base`` (a build asks it of every department, three times)."""
    folder = os.path.dirname(os.path.abspath(path))
    if folder.startswith(base) and folder[len(base):len(base) + 1] == os.sep:
        return folder[len(base) + 1:].replace(os.sep, "/")
    return _relative(Path(folder), Path(base))
