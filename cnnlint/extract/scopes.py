"""One pass over the ``ast`` tree: scopes, name bindings, imports, calls.

Import aliases are resolved here (``nn`` -> ``torch.nn``, ``C`` ->
``torch.nn.Conv2d``) with Python's own scoping rules, instead of libcst's
QualifiedNameProvider (7.7x the parse). A name is an import only when every
binding of it in the scope that owns it is the same import: a local def,
assignment, parameter or loop variable of the same name shadows torch.

The walk is iterative (an explicit stack), so deeply nested expressions that
``compile`` accepts never raise RecursionError here.
"""

from __future__ import annotations

import ast
import builtins
import re
from typing import Any, Optional

BUILTIN_NAMES = frozenset(dir(builtins))
_MODULES_PATH = re.compile(r"^torch\.nn\.modules(?:\.\w+)*\.([A-Z]\w*)$")
# Methods that change an nn.Sequential after construction (the extracted layer list is then not the model).
APPENDERS = frozenset({"append", "extend", "add_module", "register_module"})
REWRITERS = frozenset({"insert", "pop", "__setitem__", "__delitem__", "__iadd__"})
_SKIP = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)

Pos = tuple  # (row, col_offset) of a statement, for "which binding comes first"


class Binding:
    """One way a name gets a value in a scope.

    ``kind``: "import" (``target`` is the dotted name), "assign" (``value`` is
    the expression), "unpack" (``value`` is the right-hand side, ``index`` and
    ``count`` locate the name in the target tuple), "param" (``value`` is the
    default or None, ``func`` the function, ``index`` the positional index or
    None), "def", "class" (``value`` is the definition), "other" (unknown).
    """

    __slots__ = ("kind", "name", "value", "stmt", "scope", "target", "index", "count", "func", "pos")

    def __init__(
        self,
        kind: str,
        name: str,
        scope: Scope,
        stmt: ast.AST | None,
        value: Any = None,
        target: str | None = None,
        index: int | None = None,
        count: int = 0,
        func: Any = None,
    ) -> None:
        self.kind = kind
        self.name = name
        self.scope = scope
        self.stmt = stmt
        self.value = value
        self.target = target
        self.index = index
        self.count = count
        self.func = func
        self.pos: Pos = (stmt.lineno, stmt.col_offset) if stmt is not None and hasattr(stmt, "lineno") else (0, 0)

    def __repr__(self) -> str:
        return f"<Binding {self.kind} {self.name} at {self.pos}>"


class Scope:
    """A module, class, function (or lambda) or comprehension scope."""

    __slots__ = (
        "kind",
        "node",
        "parent",
        "name",
        "bindings",
        "globals",
        "nonlocals",
        "stars",
        "children",
        "cls_scope",
        "self_name",
        "attr_assigns",
        "_top_ids",
    )

    def __init__(self, kind: str, node: ast.AST, parent: Scope | None, name: str = "") -> None:
        self.kind = kind
        self.node = node
        self.parent = parent
        self.name = name
        self.bindings: dict[str, list[Binding]] = {}
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()
        self.stars: list[str] = []  # modules of ``from M import *`` (module scope only)
        self.children: list[Scope] = []
        self.cls_scope: Scope | None = None  # for a method: the class scope
        self.self_name: str | None = None  # for a method: the name of its first parameter
        # (base name, attribute) -> [(value or None, statement)] for ``self.x = value`` and friends
        self.attr_assigns: dict[tuple[str, str], list[tuple[ast.expr | None, ast.stmt | None]]] = {}
        self._top_ids: set[int] | None = None
        if parent is not None:
            parent.children.append(self)

    def bind(self, binding: Binding) -> None:
        self.bindings.setdefault(binding.name, []).append(binding)

    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def lookup(self, name: str) -> Scope | None:
        """The scope that owns ``name`` as seen from here (Python's rules), or None (builtin/undefined)."""
        scope: Scope | None = self
        first = True
        while scope is not None:
            if name in scope.globals:
                module = scope.module()
                return module if name in module.bindings else None
            if (first or scope.kind != "class") and name in scope.bindings:
                return scope
            first = False
            scope = scope.parent
        return None

    def is_top_level(self, stmt: ast.AST | None) -> bool:
        """Is ``stmt`` directly in this function's body (not inside an if/for/with/try)?"""
        if self._top_ids is None:
            body = getattr(self.node, "body", None)
            self._top_ids = {id(s) for s in body} if isinstance(body, list) else set()
        return stmt is not None and id(stmt) in self._top_ids

    def __repr__(self) -> str:
        return f"<Scope {self.kind} {self.name}>"


class CallSite:
    """A call met in the walk, with what is around it."""

    __slots__ = ("node", "scope", "stmt", "parent")

    def __init__(self, node: ast.Call, scope: Scope, stmt: ast.stmt | None, parent: ast.AST | None) -> None:
        self.node = node
        self.scope = scope
        self.stmt = stmt
        self.parent = parent


class Index:
    """Everything the extractors need to know about a module, from one walk."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.module = Scope("module", tree, None)
        self.calls: list[CallSite] = []
        self.classes: list[tuple[ast.ClassDef, Scope, Scope]] = []  # (node, defining scope, class scope)
        self.fors: list[tuple[ast.For, Scope]] = []
        self.function_scopes: dict[int, Scope] = {}
        self.class_scopes: dict[int, Scope] = {}
        self.mutated: dict[str, set[str]] = {}  # receiver text ("net", "self.features") -> methods/operations
        self.hash_strings: list[ast.expr] = []  # string literals containing "#" (and f-strings): not comments
        self._walk()
        self._settle_declarations()

    # ------------------------------------------------------------------ walk

    def _walk(self) -> None:
        module = self.module
        stack: list[tuple[ast.AST, Scope, Optional[ast.stmt], Optional[ast.AST]]] = [
            (child, module, None, self.tree) for child in reversed(self.tree.body)
        ]
        push = stack.append
        while stack:
            node, scope, stmt, parent = stack.pop()
            if isinstance(node, ast.stmt):
                stmt = node
            kind = type(node)
            if kind is ast.Call:
                self.calls.append(CallSite(node, scope, stmt, parent))
                self._note_mutation_call(node)
            elif kind is ast.Name:
                if not isinstance(node.ctx, ast.Load):
                    scope.bind(Binding("other", node.id, scope, stmt))
                continue
            elif kind is ast.Constant:
                value = node.value  # type: ignore[attr-defined]
                if isinstance(value, str) and "#" in value or isinstance(value, bytes) and b"#" in value:
                    self.hash_strings.append(node)  # type: ignore[arg-type]
                continue
            elif kind is ast.JoinedStr:
                self.hash_strings.append(node)  # type: ignore[arg-type]
            elif kind in _FUNCTIONS or kind is ast.Lambda:
                self._function(node, scope, stmt, push)
                continue
            elif kind is ast.ClassDef:
                self._class(node, scope, stmt, push)  # type: ignore[arg-type]
                continue
            elif kind is ast.Import:
                for alias in node.names:  # type: ignore[attr-defined]
                    if alias.asname:
                        scope.bind(Binding("import", alias.asname, scope, stmt, target=alias.name))
                    else:
                        first = alias.name.split(".", 1)[0]
                        scope.bind(Binding("import", first, scope, stmt, target=first))
                continue
            elif kind is ast.ImportFrom:
                self._import_from(node, scope, stmt)  # type: ignore[arg-type]
                continue
            elif kind is ast.Global:
                scope.globals.update(node.names)  # type: ignore[attr-defined]
                continue
            elif kind is ast.Nonlocal:
                scope.nonlocals.update(node.names)  # type: ignore[attr-defined]
                continue
            elif kind is ast.Assign:
                for target in node.targets:  # type: ignore[attr-defined]
                    self._bind_target(target, node.value, scope, stmt, push)  # type: ignore[attr-defined]
                push((node.value, scope, stmt, node))  # type: ignore[attr-defined]
                continue
            elif kind is ast.AnnAssign:
                target = node.target  # type: ignore[attr-defined]
                if node.value is not None:  # type: ignore[attr-defined]
                    self._bind_target(target, node.value, scope, stmt, push)  # type: ignore[attr-defined]
                    push((node.value, scope, stmt, node))  # type: ignore[attr-defined]
                elif not isinstance(target, ast.Name):
                    push((target, scope, stmt, node))
                push((node.annotation, scope, stmt, node))  # type: ignore[attr-defined]
                continue
            elif kind is ast.AugAssign:
                target = node.target  # type: ignore[attr-defined]
                if isinstance(target, ast.Name):
                    scope.bind(Binding("other", target.id, scope, stmt))
                else:
                    self._note_attr_target(target, None, scope, stmt, augmented=True)
                    push((target, scope, stmt, node))
                push((node.value, scope, stmt, node))  # type: ignore[attr-defined]
                continue
            elif kind is ast.NamedExpr:
                owner = scope
                while owner.kind == "comprehension" and owner.parent is not None:
                    owner = owner.parent
                owner.bind(Binding("assign", node.target.id, owner, stmt, value=node.value))  # type: ignore[attr-defined]
                push((node.value, scope, stmt, node))  # type: ignore[attr-defined]
                continue
            elif kind in _COMPREHENSIONS:
                self._comprehension(node, scope, stmt, push)
                continue
            elif kind is ast.ExceptHandler:
                if node.name:  # type: ignore[attr-defined]
                    scope.bind(Binding("other", node.name, scope, stmt))  # type: ignore[attr-defined]
            elif kind is ast.For or kind is ast.AsyncFor:
                if kind is ast.For:
                    self.fors.append((node, scope))  # type: ignore[arg-type]
            elif kind is ast.Subscript:
                if not isinstance(node.ctx, ast.Load):  # type: ignore[attr-defined]
                    receiver = dotted(node.value)  # type: ignore[attr-defined]
                    if receiver:
                        self.mutated.setdefault(receiver, set()).add("__setitem__")
            else:
                name = getattr(node, "name", None)  # match patterns: MatchAs, MatchStar
                if isinstance(name, str) and kind.__name__.startswith("Match"):
                    scope.bind(Binding("other", name, scope, stmt))
                rest = getattr(node, "rest", None)
                if isinstance(rest, str):
                    scope.bind(Binding("other", rest, scope, stmt))
            for field in reversed(node._fields):
                value = getattr(node, field, None)
                if isinstance(value, list):
                    for item in reversed(value):
                        if isinstance(item, ast.AST) and not isinstance(item, _SKIP):
                            push((item, scope, stmt, node))
                elif isinstance(value, ast.AST) and not isinstance(value, _SKIP):
                    push((value, scope, stmt, node))

    def _function(self, node: Any, scope: Scope, stmt: ast.stmt | None, push: Any) -> None:
        args: ast.arguments = node.args
        is_lambda = isinstance(node, ast.Lambda)
        if not is_lambda:
            scope.bind(Binding("def", node.name, scope, stmt, value=node))
            for decorator in reversed(node.decorator_list):
                push((decorator, scope, stmt, node))
            if node.returns is not None:
                push((node.returns, scope, stmt, node))
        for default in args.defaults:
            push((default, scope, stmt, node))
        for default in args.kw_defaults:
            if default is not None:
                push((default, scope, stmt, node))
        inner = Scope("function", node, scope, "<lambda>" if is_lambda else node.name)
        self.function_scopes[id(node)] = inner
        positional = [*args.posonlyargs, *args.args]
        first_default = len(positional) - len(args.defaults)
        for i, arg in enumerate(positional):
            default = args.defaults[i - first_default] if i >= first_default else None
            inner.bind(Binding("param", arg.arg, inner, stmt, value=default, index=i, func=node))
            if arg.annotation is not None:
                push((arg.annotation, scope, stmt, node))
        for arg, default in zip(args.kwonlyargs, args.kw_defaults):
            inner.bind(Binding("param", arg.arg, inner, stmt, value=default, func=node))
        for arg in (args.vararg, args.kwarg):
            if arg is not None:
                inner.bind(Binding("other", arg.arg, inner, stmt))
        if scope.kind == "class" and not is_lambda:
            inner.cls_scope = scope
            static = any(
                isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in node.decorator_list
            )
            if positional and not static:
                inner.self_name = positional[0].arg
        if is_lambda:
            push((node.body, inner, stmt, node))
        else:
            for child in reversed(node.body):
                push((child, inner, None, node))

    def _class(self, node: ast.ClassDef, scope: Scope, stmt: ast.stmt | None, push: Any) -> None:
        scope.bind(Binding("class", node.name, scope, stmt, value=node))
        inner = Scope("class", node, scope, node.name)
        self.class_scopes[id(node)] = inner
        self.classes.append((node, scope, inner))
        for child in reversed(node.body):
            push((child, inner, None, node))
        for expr in reversed([*node.bases, *(k.value for k in node.keywords), *node.decorator_list]):
            push((expr, scope, stmt, node))

    def _import_from(self, node: ast.ImportFrom, scope: Scope, stmt: ast.stmt | None) -> None:
        module = node.module or ""
        for alias in node.names:
            if alias.name == "*":
                scope.stars.append(module if not node.level else "." * node.level + module)
                continue
            local = alias.asname or alias.name
            if node.level:
                scope.bind(Binding("other", local, scope, stmt))
            else:
                scope.bind(Binding("import", local, scope, stmt, target=f"{module}.{alias.name}"))

    def _comprehension(self, node: Any, scope: Scope, stmt: ast.stmt | None, push: Any) -> None:
        inner = Scope("comprehension", node, scope, "<comprehension>")
        generators = node.generators
        for i, gen in enumerate(reversed(generators)):
            first = i == len(generators) - 1
            for cond in reversed(gen.ifs):
                push((cond, inner, stmt, node))
            push((gen.target, inner, stmt, node))
            push((gen.iter, scope if first else inner, stmt, node))
        if isinstance(node, ast.DictComp):
            push((node.value, inner, stmt, node))
            push((node.key, inner, stmt, node))
        else:
            push((node.elt, inner, stmt, node))

    def _bind_target(self, target: ast.expr, value: ast.expr, scope: Scope, stmt: ast.stmt | None, push: Any) -> None:
        if isinstance(target, ast.Name):
            scope.bind(Binding("assign", target.id, scope, stmt, value=value))
        elif isinstance(target, (ast.Tuple, ast.List)):
            elts = target.elts
            starred = any(isinstance(e, ast.Starred) for e in elts)
            if (
                isinstance(value, (ast.Tuple, ast.List))
                and not starred
                and len(value.elts) == len(elts)
                and not any(isinstance(e, ast.Starred) for e in value.elts)
            ):
                for sub, sub_value in zip(elts, value.elts):
                    self._bind_target(sub, sub_value, scope, stmt, push)
                return
            for i, sub in enumerate(elts):
                if isinstance(sub, ast.Name) and not starred:
                    scope.bind(Binding("unpack", sub.id, scope, stmt, value=value, index=i, count=len(elts)))
                else:
                    self._note_attr_target(sub, None, scope, stmt)
                    push((sub, scope, stmt, target))  # Store names inside bind as "other"
        else:
            self._note_attr_target(target, value, scope, stmt)
            push((target, scope, stmt, stmt))

    def _note_attr_target(
        self, target: ast.expr, value: ast.expr | None, scope: Scope, stmt: ast.stmt | None, augmented: bool = False
    ) -> None:
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            key = (target.value.id, target.attr)
            scope.attr_assigns.setdefault(key, []).append((None if augmented else value, stmt))
            if augmented:
                self.mutated.setdefault(f"{target.value.id}.{target.attr}", set()).add("__iadd__")
        elif isinstance(target, ast.Name) and augmented:
            self.mutated.setdefault(target.id, set()).add("__iadd__")

    def _note_mutation_call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and (func.attr in APPENDERS or func.attr in REWRITERS):
            receiver = dotted(func.value)
            if receiver:
                self.mutated.setdefault(receiver, set()).add(func.attr)
        elif isinstance(func, ast.Name) and func.id in ("setattr", "delattr") and len(node.args) >= 2:
            receiver, name = node.args[0], node.args[1]
            if isinstance(receiver, ast.Name) and isinstance(name, ast.Constant) and isinstance(name.value, str):
                self.mutated.setdefault(f"{receiver.id}.{name.value}", set()).add(func.id)

    def _settle_declarations(self) -> None:
        """``global x`` / ``nonlocal x``: bindings made in the function belong to the outer scope, unknown."""
        stack = [self.module]
        while stack:
            scope = stack.pop()
            stack.extend(scope.children)
            for name in scope.globals | scope.nonlocals:
                moved = scope.bindings.pop(name, None)
                if not moved:
                    continue
                owner: Scope | None
                if name in scope.globals:
                    owner = self.module
                else:
                    owner = scope.parent
                    while owner is not None and (owner.kind != "function" or name not in owner.bindings):
                        owner = owner.parent
                if owner is not None:
                    for b in moved:
                        owner.bind(Binding("other", name, owner, b.stmt))

    # ------------------------------------------------------------------ names

    def import_target(self, name: str, scope: Scope) -> str | None:
        """The dotted module/object an import binds ``name`` to, seen from ``scope``; None if not (only) an import."""
        owner = scope.lookup(name)
        if owner is None:
            stars = self.module.stars
            if len(stars) == 1 and name not in BUILTIN_NAMES and not stars[0].startswith("."):
                return f"{stars[0]}.{name}"
            return None
        bindings = owner.bindings[name]
        target = bindings[0].target
        if target is None or any(b.kind != "import" or b.target != target for b in bindings):
            return None
        return target

    def qualname(self, node: ast.AST, scope: Scope) -> str | None:
        """``nn.Conv2d`` -> ``torch.nn.Conv2d`` when ``nn`` is ``torch.nn`` here; None when not an import."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        base = self.import_target(node.id, scope)
        if base is None:
            return None
        parts.append(base)
        return normalise(".".join(reversed(parts)))

    def definition(self, name: str, scope: Scope) -> ast.AST | None:
        """The one def/class ``name`` stands for here, or None."""
        owner = scope.lookup(name)
        if owner is None:
            return None
        bindings = owner.bindings[name]
        if len(bindings) == 1 and bindings[0].kind in ("def", "class"):
            return bindings[0].value
        return None


def normalise(qualname: str) -> str:
    """``torch.nn.modules.conv.Conv2d`` -> ``torch.nn.Conv2d``."""
    if qualname.startswith("torch.nn.modules."):
        match = _MODULES_PATH.match(qualname)
        if match:
            return f"torch.nn.{match.group(1)}"
    return qualname


def dotted(node: ast.AST) -> str | None:
    """``self.features`` -> "self.features"; None for anything but a Name/Attribute chain."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))
