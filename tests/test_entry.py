"""The command line as a process of its own: what a command imports, and how it ends (cli.run, cli.exit_now).

``site-builder`` and ``python -m site_builder`` end with ``os._exit`` once ``main`` returns (the
interpreter's teardown is skipped): its output must still all be there, its status right, and what
Python's own exit would have run (atexit functions, a thread that is not a daemon) must still run.
All content here is fictitious (虚构).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sitekit import MINIMAL, MINIMAL_PATH, replace_line, write_tree

BIN = Path(sys.executable).parent


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``args`` run in ``cwd`` with output to pipes, block-buffered (as when a script or CI reads them)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)


def imported_by(command: list[str], cwd: Path) -> set[str]:
    """The modules a fresh interpreter holds once ``main(command)`` returned."""
    code = textwrap.dedent(f"""
        import sys
        from site_builder.cli import main
        main({command!r})
        print("\\n".join(sorted(sys.modules)))
    """)
    result = run([sys.executable, "-c", code], cwd)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_build_imports_neither_the_preview_nor_the_importer(tmp_path: Path) -> None:
    modules = imported_by(["build", "--content", "missing"], tmp_path)  # stops after its imports: no such folder
    assert "site_builder.build.engine" in modules and "site_builder.search.index" in modules  # a build's imports
    assert not {m for m in modules if m.startswith(("site_builder.serve", "site_builder.importer"))}
    assert not {m.split(".")[0] for m in modules} & {"watchdog", "pdfplumber", "pdfminer", "openpyxl", "pypinyin"}


def test_validate_imports_neither_the_preview_nor_the_importer(tmp_path: Path) -> None:
    modules = imported_by(["validate", "missing"], tmp_path)
    assert "site_builder.build.validate" in modules
    assert not {m for m in modules if m.startswith(("site_builder.serve", "site_builder.importer"))}
    assert not {m.split(".")[0] for m in modules} & {"watchdog", "pdfplumber", "pdfminer", "openpyxl", "pypinyin"}


def test_python_m_site_builder_prints_everything_and_exits_with_the_status(tmp_path: Path) -> None:
    write_tree(tmp_path, f"-- {MINIMAL_PATH} --\n{MINIMAL}")
    result = run([sys.executable, "-m", "site_builder", "validate", "content"], tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "1 department-year valid; no errors, no warnings\n", "")

    (tmp_path / MINIMAL_PATH).write_text(replace_line(MINIMAL, "  基本支出: 600.00", "  基本支出: 约两万"), "utf-8")
    result = run([sys.executable, "-m", "site_builder", "validate", "content"], tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and "收支.基本支出" in lines[0] and "约两万" in lines[0]
    assert lines[1] == "1 error, 0 warnings in 1 file"

    result = run([sys.executable, "-m", "site_builder", "build", "--content", "missing"], tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", "missing: no such folder\n")


def test_the_console_script_ends_the_same_way(tmp_path: Path) -> None:
    script = shutil.which("site-builder", path=str(BIN))
    if script is None:
        pytest.skip("site-builder is not installed beside this Python")
    result = run([script, "validate", "missing"], tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", "missing: no such file or folder\n")


def test_exit_now_runs_what_python_would_run_at_exit(tmp_path: Path) -> None:
    code = textwrap.dedent("""
        import atexit, sys, tempfile, threading, time, weakref
        from site_builder.cli import exit_now

        atexit.register(lambda: print("atexit ran"))
        folder = tempfile.TemporaryDirectory(dir=sys.argv[1])  # removed at exit by weakref.finalize's atexit
        print(folder.name.rsplit("/", 1)[-1] + " made")
        print("to stderr", file=sys.stderr, end="")
        exit_now(3)
    """)
    result = run([sys.executable, "-c", code, str(tmp_path)], tmp_path)
    assert result.returncode == 3
    made, ran = result.stdout.splitlines()
    assert made.endswith(" made") and ran == "atexit ran"
    assert result.stderr == "to stderr"
    assert list(tmp_path.iterdir()) == []


def test_exit_now_waits_for_a_thread_that_is_not_a_daemon(tmp_path: Path) -> None:
    code = textwrap.dedent("""
        import threading, time
        from site_builder.cli import exit_now

        def late():
            time.sleep(0.3)
            print("thread done")

        threading.Thread(target=late).start()
        print("main done")
        exit_now(4)
    """)
    result = run([sys.executable, "-c", code], tmp_path)
    assert (result.returncode, result.stdout) == (4, "main done\nthread done\n")
