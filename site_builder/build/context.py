"""What one build reads everywhere, made once when it starts and passed down: no module globals.

The site's configuration, its 公开完整度 items, its crosswalk, the theme and its Jinja
environment, the ``site`` variable every page shows, the Markdown renderer, the content
root, ``--strict``, and what the build works out of each department-year as it goes
(``Memos``). Workers are forked with the context in hand (a closure over it: fork copies it,
nothing is pickled), so a department is built the same on every core.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from ..config import SiteConfig
from ..content.crosswalk import EMPTY, Crosswalk
from ..content.load import content_root_of
from ..derive.scorecard import ItemList
from ..site.transparency import Memos
from ..site.markup import MarkdownRenderer
from ..site.pages import site_view
from ..site.render import Theme
from ..site.views import SiteView


@dataclass(frozen=True)
class BuildContext:
    """One build's inputs and memos. ``env`` None: load and check only (``validate``, or a build that failed)."""

    config: SiteConfig
    items: ItemList | None
    theme: Theme | None
    env: jinja2.Environment | None
    content: Path  # the content folder as given (or one file, to validate)
    strict: bool = False
    crosswalk: Crosswalk = EMPTY
    md: MarkdownRenderer = field(default_factory=MarkdownRenderer)
    memos: Memos = field(default_factory=Memos)
    workers: int | None = None  # processes; None: every core, where the site is large enough to pay
    content_root: Path = field(init=False)  # content.load.content_root_of: what content paths are relative to
    items_key: str = field(init=False)
    site: SiteView = field(init=False)  # the ``site`` variable of every page

    def __post_init__(self) -> None:
        object.__setattr__(self, "content_root", content_root_of(self.content))
        object.__setattr__(self, "items_key", self.items.model_dump_json() if self.items is not None else "")
        object.__setattr__(self, "site", site_view(self.config, self.md))

    def renders_like(self, other: BuildContext) -> bool:
        """Whether a page rendered in ``other`` is the page this context renders from the same entries: the
        same Jinja environment (the preview keeps one while no template changes: warm.py), configuration,
        scorecard items, crosswalk, content root and strictness (the code is this process's)."""
        return self.env is not None and self.env is other.env and self.config == other.config and \
            self.items_key == other.items_key and self.crosswalk == other.crosswalk and \
            self.content_root == other.content_root and self.strict == other.strict

    def with_env(self, env: jinja2.Environment | None) -> BuildContext:
        """This context rendering with ``env`` (None: loading and checking only, nothing is written)."""
        return replace(self, env=env)
