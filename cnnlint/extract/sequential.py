"""``nn.Sequential(...)`` calls -> LayerCall trees, and the models they define.

Children are positional layer calls, ``OrderedDict([("name", layer), ...])``
(``collections.OrderedDict``, ``typing.OrderedDict``, or the keyword form),
nested Sequentials, ``*[literal, list]``, and variables bound once to a layer
call (the d2l ``nn.Sequential(b1, b2, ...)`` idiom) and never changed after.
Anything else becomes an entry with ``qualname=None`` and a ``reason``.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Any

from cnnlint.extract.context import Context, shorten
from cnnlint.extract.model import Arg, LayerCall, ModelDef
from cnnlint.extract.scopes import APPENDERS, REWRITERS, CallSite, Scope, dotted
from cnnlint.extract.values import Hook

SEQUENTIAL = "torch.nn.Sequential"
ORDERED_DICTS = frozenset({"collections.OrderedDict", "typing.OrderedDict"})
# ``net = nn.Sequential(...).to(device)``: methods that return the module itself.
SELF_RETURNING = frozenset(
    {"to", "cuda", "cpu", "eval", "train", "float", "double", "half", "bfloat16", "requires_grad_"}
)


def unresolved(ctx: Context, node: ast.AST, reason: str, name: str | None = None) -> LayerCall:
    text = ctx.text_of(node)
    return LayerCall(callee=shorten(text, 60), qualname=None, span=ctx.span(node), name=name, reason=reason, code=text)


def arguments(
    ctx: Context, call: ast.Call, scope: Scope, record: dict[str, Any] | None, hook: Hook | None = None, skip: int = 0
) -> tuple[list[Arg], list[Arg], bool]:
    """Positional and keyword arguments of a call, evaluated; ``star`` when ``*a``/``**k`` is present."""
    args: list[Arg] = []
    kwargs: list[Arg] = []
    star = False
    for expr in call.args[skip:]:
        if isinstance(expr, ast.Starred):
            star = True
            continue
        args.append(Arg(ctx.values.value(expr, scope, record, hook), ctx.span(expr)))
    for keyword in call.keywords:
        if keyword.arg is None:
            star = True
            continue
        kwargs.append(Arg(ctx.values.value(keyword.value, scope, record, hook), ctx.span(keyword.value), keyword.arg))
    return args, kwargs, star


def layer_from_call(
    ctx: Context, call: ast.Call, scope: Scope, record: dict[str, Any] | None, name: str | None = None, seen: tuple = ()
) -> LayerCall:
    """A layer constructor call: ``nn.Conv2d(3, 64, 3)``, a nested ``nn.Sequential``, or an unknown call."""
    qualname = ctx.qualname(call.func, scope)
    callee = shorten(ctx.text_of(call.func), 60)
    if qualname == SEQUENTIAL:
        layer = sequential_layer(ctx, call, scope, record, seen)
        return replace(layer, name=name) if name is not None else layer
    if qualname is not None and qualname.startswith("torch."):
        args, kwargs, star = arguments(ctx, call, scope, record)
        return LayerCall(
            callee=callee,
            qualname=qualname,
            span=ctx.span(call),
            args=args,
            kwargs=kwargs,
            star=star,
            name=name,
            code=ctx.text_of(call),
        )
    return LayerCall(
        callee=callee,
        qualname=None,
        span=ctx.span(call),
        name=name,
        reason=f"unknown layer {callee}",
        code=ctx.text_of(call),
    )


def sequential_layer(
    ctx: Context, call: ast.Call, scope: Scope, record: dict[str, Any] | None, seen: tuple = ()
) -> LayerCall:
    """The LayerCall of an ``nn.Sequential(...)`` call (cached: each call is built once)."""
    key = id(call)
    cached = ctx.sequentials.get(key)
    if cached is not None:
        if record is not None:
            record.update(cached[1])
        return cached[0]
    own: dict[str, Any] = {}
    children = _children(ctx, call.args, call.keywords, scope, own, (*seen, key))
    layer = LayerCall(
        callee=shorten(ctx.text_of(call.func), 60),
        qualname=SEQUENTIAL,
        span=ctx.span(call),
        children=children,
        code=ctx.text_of(call),
    )
    ctx.sequentials[key] = (layer, own)
    if record is not None:
        record.update(own)
    return layer


def _children(
    ctx: Context, args: list[ast.expr], keywords: list[ast.keyword], scope: Scope, record: dict[str, Any], seen: tuple
) -> list[LayerCall]:
    """The layers ``nn.Sequential(*args)`` holds: one OrderedDict, or positional layers."""
    first = args[0] if len(args) == 1 else None
    if isinstance(first, ast.Call) and not keywords and ctx.qualname(first.func, scope) in ORDERED_DICTS:
        return _ordered_dict(ctx, first, scope, record, seen)
    children: list[LayerCall] = []
    for expr in args:
        children.extend(entries(ctx, expr, scope, record, seen=seen))
    return children


def _ordered_dict(ctx: Context, od: ast.Call, scope: Scope, record: dict[str, Any], seen: tuple) -> list[LayerCall]:
    if not od.args and not od.keywords:
        return []
    if od.keywords and not od.args:
        out = []
        for keyword in od.keywords:
            if keyword.arg is None:
                out.append(unresolved(ctx, keyword.value, f"**{ctx.short(keyword.value, 40)} cannot be followed"))
            else:
                out.append(layer_from_expr(ctx, keyword.value, scope, record, keyword.arg, seen))
        return out
    if len(od.args) == 1 and not od.keywords and isinstance(od.args[0], (ast.List, ast.Tuple)):
        out = []
        for elt in od.args[0].elts:
            if (
                isinstance(elt, ast.Tuple)
                and len(elt.elts) == 2
                and isinstance(elt.elts[0], ast.Constant)
                and isinstance(elt.elts[0].value, str)
            ):
                out.append(layer_from_expr(ctx, elt.elts[1], scope, record, elt.elts[0].value, seen))
            else:
                out.append(unresolved(ctx, elt, f"OrderedDict entry {ctx.short(elt, 40)} cannot be followed"))
        return out
    return [unresolved(ctx, od, "OrderedDict contents cannot be followed")]


def entries(
    ctx: Context, expr: ast.expr, scope: Scope, record: dict[str, Any], name: str | None = None, seen: tuple = ()
) -> list[LayerCall]:
    """The LayerCalls one argument of ``nn.Sequential`` stands for (a ``*[...]`` literal is several)."""
    if isinstance(expr, ast.Starred):
        inner = expr.value
        if isinstance(inner, (ast.List, ast.Tuple)):
            out: list[LayerCall] = []
            for elt in inner.elts:
                out.extend(entries(ctx, elt, scope, record, None, seen))
            return out
        return [unresolved(ctx, expr, f"*{ctx.short(inner, 60)} cannot be followed", name)]
    return [layer_from_expr(ctx, expr, scope, record, name, seen)]


def layer_from_expr(
    ctx: Context, expr: ast.expr, scope: Scope, record: dict[str, Any] | None, name: str | None = None, seen: tuple = ()
) -> LayerCall:
    """One layer written as an expression: a call, or a variable bound once to a call."""
    expr = _unwrap_self_returning(expr)  # nn.Linear(4, 2).to(device) is the Linear
    if isinstance(expr, ast.Call):
        if ctx.qualname(expr.func, scope) == SEQUENTIAL:
            ctx.consumed.add(id(expr))
        return layer_from_call(ctx, expr, scope, record, name, seen)
    if isinstance(expr, ast.Name):
        layer = _variable(ctx, expr, scope, record, name, seen)
        if layer is not None:
            return layer
    if isinstance(expr, (ast.Name, ast.Attribute)):
        qualname = ctx.qualname(expr, scope)
        if qualname is not None and qualname.startswith("torch.nn.") and qualname.rsplit(".", 1)[1][:1].isupper():
            text = ctx.short(expr, 40)
            return unresolved(ctx, expr, f"{text} is a class, not a layer: call it ({text}())", name)
        if qualname is not None and qualname.startswith("torch."):
            return unresolved(ctx, expr, f"{ctx.short(expr, 40)} is a function, not an nn.Module", name)
        return unresolved(ctx, expr, f"layers given as a variable: {ctx.short(expr, 40)}", name)
    if isinstance(expr, ast.Lambda):
        return unresolved(ctx, expr, "a lambda is not an nn.Module", name)
    if isinstance(expr, ast.Dict):
        return unresolved(ctx, expr, "nn.Sequential does not take a dict; use an OrderedDict", name)
    return unresolved(ctx, expr, f"{ctx.short(expr, 40)} cannot be followed", name)


def _variable(
    ctx: Context, expr: ast.Name, scope: Scope, record: dict[str, Any] | None, name: str | None, seen: tuple
) -> LayerCall | None:
    """``b1`` in ``nn.Sequential(b1, b2)``: bound exactly once, to a call, and never changed after."""
    owner = scope.lookup(expr.id)
    if owner is None:
        return None
    bindings = owner.bindings[expr.id]
    if len(bindings) != 1 or bindings[0].kind != "assign" or expr.id in ctx.index.mutated:
        return None
    value = _unwrap_self_returning(bindings[0].value)
    if not isinstance(value, ast.Call) or id(value) in seen:
        return None
    qualname = ctx.qualname(value.func, bindings[0].scope)
    if qualname is None or not qualname.startswith("torch."):
        return None
    if qualname == SEQUENTIAL:
        ctx.nested.add(id(value))
    layer = layer_from_call(ctx, value, bindings[0].scope, record, None, (*seen, id(value)))
    return replace(layer, name=name if name is not None else expr.id)


def _unwrap_self_returning(node: ast.AST) -> ast.AST:
    while (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SELF_RETURNING
        and isinstance(node.func.value, ast.Call)
    ):
        node = node.func.value
    return node


# --------------------------------------------------------------------------- models


def sequential_models(ctx: Context, sites: list[CallSite]) -> list[ModelDef]:
    """One ModelDef per ``nn.Sequential`` call that is not written inside another one."""
    models: list[ModelDef] = []
    ordered = sorted(
        sites,
        key=lambda s: (s.node.lineno, s.node.col_offset, -(s.node.end_lineno or 0), -(s.node.end_col_offset or 0)),
    )
    for site in ordered:
        if id(site.node) in ctx.consumed:
            continue
        record: dict[str, Any] = {}
        layer = sequential_layer(ctx, site.node, site.scope, record)
        name = model_name(ctx, site)
        layers = list(layer.children or [])
        if not layers:
            continue  # nn.Sequential() filled later, or empty: nothing to check
        mutations = ctx.index.mutated.get(name)
        if mutations:
            if not mutations <= APPENDERS:
                continue  # layers replaced or removed later: the written list is not the model
            op = sorted(mutations)[0]
            layers.append(
                LayerCall(
                    callee=f"{name}.{op}",
                    qualname=None,
                    span=layer.span,
                    reason=f"layers added later with {name}.{op}(...) are not followed",
                )
            )
        stmt = site.stmt if site.stmt is not None else site.node
        model = ModelDef(
            name=name,
            kind="sequential",
            span=ctx.span(stmt),
            layers=layers,
            aliases=ctx.aliases(site.scope),
            constants=record,
        )
        models.append(model)
        ctx.sequential_models[id(site.node)] = model
        ctx.model_nodes[id(model)] = site.node
        if isinstance(site.parent, ast.Return) and site.scope.kind == "function":
            ctx.function_models.setdefault(id(site.scope.node), model)
    return models


def model_name(ctx: Context, site: CallSite) -> str:
    """The assignment target ("net", "self.features"), the function returning it, a keyword, or "Sequential@ROW"."""
    call, parent, stmt = site.node, site.parent, site.stmt
    if (
        isinstance(stmt, (ast.Assign, ast.AnnAssign))
        and stmt.value is not None
        and _unwrap_self_returning(stmt.value) is call
    ):
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
        text = dotted(target)
        return text if text is not None else shorten(ctx.text_of(target), 40)
    if isinstance(parent, ast.Return) and site.scope.kind == "function":
        return site.scope.name
    if isinstance(parent, ast.keyword) and parent.arg:
        return parent.arg
    if isinstance(parent, ast.Call) and call in parent.args:
        func = parent.func
        if isinstance(func, ast.Attribute) and func.attr in ("add_module", "register_module") and len(parent.args) == 2:
            key = parent.args[0]
            receiver = dotted(func.value)
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and receiver:
                return f"{receiver}.{key.value}"
    if isinstance(parent, ast.Dict):
        for key, value in zip(parent.keys, parent.values):
            if value is call and isinstance(key, ast.Constant) and isinstance(key.value, str):
                return key.value
    if isinstance(parent, ast.NamedExpr):
        return parent.target.id
    return f"Sequential@{call.lineno}"


def subclass_models(ctx: Context) -> list[ModelDef]:
    """``class Block(nn.Sequential)`` whose ``__init__`` calls ``super().__init__(layer, ...)``: a model named Block.

    Skipped when the class defines its own ``forward`` or changes its layers
    in a method (``self.append``, ``self.add_module``, ``self[0] = ...``).
    """
    models: list[ModelDef] = []
    for node, scope, _cls_scope in ctx.index.classes:
        if not any(ctx.qualname(base, scope) == SEQUENTIAL for base in node.bases):
            continue
        methods = {s.name: s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
        init = methods.get("__init__")
        if "forward" in methods or not isinstance(init, ast.FunctionDef):
            continue
        fscope = ctx.index.function_scopes.get(id(init))
        if fscope is None or fscope.self_name is None:
            continue
        call, skip = _super_init(ctx, init, fscope)
        if call is None or _changes_itself(node):
            continue
        record: dict[str, Any] = {}
        layers = _children(ctx, call.args[skip:], call.keywords, fscope, record, (id(call),))
        if not layers:
            continue
        model = ModelDef(
            name=node.name,
            kind="sequential",
            span=ctx.span(node),
            layers=layers,
            aliases=ctx.aliases(fscope),
            constants=record,
        )
        models.append(model)
        ctx.class_models[id(node)] = model
        ctx.model_nodes[id(model)] = node
    return models


def _super_init(ctx: Context, init: ast.FunctionDef, fscope: Scope) -> tuple[ast.Call | None, int]:
    """``super().__init__(...)`` (or ``nn.Sequential.__init__(self, ...)``) at the top level of ``__init__``."""
    for stmt in init.body:
        value = stmt.value if isinstance(stmt, ast.Expr) else None
        if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Attribute):
            continue
        func = value.func
        if func.attr != "__init__":
            continue
        if isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name) and func.value.func.id == "super":
            return value, 0
        if ctx.qualname(func.value, fscope) == SEQUENTIAL:
            first = value.args[0] if value.args else None
            if isinstance(first, ast.Name) and first.id == fscope.self_name:
                return value, 1
    return None, 0


def _changes_itself(node: ast.ClassDef) -> bool:
    """Does a method of the class add, replace or remove its layers?"""
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and (sub.func.attr in APPENDERS or sub.func.attr in REWRITERS)
            and isinstance(sub.func.value, ast.Name)
        ):
            return True
        if isinstance(sub, ast.Subscript) and not isinstance(sub.ctx, ast.Load):
            return True
    return False
