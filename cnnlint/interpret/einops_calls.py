"""einops in model code: ``rearrange``/``repeat``/``reduce`` calls and the ``Rearrange``/``Reduce`` layers.

The shapes are ``cnnlint.shapes.einops_patterns``'s; here the arguments are
read (the pattern, the reduction, axis lengths as keywords) and the result
or the error is recorded where it is written. A pattern that is not a known
string, or a form not modelled, is an unknown tensor with a CNL100.
"""

from __future__ import annotations

from typing import Any

from cnnlint.interpret.tensor_operators import unknown_tensor
from cnnlint.interpret.values import UNKNOWN, TensorVal, TorchLayer
from cnnlint.shapes.einops_layers import EINOPS_LAYERS
from cnnlint.shapes.einops_patterns import NotModelled, transform
from cnnlint.shapes.spec import Layer, ShapeError

FUNCTIONS = frozenset({"rearrange", "repeat", "reduce"})


def _lengths(kwargs: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, v) for k, v in kwargs.items() if k not in ("pattern", "reduction", "tensor")))


def call(session: Any, interp: Any, name: str, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    """``einops.rearrange(x, "b c h w -> b (h w) c")`` and friends; UNKNOWN for the rest of einops."""
    short = name.rsplit(".", 1)[-1]
    if name.startswith("einops.layers."):
        return layer(session, interp, name, short, args, kwargs, node) if short in EINOPS_LAYERS else UNKNOWN
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
        return unknown_tensor()
    return TensorVal(out, integer=x.integer and short != "reduce", tainted=x.tainted)


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
