"""Search: a Pagefind index over the written site, with Chinese indexed character by character.

Pagefind cannot be used as it comes for Chinese (measured with 1.5.2 on this project's
pages, see docs/search.md): the standard binary does not segment Chinese, so a word inside
a sentence is never found; the extended binary segments with jieba while the browser
segments the query with ``Intl.Segmenter``, and the two disagree on compounds (八项规定,
专项业务经费 were found on about half of the pages holding them; upstream issue #1237).

So we segment ourselves, the same way on both sides:

- index side (here): Pagefind reads a temporary copy of every written page in which each
  CJK character is a word of its own (surrounded by spaces), and in which every space of
  the original text and every block boundary is marked by the word ``BOUNDARY`` (U+E000, a
  private-use character that cannot occur in our text). The published pages are untouched.
- query side (``themes/default/static/search-core.js``): the reader's query becomes an
  exact phrase of those characters (``"八 项 规 定"``), which Pagefind matches only where
  the characters are consecutive. The boundary words keep a phrase from running across two
  table cells, and let the page show its excerpts with the original spaces.

Pagefind runs once over the whole copy (``--site``), writing its bundle into the site's
``pagefind/`` folder. Its filter files come out in a different order on every run;
``search_bundle`` puts them in a fixed one, so that two builds are byte-identical.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import routes
from .model import SECTIONS
from .problems import Reporter
from .search_bundle import BundleFormatError, make_deterministic
from .views import Link

PAGEFIND_VERSION = "1.5.2"
"""The Pagefind release the scheme was measured with; the pinned ``pagefind-bin`` must match."""

BUNDLE = "pagefind"
"""The folder of the site that holds the search bundle."""

LANGUAGE = "zh-cn"
BOUNDARY = "\ue000"
"""Marks a space or a block boundary of the original text (see the module docstring)."""

# Each Han ideograph (with its radicals, iteration marks and compatibility forms) and each
# full-width letter or digit becomes a word of its own. Punctuation stays attached to the
# word before it, as Pagefind treats "word," in English: the indexer strips it, so
# 因公出国（境）费 is found whether or not the reader types the brackets.
# search-core.js carries the same class; test_search_quality checks that both agree.
WORD_CLASS = ("\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
              "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\U00020000-\U0003134f")
_WORD_RUN = re.compile(f"[{WORD_CLASS}]+")
_SPACE = re.compile(r"[\s\ufeff]+")  # what JavaScript's \s matches, as far as text can hold it
_TAG = re.compile(r"""(<!--.*?-->|<[A-Za-z/!?](?:[^>"']|"[^"]*"|'[^']*')*>)""", re.S)
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_RAW_TEXT = frozenset({"script", "style", "textarea", "template"})
_BLOCKS = frozenset("""address article aside blockquote br caption dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table tbody td tfoot
    th thead tr ul""".split())

# Kept from Pagefind's bundle: the search API, its worker and the index itself. Its
# ready-made interfaces are not used (they would search without our segmentation).
_UNUSED_BUNDLE_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                        "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")

class SearchIndexError(Exception):
    """Pagefind could not index the site."""


@dataclass(frozen=True)
class IndexResult:
    """What indexing did."""

    pages: int  # pages in the index
    seconds: float


def segment_text(text: str) -> str:
    """Plain text as the indexer should read it: each CJK character a word, spaces marked."""
    return _WORD_RUN.sub(_spread, _SPACE.sub(f" {BOUNDARY} ", text))


def _spread(match: re.Match[str]) -> str:
    following = match.string[match.end():match.end() + 1]
    tail = "" if not following or following == " " or unicodedata.category(following).startswith("P") else " "
    return " " + " ".join(match[0]) + tail


def segment_html(document: str) -> str:
    """``document`` with the text of every element (but scripts and styles) segmented.

    Tags and attributes are kept as they are, so that ids, filters and metadata reach
    Pagefind unchanged; a block-level tag is fenced with ``BOUNDARY`` on both sides.
    """
    out: list[str] = []
    raw: str | None = None
    for i, part in enumerate(_TAG.split(document)):
        if i % 2 == 0:
            out.append(part if raw else html.escape(segment_text(html.unescape(part)), quote=False))
            continue
        match = _TAG_NAME.match(part)
        name = match[2].lower() if match else ""
        closing = bool(match and match[1])
        if raw:
            if closing and name == raw:
                raw = None
            out.append(part)
        elif name in _BLOCKS:
            out.append(f" {BOUNDARY} {part} {BOUNDARY} ")
        else:
            if name in _RAW_TEXT and not closing and not part.endswith("/>"):
                raw = name
            out.append(part)
    return "".join(out)


def pagefind_binary() -> Path:
    """The Pagefind executable of the ``pagefind-bin`` package; SearchIndexError if absent or another version."""
    try:
        import pagefind_bin  # type: ignore[import-untyped]

        binary = Path(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError) as err:
        raise SearchIndexError(f"the Pagefind binary is not installed ({err}); install site_builder's dependencies: "
                               f"pip install 'pagefind-bin=={PAGEFIND_VERSION}'") from None
    try:
        version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60,
                                 check=True).stdout.split()[-1]
    except (OSError, subprocess.SubprocessError, IndexError) as err:
        raise SearchIndexError(f"the Pagefind binary {binary} does not run: {err}") from None
    if version != PAGEFIND_VERSION:
        raise SearchIndexError(f"Pagefind {version} is installed, but the search was built and measured with "
                               f"{PAGEFIND_VERSION}: pip install 'pagefind-bin=={PAGEFIND_VERSION}'")
    return binary


def index_site(site_dir: Path, reporter: Reporter, *, name: str | None = None) -> IndexResult | None:
    """Index every page of the written site in ``site_dir`` into ``site_dir/pagefind``.

    Reports an error naming ``name`` (the folder as the reader knows it; ``site_dir`` by
    default) and returns None when Pagefind cannot run or indexes nothing.
    """
    where = name or str(site_dir)
    try:
        return build_index(site_dir)
    except SearchIndexError as err:
        reporter.error(where, 1, "search", f"could not build the search index: {err}")
        return None


def build_index(site_dir: Path, binary: Path | None = None) -> IndexResult:
    """``index_site`` without a reporter: raises SearchIndexError."""
    started = time.perf_counter()
    binary = binary or pagefind_binary()
    bundle = site_dir / BUNDLE
    if bundle.exists():
        shutil.rmtree(bundle)
    pages = sorted(p for p in site_dir.rglob("*.html") if p.is_file() and BUNDLE not in p.relative_to(site_dir).parts[:1])
    with tempfile.TemporaryDirectory(prefix="site-builder-search-") as tmp:
        copy = Path(tmp)
        for page in pages:
            target = copy / page.relative_to(site_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(segment_html(page.read_text("utf-8")), "utf-8")
        command = [str(binary), "--site", str(copy), "--output-path", str(bundle.resolve()),
                   "--force-language", LANGUAGE, "--silent"]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=1800)
        except (OSError, subprocess.SubprocessError) as err:
            raise SearchIndexError(f"Pagefind did not run: {err}") from None
    if run.returncode != 0:
        detail = (run.stderr.strip() or run.stdout.strip() or "no message").splitlines()[-10:]
        raise SearchIndexError(f"Pagefind exited with status {run.returncode}: " + " / ".join(detail))
    entry = bundle / "pagefind-entry.json"
    try:
        languages = json.loads(entry.read_text("utf-8"))["languages"]
        count = sum(lang["page_count"] for lang in languages.values())
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise SearchIndexError(f"Pagefind wrote no usable {BUNDLE}/pagefind-entry.json ({err})") from None
    if count == 0:
        raise SearchIndexError("Pagefind found no page to index (no page marks its text with data-pagefind-body)")
    for unused in _UNUSED_BUNDLE_FILES:
        (bundle / unused).unlink(missing_ok=True)
    try:
        make_deterministic(bundle)
    except (OSError, BundleFormatError) as err:
        raise SearchIndexError(f"cannot put Pagefind's filter files in a fixed order: {err}") from None
    return IndexResult(count, time.perf_counter() - started)


def region_levels(region: str) -> list[str]:
    """The 地区 filter values of a page: every level of its region, ``河北省``, ``河北省 秦皇岛市``, …"""
    names = region.split()
    return [" ".join(names[: i + 1]) for i in range(len(names))]


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class SearchPageView:
    """The search page. Its other filters (地区, 部门, 年度, 类型, 页面类型) come from the index."""

    path: str
    title: str
    breadcrumbs: tuple[Link, ...]
    sections: tuple[Choice, ...]  # 栏目: value is the section's anchor on a page, label its name


def search_page_view() -> SearchPageView:
    """The search page: its title and the 栏目 a match can be restricted to."""
    return SearchPageView(routes.SEARCH, "搜索", (Link("首页", routes.HOME),),
                          tuple(Choice(anchor, title) for _, title, anchor in SECTIONS))
