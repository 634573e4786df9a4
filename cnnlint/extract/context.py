"""What the extractors share for one file: the index, positions, values, caches."""

from __future__ import annotations

import ast
from typing import Any

from cnnlint.extract.model import LayerCall, ModelDef, Span
from cnnlint.extract.positions import Lines
from cnnlint.extract.scopes import CallSite, Index, Scope
from cnnlint.extract.values import Evaluator

# Roots of the import aliases handed to the runtime check (ModelDef.aliases).
ALIAS_ROOTS = frozenset({"torch", "collections", "typing", "math"})


class Context:
    def __init__(self, tree: ast.Module, text: str) -> None:
        self.tree = tree
        self.text = text
        self.lines = Lines(text)
        self.index = Index(tree)
        self.values = Evaluator(self.index)
        self.sites: dict[int, CallSite] = {id(site.node): site for site in self.index.calls}
        # id(nn.Sequential call) -> (its LayerCall, the constants its arguments used)
        self.sequentials: dict[int, tuple[LayerCall, dict[str, Any]]] = {}
        self.consumed: set[int] = set()  # Sequential calls written inside another Sequential's arguments
        self.nested: set[int] = set()  # Sequential calls also used by a larger model (through a variable, self.x)
        # Models by what defines them, for input inference: id(node) -> ModelDef
        self.sequential_models: dict[int, ModelDef] = {}
        self.class_models: dict[int, ModelDef] = {}
        self.function_models: dict[int, ModelDef] = {}
        self.model_nodes: dict[int, ast.AST] = {}  # id(ModelDef) -> the Call or ClassDef defining it
        self._aliases: dict[int, dict[str, str]] = {}
        self._own: dict[tuple[str, int], tuple[dict[str, str], frozenset[str]]] = {}
        self._qualnames: dict[int, str | None] = {}

    # ------------------------------------------------------------------ helpers

    def qualname(self, node: ast.AST, scope: Scope) -> str | None:
        return self.index.qualname(node, scope)

    def call_qualname(self, site: CallSite) -> str | None:
        key = id(site.node)
        if key not in self._qualnames:
            self._qualnames[key] = self.index.qualname(site.node.func, site.scope)
        return self._qualnames[key]

    def span(self, node: ast.AST, start_node: ast.AST | None = None) -> Span:
        return self.lines.span(node, start_node)

    def text_of(self, node: ast.AST) -> str:
        return self.lines.segment(node)

    def short(self, node: ast.AST, limit: int = 60) -> str:
        return shorten(self.lines.segment(node), limit)

    def aliases(self, scope: Scope) -> dict[str, str]:
        """Import aliases visible in ``scope`` that the runtime check may need (torch, collections, ...)."""
        key = id(scope)
        cached = self._aliases.get(key)
        if cached is not None:
            return dict(cached)
        chain: list[Scope] = []
        s: Scope | None = scope
        while s is not None:
            chain.append(s)
            s = s.parent
        found: dict[str, str] = {}
        for s in reversed(chain):  # outer first, inner scopes override
            imports, shadows = self._own_aliases(s)
            for name in shadows.intersection(found):
                del found[name]
            found.update(imports)
        self._aliases[key] = found
        return dict(found)

    def _own_aliases(self, scope: Scope) -> tuple[dict[str, str], frozenset[str]]:
        """What one scope binds: its torch-like import aliases, and the names it binds otherwise.

        Computed once per scope, so a file with thousands of functions does not
        re-read the module's bindings for each of them.
        """
        key = ("own", id(scope))
        cached = self._own.get(key)
        if cached is not None:
            return cached
        imports: dict[str, str] = {}
        shadows: set[str] = set()
        for name, bindings in scope.bindings.items():
            target = bindings[0].target
            if (
                target
                and all(b.kind == "import" and b.target == target for b in bindings)
                and target.split(".", 1)[0] in ALIAS_ROOTS
            ):
                imports[name] = target
            else:
                shadows.add(name)
        result = (imports, frozenset(shadows))
        self._own[key] = result
        return result


def shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
