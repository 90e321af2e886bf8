"""Chinese text as the search index reads it: each character a word, original spaces marked.

The index-side half of the search scheme (``index.py`` explains why; the query-side half
is ``themes/default/static/search-core.js``, which must segment exactly as here):

- each Han ideograph (with its radicals, iteration marks and compatibility forms) and each
  full-width letter or digit becomes a word of its own;
- punctuation stays attached to the word before it, as Pagefind treats "word," in English:
  the indexer strips it, so 因公出国（境）费 is found whether or not the reader types the
  brackets;
- every space of the original text, and every block boundary (a table cell, a paragraph),
  becomes the word ``BOUNDARY`` (U+E000, a private-use character our text never holds), so
  that no phrase runs from one cell into the next and the results show the original spaces.
  A run of boundaries is written as one, and none starts the text;
- a table cell with text after another in its row starts with ``CELL_SEPARATOR`` (" · "), so
  that the excerpt of a row reads as a row (公务接待费 · 10 元) and not as words run together.

What Pagefind would not read is left out of the copy first (``drop_outside_body``, ``drop_ignored``,
``drop_unread_attributes``; docs/search.md): the same index from a third fewer bytes.

"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

from .punctuation import PUNCTUATION_CLASS

BOUNDARY = "\ue000"
WORD_CLASS = ("\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
              "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\U00020000-\U0003134f")
"""The characters that are words of their own; search-core.js carries the same class."""

_BEFORE_WORD = re.compile(f"(?=[{WORD_CLASS}])")
_AFTER_RUN = re.compile(f"([{WORD_CLASS}][{PUNCTUATION_CLASS}]*+)(?=[^ ])")  # a word and the punctuation attached to it
_SPACE = re.compile(r"[\s\ufeff]+")  # what JavaScript's \s matches, as far as text can hold it
_BOUNDARIES = re.compile(f"(?: *{BOUNDARY} *)+")
_LEADING_BOUNDARY = re.compile(f"^ *{BOUNDARY} *")
_ONE_TAG = r"""(?:<!--.*?-->|<[A-Za-z/!?](?:[^>"']++|"[^"]*+"|'[^']*+')*+>)"""  # possessive: a tag scanned once
_TAG = re.compile(f"({_ONE_TAG})", re.S)
_RUN = re.compile(rf"({_ONE_TAG}(?:\s*{_ONE_TAG})*)", re.S)  # tags with nothing but white space between them
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_RAW_TEXT = frozenset({"script", "style", "textarea", "template"})
_BLOCKS = frozenset("""address article aside blockquote br caption dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table tbody td tfoot
    th thead tr ul""".split())
_FENCE = f" {BOUNDARY} "
CELL_SEPARATOR = "·"  # punctuation: a word of its own between cells, which Pagefind does not index
_CELLS = frozenset({"td", "th"})


def segment_text(text: str) -> str:
    """Plain text as the indexer should read it: each CJK character a word, spaces marked.

    Each word character gets a space before it; after a run of them and its punctuation comes a space
    too, unless one follows already, or the text ends: 厅：2017 → 厅： 2017 (the indexer strips
    punctuation; 厅2017 would not be found as 厅). Two passes of the regex engine, no Python per word."""
    return _AFTER_RUN.sub(r"\1 ", _BEFORE_WORD.sub(" ", _SPACE.sub(_FENCE, text)))


# Tags by what ``segment_html`` does at them.
_INLINE, _BLOCK, _ROW_OPENS, _ROW_CLOSES, _CELL, _RAW_OPENS = 0, 1, 2, 3, 4, 5


@functools.lru_cache(maxsize=1 << 13)
def _tag(tag: str) -> tuple[int, str, bool, str]:
    """What ``segment_html`` does at ``tag``, with the tag's lower-case name, whether it closes, and the tag
    without the attributes Pagefind does not read (``drop_unread_attributes``)."""
    lean = _UNREAD_ATTRIBUTE.sub("", tag) if '="' in tag else tag
    match = _TAG_NAME.match(tag)
    name, closing = (match[2].lower(), bool(match[1])) if match else ("", False)
    if name in _BLOCKS:
        kind = (_ROW_CLOSES if closing else _ROW_OPENS) if name == "tr" else _CELL if name in _CELLS else _BLOCK
    elif name in _RAW_TEXT and not closing and not tag.endswith("/>"):
        kind = _RAW_OPENS
    else:
        kind = _INLINE
    return kind, name, closing, lean


@functools.lru_cache(maxsize=1 << 16)
def _text(part: str, fenced: bool, separated: bool) -> tuple[str, bool, bool]:
    """A text ``part`` of a page as ``segment_html`` writes it, after a BOUNDARY or not (``fenced``), and
    after a table cell with text in its row or not (``separated``): what to write, whether the last word
    written is then a BOUNDARY, and whether the part holds words (and so counts as a cell's text)."""
    if part.isspace():
        return (" " if fenced else _FENCE), True, False
    text = segment_text(html.unescape(part) if "&" in part else part)
    words_in = bool(text.strip(f" {BOUNDARY}"))
    if separated and words_in:
        text = (f" {CELL_SEPARATOR}" if fenced else f"{_FENCE}{CELL_SEPARATOR}") + _FENCE + text
    if BOUNDARY in text:
        text = _BOUNDARIES.sub(_FENCE, text)
        if fenced:
            text = _LEADING_BOUNDARY.sub(" ", text)
    words = text.rstrip(" ")
    if words:
        fenced = words.endswith(BOUNDARY)
    return (html.escape(text, quote=False) if ("&" in text or "<" in text or ">" in text) else text), fenced, words_in


def segment_html(document: str) -> str:
    """``document`` with the text of every element (but scripts and styles) segmented.

    Tags are kept, with the attributes Pagefind reads, so that ids, filters and metadata reach
    it unchanged; a block-level tag is preceded by a ``BOUNDARY``. What Pagefind does not read is
    left out first (``drop_outside_body``, ``drop_ignored``, ``drop_unread_attributes``).

    A page's text parts and tags repeat (a year page's 1,000 text parts are one in nine new across
    pages), so each is worked out once and the walk only carries the state: each text (``_text``), and
    each run of tags with nothing but white space between them (``_run``; a fictitious year page's 2,900
    tags, once what Pagefind does not read is left out, are in 890 runs), which also drops its tags' unread
    attributes. A page with a script or a style is walked tag by tag (``_walk``, which says what a run does).
    """
    document = drop_ignored(drop_outside_body(document))
    lean = attributes_droppable(document)  # never for a page with a script or a style: one scan of most pages
    if not lean and _RAW_OPENING.search(document):
        return "".join(_walk(_TAG.split(document), lean)[0])
    parts = _RUN.split(document)
    out: list[str] = []
    append = out.append
    fenced, cells, in_cell = True, -1, False  # as in _walk
    for i in range(0, len(parts) - 1, 2):
        part = parts[i]
        if part:
            written, fenced, words_in = _text(part, fenced, not in_cell and cells > 0)
            if words_in and not in_cell and cells >= 0:
                cells += 1
                in_cell = True
            append(written)
        if_fenced, if_not, fences, row, cell = _run(parts[i + 1], lean)
        append(if_fenced if fenced else if_not)
        fenced = fenced or fences
        if row is not None:
            cells, in_cell = row, False
        elif cell:
            in_cell = False
    part = parts[-1]
    if part:
        append(_text(part, fenced, not in_cell and cells > 0)[0])
    return "".join(out)


_CELLS_UNSET = 1 << 20  # a count of cells no row has, to tell whether a run set it


# Most runs not met again are one page's own (they hold its ids): at N = 1,000, 8,192 runs and tags cached rather
# than 65,536 missed 3% more often, in the same time, and the three caches held 46 MB rather than 111 MB.
@functools.lru_cache(maxsize=1 << 13)
def _run(run: str, lean: bool) -> tuple[str, str, bool, int | None, bool]:
    """What ``_walk`` does at ``run`` (tags with nothing but white space between them, none a script or a style):
    what it writes after a BOUNDARY and after a word, whether it writes a BOUNDARY (or leaves one last), the count
    of cells it sets (0: a row opens, -1: one closes; None: neither) and whether it ends a cell's text."""
    parts = _TAG.split(run)
    if_fenced = _walk(parts, lean, True, _CELLS_UNSET, True)[0]
    if_not, fences, cells, in_cell = _walk(parts, lean, False, _CELLS_UNSET, True)
    return "".join(if_fenced), "".join(if_not), fences, None if cells == _CELLS_UNSET else cells, not in_cell


def _walk(parts: list[str], lean: bool, fenced: bool = True, cells: int = -1,
          in_cell: bool = False) -> tuple[list[str], bool, int, bool]:
    """``segment_html`` of ``parts`` (``_TAG.split``'s: text, tag, text … text), tag by tag, from the state given:
    what it writes, and the state after."""
    out: list[str] = []
    append = out.append
    raw: str | None = None
    # fenced: the last word written is a BOUNDARY (or none was written yet); cells: table cells with text so far
    # in the current row (-1: not in a row); in_cell: the current cell has held text (so it counts in ``cells``)
    for i in range(0, len(parts) - 1, 2):
        part = parts[i]
        if part:
            if raw:
                append(part)
            else:
                written, fenced, words_in = _text(part, fenced, not in_cell and cells > 0)
                if words_in and not in_cell and cells >= 0:
                    cells += 1
                    in_cell = True
                append(written)
        tag = parts[i + 1]
        kind, name, closing, lean_tag = _tag(tag)
        if lean:
            tag = lean_tag
        if raw:
            if closing and name == raw:
                raw = None
        elif kind == _INLINE:
            pass
        elif kind == _RAW_OPENS:
            raw = name
        else:
            if kind == _ROW_OPENS:
                cells, in_cell = 0, False
            elif kind == _ROW_CLOSES:
                cells, in_cell = -1, False
            elif kind == _CELL:
                in_cell = False
            # Before the tag, so that the block's text never ends in a letter or digit
            # (Pagefind would add a full stop to it).
            if not fenced:
                append(_FENCE)
            fenced = True
        append(tag)
    part = parts[-1]
    if part:
        if raw:
            append(part)
        else:
            written, fenced, _ = _text(part, fenced, not in_cell and cells > 0)
            append(written)
    return out, fenced, cells, in_cell


IGNORE = "data-pagefind-ignore"
_IGNORE_ATTRIBUTE = re.compile(rf"\s{IGNORE}(?=[\s=/>])")
_QUOTED = re.compile(r""""[^"]*"|'[^']*'""")
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


@functools.lru_cache(maxsize=64)
def _bounds(tag: str) -> re.Pattern[str]:
    """An element's opening and closing tags, by its name (compiled once per name)."""
    return re.compile(f"<(/?){re.escape(tag)}(?=[\\s/>])", re.I)


def drop_ignored(document: str) -> str:
    """``document`` with the content of every element marked ``data-pagefind-ignore`` left out (the
    element stays, empty): Pagefind does not index it, so it need not be segmented. (Our pages put
    no filter or metadata inside such an element, which Pagefind would still read.)"""
    if IGNORE not in document:
        return document
    out: list[str] = []
    at = 0
    found = document.find(IGNORE)
    while found != -1:
        element = _opening_at(document, found, at)
        if element is None or element[1][2].lower() in _VOID or element[0][0].endswith("/>") \
                or not _IGNORE_ATTRIBUTE.search(_QUOTED.sub("", element[0][0])):
            found = document.find(IGNORE, found + len(IGNORE))
            continue
        opening, tag = element[0], element[1][2].lower()
        bound = _closing_bound(document, tag, opening.end())
        if bound is None:  # never closed: leave the rest as it is
            break
        close = _TAG.match(document, bound.start())
        out += [document[at:opening.end()], close[0] if close else f"</{tag}>"]
        at = close.end() if close else bound.end()
        found = document.find(IGNORE, at)
    out.append(document[at:])
    return "".join(out)


def _opening_at(document: str, found: int, since: int) -> tuple[re.Match[str], re.Match[str]] | None:
    """The opening tag (from ``since`` on) whose attributes hold the position ``found``, and its name's match;
    None when ``found`` is in no opening tag."""
    start = document.rfind("<", since, found)
    opening = _TAG.match(document, start) if start != -1 else None
    name = _TAG_NAME.match(opening[0]) if opening else None
    if opening is None or opening.end() <= found or name is None or name[1]:
        return None
    return opening, name


def _closing_bound(document: str, tag: str, start: int) -> re.Match[str] | None:
    """The match of ``_bounds(tag)`` that ends the ``tag`` element whose opening ends at ``start`` (elements of
    the same name inside it skipped); None when it is never closed."""
    depth = 0
    for bound in _bounds(tag).finditer(document, start):
        if not bound[1]:
            nested = _TAG.match(document, bound.start())
            depth += nested is not None and not nested[0].endswith("/>")
        elif depth:
            depth -= 1
        else:
            return bound
    return None


_KEPT_ATTRIBUTES = ("id", "lang", "src", "alt", "href", "content")
_UNREAD_ATTRIBUTE = re.compile(rf"""\s(?!(?i:(?:{'|'.join(_KEPT_ATTRIBUTES)})=|data-pagefind-))[A-Za-z][-A-Za-z0-9_:.]*="[^"<>]*"(?=[^<>]*>)""")
_NAMED_ATTRIBUTE = re.compile(r'data-pagefind-[a-z-]+="([^"]*)"')
_RAW_OPENING = re.compile(r"<(?:script|style|textarea|template)(?=[\s/>])", re.I)


def drop_unread_attributes(document: str) -> str:
    """``document`` without the attributes Pagefind does not read (class, ARIA, title, value …: about a third
    of a page's bytes, which Pagefind would parse for nothing).

    Pagefind 1.5.2 reads an element's ``id`` (where a result links to), its ``data-pagefind-*`` attributes
    and the attributes they name (``data-pagefind-filter="年度[content]"``), ``lang`` on ``<html>``, ``src``
    and ``alt`` on ``<img>``, and ``href`` and ``src`` on ``<link>`` and ``<script>``: these stay wherever
    they are. Only double-quoted attributes inside a tag are taken out (the text of our pages is escaped, so
    that ``="`` and ``>`` never occur in it); a page with a script or a style, a single-quoted attribute, or
    Pagefind attributes that name another attribute or ``data-pagefind-index-attrs``, is left as it is.

    Tag by tag, as ``segment_html`` drops them (``_tag``)."""
    if not attributes_droppable(document):
        return document
    parts = _TAG.split(document)
    parts[1::2] = [_tag(tag)[3] for tag in parts[1::2]]
    return "".join(parts)


def attributes_droppable(document: str) -> bool:
    """Whether ``drop_unread_attributes`` takes attributes out of ``document`` (see there)."""
    if "data-pagefind-index-attrs" in document or "='" in document or _RAW_OPENING.search(document):
        return False
    for value in _NAMED_ATTRIBUTE.findall(document):
        for named in re.findall(r"\[([^\]]*)\]", value):
            if named not in _KEPT_ATTRIBUTES:
                return False
    return True


BODY = "data-pagefind-body"
_BODY_ATTRIBUTE = re.compile(rf"\s{BODY}(?=[\s=/>])")
_BODY_OPENING = re.compile(r"<body(?=[\s>])[^>]*>", re.I)
_BODY_CLOSING = re.compile(r"</body\s*>", re.I)
_READ_ANYWHERE = re.compile(r"data-pagefind-(?!ignore)|<(?:h1|img|title)(?=[\s/>])", re.I)
_ROW_OR_RAW = re.compile(r"<(?:tr|td|th|script|style|textarea|template)(?=[\s/>])", re.I)


def drop_outside_body(document: str) -> str:
    """``document`` without what lies, inside ``<body>``, before and after its one element marked
    ``data-pagefind-body`` (the site's header, navigation, breadcrumbs and footer).

    Pagefind indexes only the text of the marked element then, but still reads from anywhere on the page
    its ``data-pagefind-*`` attributes, the first ``<title>``, the first ``h1`` (a result's title) and an
    ``img`` after it: a stretch that holds any of these is kept. So is the one before the element when it
    holds a table row or a script (the segmentation's state entering the element would change), and the
    whole page when the element is not a block (``segment_html`` fences a block's start whatever precedes
    it) or when the page has more than one mark or none."""
    found = document.find(BODY)
    if found == -1 or document.find(BODY, found + len(BODY)) != -1:
        return document
    element = _opening_at(document, found, 0)
    if element is None or element[1][2].lower() not in _BLOCKS \
            or not _BODY_ATTRIBUTE.search(_QUOTED.sub("", element[0][0])):
        return document
    opening = element[0]
    start = opening.start()
    bound = _closing_bound(document, element[1][2].lower(), opening.end())
    close = _TAG.match(document, bound.start()) if bound is not None else None
    body = _BODY_OPENING.search(document, 0, start)
    if close is None or body is None:
        return document
    after = _BODY_CLOSING.search(document, close.end())
    end = after.start() if after else len(document)
    before = document[body.end():start]
    if not (_READ_ANYWHERE.search(before) or _ROW_OR_RAW.search(before)):
        before = "\n"
    behind = document[close.end():end]
    if not _READ_ANYWHERE.search(behind):
        behind = "\n"
    return document[:body.end()] + before + document[start:close.end()] + behind + document[end:]


def segment_files(pairs: list[tuple[Path, Path]]) -> None:
    """Write the segmented copy of each (source, target) HTML file."""
    for source, target in pairs:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(segment_html(source.read_text("utf-8")), "utf-8")
