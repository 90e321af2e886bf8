"""The site config, ``site.toml`` at the project root: title, theme, base path, footer.

Every key is optional; a missing file means the defaults. Unknown keys and wrong types
are errors that name the file and line, like content errors, so a typo never silently
falls back to a default.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from .content import display_path
from .problems import Reporter

CONFIG_FILE = "site.toml"
_LINE = re.compile(r"\(at line (\d+)")
_THEME_NAME = re.compile(r"[A-Za-z0-9_-]+\Z")


@dataclass(frozen=True)
class SiteConfig:
    """What a site chooses about itself."""

    title: str = "部门预决算公开"
    description: str = "部门预算、决算公开文件中的数字与文字，逐项整理为网页，可核对、可比较。"
    theme: str = "default"
    base_path: str = "/"  # where the site is served from; used only by 404.html and sitemap.xml
    base_url: str = ""  # the absolute address of base_path, for sitemap.xml; optional
    footer: str = ""  # Markdown
    scorecard: str = ""  # the 公开完整度 item list, relative to site.toml; default: scorecard.yaml beside it, or the built-in one


_DOCS = {
    "title": "the site's name, shown in every page's header and title",
    "description": "a sentence about the site for the home page",
    "theme": "a folder name under themes/",
    "base_path": "the path the site is served under, starting and ending with '/'",
    "base_url": "the site's absolute address, such as https://example.org/budget/",
    "footer": "Markdown shown at the foot of every page",
    "scorecard": "a YAML file of the 公开完整度 items and weights, relative to site.toml",
}


def load_config(project_root: Path, reporter: Reporter) -> SiteConfig:
    """Read ``site.toml`` from ``project_root``; report every problem; defaults where absent."""
    path = project_root / CONFIG_FILE
    if not path.is_file():
        return SiteConfig()
    name = display_path(path)
    text = path.read_bytes().decode("utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = _LINE.search(str(err))
        reporter.error(name, int(match[1]) if match else 1, "", f"not valid TOML: {err}")
        return SiteConfig()
    known = {f.name for f in fields(SiteConfig)}
    values: dict[str, str] = {}
    for key, value in data.items():
        line = _line_of(text, key)
        if key not in known:
            reporter.error(name, line, key, f"unknown key '{key}'; expected one of: {', '.join(sorted(known))}")
        elif not isinstance(value, str):
            reporter.error(name, line, key, f"expected text ({_DOCS[key]}), got {type(value).__name__} {value!r}")
        else:
            values[key] = value
    config = SiteConfig(**values)
    _check_values(config, text, name, reporter)
    if config.scorecard and not (project_root / config.scorecard).is_file():
        reporter.error(name, _line_of(text, "scorecard"), "scorecard",
                       f"expected {_DOCS['scorecard']}, but {display_path(project_root / config.scorecard)} is not a file")
    return config


def _check_values(config: SiteConfig, text: str, name: str, reporter: Reporter) -> None:
    if not config.base_path.startswith("/") or not config.base_path.endswith("/"):
        reporter.error(name, _line_of(text, "base_path"), "base_path",
                       f"expected {_DOCS['base_path']}, such as / or /budget/, got '{config.base_path}'")
    if config.base_url and not re.match(r"https?://[^/\s]+(/\S*)?\Z", config.base_url):
        reporter.error(name, _line_of(text, "base_url"), "base_url", f"expected {_DOCS['base_url']}, got '{config.base_url}'")
    if not _THEME_NAME.match(config.theme):
        reporter.error(name, _line_of(text, "theme"), "theme", f"expected {_DOCS['theme']}, got '{config.theme}'")
    if not config.title.strip():
        reporter.error(name, _line_of(text, "title"), "title", "expected the site's name, got an empty string")


def _line_of(text: str, key: str) -> int:
    """The line where ``key`` is assigned (1 when it cannot be found)."""
    pattern = re.compile(rf'^\s*("{re.escape(key)}"|{re.escape(key)})\s*=', re.M)
    match = pattern.search(text)
    return text[: match.start()].count("\n") + 1 if match else 1
