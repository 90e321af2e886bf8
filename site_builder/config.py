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

from .content.load import display_path
from .messages import toml_error
from .problems import Message, Reporter

CONFIG_FILE = "site.toml"
_LINE = re.compile(r"\(at line (\d+)")
_THEME_NAME = re.compile(r"[A-Za-z0-9_-]+\Z")
_BASE_PATH = re.compile(r"/([A-Za-z0-9._~-]+/)*\Z")  # a plain absolute path: never //host/, a scheme, \ or ..


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
    "base_path": "the path the site is served under, starting and ending with '/', its folder names made of "
                 "letters, digits, '-', '_', '.' and '~'",
    "base_url": "the site's absolute address, such as https://example.org/budget/",
    "footer": "Markdown shown at the foot of every page",
    "scorecard": "a YAML file of the 公开完整度 items and weights, relative to site.toml",
}
_DOCS_ZH = {
    "title": "站点名称，显示在每页的页眉和标题中",
    "description": "首页上介绍本站的一句话",
    "theme": "themes/ 下的一个文件夹名",
    "base_path": "网站所在的路径，以“/”开头、以“/”结尾，文件夹名只用英文字母、数字和“-”“_”“.”“~”",
    "base_url": "网站的绝对地址，例如 https://example.org/budget/",
    "footer": "显示在每页页脚的 Markdown 文本",
    "scorecard": "列出公开完整度事项和权重的 YAML 文件，路径相对于 site.toml",
}
_TOML_TYPES_ZH = {"int": "整数", "float": "小数", "bool": "布尔值", "list": "数组", "dict": "表",
                  "datetime": "日期时间", "date": "日期", "time": "时间"}


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
        reporter.error(name, int(match[1]) if match else 1, "", toml_error(err))
        return SiteConfig()
    known = {f.name for f in fields(SiteConfig)}
    values: dict[str, str] = {}
    for key, value in data.items():
        line = _line_of(text, key)
        if key not in known:
            reporter.error(name, line, key, Message(f"unknown key '{key}'; expected one of: {', '.join(sorted(known))}",
                                                    f"未知的键“{key}”；可用的键：{'、'.join(sorted(known))}"))
        elif not isinstance(value, str):
            found = type(value).__name__
            reporter.error(name, line, key, Message(f"expected text ({_DOCS[key]}), got {found} {value!r}",
                                                    f"应为文本（{_DOCS_ZH[key]}），实际为{_TOML_TYPES_ZH.get(found, found)} {value!r}"))
        else:
            values[key] = value
    config = SiteConfig(**values)
    _check_values(config, text, name, reporter)
    if config.scorecard and not (project_root / config.scorecard).is_file():
        missing = display_path(project_root / config.scorecard)
        reporter.error(name, _line_of(text, "scorecard"), "scorecard",
                       Message(f"expected {_DOCS['scorecard']}, but {missing} is not a file",
                               f"应为{_DOCS_ZH['scorecard']}，但 {missing} 不是文件"))
    return config


def _check_values(config: SiteConfig, text: str, name: str, reporter: Reporter) -> None:
    if not _BASE_PATH.match(config.base_path) or any(part in (".", "..") for part in config.base_path.split("/")):
        reporter.error(name, _line_of(text, "base_path"), "base_path",
                       Message(f"expected {_DOCS['base_path']}, such as / or /budget/, got '{config.base_path}'",
                               f"应为{_DOCS_ZH['base_path']}，例如 / 或 /budget/，实际为“{config.base_path}”"))
    if config.base_url and not re.match(r"https?://[^/\s]+(/\S*)?\Z", config.base_url):
        reporter.error(name, _line_of(text, "base_url"), "base_url",
                       Message(f"expected {_DOCS['base_url']}, got '{config.base_url}'",
                               f"应为{_DOCS_ZH['base_url']}，实际为“{config.base_url}”"))
    if not _THEME_NAME.match(config.theme):
        reporter.error(name, _line_of(text, "theme"), "theme",
                       Message(f"expected {_DOCS['theme']}, got '{config.theme}'",
                               f"应为主题名，即 {_DOCS_ZH['theme']}（只用英文字母、数字、连字符或下划线），实际为“{config.theme}”"))
    if not config.title.strip():
        reporter.error(name, _line_of(text, "title"), "title",
                       Message("expected the site's name, got an empty string", "应为站点名称，实际为空字符串"))


def _line_of(text: str, key: str) -> int:
    """The line where ``key`` is assigned (1 when it cannot be found)."""
    pattern = re.compile(rf'^\s*("{re.escape(key)}"|{re.escape(key)})\s*=', re.M)
    match = pattern.search(text)
    return text[: match.start()].count("\n") + 1 if match else 1
