"""Load and validate content: the first two stages of the pipeline.

``load_content`` finds every ``*.yaml`` under the content folder, reads each into the
typed model, and reports every problem of every file (YAML syntax, unknown and duplicate
keys, wrong types, paths that do not match the data, two files for one department-year).
Files with errors are left out of the result; the caller decides whether to go on.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..messages import os_error_zh, validation_message
from .model import SECTIONS, DepartmentYear
from ..problems import Message, Reporter, format_key
from .types import shown, shown_zh
from .yamlload import Document, YamlError, decode, parse_yaml

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
STEM = re.compile(r"(?P<year>[0-9]{4})(?P<juesuan>-juesuan)?\Z")


@dataclass(frozen=True)
class Entry:
    """A valid department-year and where it came from."""

    path: Path  # the file, as given (relative to the working folder where possible)
    rel: tuple[str, ...]  # path parts below the content root, e.g. ('hebei', ..., '2020.yaml')
    model: DepartmentYear
    lines: dict[tuple[str | int, ...], int]

    @property
    def region_slugs(self) -> tuple[str, ...]:
        return self.rel[:-2]

    @property
    def department_slug(self) -> str:
        return self.rel[-2]

    @property
    def stem(self) -> str:
        name = self.rel[-1]  # Path(name).stem, without making a Path: pages ask for it thousands of times
        dot = name.rfind(".")
        return name[:dot] if dot > 0 else name

    def line_of(self, path: tuple[str | int, ...]) -> int:
        return Document(None, self.lines).line_of(path)


def display_path(path: Path) -> str:
    """A path as an author would type it: relative to the working folder when below it.

    The path as given (a symbolic link is named as the link, not as what it points to); through its
    real folder only when that is what puts it below the working folder. A build names each file
    several times (page owners, checks): the usual case is string work and one ``getcwd``, with no
    memo, since the answer depends on the file system (links) and on the working folder.
    """
    here = os.getcwd()  # the working folder's real path: the kernel resolves its links
    full = os.path.abspath(path)
    if full == here:
        return "."
    prefix = here if here.endswith(os.sep) else here + os.sep
    if full.startswith(prefix):
        return full[len(prefix):]
    real = os.path.join(os.path.realpath(os.path.dirname(full)), os.path.basename(full))
    return real[len(prefix):] if real.startswith(prefix) else str(path)


def find_files(root: Path) -> list[Path]:
    """Every content file below ``root`` (or ``root`` itself), in a stable order.

    Every name ending in .yaml or .yml counts, whatever it is: a folder, a dangling link or a
    link in a loop so named is refused by ``read_source`` by name, never skipped. Only Emacs's
    lock files (``.#2020.yaml``, a dangling link while a file is being edited) are not content.
    """
    return [path for _, path in content_files(root)]


def content_files(root: Path) -> list[tuple[tuple[str, ...], Path]]:
    """``find_files``, each file with its path's parts below ``root`` (empty for ``root`` itself), in path
    order (``Path``'s, part by part). What ``root.rglob("*")`` of Python 3.11 sees: folders are entered but
    not through a link, and one that cannot be read (no permission) is skipped. A walk of ``os.scandir``
    on strings, each folder's names sorted (a path comes before what is below it): pathlib's walk and sort
    took a third of a second at 10,000 department-years."""
    if root.is_file() or root.is_symlink():
        return [((), root)]
    found: list[tuple[tuple[str, ...], Path]] = []
    _walk(os.fspath(root), (), found)
    return found


def _walk(folder: str, parts: tuple[str, ...], found: list[tuple[tuple[str, ...], Path]]) -> None:
    """Add each content file below ``folder`` (``parts`` below the root) to ``found``, in path order."""
    try:
        with os.scandir(folder) as listing:
            children = sorted(listing, key=lambda child: child.name)
    except PermissionError:
        return
    for child in children:
        name = child.name
        dot = name.rfind(".")  # PurePath.suffix: from the last dot, but for a name that starts or ends with it
        if 0 < dot < len(name) - 1 and name[dot:] in (".yaml", ".yml") and not name.startswith(".#"):
            found.append(((*parts, name), Path(child.path)))
        try:
            inside = child.is_dir(follow_symlinks=False)
        except OSError:
            inside = False
        if inside:
            _walk(child.path, (*parts, name), found)


def content_root_of(path: Path) -> Path:
    """The ``content`` folder that holds ``path`` (absolute, as given: links not followed), or
    ``path`` itself, or its folder, when there is none."""
    absolute = Path(os.path.abspath(path))
    for parent in (absolute, *absolute.parents):
        if parent.name == "content":
            return parent
    return absolute if absolute.is_dir() else absolute.parent


class Refused(OSError):
    """A name in ``content/`` that is not read as a content file, and why."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message


def resolve_inside(path: Path, base: Path, *, named: str = "", what: tuple[str, str] = ("a content file", "内容文件")) -> str:
    """The real path of ``path``, which must be in the content folder ``base``; nothing is read.

    Raises Refused for a dangling link, a link loop and a file that is (through a link) outside
    ``base``; OSError when there is nothing at all. ``named``: the file's name, where the message
    should give it; ``what``: what the file is, in English and Chinese.
    """
    try:
        real = os.path.realpath(path, strict=True)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise Refused(_LOOP) from None
        if path.is_symlink():
            raise Refused(Message("the file is a symbolic link to a file that does not exist",
                                  "文件是符号链接，指向的文件不存在")) from None
        raise
    root = os.path.realpath(base)  # again for every file: should the folder come to point elsewhere, so do its files
    if not real.startswith(root) or real[len(root):len(root) + 1] not in ("", os.sep):
        where, label = display_path(base), f" {named}" if named else ""
        if path.is_symlink():
            raise Refused(Message(
                f"the file{label} is a symbolic link to {real}, which is outside the content folder {where}; "
                f"{what[0]} must be inside it",
                f"文件{label}是指向 {real} 的符号链接，该文件在内容文件夹 {where} 之外；{what[1]}必须放在内容文件夹里"))
        raise Refused(Message(
            f"the file{label} is reached through a symbolic link, at {real}, outside the content folder {where}; "
            f"{what[0]} must be inside it",
            f"文件{label}经由符号链接位于 {real}，在内容文件夹 {where} 之外；{what[1]}必须放在内容文件夹里"))
    return real


def read_source(path: Path, base: Path) -> bytes:
    """The bytes of the content file ``path`` below the content folder ``base``.

    Raises Refused, before reading anything, for what is not a file of the content folder: a
    folder, a dangling link, a link in a loop, something that is not a regular file, and a
    file that is (through a link) outside ``base`` (``resolve_inside``). Raises OSError when
    reading fails.
    """
    real = resolve_inside(path, base)
    # What was checked, not a link put there since; a pipe does not block the open.
    fd = os.open(real, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise Refused(Message(f"{path.name} is a folder, not a file; a content file is a YAML file named <year>.yaml",
                                  f"{path.name} 是文件夹，不是文件；内容文件是名为 <年度>.yaml 的 YAML 文件"))
        raise Refused(Message("the file is not a regular file (a device, a pipe or a socket?)",
                              "这不是普通文件（是设备、管道或套接字？）"))
    with os.fdopen(fd, "rb") as f:
        return f.read()


_LOOP = Message("the file is a symbolic link that leads round in a loop", "文件是循环指向自身的符号链接")


def load_content(root: Path, reporter: Reporter) -> list[Entry]:
    """Read every content file below ``root``; report all problems; return the valid ones."""
    base = content_root_of(root)
    # A single file outside any content folder is checked for itself, not for its place.
    loose = base.name != "content" and base == Path(os.path.abspath(root)).parent
    entries: list[Entry] = []
    for path in find_files(root):
        entry = load_file(path, base, reporter, loose=loose)
        if entry is not None:
            entries.append(entry)
    check_unique(entries, reporter)
    return entries


def load_file(path: Path, base: Path, reporter: Reporter, *, loose: bool = False,
              data: bytes | None = None) -> Entry | None:
    """Read and validate one file of the content folder ``base``; report its problems; None when
    it has errors. ``data``: its bytes, when the caller has already read them with ``read_source``;
    ``loose``: a file checked on its own, whose place in a content folder is not checked."""
    name = display_path(path)
    try:
        text = decode(read_source(path, base) if data is None else data)
        document = parse_yaml(text)
    except YamlError as err:
        reporter.error(name, err.line, format_key(err.path), err.message)
        return None
    except Refused as err:
        reporter.error(name, 1, "", err.message)
        return None
    except OSError as err:
        reporter.error(name, 1, "", Message(f"cannot read the file: {err.strerror}", f"无法读取文件：{os_error_zh(err)}"))
        return None
    if not isinstance(document.data, dict):
        found = "an empty file" if document.data is None else shown(document.data)
        found_zh = "空文件" if document.data is None else shown_zh(document.data)
        reporter.error(name, 1, "", Message(f"expected a mapping with 元数据 and the seven sections, got {found}",
                                            f"应为含 元数据 和七个部分的“键: 值”映射，实际为{found_zh}"))
        return None
    before = len(reporter.errors)
    try:
        model = DepartmentYear.model_validate(document.data)
    except ValidationError as err:
        report_validation(err, document, name, reporter)
        return None
    rel = Path(os.path.abspath(path)).relative_to(base).parts  # where the file is named, link or not
    entry = Entry(path, rel, model, document.lines)
    check_location(entry, name, reporter, loose)
    check_scope(entry, name, reporter)
    check_source_files(entry, name, reporter)
    return entry if len(reporter.errors) == before else None


def report_validation(err: ValidationError, document: Document, name: str, reporter: Reporter) -> None:
    """Turn pydantic's errors into ``file:line: key.path: expected …, got …``."""
    for item in err.errors(include_url=False):
        loc = tuple(part for part in item["loc"] if not _is_internal(part))
        line = document.line_of(loc)
        reporter.error(name, line, format_key(loc), validation_message(item, loc, DepartmentYear))


def _is_internal(part: Any) -> bool:
    # Validators add names like 'function-after[...]' to loc for some types; authors never wrote those.
    return isinstance(part, str) and ("[" in part and part.endswith("]") or part.startswith("function-"))


def check_location(entry: Entry, name: str, reporter: Reporter, loose: bool = False) -> None:
    """The file's place in ``content/`` must match what it says it is."""
    meta = entry.model.meta
    if entry.path.suffix != ".yaml":
        reporter.error(name, 1, "", Message("content files end in .yaml", "内容文件的扩展名应为 .yaml"))
    for slug in entry.rel[:-1]:
        if not SLUG.match(slug):
            reporter.error(name, 1, "", Message(
                f"folder name '{slug}' is not a URL slug; use lower-case ASCII letters, digits and hyphens, e.g. 'shanhaiguan'",
                f"文件夹名“{slug}”不能用作网址；请只用小写英文字母、数字和连字符，例如“shanhaiguan”"))
    stem = STEM.match(entry.stem)
    if not stem:
        reporter.error(name, 1, "", Message(
            f"file name '{entry.rel[-1]}' should be <year>.yaml for a 预算 or <year>-juesuan.yaml for a 决算",
            f"文件名“{entry.rel[-1]}”应为 <年度>.yaml（预算）或 <年度>-juesuan.yaml（决算）"))
        return
    if int(stem["year"]) != meta.year:
        reporter.error(name, entry.line_of(("元数据", "年度")), "元数据.年度",
                       Message(f"the file is named for {stem['year']} but says {meta.year}",
                               f"文件名是 {stem['year']} 年，文件里写的年度却是 {meta.year}"))
    kind = "决算" if stem["juesuan"] else "预算"
    if kind != meta.kind:
        expected = f"{meta.year}-juesuan.yaml" if meta.kind == "决算" else f"{meta.year}.yaml"
        reporter.error(name, entry.line_of(("元数据", "类型")), "元数据.类型",
                       Message(f"the file name says {kind} but 类型 is {meta.kind}; name the file {expected}",
                               f"文件名表示{kind}，类型却是{meta.kind}；请把文件命名为 {expected}"))
    levels = len(meta.region.names)
    if loose and len(entry.rel) == 1:
        return
    if len(entry.rel) < 2 or len(entry.region_slugs) != levels:
        region = meta.region
        present = [v is not None for v in (region.province, region.city, region.county)]
        shape = [s for s, p in zip(("<province>", "<city>", "<county>"), present) if p]
        shape_zh = [s for s, p in zip(("<省>", "<市>", "<县>"), present) if p]
        depth = len(entry.region_slugs)
        found = ("it is not in a department folder", "现在文件不在部门文件夹里") if len(entry.rel) < 2 else (
            f"it is {depth} folder(s) deep", f"现在部门文件夹之上有 {depth} 层地区文件夹")
        reporter.error(name, entry.line_of(("元数据", "地区")), "元数据.地区", Message(
            f"地区 has {levels} level(s) ({' / '.join(meta.region.names)}), so the file belongs at "
            f"content/{'/'.join(shape)}/<department>/{entry.rel[-1]}; {found[0]}",
            f"地区有 {levels} 级（{' / '.join(meta.region.names)}），所以文件应放在 "
            f"content/{'/'.join(shape_zh)}/<部门>/{entry.rel[-1]}；{found[1]}"))


def check_scope(entry: Entry, name: str, reporter: Reporter) -> None:
    """A section 未收录 needs ``元数据.收录范围``: what the collected documents do cover."""
    doc = entry.model
    if doc.meta.scope is not None:
        return
    missing = [key for attr, key, _ in SECTIONS if getattr(doc, attr).status == "未收录"]
    if missing:
        reporter.error(name, entry.line_of(("元数据",)), "元数据.收录范围", Message(
            f"{', '.join(missing)} marked 未收录, so 收录范围 must say what the collected documents cover",
            f"{'、'.join(missing)} 标为 未收录，须在 收录范围 中写明本站收录的文件涵盖哪些内容（如 部门预算绩效文本）"))


SOURCE_FILE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*\.pdf")


def check_source_files(entry: Entry, name: str, reporter: Reporter) -> None:
    """Each 来源.文件 names a PDF beside the YAML file: a plain ASCII name (it becomes part of a URL) that exists."""
    for i, source in enumerate(entry.model.meta.sources):
        if source.file is None:
            continue
        key = ("元数据", "来源", i, "文件")
        if not SOURCE_FILE.fullmatch(source.file):
            reporter.error(name, entry.line_of(key), format_key(key), Message(
                f"expected the name of a PDF file in the same folder (letters, digits, '.', '-', '_'; ending in .pdf), "
                f"got {source.file!r}",
                f"应为同一文件夹中 PDF 文件的文件名（字母、数字、.、-、_，以 .pdf 结尾），实际为“{source.file}”"))
            continue
        try:  # a link out of content/ would publish what it points to: refused, unread
            real = resolve_inside(entry.path.parent / source.file, entry_base(entry), named=source.file,
                                  what=("a source document", "来源文件"))
        except Refused as err:
            reporter.error(name, entry.line_of(key), format_key(key), err.message)
            continue
        except OSError:
            real = ""
        if not real or not os.path.isfile(real):
            reporter.error(name, entry.line_of(key), format_key(key), Message(
                f"expected a file {source.file} beside {entry.path.name}, found none",
                f"应有文件 {source.file} 与 {entry.path.name} 在同一文件夹，未找到"))


def entry_base(entry: Entry) -> Path:
    """The content folder ``entry`` was loaded from."""
    return Path(os.path.abspath(entry.path)).parents[len(entry.rel) - 1]


def check_unique(entries: list[Entry], reporter: Reporter) -> None:
    """Two files may not claim the same department, year and kind; one region folder names one region.

    The files in error are removed from ``entries``.
    """
    check_regions(entries, reporter)
    seen: dict[tuple[Any, ...], Entry] = {}
    for entry in list(entries):
        meta = entry.model.meta
        key = (meta.region.names, meta.department, meta.year, meta.kind)
        first = seen.get(key)
        if first is None:
            seen[key] = entry
            continue
        reporter.error(display_path(entry.path), entry.line_of(("元数据", "部门")), "元数据", Message(
            f"{meta.department} {meta.year} {meta.kind} is already in {display_path(first.path)}; "
            "a department-year has one file",
            f"{meta.department} {meta.year} 年{meta.kind}已在 {display_path(first.path)} 中；"
            "一个部门每年的预算（或决算）只能有一个文件"))
        entries.remove(entry)


_LEVELS = ("省", "市", "县")


def check_regions(entries: list[Entry], reporter: Reporter) -> None:
    """Every file below one region folder gives that level of 地区 the same name."""
    named: dict[tuple[str, ...], tuple[str, Entry]] = {}
    for entry in sorted(entries, key=lambda e: e.rel):
        region = entry.model.meta.region
        levels = [(key, name) for key, name in zip(_LEVELS, (region.province, region.city, region.county))
                  if name is not None]
        for slug_count, (level, name) in enumerate(levels, 1):
            folder = entry.rel[:slug_count]
            first = named.setdefault(folder, (name, entry))
            if first[0] == name:
                continue
            where = display_path(entry.path.parents[len(entry.rel) - 1 - slug_count])
            key = ("元数据", "地区", level)
            reporter.error(display_path(entry.path), entry.line_of(key), format_key(key), Message(
                f"the folder {where} is {first[0]} in {display_path(first[1].path)}, but this file says {name}; "
                "one folder is one region",
                f"文件夹 {where} 在 {display_path(first[1].path)} 中是{first[0]}，本文件却写{name}；一个文件夹只对应一个地区"))
            entries.remove(entry)
            break
