"""Mutated content never makes `validate` crash, hang or use unbounded memory.

Hypothesis mutates a valid (fictitious) content file: wrong types in random places,
truncation, random bytes, deep nesting, huge numbers, and YAML alias bombs. Whatever it
makes, validation ends with problems that name the file and a line, or with success.
"""

from __future__ import annotations

import re
import resource
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitekit import MINIMAL, MINIMAL_PATH

from site_builder.content.load import content_root_of, load_file
from site_builder.problems import Reporter
from site_builder.build.departments import report_checks
from site_builder.content.checks import run_checks

SETTINGS = settings(max_examples=150, deadline=5000, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                              HealthCheck.too_slow])
BASE = yaml.safe_load(MINIMAL)
CJK = re.compile(r"[\u4e00-\u9fff]")


def check(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / MINIMAL_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    reporter = Reporter()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    entry = load_file(path, content_root_of(path), reporter)
    if entry is not None:
        report_checks(entry, run_checks(entry.model), reporter)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 256, f"validation grew the process by {grown_mib:.0f} MiB"
    for problem in reporter.problems:
        assert problem.file.endswith("2020.yaml") and problem.line >= 1 and problem.message
        assert "Traceback" not in problem.message
        # The preview's overlay shows the Chinese message: every problem has one, not the English one.
        assert CJK.search(problem.message_zh) and problem.message not in problem.message_zh, problem
    if entry is None:
        assert reporter.errors, "a file that did not load must say why"


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, prefix + (i,))
    return out


PATHS = [p for p in _paths(BASE) if p]
ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30), st.text(max_size=30),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.just("1e999999"), st.just(".inf"), st.just("-.nan"), st.just("9" * 400), st.just("0x1F"),
    st.just("2020-13-45"),
)


def _set(data: Any, path: tuple, value: Any) -> Any:
    import copy

    data = copy.deepcopy(data)
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


def _dump(data: Any) -> bytes:
    def plain(v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        if isinstance(v, Decimal):
            return str(v)
        return v
    return yaml.safe_dump(plain(data), allow_unicode=True).encode("utf-8")


@SETTINGS
@given(path=st.sampled_from(PATHS), value=ODD_VALUES)
def test_wrong_types_anywhere(tmp_path: Path, path: tuple, value: Any) -> None:
    check(tmp_path, _dump(_set(BASE, path, value)))


@SETTINGS
@given(cut=st.integers(min_value=0, max_value=len(MINIMAL.encode())))
def test_truncation(tmp_path: Path, cut: int) -> None:
    check(tmp_path, MINIMAL.encode()[:cut])


@SETTINGS
@given(data=st.data())
def test_random_bytes_spliced_in(tmp_path: Path, data: st.DataObject) -> None:
    raw = bytearray(MINIMAL.encode())
    at = data.draw(st.integers(min_value=0, max_value=len(raw)))
    junk = data.draw(st.binary(min_size=1, max_size=40))
    check(tmp_path, bytes(raw[:at] + junk + raw[at:]))


@SETTINGS
@given(depth=st.integers(min_value=1, max_value=50_000), flow=st.booleans())
def test_deep_nesting(tmp_path: Path, depth: int, flow: bool) -> None:
    nested = "[" * depth + "]" * depth if flow else "".join("  " * i + "- \n" for i in range(min(depth, 3000)))
    check(tmp_path, (MINIMAL + "其他说明: " + nested + "\n").encode() if flow else (MINIMAL + "其他说明:\n" + nested).encode())


@SETTINGS
@given(digits=st.integers(min_value=16, max_value=5000), key=st.sampled_from(["基本支出", "支出合计", "公务接待费"]))
def test_huge_numbers(tmp_path: Path, digits: int, key: str) -> None:
    text = MINIMAL.replace(f"  {key}: ", f"  {key}: {'9' * digits}.5 #", 1)
    check(tmp_path, text.encode())


@SETTINGS
@given(width=st.integers(min_value=2, max_value=12), levels=st.integers(min_value=2, max_value=9))
def test_alias_bombs(tmp_path: Path, width: int, levels: int) -> None:
    lines = [f"x0: &x0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * width)}]")
    bomb = "\n".join("  " + line for line in lines)
    check(tmp_path, (MINIMAL + "其他说明:\n" + bomb + "\n").encode())
