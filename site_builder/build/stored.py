"""A department's summary (departments.Summary) as the persistent cache keeps it (cache.py), made to load quickly.

A warm build loads the summary of every department it does not make again (2,000 of them at N = 10,000),
so what a load costs is paid that many times. The file is a marshal frame of three parts:

- the head: what every build reads of a department taken from the cache (its department-years' metadata
  and glossaries, problems, scorecards, pages, years' files, the digests of its pages), pickled so that it
  unpickles into few objects and few Python calls: a pydantic model is made again as its own
  ``__setstate__`` would (its fields as they were, no validation) in one call; a model of plain values
  (a scorecard item, a region) and a scorecard mark are one object for every equal one, made once in the
  process (``_small``, ``_mark``: every department's marks share the site's items); each entry's line keys
  are the department's, and its lines one dict for the entries that have the same (a department's years, most
  often: the entries only read them); an entry's path is, when it is that, the path of the content file the build was
  given (not made again);
- the rest (the years' files and the comparisons' downloads as the catalogue describes them, which only a
  department's catalogue lines read: listings.py copies them from the last build's catalogue; the site-wide stage reads
  the years' files' kinds, paths and digests, ``Summary.year_outputs``, kept in the head), kept as bytes and
  unpickled only when read (``Summary.__getattr__``);
- the signatures of the files the entry keeps, read only when they are checked (``verify``).

A build that made most departments (a cold one) also keeps every summary's head and rest in one file
(``pack_heads``, a pickle per 512 departments), from which a warm build takes each department it keeps in the
output folder as it is (no file of it checked): what the summaries share (strings, marks, models, lines) is then
unpickled once a frame, not once a department, and one file is read rather than one a department: at 3,000
department-years, 600 summaries loaded in 140 to 160 ms rather than 185 to 235. A department made since is read
from its own file.

The garbage collector is paused while summaries load (``paused_gc``): they are kept for the whole build, and
collecting as they come would scan them again and again; they are frozen before it runs again (cache.py: ``hold``).
"""

from __future__ import annotations

import contextlib
import copyreg
import functools
import gc
import io
import marshal
import os
import pickle
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import BaseModel

from ..content.load import Entry
from ..derive.scorecard import Mark, Scorecard
from ..site.routes import Route
from .departments import LAZY, Summary

FORMAT = 1  # the layout of the frame; the cache key holds a digest of the package, so an older file is never read
Stats = dict[str, tuple[int, int, int]]  # a kept file (relative to the entry) → its signature (writer.file_signature)

_PLAIN = (str, int, type(None))  # no bool: equal to 1 and 0, a key of them would make one of True and 1
SHARED = 4096  # small models and marks kept made (``_small``, ``_mark``): a site's items, marks and regions
HEADS_FRAME = 512  # summaries a frame of ``pack_heads`` holds (the pickler's memo of 2,000 took 100 MB)


def pack(summary: Summary, stats: Stats) -> bytes:
    """The bytes of ``summary`` (with ``stats``, the signatures of the files kept beside it) to store."""
    head = io.BytesIO()
    _Pickler(head, _repeated([e.model for e in summary.entries])).dump(_head(summary))
    return marshal.dumps((FORMAT, head.getvalue(), _rest(summary), marshal.dumps(stats)))


def unpack(data: bytes, files: Sequence[Path] = (), verify: bool = True) -> tuple[Summary, Stats | None]:
    """The summary stored as ``data`` (``pack``), and with ``verify`` the signatures of its files. ``files``:
    the department's content files as this build names them, taken as its entries' paths where they are those.

    Raises ValueError (or what unpickling raises) when ``data`` is not such a summary."""
    version, head, rest, stats = marshal.loads(data)
    if version != FORMAT:
        raise ValueError(f"summary format {version}, not {FORMAT}")
    return summary_of(pickle.loads(head), rest, files), marshal.loads(stats) if verify else None


def write_heads(path: Path, summaries: Mapping[str, Summary], keys: Sequence[str]) -> None:
    """``pack_heads`` into the file ``path``, replaced in one rename (as it was, when it cannot be written), frame by
    frame (at 3,000 department-years it took 27 MB more at most, 37 with the heads' bytes in memory first)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as f:
            pack_heads(summaries, keys, f)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def pack_heads(summaries: Mapping[str, Summary], keys: Sequence[str], file: BinaryIO) -> None:
    """The heads of ``summaries`` (``pack``'s, each with the rest of its summary), by key, in one frame, which
    ``unpack_heads`` loads at once: what they share (strings, marks, models) is unpickled once, not once a
    department (a third less time at 3,000 department-years, and one file read rather than 600). ``keys``: those
    of ``summaries`` to keep (the others are left out); ``file``: where they are written."""
    keys = [key for key in keys if key in summaries]
    pickle.dump((FORMAT, -(-len(keys) // HEADS_FRAME)), file, protocol=pickle.HIGHEST_PROTOCOL)
    for start in range(0, len(keys), HEADS_FRAME):  # a pickle of its own (what the pickler memoizes stays within it)
        part = {key: summaries[key] for key in keys[start:start + HEADS_FRAME]}
        _Pickler(file, _repeated([e.model for s in part.values() for e in s.entries])).dump(
            {key: (_head(summary), _rest(summary)) for key, summary in part.items()})


def read_heads(path: Path) -> dict[str, tuple[dict[str, Any], bytes]]:
    """``unpack_heads`` of the file ``path``; empty when it is missing or unreadable (the summaries are then read
    one by one)."""
    try:
        with open(path, "rb") as f:
            return unpack_heads(f)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return {}


def unpack_heads(file: BinaryIO) -> dict[str, tuple[dict[str, Any], bytes]]:
    """The heads ``pack_heads`` stored in ``file``, by key: each made a summary by ``summary_of``.

    Raises ValueError (or what unpickling raises) when ``file`` does not hold such heads."""
    version, frames = pickle.load(file)
    if version != FORMAT:
        raise ValueError(f"heads format {version}, not {FORMAT}")
    heads: dict[str, tuple[dict[str, Any], bytes]] = {}
    for _ in range(frames):
        heads.update(pickle.load(file))
    return heads


def summary_of(fields: dict[str, Any], rest: bytes, files: Sequence[Path] = ()) -> Summary:
    """The summary of a head unpickled (``fields``) and the rest of it as stored (see ``unpack``)."""
    given = {os.fspath(path): path for path in files}
    absolute: dict[str, Path] | None = None  # the same files named otherwise (``site-builder build --content
    for entry in fields["entries"]:        # content`` kept them; the preview names them from its project's root)
        state = vars(entry)
        path = state["path"]
        found = given.get(path)
        if found is None and given:
            if absolute is None:
                absolute = {os.path.abspath(name): p for name, p in given.items()}
            found = absolute.get(os.path.abspath(path))
        state["path"] = found or Path(path)
    summary = Summary.__new__(Summary)
    vars(summary).update(fields)
    vars(summary)["_rest"] = rest  # LAZY: unpickled when read
    return summary


def _head(summary: Summary) -> dict[str, Any]:
    """What is pickled in a summary's head (see the module's docstring)."""
    fields = {name: value for name, value in vars(summary).items() if name not in LAZY and not name.startswith("_")}
    fields["_years"] = tuple(summary.year_outputs())
    return fields


def _rest(summary: Summary) -> bytes:
    """The rest of a summary, pickled (as kept: a summary from the cache whose rest was not read)."""
    kept = vars(summary).get("_rest")
    if type(kept) is bytes:
        return kept
    return pickle.dumps({name: getattr(summary, name) for name in LAZY}, protocol=pickle.HIGHEST_PROTOCOL)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """The garbage collector off (what is made meanwhile holds no cycle to free), on again after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Pickler(pickle.Pickler):
    """Pickles a summary's head (see the module's docstring)."""

    def __init__(self, file: BinaryIO, repeated: set[tuple[Any, ...]]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._repeated = repeated  # the models of plain values the entries hold more than once (``_repeated``)
        self._args: dict[tuple[Any, ...], tuple[Any, ...]] = {}  # the arguments of ``_small``, each once (``_once``)
        self._first: dict[Any, Any] = {}  # an object by its value (``_equal``) → the first such of the frame

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, BaseModel):
            if obj.__pydantic_extra__ is not None or obj.__pydantic_private__ is not None:
                return NotImplemented
            shared = _shareable(obj)
            if shared is not None and shared in self._repeated:
                return _small, self._once(shared)
            fields = {name: self._equal(value) for name, value in vars(obj).items()}
            return _model, (type(obj), fields, obj.__pydantic_fields_set__)
        kind = type(obj)
        if kind is Mark:
            item = _shareable(obj.item)
            if item is not None:
                return _marked, (self._mark_bytes(item, obj.state, obj.note),)
        elif kind is Scorecard:
            return copyreg.__newobj__, (kind,), {**vars(obj), "marks": tuple(self._equal(m) for m in obj.marks)}
        elif kind is Entry:  # its department's other entries have the same lines, most often: one dict for them
            lines = self._first.setdefault((dict, tuple(obj.lines.items())),
                                           {self._equal(key): line for key, line in obj.lines.items()})
            return copyreg.__newobj__, (kind,), {**vars(obj), "path": os.fspath(obj.path), "lines": lines}
        elif kind is Route:
            return copyreg.__newobj__, (kind,), {name: self._equal(value) for name, value in vars(obj).items()}
        return NotImplemented

    def _mark_bytes(self, item: tuple[Any, ...], state: str, note: str) -> bytes:
        """The bytes that ``_marked`` makes a mark of: the same for equal marks, whatever the process."""
        cls, names, values, fields_set, mappings = item
        return pickle.dumps((cls, names, values, tuple(sorted(fields_set)), mappings, state, note),
                            protocol=pickle.HIGHEST_PROTOCOL)

    def _once(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """The arguments ``args`` of ``_small``, one object for equal ones, their field names and fields set too
        (pickled once, the others refer to it)."""
        known = self._args.get(args)
        if known is None:
            cls, names, values, fields_set, mappings = args
            known = self._args[args] = (cls, self._equal(names), values, self._first.setdefault(fields_set, fields_set),
                                        mappings)
        return known

    def _equal(self, value: Any) -> Any:
        """``value``, or the first object of the frame equal to it (pickled once, the others refer to it): a
        string, a tuple of strings and numbers (a line's key), a model of plain values, a mark; a list of them
        likewise."""
        kind = type(value)
        if kind is str or kind is tuple and all(type(v) is str or type(v) is int for v in value):
            return self._first.setdefault((kind, value), value)
        if kind is list:
            return [self._equal(v) for v in value]
        if kind is Mark:
            item = _shareable(value.item)
            return value if item is None else self._first.setdefault((kind, item, value.state, value.note), value)
        if isinstance(value, BaseModel):
            key = _shareable(value)
            return value if key is None else self._first.setdefault(key, value)
        return value


def _repeated(models: list[BaseModel]) -> set[tuple[Any, ...]]:
    """The ``_shareable`` models ``models`` hold more than once (a region, a glossary), by their arguments:
    those are made by ``_small``, the others (each year's sources) by ``_model``, not kept."""
    seen: set[tuple[Any, ...]] = set()
    repeated = set()
    stack = list(models)
    while stack:
        for value in vars(stack.pop()).values():
            for part in value if type(value) is list else (value,):
                if isinstance(part, BaseModel):
                    key = _shareable(part)
                    if key is None:
                        stack.append(part)
                    elif key in seen:
                        repeated.add(key)
                    else:
                        seen.add(key)
    return repeated


def _shareable(model: BaseModel) -> tuple[Any, ...] | None:
    """The arguments of ``_small`` that make ``model`` again, when each of its fields is a plain value or a
    mapping of strings to strings (a glossary's terms); else None."""
    values: list[Any] = []
    mappings = []
    for number, value in enumerate(vars(model).values()):
        if type(value) in _PLAIN:
            values.append(value)
        elif type(value) is dict and all(type(k) is str and type(v) is str for k, v in value.items()):
            values.append(tuple(value.items()))
            mappings.append(number)
        else:
            return None
    return type(model), tuple(vars(model)), tuple(values), frozenset(model.__pydantic_fields_set__), tuple(mappings)


def _model(cls: type[BaseModel], fields: dict[str, Any], fields_set: set[str]) -> BaseModel:
    """A pydantic model as ``BaseModel.__setstate__`` makes it again (extra and private fields are None)."""
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", fields)
    object.__setattr__(model, "__pydantic_fields_set__", fields_set)
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


@functools.lru_cache(maxsize=SHARED)
def _small(cls: type[BaseModel], names: tuple[str, ...], values: tuple[Any, ...], fields_set: frozenset[str],
           mappings: tuple[int, ...]) -> BaseModel:
    """``_model`` of a model of plain values (strings, integers, None), the
    fields numbered in ``mappings`` given as their items: one object for every equal one (every
    department's scorecard items, a county's region, a department's glossary of every year), made once."""
    fields = dict(zip(names, values))
    for number in mappings:
        fields[names[number]] = dict(values[number])
    return _model(cls, fields, set(fields_set))


@functools.lru_cache(maxsize=SHARED)
def _marked(data: bytes) -> Mark:
    """``_mark`` of what ``data`` holds (``_Pickler._mark_bytes``): a frame holds a mark as one bytes object, which
    is all it unpickles of it but once in the process (its item's fields, in a tuple per frame, were 15% of it)."""
    cls, names, values, fields_set, mappings, state, note = pickle.loads(data)
    return _mark((cls, names, values, frozenset(fields_set), mappings), state, note)


@functools.lru_cache(maxsize=SHARED)
def _mark(item: tuple[Any, ...], state: str, note: str) -> Mark:
    """A scorecard mark of the item ``_small(*item)``, one object for every equal one."""
    return Mark(_small(*item), state, note)  # type: ignore[arg-type]
