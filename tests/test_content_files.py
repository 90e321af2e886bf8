"""Which files in content/ are content files: every one is loaded or refused by name, none is skipped
silently, and none outside content/ is ever read.

``validate``, a full build and the preview's build (with a ``Warm``) must say the same. All content
is fictitious (虚构).
"""

from __future__ import annotations

import os
import pathlib
import threading
from pathlib import Path
from typing import Any

import pytest
from buildkit import build, hashes, leftovers
from sitekit import MINIMAL, MINIMAL_PATH, line_of, OTHER_PATH, other_department, run_validate, write_tree

from test_messages import assert_in_chinese

from site_builder.build.engine import build_site
from site_builder.build.warm import Warm
from site_builder.problems import Problem, Reporter
from site_builder.serve.web import describe

SECRET = "SECRET-虚构-do-not-disclose"


def problems(root: Path, how: str) -> list[Problem]:
    """What ``validate``, a full build or the preview's build reports for the project at ``root``."""
    if how == "validate":
        found = run_validate(root)[1].sorted()
    else:
        reporter = Reporter()
        preview = {"warm": Warm(), "cache_dir": root / ".cache-preview"} if how == "preview" else {}
        result = build_site(root, root / "output", reporter, search_index=False, **preview)
        assert not result.ok, "the build went ahead"
        found = reporter.sorted()
    assert_in_chinese(found)
    return found


HOW = ["validate", "build", "preview"]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A good fictitious department beside which each test puts one bad file."""
    write_tree(tmp_path, f"-- {MINIMAL_PATH} --\n{MINIMAL}")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("how", HOW)
def test_a_file_directly_in_content_is_an_error_not_a_traceback(site: Path, how: str) -> None:
    write_tree(site, f"-- content/2020.yaml --\n{other_department()}")
    [problem] = [p for p in problems(site, how) if p.severity == "error"]
    assert (problem.file, problem.key) == ("content/2020.yaml", "元数据.地区")
    assert problem.message == ("地区 has 3 level(s) (虚构省 / 虚构市 / 虚构邻县), so the file belongs at "
                               "content/<province>/<city>/<county>/<department>/2020.yaml; "
                               "it is not in a department folder")


@pytest.mark.parametrize("how", HOW)
def test_a_file_one_level_down_is_an_error_not_a_traceback(site: Path, how: str) -> None:
    write_tree(site, f"-- content/shili/2020.yaml --\n{other_department()}")
    [problem] = [p for p in problems(site, how) if p.severity == "error"]
    assert problem.file == "content/shili/2020.yaml" and problem.key == "元数据.地区"
    assert problem.message.endswith("it is 0 folder(s) deep")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside content/ that would load as a valid department-year if it were read."""
    secret = tmp_path / "elsewhere" / "secret.yaml"
    secret.parent.mkdir()
    secret.write_text(other_department().replace("虚构邻县公安局（虚构数据）", SECRET), encoding="utf-8")
    return secret


@pytest.mark.parametrize("how", HOW)
def test_a_symlink_out_of_content_is_refused_without_being_read(site: Path, outside: Path, how: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    link = site / OTHER_PATH
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    read = spy_on_reads(monkeypatch)
    found = problems(site, how)
    assert [(p.file, p.line, p.key, p.message) for p in found] == [(
        OTHER_PATH, 1, "",
        f"the file is a symbolic link to {outside}, which is outside the content folder content; "
        "a content file must be inside it")]
    assert not [p for p in read if p.resolve() == outside.resolve()], "the file outside content/ was read"
    shown = str(found) + str(describe(found, [site / "content", site]))
    assert SECRET not in shown


def test_a_symlinked_file_given_by_name_is_refused_too(site: Path, outside: Path) -> None:
    link = site / OTHER_PATH
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    lines, _ = run_validate(site, OTHER_PATH)
    assert lines == [f"{OTHER_PATH}:1: the file is a symbolic link to {outside}, which is outside the content "
                     "folder content; a content file must be inside it"]


def test_a_symlink_within_content_is_followed(site: Path) -> None:
    target = site / "content" / "shared" / "gongan.yaml.txt"
    target.parent.mkdir(parents=True)
    target.write_text(other_department(), encoding="utf-8")
    link = site / OTHER_PATH
    link.parent.mkdir(parents=True)
    link.symlink_to(os.path.relpath(target, link.parent))
    lines, reporter = run_validate(site)
    assert lines == [] and len({p for p in reporter.problems}) == 0


def spy_on_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every path read through ``Path.read_bytes`` or ``open``."""
    read: list[Path] = []
    original_read, original_open = pathlib.Path.read_bytes, open

    def read_bytes(self: Path) -> bytes:
        read.append(Path(self))
        return original_read(self)

    def spy_open(file: Any, *args: Any, **kw: Any) -> Any:
        if isinstance(file, (str, os.PathLike)):
            read.append(Path(file))
        return original_open(file, *args, **kw)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    monkeypatch.setattr("builtins.open", spy_open)
    return read


def _folder(path: Path) -> None:
    path.mkdir(parents=True)


def _dangling(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.symlink_to(path.parent / "nothing-here.yaml")


def _loop(path: Path) -> None:
    path.parent.mkdir(parents=True)
    other = path.parent / "2021.yaml"
    path.symlink_to(other)
    other.symlink_to(path)


def _pipe(path: Path) -> None:
    path.parent.mkdir(parents=True)
    os.mkfifo(path)


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(("make", "message"), [
    (_folder, "2020.yaml is a folder, not a file; a content file is a YAML file named <year>.yaml"),
    (_pipe, "the file is not a regular file (a device, a pipe or a socket?)"),
    (_dangling, "the file is a symbolic link to a file that does not exist"),
    (_loop, "the file is a symbolic link that leads round in a loop"),
])
def test_a_yaml_name_that_is_not_a_file_is_an_error_not_skipped(site: Path, how: str, make: Any, message: str) -> None:
    make(site / OTHER_PATH)
    found = [(p.file, p.line, p.message) for p in problems(site, how)]
    assert (OTHER_PATH, 1, message) in found
    assert all(p[2] == message or p[2].startswith("the file is a symbolic link") for p in found), found


def test_an_empty_content_folder_does_not_replace_the_site(site: Path) -> None:
    result, reporter = build(site)
    assert result.ok
    before = hashes(site / "output")
    (site / MINIMAL_PATH).unlink()
    for preview in ({}, {"warm": Warm(), "cache_dir": site / ".cache-preview"}):
        reporter = Reporter()
        result = build_site(site, site / "output", reporter, search_index=False, **preview)  # type: ignore[arg-type]
        assert not result.ok
        assert [str(p) for p in reporter.errors] == [
            "content:1: no content files (<year>.yaml) below content; a site needs at least one department-year"]
        assert hashes(site / "output") == before and leftovers(site) == []


@pytest.mark.parametrize("how", HOW)
def test_one_region_folder_names_one_province(site: Path, how: str) -> None:
    other = other_department().replace("省: 虚构省", "省: 另一虚构省")
    write_tree(site, f"-- {OTHER_PATH} --\n{other}")
    found = [p for p in problems(site, how) if p.severity == "error"]
    # The first file in path order (linxian before xugou-xian) names the folder; the other is in error.
    assert [(p.file, p.line, p.key, p.message) for p in found] == [(
        MINIMAL_PATH, line_of(MINIMAL, "地区:"), "元数据.地区.省",
        f"the folder content/xugou is 另一虚构省 in {OTHER_PATH}, but this file says 虚构省; "
        "one folder is one region")]


def test_the_preview_watcher_sees_a_link_change_without_reading_what_it_points_to(
        site: Path, outside: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.serve.watch import FileStates

    link = site / OTHER_PATH
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    changed = outside.read_text(encoding="utf-8") + "# 虚构：改动\n"
    read = spy_on_reads(monkeypatch)
    states = FileStates()
    states.learn([link])
    outside.write_text(changed, encoding="utf-8")
    assert states.changed([link]) == {link}
    assert not [p for p in read if p.resolve() == outside.resolve()], "the watcher read the file outside content/"


def test_an_editors_lock_file_is_not_content(site: Path) -> None:
    # Emacs marks a file being edited with a dangling link named .#<name>, which ends in .yaml too.
    (site / MINIMAL_PATH).with_name(".#2020.yaml").symlink_to("someone@host.12345:1700000000")
    lines, reporter = run_validate(site)
    assert lines == [] and not reporter.problems


def test_the_preview_watcher_does_not_wait_on_a_pipe(site: Path) -> None:
    from site_builder.serve.watch import FileStates

    pipe = site / OTHER_PATH
    _pipe(pipe)
    done = threading.Event()
    threading.Thread(target=lambda: (FileStates().learn([pipe]), done.set()), daemon=True).start()
    assert done.wait(10), "the watcher blocked reading a pipe named 2020.yaml"


@pytest.mark.parametrize("how", HOW)
def test_a_source_pdf_linked_out_of_content_is_refused_and_never_published(site: Path, outside: Path, how: str,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    text = MINIMAL.replace("    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）",
                           "    - 标题: 虚构县示例局2020年部门预算（测试用虚构数据）\n      文件: report.pdf")
    (site / MINIMAL_PATH).write_text(text, encoding="utf-8")
    (site / MINIMAL_PATH).with_name("report.pdf").symlink_to(outside)
    read = spy_on_reads(monkeypatch)
    found = problems(site, how)
    assert [(p.file, p.line, p.key, p.message) for p in found] == [(
        MINIMAL_PATH, line_of(text, "文件: report.pdf"), "元数据.来源[1].文件",
        f"the file report.pdf is a symbolic link to {outside}, which is outside the content folder content; "
        "a source document must be inside it")]
    assert not [p for p in read if p.resolve() == outside.resolve()], "the file outside content/ was read"


def test_content_files_are_listed_in_path_order_part_by_part(tmp_path: Path) -> None:
    # Path order compares part by part: "r/a/…" comes before "r/a-b/…" though "a/" sorts after "a-" as text;
    # a folder named like a content file is listed (to be refused) and so is what is below it, after it;
    # .yml counts; a name that is only an extension, an editor's lock file and other names do not.
    from site_builder.build.departments import department_folders
    from site_builder.content.load import find_files

    root = tmp_path / "content"
    for rel in ["r/a-b/d/2020.yaml", "r/a/d/2021.yml", "r/a/d/2020.yaml", "r/a/d/.yaml", "r/a/d/.#2022.yaml",
                "r/a/d/notes.txt", "r/a/d/2020.yaml.bak", "r/a/d/x.yaml/2019.yaml", "r/a/.hidden/2020.yaml"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("", encoding="utf-8")
    expected = ["r/a/.hidden/2020.yaml", "r/a/d/2020.yaml", "r/a/d/2021.yml", "r/a/d/x.yaml", "r/a/d/x.yaml/2019.yaml",
                "r/a-b/d/2020.yaml"]
    assert [p.relative_to(root).as_posix() for p in find_files(root)] == expected
    assert [[p.relative_to(root).as_posix() for p in group] for group in department_folders(root)] == [
        ["r/a/.hidden/2020.yaml"], ["r/a/d/2020.yaml", "r/a/d/2021.yml", "r/a/d/x.yaml"], ["r/a/d/x.yaml/2019.yaml"],
        ["r/a-b/d/2020.yaml"]]
    assert find_files(root / "r/a/d/2020.yaml") == [root / "r/a/d/2020.yaml"]


def test_a_linked_folder_is_not_entered_and_an_unreadable_one_is_skipped(tmp_path: Path) -> None:
    # As pathlib's rglob (Python 3.11) did: a link to a folder is not followed (its files would be listed
    # twice, or from outside content/); a folder that cannot be listed is passed over.
    from site_builder.content.load import find_files

    root = tmp_path / "content"
    (root / "r/d").mkdir(parents=True)
    (root / "r/d/2020.yaml").write_text("", encoding="utf-8")
    (root / "r/link").symlink_to(root / "r/d", target_is_directory=True)
    (root / "r/link.yaml").symlink_to(root / "r/d", target_is_directory=True)  # a folder by name: refused, not skipped
    assert [p.relative_to(root).as_posix() for p in find_files(root)] == ["r/d/2020.yaml", "r/link.yaml"]
    if os.geteuid() != 0:  # root reads any folder
        (root / "r/d").chmod(0)
        try:
            assert [p.relative_to(root).as_posix() for p in find_files(root)] == ["r/link.yaml"]
        finally:
            (root / "r/d").chmod(0o755)
