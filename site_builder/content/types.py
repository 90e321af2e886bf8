"""The value types of content files: amounts, percentages, codes, text and indicator targets.

Each type accepts what an author would write in YAML and what the JSON download writes
back (so a download loads into the same model), and rejects everything else with a
message that says what was expected and what was found.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

# The largest amount accepted, in either unit: beyond any real budget, small enough that
# arithmetic on sums of many amounts stays exact in Decimal's default 28-digit context.
MAX_AMOUNT_POWER = 15  # amounts (and quantities) below 10^15
_DECIMAL_TEXT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?\Z")
_GROUPED = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?\Z")


def written(value: Any) -> str:
    """A scalar value as the file wrote it: a number's text where YAML read one (yamlload.WrittenInt,
    WrittenDecimal), else ``str``. Where a field is text (a name, a code, a target), this is what
    the document said: ``1e3`` stays ``1e3``, ``+123`` stays ``+123``, ``-0`` stays ``-0``."""
    return getattr(value, "written", None) or str(value)


def shown(value: Any) -> str:
    """How a found value is quoted in an error message."""
    if isinstance(value, str):
        return f"'{value[:60]}…'" if len(value) > 60 else f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def shown_zh(value: Any) -> str:
    """How a found value is quoted in a Chinese message: text as written, in “”; other values by kind."""
    if isinstance(value, str):
        return f"“{value[:60]}…”" if len(value) > 60 else f"“{value}”"
    if isinstance(value, bool):
        return f"布尔值 {'true' if value else 'false'}"
    if value is None:
        return "空值（null）"
    if isinstance(value, dict):
        return "一组“键: 值”（映射）"
    if isinstance(value, list):
        return "列表"
    return f"数字 {value}" if isinstance(value, (int, Decimal, float)) else str(value)


def validation_error(kind: str, en: str, zh: str, **ctx: str) -> PydanticCustomError:
    """A validation error in both languages.

    Pydantic fills the English template ``en`` from ``ctx``; the Chinese ``zh``, already
    filled, travels in ``ctx["zh"]`` to ``messages.validation_message``.
    """
    return PydanticCustomError(kind, en, {**ctx, "zh": zh})


class _Expected(NamedTuple):
    """What a number field expects, as its messages say it."""

    what: str
    what_zh: str
    examples: tuple[str, ...]


_AMOUNT = _Expected("an amount", "金额", ("12000", "3828602.02"))
_PERCENT = _Expected("a percentage", "百分比", ("95", "30.00"))
_QUANTITY = _Expected("a quantity", "数量", ("2", "120.5"))
_PLAIN_NUMBER = _Expected("a number", "数字", ("95",))


def _number(value: Any, expected: _Expected) -> Decimal:
    """Turn YAML/JSON input into a finite Decimal, or raise the error an author can act on."""
    what, what_zh = expected.what, expected.what_zh
    example, example_zh = " or ".join(expected.examples), " 或 ".join(expected.examples)
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        raise validation_error("number", "expected {what} (a number such as {example}), got {got}",
                               f"应为{what_zh}（数字，例如 {example_zh}），实际为{shown_zh(value)}",
                               what=what, example=example, got=shown(value))
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value if type(value) is Decimal else Decimal(value)  # not the loader's WrittenDecimal
    elif isinstance(value, float):  # only from Python callers; YAML and JSON never give floats here
        raise validation_error("number", "expected {what} as an exact decimal, got the float {got}",
                               f"应为精确的十进制{what_zh}，实际为浮点数 {value!r}", what=what, got=repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if _GROUPED.match(text):
            plain = text.replace(",", "")
            raise validation_error(
                "number", "expected {what} without thousands separators (write {plain}), got {got}",
                f"{what_zh}不能带千位分隔符（请写作 {plain}），实际为{shown_zh(value)}",
                what=what, plain=plain, got=shown(value))
        if not _DECIMAL_TEXT.match(text):
            raise validation_error("number", "expected {what} (a number such as {example}), got {got}",
                                   f"应为{what_zh}（数字，例如 {example_zh}），实际为{shown_zh(value)}",
                                   what=what, example=example, got=shown(value))
        number = Decimal(text)
    else:
        raise validation_error("number", "expected {what}, got {got}", f"应为{what_zh}，实际为{shown_zh(value)}",
                               what=what, got=shown(value))
    if not number.is_finite():
        raise validation_error("number", "expected {what}, got {got}", f"应为{what_zh}，实际为{shown_zh(value)}",
                               what=what, got=shown(value))
    if number.as_tuple().exponent > 0 and number.adjusted() < 27:  # type: ignore[operator]
        number = number.quantize(Decimal(1))  # 1e3 in YAML: the value, in plain digits (the huge: refused later)
    return number


def _below(number: Decimal, power: int, value: Any, kind: str, what: str, what_zh: str) -> Decimal:
    """``number``, refused (``<kind>_range``) unless its size is below 10^``power``."""
    if abs(number) >= Decimal(10) ** power:
        raise validation_error(f"{kind}_range", f"expected {what} below 10^{power}, got {{got}}",
                               f"{what_zh}应小于 10^{power}，实际为 {value}", got=str(value))
    return number


def _amount(value: Any) -> Decimal:
    number = _below(_number(value, _AMOUNT), MAX_AMOUNT_POWER, value, "amount", "an amount", "金额")
    try:
        exponent = int(number.as_tuple().exponent)
    except (TypeError, ValueError, InvalidOperation):  # pragma: no cover
        exponent = 0
    if exponent < -6:
        raise validation_error("amount_precision",
                               "expected an amount with at most 6 decimal places (1 fen in 万元), got {got}",
                               f"金额最多保留 6 位小数（以万元计时即 1 分），实际为 {value}", got=str(value))
    return number


def _percent(value: Any) -> Decimal:
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1].strip()
    number = _below(_number(value, _PERCENT), 9, value, "percent", "a percentage", "百分比")
    if number.as_tuple().exponent < -6:  # type: ignore[operator]
        raise validation_error("percent_precision", "expected a percentage with at most 6 decimal places, got {got}",
                               f"百分比最多保留 6 位小数，实际为 {value}", got=str(value))
    return number


def _quantity(value: Any) -> Decimal:
    return _below(_number(value, _QUANTITY), MAX_AMOUNT_POWER, value, "quantity", "a quantity", "数量")


def _code(value: Any) -> str:
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value >= 0:
        return written(value)  # as the file wrote it: +123 stays +123, 1.50 stays 1.50
    if isinstance(value, str) and value.strip() and len(value) <= 64 and "\n" not in value:
        return value.strip()
    raise validation_error("code", "expected a code (digits and letters), got {got}",
                           f"应为编码（数字和字母），实际为{shown_zh(value)}", got=shown(value))


def _text(value: Any) -> str:
    if isinstance(value, str):
        if not value.strip():
            raise validation_error("text_empty", "expected text, got an empty string; leave the key out instead",
                                   "应为文本，实际为空字符串；没有内容时请删去这个键")
        return value
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        # A bare number where text is expected ("1个" would be text; "2020" is a fine label): as written.
        return written(value)
    raise validation_error("text", "expected text, got {got}", f"应为文本，实际为{shown_zh(value)}", got=shown(value))


def _decimal_string(value: Decimal) -> str:
    """A Decimal as plain digits, never in exponent form (which the schema and the loader refuse)."""
    text = str(value)
    return format(value, "f") if "E" in text else text


_AMOUNT_SCHEMA = {
    "anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?(0|[1-9][0-9]*)(\.[0-9]{1,6})?$"}],
    "description": "金额，按本文件的金额单位（元或万元）；不写千位分隔符，例如 3828602.02",
}
_PERCENT_SCHEMA = {
    "anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?%?$"}],
    "description": "百分比的数值，例如 95 表示 95%",
}

Amount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    PlainSerializer(_decimal_string, return_type=str, when_used="json"),
    WithJsonSchema(_AMOUNT_SCHEMA, mode="validation"),
]
"""Money, exact: a Decimal as written in the file, in the file's unit."""

Percent = Annotated[
    Decimal,
    BeforeValidator(_percent),
    PlainSerializer(_decimal_string, return_type=str, when_used="json"),
    WithJsonSchema(_PERCENT_SCHEMA, mode="validation"),
]
"""A percentage as a number of percent (95 means 95%), exact."""

Quantity = Annotated[
    Decimal,
    BeforeValidator(lambda v: _quantity(v)),
    PlainSerializer(_decimal_string, return_type=str, when_used="json"),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}], "description": "数量"}, mode="validation"),
]
"""A count or measure that need not be whole (square metres, say), exact."""

Code = Annotated[
    str,
    BeforeValidator(_code),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"}], "description": "编码"}, mode="validation"),
]
"""A classification or project code, kept as text (leading zeros matter)."""

Text = Annotated[
    str,
    BeforeValidator(_text),
    Field(max_length=50_000),
    WithJsonSchema({"type": "string", "minLength": 1}, mode="validation"),
]
"""Free text as published; may use Markdown where a page shows it as a paragraph."""

_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def _date(value: Any) -> dt.date:
    """A date written YYYY-MM-DD; not a number (pydantic would read 86400 as seconds since 1970)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE_TEXT.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise validation_error("date", "expected a date as YYYY-MM-DD, got {got}",
                           f"应为 YYYY-MM-DD 格式的日期，实际为{shown_zh(value)}", got=shown(value))


Date = Annotated[dt.date, BeforeValidator(_date), WithJsonSchema({"format": "date", "type": "string"}, mode="validation")]
"""A calendar date, written YYYY-MM-DD."""

Count = Annotated[int, Field(ge=0, le=10**9, strict=True)]


class Strict(BaseModel):
    """Base of every content model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_by_alias=True, validate_by_name=False,
                              serialize_by_alias=True, str_strip_whitespace=False)


# ---------------------------------------------------------------------------
# Indicator targets: one form for "≥95%", ">= | 95.00 | %", "≥95 百分比", "定性: 相关".

_OPERATORS = {
    "≥": "≥", ">=": "≥", "＞=": "≥", "≧": "≥",
    "≤": "≤", "<=": "≤", "＜=": "≤", "≦": "≤",
    "=": "=", "＝": "=",
    ">": ">", "＞": ">",
    "<": "<", "＜": "<",
}
_UNITS = {"百分比": "%", "％": "%", "%": "%"}
_QUANTITATIVE = re.compile(
    r"\s*(?P<op>>=|<=|＞=|＜=|≥|≤|≧|≦|=|＝|>|＞|<|＜)?\s*(?P<num>-?[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>[^\s0-9.,，;；。].{0,19})?\s*\Z"
)

# After a target's number, what makes it another kind of token (1e3, 0x10, 2020-01-01, 12:30, 1_000):
# such a target is text as written, not the number 1 in the unit "e3".
_NUMBER_GOES_ON = re.compile(r"[eE][-+]?[0-9]|[xX][0-9a-fA-F]|[oObB][0-9]|[-_:/+][0-9]")


class Target(Strict):
    """An indicator's target value.

    Quantitative: an operator, a number and a unit (``≥95%``, ``≤30 万元``, ``≥10 人、次``, ``1 个``).
    Qualitative: text (``相关``, ``时间进度完成``). In YAML it is written as one string; the
    loader decides which it is and normalises operators (``>=`` → ``≥``) and units
    (``百分比`` → ``%``). A value without an operator means ``=``.
    """

    kind: Literal["定量", "定性"] = Field(alias="性质")
    op: Literal["≥", "≤", "=", ">", "<"] | None = Field(default=None, alias="符号")
    value: Annotated[Decimal, BeforeValidator(lambda v: _number(v, _PLAIN_NUMBER)),
                     PlainSerializer(_decimal_string, return_type=str, when_used="json"),
                     WithJsonSchema(_PERCENT_SCHEMA, mode="validation")] | None = Field(default=None, alias="数值")
    unit: str | None = Field(default=None, alias="单位")
    text: str | None = Field(default=None, alias="文本")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, (str, int, Decimal)) and not isinstance(data, bool):
            return parse_target(written(data))
        return data

    @model_validator(mode="after")
    def _consistent(self) -> "Target":
        if self.kind == "定量" and (self.op is None or self.value is None):
            raise validation_error("target", "a quantitative target needs 符号 and 数值", "定量的指标值需要 符号 和 数值")
        if self.kind == "定性" and self.text is None:
            raise validation_error("target", "a qualitative target needs 文本", "定性的指标值需要 文本")
        return self

    def __str__(self) -> str:
        if self.kind == "定性":
            return self.text or ""
        unit = self.unit or ""
        spacer = "" if unit in ("", "%") or not unit[0].isascii() else " "
        return f"{self.op}{self.value}{spacer}{unit}"


def parse_target(text: str) -> dict[str, Any]:
    """Split a target as written into its one form (see Target)."""
    stripped = text.strip()
    if not stripped:
        raise validation_error("target", "expected a target value such as ≥95% or 时间进度完成, got an empty string",
                               "应为指标值，例如 ≥95% 或 时间进度完成，实际为空字符串")
    if stripped.startswith("定性"):
        rest = stripped[2:].lstrip(":：| ").strip()
        if rest:
            return {"性质": "定性", "文本": rest}
    match = _QUANTITATIVE.match(stripped)
    if match and not _NUMBER_GOES_ON.match(stripped, match.end("num")):
        unit = match["unit"].strip() if match["unit"] else None
        unit = _UNITS.get(unit, unit) if unit else None
        return {
            "性质": "定量",
            "符号": _OPERATORS[match["op"]] if match["op"] else "=",
            "数值": match["num"],
            "单位": unit,
        }
    return {"性质": "定性", "文本": stripped}
