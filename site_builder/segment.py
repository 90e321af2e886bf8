"""Chinese text as the search index reads it: each character a word, original spaces marked.

The index-side half of the search scheme (``search.py`` explains why; the query-side half
is ``themes/default/static/search-core.js``, which must segment exactly as here):

- each Han ideograph (with its radicals, iteration marks and compatibility forms) and each
  full-width letter or digit becomes a word of its own;
- punctuation stays attached to the word before it, as Pagefind treats "word," in English:
  the indexer strips it, so 因公出国（境）费 is found whether or not the reader types the
  brackets;
- every space of the original text, and every block boundary (a table cell, a paragraph),
  becomes the word ``BOUNDARY`` (U+E000, a private-use character our text never holds), so
  that no phrase runs from one cell into the next and the results show the original spaces.
  A run of boundaries is written as one, and none starts the text.

"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

BOUNDARY = "\ue000"
WORD_CLASS = ("\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
              "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\U00020000-\U0003134f")
"""The characters that are words of their own; search-core.js carries the same class."""

_WORD_RUN = re.compile(f"[{WORD_CLASS}]+")
_SPACE = re.compile(r"[\s\ufeff]+")  # what JavaScript's \s matches, as far as text can hold it
_BOUNDARIES = re.compile(f"(?: *{BOUNDARY} *)+")
_LEADING_BOUNDARY = re.compile(f"^ *{BOUNDARY} *")
_TAG = re.compile(r"""(<!--.*?-->|<[A-Za-z/!?](?:[^>"']|"[^"]*"|'[^']*')*>)""", re.S)
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_RAW_TEXT = frozenset({"script", "style", "textarea", "template"})
_BLOCKS = frozenset("""address article aside blockquote br caption dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table tbody td tfoot
    th thead tr ul""".split())
_FENCE = f" {BOUNDARY} "


def segment_text(text: str) -> str:
    """Plain text as the indexer should read it: each CJK character a word, spaces marked."""
    return _WORD_RUN.sub(_spread, _SPACE.sub(_FENCE, text))


def _spread(match: re.Match[str]) -> str:
    following = match.string[match.end():match.end() + 1]
    tail = "" if not following or following == " " or unicodedata.category(following).startswith("P") else " "
    return " " + " ".join(match[0]) + tail


def segment_html(document: str) -> str:
    """``document`` with the text of every element (but scripts and styles) segmented.

    Tags and attributes are kept as they are, so that ids, filters and metadata reach
    Pagefind unchanged; a block-level tag is preceded by a ``BOUNDARY``.
    """
    out: list[str] = []
    append = out.append
    raw: str | None = None
    fenced = True  # the last word written is a BOUNDARY (or none was written yet)
    tags: dict[str, tuple[str, bool]] = {}
    for i, part in enumerate(_TAG.split(document)):
        if i % 2 == 0:  # text
            if not part or raw:
                append(part)
            elif part.isspace():
                append(" " if fenced else _FENCE)
                fenced = True
            else:
                text = segment_text(html.unescape(part) if "&" in part else part)
                if BOUNDARY in text:
                    text = _BOUNDARIES.sub(_FENCE, text)
                    if fenced:
                        text = _LEADING_BOUNDARY.sub(" ", text)
                words = text.rstrip(" ")
                if words:
                    fenced = words.endswith(BOUNDARY)
                append(html.escape(text, quote=False) if ("&" in text or "<" in text or ">" in text) else text)
            continue
        known = tags.get(part)
        if known is None:
            match = _TAG_NAME.match(part)
            known = tags[part] = (match[2].lower(), bool(match[1])) if match else ("", False)
        name, closing = known
        if raw:
            if closing and name == raw:
                raw = None
            append(part)
        elif name in _BLOCKS:
            # Before the tag, so that the block's text never ends in a letter or digit
            # (Pagefind would add a full stop to it).
            append(part if fenced else _FENCE + part)
            fenced = True
        else:
            if name in _RAW_TEXT and not closing and not part.endswith("/>"):
                raw = name
            append(part)
    return "".join(out)


def segment_files(pairs: list[tuple[Path, Path]]) -> None:
    """Write the segmented copy of each (source, target) HTML file."""
    for source, target in pairs:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(segment_html(source.read_text("utf-8")), "utf-8")
