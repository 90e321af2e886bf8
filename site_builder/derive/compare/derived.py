"""Values derived from one year alone, shared by the comparisons of that year."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from ..textdiff import Cache

V = TypeVar("V")


class Derived:
    """Values derived from one object (a document, a list of indicators), for the last few objects.

    A department's pairs of years are compared one after another, and each year is in several
    of them (4 of the 10 pairs of 5 years): what a comparison derives from one year alone is
    derived once, when whoever compares them passes one ``Derived`` to each ``compare``.
    Objects are told apart by identity, and each is kept with its values, so that its id is
    not reused while they are. ``text_diffs`` keeps the character diffs of changed passages,
    which the pairs of years share too (textdiff.Cache).
    """

    SIZE = 256

    def __init__(self) -> None:
        self._items: dict[tuple[int, object], tuple[object, object]] = {}
        self.text_diffs: Cache = {}  # by value, not by object: the changed passages of texts (textdiff.Cache)

    def get(self, obj: object, key: Hashable, derive: Callable[[], V]) -> V:
        """``derive()``'s value for ``obj`` and ``key``, derived when not kept."""
        found = self._items.get((id(obj), key))
        if found is not None and found[0] is obj:
            return found[1]  # type: ignore[return-value]
        value = derive()
        if len(self._items) >= self.SIZE:
            self._items.clear()
        self._items[(id(obj), key)] = (obj, value)
        return value

