"""公开完整度 on the site: which item list a site uses, each department-year's block, the site-wide table.

The items, their weights and the rules that mark them are in ``scorecard`` (rules) and
its data file (items and weights). A site uses, in this order: the file named by
``scorecard`` in ``site.toml``, a ``scorecard.yaml`` beside ``site.toml``, or the
built-in ``defaults/scorecard.yaml``. Errors in the file stop the build like content
errors, naming the file and line.

The site-wide table is sortable without scripts: it is written three times, by score
(``scorecard/index.html``), by region and by year, and each copy links to the others.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from typing import Any, NamedTuple
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from ..content.blocks import STATUS_KEYS
from ..content.load import Entry
from ..derive.opendata import csv_text
from ..problems import Reporter
from ..derive.scorecard import ItemList, Scorecard
from . import routes
from .downloads import Piece, fixed_piece
from .routes import Link, entry_path, year_label

STATE_CLASSES = {"已公开": STATUS_KEYS["已公开"], "公开为无": STATUS_KEYS["无"], "未公开": STATUS_KEYS["未公开"],
                 "未收录": STATUS_KEYS["未收录"], "无（与数字不符）": "contradicted"}
"""A mark's state as the page's CSS class: a section's status's key, and one of its own for 无（与数字不符）."""
SECTION_ORDER = ("职责", "收支", "三公", "绩效", "政府采购", "国有资产", "名词解释")


# ---------------------------------------------------------------------------
# One department-year


@dataclass(frozen=True)
class MarkView:
    section: str
    item: str
    weight: int
    state: str  # 已公开 / 公开为无 / 未公开 / 未收录 / 无（与数字不符）
    css: str  # disclosed / none / undisclosed / uncollected / contradicted
    note: str = ""  # why a 无 is contradicted


@dataclass(frozen=True)
class CompletenessView:
    """The 公开完整度 block of a department-year page."""

    score: str  # "90.0"
    earned: int  # the weight of the items disclosed (present or as none)
    total: int  # the weight of all items
    disclosed: int  # items 已公开
    none: int  # items 公开为无
    missing: int  # items 未公开
    marks: tuple[MarkView, ...]
    assessed: int = 0  # the weight of the items assessed (all but 未收录)
    share: str = "100.0"  # assessed ÷ total × 100
    uncollected: int = 0  # items 未收录
    contradicted: int = 0  # items 无（与数字不符）


def completeness_view(card: Scorecard) -> CompletenessView:
    marks = tuple(MarkView(m.item.section, m.item.name, m.item.weight, m.state, STATE_CLASSES[m.state], m.note)
                  for m in card.marks)
    return CompletenessView(str(card.score), card.earned, card.total_weight, card.count("已公开"), card.count("公开为无"),
                            card.count("未公开"), marks, card.assessed_weight, str(card.assessed_share),
                            card.count("未收录"), card.count("无（与数字不符）"))


# ---------------------------------------------------------------------------
# The site-wide table


class ScoreRow(NamedTuple):
    """A row of the site-wide table: a tuple (10,000 rows on each page are made again whenever a score changes; as a
    frozen dataclass, a row took five times as long to make)."""

    rank: int  # by score; equal scores share a rank; 0: only partly assessed (未收录), not ranked
    link: Link  # the department-year page; its text is the department
    label: str  # 2020年预算
    region: str
    year: int
    score: str
    disclosed: int
    none: int
    missing: int
    missing_sections: str  # "职责、收支"; empty when none is missing whole
    uncollected: int = 0  # items 未收录 (not assessed)
    contradicted: int = 0  # items 无（与数字不符）
    share: str = "100.0"  # the weight assessed, % of the list


@dataclass(frozen=True)
class ItemView:
    section: str
    name: str
    weight: int
    kind: str = ""  # 预算 / 决算: the item applies to that kind only; "" to both


@dataclass(frozen=True)
class ScorecardPageView:
    path: str
    title: str
    crumb: str
    breadcrumbs: tuple[Link, ...]
    order: str  # 得分 / 地区 / 年度
    orders: tuple[Link, ...]  # every order, this one included
    rows: tuple[ScoreRow, ...]
    items: tuple[ItemView, ...]
    total_weight: int
    average: str  # the mean score, one decimal; empty when there is no department-year
    final_weight: int = 0  # the weight of the items that apply to a 决算 (total_weight: to a 预算)


ORDERS = (("得分", routes.SCORECARD), ("地区", routes.SCORECARD_BY_REGION), ("年度", routes.SCORECARD_BY_YEAR))


ScoreLine = tuple[bool, Decimal, str, str, str, str, int, str, int, int, int, str, int, int, str]
"""A department-year's row of the site-wide table but its rank, and what ranks it: whether only part of its
items could be assessed (some weight is 未收录), its score, then ScoreRow's fields after ``rank`` with the link
as its text and target. Plain data, a function of the department-year and the item list: a warm build takes
each unchanged one from the last (build/sitewide_cache.py PageKeys)."""


def score_line(entry: Entry, card: Scorecard) -> ScoreLine:
    """``entry``'s ScoreLine, ``card`` its scorecard. The table has a row per department-year: the states are
    counted in one pass, and what most scorecards lack (an item 未收录 or 未公开) is looked for only where
    there is some."""
    marks = card.marks
    states = [m.state for m in marks]
    disclosed, none, undisclosed, uncollected, contradicted = map(states.count, STATE_CLASSES)
    weight = sum([m.item.weight for m in marks if m.state == "未收录"]) if uncollected else 0
    missing = ""
    if undisclosed:  # the sections every item of which is 未公开, in the order of the site
        gone = ({m.item.section for m in marks if m.state == "未公开"}
                - {m.item.section for m in marks if m.state != "未公开"})
        missing = "、".join([s for s in SECTION_ORDER if s in gone])
    whole = not weight and any([m.item.weight for m in marks])  # the whole weight is assessed: 100.0%
    meta, score = entry.model.meta, card.score
    return (weight > 0, score, meta.department, entry_path(entry), year_label(entry.model), " ".join(meta.region.names),
            meta.year, str(score), disclosed, none, undisclosed, missing, uncollected, contradicted,
            "100.0" if whole else str(card.assessed_share))


def dump_line(line: ScoreLine) -> bytes:
    """``line`` as the site-wide state keeps it (build/sitewide_cache.py): pickled without its score's Decimal, which
    its text (``line[7]``) gives again exactly, and whose unpickling looked the class up for each of 10,000 lines."""
    return pickle.dumps(line[:1] + line[2:], protocol=pickle.HIGHEST_PROTOCOL)


def load_line(data: bytes) -> ScoreLine:
    """The ScoreLine ``dump_line`` made ``data`` of."""
    plain = pickle.loads(data)
    return (plain[0], Decimal(plain[6])) + plain[1:]  # type: ignore[no-any-return]


def score_rows(ranked: Sequence[ScoreLine]) -> list[ScoreRow]:
    """A row per department-year of ``ranked`` (sorted by score, highest first, the partly assessed last);
    ties share a rank.

    A department-year of which part is not collected here (未收录) is scored on the rest but not
    ranked (rank 0): its score and another's do not measure the same thing.
    """
    rows: list[ScoreRow] = []
    rank, last = 0, None
    row = ScoreRow._make
    for i, line in enumerate(ranked):
        partial, score = line[0], line[1]
        rank = 0 if partial else rank if i and last == score else i + 1
        last = score
        rows.append(row((rank, Link(line[2], line[3])) + line[4:]))
    return rows


def scorecard_pages(entries: Sequence[Entry], cards: dict[tuple[str, ...], Scorecard], items: ItemList,
                    lines: Mapping[tuple[str, ...], ScoreLine] | None = None) -> list[ScorecardPageView]:
    """The site-wide table in each order: by score (ties in path order), by region (path), by year (newest first).
    ``lines``: the ScoreLine of each department-year where the caller has it already."""
    known = lines or {}
    by_path = sorted([(e.rel, known.get(e.rel) or score_line(e, cards[e.rel])) for e in entries], key=itemgetter(0))
    ranked = [line for _, line in by_path]
    # the ties of each order in path order: sorted from it (stable, also reversed), on the order's own keys only
    order = sorted(range(len(ranked)), key=lambda i: (not ranked[i][0], ranked[i][1]), reverse=True)
    rows = score_rows([ranked[i] for i in order])
    in_path = rows.copy()
    for row, i in zip(rows, order):
        in_path[i] = row
    unranked = len(rows) + 1
    orders = {
        "得分": rows,
        "地区": in_path,
        "年度": sorted(in_path, key=lambda r: (-r.year, r.rank or unranked)),
    }
    item_views = tuple(ItemView(i.section, i.name, i.weight, i.kind or "") for i in items.items)
    scores = [line[1] for line in ranked]  # the cards' scores (a Scorecard works its score out at each call)
    average = str((sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) if scores else ""
    links = tuple(Link(f"按{name}", path) for name, path in ORDERS)
    home = (Link("首页", routes.HOME),)
    pages = []
    for name, path in ORDERS:
        main = path == routes.SCORECARD
        pages.append(ScorecardPageView(
            path, "公开完整度" if main else f"公开完整度：按{name}排列", "公开完整度" if main else f"按{name}排列",
            home if main else home + (Link("公开完整度", routes.SCORECARD),), name, links, tuple(orders[name]),
            item_views, sum(i.weight for i in items.items if i.kind != "决算"), average,
            sum(i.weight for i in items.items if i.kind != "预算")))
    return pages


SCORECARD_PATHS = tuple(path for _, path in ORDERS)


class LazyScorecards:
    """``scorecard_pages``, made when one of them is first asked for (``page(i)``), then kept. ``lines``: the
    department-years' ScoreLines known by then, each as ``dump_line`` made it (the caller may fill it after making this)."""

    def __init__(self, entries: Sequence[Entry], cards: dict[tuple[str, ...], Scorecard], items: ItemList,
                 lines: Mapping[tuple[str, ...], bytes] | None = None) -> None:
        self._args = (entries, cards, items)
        self._lines = lines
        self._pages: list[ScorecardPageView] | None = None

    def page(self, index: int) -> ScorecardPageView:
        if self._pages is None:
            known = {rel: load_line(line) for rel, line in self._lines.items()} if self._lines else None
            self._pages = scorecard_pages(*self._args, known)
        return self._pages[index]


def _scorecard_columns(items: ItemList) -> tuple[list[str], tuple[str, ...]]:
    """The item columns' names (an item whose name another has also names its rule), and every column."""
    names: list[str] = []
    for item in items.items:
        name = item.name if item.name not in names else f"{item.name}（{item.rule}）"
        names.append(name)
    columns = ("地区", "部门", "年度", "类型", "得分", "可评估权重占比(%)", "已公开", "公开为无", "未公开",
               "无（与数字不符）", "未收录", *names, "页面")
    return names, columns


def _scorecard_row(e: Entry, card: Scorecard, names: Sequence[str], items: ItemList) -> dict[str, Any]:
    """One department-year's row of ``scorecard_csv``: each item's state; 不适用 for an item of the other kind of
    document."""
    marked = {(m.item.rule, m.item.name, m.item.section): m.state for m in card.marks}  # cards may come from workers
    states = {n: marked.get((item.rule, item.name, item.section), "不适用") for n, item in zip(names, items.items)}
    meta = e.model.meta
    return {"地区": " ".join(meta.region.names), "部门": meta.department, "年度": meta.year, "类型": meta.kind,
            "得分": card.score, "可评估权重占比(%)": card.assessed_share, "已公开": card.count("已公开"),
            "公开为无": card.count("公开为无"), "未公开": card.count("未公开"),
            "无（与数字不符）": card.count("无（与数字不符）"), "未收录": card.count("未收录"),
            **states,
            "页面": entry_path(e)}


def scorecard_csv(entries: Sequence[Entry], cards: dict[tuple[str, ...], Scorecard], items: ItemList) -> str:
    """``data/scorecard.csv``: one row per department-year in path order, each item's state in its own column."""
    names, columns = _scorecard_columns(items)
    return csv_text(columns, [_scorecard_row(e, cards[e.rel], names, items) for e in sorted(entries, key=lambda e: e.rel)])


def _one_row(columns: Sequence[str], header: bytes, row: Callable[[], dict[str, Any]]) -> tuple[bytes]:
    return (csv_text(columns, [row()]).encode("utf-8")[len(header):],)


def scorecard_csv_pieces(entries: Sequence[Entry], cards: dict[tuple[str, ...], Scorecard], items: ItemList) -> Iterator[Piece]:
    """``scorecard_csv`` as the pieces of a site-wide file (downloads.site_file_pieces): the header, then one row per
    department-year (``entries`` in path order), made from its JSON file's model (its scorecard is a function of the
    model and the items)."""
    names, columns = _scorecard_columns(items)
    header = csv_text(columns, ()).encode("utf-8")
    yield fixed_piece(header)
    rows = hashlib.sha256(header + items.model_dump_json().encode()).digest()  # what every row depends on besides its year
    for e in entries:
        yield rows, (e.rel, "json"), partial(_one_row, columns, header, partial(_scorecard_row, e, cards[e.rel], names, items))
