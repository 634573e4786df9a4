"""A module split into independent parts, for re-checking only the models whose text changed.

A *unit* is a top-level statement (with its decorators; statements sharing a
line are one unit). Imports and bare constants (docstrings) are *global*: every
part depends on them. The other units are joined into *components* when one
reads or binds a module-level name another binds (in any scope: a function that
reads ``HIDDEN``, a statement feeding ``net`` a tensor, ``net.fc = ...``), or
names one in a string (``default_cfgs = {"resnet50": ...}``). Factory functions
share one work budget, checked in file order: they are all one component.

Names are over-approximated (a local read counted as a module-level one only
joins more), never under-approximated. What cannot be followed this way
(``globals()``, ``exec``, a module-level ``global``, a store into an imported
module) makes ``split`` return None: the caller checks the whole file.
"""

from __future__ import annotations

import ast
import warnings

from cnnlint.records import dataclass, field, replace

DYNAMIC = frozenset({"globals", "locals", "vars", "exec", "eval", "__import__", "__builtins__"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_CAPTURES = tuple(getattr(ast, n) for n in ("MatchAs", "MatchStar") if hasattr(ast, n))  # Python 3.10+


@dataclass
class Unit:
    start: int  # first row (1-based; decorators included)
    end: int  # last row
    text: str
    is_global: bool = False
    factory: bool = False
    binds: set[str] = field(default_factory=set)
    reads: set[str] = field(default_factory=set)
    stored: set[str] = field(default_factory=set)  # names at the root of attribute/item stores (``a.b = ...``)


@dataclass
class Split:
    units: list[Unit]
    components: list[list[int]]  # indexes into ``units`` (regular units only), each in file order
    global_key: tuple
    lines: list[str]

    def component_of_row(self) -> dict[int, int]:
        """Row -> component index, for the rows of regular units but row 1 (where unplaced findings go)."""
        rows: dict[int, int] = {}
        for number, members in enumerate(self.components):
            for i in members:
                unit = self.units[i]
                for row in range(max(2, unit.start), unit.end + 1):
                    rows[row] = number
        return rows

    def key(self, number: int) -> tuple:
        """What a component's result depends on besides the global key: its units' text and relative rows.

        The same component moved up or down (rows inserted above it) has the same key: its findings move.
        """
        first = self.start(number)
        return tuple((self.units[i].start - first, self.units[i].text) for i in self.components[number])

    def start(self, number: int) -> int:
        return self.units[self.components[number][0]].start


class Dynamic(Exception):
    """Something names cannot follow: check the whole file."""


def split(tree: ast.Module, lines: list[str]) -> Split | None:
    """The file's units and components, or None when the file must be checked whole."""
    try:
        return _finish(_units(tree.body, lines, 0), lines)
    except (Dynamic, RecursionError):
        return None


def resplit(old: Split, lines: list[str]) -> Split | None:
    """``split`` of ``lines`` from the split of other lines: only the changed rows' units are parsed again.

    The changed rows, widened to whole units, are parsed alone. Units end where
    a statement ends (no open bracket, string or block), so when that part
    parses alone the whole file parses into the same units before and after
    it; when it does not (an unclosed bracket, an indented line joining the
    unit above, a decorator left alone), None: the caller parses the file.
    """
    old_lines = old.lines
    limit = min(len(old_lines), len(lines))
    prefix = 0
    while prefix < limit and old_lines[prefix] == lines[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old_lines[-1 - suffix] == lines[-1 - suffix]:
        suffix += 1
    low, high = prefix + 1, len(old_lines) - suffix  # the changed old rows (none: an insertion after ``prefix``)
    before = [u for u in old.units if u.end < low]
    after = [u for u in old.units if u.start > high]
    touched = old.units[len(before) : len(old.units) - len(after)]
    start = min([low, *(u.start for u in touched)])
    delta = len(lines) - len(old_lines)
    end = max([high, *(u.end for u in touched)]) + delta
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse("\n".join(lines[start - 1 : end]))
        middle = _units(tree.body, lines, start - 1)
    except (SyntaxError, ValueError, MemoryError, Dynamic, RecursionError):
        return None
    moved = [replace(u, start=u.start + delta, end=u.end + delta) for u in after]
    try:
        return _finish([*before, *middle, *moved], lines)
    except Dynamic:
        return None


def _finish(plain: list[Unit], lines: list[str]) -> Split | None:
    imported = set().union(*(u.binds for u in plain if u.is_global)) if plain else set()
    stored = set().union(*(u.stored for u in plain)) if plain else set()
    if stored & (imported - _rebound(plain)):
        return None  # ``torch.backends.x = ...``, ``nn.Module.f = ...``: an imported module changed for every part
    components = _components(plain)
    head = tuple(lines[:2])  # an encoding declaration
    pragmas = tuple((row, line) for row, line in enumerate(lines, 1) if "cnnlint" in line)
    global_key = (head, tuple((u.start, u.text) for u in plain if u.is_global), pragmas)
    return Split(plain, components, global_key, lines)


def _units(body: list[ast.stmt], lines: list[str], offset: int) -> list[Unit]:
    """The units of these statements (rows ``offset`` below where the parsed text put them), analysed."""
    out: list[tuple[Unit, list[ast.stmt]]] = []
    for stmt in body:
        start = offset + min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
        end = offset + (stmt.end_lineno or stmt.lineno)
        if isinstance(stmt, (ast.Global, ast.Nonlocal)):
            raise Dynamic  # a module-level ``global`` is checked against every statement before it
        if out and start <= out[-1][0].end:  # ``a = 1; b = 2``: one unit
            unit, stmts = out[-1]
            unit.end = max(unit.end, end)
            stmts.append(stmt)
            unit.is_global = unit.is_global and _is_global(stmt)
        else:
            out.append((Unit(start, end, "", _is_global(stmt)), [stmt]))
    for unit, stmts in out:
        unit.text = "\n".join(lines[unit.start - 1 : unit.end])
        unit.factory = any(_maybe_factory(s) for s in stmts)
        if unit.is_global:
            for s in stmts:
                if isinstance(s, (ast.Import, ast.ImportFrom)):
                    unit.binds.update((a.asname or a.name).split(".")[0] for a in s.names)
        else:
            unit.stored = _analysed(stmts, unit)
    return [u for u, _ in out]


def _is_global(stmt: ast.stmt) -> bool:
    return isinstance(stmt, (ast.Import, ast.ImportFrom)) or (
        isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
    )


def _maybe_factory(stmt: ast.stmt) -> bool:
    """A function the interpreter may build as a model (``models._factories``): they share a budget."""
    return isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and not stmt.name.startswith("_")


_MEMO: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]] | None] = {}
_MEMO_SIZE = 5_000


def _analysed(stmts: list[ast.stmt], unit: Unit) -> set[str]:
    """Fill the unit's binds and reads; return the names whose attributes or items it stores into.

    The same text gives the same answer: units are remembered by text, so only the edited ones are walked again.
    """
    if unit.text not in _MEMO:
        if len(_MEMO) > _MEMO_SIZE:
            _MEMO.clear()
        probe = Unit(unit.start, unit.end, unit.text)
        try:
            for stmt in stmts:
                _Walker(probe).visit_module_stmt(stmt)
            _MEMO[unit.text] = (frozenset(probe.binds), frozenset(probe.reads), frozenset(_store_roots(stmts)))
        except Dynamic:
            _MEMO[unit.text] = None
    found = _MEMO[unit.text]
    if found is None:
        raise Dynamic
    binds, reads, stored = found
    unit.binds.update(binds)
    unit.reads.update(reads)
    return set(stored)


class _Walker:
    """Module-level binds and reads of one unit; function scopes subtract their own locals."""

    def __init__(self, unit: Unit) -> None:
        self.unit = unit

    def visit_module_stmt(self, stmt: ast.stmt) -> None:
        self._walk(stmt, [], module=True)

    def _walk(self, node: ast.AST, scopes: list[set[str]], module: bool) -> None:
        # ``module``: at module scope (or a class body there), where stores bind module names.
        if isinstance(node, ast.Name):
            self._name(node.id, node.ctx, scopes, module)
            return
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
            self.unit.reads.add(node.value)  # a model named in a string (timm configs, __all__)
            return
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            if isinstance(node, ast.Global):
                self.unit.binds.update(node.names)
                self.unit.reads.update(node.names)
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self._bind_name(node.name, scopes, module)
            for child in [*node.decorator_list, *_header(node)]:
                self._walk(child, scopes, module)
            if isinstance(node, ast.ClassDef):
                for child in node.body:  # the class body runs in the enclosing scope's reach
                    self._walk(child, scopes, False)
            else:
                self._function(node.args, node.body, scopes)
            return
        if isinstance(node, ast.Lambda):
            for child in [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]:
                self._walk(child, scopes, module)
            self._function(node.args, [node.body], scopes)
            return
        if isinstance(node, _COMPREHENSIONS):
            targets = {n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
            self._walk(node.generators[0].iter, scopes, module)
            inner = [*scopes, targets]
            for g in node.generators:
                for child in [g.target, *g.ifs, *([g.iter] if g is not node.generators[0] else [])]:
                    self._walk(child, inner, False)
            for child in (node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,):
                self._walk(child, inner, False)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                self._bind_name((alias.asname or alias.name).split(".")[0], scopes, module)
            return
        if isinstance(node, ast.ExceptHandler) and node.name:
            self._bind_name(node.name, scopes, module)
        if isinstance(node, _CAPTURES) and node.name:
            self._bind_name(node.name, scopes, module)
        if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            self.unit.binds.add(node.target.id)  # a walrus may bind at module level from a comprehension
            self.unit.reads.add(node.target.id)
        for child in ast.iter_child_nodes(node):
            self._walk(child, scopes, module)

    def _function(self, args: ast.arguments, body: list[ast.AST], scopes: list[set[str]]) -> None:
        local = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg] if a}
        declared: set[str] = set()
        for node in _own_nodes(body):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                local.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                local.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                local.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                local.add(node.name)
            elif isinstance(node, ast.Global):
                declared.update(node.names)
        for child in body:
            self._walk(child, [*scopes, local - declared], False)

    def _name(self, name: str, ctx: ast.expr_context, scopes: list[set[str]], module: bool) -> None:
        if name in DYNAMIC:
            raise Dynamic
        if any(name in scope for scope in scopes):
            return
        if isinstance(ctx, ast.Load):
            self.unit.reads.add(name)
        else:
            self._bind_name(name, scopes, module)

    def _bind_name(self, name: str, scopes: list[set[str]], module: bool) -> None:
        if scopes and not module:
            return  # a local (function scopes list their own stores)
        if module:
            self.unit.binds.add(name)
        else:
            self.unit.reads.add(name)  # a class attribute, or a name bound in a scope not followed: joins more


def _header(node: ast.AST) -> list[ast.AST]:
    generic = list(getattr(node, "type_params", ()))  # ``class C[T: Base]`` (Python 3.12+): the bound is read
    if isinstance(node, ast.ClassDef):
        return [*node.bases, *node.keywords, *generic]
    args = node.args  # type: ignore[attr-defined]
    returns = [node.returns] if getattr(node, "returns", None) is not None else []  # type: ignore[attr-defined]
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    annotations = [a.annotation for a in every if a is not None and a.annotation is not None]
    defaults = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
    return [*defaults, *annotations, *returns, *generic]


def _own_nodes(body: list[ast.AST]) -> list[ast.AST]:
    """The nodes of a function body outside nested functions, classes and comprehensions (their names bind there)."""
    out: list[ast.AST] = []
    stack = list(body)
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, _COMPREHENSIONS):  # its targets are its own; a walrus in it binds here
            out.extend(sub.target for sub in ast.walk(node) if isinstance(sub, ast.NamedExpr))
            continue
        if isinstance(node, (*_SCOPES, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return out


def _rebound(units: list[Unit]) -> set[str]:
    return set().union(*(u.binds for u in units if not u.is_global)) if units else set()


def _store_roots(stmts: list[ast.stmt]) -> set[str]:
    """The names at the root of attribute and item stores (``a.b[0].c = ...``: ``a``)."""
    roots: set[str] = set()
    for stmt in stmts:
        for node in ast.walk(stmt):
            if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, (ast.Store, ast.Del)):
                root = node.value
                while isinstance(root, (ast.Attribute, ast.Subscript, ast.Call)):
                    root = root.func if isinstance(root, ast.Call) else root.value
                if isinstance(root, ast.Name):
                    roots.add(root.id)
    return roots


def _components(units: list[Unit]) -> list[list[int]]:
    parent = list(range(len(units)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    regular = [i for i, u in enumerate(units) if not u.is_global]
    binders: dict[str, int] = {}
    for i in regular:
        for name in units[i].binds:
            if name in binders:
                union(i, binders[name])
            else:
                binders[name] = i
    for i in regular:
        for name in units[i].reads:
            if name in binders:
                union(i, binders[name])
    factories = [i for i in regular if units[i].factory]
    for i in factories[1:]:
        union(factories[0], i)
    groups: dict[int, list[int]] = {}
    for i in regular:
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())
