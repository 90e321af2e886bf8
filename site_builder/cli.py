"""The command line: ``site-builder validate | schema | build | serve | import``."""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from .problems import Reporter, plural


def main(argv: Sequence[str] | None = None, *, keep: list[object] | None = None) -> int:
    """Run the command line; return the exit status. ``keep``: where ``build`` puts its result, which holds
    what the build held (``BuildResult.held``): the caller then frees it, or not (``run``: the process ends
    without freeing it)."""
    parser = argparse.ArgumentParser(prog="site-builder", description="Build a budget-transparency website from YAML content.")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("validate", help="check content files without building the site")
    check.add_argument("path", nargs="?", default="content", help="a content file or folder (default: content)")
    check.add_argument("--strict", action="store_true", help="treat warnings (failed arithmetic checks) as errors")

    build = commands.add_parser("build", help="build the static site from content/ into output/")
    build.add_argument("--content", default="content", help="the content folder (default: content)")
    build.add_argument("--output", default="output", help="where to write the site (default: output)")
    build.add_argument("--strict", action="store_true", help="treat warnings (failed arithmetic checks) as errors")
    build.add_argument("--cache-dir", default=".cache/site-builder",
                       help="what a build keeps for the next, which then redoes only what changed "
                            "(default: .cache/site-builder; safe to delete)")
    build.add_argument("--no-cache", action="store_true", help="build everything afresh, without the cache")

    serve = commands.add_parser("serve", help="preview the site: build it, serve it, rebuild and reload pages on every save")
    serve.add_argument("--content", default="content", help="the content folder (default: content)")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1, this computer only)")
    serve.add_argument("--port", type=int, default=8000, help="the port to listen on (default: 8000; 0 picks a free one)")
    serve.add_argument("--strict", action="store_true", help="treat warnings (failed arithmetic checks) as errors")
    serve.add_argument("--no-search", action="store_true", help="do not build the search index")
    serve.add_argument("--open", action="store_true", help="open the site in a web browser")

    imp = commands.add_parser("import", help="import a published disclosure (text PDF or .xlsx) as a content draft")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE",
                     help="the disclosure: one PDF or .xlsx, or the report and the tables as two files")
    imp.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.yaml",
                     help="where to write the draft, e.g. content/jiangsu/zhengxie-bangongting/2018.yaml")
    imp.add_argument("--region", help="省[/市[/县]], e.g. 江苏省 or 河北省/秦皇岛市/山海关区 (default: from the other files beside OUT)")
    imp.add_argument("--department", help="the department's name, when the document does not print it")
    imp.add_argument("--year", type=int, help="the budget year, when the document does not print it")
    imp.add_argument("--unit", choices=["元", "万元"], help="the unit of the amounts, when the document does not print it")
    imp.add_argument("--kind", choices=["预算", "决算"], help="预算 or 决算, when the document does not say")
    imp.add_argument("--force", action="store_true", help="replace OUT when it exists (it is never replaced otherwise)")
    imp.add_argument("--recognisers", action="append", type=Path, default=[], metavar="FILE",
                     help="a YAML file of table recognisers that extends the built-in ones (repeatable)")

    schema = commands.add_parser("schema", help="write the JSON Schema of content files")
    schema.add_argument("--output", default="schema/content.schema.json", help="where to write it")

    args = parser.parse_args(argv)
    if args.command == "validate":
        return run_validate(Path(args.path), strict=args.strict)
    if args.command == "build":
        return run_build(Path(args.content), Path(args.output), strict=args.strict,
                         cache_dir=None if args.no_cache else Path(args.cache_dir), keep=keep)
    if args.command == "serve":
        return run_serve(args)
    if args.command == "import":
        return run_import(args)
    if args.command == "schema":
        from .content.schema import write_schema

        changed = write_schema(Path(args.output))
        print(f"{args.output}: {'written' if changed else 'up to date'}")
        return 0
    return 2  # pragma: no cover - argparse rejects unknown commands


def run() -> NoReturn:
    """The ``site-builder`` command and ``python -m site_builder``: ``main``, then ``exit_now``, with what a
    build held (its cache's summaries, the output's manifest) still held: not freed at all."""
    held: list[object] = []
    exit_now(main(keep=held))


def exit_now(code: int) -> NoReturn:
    """End the process with ``code`` without tearing the interpreter down: freeing every module's objects
    (pydantic's schemas, the classes, what a build left cached) took 0.25 s of each command, whatever
    the site's size. What Python's own exit does that matters is done first: its atexit functions run
    (multiprocessing's, which stops its daemonic workers; weakref.finalize's, which removes temporary
    folders; logging's), and standard output and error are flushed. A thread that is not a daemon
    still running (Python would wait for it) makes it an ordinary exit. Only for a command line's own
    process: ``main`` returns, for callers in a process of their own (the tests).
    """
    if any(thread is not threading.current_thread() and not thread.daemon for thread in threading.enumerate()):
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a closed pipe: as Python's own exit, status 120
            code = code or 120
    os._exit(code)


def run_validate(path: Path, *, strict: bool) -> int:
    from .build.validate import validate

    if not path.exists():
        print(f"{path}: no such file or folder", file=sys.stderr)
        return 2
    reporter = Reporter()
    entries = validate(path, reporter, project_root=Path.cwd())
    for problem in reporter.sorted():
        print(problem)
    errors, warnings = len(reporter.errors), len(reporter.warnings)
    files = len({p.file for p in reporter.problems} | {str(e.path) for e in entries})
    summary = f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(files, 'file')}"
    print(summary if errors or warnings else f"{plural(len(entries), 'department-year')} valid; no errors, no warnings")
    if errors or (strict and warnings):
        return 1
    return 0


def run_import(args: argparse.Namespace) -> int:
    from .importer import ImportFailure, import_documents
    from .build.validate import validate

    try:
        result = import_documents(args.files, args.output, region=args.region, department=args.department,
                                  year=args.year, unit=args.unit, kind=args.kind, recognisers=args.recognisers,
                                  project_root=Path.cwd(), force=args.force)
    except ImportFailure as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"{args.output}: draft written from {plural(result.documents, 'document')} in {result.seconds:.2f} s; "
          f"{plural(len(result.tables), 'table')} recognised: {', '.join(result.tables) or 'none'}")
    for item in result.unplaced:
        first = item.text.splitlines()[0] if item.text else ""
        more = f" (+{len(item.text.splitlines()) - 1} lines)" if len(item.text.splitlines()) > 1 else ""
        print(f"{item.source} {item.where}: not placed: {item.what}: {first[:80]}{more}")
    for conflict in result.conflicts:
        print(f"conflict: {conflict}")
    print(f"{plural(len(result.unplaced), 'item')} not placed (kept in the draft as comments); validating the draft:")
    reporter = Reporter()
    validate(args.output, reporter)
    for problem in reporter.sorted():
        print(problem)
    errors, warnings = len(reporter.errors), len(reporter.warnings)
    print(f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in the draft")
    return 1 if errors else 0


def run_serve(args: argparse.Namespace) -> int:
    from .serve.preview import serve

    content = Path(args.content)
    if not content.is_dir():
        print(f"{content}: no such folder", file=sys.stderr)
        return 2
    return serve(Path.cwd(), content_dir=content, host=args.host, port=args.port, strict=args.strict,
                 search=not args.no_search, open_browser=args.open)


def run_build(content: Path, output: Path, *, strict: bool, cache_dir: Path | None = None,
              keep: list[object] | None = None) -> int:
    from .build.engine import build_site

    if not content.is_dir():
        print(f"{content}: no such folder", file=sys.stderr)
        return 2
    reporter = Reporter()
    result = build_site(Path.cwd(), output, reporter, content_dir=content, strict=strict, cache_dir=cache_dir)
    if keep is not None:
        keep.append(result)
    for problem in reporter.sorted():
        print(problem)
    errors, warnings = len(reporter.errors), len(reporter.warnings)
    if not result.ok:
        reason = plural(errors, "error") if errors else f"{plural(warnings, 'warning')} with --strict"
        print(f"{reason}; nothing was written.")
        return 1
    reused = f" ({plural(result.reused, 'department')} unchanged, from the cache)" if result.reused else ""
    print(f"{plural(result.pages, 'page')} written in {result.seconds:.2f} s{reused}; {plural(warnings, 'warning')}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    run()
