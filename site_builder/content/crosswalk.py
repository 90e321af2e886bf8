"""科目调整: classification codes renumbered from one year to the next, as data a site carries.

政府收支分类科目 are revised: a line keeps its meaning under a new code (the economic
30311 住房公积金 became 30113 in 2018). A comparison follows such a line instead of
showing it as removed and added. Two things tell it so: a row's own ``上年编码`` in the
content file, and the site's crosswalk, ``crosswalk.yaml`` beside ``site.toml``:

    科目调整:
      - {分类: 经济分类, 上年编码: "30311", 编码: "30113", 名称: 住房公积金, 起始年度: 2018,
         来源: 《支出经济分类科目改革方案》（财预〔2017〕98号）}

Each entry applies to a comparison whose older year is before ``起始年度`` and whose newer
year is in it or after. Errors in the file stop the build like content errors. A build reads
the file once (``site_crosswalk``, into its context) and passes it to whatever compares.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from .load import display_path
from ..problems import Message, Reporter
from .types import Code, Strict, Text
from .yamlload import load_data_file

SITE_FILE = "crosswalk.yaml"


class _Entry(Strict):
    classification: Literal["功能分类", "经济分类"] = Field(alias="分类")
    old_code: Code = Field(alias="上年编码")
    new_code: Code = Field(alias="编码")
    name: Text = Field(alias="名称")
    year: int = Field(alias="起始年度", ge=2000, le=2100, strict=True, description="first year with the new code")
    source: Text = Field(alias="来源", description="where the renumbering is stated")


class _File(Strict):
    entries: list[_Entry] = Field(alias="科目调整")


@dataclass(frozen=True)
class Renumbering:
    """One code that changed: ``old_code`` up to ``year − 1``, ``new_code`` from ``year``."""

    classification: str  # 功能分类 / 经济分类
    old_code: str
    new_code: str
    year: int
    name: str
    source: str


@dataclass(frozen=True)
class Crosswalk:
    """The renumberings a site knows of."""

    renumberings: tuple[Renumbering, ...] = ()

    def new_codes(self, classification: str, old_year: int, new_year: int) -> dict[str, str]:
        """Old code → new code for the renumberings between ``old_year`` and ``new_year``."""
        return {r.old_code: r.new_code for r in self.renumberings
                if r.classification == classification and old_year < r.year <= new_year}


EMPTY = Crosswalk()


def load_crosswalk(path: Path, reporter: Reporter, name: str | None = None) -> Crosswalk | None:
    """Read a crosswalk file; report its problems as ``file:line: key: …``; None on errors."""
    read = load_data_file(path, _File, reporter, name or str(path), Message("crosswalk", "科目调整对照表"))
    if read is None:
        return None
    data = read[0]
    return Crosswalk(tuple(Renumbering(e.classification, e.old_code, e.new_code, e.year, e.name, e.source)
                           for e in data.entries))


def site_crosswalk(project_root: Path, reporter: Reporter) -> Crosswalk | None:
    """The crosswalk of the site at ``project_root`` (empty when it has none); None on errors."""
    path = project_root / SITE_FILE
    if not path.is_file():
        return EMPTY
    return load_crosswalk(path, reporter, name=display_path(path))
