"""``from .m import *`` without loading ``m``: its names read from its syntax, when loading it later changes nothing.

A star import binds every public name of the module (its ``__all__``, else
the names its top-level code binds that do not start with ``_``). Read from
the tree, those names can be bound lazily, each resolved through the module
when first used, so a package ``__init__`` that star-imports twenty modules
interprets only those whose names a check uses, and a check that uses none
of them does not depend on their code.

That is exact only when the module's top-level code cannot change anything
outside itself (a registry of another module, an imported object's
attribute): then running it at the star import or at the first use of one of
its names is the same. ``inert`` decides this conservatively from the
syntax: every call in the top-level code (outside function bodies) goes to
torch, the standard library or a pure builtin; no top-level statement
assigns an attribute or an item; and every module it star-imports is inert
in turn (checked by the importer). Anything else is loaded at the star
import, as before.
"""

from __future__ import annotations

import ast

from cnnlint.interpret.fragments import digest
from cnnlint.records import dataclass

# Builtins that call nothing of the checked code and change no object they are given.
_PURE_BUILTINS = frozenset(
    [
        "abs",
        "bool",
        "bytes",
        "complex",
        "dict",
        "divmod",
        "enumerate",
        "float",
        "frozenset",
        "int",
        "isinstance",
        "issubclass",
        "len",
        "list",
        "object",
        "print",
        "range",
        "repr",
        "reversed",
        "round",
        "set",
        "slice",
        "str",
        "sum",
        "tuple",
        "zip",
    ]
)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class Exports:
    """What a star import of a module binds, as far as its syntax says."""

    inert: bool
    names: tuple[str, ...]  # ``__all__`` when it is a literal, else the public names bound at top level
    explicit: bool  # the names are ``__all__``
    stars: tuple[tuple[str | None, int], ...]  # the modules it star-imports itself: (module, level)

    @property
    def hash(self) -> str:
        return digest(repr((self.inert, self.names, self.explicit, self.stars)).encode())


def exports(tree: ast.Module, known_roots: frozenset[str]) -> Exports:
    scan = _Scan(known_roots)
    scan.block(tree.body)
    names = tuple(scan.all_names) if scan.all_names is not None else tuple(sorted(scan.bound))
    public = names if scan.all_names is not None else tuple(n for n in names if not n.startswith("_"))
    return Exports(scan.inert, public, scan.all_names is not None, tuple(scan.stars))


class _Scan:
    """One walk over the top-level code: the names it binds, and whether it could reach outside the module."""

    def __init__(self, known_roots: frozenset[str]) -> None:
        self.known_roots = known_roots
        self.inert = True
        self.bound: set[str] = set()
        self.outside: set[str] = set()  # names bound to torch / standard library objects
        self.all_names: list[str] | None = None
        self.stars: list[tuple[str | None, int]] = []

    def block(self, stmts: list[ast.stmt]) -> None:
        for stmt in stmts:
            self.statement(stmt)

    def statement(self, stmt: ast.stmt) -> None:  # noqa: C901 - one case per statement kind
        if isinstance(stmt, _DEFS):
            self.expressions([*stmt.decorator_list, *stmt.args.defaults, *(d for d in stmt.args.kw_defaults if d)])
            self.bind(stmt.name)
        elif isinstance(stmt, ast.ClassDef):
            self.expressions([*stmt.decorator_list, *stmt.bases, *(k.value for k in stmt.keywords)])
            self.inside_class(stmt.body)
            self.bind(stmt.name)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                name = alias.asname or alias.name.split(".", 1)[0]
                self.bind(name, outside=alias.name.split(".", 1)[0] in self.known_roots)
        elif isinstance(stmt, ast.ImportFrom):
            outside = stmt.level == 0 and (stmt.module or "").split(".", 1)[0] in self.known_roots
            for alias in stmt.names:
                if alias.name == "*":
                    if not outside:
                        self.stars.append((stmt.module, stmt.level))
                else:
                    self.bind(alias.asname or alias.name, outside=outside)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            self.assignment(stmt)
        elif isinstance(stmt, ast.Expr):
            self.expressions([stmt.value])
        elif isinstance(stmt, (ast.If, ast.While)):
            self.expressions([stmt.test])
            self.block(stmt.body)
            self.block(stmt.orelse)
        elif isinstance(stmt, ast.For):
            self.expressions([stmt.iter])
            self.targets(stmt.target)
            self.block(stmt.body)
            self.block(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            self.block(stmt.body)
            for handler in stmt.handlers:
                self.expressions([handler.type] if handler.type else [])
                self.block(handler.body)  # ``as`` names are unbound after the handler
            self.block(stmt.orelse)
            self.block(stmt.finalbody)
        elif isinstance(stmt, (ast.Pass, ast.Break, ast.Continue)):
            pass
        else:  # with, del, global, match, raise, assert, ...: not worth reasoning about
            self.inert = False

    def inside_class(self, stmts: list[ast.stmt]) -> None:
        """A class body: its statements run at import, but the names it binds are the class's."""
        saved_bound, saved_all = self.bound, self.all_names
        self.bound = set()
        self.block(stmts)
        self.bound, self.all_names = saved_bound, saved_all

    def assignment(self, stmt: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
            return
        if [t.id for t in targets if isinstance(t, ast.Name)] == ["__all__"] and len(targets) == 1:
            items = _strings(stmt.value)
            if items is None or (isinstance(stmt, ast.AugAssign) and self.all_names is None):
                self.inert = False
            elif isinstance(stmt, ast.AugAssign):
                self.all_names = [*(self.all_names or []), *items]
            else:
                self.all_names = list(items)
            return
        self.expressions([stmt.value] if stmt.value is not None else [])
        for target in targets:
            self.targets(target)

    def targets(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for item in target.elts:
                self.targets(item)
        elif isinstance(target, ast.Starred):
            self.targets(target.value)
        else:  # ``x.attr = ...``, ``x[k] = ...``: changes an object that may be another module's
            self.inert = False

    def bind(self, name: str, outside: bool = False) -> None:
        if name == "__all__":
            self.inert = False  # bound some other way than a literal assignment
        self.bound.add(name)
        if outside:
            self.outside.add(name)
        else:
            self.outside.discard(name)

    def expressions(self, nodes: list[ast.expr]) -> None:
        for root in nodes:
            for node in _walk_evaluated(root):
                if (
                    isinstance(node, (ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom))
                    or isinstance(node, ast.Call)
                    and not self._pure_call(node)
                ):
                    self.inert = False

    def _pure_call(self, call: ast.Call) -> bool:
        """A call to torch, the standard library or a pure builtin, handed nothing of this module's to call."""
        head = _head(call.func)
        if head is None:
            return False
        if head in self.outside:
            pure = True
        else:
            pure = head in _PURE_BUILTINS and head not in self.bound and isinstance(call.func, ast.Name)
        arguments = [*call.args, *(k.value for k in call.keywords)]
        return pure and not any(
            (name := _head(a.value if isinstance(a, ast.Starred) else a)) is not None
            and name in self.bound
            and name not in self.outside
            for a in arguments
        )


def _head(node: ast.expr) -> str | None:
    """The name an expression like ``a.b[c](d).e`` starts from."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _walk_evaluated(node: ast.AST):  # type: ignore[no-untyped-def]
    """The nodes of an expression that run when it is evaluated (a lambda's body runs later)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, ast.Lambda):
            stack.extend(d for d in (*current.args.defaults, *current.args.kw_defaults) if d is not None)
            continue
        stack.extend(ast.iter_child_nodes(current))


def _strings(node: ast.expr | None) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return [e.value for e in node.elts]  # type: ignore[attr-defined]
    return None
