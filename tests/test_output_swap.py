"""output/ is never missing or partial: the new site is swapped in in one step, a kill at any
step leaves a whole site, the replaced site is removed by a detached process after the build
returned, a symlinked output/ stays the symlink, what a killed build left is
removed by the next one, and Pagefind does not outlive a killed build. (Fictitious site, 虚构.)"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from buildkit import build, hashes, leftovers
from sitekit import MINIMAL, MINIMAL_PATH, write_tree

from site_builder.build import writer

CHANGED = MINIMAL.replace("完成示例任务（虚构）。", "完成另一项示例任务（虚构）。")


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fictitious site already built once into output/."""
    write_tree(tmp_path, f"-- {MINIMAL_PATH} --\n{MINIMAL}")
    monkeypatch.chdir(tmp_path)
    assert build(tmp_path, search_index=False)[0].ok
    return tmp_path


def site_files(folder: Path) -> set[str]:
    """The relative path of every file below ``folder`` (empty when it is missing)."""
    return {os.path.relpath(os.path.join(top, name), folder) for top, _, names in os.walk(folder) for name in names}


class Poller(threading.Thread):
    """Looks at output/ over and over; records every look that found it missing or not whole."""

    def __init__(self, output: Path, expected: set[str]) -> None:
        super().__init__(daemon=True)
        self.output, self.expected = output, expected
        self.rounds, self.bad, self.done = 0, [], False
        self.turn = threading.Condition()

    def run(self) -> None:
        while not self.done:
            found = site_files(self.output)
            if found != self.expected:
                self.bad.append(f"{len(found)} of {len(self.expected)} files")
            with self.turn:
                self.rounds += 1
                self.turn.notify_all()

    def look_again(self) -> None:
        """Wait until a whole look began and ended after now."""
        with self.turn:
            start = self.rounds
            assert self.turn.wait_for(lambda: self.rounds >= start + 2, timeout=30)


def test_output_is_whole_at_every_moment_of_several_builds(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = site_files(root / "output")
    assert "index.html" in expected and len(expected) > 20
    poller = Poller(root / "output", expected)
    steps = []

    def then_look(step):  # after each step of a commit, the poller looks at output/ before the build goes on
        def wrapped(*args, **kwargs):
            result = step(*args, **kwargs)
            steps.append(step.__name__)
            poller.look_again()
            return result
        return wrapped

    monkeypatch.setattr(os, "rename", then_look(os.rename))
    monkeypatch.setattr(writer, "exchange", then_look(writer.exchange))
    monkeypatch.setattr(writer, "remove_old", then_look(writer.remove_old))
    poller.start()
    try:
        for _ in range(5):
            assert build(root, search_index=False)[0].ok
    finally:
        poller.done = True
        poller.join()
    assert poller.rounds > 10 and poller.bad == []
    assert steps == ["exchange", "rename", "remove_old"] * 5  # the rename: the old site to .output-old-*
    assert leftovers(root) == []


def test_the_build_returns_before_the_old_site_is_removed_and_it_is_removed_after(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old_site = hashes(root / "output")
    write_tree(root, f"-- {MINIMAL_PATH} --\n{CHANGED}")
    assert build(root, output="expected", search_index=False)[0].ok
    go, pids = root / "go", root / "remover.pids"
    # A remover that says its process id, then waits for the test's word before it removes the folder
    # (it gives up waiting after a minute, so that a failing test leaves no process behind for long)
    monkeypatch.setattr(writer, "REMOVER", ("sh", "-c", f'echo $$ >> {pids}; n=0; while [ ! -e {go} ] && [ $n -lt 1200 ]; '
                                            'do sleep 0.05; n=$((n+1)); done; exec rm -rf -- "$1"', "remover"))
    try:
        removers_wait(root, go, pids, old_site)
    finally:
        go.touch()  # whatever failed above, the removers go on and end
    assert leftovers(root) == []  # both replaced sites gone, by their removers


def removers_wait(root: Path, go: Path, pids: Path, old_site: dict[str, str]) -> None:
    """The build returns while its remover waits for ``go``; so does the next one."""
    assert build(root, search_index=False)[0].ok  # returned with the remover still waiting
    assert hashes(root / "output") == hashes(root / "expected")
    (old,) = [p for p in root.iterdir() if p.name.startswith(writer.OLD_PREFIX)]
    assert hashes(old) == old_site  # the replaced site, whole, waits for its remover
    for _ in range(100):
        if pids.exists():
            break
        threading.Event().wait(0.1)
    remover = int(pids.read_text())
    assert alive(remover) and os.getsid(remover) != os.getsid(0)  # a session of its own: a Ctrl-C misses it
    assert parent_of(remover) != os.getpid()  # nobody's child here: it outlives the build
    assert build(root, search_index=False)[0].ok  # the next build leaves the folder being removed to its remover
    assert old.is_dir()


_KILLED_BUILD = textwrap.dedent("""
    import os, shutil, signal, sys
    from pathlib import Path
    from site_builder.build import writer
    from site_builder.build.engine import build_site
    from site_builder.problems import Reporter

    kill_after, done = int(sys.argv[1]), []

    def counted(step):
        def wrapped(*args, **kwargs):
            result = step(*args, **kwargs)
            done.append(step.__name__)
            if len(done) == kill_after:
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        return wrapped

    commit = writer.SiteWriter.commit

    def commit_counting_steps(self):  # every file-system step of the swap counts, whatever its kind
        os.rename, shutil.rmtree = counted(os.rename), counted(shutil.rmtree)
        if hasattr(writer, "exchange"):
            writer.exchange = counted(writer.exchange)
        commit(self)

    writer.SiteWriter.commit = commit_counting_steps
    result = build_site(Path.cwd(), Path.cwd() / "output", Reporter(), search_index=False)
    print("not killed", result.ok, done)
""")


def test_a_kill_at_any_step_of_the_swap_leaves_a_whole_output(root: Path) -> None:
    old = hashes(root / "output")
    write_tree(root, f"-- {MINIMAL_PATH} --\n{CHANGED}")
    assert build(root, output="expected", search_index=False)[0].ok
    new = hashes(root / "expected")
    assert new != old
    killed = 0
    for step in range(1, 6):
        run = subprocess.run([sys.executable, "-c", _KILLED_BUILD, str(step)], cwd=root, capture_output=True, text=True)
        if run.returncode == 0:
            assert run.stdout.startswith("not killed True")
            break
        assert run.returncode == -signal.SIGKILL, run.stderr
        killed += 1
        assert (root / "output").is_dir()
        assert hashes(root / "output") in (old, new), f"killed after step {step}: output/ is not a whole site"
    assert killed >= 2  # after the exchange, and after the removal of the old site
    assert build(root, search_index=False)[0].ok  # the next build cleans up
    assert hashes(root / "output") == new and leftovers(root) == []


def test_a_symlinked_output_stays_the_symlink(root: Path) -> None:
    (root / "www").mkdir()
    os.symlink("www/site", root / "linked")  # its folder does not exist yet
    assert build(root, output="linked", search_index=False)[0].ok
    assert os.readlink(root / "linked") == "www/site" and (root / "www/site").is_dir()
    assert hashes(root / "www/site") == hashes(root / "output")
    write_tree(root, f"-- {MINIMAL_PATH} --\n{CHANGED}")
    assert build(root, search_index=False)[0].ok and build(root, output="linked", search_index=False)[0].ok
    assert os.readlink(root / "linked") == "www/site"
    assert hashes(root / "www/site") == hashes(root / "output")
    assert leftovers(root / "www") == [] and sorted(os.listdir(root / "www")) == ["site"] and leftovers(root) == []


def test_what_killed_builds_left_is_removed_and_a_running_builds_folder_kept(root: Path) -> None:
    for name in (".output-tmp-k1ll3d", ".output-old-k1ll3d", ".output-tmp-search-k1ll3d"):
        write_tree(root, f"-- {name}/index.html --\n<p>半个网站（虚构）</p>\n")
    running, lock = writer.locked_folder(writer.TEMP_PREFIX, root)  # as another build running now holds it
    (root / ".output-tmp-not-a-folder").write_text("虚构")
    try:
        assert build(root, search_index=False)[0].ok
        assert leftovers(root) == sorted([running.name, ".output-tmp-not-a-folder"])
    finally:
        os.close(lock)
    assert build(root, search_index=False)[0].ok
    assert leftovers(root) == [".output-tmp-not-a-folder"]


def test_without_an_exchange_two_renames_and_a_warning(root: Path, monkeypatch: pytest.MonkeyPatch,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    write_tree(root, f"-- {MINIMAL_PATH} --\n{CHANGED}")
    assert build(root, output="expected", search_index=False)[0].ok
    monkeypatch.setattr(writer, "_renameat2", None)
    said = (f"renameat2 is not available on {sys.platform}; output/ is replaced in two renames instead, "
            "and is missing for a moment")
    with caplog.at_level(logging.WARNING, logger="site_builder.build.writer"):
        assert build(root, search_index=False)[0].ok
        assert [r.getMessage() for r in caplog.records] == [said]  # once per build (a build swaps once)
        assert build(root, search_index=False)[0].ok
    assert [r.getMessage() for r in caplog.records] == [said, said]
    assert hashes(root / "output") == hashes(root / "expected") and leftovers(root) == []


_BUILD_WITH_SLOW_PAGEFIND = textwrap.dedent("""
    import sys
    from pathlib import Path
    from site_builder.search import index as search
    from site_builder.build.engine import build_site
    from site_builder.problems import Reporter

    search.pagefind_binary = lambda: Path(sys.argv[1])
    build_site(Path.cwd(), Path.cwd() / "output", Reporter(), search_index=True)
""")


def kill_while_pagefind_runs(root: Path, script: str = _BUILD_WITH_SLOW_PAGEFIND) -> int:
    """Run ``script`` (a build with the index) in ``root`` with a stand-in for Pagefind that says its process id,
    then runs until killed; kill the build (SIGKILL) while the stand-in runs. The stand-in's process id."""
    pid_file = root / "pagefind.pid"
    fake = root / "pagefind"
    fake.write_text(f"#!/bin/sh\necho $$ > {pid_file}.part && mv {pid_file}.part {pid_file}\nexec sleep 600\n")
    fake.chmod(0o755)
    parent = subprocess.Popen([sys.executable, "-c", script, str(fake)], cwd=root)
    try:
        for _ in range(600):
            if pid_file.exists() or parent.poll() is not None:
                break
            threading.Event().wait(0.1)
        assert pid_file.exists(), "the build never started Pagefind"
        child = int(pid_file.read_text())
        assert alive(child)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    return child


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_pagefind_dies_with_a_killed_build(root: Path) -> None:
    child = kill_while_pagefind_runs(root)
    for _ in range(100):  # the kernel signals the child as the parent dies: at once, but not in this instant
        if not alive(child):
            break
        threading.Event().wait(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("Pagefind outlived the build that started it")


def test_a_build_killed_while_indexing_a_shard_leaves_nothing_the_next_build_keeps(root: Path) -> None:
    before = sorted(os.listdir(root) + ["pagefind"])  # and the stand-in for Pagefind, written by the helper
    child = kill_while_pagefind_runs(root, _BUILD_WITH_SLOW_PAGEFIND.replace(
        "search.pagefind_binary =", "search.SHARD_PAGES = 1\nsearch.pagefind_binary ="))  # Pagefind on the first shard
    if alive(child):
        os.kill(child, signal.SIGKILL)
    assert [name for name in os.listdir(root) if name.startswith(".output-tmp-search-")]  # the killed build's copy
    assert build(root, search_index=False)[0].ok  # the next build removes what a killed build left beside output/
    assert leftovers(root) == [] and sorted(set(os.listdir(root)) - {"pagefind.pid"}) == before


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return status.rsplit(")", 1)[1].split()[0] != "Z"
