"""Read one YAML content file into plain Python data, with line marks.

Content files are parsed from libyaml's event stream rather than with ``yaml.load``:

- numbers become ``int`` or ``Decimal`` straight from their text, never ``float``;
- a duplicate key is an error, not a silent overwrite;
- every mapping key and sequence item gets a line mark, so later errors can name the line;
- aliases are expanded under a budget and nesting is bounded, so no input can make
  the loader hang, recurse without limit or use unbounded memory;
- only the plain YAML types are produced: no tags, no Python objects.

The builder keeps an explicit stack, so deeply nested input never reaches Python's
recursion limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path as FilePath
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

import yaml

from ..messages import os_error_zh, validation_message, yaml_reader, yaml_syntax
from ..problems import Message, Reporter, format_key
from .types import shown_zh

try:  # libyaml's C parser: the pure-Python one is several times slower.
    from yaml import CSafeLoader as _Parser  # yaml exports CParser only through its loaders
except ImportError:  # pragma: no cover - only where PyYAML was built without libyaml
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]


MAX_DEPTH = 64
MAX_NODES = 200_000
MAX_BYTES = 4 * 1024 * 1024

Path = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
# Digits with a fraction or an exponent; a leading zero before digits ("0123") stays text, like a code.
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)\Z")
_NULL = {"", "~", "null", "Null", "NULL"}
# What no text of a disclosure holds: C0 controls but tab and line feed, DEL, C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TRUE = {"true", "True", "TRUE"}
_NUMBER_FIRST = frozenset("+-0123456789")  # what _INT's and _DECIMAL's texts start with
_FALSE = {"false", "False", "FALSE"}
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "!",
}


class YamlError(Exception):
    """A content file that is not usable YAML; ``line`` is 1-based."""

    def __init__(self, line: int, message: Message, path: Path = ()) -> None:
        super().__init__(message.en)
        self.line = line
        self.message = message
        self.path = path


@dataclass
class Document:
    """A parsed YAML file: its data and the line of each key and item."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """The line of ``path``, or of its nearest ancestor that has a mark."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1


class WrittenInt(int):
    """An int from a plain scalar not written as Python prints it (``+123``, ``-0``), with its text.

    ``types.written`` gives a value's text as written; numbers that print as written are plain.
    """

    written: str


class WrittenDecimal(Decimal):
    """A Decimal from a plain scalar not written as Python prints it (``1e3``), with its text."""

    written: str

    def __reduce__(self) -> tuple[Any, ...]:  # Decimal's own would drop ``written`` on the way to a worker
        return resolve_plain, (self.written,)


def resolve_plain(text: str) -> Any:
    """Give a plain (unquoted) scalar its type: null, bool, int, Decimal or str.

    A number whose text is not the one ``str`` gives back is a ``WrittenInt`` or
    ``WrittenDecimal`` keeping that text (``written``), so that text fields get it as written.
    """
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text[:1] not in _NUMBER_FIRST:  # most plain scalars: text, which no number starts like
        return text
    if _INT.match(text):
        number: Any = int(text)
        kind: type = WrittenInt
    elif _DECIMAL.match(text):
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
            return text
        kind = WrittenDecimal
    else:
        return text
    if str(number) == text:
        return number
    kept = kind(text)
    kept.written = text
    return kept


def decode(raw: bytes) -> str:
    """Decode file bytes as UTF-8 (a BOM is allowed), or raise YamlError naming the line."""
    if len(raw) > MAX_BYTES:
        raise YamlError(1, Message(f"the file is {len(raw):,} bytes; a content file may be at most {MAX_BYTES:,} bytes",
                                   f"文件有 {len(raw):,} 字节；内容文件最大 {MAX_BYTES:,} 字节"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise YamlError(line, Message(
            f"the file is not UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start}); save it as UTF-8",
            f"文件不是 UTF-8 编码（偏移 {err.start} 处的字节 0x{raw[err.start]:02x}）；请另存为 UTF-8 编码",
        )) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise YamlError(line, Message("the file contains a NUL character; it is not a text file",
                                      "文件含有 NUL 字符，不是文本文件"))
    found = _UNSEEN.search(text)
    if found:
        at = found.start()
        line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        raise YamlError(line, _unseen_message(found.group(), column))
    return text


# What YAML refuses (control characters) or counts as a line break where editors do not (U+2028,
# U+2029, U+0085, a CR alone): either would make libyaml name the wrong line, or none.
_UNSEEN = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]|\r(?!\n)")


def _unseen_message(char: str, column: int) -> Message:
    code = f"U+{ord(char):04X}"
    if char == "\r":
        return Message(f"the file contains a carriage return (CR) without a line feed (column {column}); "
                       "save it with LF or CRLF line ends",
                       f"文件含有单独的回车符 CR（第 {column} 列），其后没有换行符；请以 LF 或 CRLF 换行保存")
    if char in "\u2028\u2029":
        what = "line separator" if char == "\u2028" else "paragraph separator"
        what_zh = "行分隔符" if char == "\u2028" else "段分隔符"
        return Message(f"the file contains the {what} {code} (column {column}), which YAML counts as a line break "
                       "and editors do not show; replace it with a line break or remove it",
                       f"文件含有{what_zh} {code}（第 {column} 列）：YAML 把它当作换行，编辑器却不显示；请换成真正的换行或删去")
    return Message(f"the file contains the control character {code} (column {column}), invisible in most editors; "
                   "remove it",
                   f"文件含有控制字符 {code}（第 {column} 列），多数编辑器里看不见；请删去")


class _Frame:
    """A mapping or sequence under construction."""

    __slots__ = ("container", "path", "key", "anchor", "seen", "start_line", "size")

    def __init__(self, container: Any, path: Path, anchor: str | None, start_line: int) -> None:
        self.container = container
        self.path = path
        self.key: Any = _NO_KEY
        self.anchor = anchor
        self.seen: dict[str, int] | None = {} if isinstance(container, dict) else None
        self.start_line = start_line
        self.size = 1  # values this container expands to, itself included


_NO_KEY = object()


def parse_yaml(text: str) -> Document:
    """Parse YAML text into data and line marks; raise YamlError for anything unusable."""
    lines: dict[Path, int] = {}
    anchors: dict[str, tuple[Any, int]] = {}
    stack: list[_Frame] = []
    nodes = 0
    root: Any = None
    have_root = False
    documents = 0

    def child_path(frame: _Frame) -> Path:
        if isinstance(frame.container, list):
            return frame.path + (len(frame.container),)
        return frame.path + (frame.key,)

    def attach(value: Any, line: int, size: int, count: int) -> None:
        """Put a finished value into its parent.

        ``size`` is how many values it expands to; ``count`` how many of those are new to
        the budget (a container's children were counted as they arrived, an alias's were not).
        """
        nonlocal root, have_root, nodes
        nodes += count
        if nodes > MAX_NODES:
            raise YamlError(line, Message(
                f"the file expands to more than {MAX_NODES:,} values (YAML aliases?); it is too large to be a content file",
                f"文件展开后超过 {MAX_NODES:,} 个值（用了 YAML 别名？）；内容文件不会这么大"))
        if not stack:
            root, have_root = value, True
            return
        frame = stack[-1]
        frame.size += size
        if isinstance(frame.container, list):
            lines[frame.path + (len(frame.container),)] = line
            frame.container.append(value)
            return
        if frame.key is _NO_KEY:
            if not isinstance(value, str):
                shown = "a mapping" if isinstance(value, dict) else "a list" if isinstance(value, list) else repr(value)
                raise YamlError(line, Message(f"a key must be text, got {shown}", f"键必须是文本，实际为{shown_zh(value)}"),
                                frame.path)
            if value in frame.seen:  # type: ignore[operator]
                first = frame.seen[value]  # type: ignore[index]
                raise YamlError(
                    line,
                    Message(f"duplicate key '{value}' (first at line {first}); each key may appear once",
                            f"键“{value}”重复（第一次出现在第 {first} 行）；同一个键只能出现一次"),
                    frame.path + (value,),
                )
            frame.seen[value] = line  # type: ignore[index]
            frame.key = value
            lines[frame.path + (value,)] = line
            return
        frame.container[frame.key] = value
        frame.key = _NO_KEY

    def check_controls(value: str, line: int) -> None:
        found = _CONTROL.search(value)
        if found:
            code = f"U+{ord(found.group()):04X}"
            raise YamlError(line, Message(
                f"the text holds the control character {code} (written as an escape such as \\0 or \\x00); remove it",
                f"文本里有控制字符 {code}（由 \\0、\\x00 这样的转义写出）；请删去"), here())

    def here() -> Path:
        """The key path of the value being read, as far as it is known."""
        if not stack:
            return ()
        frame = stack[-1]
        if isinstance(frame.container, list):
            return frame.path + (len(frame.container),)
        return frame.path + (frame.key,) if frame.key is not _NO_KEY else frame.path

    def inside() -> Path:
        """The key path of the mapping value or list being read when the parser stopped."""
        if not stack:
            return ()
        frame = stack[-1]
        return frame.path + (frame.key,) if isinstance(frame.container, dict) and frame.key is not _NO_KEY else frame.path

    def check_tag(tag: str | None, line: int) -> None:
        if tag is not None and tag not in _STANDARD_TAGS:
            raise YamlError(line, Message(f"YAML tag '{tag}' is not allowed in content files; write the plain value",
                                          f"内容文件里不能用 YAML 标签“{tag}”；请直接写值"), here())

    try:
        for event in yaml.parse(text, Loader=_Parser):
            line = event.start_mark.line + 1 if event.start_mark else 1
            kind = type(event)
            if kind is yaml.ScalarEvent:
                check_tag(event.tag, line)
                if event.tag == "tag:yaml.org,2002:str" or not event.implicit[0]:
                    value: Any = event.value
                    if event.style == '"':  # only escapes in double quotes can give what decode refused
                        check_controls(value, line)
                else:
                    value = resolve_plain(event.value)
                if event.anchor:
                    anchors[event.anchor] = (value, 1)
                attach(value, line, 1, 1)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                check_tag(event.tag, line)
                if len(stack) >= MAX_DEPTH:
                    raise YamlError(line, Message(f"the data is nested more than {MAX_DEPTH} levels deep",
                                                  f"数据嵌套超过 {MAX_DEPTH} 层"))
                container: Any = {} if kind is yaml.MappingStartEvent else []
                path = child_path(stack[-1]) if stack else ()
                stack.append(_Frame(container, path, event.anchor, line))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                if frame.anchor:
                    anchors[frame.anchor] = (frame.container, frame.size)
                attach(frame.container, frame.start_line, frame.size, 1)
            elif kind is yaml.AliasEvent:
                if event.anchor not in anchors:
                    raise YamlError(line, Message(f"alias *{event.anchor} refers to no anchor defined before it",
                                                  f"别名 *{event.anchor} 之前没有定义对应的锚点 &{event.anchor}"), here())
                value, size = anchors[event.anchor]
                # The alias stands for a copy of the anchored value: it counts fully towards the budget.
                attach(value, line, size, size)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise YamlError(line, Message(
                        "the file holds more than one YAML document (a second '---'); a content file holds one",
                        "文件里有不止一个 YAML 文档（出现了第二个“---”）；一个内容文件只能有一个"))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(line, yaml_syntax(err.problem or "invalid YAML", err.context), inside()) from None
    except yaml.YAMLError as err:  # reader errors: what decode lets through, if anything
        position = getattr(err, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else 1
        raise YamlError(line, yaml_reader(err), inside()) from None
    if not have_root:
        root = None
    return Document(root, lines)



_Model = TypeVar("_Model", bound=BaseModel)


def load_data_file(path: FilePath, model: type[_Model], reporter: Reporter, name: str,
                   what: Message) -> tuple[_Model, Document] | None:
    """One of a site's own YAML data files (scorecard items, the crosswalk) read into ``model``.

    Problems are reported as ``name:line: key: …`` like a content file's, every one of the
    file's validation errors at once; ``what`` names the file in "cannot read …". None on errors.
    """
    try:
        document = parse_yaml(decode(path.read_bytes()))
    except YamlError as err:
        reporter.error(name, err.line, format_key(err.path), err.message)
        return None
    except OSError as err:
        reporter.error(name, 1, "", Message(f"cannot read the {what.en}: {err.strerror}",
                                            f"无法读取{what.zh}：{os_error_zh(err)}"))
        return None
    try:
        data = model.model_validate(document.data)
    except ValidationError as err:
        for e in err.errors(include_url=False):
            loc = tuple(e["loc"])
            # The English stays pydantic's own, as the command line has always printed it.
            reporter.error(name, document.line_of(loc), format_key(loc),
                           Message(e["msg"], validation_message(e, loc, model).zh))
        return None
    return data, document
