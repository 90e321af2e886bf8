"""Writing the draft: a content file in the house format, figures as printed, comments kept.

Keys follow the model's order (``site_builder.model``); rows of a table are written one per
line as flow mappings, as the hand-made files in ``content/`` are; amounts are written with
the decimals the document printed (``80.00`` stays ``80.00``).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from ..content.model import DepartmentYear

_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`～~][^:#,\[\]{}\n]*\Z")
_RESOLVES = re.compile(r"^([-+]?[0-9][0-9_.,:eE+-]*|true|false|yes|no|on|off|null|~|\.nan|\.inf|[-+]?\.inf)\Z", re.I)


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and not _RESOLVES.match(text) and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def _block(value: Any) -> bool:
    """A text of several lines is written as a literal block, unless a line's leading spaces
    (which a block would take for indentation) or a character YAML cannot hold raw need quotes."""
    if not isinstance(value, str) or "\n" not in value or value.endswith("\n"):
        return False
    return not any(line[:1] in (" ", "\t") for line in value.split("\n")) and \
        all(ch.isprintable() or ch == "\n" for ch in value)


def _flat(row: dict[str, Any]) -> bool:
    return all(not isinstance(v, (dict, list)) and not (isinstance(v, str) and "\n" in v) for v in row.values())


def _field_order(model: type[BaseModel] | None) -> tuple[list[str], dict[str, type[BaseModel] | None]]:
    if model is None:
        return [], {}
    order: list[str] = []
    types: dict[str, type[BaseModel] | None] = {}
    # Base classes' fields first for a section that is also a Totals (Finance): as the model lists them.
    for name, info in model.model_fields.items():
        alias = info.alias or name
        order.append(alias)
        types[alias] = _inner_model(info.annotation)
    return order, types


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    if get_origin(annotation) is list:
        return None
    return None


def _ordered(node: dict[str, Any], model: type[BaseModel] | None) -> list[tuple[str, Any, type[BaseModel] | None]]:
    order, types = _field_order(model)
    rank = {k: i for i, k in enumerate(order)}
    keys = sorted(node, key=lambda k: (rank.get(k, len(rank)), list(node).index(k)))
    return [(k, node[k], types.get(k)) for k in keys]


def dump(data: dict[str, Any], comments: dict[str, list[str]] | None = None, head: list[str] | None = None) -> str:
    """The YAML text of a draft; ``comments`` maps a top-level key to comment lines put under it."""
    lines: list[str] = list(head or [])
    comments = comments or {}
    for key, value, model in _ordered(data, DepartmentYear):
        _emit(lines, key, value, model, 0)
        for comment in comments.get(key, []):
            lines.append(f"  # {comment}" if comment else "  #")
    return "\n".join(lines) + "\n"


def _emit(lines: list[str], key: str, value: Any, model: type[BaseModel] | None, indent: int) -> None:
    pad = "  " * indent
    k = scalar(key)
    if value is None:
        return
    if isinstance(value, dict):
        if not value:
            return
        if _flat(value) and len(value) <= 3 and indent > 0 and sum(len(str(v)) for v in value.values()) < 60:
            lines.append(f"{pad}{k}: {_flow(value)}")
            return
        lines.append(f"{pad}{k}:")
        for sub, v, m in _ordered(value, model):
            _emit(lines, sub, v, m, indent + 1)
        return
    if isinstance(value, list):
        if not value:
            return
        lines.append(f"{pad}{k}:")
        for item in value:
            _emit_item(lines, item, model, indent + 2)
        return
    if _block(value):
        _emit_block(lines, f"{pad}{k}:", value, pad)
        return
    lines.append(f"{pad}{k}: {scalar(value)}")


def _emit_item(lines: list[str], item: Any, model: type[BaseModel] | None, indent: int) -> None:
    pad = "  " * (indent - 1)
    if isinstance(item, dict):
        if _flat(item):
            ordered = {k: v for k, v, _ in _ordered(item, model)}
            lines.append(f"{pad}- {_flow(ordered)}")
            return
        first = True
        for key, value, m in _ordered(item, model):
            sub: list[str] = []
            _emit(sub, key, value, m, indent)
            if first and sub:
                sub[0] = f"{pad}- " + sub[0].lstrip()
                first = False
            lines.extend(sub)
        return
    if _block(item):
        _emit_block(lines, f"{pad}-", item, pad)
        return
    lines.append(f"{pad}- {scalar(item)}")


def _emit_block(lines: list[str], head: str, text: str, pad: str) -> None:
    """A multi-line text as a literal block (``|-``): kept exactly as read, its lines indented under ``head``."""
    lines.append(f"{head} |-")
    lines.extend(f"{pad}  {line}" if line else "" for line in text.split("\n"))


def _flow(row: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{scalar(k)}: {scalar(v)}" for k, v in row.items()) + "}"
