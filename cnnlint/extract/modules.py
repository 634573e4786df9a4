"""``nn.Module`` subclasses with a straight-line ``forward`` (SPEC §1.2).

The model is the chain of calls the input goes through in ``forward``, in
execution order:

- ``self.conv1(x)`` -> the LayerCall built from ``self.conv1 = nn.Conv2d(...)``
  in ``__init__`` (``name="conv1"``; a Sequential keeps its children);
- ``F.relu(x)``, ``F.max_pool2d(x, 2)``, ``torch.flatten(x, 1)`` -> a LayerCall
  with the function's qualname; the tensor argument is dropped, the others kept;
- ``x.view(x.size(0), -1)``, ``x.flatten(1)``, ``x.relu()`` -> qualname
  ``"Tensor.view"`` etc. ``x.size(i)`` / ``x.shape[i]`` of the incoming
  tensor is written ``SizeOf(i)`` (``cnnlint.shapes.tensor_ops``); ``-1`` stays -1.

``forward(self, x)`` is followed statement by statement: assignments that
rebind the input (``x = ...``) or start a new name from it (``out = ...``),
and the final ``return``. At the first statement or expression that is not
part of one chain (an ``if``/``for``/``with``/``try``, a residual ``x + y``,
a call to something that is neither a layer, a torch function nor a tensor
method, a second input), the chain ends with an entry whose ``qualname`` is
None and whose reason is ``"forward is not straight-line at line N (...)"``;
nothing after it is extracted. A forward from which nothing can be extracted
yields no model.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Any

from cnnlint.extract.context import Context, shorten
from cnnlint.extract.model import LayerCall, ModelDef
from cnnlint.extract.scopes import Scope
from cnnlint.extract.sequential import SEQUENTIAL, arguments, layer_from_expr
from cnnlint.extract.values import NOT_HANDLED
from cnnlint.shapes.dims import UNKNOWN
from cnnlint.shapes.tensor_ops import SizeOf

MODULE = "torch.nn.Module"
_STATEMENTS = {
    ast.If: "an if statement",
    ast.For: "a for loop",
    ast.AsyncFor: "a for loop",
    ast.While: "a while loop",
    ast.With: "a with block",
    ast.AsyncWith: "a with block",
    ast.Try: "a try block",
    ast.Raise: "a raise statement",
    ast.FunctionDef: "a nested function",
    ast.AsyncFunctionDef: "a nested function",
    ast.ClassDef: "a nested class",
    ast.Delete: "a del statement",
    ast.Global: "a global statement",
    ast.Nonlocal: "a nonlocal statement",
    ast.Import: "an import",
    ast.ImportFrom: "an import",
}
if hasattr(ast, "Match"):
    _STATEMENTS[ast.Match] = "a match statement"
if hasattr(ast, "TryStar"):
    _STATEMENTS[ast.TryStar] = "a try block"


def module_classes(ctx: Context) -> list[tuple[ast.ClassDef, Scope, Scope]]:
    """Classes deriving from nn.Module, directly (any spelling) or through another such class in the file."""
    found: set[int] = set()
    classes = ctx.index.classes
    changed = True
    while changed:
        changed = False
        for node, scope, _inner in classes:
            if id(node) in found:
                continue
            for base in node.bases:
                if ctx.qualname(base, scope) == MODULE or (
                    isinstance(base, ast.Name) and id(ctx.index.definition(base.id, scope)) in found
                ):
                    found.add(id(node))
                    changed = True
                    break
    return [entry for entry in classes if id(entry[0]) in found]


def class_models(ctx: Context) -> list[ModelDef]:
    models = []
    for node, scope, cls_scope in module_classes(ctx):
        model = ClassModel(ctx, node, scope, cls_scope).build()
        if model is not None:
            models.append(model)
            ctx.class_models[id(node)] = model
            ctx.model_nodes[id(model)] = node
    return models


class _Stop(Exception):
    def __init__(self, node: ast.AST, what: str) -> None:
        super().__init__(what)
        self.node = node
        self.what = what


class ClassModel:
    """Builds the ModelDef of one nn.Module subclass."""

    def __init__(self, ctx: Context, node: ast.ClassDef, scope: Scope, cls_scope: Scope) -> None:
        self.ctx = ctx
        self.node = node
        self.scope = scope
        self.cls_scope = cls_scope
        self.methods = {s.name: s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
        self.record: dict[str, Any] = {}
        self.out: list[LayerCall] = []
        self.live: set[str] = set()  # names holding the current value of the chain
        self.tensors: dict[str, int] = {}  # name -> chain position of the value it holds
        self.sizes: dict[str, tuple[int, int]] = {}  # b = x.size(0): name -> (chain position, index)
        self._layers: dict[str, tuple[str, Any]] = {}

    # ------------------------------------------------------------------ model

    def build(self) -> ModelDef | None:
        forward = self.methods.get("forward")
        if not isinstance(forward, ast.FunctionDef):
            return None
        fscope = self.ctx.index.function_scopes.get(id(forward))
        if fscope is None or fscope.self_name is None:
            return None
        self.forward = forward
        self.fscope = fscope
        self.self_name = fscope.self_name
        args = forward.args
        positional = [*args.posonlyargs, *args.args]
        if len(positional) < 2:
            return None
        required = len(positional) - len(args.defaults)
        if required > 2 or any(d is None for d in args.kw_defaults):
            self.out.append(self._stop_entry(_Stop(forward, "forward takes more than one input")))
        else:
            x = positional[1].arg
            self.live = {x}
            self.tensors = {x: 0}
            self._run(forward.body)
        if not any(layer.qualname is not None for layer in self.out):
            return None
        return ModelDef(
            name=self.node.name,
            kind="module",
            span=self.ctx.span(self.node),
            layers=self.out,
            aliases=self.ctx.aliases(fscope),
            constants=self.record,
        )

    def _run(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            try:
                if self._statement(stmt):
                    return
            except _Stop as stop:
                self.out.append(self._stop_entry(stop))
                return

    def _stop_entry(self, stop: _Stop) -> LayerCall:
        node = stop.node
        first_line = self.ctx.lines.line(node.lineno).strip()  # type: ignore[attr-defined]
        callee = shorten(first_line if isinstance(node, ast.stmt) else self.ctx.text_of(node), 60)
        return LayerCall(
            callee=callee,
            qualname=None,
            span=self.ctx.span(node),
            reason=f"forward is not straight-line at line {node.lineno} ({stop.what})",  # type: ignore[attr-defined]
        )

    # ------------------------------------------------------------------ statements

    def _statement(self, stmt: ast.stmt) -> bool:
        """Follow one statement; True when the forward is finished (a return)."""
        kind = type(stmt)
        if kind is ast.Pass or kind is ast.Assert:
            return False
        if kind is ast.Expr:
            value = stmt.value  # type: ignore[attr-defined]
            if isinstance(value, ast.Constant):
                return False  # docstring, ...
            if (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Name)
                and value.func.id == "print"
                and self.fscope.lookup("print") is None
            ):
                return False
            raise _Stop(stmt, "an expression statement")
        if kind is ast.Assign:
            targets = stmt.targets  # type: ignore[attr-defined]
            value = stmt.value  # type: ignore[attr-defined]
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                self._assign(targets[0].id, value, stmt)
                return False
            if (
                len(targets) == 1
                and isinstance(targets[0], (ast.Tuple, ast.List))
                and self._shape_unpack(targets[0], value)
            ):
                return False
            if self._tensor_names(value) or any(self._tensor_names(t) for t in targets):
                raise _Stop(stmt, "an assignment to several targets")
            return False
        if kind is ast.AnnAssign:
            target = stmt.target  # type: ignore[attr-defined]
            value = stmt.value  # type: ignore[attr-defined]
            if value is None:
                return False
            if isinstance(target, ast.Name):
                self._assign(target.id, value, stmt)
                return False
            raise _Stop(stmt, "an assignment to an attribute")
        if kind is ast.AugAssign:
            target = stmt.target  # type: ignore[attr-defined]
            if self._tensor_names(target) or self._tensor_names(stmt.value):  # type: ignore[attr-defined]
                raise _Stop(stmt, "an in-place update")
            if isinstance(target, ast.Name):
                self.sizes.pop(target.id, None)
            return False
        if kind is ast.Return:
            value = stmt.value  # type: ignore[attr-defined]
            if value is None:
                raise _Stop(stmt, "returns nothing")
            if isinstance(value, ast.Tuple):
                raise _Stop(stmt, "returns several values")
            self._chain(value)
            return True
        raise _Stop(stmt, _STATEMENTS.get(kind, f"a {kind.__name__} statement"))

    def _assign(self, name: str, value: ast.expr, stmt: ast.stmt) -> None:
        if isinstance(value, ast.Name) and value.id in self.live:
            self.live.add(name)
            self.tensors[name] = self.tensors[value.id]
            self.sizes.pop(name, None)
            return
        query = self._size_query(value)
        if query is not None:
            tensor, index_node = query
            self._forget(name)
            index = None if index_node is None else self.ctx.values.value(index_node, self.fscope)
            if isinstance(index, int) and not isinstance(index, bool):
                self.sizes[name] = (self.tensors[tensor], index)
            return
        if not self._tensor_names(value):
            self._forget(name)  # a plain local: its value comes from the scope's bindings
            return
        self._chain(value)
        self.sizes.pop(name, None)
        self.live = {name}
        self.tensors[name] = len(self.out)

    def _forget(self, name: str) -> None:
        self.live.discard(name)
        self.tensors.pop(name, None)
        self.sizes.pop(name, None)

    def _shape_unpack(self, target: ast.Tuple | ast.List, value: ast.expr) -> bool:
        """``b, c, h, w = x.size()`` / ``x.shape``: names for the sizes of the current tensor."""
        query = self._size_query(value)
        if query is None or query[1] is not None:
            return False
        position = self.tensors[query[0]]
        for i, elt in enumerate(target.elts):
            if not isinstance(elt, ast.Name):
                return False
            self._forget(elt.id)
            self.sizes[elt.id] = (position, i)
        return True

    # ------------------------------------------------------------------ expressions

    def _tensor_names(self, node: ast.AST) -> set[str]:
        found = set()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub.id in self.tensors:
                found.add(sub.id)
        return found

    def _size_query(self, node: ast.AST) -> tuple[str, ast.expr | None] | None:
        """``t.size(i)``, ``t.shape[i]``, ``t.size()[i]`` -> (t, i); ``t.size()``, ``t.shape`` -> (t, None)."""
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
            whole = self._size_query(node.value)
            if whole is not None and whole[1] is None:
                return whole[0], node.slice  # type: ignore[return-value]
            return None
        if isinstance(node, ast.Attribute) and node.attr == "shape":
            base = node.value
            if isinstance(base, ast.Name) and base.id in self.tensors:
                return base.id, None
            return None
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "size"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in self.tensors
            and not node.keywords
        ):
            if not node.args:
                return node.func.value.id, None
            if len(node.args) == 1 and not isinstance(node.args[0], ast.Starred):
                return node.func.value.id, node.args[0]
        return None

    def _hook(self, node: ast.AST) -> Any:
        """Argument values inside forward: sizes of tensors become SizeOf(i) where that is certain."""
        if isinstance(node, ast.Name):
            if node.id in self.sizes:
                return self._size_of(*self.sizes[node.id])
            if node.id in self.tensors:
                return UNKNOWN
            return NOT_HANDLED
        if isinstance(node, (ast.Call, ast.Subscript, ast.Attribute)):
            query = self._size_query(node)
            if query is not None:
                tensor, index_node = query
                if index_node is None:
                    return UNKNOWN
                index = self.ctx.values.value(index_node, self.fscope)
                if not isinstance(index, int) or isinstance(index, bool):
                    return UNKNOWN
                return self._size_of(self.tensors[tensor], index)
        return NOT_HANDLED

    def _size_of(self, position: int, index: int) -> Any:
        """``SizeOf(index)`` of the tensor entering the op being built, when the queried value equals it there."""
        if position == len(self.out):
            return SizeOf(index)
        if index == 0 and all((layer.qualname or "").startswith("torch.nn.") for layer in self.out[position:]):
            return SizeOf(0)  # layers and functional ops keep the batch dimension
        return UNKNOWN

    def _chain(self, node: ast.expr) -> None:
        """Append the calls ``node`` applies to the current value, innermost first; _Stop when it is not a chain."""
        if isinstance(node, ast.Name):
            if node.id in self.live:
                return
            if node.id in self.tensors:
                raise _Stop(node, f"uses {node.id}, an earlier value")
            raise _Stop(node, f"{node.id} is not the input")
        if isinstance(node, ast.Call):
            self._call(node)
            return
        if isinstance(node, ast.BinOp):
            both = self._tensor_names(node.left) and self._tensor_names(node.right)
            raise _Stop(
                node, "combines two tensors (a residual or skip connection)" if both else "arithmetic on the tensor"
            )
        if isinstance(node, (ast.Tuple, ast.List)):
            raise _Stop(node, "several tensors")
        if isinstance(node, ast.Subscript):
            raise _Stop(node, "indexes the tensor")
        raise _Stop(node, f"{shorten(self.ctx.text_of(node), 40)} is not a layer call")

    def _call(self, node: ast.Call) -> None:
        ctx = self.ctx
        func = node.func
        # self.layer(x)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == self.self_name:
            attr = func.attr
            if attr in self.methods:
                raise _Stop(node, f"calls the method self.{attr}()")
            if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
                raise _Stop(node, f"self.{attr} is called with more than one input")
            self._chain(node.args[0])
            self.out.append(self._layer(attr, node))
            return
        # nn.ReLU()(x): a layer built inline
        if isinstance(func, ast.Call):
            qualname = ctx.qualname(func.func, self.fscope)
            if qualname and qualname.startswith("torch.nn.") and qualname.rsplit(".", 1)[1][:1].isupper():
                if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
                    raise _Stop(node, f"{ctx.short(func.func, 40)} is called with more than one input")
                self._chain(node.args[0])
                self.out.append(layer_from_expr(ctx, func, self.fscope, self.record))
                return
            raise _Stop(node, f"calls {ctx.short(func, 40)}")
        qualname = ctx.qualname(func, self.fscope)
        if qualname is not None:
            last = qualname.rsplit(".", 1)[1]
            is_function = last[:1].islower() and (
                qualname.startswith("torch.nn.functional.")
                or qualname.count(".") == 1
                and qualname.startswith("torch.")
            )
            if not is_function:
                raise _Stop(node, f"calls {ctx.short(func, 40)}")
            self._functional(node, qualname)
            return
        if isinstance(func, ast.Attribute) and self._tensor_names(func.value):
            self._chain(func.value)
            args, kwargs, star = arguments(ctx, node, self.fscope, self.record, self._hook)
            base = func.value
            callee = f"{base.id}.{func.attr}" if isinstance(base, ast.Name) else f"Tensor.{func.attr}"
            start = node if isinstance(base, ast.Name) else None
            span = ctx.span(node) if start is not None else self._attr_span(node, func)
            self.out.append(
                LayerCall(
                    callee=callee,
                    qualname=f"Tensor.{func.attr}",
                    span=span,
                    args=args,
                    kwargs=kwargs,
                    star=star,
                    code=ctx.text_of(node),
                )
            )
            return
        raise _Stop(node, f"calls {ctx.short(func, 40)}")

    def _attr_span(self, node: ast.Call, func: ast.Attribute) -> Any:
        """The span of ``flatten(1)`` in ``self.pool(x).flatten(1)``: from the method name to the call's end."""
        span = self.ctx.span(node)
        end = self.ctx.lines.end(func)
        start = type(end)(end.row, max(1, end.column - len(func.attr)))
        return type(span)(start, span.end)

    def _functional(self, node: ast.Call, qualname: str) -> None:
        ctx = self.ctx
        tensor: ast.expr | None = None
        skip = 0
        keywords = node.keywords
        if node.args and not isinstance(node.args[0], ast.Starred):
            tensor, skip = node.args[0], 1
        else:
            for keyword in keywords:
                if keyword.arg == "input":
                    tensor = keyword.value
        if tensor is None:
            raise _Stop(node, f"{ctx.short(node.func, 40)} is not given the tensor")
        self._chain(tensor)
        args, kwargs, star = arguments(ctx, node, self.fscope, self.record, self._hook, skip=skip)
        if skip == 0:
            kwargs = [a for a, k in zip(kwargs, [k for k in keywords if k.arg is not None]) if k.arg != "input"]
        self.out.append(
            LayerCall(
                callee=ctx.short(node.func, 60),
                qualname=qualname,
                span=ctx.span(node),
                args=args,
                kwargs=kwargs,
                star=star,
                code=ctx.text_of(node),
            )
        )

    # ------------------------------------------------------------------ layers from __init__

    def _layer(self, attr: str, use: ast.Call) -> LayerCall:
        kind, value = self._definition(attr)
        if kind == "layer":
            layer: LayerCall = value
            if layer.children is not None and layer.qualname == SEQUENTIAL:
                node = self._defining_call(attr)
                if node is not None:
                    self.ctx.nested.add(id(node))
            return replace(layer, name=attr)
        if kind == "function":
            args, kwargs, star = arguments(self.ctx, use, self.fscope, self.record, self._hook, skip=1)
            return LayerCall(
                callee=f"self.{attr}",
                qualname=value,
                span=self.ctx.span(use),
                args=args,
                kwargs=kwargs,
                star=star,
                name=attr,
                code=self.ctx.text_of(use),
            )
        return LayerCall(
            callee=f"self.{attr}",
            qualname=None,
            span=self.ctx.span(use),
            name=attr,
            reason=value,
            code=self.ctx.text_of(use),
        )

    def _definition(self, attr: str) -> tuple[str, Any]:
        """("layer", LayerCall) | ("function", qualname) | ("unknown", reason) for ``self.attr``."""
        cached = self._layers.get(attr)
        if cached is not None:
            return cached
        result = self._find_definition(attr)
        self._layers[attr] = result
        return result

    def _assignments(self, attr: str) -> list[tuple[ast.expr | None, ast.stmt | None, Scope]]:
        found = []
        for method in self.cls_scope.children:
            if method.self_name is None:
                continue
            for value, stmt in method.attr_assigns.get((method.self_name, attr), ()):
                found.append((value, stmt, method))
        return found

    def _find_definition(self, attr: str) -> tuple[str, Any]:
        assigns = self._assignments(attr)
        init = self.methods.get("__init__")
        if not assigns:
            return "unknown", f"self.{attr} is not assigned a layer in __init__"
        if len(assigns) > 1:
            return "unknown", f"self.{attr} is assigned more than once"
        value, stmt, method = assigns[0]
        if method.node is not init or not method.is_top_level(stmt):
            return "unknown", f"self.{attr} is assigned conditionally or outside __init__"
        if f"{self.self_name}.{attr}" in self.ctx.index.mutated or f"self.{attr}" in self.ctx.index.mutated:
            mutations = self.ctx.index.mutated.get(f"self.{attr}", set())
            if not mutations <= {"append", "extend", "add_module", "register_module"} or value is None:
                return "unknown", f"self.{attr} is changed after it is built"
        if value is None:
            return "unknown", f"self.{attr} cannot be followed"
        if isinstance(value, (ast.Name, ast.Attribute)):
            qualname = self.ctx.qualname(value, method)
            if (
                qualname
                and qualname.rsplit(".", 1)[1][:1].islower()
                and (qualname.startswith("torch.nn.functional.") or qualname.count(".") == 1)
            ):
                return "function", qualname
        layer = layer_from_expr(self.ctx, value, method, self.record)
        if f"self.{attr}" in self.ctx.index.mutated and layer.children is not None:
            op = sorted(self.ctx.index.mutated[f"self.{attr}"])[0]
            extra = LayerCall(
                callee=f"self.{attr}.{op}",
                qualname=None,
                span=layer.span,
                reason=f"layers added later with self.{attr}.{op}(...) are not followed",
            )
            layer = replace(layer, children=[*layer.children, extra])
        return "layer", layer

    def _defining_call(self, attr: str) -> ast.Call | None:
        assigns = self._assignments(attr)
        if len(assigns) == 1 and isinstance(assigns[0][0], ast.Call):
            return assigns[0][0]
        if len(assigns) == 1 and isinstance(assigns[0][0], ast.Name):
            owner = assigns[0][2].lookup(assigns[0][0].id)
            if owner is not None:
                bindings = owner.bindings[assigns[0][0].id]
                if len(bindings) == 1 and isinstance(bindings[0].value, ast.Call):
                    return bindings[0].value
        return None
