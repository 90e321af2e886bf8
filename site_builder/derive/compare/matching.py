"""How items of two years are matched: names and headings as compared, and the merged order.

Names are matched after Unicode NFKC and with whitespace removed (全角 and 半角 brackets are
one name), headings also without their numbering (（三） and 三、); they are shown as printed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence


def name_key(name: str) -> str:
    """A name as it is matched: Unicode NFKC (全角 and 半角 alike), without whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


_NUMBERING = re.compile(r"^(?:\([一二三四五六七八九十百零〇\d]+\)|[一二三四五六七八九十百零〇\d]+[、.])")


def heading_key(heading: str) -> str:
    """A heading as it is matched: ``name_key`` without its numbering (（三）, 三、, 3.)."""
    return _NUMBERING.sub("", name_key(heading))


_MARKS = re.compile(r"\((类|款|项)\)|[“”\"、()]")


def bare_name(name: str) -> str:
    """``name_key`` without level marks (（类）（款）（项）), quotes, 、 and brackets: how the subject of
    a stated change (比上年) is matched with the name of a figure or line."""
    return _MARKS.sub("", name_key(name))


def merge_order(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """The keys of both years in the newer year's order, each older-only key after its predecessor."""
    out = list(new)
    present = set(out)
    anchor = -1
    for key in old:
        if key in present:
            anchor = out.index(key)
        else:
            anchor += 1
            out.insert(anchor, key)
            present.add(key)
    return out


def ordered_pairs(n_old: int, n_new: int, match: dict[int, int]) -> list[tuple[int | None, int | None]]:
    """(old index, new index) pairs for ``match`` (new → old), in the newer year's order,
    each unmatched older item after the item that preceded it in the older year."""
    old_of = {i: j for j, i in match.items()}
    old_keys = [f"n{old_of[i]}" if i in old_of else f"o{i}" for i in range(n_old)]
    out: list[tuple[int | None, int | None]] = []
    for key in merge_order(old_keys, [f"n{j}" for j in range(n_new)]):
        index = int(key[1:])
        out.append((match.get(index), index) if key[0] == "n" else (index, None))
    return out


def unique_key(key: str, seen: set[str]) -> str:
    unique, n = key, 2
    while unique in seen:
        unique = f"{key}#{n}"
        n += 1
    seen.add(unique)
    return unique
