"""Load and validate content: the first two stages of the pipeline.

``load_content`` finds every ``*.yaml`` under the content folder, reads each into the
typed model, and reports every problem of every file (YAML syntax, unknown and duplicate
keys, wrong types, paths that do not match the data, two files for one department-year).
Files with errors are left out of the result; the caller decides whether to go on.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .model import DepartmentYear
from .problems import Reporter, format_key
from .types import shown
from .yamlload import Document, YamlError, decode, parse_yaml

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
STEM = re.compile(r"(?P<year>[0-9]{4})(?P<juesuan>-juesuan)?\Z")


@dataclass(frozen=True)
class Entry:
    """A valid department-year and where it came from."""

    path: Path  # the file, as given (relative to the working folder where possible)
    rel: tuple[str, ...]  # path parts below the content root, e.g. ('hebei', ..., '2020.yaml')
    model: DepartmentYear
    lines: dict[tuple[str | int, ...], int]

    @property
    def region_slugs(self) -> tuple[str, ...]:
        return self.rel[:-2]

    @property
    def department_slug(self) -> str:
        return self.rel[-2]

    @property
    def stem(self) -> str:
        name = self.rel[-1]  # Path(name).stem, without making a Path: pages ask for it thousands of times
        dot = name.rfind(".")
        return name[:dot] if dot > 0 else name

    def line_of(self, path: tuple[str | int, ...]) -> int:
        return Document(None, self.lines).line_of(path)


def display_path(path: Path) -> str:
    """A path as an author would type it: relative to the working folder when below it."""
    return _display_path(str(path), os.getcwd())


@functools.lru_cache(maxsize=1 << 17)
def _display_path(path: str, cwd: str) -> str:
    # Memoised: a build names each file several times (page owners, checks), and resolving a
    # path costs a system call per component: 3 s of every build at 10,000 department-years.
    try:
        return str(Path(path).resolve().relative_to(Path(cwd).resolve()))
    except ValueError:
        return path


def find_files(root: Path) -> list[Path]:
    """Every content file below ``root`` (or ``root`` itself), in a stable order."""
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def content_root_of(path: Path) -> Path:
    """The ``content`` folder that holds ``path``, or ``path`` itself when there is none."""
    resolved = path.resolve()
    for parent in (resolved, *resolved.parents):
        if parent.name == "content":
            return parent
    return resolved if resolved.is_dir() else resolved.parent


def load_content(root: Path, reporter: Reporter) -> list[Entry]:
    """Read every content file below ``root``; report all problems; return the valid ones."""
    base = content_root_of(root)
    entries: list[Entry] = []
    for path in find_files(root):
        entry = load_file(path, base, reporter)
        if entry is not None:
            entries.append(entry)
    check_unique(entries, reporter)
    return entries


def load_file(path: Path, base: Path, reporter: Reporter) -> Entry | None:
    """Read and validate one file; report its problems; None when it has errors."""
    name = display_path(path)
    try:
        text = decode(path.read_bytes())
        document = parse_yaml(text)
    except YamlError as err:
        reporter.error(name, err.line, format_key(err.path), err.message)
        return None
    except OSError as err:
        reporter.error(name, 1, "", f"cannot read the file: {err.strerror}")
        return None
    if not isinstance(document.data, dict):
        found = "an empty file" if document.data is None else shown(document.data)
        reporter.error(name, 1, "", f"expected a mapping with 元数据 and the seven sections, got {found}")
        return None
    before = len(reporter.errors)
    try:
        model = DepartmentYear.model_validate(document.data)
    except ValidationError as err:
        report_validation(err, document, name, reporter)
        return None
    rel = tuple(path.resolve().relative_to(base).parts) if path.resolve().is_relative_to(base) else (path.name,)
    entry = Entry(path, rel, model, document.lines)
    check_location(entry, name, reporter)
    return entry if len(reporter.errors) == before else None


def report_validation(err: ValidationError, document: Document, name: str, reporter: Reporter) -> None:
    """Turn pydantic's errors into ``file:line: key.path: expected …, got …``."""
    for item in err.errors(include_url=False):
        loc = tuple(part for part in item["loc"] if not _is_internal(part))
        line = document.line_of(loc)
        reporter.error(name, line, format_key(loc), _message(item, loc))


def _is_internal(part: Any) -> bool:
    # Validators add names like 'function-after[...]' to loc for some types; authors never wrote those.
    return isinstance(part, str) and ("[" in part and part.endswith("]") or part.startswith("function-"))


def _message(item: dict[str, Any], loc: tuple[Any, ...]) -> str:
    kind = item["type"]
    found = item.get("input")
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    if kind == "missing":
        return "required key is missing"
    if kind == "literal_error":
        expected = item.get("ctx", {}).get("expected", "")
        return f"expected one of {expected.replace(' or ', ', ')}, got {shown(found)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping of keys, got {shown(found)}"
    if kind == "list_type":
        return f"expected a list (items starting with '- '), got {shown(found)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {shown(found)}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return f"expected a date as YYYY-MM-DD, got {shown(found)}"
    if kind in ("greater_than_equal", "less_than_equal"):
        ctx = item.get("ctx", {})
        if "ge" in ctx:
            return f"expected a number of at least {ctx['ge']}, got {shown(found)}"
        return f"expected a number of at most {ctx['le']}, got {shown(found)}"
    if kind == "too_short":
        return f"expected at least {item.get('ctx', {}).get('min_length', 1)} item(s), got none"
    if kind == "string_too_long":
        return f"expected at most {item.get('ctx', {}).get('max_length')} characters"
    if kind in ("string_type",):
        return f"expected text, got {shown(found)}"
    message = item["msg"]
    # Our own errors already read "expected …, got …"; pydantic prefixes some with "Value error, ".
    return message.removeprefix("Value error, ")


def _unknown_key(loc: tuple[Any, ...]) -> str:
    key = loc[-1]
    model = _model_at(DepartmentYear, loc[:-1])
    if model is None:
        return f"unknown key '{key}'"
    known = [info.alias or name for name, info in model.model_fields.items()]
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown key '{key}'{hint} expected one of: {', '.join(known)}"


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that holds the mapping at ``loc`` (for listing its keys)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    """The model type inside ``X | None`` or ``list[X]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def check_location(entry: Entry, name: str, reporter: Reporter) -> None:
    """The file's place in ``content/`` must match what it says it is."""
    meta = entry.model.meta
    if entry.path.suffix != ".yaml":
        reporter.error(name, 1, "", "content files end in .yaml")
    for slug in entry.rel[:-1]:
        if not SLUG.match(slug):
            reporter.error(name, 1, "", f"folder name '{slug}' is not a URL slug; use lower-case ASCII letters, digits and hyphens, e.g. 'shanhaiguan'")
    stem = STEM.match(entry.stem)
    if not stem:
        reporter.error(name, 1, "", f"file name '{entry.rel[-1]}' should be <year>.yaml for a 预算 or <year>-juesuan.yaml for a 决算")
        return
    if int(stem["year"]) != meta.year:
        reporter.error(name, entry.line_of(("元数据", "年度")), "元数据.年度",
                       f"the file is named for {stem['year']} but says {meta.year}")
    kind = "决算" if stem["juesuan"] else "预算"
    if kind != meta.kind:
        expected = f"{meta.year}-juesuan.yaml" if meta.kind == "决算" else f"{meta.year}.yaml"
        reporter.error(name, entry.line_of(("元数据", "类型")), "元数据.类型",
                       f"the file name says {kind} but 类型 is {meta.kind}; name the file {expected}")
    levels = len(meta.region.names)
    if len(entry.rel) >= 2 and len(entry.region_slugs) != levels:
        shape = ["<province>", "<city>", "<county>"][:levels]
        reporter.error(name, entry.line_of(("元数据", "地区")), "元数据.地区",
                       f"地区 has {levels} level(s) ({' / '.join(meta.region.names)}), so the file belongs at "
                       f"content/{'/'.join(shape)}/<department>/{entry.rel[-1]}; it is {len(entry.region_slugs)} folder(s) deep")


def check_unique(entries: list[Entry], reporter: Reporter) -> None:
    """Two files may not claim the same department, year and kind."""
    seen: dict[tuple[Any, ...], Entry] = {}
    for entry in list(entries):
        meta = entry.model.meta
        key = (meta.region.names, meta.department, meta.year, meta.kind)
        first = seen.get(key)
        if first is None:
            seen[key] = entry
            continue
        reporter.error(display_path(entry.path), entry.line_of(("元数据", "部门")), "元数据",
                       f"{meta.department} {meta.year} {meta.kind} is already in {display_path(first.path)}; "
                       "a department-year has one file")
        entries.remove(entry)
