"""The JSON Schema of content files, generated from the model (never written by hand)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import SHORTHANDS, DepartmentYear, FinalAccounts, Section
from .types import Target

SCHEMA_ID = "https://site-builder.invalid/schema/content.schema.json"


def content_schema() -> dict[str, Any]:
    """The schema an editor's YAML language server uses to complete and check content files."""
    schema = DepartmentYear.model_json_schema(by_alias=True, mode="validation")
    _allow_shorthands(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "site_builder 部门预决算公开内容文件",
        "description": "一个部门一个年度（预算或决算）的公开内容。金额按 元数据.金额单位，不写千位分隔符。",
        **schema,
    }


def schema_text() -> str:
    """The schema as the bytes written to disk: stable key order, UTF-8, newline at the end."""
    return json.dumps(content_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schema(path: Path) -> bool:
    """Write the schema to ``path``; return whether the file changed."""
    text = schema_text()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def _allow_shorthands(schema: dict[str, Any]) -> None:
    """Admit what the loader admits beyond the models' own shape.

    A section may be the bare string 未公开, 无 or 未收录; an indicator target is written as one
    string (``≥95%``) and read into its parts.
    """
    sections = {cls.__name__ for cls in _subclasses(Section)}
    final = schema["$defs"].get(FinalAccounts.__name__, {}).get("properties", {})  # the 决算 tables are sections too
    for prop in [*schema["properties"].values(), *final.values()]:
        ref = prop.get("$ref", "")
        if ref.rsplit("/", 1)[-1] in sections:
            prop.clear()
            prop["anyOf"] = [{"type": "string", "enum": list(SHORTHANDS)}, {"$ref": ref}]
    target = schema["$defs"].get(Target.__name__)
    if target is not None:
        schema["$defs"][Target.__name__] = {
            "anyOf": [{"type": "string", "minLength": 1}, {"type": "number"}, target],
            "description": "指标值：一个字符串，如 ≥95%、≤30万元、1个、时间进度完成、定性 相关",
        }


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found
