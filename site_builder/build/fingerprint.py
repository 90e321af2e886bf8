"""Fingerprints of values, for the site-wide pages' keys (sitewide_cache.py): equal digests, equal pages.

A site-wide page is not derived or rendered again when its template set and the fingerprints
of every argument of its view function are what they were when its file was written. A view
is planned as a ``Deferred`` (its function, its arguments and, where known, their digest) and
derived only for the pages rendered again (in a worker: parallel.py's ``defer``).
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import hashlib
import operator
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from ..site.markup import MarkdownRenderer

PURE_TYPES: tuple[type, ...] = (MarkdownRenderer,)
"""Objects whose output depends only on what they are given, never on earlier calls."""

_SCALARS = (str, int, float, bool, Decimal, datetime.date, datetime.time, type(None), bytes)


class Uncacheable(Exception):
    """A value with no trustworthy fingerprint: whatever depends on it is computed afresh."""


def digest(*parts: bytes) -> bytes:
    """A 16-byte digest of ``parts``, each length-prefixed so that no two sequences collide."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.digest()


class Fingerprints:
    """Digests of values, such that equal digests mean values that render identically.

    Scalars are fingerprinted by type and exact text (``Decimal('1.0')`` and ``Decimal('1.00')``
    differ, as they print differently); tuples, lists, dicts, sets and dataclasses by their
    parts. Content entries and their checks are registered by the cache with the digest of
    their file, so that a department-year is never fingerprinted field by field.

    Each digest is of a tag, the type's name and a NUL, then either a scalar's text or the
    16-byte digests of the parts: unambiguous without length prefixes.
    """

    def __init__(self) -> None:
        self._lasting: dict[int, tuple[object, bytes]] = {}  # immutable objects the cache owns
        self._seen: dict[int, tuple[object, bytes]] = {}  # those, and what one build fingerprinted
        self._plans: dict[type, _Plan] = {}  # how each type met so far is fingerprinted

    def register(self, value: object, value_digest: bytes) -> None:
        """Fingerprint ``value`` (which must never be mutated) as ``value_digest``."""
        self._lasting[id(value)] = self._seen[id(value)] = (value, value_digest)

    def forget_all_but(self, keep: Iterable[object]) -> None:
        """Drop registrations of objects the cache no longer holds, and what the last build saw."""
        ids = {id(v) for v in keep}
        self._lasting = {k: v for k, v in self._lasting.items() if k in ids}
        self._seen = dict(self._lasting)

    def of(self, value: object) -> bytes:
        """The fingerprint of ``value``; Uncacheable when it has none."""
        known = self._seen.get(id(value))
        if known is not None:
            return known[1]
        kind = type(value)
        head, how, fields = self._plans.get(kind) or self._plan(kind)
        of = self.of
        if how is _DATACLASS:  # the type fixes the fields and their order
            result = _blake(head + b"".join([of(v) for v in fields(value)]))  # type: ignore[misc]
        elif how is _SEQUENCE:
            result = _blake(head + b"".join([of(v) for v in value]))  # type: ignore[attr-defined]
        elif how is _TEXT:
            result = _blake(head + value.encode())  # type: ignore[attr-defined]
        elif how is _SCALAR:
            result = _blake(head + (value if isinstance(value, bytes) else repr(value).encode()))
        elif how is _MAPPING:
            result = _blake(head + b"".join(sorted([of(k) + of(v) for k, v in value.items()])))  # type: ignore[attr-defined]
        elif how is _SET:
            result = _blake(head + b"".join(sorted([of(v) for v in value])))  # type: ignore[attr-defined]
        elif how is _DEFERRED:
            if value.digest is None:  # type: ignore[attr-defined]
                raise Uncacheable("a view deferred without a digest")
            return value.digest  # type: ignore[attr-defined, no-any-return]
        elif how is _PURE:
            result = _blake(head)
        else:
            raise Uncacheable(f"no fingerprint for {kind.__qualname__}")
        self._seen[id(value)] = (value, result)
        return result

    def _plan(self, kind: type) -> _Plan:
        plan = self._plans[kind] = _plan(kind)
        return plan


def _blake(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


_TEXT, _SCALAR, _SEQUENCE, _SET, _MAPPING, _DATACLASS, _DEFERRED, _PURE, _NONE = (
    "text", "scalar", "sequence", "set", "mapping", "dataclass", "deferred", "pure", "none")
_Plan = tuple[bytes, str, Callable[[Any], Any] | None]


def _plan(kind: type) -> _Plan:
    """How values of ``kind`` are fingerprinted (worked out once per type)."""
    fields: Callable[[Any], Any] | None = None
    if issubclass(kind, str):
        how = _TEXT
    elif issubclass(kind, enum.Enum):
        how = _SCALAR  # repr names the member
    elif issubclass(kind, _SCALARS):
        how = _SCALAR
    elif issubclass(kind, (tuple, list)):
        how = _SEQUENCE
    elif issubclass(kind, (set, frozenset)):
        how = _SET
    elif issubclass(kind, dict):
        how = _MAPPING
    elif issubclass(kind, Deferred):
        how = _DEFERRED
    elif dataclasses.is_dataclass(kind):
        names = [f.name for f in dataclasses.fields(kind)]
        # attrgetter gives a tuple for two names or more (in C); one name or none needs a tuple made.
        fields = operator.attrgetter(*names) if len(names) > 1 else (lambda v, n=tuple(names): tuple(getattr(v, x) for x in n))
        how = _DATACLASS
    elif issubclass(kind, PURE_TYPES):
        how = _PURE
    else:
        how = _NONE
    tag = {_TEXT: b"t", _SCALAR: b"v", _SEQUENCE: b"l", _SET: b"s", _MAPPING: b"d", _DATACLASS: b"c"}.get(how, b"p")
    return (tag + f"{kind.__module__}.{kind.__qualname__}".encode() + b"\0", how, fields)


class Deferred:
    """A view not derived yet, ``fn(*args)``: derived when a page is rendered, skipped when its page is kept
    (the preview's cache, which gives it the ``digest`` of its function and arguments), or derived by the
    worker that renders its page (parallel.py's ``defer``: no digest, so no fingerprint either).

    Attribute access derives it, so code that reads a view still works.
    """

    __slots__ = ("fn", "args", "digest", "_value", "_derived")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], value_digest: bytes | None) -> None:
        self.fn, self.args, self.digest = fn, args, value_digest
        self._derived = False
        self._value: Any = None

    def value(self) -> Any:
        if not self._derived:
            self._value, self._derived = self.fn(*self.args), True
        return self._value

    def __getattr__(self, name: str) -> Any:
        return getattr(self.value(), name)


def resolved(context: dict[str, Any]) -> dict[str, Any]:
    """``context`` with every deferred view derived: what a template may see."""
    return {k: (v.value() if isinstance(v, Deferred) else v) for k, v in context.items()}
