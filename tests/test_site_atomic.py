"""A build either replaces output/ completely or leaves it byte-for-byte as it was;
two builds of the same input are identical; a site's theme overrides templates and assets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from buildkit import build, hashes, leftovers, soup
from sitekit import MINIMAL, MINIMAL_PATH, write_tree

from site_builder.build import writer
from site_builder.cli import main

YEAR_PAGE = "xugou/xugou-shi/xugou-xian/shili/2020/index.html"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fictitious site (虚构) already built once into output/."""
    write_tree(tmp_path, f"-- {MINIMAL_PATH} --\n{MINIMAL}")
    monkeypatch.chdir(tmp_path)
    result, reporter = build(tmp_path)
    assert result.ok and not reporter.problems
    return tmp_path


def test_template_error_names_template_line_and_page_and_writes_nothing(root: Path) -> None:
    before = hashes(root / "output")
    write_tree(root, '-- themes/default/templates/department_year.html --\n{% extends "default!department_year.html" %}\n'
                     "{% block main %}\n{{ page.no_such_field }}\n{% endblock %}\n")
    result, reporter = build(root)
    assert not result.ok
    assert [str(p) for p in reporter.errors] == [
        f"themes/default/templates/department_year.html:3: while rendering {YEAR_PAGE}: "
        "UndefinedError: 'site_builder.site.views.YearView object' has no attribute 'no_such_field'"]
    assert hashes(root / "output") == before and leftovers(root) == []


def test_bad_content_writes_nothing(root: Path) -> None:
    before = hashes(root / "output")
    write_tree(root, "-- content/xugou/xugou-shi/xugou-xian/shili/2021.yaml --\n元数据: [unclosed\n")
    result, reporter = build(root)
    assert not result.ok and reporter.errors
    assert hashes(root / "output") == before and leftovers(root) == []


def test_failure_while_writing_leaves_the_previous_site(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = hashes(root / "output")
    original, calls = writer.SiteWriter.write_text, []

    def failing(self: writer.SiteWriter, rel: str, text: str) -> None:
        calls.append(rel)
        if len(calls) == 5:
            raise OSError(28, "No space left on device")
        original(self, rel, text)

    monkeypatch.setattr(writer.SiteWriter, "write_text", failing)
    result, reporter = build(root)
    assert not result.ok and "No space left on device" in str(reporter.errors[0])
    assert hashes(root / "output") == before and leftovers(root) == []


def test_two_builds_are_byte_identical(root: Path) -> None:
    first = hashes(root / "output")
    result, _ = build(root, output="again")
    assert result.ok and hashes(root / "again") == first


def test_site_theme_overrides_a_template_and_an_asset(root: Path) -> None:
    write_tree(root, """
        -- themes/default/templates/home.html --
        {% extends "default!home.html" %}
        {% block main %}<p class="local">本站自定义的首页（虚构）</p>{{ super() }}{% endblock %}
        -- themes/default/static/site.css --
        body { color: black; }
        """)
    result, _ = build(root)
    assert result.ok
    home = soup(root / "output/index.html")
    assert home.select_one("p.local") and home.select_one("h2#latest-title")  # the override extends the default
    assert (root / "output/static/site.css").read_text() == "body { color: black; }\n"
    assert (root / "output/static/print.css").read_bytes() == (Path(writer.__file__).parents[2] / "themes/default/static/print.css").read_bytes()


def test_a_chosen_theme_and_a_missing_one(root: Path) -> None:
    write_tree(root, '-- site.toml --\ntheme = "civic"\n-- themes/civic/static/extra.css --\np {}\n')
    assert build(root)[0].ok and (root / "output/static/extra.css").is_file()
    write_tree(root, '-- site.toml --\ntheme = "nowhere"\n')
    result, reporter = build(root)
    assert not result.ok and "no theme 'nowhere'" in str(reporter.errors[0])


def test_config_errors_name_file_and_line(root: Path) -> None:
    write_tree(root, '-- site.toml --\ntitle = "虚构"\ntitel = "typo"\nbase_path = "budget"\n')
    result, reporter = build(root)
    assert not result.ok
    assert [str(p).split(";")[0] for p in reporter.errors] == [
        "site.toml:2: titel: unknown key 'titel'",
        "site.toml:3: base_path: expected the path the site is served under, starting and ending with '/', "
        "its folder names made of letters, digits, '-', '_', '.' and '~', such as / or /budget/, got 'budget'"]


@pytest.mark.parametrize("base_path", ["//evil.example/", "http://evil.example/", "https://evil.example/budget/",
                                       "/budget\\x/", "\\\\evil.example\\", "/../", "/budget/../", "/./",
                                       "/a//b/", "/bud get/", "/budget/?x=/", "/budget/#/", "/预算/"])
def test_base_path_is_a_plain_absolute_path(root: Path, base_path: str) -> None:
    """404.html links from base_path: '//evil.example/' would load its stylesheet from elsewhere."""
    before = hashes(root / "output")
    write_tree(root, f'-- site.toml --\ntitle = "虚构"\nbase_path = {json.dumps(base_path)}\n')
    result, reporter = build(root)
    assert not result.ok and hashes(root / "output") == before
    assert [(p.file, p.line, p.key) for p in reporter.errors] == [("site.toml", 2, "base_path")]
    assert f"got '{base_path}'" in reporter.errors[0].message


@pytest.mark.parametrize("base_path", ["/", "/budget/", "/a/b-c_d.e~f/", "/2020/"])
def test_plain_base_paths_build(root: Path, base_path: str) -> None:
    write_tree(root, f'-- site.toml --\ntitle = "虚构"\nbase_path = "{base_path}"\n')
    assert build(root, search_index=False)[0].ok
    assert f'href="{base_path}static/site.css"' in (root / "output/404.html").read_text("utf-8")


def test_a_path_claimed_twice_is_an_error(root: Path) -> None:
    write_tree(root, "-- content/glossary/shili/2020.yaml --\n" + MINIMAL.replace(
        "{省: 虚构省, 市: 虚构市, 县: 虚构县}", "{省: 虚构名词省}"))
    result, reporter = build(root)
    assert not result.ok
    assert "would be written to glossary/index.html, which is already the page of the glossary" in str(reporter.errors)


def test_cli_summary_and_output_guard(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build"]) == 0
    assert capsys.readouterr().out.endswith(" s; 0 warnings\n")
    assert main(["build", "--output", "."]) == 1
    assert "nothing was written." in capsys.readouterr().out
