"""The report's running text: for now, kept page by page in the import report and the draft."""

from __future__ import annotations

from typing import Any

from .mapping import Draft, Unplaced
from .read import Line
from .recognise import Recognisers


def map_texts(lines: list[Line], recognisers: Recognisers, draft: Draft) -> dict[str, Any]:
    found: dict[str, Any] = {}
    pages: dict[tuple[str, str], list[str]] = {}
    for line in lines:
        if recognisers.heading["page"].match(line.text.strip()):
            continue
        pages.setdefault((line.source, line.where), []).append(line.text)
    for (source, where), texts in pages.items():
        draft.unplaced.append(Unplaced(source, where, "正文", "\n".join(texts), "职责"))
    return found
