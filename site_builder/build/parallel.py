"""The build's one worker pool: forked processes that share what the building process holds.

``run_forked(work, tasks, count)`` forks ``count`` workers, each holding ``work`` and ``tasks``
as the building process had them (fork copies them: nothing is pickled but the tasks'
numbers and the results); each takes the next few tasks in order until none is left, and
sends back each result. A full build uses it twice: for its departments (departments.py:
load, check, derive, render and write one department), then for the site-wide pages
(``render_pages``: home, regions, glossary, scorecard …; thousands of region pages on a
province's site).

Rendering is a pure function of (template, route, view), so which process renders a page
changes nothing in its bytes: a parallel build writes exactly the files of a serial one.
Every path is claimed in the building process (the writer's RouteTable and WrittenTwice),
so a path is never written twice whichever process writes it; a failure is sent back, and
the first failing page in path order is the one reported, as in a serial build.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Protocol, TypeVar

import jinja2

from ..search.index import Described, describe
from ..site.render import TemplateProblem, render_page
from ..site.routes import Route
from .fingerprint import Deferred

BLOCK = 48  # consecutive pages rendered by one worker
MIN_PAGES = 400  # below this, forking costs more than it saves
Page = tuple[Route, dict[str, Any]]
UrlFor = Callable[[Route], Callable[[str], str] | None]
T = TypeVar("T")
R = TypeVar("R")

_OS_ERROR, _BUG = "\0os", "\0bug"  # in place of a template's name: a failure that is not the template's


class Claims(Protocol):
    """What ``render_pages`` needs of a writer (writer.py's ``Writer``)."""

    def write_text(self, rel: str, text: str) -> None: ...

    def reserve(self, rel: str) -> Path: ...


def defer(fn: Callable[..., Any], *args: Any) -> Deferred:
    """``site_pages``'s ``derive``: views are derived by the workers, page by page,
    so that their work is spread over the cores and no process holds every view at once."""
    return Deferred(fn, args, None)


class _Views:
    """Derives the lazy views of a context; the last one is kept, for the pages that share it."""

    def __init__(self) -> None:
        self._last: tuple[Deferred | None, Any] = (None, None)

    def resolve(self, context: dict[str, Any]) -> dict[str, Any]:
        if not any(type(v) is Deferred for v in context.values()):
            return context
        out = {}
        for key, value in context.items():
            if type(value) is Deferred:
                if self._last[0] is not value:  # derived here, not kept in the Deferred: dropped with the next
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


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def run_serial(work: Callable[[T], R], tasks: Sequence[T], collect_every: int | None = None) -> list[R]:
    """``work`` of each task in this process; with ``collect_every``, the garbage collector runs only after
    that many tasks (a task's objects are freed by their reference counts; the few cycles now and then),
    and what survived a collection (the results so far) is not scanned again (``gc.freeze``): thawed after
    the last task, unless something else froze objects before: the build cache (cache.hold), which thaws them
    with its own; the preview server, which freezes what it keeps after each build."""
    was_enabled = gc.isenabled()
    thaw: bool | None = None  # whether nothing was frozen before this froze objects (gc.get_freeze_count walks them all)
    if collect_every is not None:
        gc.disable()
    try:
        results = []
        for number, task in enumerate(tasks, 1):
            results.append(work(task))
            if collect_every is not None and number % collect_every == 0:
                gc.collect()
                thaw = gc.get_freeze_count() == 0 if thaw is None else thaw
                gc.freeze()
        return results
    finally:
        if thaw:
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def run_forked(work: Callable[[T], R], tasks: Sequence[T], count: int, *, chunk: int = 1,
               collect_every: int | None = None) -> list[R]:
    """``work`` of each task, in task order, on ``count`` forked workers taking ``chunk`` tasks at a time.

    A worker that fails (an exception in ``work``: a bug) or dies raises RuntimeError here, saying where.
    With ``collect_every``, a worker never scans what it inherited (``gc.freeze``) and collects after
    that many tasks (see ``run_serial``).
    """
    return start_forked(work, tasks, count, chunk=chunk, collect_every=collect_every).results()


class Forked:
    """Workers forked by ``start_forked``: ``results()`` waits for them; ``close()`` ends those still running
    (``results`` does, however it ends)."""

    def __init__(self, results: Callable[[], list[Any]], close: Callable[[], None]) -> None:
        self._results, self.close = results, close

    def results(self) -> list[Any]:
        try:
            return self._results()
        finally:
            self.close()


def start_forked(work: Callable[[T], R], tasks: Sequence[T], count: int, *, chunk: int = 1,
                 collect_every: int | None = None) -> Forked:
    """``run_forked`` begun: the workers are forked now, and work while this process does something else;
    ``results()`` of what this returns waits for them (a caller that does not call it calls ``close()``)."""
    context = multiprocessing.get_context("fork")
    taken = context.Value("q", 0)  # the next task not yet taken
    receivers: list[Connection] = []
    processes = []

    def serve(sender: Connection) -> None:
        if collect_every is not None:
            gc.freeze()  # what the worker inherited is never garbage
            gc.disable()
        done = 0
        try:
            while True:
                with taken.get_lock():
                    start = taken.value
                    taken.value = start + chunk
                if start >= len(tasks):
                    break
                for index in range(start, min(start + chunk, len(tasks))):
                    sender.send((index, work(tasks[index])))
                    done += 1
                    if collect_every is not None and done % collect_every == 0:
                        gc.collect()
            sender.send(None)
        except BaseException:  # noqa: BLE001 - a bug: say where, in the building process
            sender.send((-1, f"worker failed:\n{traceback.format_exc()}"))
        finally:
            sender.close()

    def close() -> None:
        for process in processes:
            if process.is_alive():
                process.kill()
            process.join()
        for receiver in receivers:
            receiver.close()

    try:
        for number in range(count):
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=serve, args=(sender,), name=f"site-builder-{number}", daemon=True)
            process.start()
            sender.close()
            receivers.append(receiver)
            processes.append(process)
    except BaseException:
        close()
        raise

    def collect() -> list[Any]:
        results: list[Any] = [None] * len(tasks)
        running = dict(zip(receivers, processes))
        while running:
            for receiver in wait(list(running)):
                try:
                    message = receiver.recv()  # type: ignore[union-attr]
                except EOFError:
                    process = running[receiver]
                    process.join()
                    message = (-1, f"{process.name} exited with code {process.exitcode}")
                if message is None:
                    running.pop(receiver).join()  # type: ignore[call-overload]
                elif message[0] < 0:
                    raise RuntimeError(message[1])
                else:
                    results[message[0]] = message[1]
        return results

    return Forked(collect, close)


def render_pages(env: jinja2.Environment, pages: Sequence[Page], writer: Claims, url_for: UrlFor,
                 workers: int | None = None) -> dict[str, Described]:
    """Render and write every page of ``pages``, across ``workers`` processes where that pays; each HTML
    page described for the search index (``search.index.describe``), by path.

    ``url_for(route)`` gives the page's link function (None: relative links). Raises the
    TemplateProblem of the first failing page, in page order.
    """
    count = workers if workers is not None else workers_available()
    described: dict[str, Described] = {}
    if count <= 1 or (workers is None and len(pages) < MIN_PAGES) or not can_fork():
        views = _Views()
        for route, context in pages:
            html = render_page(env, route, views.resolve(context), url_for(route))
            writer.write_text(route.path, html)
            if route.path.endswith(".html"):
                described[route.path] = describe(html.encode("utf-8"))
        return described
    targets = [writer.reserve(route.path) for route, _ in pages]  # a duplicate path fails here, before any worker
    first_failure = multiprocessing.get_context("fork").Value("q", len(pages))
    views = _Views()

    def block(start: int) -> tuple[int, str, int, str, str] | dict[str, Described]:
        """Render and write pages ``start`` … ``start + BLOCK``: the first failure, else the pages described."""
        described: dict[str, Described] = {}
        if start > first_failure.value:  # a page before this block failed: this one would not be reported
            return described
        for index in range(start, min(start + BLOCK, len(pages))):
            route, context = pages[index]
            try:
                data = render_page(env, route, views.resolve(context), url_for(route)).encode("utf-8")
                os.makedirs(os.path.dirname(targets[index]), exist_ok=True)
                with open(targets[index], "wb") as f:
                    f.write(data)
                if route.path.endswith(".html"):
                    described[route.path] = describe(data)
            except TemplateProblem as err:
                failure = (index, err.file, err.line, err.message, err.message_zh)
            except OSError as err:
                failure = (index, _OS_ERROR, 1, str(err), "")
            else:
                continue
            with first_failure.get_lock():
                first_failure.value = min(first_failure.value, index)
            return failure
        return described

    failures = []
    for result in run_forked(block, range(0, len(pages), BLOCK), count):
        if isinstance(result, tuple):
            failures.append(result)
        else:
            described.update(result)
    if failures:
        _, file, line, message, message_zh = min(failures)
        if file == _OS_ERROR:
            raise OSError(message)
        raise TemplateProblem(file, line, message, message_zh)
    return described
