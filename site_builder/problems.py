"""Problems found in content, and the reporter that collects them.

Build code never prints: it reports. The command line prints what was reported; tests
read it; the preview server shows it over the page.

Every problem is said twice, where it is found: in English for the command line (as
MkDocs and every tool the maintainers use do) and in Chinese for the overlay of the
preview, which the staff who transcribe disclosures read. Texts that come from
libraries (pydantic, libyaml, TOML, Jinja, the OS) get their Chinese in ``messages``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Message:
    """What is wrong, in English (the command line) and in Chinese (the preview's overlay).

    A value the author wrote is quoted in both exactly as written.
    """

    en: str
    zh: str


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file."""

    file: str
    line: int
    key: str
    message: str  # English, as the command line prints it
    message_zh: str  # Chinese, as the preview shows it over the page
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        label = "" if self.severity == "error" else "warning: "
        return f"{where}: {label}{self.key}: {self.message}" if self.key else f"{where}: {label}{self.message}"


@dataclass
class Reporter:
    """Collects every problem of a run, so that all of them are reported at once."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, file: str, line: int, key: str, message: Message) -> None:
        en, zh = _texts(message)
        self.problems.append(Problem(file, line, key, en, zh, "error"))

    def warning(self, file: str, line: int, key: str, message: Message) -> None:
        en, zh = _texts(message)
        self.problems.append(Problem(file, line, key, en, zh, "warning"))

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def sorted(self) -> list[Problem]:
        """Problems in file and line order, errors before warnings on the same line."""
        return sorted(self.problems, key=lambda p: (p.file, p.line, p.severity != "error", p.key, p.message))


def _texts(message: Message | str) -> tuple[str, str]:
    # A bare string is a caller that has no Chinese yet: it is still reported (a problem is
    # never dropped), with an empty Chinese text, which tests/test_messages.py refuses.
    return (message.en, message.zh) if isinstance(message, Message) else (str(message), "")


def format_key(path: tuple[str | int, ...]) -> str:
    """``('绩效', '项目', 2, '指标值')`` → ``绩效.项目[2].指标值`` (items numbered from 1)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + part
    return out


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
