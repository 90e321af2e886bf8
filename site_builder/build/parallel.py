"""Rendering a list of planned pages on every core: forked workers, each writing its own pages.

A full build renders its departments' pages in fullbuild.py's workers; this renders the
site-wide pages (home, regions, glossary, scorecard …: thousands of region pages on a
province's site). The pages are planned (routed, each view as a function and its arguments: ``defer``) once,
in the building process; workers are then forked (so they share what was planned,
copy-on-write, and nothing is pickled) and each derives the views of, renders and writes a
fixed set of blocks of consecutive pages, straight into the writer's temporary folder; a
view is dropped once its pages are written. Consecutive pages go to one worker because they share work: a
comparison's page, JSON and CSV are one computation (compare_views keeps the last few).

Rendering is a pure function of (template, route, view), so which process renders a page
changes nothing in its bytes: a parallel build writes exactly the files of a serial one.
Paths are claimed in the building process before the workers start, so a path is still
never written twice; a worker's failure is sent back, and the first failing page in path
order is the one reported, as in a serial build. No rendered page is kept in memory.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2

from ..site.render import TemplateProblem, render_page
from ..site.routes import Route

BLOCK = 48  # consecutive pages rendered by one worker
MIN_PAGES = 400  # below this, forking costs more than it saves
Page = tuple[Route, dict[str, Any]]
UrlFor = Callable[[Route], Callable[[str], str] | None]

_OS_ERROR, _BUG = "\0os", "\0bug"  # in place of a template's name: a failure that is not the template's
_job: tuple[jinja2.Environment, Sequence[Page], Path, UrlFor, int] | None = None  # what forked workers inherit


class Lazy:
    """A page's view, not derived yet: ``fn(*args)``, made where (and when) the page is rendered."""

    __slots__ = ("fn", "args")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.fn, self.args = fn, args


def defer(fn: Callable[..., Any], *args: Any) -> Lazy:
    """``plan_pages``'s ``derive`` for full builds: views are derived by the workers, page by page,
    so that their work is spread over the cores and no process holds every view at once."""
    return Lazy(fn, args)


class _Views:
    """Derives the lazy views of a context; the last one is kept, for the pages that share it."""

    def __init__(self) -> None:
        self._last: tuple[Lazy | None, Any] = (None, None)

    def resolve(self, context: dict[str, Any]) -> dict[str, Any]:
        if not any(type(v) is Lazy for v in context.values()):
            return context
        out = {}
        for key, value in context.items():
            if type(value) is Lazy:
                if self._last[0] is not value:
                    self._last = (value, value.fn(*value.args))
                value = self._last[1]
            out[key] = value
        return out


def workers_available() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def render_pages(env: jinja2.Environment, pages: Sequence[Page], writer: Any, url_for: UrlFor,
                 workers: int | None = None) -> None:
    """Render and write every page of ``pages``, across ``workers`` processes where that pays.

    ``writer`` is a ``SiteWriter``; ``url_for(route)`` gives the page's link function (None:
    relative links). Raises the TemplateProblem of the first failing page, in page order.
    """
    count = workers if workers is not None else workers_available()
    if count <= 1 or (workers is None and len(pages) < MIN_PAGES) or "fork" not in multiprocessing.get_all_start_methods():
        views = _Views()
        for route, context in pages:
            writer.write_text(route.path, render_page(env, route, views.resolve(context), url_for(route)))
        return
    for route, _ in pages:
        writer.reserve(route.path)  # a duplicate path fails here, before any worker starts
    folder = writer.temp  # every file written so far is on disk; the writer's threads are idle
    global _job
    _job = (env, pages, folder, url_for, count)
    context = multiprocessing.get_context("fork")
    receivers, processes = [], []
    try:
        for number in range(count):
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_work, args=(number, sender), name=f"site-render-{number}", daemon=True)
            process.start()
            sender.close()
            receivers.append(receiver)
            processes.append(process)
        failures: list[tuple[int, str, int, str, str]] = []
        for number, (receiver, process) in enumerate(zip(receivers, processes)):
            try:
                outcome = receiver.recv()
            except EOFError:
                outcome = ("failed", len(pages), _BUG, 1, f"render worker {number} exited with code {process.exitcode}", "")
            process.join()
            if outcome[0] == "failed":
                failures.append(outcome[1:])
        if failures:
            index, file, line, message, message_zh = min(failures)
            if file == _OS_ERROR:
                raise OSError(message)
            if file == _BUG:
                raise RuntimeError(message)
            raise TemplateProblem(file, line, message, message_zh)
    finally:
        _job = None
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join()


def _work(number: int, sender: Any) -> None:
    """A worker: render blocks ``number``, ``number + count``, … and write them; send how it went."""
    assert _job is not None
    env, pages, folder, url_for, count = _job
    views = _Views()
    try:
        for start in range(number * BLOCK, len(pages), count * BLOCK):
            for index in range(start, min(start + BLOCK, len(pages))):
                route, context = pages[index]
                try:
                    html = render_page(env, route, views.resolve(context), url_for(route))
                except TemplateProblem as err:
                    sender.send(("failed", index, err.file, err.line, err.message, err.message_zh))
                    return
                target = folder / route.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(html.encode("utf-8"))
        sender.send(("ok",))
    except OSError as err:
        sender.send(("failed", len(pages), _OS_ERROR, 1, str(err), ""))
    except BaseException:  # noqa: BLE001 - anything else is a bug: say where, in the parent's report
        sender.send(("failed", len(pages), _BUG, 1, f"render worker {number} failed:\n{traceback.format_exc()}", ""))
    finally:
        sender.close()
