"""einops in model code: ``rearrange``/``repeat``/``reduce``/``pack``/``unpack`` calls, ``Rearrange``/``Reduce`` layers.

The shapes are ``cnnlint.shapes.einops_patterns``'s; here the arguments are
read (the pattern, the reduction, axis lengths as keywords) and the result
or the error is recorded where it is written. A pattern that is not a known
string, or a form not modelled, is an unknown tensor with a CNL100.
"""

from __future__ import annotations

from cnnlint.interpret.tensor_api import shape_tuple
from cnnlint.interpret.tensor_operators import unknown_tensor
from cnnlint.interpret.values import UNKNOWN, ListVal, Sym, TensorVal, TorchLayer
from cnnlint.shapes import einops_packing
from cnnlint.shapes.dims import Dim, Shape, is_known
from cnnlint.shapes.einops_layers import EINOPS_LAYERS
from cnnlint.shapes.einops_patterns import NotModelled, transform
from cnnlint.shapes.spec import Layer, ShapeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FUNCTIONS = frozenset({"rearrange", "repeat", "reduce"})


def _lengths(kwargs: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, v) for k, v in kwargs.items() if k not in ("pattern", "reduction", "tensor")))


def call(session: Any, interp: Any, name: str, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    """``einops.rearrange(x, "b c h w -> b (h w) c")`` and friends; UNKNOWN for the rest of einops."""
    short = name.rsplit(".", 1)[-1]
    if name.startswith("einops.layers."):
        return layer(session, interp, name, short, args, kwargs, node) if short in EINOPS_LAYERS else UNKNOWN
    if short == "pack":
        return pack(session, interp, args, kwargs, node)
    if short == "unpack":
        return unpack(session, interp, args, kwargs, node)
    if short == "einsum":
        return _einsum(session, interp, args, kwargs, node)
    if short not in FUNCTIONS:
        return UNKNOWN
    x = args[0] if args else kwargs.get("tensor")
    pattern = args[1] if len(args) > 1 else kwargs.get("pattern")
    if not isinstance(x, TensorVal):
        return UNKNOWN
    if not isinstance(pattern, str):
        session.forward.stop(interp, node, f"shape following stops here: the pattern of einops.{short} is not known")
        return unknown_tensor()
    try:
        out = transform(short, x.shape, pattern, dict(_lengths(kwargs)), f"{short}({pattern!r})")
    except NotModelled as why:
        session.forward.stop(interp, node, f"shape following stops here: einops.{short} with {why} is not modelled")
        return unknown_tensor()
    except ShapeError as err:
        if not x.tainted:
            session.forward.op_error(interp, err, node, f"einops.{short}")
        return unknown_tensor(x.tainted)
    return TensorVal(out, integer=x.integer and short != "reduce", tainted=x.tainted)


def _einsum(session: Any, interp: Any, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    """``einops.einsum(q, k, "b h i d, b h j d -> b h i j")``: torch's einsum under named axes (einops calls it)."""
    from cnnlint.interpret import einsum

    if kwargs or len(args) < 2 or not all(isinstance(t, TensorVal) for t in args[:-1]):
        return UNKNOWN if not any(isinstance(t, TensorVal) for t in args) else unknown_tensor()
    pattern = args[-1]
    equation = einsum.einops_equation(pattern) if isinstance(pattern, str) else None
    if equation is None:
        why = "its pattern is not known" if not isinstance(pattern, str) else f"the pattern {pattern!r} is not modelled"
        session.forward.stop(interp, node, f"shape following stops here: einops.einsum: {why}")
        return unknown_tensor()
    out = einsum.einsum(session, interp, [equation, *args[:-1]], node, shown=pattern)
    rec = session.forward.recording
    if out.shape.open and rec is not None and not rec.stops and not any(t.tainted or t.shape.open for t in args[:-1]):
        session.forward.stop(interp, node, "shape following stops here: einops.einsum is not followed")
    return out


def pack(session: Any, interp: Any, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    """``x, ps = einops.pack([cls_tokens, x], "b * d")``: the packed tensor and the packed shapes."""
    seq = args[0] if args else kwargs.get("tensors")
    pattern = args[1] if len(args) > 1 else kwargs.get("pattern")
    items = interp.iterate(seq, None) if isinstance(seq, (tuple, ListVal)) else None
    if not isinstance(pattern, str):
        session.forward.stop(interp, node, "shape following stops here: the pattern of einops.pack is not known")
        return (unknown_tensor(), UNKNOWN)
    if items is None or not all(isinstance(t, TensorVal) for t in items):
        return (unknown_tensor(), UNKNOWN)
    tainted = any(t.tainted for t in items)
    try:
        shape, packed = einops_packing.pack([t.shape for t in items], pattern)
    except ShapeError as err:
        if not tainted:
            session.forward.op_error(interp, err, node, "einops.pack")
        return (unknown_tensor(), UNKNOWN)
    shapes = ListVal([UNKNOWN if p is None else shape_tuple(Shape(*p)) for p in packed])
    integer, mask = all(t.integer for t in items), all(t.mask for t in items)
    return (TensorVal(shape, integer, tainted=tainted, mask=mask), shapes)


def unpack(session: Any, interp: Any, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    """``cls, x = einops.unpack(x, ps, "b * d")``: one tensor per packed shape, split back along ``*``."""
    x = args[0] if args else kwargs.get("tensor")
    given = args[1] if len(args) > 1 else kwargs.get("packed_shapes")
    pattern = args[2] if len(args) > 2 else kwargs.get("pattern")
    if not isinstance(pattern, str):
        session.forward.stop(interp, node, "shape following stops here: the pattern of einops.unpack is not known")
        return UNKNOWN
    items = interp.iterate(given, None) if isinstance(given, (tuple, ListVal)) else None
    if not isinstance(x, TensorVal) or items is None:
        return UNKNOWN
    try:
        shapes = einops_packing.unpack(x.shape, [_packed_shape(interp, p) for p in items], pattern)
    except ShapeError as err:
        if not x.tainted:
            session.forward.op_error(interp, err, node, "einops.unpack")
        return ListVal([unknown_tensor() for _ in items])
    return ListVal([TensorVal(s, x.integer, tainted=x.tainted, mask=x.mask) for s in shapes])


def _packed_shape(interp: Any, value: Any) -> tuple[Dim, ...] | None:
    """One packed shape given to ``unpack`` (a tuple or list of sizes) as dims; None when not known."""
    if not isinstance(value, (tuple, ListVal)):
        return None
    sizes = interp.iterate(value, None)
    if sizes is None:
        return None
    return tuple(_dim(s) for s in sizes)


def _dim(value: Any) -> Dim:
    if is_known(value):
        return value  # type: ignore[no-any-return]
    return str(value) if isinstance(value, Sym) else UNKNOWN


def layer(session: Any, interp: Any, name: str, short: str, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    """``Rearrange("b c h w -> b (h w) c")``: a layer of the model, shown and counted like torch's."""
    spec = EINOPS_LAYERS[short]
    origin = session.origin(node, interp)
    call_record = session.layer_call(interp, node, name, args, kwargs)
    bound: dict[str, Any] = {
        "pattern": args[0] if args else kwargs.get("pattern"),
        "axes_lengths": _lengths(kwargs),
    }
    if short == "Reduce":
        bound["reduction"] = args[1] if len(args) > 1 else kwargs.get("reduction")
    built = Layer(spec, bound, origin=call_record)
    result = TorchLayer(spec, bound, origin, short)
    result.maybe = interp.forking  # type: ignore[attr-defined]
    result.owner = session.constructing[-1] if session.constructing else None  # type: ignore[attr-defined]
    result.built = built  # type: ignore[attr-defined]
    origin.call = call_record
    session.layer_built(result)
    return result
