"""Free text to safe HTML: Markdown, with raw HTML shown as text, then sanitised.

Two locks, not one: Python-Markdown is told not to pass raw HTML through (so
``<script>`` in a content file is escaped and reads as text), and its output is then
cleaned by nh3 (the ammonia sanitiser) with a small allowlist of tags and of link
schemes, so that ``[x](javascript:…)`` loses its target.
"""

from __future__ import annotations

import functools
import re

import markdown
import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "em", "strong", "code", "blockquote", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

# Text without any character Markdown gives a meaning to is one paragraph: it skips the
# converter (most fields are like that, and Markdown is the slow part of a page).
_SPECIAL = re.compile(r"[\n\r\t*_`\[\]<>&\\!#]")
_LIST_START = re.compile(r"(?:[-+]|[0-9]+[.)])(?:\s|\Z)")


class MarkdownRenderer:
    """A Markdown converter that never emits raw HTML. Not thread-safe: one per worker."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
        # Raw HTML blocks and inline tags are escaped instead of passed through.
        self._md.preprocessors.deregister("html_block")
        self._md.inlinePatterns.deregister("html")
        self._render = functools.lru_cache(maxsize=4096)(self._convert)  # 名词解释 repeat across years

    def __call__(self, text: str | None) -> Markup:
        """``text`` as sanitised HTML; an empty Markup for None."""
        if text is None:
            return Markup("")
        return self._render(text)

    def _convert(self, text: str) -> Markup:
        core = text.strip()
        if core and not _SPECIAL.search(core) and not _LIST_START.match(core) and not text.startswith(("    ", "\t")):
            return Markup(f"<p>{escape(core)}</p>")
        return Markup(clean(self._md.reset().convert(dash_lists(text))))


_DASH_ITEM = re.compile(r"( *)- \S")


def dash_lists(text: str) -> str:
    """Lines that start with "- " as a list, as a reader of the text sees them: Markdown wants a blank
    line before a list that follows a paragraph (其中：), and four spaces before a nested item (two are
    usual in the content). Text without such lines is returned as it is."""
    if "- " not in text:
        return text
    out: list[str] = []
    in_list = False
    for line in text.split("\n"):
        item = _DASH_ITEM.match(line)
        if item:
            if not in_list and out and out[-1].strip():
                out.append("")
            indent = len(item.group(1))
            line = " " * (indent * 2 if 0 < indent < 4 else indent) + line[indent:]
            in_list = True
        elif not line.strip():
            in_list = False
        out.append(line)
    return "\n".join(out)


def clean(html: str) -> str:
    """Keep only the allowlisted tags, attributes and link schemes."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=ALLOWED_SCHEMES,
                     link_rel="noopener noreferrer")
