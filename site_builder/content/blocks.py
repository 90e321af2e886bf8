"""The building blocks every part of the content model shares: units, statuses, ``F`` and ``Section``.

A section is 已公开 (disclosed), 无 (disclosed as none), 未公开 (not disclosed) or 未收录 (not
among the documents collected here); see ``model`` for what each means.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator
from .types import Strict, Text, validation_error

Unit = Literal["元", "万元"]
Kind = Literal["预算", "决算"]
Status = Literal["已公开", "无", "未公开", "未收录"]
SHORTHANDS = ("未公开", "无", "未收录")
"""The states a section may be written as, a bare string instead of a mapping."""
STATUS_KEYS: dict[str, str] = {"已公开": "disclosed", "无": "none", "未公开": "undisclosed", "未收录": "uncollected"}
"""Each status's English key: what views and templates switch on, and the pages' CSS classes (``status-none``)."""

UNIT_FACTORS: dict[str, int] = {"元": 1, "万元": 10_000}
"""How many 元 one unit is: conversions multiply by an integer, so they are exact."""


def to_yuan(amount: Decimal, unit: str) -> Decimal:
    """Convert an amount in ``unit`` to 元, exactly."""
    return amount * UNIT_FACTORS[unit]


def F(alias: str, default: Any = ..., description: str | None = None, **kw: Any) -> Any:
    """A field whose YAML key is ``alias``."""
    return Field(default, alias=alias, description=description, **kw)



class Section(Strict):
    """What every section shares: its disclosure status and a note as published.

    A section may be written as the bare string ``未公开``, ``无`` or ``未收录``; with a note, as
    ``{状态: 无, 说明: 本部门无政府采购预算}``.
    """

    status: Status = F("状态", "已公开", description="已公开 / 无（公开为无） / 未公开 / 未收录（本站未收录所在文件）")
    note: Text | None = F("说明", None, description="原文对本部分的说明")

    LABELS: ClassVar[tuple[str, ...]] = ("status", "note")  # what a section not disclosed may still hold

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str) and data.strip() in SHORTHANDS:
            return {"状态": data.strip()}
        if isinstance(data, str):
            raise validation_error("section", "expected a mapping, 未公开, 无 or 未收录, got '{got}'",
                                   f"应为各项内容（“键: 值”）、未公开、无 或 未收录，实际为“{data[:40]}”", got=data[:40])
        return data

    @model_validator(mode="after")
    def _empty_unless_disclosed(self) -> "Section":
        if self.status != "已公开":
            filled = [
                info.alias or name
                for name, info in type(self).model_fields.items()
                if name not in self.LABELS and getattr(self, name) not in (None, [], {}, info.default)
            ]
            if filled:
                raise validation_error(
                    "section_status", "the section is marked {status} but holds data ({keys}); remove one or the other",
                    f"本部分标为 {self.status}，却填有数据（{'、'.join(filled)}）；请删去其中之一",
                    status=self.status, keys=", ".join(filled))
        return self

    @property
    def disclosed(self) -> bool:
        return self.status == "已公开"
