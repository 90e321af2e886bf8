"""Templates: the Jinja2 environment, theme lookup, and rendering one page.

Lookup order for a template or a static asset: the site's own ``themes/<name>/`` (beside
``site.toml``), then the chosen built-in theme, then the built-in default. The built-in
default is also reachable as ``default!<name>`` so that an override can extend the very
template it replaces. Autoescape and StrictUndefined are on. Rendering a page is a pure
function of (environment, route, view): no state is kept between pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.runtime

from . import html
from .routes import SITE_PATHS, Route, relative_url

BUILTIN_THEMES = Path(__file__).resolve().parents[2] / "themes"
DEFAULT_THEME = "default"
PAGE_TEMPLATES = ("home.html", "region.html", "department.html", "department_year.html", "glossary.html",
                  "about.html", "404.html", "search.html", "comparison.html", "data/comparison.json",
                  "data/comparison.csv", "scorecard.html")


class TemplateProblem(Exception):
    """A template failed: where (template file and line) and what, in English and in Chinese."""

    def __init__(self, file: str, line: int, message: str, message_zh: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message, self.message_zh = file, line, message, message_zh


@dataclass(frozen=True)
class Theme:
    """The folders a site's theme is made of, most specific first."""

    folders: tuple[Path, ...]

    def template_dirs(self) -> list[Path]:
        return [f / "templates" for f in self.folders if (f / "templates").is_dir()]

    def static_files(self) -> dict[str, Path]:
        """Every static asset by its name under static/; a more specific theme wins."""
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            static = folder / "static"
            if static.is_dir():
                for path in sorted(static.rglob("*")):
                    if path.is_file():
                        files[path.relative_to(static).as_posix()] = path
        return dict(sorted(files.items()))


def find_theme(project_root: Path, name: str) -> Theme | None:
    """The theme folders for ``name``; None when no such theme exists anywhere."""
    candidates = [project_root / "themes" / name, BUILTIN_THEMES / name, BUILTIN_THEMES / DEFAULT_THEME]
    folders: list[Path] = []
    for folder in candidates:
        if folder.is_dir() and folder.resolve() not in [f.resolve() for f in folders]:
            folders.append(folder)
    if not any(f.name == name for f in folders):
        return None
    return Theme(tuple(folders))


def make_environment(theme: Theme) -> jinja2.Environment:
    """A Jinja2 environment for ``theme``: autoescape, StrictUndefined, the default! prefix."""
    default = BUILTIN_THEMES / DEFAULT_THEME / "templates"
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader([str(d) for d in theme.template_dirs()]),
        jinja2.PrefixLoader({DEFAULT_THEME: jinja2.FileSystemLoader(str(default))}, delimiter="!"),
    ])
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             auto_reload=False)  # templates are compiled once per build, not stat()ed per page
    env.filters["region_levels"] = region_levels  # the 地区 values of a page for the search filters
    env.filters.update(html.FILTERS)  # what Python prints for speed (a theme's templates may print it themselves)
    env.globals["routes"] = SITE_PATHS  # the site-wide pages a template links to: url(routes.glossary)
    env.context_class = _PageContext
    return env


_CONTEXTS = "__page_contexts__"
"""The render variable that lists the contexts made with a page's variables (``_PageContext``)."""


class _PageContext(jinja2.runtime.Context):
    """A template context that adds itself to its page's list of contexts (``render_page`` releases them).

    A page's contexts are the page's own and those of the macro modules it imports with context
    (and of what it includes): each holds the page's variables, and a module's context and its
    macros refer to each other, so without a release the page's whole view would wait in a cycle
    for the garbage collector, which then spent more time on it than freeing it costs.
    """

    def __init__(self, environment: jinja2.Environment, parent: dict[str, Any], name: str | None,
                 blocks: dict[str, Any], globals: Any = None) -> None:  # noqa: A002 - Jinja's name
        super().__init__(environment, parent, name, blocks, globals)
        made = parent.get(_CONTEXTS)
        if made is not None:
            made.append(self)


def compile_templates(env: jinja2.Environment, names: tuple[str, ...] = PAGE_TEMPLATES) -> None:
    """Load every page template once, so that a syntax error stops the build before any page."""
    for name in names:
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as err:
            raise TemplateProblem(_display(err.filename or err.name or name), err.lineno or 1,
                                  f"template syntax error: {err.message}", f"模板语法错误：{err.message}") from err
        except jinja2.TemplateNotFound as err:
            raise TemplateProblem(name, 1, f"template not found: {err.name}", f"找不到模板：{err.name}") from err


def render_page(env: jinja2.Environment, route: Route, context: dict[str, Any],
                url: Callable[[str], str] | None = None) -> str:
    """Render one page; a failure raises TemplateProblem naming the template, its line and the page."""
    bound_url = url or (lambda target: relative_url(route.path, target))
    contexts: list[jinja2.runtime.Context] = []
    try:
        template = env.get_template(route.template)
        return template.render(context, url=bound_url, current=route.path, **{_CONTEXTS: contexts})
    except jinja2.TemplateSyntaxError as err:
        raise TemplateProblem(_display(err.filename or err.name or route.template), err.lineno or 1,
                              f"template syntax error while rendering {route.path}: {err.message}",
                              f"渲染页面 {route.path} 时模板语法错误：{err.message}") from err
    except Exception as err:  # noqa: BLE001 - any template failure is reported with its place
        file, line = _template_frame(err, route.template)
        raise TemplateProblem(file, line, f"while rendering {route.path}: {type(err).__name__}: {err}",
                              f"渲染页面 {route.path} 时模板出错：{type(err).__name__}: {err}") from err
    finally:
        for made in contexts:  # the page is rendered: its contexts let go of its variables and macros
            made.vars.clear()
            made.exported_vars.clear()
            made.parent = {}


def _template_frame(err: BaseException, fallback: str) -> tuple[str, int]:
    """The innermost template file and line in the traceback (Jinja rewrites frames to them)."""
    found = (fallback, 1)
    tb = err.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            found = (_display(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _display(filename: str) -> str:
    path = Path(filename)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def region_levels(region: str) -> list[str]:
    """The 地区 filter values of a page: every level of its region, ``河北省``, ``河北省 秦皇岛市``, …"""
    names = region.split()
    return [" ".join(names[: i + 1]) for i in range(len(names))]
