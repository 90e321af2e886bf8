"""The problems whose wording comes from a library, in English and in Chinese.

Our own problems are worded in both languages where they are found (``problems.Message``).
Some are not ours to word: pydantic says what a value is not, libyaml and TOML say where a
file stops parsing, the OS says why a file cannot be read. Their Chinese is here, made
from what the library hands over (an error's type and parameters, a parser's fixed
problem text), never by rewording our own English after the fact. What has no
translation here keeps the library's text after a Chinese lead-in, so that nothing is lost.
"""

from __future__ import annotations

import difflib
import errno
import re
from typing import Any

from pydantic import BaseModel

from .problems import Message
from .content.types import shown, shown_zh

# ---------------------------------------------------------------------------------------
# Validation: one pydantic error item, as ``file:line: key: message``


def validation_message(item: dict[str, Any], loc: tuple[Any, ...], model: type[BaseModel]) -> Message:
    """A pydantic error item of ``model``'s data at ``loc`` in both languages ("expected …, got …")."""
    kind = item["type"]
    found = item.get("input")
    ctx = item.get("ctx") or {}
    got, got_zh = shown(found), shown_zh(found)
    if kind == "extra_forbidden":
        return _unknown_key(loc, model)
    if kind == "missing":
        return Message("required key is missing", "缺少必填的键")
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        choices = re.findall(r"'([^']*)'", expected)
        choices_zh = "、".join(f"“{c}”" for c in choices) if choices else expected
        return Message(f"expected one of {expected.replace(' or ', ', ')}, got {got}",
                       f"应为{choices_zh}之一，实际为{got_zh}")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return Message(f"expected a mapping of keys, got {got}", f"应为一组“键: 值”（映射），实际为{got_zh}")
    if kind == "list_type":
        return Message(f"expected a list (items starting with '- '), got {got}",
                       f"应为列表（每项以“- ”开头），实际为{got_zh}")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return Message(f"expected a whole number, got {got}", f"应为整数，实际为{got_zh}")
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return Message(f"expected a date as YYYY-MM-DD, got {got}", f"应为 YYYY-MM-DD 格式的日期，实际为{got_zh}")
    if kind in ("greater_than_equal", "less_than_equal"):
        if "ge" in ctx:
            return Message(f"expected a number of at least {ctx['ge']}, got {got}",
                           f"应为不小于 {ctx['ge']} 的数，实际为{got_zh}")
        return Message(f"expected a number of at most {ctx['le']}, got {got}", f"应为不大于 {ctx['le']} 的数，实际为{got_zh}")
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return Message(f"expected at least {least} item(s), got none", f"至少应有 {least} 项，实际一项也没有")
    if kind == "string_too_long":
        most = ctx.get("max_length")
        return Message(f"expected at most {most} characters", f"最多 {most} 个字符")
    if kind == "string_type":
        return Message(f"expected text, got {got}", f"应为文本，实际为{got_zh}")
    # Our own errors (types.validation_error) carry their Chinese; they already read "expected …, got …".
    message = str(item["msg"]).removeprefix("Value error, ")
    return Message(message, str(ctx["zh"]) if "zh" in ctx else f"数据不符合要求（{message}）")


def _unknown_key(loc: tuple[Any, ...], root: type[BaseModel]) -> Message:
    key = loc[-1]
    model = _model_at(root, loc[:-1])
    if model is None:
        return Message(f"unknown key '{key}'", f"未知的键“{key}”")
    known = [info.alias or name for name, info in model.model_fields.items()]
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    hint_zh = f"；是不是想写“{close[0]}”？" if close else "。"
    return Message(f"unknown key '{key}'{hint} expected one of: {', '.join(known)}",
                   f"未知的键“{key}”{hint_zh}可用的键：{'、'.join(known)}")


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that holds the mapping at ``loc`` (for listing its keys)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    """The model type inside ``X | None`` or ``list[X]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


# ---------------------------------------------------------------------------------------
# YAML: libyaml's problem and context texts (a fixed set, in its scanner and parser)

_YAML_PROBLEMS = {
    "did not find expected ',' or ']'": "缺少“,”或“]”",
    "did not find expected ',' or '}'": "缺少“,”或“}”",
    "found unexpected end of stream": "文件在这里意外结束（引号或括号没有闭合？）",
    "did not find expected key": "找不到应有的键（常见原因：缩进不一致）",
    "mapping values are not allowed in this context": "这里不能出现“键: 值”（常见原因：值里含有“: ”却没有加引号，或缩进有误）",
    "did not find expected '-' indicator": "找不到应有的列表项标记“-”（常见原因：缩进不一致）",
    "found unknown escape character": "有未知的转义字符（双引号内的反斜杠 \\）",
    "found character that cannot start any token": "有不能出现在这里的字符（例如制表符 Tab、@ 或 `）",
    "did not find expected alphabetic or numeric character": "缺少应有的字母或数字",
    "did not find the expected '>'": "缺少“>”",
    "found an indentation indicator equal to 0": "缩进指示符不能为 0",
    "did not find expected <document start>": "缺少文档开始标记“---”",
    "could not find expected ':'": "缺少冒号“:”",
    "found a tab character that violates indentation": "缩进里有制表符（Tab）；请用空格缩进",
    "found a tab character where an indentation space is expected": "这里应以空格缩进，却是制表符（Tab）",
    "did not find expected node content": "缺少应有的值",
    "block sequence entries are not allowed in this context": "这里不能出现列表项“- ”",
    "found unexpected ':'": "有多余的“:”",
    "found unexpected document indicator": "有意外的文档标记（“---”或“...”）",
    "did not find expected whitespace or line break": "这里应为空格或换行",
    "did not find expected comment or line break": "这里应为注释或换行",
    "did not find expected whitespace": "这里应为空格",
    "found invalid Unicode character escape code": "有无效的 Unicode 转义",
    "found undefined alias": "用了未定义的别名",
    "found undefined tag handle": "用了未定义的标签前缀",
    "found duplicate %YAML directive": "%YAML 指令重复",
    "found duplicate %TAG directive": "%TAG 指令重复",
    "found incompatible YAML document": "YAML 版本不兼容",
    "found unknown directive name": "有未知的 % 指令",
    "expected a single document in the stream": "文件里只能有一个 YAML 文档",
    "control characters are not allowed": "含有不允许的控制字符",
    "invalid leading UTF-8 octet": "含有无效的 UTF-8 字节",
    "invalid trailing UTF-8 octet": "含有无效的 UTF-8 字节",
    "incomplete UTF-8 octet sequence": "含有不完整的 UTF-8 字节序列",
    "invalid Unicode character": "含有无效的 Unicode 字符",
}
_YAML_CONTEXTS = {
    "while parsing a flow sequence": "方括号列表 [ ] 中",
    "while parsing a flow mapping": "花括号 { } 中",
    "while scanning a quoted scalar": "带引号的文本中",
    "while parsing a quoted scalar": "带引号的文本中",
    "while parsing a block mapping": "“键: 值”中",
    "while parsing a block collection": "“- ”列表中",
    "while scanning for the next token": "",
    "while scanning an alias": "别名 * 中",
    "while scanning an anchor": "锚点 & 中",
    "while scanning a tag": "标签 ! 中",
    "while parsing a tag": "标签 ! 中",
    "while scanning a block scalar": "多行文本（| 或 >）中",
    "while scanning a simple key": "键中",
    "while scanning a plain scalar": "",
    "while parsing a block node": "",
    "while parsing a flow node": "",
    "while parsing a node": "",
}


def yaml_syntax(problem: str, context: str | None) -> Message:
    """A YAML syntax error from libyaml's ``problem`` and ``context`` texts."""
    en = f"YAML syntax error: {problem}{f' {context}' if context else ''}"
    problem_zh = _YAML_PROBLEMS.get(problem)
    if problem_zh is None:  # a parser other than libyaml, or a text added since: keep it
        return Message(en, f"YAML 语法错误（{problem}{f' {context}' if context else ''}）")
    where = _YAML_CONTEXTS.get(context or "", f"（{context}）" if context else "")
    return Message(en, f"YAML 语法错误：{where}{problem_zh}")


def yaml_reader(err: Exception) -> Message:
    """An error of YAML's reader (a character that may not be in a YAML file)."""
    reason = getattr(err, "reason", None)
    character = getattr(err, "character", None)
    detail = _YAML_PROBLEMS.get(reason or "")
    if detail is None:
        return Message(f"YAML error: {err}", f"YAML 错误（{err}）")
    if isinstance(character, int):
        detail += f"（字符 #x{character:04x}，位于第 {getattr(err, 'position', 0) + 1} 个字符）"
    return Message(f"YAML error: {err}", f"YAML 错误：文件{detail}")


# ---------------------------------------------------------------------------------------
# TOML (site.toml): tomllib's fixed problem texts, and where

_TOML_PROBLEMS = {
    "Invalid statement": "无效的语句",
    "Invalid value": "无效的值",
    "Expected '=' after a key in a key/value pair": "键后面缺少“=”",
    "Expected ']' at the end of a table declaration": "表头末尾缺少“]”",
    "Expected ']]' at the end of an array declaration": "表数组头末尾缺少“]]”",
    "Invalid initial character for a key part": "键的第一个字符无效（键含中文或空格时请加双引号）",
    "Unterminated string": "字符串没有结束（缺少引号）",
    "Unclosed array": "数组没有闭合（缺少“]”）",
    "Unclosed inline table": "内联表没有闭合（缺少“}”）",
    "Cannot overwrite a value": "不能覆盖已有的值（键重复？）",
    "Invalid date or datetime": "无效的日期或时间",
    "Invalid hex value": "无效的十六进制值",
    "Unescaped '\\' in a string": "字符串里有未转义的“\\”",
    "Escaped character is not a Unicode scalar value": "转义字符不是有效的 Unicode 字符",
}
_TOML_WHERE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\Z")


def toml_error(err: Exception) -> Message:
    """``site.toml`` is not valid TOML."""
    text = str(err)
    where = _TOML_WHERE.search(text)
    problem = text[: where.start()] if where else text
    if where and where[1]:
        place = f"（第 {where[1]} 行第 {where[2]} 列）"
    else:
        place = "（在文件末尾）" if where else ""
    return Message(f"not valid TOML: {err}", f"不是有效的 TOML：{_toml_problem_zh(problem)}{place}")


def _toml_problem_zh(problem: str) -> str:
    if problem in _TOML_PROBLEMS:
        return _TOML_PROBLEMS[problem]
    for lead in ("Illegal character ", "Found invalid character "):
        if problem.startswith(lead):
            character = problem.removeprefix(lead)
            return "字符串里有换行（引号没有闭合？）" if character == repr("\n") else f"有不允许的字符 {character}"
    return f"解析出错（{problem}）"


# ---------------------------------------------------------------------------------------
# The OS: why a file cannot be read or written

_ERRNO = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许此操作",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "文件系统是只读的",
    errno.EEXIST: "文件已存在",
    errno.EIO: "读写出错（磁盘故障？）",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EMFILE: "打开的文件太多",
    errno.EDQUOT: "超出磁盘配额",
}


def os_error_zh(err: OSError) -> str:
    """Why an OS call failed, in Chinese, naming the file; the OS's own text where it is not known here."""
    own = getattr(err, "message", None)
    if isinstance(own, Message):
        return own.zh
    reason = _ERRNO.get(err.errno) if err.errno is not None else None
    if reason is None:
        return f"系统错误（{err.strerror or err}）"
    return f"{reason}：{err.filename}" if err.filename else reason


# ---------------------------------------------------------------------------------------
# What a page is for (routes.Route.owner), as an error names it

_OWNERS = {"the home page": "首页", "the glossary": "名词解释页", "the about page": "关于数据页",
           "the scorecard": "公开完整度页", "the 404 page": "404 页面", "the search page": "搜索页"}
_REGION_PAGE = "the region page of "


def owner_zh(owner: str) -> str:
    """A page's owner as a Chinese message names it: a site page by its name, a content file as is."""
    if owner in _OWNERS:
        return _OWNERS[owner]
    if owner.startswith(_REGION_PAGE):
        return f"地区页 {owner.removeprefix(_REGION_PAGE)}"
    return owner
