"""What the torch worker is sent for one model: each trace step as a plain-data node (a layer's
constructor text, an op and its resolved arguments, or "stop" with the reason the check skips it)."""

from __future__ import annotations

from collections.abc import Mapping

from cnnlint.runtime_expr import Unsafe, plain, validate

TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    from cnnlint.check import ModelResult
    from cnnlint.model import LayerCall
    from cnnlint.shapes.dims import Shape
    from cnnlint.shapes.propagate import Step

# Test hook: model name -> seconds the worker sleeps before checking it.
_test_delays: dict[str, float] = {}


def _static_dims(shape: Shape) -> tuple | None:
    """A shape the static pass fully knows, symbols run as 1; None otherwise."""
    from cnnlint.shapes.dims import is_known

    if shape.open:
        return None
    dims = []
    for d in shape.dims:
        if isinstance(d, str):
            dims.append(1)
        elif is_known(d):
            dims.append(d)
        else:
            return None
    return tuple(dims)


def _value(value: Any) -> Any:
    """A resolved argument as plain data for the worker; raises Unsafe when it is not."""
    from cnnlint.shapes.tensor_ops import SizeOf

    if isinstance(value, SizeOf):
        return {"size": value.index}
    if isinstance(value, tuple):
        return tuple(_value(v) for v in value)
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, (int, float, bool, str, type(None))):
        return value
    raise Unsafe("an argument is not a value cnnlint resolved")


def _op_args(call: LayerCall) -> tuple[list, dict]:
    from cnnlint.shapes.dims import UNKNOWN

    args = [_value(a.value) for a in call.args]
    kwargs = {}
    for a in call.kwargs:
        if a.keyword is None:
            raise Unsafe("it passes arguments with **")
        if a.value is UNKNOWN and a.keyword in ("training", "inplace"):
            continue  # does not change the shape
        kwargs[a.keyword] = _value(a.value)
    return args, kwargs


def _node(step: Step, aliases: Mapping[str, str], constants: Mapping[str, Any]) -> dict:
    """What the worker does at one step; a "stop" node carries the reason."""
    from cnnlint.build import FUNCTIONAL, IDENTITY_METHODS, TORCH_FUNCS
    from cnnlint.shapes.tensor_ops import factors

    layer = step.layer
    call = layer.origin
    node: dict[str, Any] = {"in": _static_dims(step.in_shape)}
    if layer.spec is not None and layer.spec.integer_input:
        node["integer_input"] = True
    if layer.children is not None:
        node.update(kind="seq", children=[])
        return node
    qualname = getattr(call, "qualname", None)
    try:
        if call is None or qualname is None:
            raise Unsafe(getattr(call, "reason", None) or "it is not a torch layer cnnlint knows")
        if getattr(call, "star", False):
            raise Unsafe("its arguments are given with * or **")
        if qualname.startswith("torch.nn.functional."):
            name = qualname.rsplit(".", 1)[1]
            if name not in FUNCTIONAL:
                raise Unsafe(f"{call.callee} is not an op cnnlint follows")
            args, kwargs = _op_args(call)
            node.update(kind="func", namespace="torch.nn.functional", name=name, args=args, kwargs=kwargs)
        elif qualname.startswith("torch.nn."):
            if layer.spec is not None and layer.spec.inputs > 1 and not step.stopped:
                raise Unsafe(f"{layer.spec.name} takes {layer.spec.inputs} inputs; the check feeds each layer one")
            code = (call.code or "").strip()
            if not code:
                raise Unsafe("its source text is not available")
            validate(code, aliases, constants)
            node.update(kind="module", code=code)
        elif qualname.startswith("Tensor."):
            name = qualname[len("Tensor.") :]
            if name in IDENTITY_METHODS:
                node.update(kind="identity")
            elif name in ("view", "reshape", "flatten") or name in TORCH_FUNCS or name in FUNCTIONAL:
                args, kwargs = _op_args(call)
                if name in ("view", "reshape"):  # a symbolic size read from the input (x.size(0)) runs as 1
                    args = [factors(a)[0] if isinstance(a, str) else a for a in args]  # and "64*B" as 64
                node.update(kind="method", name=name, args=args, kwargs=kwargs)
            else:
                raise Unsafe(f"{call.callee} is not an op cnnlint follows")
        elif qualname in ("torch.flatten",) or (
            qualname.startswith("torch.") and qualname[len("torch.") :] in TORCH_FUNCS
        ):
            args, kwargs = _op_args(call)
            node.update(kind="func", namespace="torch", name=qualname[len("torch.") :], args=args, kwargs=kwargs)
        else:
            raise Unsafe(f"{call.callee} is not a torch layer cnnlint knows")
    except Unsafe as why:
        node.update(kind="stop", reason=str(why))
    return node


def _plan(mr: ModelResult) -> tuple[dict, list[tuple[Any, str]], tuple[str, ...]]:
    """The worker's request for one model, the CNL100 notes, the symbolic dims run as 1."""
    model = mr.model
    aliases = {k: v for k, v in (model.aliases or {}).items() if isinstance(v, str)}
    constants = {k: v for k, v in (model.constants or {}).items() if isinstance(k, str) and plain(v)}
    notes: list[tuple[Any, str]] = []
    roots: list[dict] = []
    stack: list[tuple[int, list[dict]]] = [(-1, roots)]
    for step in mr.trace.steps:
        node = _node(step, aliases, constants)
        while stack[-1][0] >= step.depth:
            stack.pop()
        stack[-1][1].append(node)
        if node["kind"] == "seq":
            stack.append((step.depth, node["children"]))
        if node["kind"] == "stop" and step.layer.spec is not None:
            span = getattr(step.layer.origin, "span", None) or model.span
            notes.append((span, f"runtime check skips this layer: {node['reason']}"))
    dims = tuple(model.input.dims) if model.input is not None else None
    symbols: tuple[str, ...] = ()
    if dims is not None:
        symbols = tuple(dict.fromkeys(d for d in dims if isinstance(d, str)))
        dims = tuple(1 if isinstance(d, str) else d for d in dims)
    first = _first_leaf(mr.trace.steps)
    request = {
        "op": "check",
        "aliases": aliases,
        "constants": constants,
        "input": dims,
        "integer_input": bool(first is not None and first.layer.spec is not None and first.layer.spec.integer_input),
        "nodes": roots,
    }
    delay = _test_delays.get(model.name)
    if delay:
        request["delay"] = delay
    return request, notes, symbols


def _first_leaf(steps: list[Step]) -> Step | None:
    for step in steps:
        if step.layer.children is None:
            return step
    return None


def _runs_anything(nodes: list[dict]) -> bool:
    return any(n["kind"] != "stop" and (n["kind"] != "seq" or _runs_anything(n["children"])) for n in nodes)
