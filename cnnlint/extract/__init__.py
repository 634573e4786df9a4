"""Find model definitions in a Python file (SPEC §1).

``extract(module, text)`` returns the models (``ModelDef``) and the problems
found in the source itself. It works on Python's ``ast`` tree of ``text``
(the one ``cnnlint.source.check_syntax`` built, reused; ~10x cheaper than
libcst, with exact positions for every node), so ``module`` may be that
``ast.Module``, a libcst Module or None: only ``text`` matters.

Layout: ``scopes`` (one walk: scopes, bindings, import aliases, calls),
``values`` (static argument values), ``sequential`` (``nn.Sequential``),
``modules`` (``nn.Module`` subclasses), ``positions`` (spans).
"""

from __future__ import annotations

import ast
from typing import Any

from cnnlint.extract.model import ModelDef, SourceProblem

__all__ = ["extract", "context_for"]

_last: tuple[str, Any] | None = None  # (text, Context) of the last extraction, for declare_inputs


def extract(module: Any, text: str) -> tuple[list[ModelDef], list[SourceProblem]]:
    """The models defined in ``text``, in source order, and the problems found on the way."""
    global _last
    if "Sequential" not in text and "Module" not in text:
        return [], []
    ctx = _new_context(text, module)
    from cnnlint.extract.modules import class_models
    from cnnlint.extract.sequential import SEQUENTIAL, sequential_models, subclass_models

    sites = [site for site in ctx.index.calls if ctx.call_qualname(site) == SEQUENTIAL]
    models = sequential_models(ctx, sites) if sites else []
    if ctx.index.classes:
        models.extend(subclass_models(ctx))
        models.extend(class_models(ctx))
    for model in models:
        node = ctx.model_nodes.get(id(model))
        if model.kind == "sequential" and node is not None and id(node) in ctx.nested:
            model.nested = True
    models.sort(key=lambda m: (m.span.start.row, m.span.start.column))
    _last = (text, ctx)
    return models, []


def context_for(text: str, module: Any = None) -> Any:
    """The context of the last extraction of ``text`` (models found), extracting again if needed."""
    cached = _last
    if cached is not None and (cached[0] is text or cached[0] == text):
        return cached[1]
    extract(module, text)
    cached = _last
    if cached is not None and cached[0] is text:
        return cached[1]
    return _new_context(text, module)


def _new_context(text: str, module: Any) -> Any:
    from cnnlint.extract.context import Context

    if isinstance(module, ast.Module):
        tree = module
    else:
        from cnnlint.source import parse_ast

        tree = parse_ast(text)
    return Context(tree, text)
