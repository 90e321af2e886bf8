"""The JSON Schema is generated from the model, committed for editors, and admits the content."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from site_builder.content.load import find_files
from site_builder.content.schema import content_schema, schema_text
from site_builder.content.yamlload import decode, parse_yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schema" / "content.schema.json"
FILES = find_files(ROOT / "content")

# The loader gives amounts as Decimal (never float); to the schema they are JSON numbers.
_TYPES = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
    "number", lambda _, v: isinstance(v, (int, Decimal)) and not isinstance(v, bool))
VALIDATOR = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=_TYPES)


def test_committed_schema_is_the_generated_one() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), "run: site-builder schema"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_content_file_matches_schema_and_points_to_it(path: Path) -> None:
    text = decode(path.read_bytes())
    first = text.splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix), "the first line points editors at the schema"
    assert (path.parent / first[len(prefix):]).resolve() == SCHEMA
    VALIDATOR(content_schema()).validate(parse_yaml(text).data)


def test_schema_rejects_what_validate_rejects() -> None:
    schema = content_schema()
    data = parse_yaml(decode(FILES[0].read_bytes())).data
    data["收支"] = {"未知键": 1}
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR(schema).validate(data)
