"""What the site-wide stage keeps between builds through the persistent cache, so that a warm build
makes again only what changed (sitewide.py).

Two files in the cache folder (``State``): ``sitewide-outputs.pickle``, for each of the last few output
folders built into (``output/``, the preview's …, which share the cache):

- each site-wide file's ``Layout`` (splice.py): where each of its pieces is in the file the build left (the
  catalogue's and the sitemap's too: listings.py);
- each site-wide page's key (``PageKeys``: its template set, the site's code and configuration, and the
  fingerprint of what its view reads) and the signature of the file the build left: a page whose key
  is unchanged is not rendered; its bytes are taken from the last build's file, when that file is
  still the one the build left;

and ``sitewide.pickle``, whatever the folder:

- each department-year's digests for the page keys (``PageKeys``), and its row of the scorecard pages but
  its rank (``completeness.ScoreLine``): those pages have a row per department-year, and a warm build
  makes again only the rows of the department-years that changed.

The state is written beside the cache (``*.next``) while the build runs, and takes the place of the
last only after the build succeeded (``commit_state``), with the signature of each file and page as the
output folder then holds it. Whatever it names
is checked against the output folder as it is (size, modification time and inode) before it is
used, so a site edited by hand, or built since without the cache, is made afresh.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..content.load import Entry
from ..derive.scorecard import Scorecard
from ..site.completeness import dump_line, score_line
from .cache import OUTPUTS_KEPT, OutputState, PersistentCache
from .departments import Summary
from .fingerprint import Deferred, Fingerprints, Uncacheable, digest
from .splice import Layout
from .writer import Signature, file_signature

if TYPE_CHECKING:
    from .manifest import Manifest

FORMAT = 7
STATE = "sitewide.pickle"  # what does not depend on the output folder
OUTPUTS = "sitewide-outputs.pickle"  # each output folder's files and pages
NEXT, NEXT_OUTPUTS = "sitewide.next", "sitewide-outputs.next"
YEAR_FILES = {"department-year": "json", "figures": "figures", "indicators": "indicators", "final": "final"}


@dataclass
class State:
    """What one good build left (see the module's docstring)."""

    files: dict[str, Layout] = field(default_factory=dict)
    pages: dict[str, tuple[bytes, Signature]] = field(default_factory=dict)
    entries: dict[bytes, tuple[bytes, bytes]] = field(default_factory=dict)  # a year's digests (``PageKeys``)
    # a year's row of the scorecard pages (``PageKeys``), kept with the digest of the code that made them
    lines: dict[bytes, bytes] = field(default_factory=dict)  # each pickled: unpickled only when the pages are made


@dataclass
class OwnFolder:
    """The output folder a preview builds into, as its last good build left it (warm.py): its ``OutputState``
    and its site-wide ``State``, kept in memory instead of in the cache."""

    folder: str = ""  # os.path.realpath of the site's folder
    output: OutputState | None = None
    sitewide: State | None = None
    next: State | None = None  # the site-wide state of the build running, until it is put in place


Outputs = dict[str, tuple[dict[str, Layout], dict[str, tuple[bytes, Signature]]]]
"""The files and pages the last good builds into other output folders left, by folder (the least recent first)."""


def load_state(store: PersistentCache | None, site: str, own: OwnFolder | None = None) -> tuple[State, Outputs]:
    """The state the last good build through ``store`` into the output folder ``site`` left (its files and
    pages; empty without one, or when it does not load), and what is kept of other output folders. ``own``:
    the preview's own folder (warm.py), whose state is kept in memory, not in the cache."""
    if store is None:
        return State(), {}
    if own is not None and own.sitewide is not None:
        return own.sitewide, {}
    outputs: Outputs = {}
    entries: dict[bytes, tuple[bytes, bytes]] = {}
    lines: dict[bytes, bytes] = {}
    try:
        with open(store.folder / OUTPUTS, "rb") as f:
            version, found = pickle.load(f)
        if version == FORMAT and isinstance(found, dict):
            outputs = found
        with open(store.folder / STATE, "rb") as f:
            version, found_entries, (code, found_lines) = pickle.load(f)
        if version == FORMAT and all(isinstance(d, dict) for d in (found_entries, found_lines)):
            entries = found_entries
            if code == store.inputs.digest("site", ""):  # rows made by this very code
                lines = found_lines
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        pass
    files, pages = outputs.pop(site, ({}, {}))
    return State(files, pages, entries, lines), outputs


def keep_state(store: PersistentCache, site: str, state: State, others: Outputs, own: OwnFolder | None = None) -> None:
    """Write ``state`` (of the build into ``site``) beside the cache, with what is kept of the ``others``
    (``output/`` and a test's folder share the cache: each keeps its own files and pages), to be
    put in place by ``commit_state`` once the build succeeded; or keep it in ``own`` (the preview's)."""
    if own is not None:
        own.next = state
        return
    outputs = {**others, site: (state.files, state.pages)}
    while len(outputs) > OUTPUTS_KEPT:
        del outputs[next(iter(outputs))]
    try:
        with open(store.folder / NEXT, "wb") as f:
            pickle.dump((FORMAT, state.entries, (store.inputs.digest("site", ""), state.lines)), f,
                        protocol=pickle.HIGHEST_PROTOCOL)
        with open(store.folder / NEXT_OUTPUTS, "wb") as f:
            pickle.dump((FORMAT, site, outputs), f, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        (store.folder / NEXT).unlink(missing_ok=True)
        (store.folder / NEXT_OUTPUTS).unlink(missing_ok=True)


def commit_state(folder: Path, own: OwnFolder | None = None, manifest: Manifest | None = None) -> None:
    """After a good build: the state it wrote (``keep_state``) becomes the one the next build reads, each
    file and page it names with its signature as the output folder now holds it (a build in place keeps
    the old file where it made the same bytes again: patch.py): the folder's ``manifest`` as the build left
    it says which (without one, each is looked at). ``own``: the preview's, where its state is kept."""
    if own is not None:
        state, own.next = own.next, None
        if state is not None:
            _sign(state.files, state.pages, own.folder, manifest)
            own.sitewide = state
        return
    try:
        with open(folder / NEXT_OUTPUTS, "rb") as f:
            version, site, outputs = pickle.load(f)
        _sign(*outputs[site], site, manifest)
        with open(folder / NEXT_OUTPUTS, "wb") as f:
            pickle.dump((version, outputs), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(folder / NEXT_OUTPUTS, folder / OUTPUTS)
        os.replace(folder / NEXT, folder / STATE)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError, KeyError):
        pass


def _sign(files: dict[str, Layout], pages: dict[str, tuple[bytes, Signature]], site: str,
          manifest: Manifest | None) -> None:
    """Give each of ``files`` and ``pages`` (of the output folder ``site``) its signature as the folder holds it now,
    from its ``manifest`` (None: by a look at each); drop those it no longer has."""
    def found(path: str) -> Signature | None:
        return manifest.get(path) if manifest is not None else file_signature(os.path.join(site, path))

    for path, layout in list(files.items()):
        signature = found(path)
        if signature is None:
            del files[path]
        else:
            layout.signature = signature
    for path, (key, _) in list(pages.items()):
        signature = found(path)
        if signature is None:
            del pages[path]
        else:
            pages[path] = (key, signature)


def year_digests(summaries: Iterable[Summary]) -> dict[tuple[tuple[str, ...], str], str]:
    """The SHA-256 of each department-year's files, by (its ``rel``, ``json`` | ``figures`` | …), as the
    departments' summaries give them."""
    return {(rel, YEAR_FILES[kind]): sha256 for s in summaries for rel, files in s.year_outputs()
            for kind, _, sha256 in files if kind in YEAR_FILES}


class PageKeys:
    """The key of each site-wide page: what its bytes depend on.

    Each department-year of the summaries (its metadata and glossary) is fingerprinted by what it
    holds (``light``), and its scorecard by its pickled bytes; both are kept in the state under the
    SHA-256 of the year's JSON file (its whole model: the scorecard is a function of it and the
    items), so that only the department-years that changed are fingerprinted again. So is its row of
    the scorecard pages (``completeness.score_line``), pickled (10,000 rows unpickled at every build took a
    tenth of a second; the pages need them only when they are made), put in ``lines`` by its ``rel`` for the
    pages' view. Views are fingerprinted with the preview's ``Fingerprints``.
    """

    def __init__(self, store: PersistentCache, entries: Sequence[Entry],
                 cards: dict[tuple[str, ...], Scorecard], years: dict[tuple[tuple[str, ...], str], str],
                 last: State, state: State, lines: dict[tuple[str, ...], bytes] | None = None) -> None:
        self._inputs = inputs = store.inputs
        self._common = b""
        items = inputs.digest("items", "")
        self._fingerprints = Fingerprints()
        scores = []
        # a year's key: its path in the site and in content/, its JSON file's SHA-256 (none holds a NUL), and the items
        keyed = hashlib.blake2b(b"entry\0" + items, digest_size=16)
        for entry in entries:
            text = "/".join(entry.rel)
            rel = text.encode()
            key_of = keyed.copy()
            key_of.update(f"{text}\0{entry.path}\0{years.get((entry.rel, 'json'), '')}".encode())
            key = key_of.digest()
            known = last.entries.get(key)
            if known is None:
                glossary = entry.model.glossary
                known = (digest(b"light", rel, str(entry.path).encode(), entry.model.meta.model_dump_json().encode(),
                                glossary.model_dump_json().encode() if glossary is not None else b""),
                         digest(b"card", pickle.dumps(cards.get(entry.rel), protocol=pickle.HIGHEST_PROTOCOL)))
            state.entries[key] = known
            card = cards.get(entry.rel)
            if lines is not None and card is not None:
                line = last.lines.get(key)
                if line is None:
                    line = dump_line(score_line(entry, card))
                state.lines[key] = lines[entry.rel] = line
            self._fingerprints.register(entry, known[0])
            scores.append(rel + b"\0" + known[0] + known[1])  # a path holds no NUL; then two digests of 16 bytes
        self._scores = digest(b"scorecards", b"".join(scores))

    def register_departments(self, entries: Sequence[Entry], departments: object, regions: object) -> None:
        """Fingerprint ``departments`` (``site.regions.group_departments`` of ``entries``, in that order) and their
        ``regions`` (``site.regions.Regions``) by the fingerprints of ``entries``: both are functions of those
        entries and the site's code (in every key), so the 12,000 links of their trees at 10,000
        department-years are never fingerprinted one by one."""
        try:
            whole = digest(b"departments", *[self._fingerprints.of(entry) for entry in entries])
        except Uncacheable:  # an entry not registered: the pages that show them are rendered
            return
        self._fingerprints.register(departments, whole)
        self._fingerprints.register(regions, digest(b"regions", whole))

    def of_templates(self, templates: Iterable[str]) -> PageKeys:
        """These keys, of pages rendered with ``templates`` (and the templates they include): the site's code,
        its configuration, the items and those templates are in every key."""
        inputs = self._inputs
        parts = [inputs.digest(kind, "") for kind in ("site", "config", "items")]
        parts += [name.encode() + b"\0" + inputs.digest("template", name) for name in inputs.templates(templates)]
        self._common = digest(*parts)
        return self

    def scorecard(self, path: str, template: str) -> bytes:
        """The key of a scorecard page: a function of every department-year's metadata and scorecard."""
        return digest(self._common, path.encode(), template.encode(), self._scores)

    def key(self, path: str, template: str, view: Any) -> bytes | None:
        """The key of the page at ``path``, or None when its view has no trustworthy fingerprint."""
        try:
            if isinstance(view, Deferred):
                fn = view.fn
                what = digest(f"{fn.__module__}.{fn.__qualname__}".encode(), self._fingerprints.of(view.args))
            else:
                what = self._fingerprints.of(view)
        except Uncacheable:
            return None
        return digest(self._common, path.encode(), template.encode(), what)
