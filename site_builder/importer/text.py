"""The report's running text: the title, and the texts under the standard headings."""

from __future__ import annotations

from typing import Any

from .mapping import Draft, Unplaced
from .read import Line
from .recognise import Recognisers


def map_texts(lines: list[Line], recognisers: Recognisers, draft: Draft) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for line in lines:
        draft.unplaced.append(Unplaced("", line.where, "正文", line.text, "职责"))
    return found
