"""A department's summary (departments.Summary) as the persistent cache keeps it (cache.py), made to load quickly.

A warm build loads the summary of every department it does not make again (2,000 of them at N = 10,000),
so what a load costs is paid that many times. The file is a marshal frame of three parts:

- the head: what every build reads of a department taken from the cache (its department-years' metadata
  and glossaries, problems, scorecards, pages, years' files, the digests of its pages), pickled so that it
  unpickles into few objects and few Python calls: a pydantic model is made again as its own
  ``__setstate__`` would (its fields as they were, no validation) in one call; a model of plain values
  (a scorecard item, a region) and a scorecard mark are one object for every equal one, made once in the
  process (``_small``, ``_mark``: every department's marks share the site's items); each entry's line keys
  are the department's; an entry's path is, when it is that, the path of the content file the build was
  given (not made again);
- the rest (the years' files and the comparisons' downloads as the catalogue describes them, which only a
  department's catalogue lines read: sitewide.py takes them from its own state; the site-wide stage reads
  the years' files' kinds, paths and digests, ``Summary.year_outputs``, kept in the head), kept as bytes and
  unpickled only when read (``Summary.__getattr__``);
- the signatures of the files the entry keeps, read only when they are checked (``verify``).

The garbage collector is paused while summaries load (``paused_gc``): they are kept for the whole build, and
collecting as they come would scan them again and again.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import marshal
import os
import pickle
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..content.load import Entry
from ..derive.scorecard import Mark
from .departments import LAZY, Summary

FORMAT = 1  # the layout of the frame; the cache key holds a digest of the package, so an older file is never read
Stats = dict[str, tuple[int, int, int]]  # a kept file (relative to the entry) → its signature (writer.file_signature)

_PLAIN = (str, int, bool, type(None))
SHARED = 4096  # small models and marks kept made (``_small``, ``_mark``): a site's items, marks and regions


def pack(summary: Summary, stats: Stats) -> bytes:
    """The bytes of ``summary`` (with ``stats``, the signatures of the files kept beside it) to store."""
    fields = {name: value for name, value in vars(summary).items() if name not in LAZY and not name.startswith("_")}
    fields["_years"] = tuple(summary.year_outputs())
    keys: dict[tuple[str | int, ...], tuple[str | int, ...]] = {}
    fields["entries"] = tuple((os.fspath(e.path), e.rel, e.model, {keys.setdefault(k, k): line for k, line in e.lines.items()})
                              for e in summary.entries)
    head = io.BytesIO()
    _Pickler(head).dump(fields)
    rest = pickle.dumps({name: getattr(summary, name) for name in LAZY}, protocol=pickle.HIGHEST_PROTOCOL)
    return marshal.dumps((FORMAT, head.getvalue(), rest, marshal.dumps(stats)))


def unpack(data: bytes, files: Sequence[Path] = (), verify: bool = True) -> tuple[Summary, Stats | None]:
    """The summary stored as ``data`` (``pack``), and with ``verify`` the signatures of its files. ``files``:
    the department's content files as this build names them, taken as its entries' paths where they are those.

    Raises ValueError (or what unpickling raises) when ``data`` is not such a summary."""
    version, head, rest, stats = marshal.loads(data)
    if version != FORMAT:
        raise ValueError(f"summary format {version}, not {FORMAT}")
    fields = pickle.loads(head)
    given = {os.fspath(path): path for path in files}
    fields["entries"] = [Entry(given.get(path) or Path(path), rel, model, lines)
                         for path, rel, model, lines in fields["entries"]]
    summary = Summary.__new__(Summary)
    vars(summary).update(fields)
    vars(summary)["_rest"] = rest  # LAZY: unpickled when read
    return summary, marshal.loads(stats) if verify else None


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

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, BaseModel):
            if obj.__pydantic_extra__ is not None or obj.__pydantic_private__ is not None:
                return NotImplemented
            shared = _shareable(obj)
            if shared is not None:
                return _small, shared
            return _model, (type(obj), vars(obj), obj.__pydantic_fields_set__)
        if type(obj) is Mark:
            item = _shareable(obj.item)
            if item is not None:
                return _mark, (*item, obj.state, obj.note)
        return NotImplemented


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
    return (type(model), tuple(vars(model)), tuple(values), tuple(map(type, values)),
            frozenset(model.__pydantic_fields_set__), tuple(mappings))


def _model(cls: type[BaseModel], fields: dict[str, Any], fields_set: set[str]) -> BaseModel:
    """A pydantic model as ``BaseModel.__setstate__`` makes it again (extra and private fields are None)."""
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", fields)
    object.__setattr__(model, "__pydantic_fields_set__", fields_set)
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


@functools.lru_cache(maxsize=SHARED)
def _small(cls: type[BaseModel], names: tuple[str, ...], values: tuple[Any, ...], types: tuple[type, ...],
           fields_set: frozenset[str], mappings: tuple[int, ...]) -> BaseModel:
    """``_model`` of a model of plain values (``types``: theirs, so that 1 and True are not one), the
    fields numbered in ``mappings`` given as their items: one object for every equal one (every
    department's scorecard items, a county's region, a department's glossary of every year), made once."""
    fields = dict(zip(names, values))
    for number in mappings:
        fields[names[number]] = dict(values[number])
    return _model(cls, fields, set(fields_set))


@functools.lru_cache(maxsize=SHARED)
def _mark(cls: type[BaseModel], names: tuple[str, ...], values: tuple[Any, ...], types: tuple[type, ...],
          fields_set: frozenset[str], mappings: tuple[int, ...], state: str, note: str) -> Mark:
    """A scorecard mark (``_small`` makes its item), one object for every equal one."""
    return Mark(_small(cls, names, values, types, fields_set, mappings), state, note)  # type: ignore[arg-type]
