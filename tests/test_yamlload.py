"""The YAML reader: exact numbers, line marks, and no way to make it hang or blow up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from site_builder.content.types import parse_target
from site_builder.content.yamlload import MAX_DEPTH, YamlError, decode, parse_yaml


def test_numbers_are_exact_decimals_never_floats() -> None:
    doc = parse_yaml("a: 3828602.02\nb: 0.1\nc: 12000\nd: 145950.50\ne: '7'\nf: 0123\n")
    assert doc.data == {"a": Decimal("3828602.02"), "b": Decimal("0.1"), "c": 12000, "d": Decimal("145950.50"),
                        "e": "7", "f": "0123"}
    assert str(doc.data["d"]) == "145950.50"  # the printed form survives
    assert Decimal("0.1") + Decimal("0.2") == Decimal("0.3")


def test_line_marks_for_keys_and_items() -> None:
    doc = parse_yaml("a:\n  b:\n    - x\n    - {c: 1}\n")
    assert doc.lines[("a", "b", 0)] == 3
    assert doc.lines[("a", "b", 1, "c")] == 4
    assert doc.line_of(("a", "b", 1, "nothing", 5)) == 4


def test_aliases_expand_but_within_a_budget() -> None:
    assert parse_yaml("a: &x [1, 2]\nb: *x\n").data == {"a": [1, 2], "b": [1, 2]}
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
    with pytest.raises(YamlError, match="expands to more than"):
        parse_yaml(bomb)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deep_nesting_is_refused_not_recursed(depth: int) -> None:
    # The behaviour, not one library's wording: refused as a YamlError (never a RecursionError
    # or MemoryError), with a message about nesting. Just past our own limit our message speaks;
    # far past it libyaml may refuse first, in words of its own version.
    with pytest.raises(YamlError) as caught:
        parse_yaml("[" * depth + "]" * depth)
    assert "nest" in str(caught.value).lower()
    assert caught.value.line == 1


def test_nesting_up_to_the_limit_is_read() -> None:
    assert parse_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH).data is not None


def test_tags_are_refused() -> None:
    with pytest.raises(YamlError, match="tag"):
        parse_yaml("a: !!python/object/apply:os.system ['true']\n")


def test_bom_is_allowed_and_nul_is_not() -> None:
    assert decode("\ufeffa: 1".encode()) == "a: 1"
    with pytest.raises(YamlError, match="NUL"):
        decode(b"a: 1\n\x00")


@pytest.mark.parametrize(("written", "op", "value", "unit", "text"), [
    ("≥95%", "≥", "95", "%", None),
    (">= 95.00 %", "≥", "95.00", "%", None),
    ("≥95 百分比", "≥", "95", "%", None),
    ("≤30 万元", "≤", "30", "万元", None),
    ("≥10人、次", "≥", "10", "人、次", None),
    ("1个", "=", "1", "个", None),
    ("100%", "=", "100", "%", None),
    ("时间进度完成", None, None, None, "时间进度完成"),
    ("定性 相关", None, None, None, "相关"),
    ("满意率100%", None, None, None, "满意率100%"),
    ("中央、省交办件到期办结率100%，州级交办件到期办结率95%", None, None, None,
     "中央、省交办件到期办结率100%，州级交办件到期办结率95%"),
])
def test_targets_have_one_form(written: str, op: str | None, value: str | None, unit: str | None, text: str | None) -> None:
    parsed = parse_target(written)
    assert parsed.get("符号") == op
    assert parsed.get("数值") == value
    assert parsed.get("单位") == unit
    assert parsed.get("文本") == text


def test_the_c_parser_is_used_where_libyaml_is_present() -> None:
    import yaml

    from site_builder.content import yamlload

    if yaml.__with_libyaml__:
        assert yamlload._Parser.__module__ == "yaml.cyaml", "parsing silently fell back to pure Python"


def test_a_number_not_written_as_python_prints_it_keeps_its_text_even_through_pickle() -> None:
    import pickle

    from site_builder.content.types import written

    data = parse_yaml("a: 1e3\nb: +123\nc: -0\nd: 100.00\ne: 12\n").data
    assert data == {"a": Decimal(1000), "b": 123, "c": 0, "d": Decimal("100.00"), "e": 12}
    again = pickle.loads(pickle.dumps(data))  # as a worker process sends it
    assert [written(again[k]) for k in "abcde"] == ["1e3", "+123", "-0", "100.00", "12"]
