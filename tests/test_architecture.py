"""The layout rules of issue 17, read from the source (``ast``; no module of the package is imported).

- No import cycle, module to module. Every import counts: module level, inside a function, and under
  ``if TYPE_CHECKING:``. A function-level import is how a runtime cycle is usually hidden ("views imports
  this module"), and a cycle of type-only imports still means two modules that can only be read and changed
  together (incremental ↔ quickpath was such a pair). A cycle is printed with the file and line of each import.
- Layering, by folder, along the pipeline: content ← derive ← site ← search ← build ← serve. A module may
  import modules of its own folder and of the folders to its left, plus the shared top-level modules
  (problems.py, messages.py, config.py, __init__.py). The shared modules may import one another and content/
  (messages formats content values, config names content paths); problems.py imports nothing. importer/ (PDF
  in, content draft out) may import shared, content, derive, site and search, never build or serve; only
  cli.py imports importer/. cli.py and __main__.py, the entry points, may import anything. Type-only
  imports count here too: knowing a later stage's types is still depending on it. And build/validate.py
  is the pipeline stopped before render (``zola check``): it imports nothing from site/ or search/.
- No module over 500 lines.
- No module-level mutable state. A module-level name binds a constant: a literal, a tuple, frozenset,
  compiled regex, Decimal, Path, type alias, TypeVar, an instance of a frozen dataclass / NamedTuple
  defined in the package, a function or a class. A dict, list or set literal is accepted as a constant
  table only when nothing in the package writes to it (item assignment, ``del``, ``+=``, a mutating method,
  by its name or through its module). No ``global`` statement; no assignment to another module's name;
  no mutable literal in a class body (except pydantic's ``model_config``); no statement at module level
  other than imports, definitions and ``if TYPE_CHECKING``/``__main__``/``try: import`` blocks.
  ``functools.cache``/``lru_cache`` only on the REVIEWED list below, each with its reason: a pure function
  of immutable arguments that reads no file and no clock. (A hand-written memo dict is the same thing, and
  is better written as such a function.)

Issue 17's offenders were allow-listed here, each with the developer fixing it, and all were fixed on
2026-12-06: the rules now hold without exception. A REVIEWED entry that is no longer needed fails the test.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "site_builder"
MAX_LINES = 500

# Folders in pipeline order: a folder may import those before it (and the shared modules).
PIPELINE = ("content", "derive", "site", "search", "build", "serve")
SHARED = ("__init__", "problems", "messages", "config")
ENTRY = ("cli", "__main__")
IMPORTER_MAY = frozenset({"content", "derive", "site", "search", "importer", "shared"})
NOT_FROM = {"build.validate": ("site", "search")}  # a module's own stricter limit: (folders it may not import)

# ---- Reviewed exceptions ------------------------------------------------------------------------------

# (module, name or "cache NAME") → why it is no state a build writes.
REVIEWED: dict[tuple[str, str], str] = {
    ("site/fmt.py", "cache _money"): "a pure function of two strings: a Decimal's text and a unit",
    ("site/html.py", "cache _amount_html"): "a pure function of two strings: an amount's plain digits and a unit",
    ("site/downloads.py", "cache schema_bytes"): "no argument: the schema generated from the model's classes",
    ("search/segment.py", "cache _bounds"): "a pure function of a tag's name: the regex of its opening and closing tags",
    ("search/segment.py", "cache _run"): "a pure function of a run of tags and a flag: what segment_html writes there "
                                         "and how it leaves the walk's state",
    ("search/segment.py", "cache _tag"): "a pure function of a tag's text: what segment_html does at it, the tag without "
                                         "its unread attributes",
    ("search/segment.py", "cache _text"): "a pure function of a text part and two flags: how segment_html writes it",
    ("derive/opendata.py", "cache _fields"): "a pure function of a model class: its fields, as the class defines them",
    ("derive/opendata.py", "cache _label_fields"): "a pure function of a model class: which naming fields it has",
    ("build/stored.py", "cache _small"): "a pure function of a model class and plain values: the frozen model of them",
    ("build/stored.py", "cache _mark"): "a pure function of plain values: the frozen scorecard mark of them",
    ("build/stored.py", "cache _marked"): "a pure function of bytes: the frozen scorecard mark they describe",
    ("build/writer.py", "_renameat2"): "libc's renameat2 (or None), looked up once at import and never rebound",
}

# ---- Reading the package ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Module:
    name: str  # dotted, without "site_builder.": "build.engine"; a package by its folder ("build"); the root "__init__"
    path: Path
    tree: ast.Module
    root: Path = PACKAGE

    @property
    def rel(self) -> str:
        return self.path.relative_to(self.root).as_posix()

    @property
    def folder(self) -> str:
        """"content" … "serve", "importer", "shared" or "entry"."""
        first = self.name.split(".")[0]
        if first in SHARED:
            return "shared"
        if first in ENTRY:
            return "entry"
        return first


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    type_only: bool


def read_modules(root: Path = PACKAGE) -> dict[str, Module]:
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts.pop()
        name = ".".join(parts)
        modules[name] = Module(name, path, ast.parse(path.read_text(encoding="utf-8"), str(path)), root)
    return modules


def _is_type_checking(node: ast.If) -> bool:
    return ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def _imports(node: ast.AST, type_only: bool = False) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, type_only
        elif isinstance(child, ast.If) and _is_type_checking(child):
            for part in child.body:
                yield from _imports(ast.Module([part], []), True)
            for part in child.orelse:
                yield from _imports(ast.Module([part], []), type_only)
        else:
            yield from _imports(child, type_only)


def resolve(module: Module, node: ast.Import | ast.ImportFrom, modules: dict[str, Module]) -> list[tuple[str, str, bool]]:
    """(local name, module of the package it comes from, whether the name is that module itself) per name
    imported from the package by ``node``; nothing for imports from outside the package."""
    out = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            parts = alias.name.split(".")
            if parts[0] == "site_builder" and (name := ".".join(parts[1:]) or "__init__") in modules:
                out.append((alias.asname or parts[0], name, True))
        return out
    package = module.name.split(".") if module.path.name == "__init__.py" and module.name != "__init__" else \
        module.name.split(".")[:-1]
    if node.level:
        base = package[:len(package) - (node.level - 1)]
    elif (node.module or "").split(".")[0] == "site_builder":
        base = []
    else:
        return out
    target = base + [p for p in (node.module or "").split(".") if p and p != "site_builder"]
    for alias in node.names:
        if (name := ".".join(target + [alias.name])) in modules:
            out.append((alias.asname or alias.name, name, True))
        elif (name := ".".join(target) or "__init__") in modules:
            out.append((alias.asname or alias.name, name, False))
    return out


def edges_of(module: Module, modules: dict[str, Module]) -> list[Edge]:
    found: list[Edge] = []
    for node, type_only in _imports(module.tree):
        for _local, target, _is_module in resolve(module, node, modules):
            edge = Edge(module.name, target, node.lineno, type_only)
            if target != module.name and edge not in found:
                found.append(edge)
    return found


def import_graph(modules: dict[str, Module]) -> dict[str, list[Edge]]:
    return {name: edges_of(module, modules) for name, module in modules.items()}


def find_cycle(graph: dict[str, list[Edge]], skip: set[tuple[str, str]] = frozenset()) -> list[Edge] | None:
    """One import cycle as its edges, or None (depth-first search, in a fixed order)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[Edge] = []

    def visit(name: str) -> list[Edge] | None:
        state[name] = 1
        for edge in graph.get(name, ()):
            if (edge.source, edge.target) in skip:
                continue
            if state.get(edge.target) == 1:
                start = next((i for i, e in enumerate(path) if e.source == edge.target), len(path))
                return path[start:] + [edge]
            if edge.target not in state:
                path.append(edge)
                if (cycle := visit(edge.target)) is not None:
                    return cycle
                path.pop()
        state[name] = 2
        return None

    for name in sorted(graph):
        if name not in state and (cycle := visit(name)) is not None:
            return cycle
    return None


def layer_breach(source: Module, target: Module) -> bool:
    a, b = source.folder, target.folder
    if a == "entry" or a == b:
        return False
    if b == "importer" or b == "entry":
        return True
    if a == "shared":
        return b != "content"
    if a == "importer":
        return b not in IMPORTER_MAY
    if b == "shared":
        return False
    return PIPELINE.index(b) > PIPELINE.index(a) or b in NOT_FROM.get(source.name, ())


def show(edges: list[Edge], modules: dict[str, Module]) -> str:
    return "\n".join(f"  {modules[e.source].rel}:{e.line} imports {e.target}{' (type only)' if e.type_only else ''}"
                     for e in edges)


# ---- Module-level state -------------------------------------------------------------------------------

IMMUTABLE_CALLS = frozenset({"frozenset", "tuple", "bytes", "str", "int", "bool", "type", "object", "Decimal", "Path",
                             "PurePosixPath", "re.compile", "TypeVar", "NewType", "MappingProxyType",
                             "types.MappingProxyType", "logging.getLogger"})
STR_METHODS = frozenset({"encode", "decode", "join", "format", "strip", "upper", "lower", "with_name", "with_suffix"})
MUTATORS = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "pop", "popitem", "clear",
                      "remove", "discard", "sort", "reverse", "__setitem__", "__delitem__", "move_to_end"})
CONTAINERS = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
IMMUTABLE_RETURNS = ("str", "bytes", "int", "bool", "tuple", "frozenset", "re.Pattern", "Path", "Decimal")


def frozen_classes(modules: dict[str, Module]) -> set[str]:
    """Names of the package's classes whose instances cannot change: frozen dataclasses, NamedTuples, enums."""
    names = set()
    for module in modules.values():
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.ClassDef):
                continue
            decorators = [ast.unparse(d) for d in node.decorator_list]
            bases = [ast.unparse(b) for b in node.bases]
            if any("frozen=True" in d for d in decorators) or any(b in ("NamedTuple", "Enum", "StrEnum") for b in bases):
                names.add(node.name)
    return names


def is_constant(value: ast.expr, module: Module, frozen: set[str]) -> bool:
    if isinstance(value, (ast.Constant, ast.JoinedStr, ast.Name, ast.Attribute, ast.Lambda, ast.Subscript)):
        return True  # a name or attribute is checked where it is bound; a subscript here is a type alias
    if isinstance(value, (ast.Tuple,)):
        return all(is_constant(v, module, frozen) for v in value.elts)
    if isinstance(value, ast.BinOp):
        return is_constant(value.left, module, frozen) and is_constant(value.right, module, frozen)
    if isinstance(value, ast.UnaryOp):
        return is_constant(value.operand, module, frozen)
    if isinstance(value, CONTAINERS):
        return True  # a table: accepted when nothing writes to it (test_no_module_level_state)
    if isinstance(value, ast.Call):
        func = ast.unparse(value.func)
        if func in IMMUTABLE_CALLS or func.split(".")[-1] in frozen:
            return True
        if isinstance(value.func, ast.Attribute) and value.func.attr in STR_METHODS:
            return True
        if isinstance(value.func, ast.Name):  # a function of this module whose result cannot change
            for node in module.tree.body:
                if isinstance(node, ast.FunctionDef) and node.name == value.func.id and node.returns is not None:
                    return ast.unparse(node.returns).split("[")[0] in IMMUTABLE_RETURNS
    return False


def _module_statement_ok(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return True  # a docstring
    if isinstance(node, ast.If):
        return _is_type_checking(node) or ast.unparse(node.test) == "__name__ == '__main__'"
    if isinstance(node, ast.Try):
        return all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in node.body) and \
            all(isinstance(s, (ast.Import, ast.ImportFrom, ast.Pass)) for h in node.handlers for s in h.body)
    return False


def state_findings(modules: dict[str, Module]) -> dict[tuple[str, str], str]:
    """(module file, what) → where and why, for every breach of the module-level state rule."""
    frozen = frozen_classes(modules)
    found: dict[tuple[str, str], str] = {}
    tables: dict[tuple[str, str], int] = {}  # (module name, name) → line, for the dict/list/set literals
    for module in modules.values():
        for node in module.tree.body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
                if isinstance(node.value, CONTAINERS):
                    tables.update({(module.name, n): node.lineno for n in names})
                elif not is_constant(node.value, module, frozen):
                    for n in names:
                        found[(module.rel, n)] = f"{module.rel}:{node.lineno}: {n} = {ast.unparse(node.value)[:60]}"
            elif not _module_statement_ok(node) and module.folder != "entry":
                found[(module.rel, f"line {node.lineno}")] = f"{module.rel}:{node.lineno}: {ast.unparse(node)[:60]}"
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Global):
                for n in node.names:
                    found[(module.rel, f"global {n}")] = f"{module.rel}:{node.lineno}: global {n}"
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for d in node.decorator_list:
                    text = ast.unparse(d)
                    if text.split("(")[0].split(".")[-1] in ("cache", "lru_cache"):
                        found[(module.rel, f"cache {node.name}")] = f"{module.rel}:{node.lineno}: @{text} {node.name}"
            elif isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, CONTAINERS):
                        what = ast.unparse(stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target)
                        if what != "model_config":
                            found[(module.rel, f"{node.name}.{what}")] = f"{module.rel}:{stmt.lineno}: class attribute"
    for module in modules.values():
        for line, kind, owner, name in writes(module, modules):
            if kind == "module":
                found[(module.rel, f"sets {owner}.{name}")] = f"{module.rel}:{line}: sets {owner}.{name}"
            elif (owner, name) in tables:
                rel = modules[owner].rel
                found[(rel, name)] = f"{module.rel}:{line}: writes to {rel}'s table {name}"
    return found


def writes(module: Module, modules: dict[str, Module]) -> Iterator[tuple[int, str, str, str]]:
    """(line, "table" or "module", module written to, name) for each write to a module-level name."""
    aliases: dict[str, tuple[str, str]] = {}  # local name → (module, name) for `from x import NAME`
    module_aliases: dict[str, str] = {}  # local name → module, for `from . import x` / `import x as y`
    for node, _ in _imports(module.tree):
        for local, target, is_module in resolve(module, node, modules):
            if is_module:
                module_aliases[local] = target
            else:
                aliases[local] = (target, local if isinstance(node, ast.Import) else
                                  next(a.name for a in node.names if (a.asname or a.name) == local))
    for node in module.tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for n in (n for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)):
                aliases[n.id] = (module.name, n.id)

    def owner_of(expr: ast.expr) -> tuple[str, str] | None:
        if isinstance(expr, ast.Name) and expr.id in aliases:
            return aliases[expr.id]
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id in module_aliases:
            return module_aliases[expr.value.id], expr.attr
        return None

    for node in ast.walk(module.tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for target in targets:
            if isinstance(target, ast.Subscript) and (owner := owner_of(target.value)):
                yield node.lineno, "table", *owner
            elif isinstance(node, ast.AugAssign) and (owner := owner_of(target)):
                yield node.lineno, "table", *owner
            elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                    and target.value.id in module_aliases:
                yield node.lineno, "module", module_aliases[target.value.id], target.attr
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS \
                and (owner := owner_of(node.func.value)):
            yield node.lineno, "table", *owner


# ---- The tests ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def modules() -> dict[str, Module]:
    return read_modules()


@pytest.fixture(scope="module")
def graph(modules: dict[str, Module]) -> dict[str, list[Edge]]:
    return import_graph(modules)


def all_cycles(graph: dict[str, list[Edge]], skip: set[tuple[str, str]] = frozenset()) -> list[list[Edge]]:
    """Every cycle ``find_cycle`` finds, each set aside (its last import skipped) to look for the next."""
    cycles, skip = [], set(skip)
    while (cycle := find_cycle(graph, skip)) is not None:
        cycles.append(cycle)
        skip.add((cycle[-1].source, cycle[-1].target))
    return cycles


def test_no_import_cycle(modules: dict[str, Module], graph: dict[str, list[Edge]]) -> None:
    cycles = all_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n  --\n".join(show(cycle, modules) for cycle in cycles)


def test_layering(modules: dict[str, Module], graph: dict[str, list[Edge]]) -> None:
    breaches = [e for edges in graph.values() for e in edges if layer_breach(modules[e.source], modules[e.target])]
    assert not breaches, "imports against the pipeline's order (content ← derive ← site ← search ← build ← serve):\n" \
        + show(breaches, modules)


def test_no_long_module(modules: dict[str, Module]) -> None:
    lengths = {m.rel: len(m.path.read_text(encoding="utf-8").splitlines()) for m in modules.values()}
    long = sorted(f"{rel}: {n} lines" for rel, n in lengths.items() if n > MAX_LINES)
    assert not long, f"modules over {MAX_LINES} lines: " + ", ".join(long)


@pytest.fixture(scope="module")
def findings(modules: dict[str, Module]) -> dict[tuple[str, str], str]:
    return state_findings(modules)


def test_no_module_level_state(findings: dict[tuple[str, str], str]) -> None:
    found = findings
    new = sorted(where for key, where in found.items() if key not in REVIEWED)
    assert not new, "module-level state (see this file's docstring):\n  " + "\n  ".join(new)


def test_reviewed_list_only_shrinks(findings: dict[tuple[str, str], str]) -> None:
    stale = [f"{rel}: {what}" for rel, what in REVIEWED if (rel, what) not in findings]
    assert not stale, "gone: delete from REVIEWED: " + ", ".join(stale)


MINI = {  # a package that breaks each rule once, in each way the reader must see
    "__init__.py": "",
    "problems.py": "",
    "content/__init__.py": "",
    "content/a.py": "X = 1\n\n\ndef f():\n    from ..site import b  # in a function\n",
    "site/__init__.py": "",
    "site/b.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from ..content.a import X\n",
    "derive/__init__.py": "",
    "derive/c.py": ("import functools\nimport re\n\nfrom .. import problems\n\nTABLE = {'a': 1}\nPATTERN = re.compile('x')\n"
                    "_MEMO = {}\n_N = 0\nSEEN = set()\n\n\ndef f(k):\n    global _N\n    _MEMO[k] = 1\n"
                    "    problems.Y = 2\n\n\n@functools.lru_cache\ndef h(x):\n    return x\n"),
    "build/__init__.py": "",
    "build/d.py": "import site_builder.content.a\nfrom site_builder.derive import c\n\nc.SEEN.add(1)\n",
}


def test_the_rules_see_what_they_forbid(tmp_path: Path) -> None:
    """The checks on a small package of known faults: so that a reader that sees nothing cannot pass."""
    root = tmp_path / "site_builder"
    for rel, text in MINI.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    modules = read_modules(root)
    graph = import_graph(modules)
    assert {(e.source, e.target, e.line, e.type_only) for edges in graph.values() for e in edges} == {
        ("content.a", "site.b", 5, False), ("site.b", "content.a", 4, True), ("derive.c", "problems", 4, False),
        ("build.d", "content.a", 1, False), ("build.d", "derive.c", 2, False)}
    assert [(e.source, e.target) for e in find_cycle(graph) or []] == [("content.a", "site.b"), ("site.b", "content.a")]
    assert find_cycle(graph, {("site.b", "content.a")}) is None
    assert [(e.source, e.target) for edges in graph.values() for e in edges
            if layer_breach(modules[e.source], modules[e.target])] == [("content.a", "site.b")]
    assert set(state_findings(modules)) == {("derive/c.py", "_MEMO"), ("derive/c.py", "global _N"),
                                            ("derive/c.py", "SEEN"), ("derive/c.py", "cache h"),
                                            ("derive/c.py", "sets problems.Y"), ("build/d.py", "line 4")}
