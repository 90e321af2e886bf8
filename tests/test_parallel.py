"""The build's worker pool (build/parallel.py): forked workers that hold the work as a closure."""

from __future__ import annotations

import pytest

from site_builder.build.parallel import run_forked, run_serial


def test_forked_results_come_back_in_task_order() -> None:
    offset = 1000  # held by the closure: inherited by fork, never pickled
    squares = run_forked(lambda n: n * n + offset, list(range(40)), 2, chunk=3)
    assert squares == [1000, 1001, 1004, 1009, 1016, 1025, 1036, 1049, 1064, 1081] + [n * n + 1000 for n in range(10, 40)]
    assert squares[-1] == 39 * 39 + 1000 == 2521


def test_serial_and_forked_give_the_same_results() -> None:
    tasks = ["甲", "乙乙", "丙丙丙"]
    assert run_serial(len, tasks, collect_every=2) == run_forked(len, tasks, 2) == [1, 2, 3]


def test_a_failing_worker_says_where() -> None:
    with pytest.raises(RuntimeError, match=r"ZeroDivisionError"):
        run_forked(lambda n: 1 // (n - 7), list(range(12)), 2)


def test_a_serial_run_freezes_its_results_and_thaws_only_its_own() -> None:
    # what survived a collection is frozen (never scanned again); thawed after the last task only when nothing
    # else had frozen objects before: the build cache froze what it loaded, and thaws it all when it closes
    import gc

    def work(n: int) -> list[list[int]]:
        return [[n] for _ in range(100)]

    during: list[int] = []
    gc.unfreeze()  # what an earlier test's preview server froze (harmless: it is scanned again, that is all)
    run_serial(lambda n: during.append(gc.get_freeze_count()) or work(n), range(4), collect_every=1)
    assert during[-1] > 0 and gc.get_freeze_count() == 0
    gc.freeze()
    try:
        held = gc.get_freeze_count()
        results = run_serial(work, range(4), collect_every=1)
        assert gc.get_freeze_count() >= held + 400  # the results, frozen on top of what was
    finally:
        gc.unfreeze()
    assert len(results) == 4
