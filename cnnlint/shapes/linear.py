"""Linear family: Linear, LazyLinear, Bilinear, Identity.

MACs: one multiply-accumulate per weight per output row, bias not counted
(``numel(out) * in_features``), as torch's FlopCounterMode / 2.
"""

from __future__ import annotations

from cnnlint.shapes.dims import UNKNOWN, Shape, format_shape, is_known, product
from cnnlint.shapes.spec import ArgFix, Args, Count, LayerSpec, Param, ShapeError, int_arg

_FACTORY = (Param("device", None), Param("dtype", None))


def _bias(args: Args) -> int | object:
    bias = args["bias"]
    return UNKNOWN if bias is UNKNOWN else int(bool(bias))


def _linear_out(shape: Shape, out_features: object) -> Shape:
    out = out_features if is_known(out_features) else UNKNOWN
    if shape.is_unknown:
        return Shape(out, open=True)
    return shape.with_dims(shape.dims[:-1] + (out,))


def _check_linear(args: Args) -> None:
    int_arg("Linear", args, "in_features", minimum=0)
    int_arg("Linear", args, "out_features", minimum=0)


def _reject_scalar(name: str, shape: Shape) -> None:
    if shape.rank == 0:
        raise ShapeError("CNL006", f"{name} cannot take a 0-D input")


def _infer_linear(args: Args, shape: Shape) -> Shape:
    in_features = args["in_features"]
    out_features = args["out_features"]
    _reject_scalar("Linear", shape)
    received = shape.dim(-1)
    if is_known(in_features, received) and in_features != received:
        raise ShapeError(*_in_features_message(in_features, shape), recovered=_linear_out(shape, out_features))
    return _linear_out(shape, out_features)


def _in_features_message(in_features: int, shape: Shape) -> tuple[str, str, ArgFix | None]:
    received = shape.dim(-1)
    trail = f" ({shape.note})" if shape.note else ""
    message = f"Linear expects in_features={in_features} but receives {received}{trail}; input {format_shape(shape)}"
    rank = shape.rank
    if rank is not None and rank >= 3:
        # A feature map fed as it is (4-D and up) misses a Flatten; a 3-D input is as often a sequence
        # ``(B, T, C)`` that a Linear takes as it is: the hint only where flattening gives in_features.
        flat = product(shape.dims[1:])
        if rank >= 4 or flat == in_features:
            hint = " x ".join(str(d) for d in shape.dims[1:])
            message += f" is still {rank}-D: is an nn.Flatten() missing before it? ({hint} = {flat})"
        return "CNL001", message, None  # (which dim is wrong is not known: no fix)
    fix = ArgFix("in_features", received, _flatten_factors(shape.note, received))  # type: ignore[arg-type]
    return "CNL001", message + f"; set in_features={received}", fix


def _flatten_factors(note: str | None, received: object) -> tuple[int, ...]:
    """The sizes a Flatten merged into ``received``, read back from its note (``"256 x 5 x 5 after Flatten"``)."""
    if not note or not note.endswith(" after Flatten"):
        return ()
    parts = note[: -len(" after Flatten")].split(" x ")
    if not all(p.isdigit() for p in parts):
        return ()
    factors = tuple(int(p) for p in parts)
    return factors if product(factors) == received else ()


def _linear_params(args: Args, shape: Shape) -> Count:
    i, o, b = args["in_features"], args["out_features"], _bias(args)
    if not is_known(i, o, b):
        return UNKNOWN
    return i * o + o * b


def _linear_macs(args: Args, in_shape: Shape, out_shape: Shape) -> Count:
    n = out_shape.numel()
    i = args["in_features"]
    if not is_known(n, i):
        return UNKNOWN
    return n * i  # type: ignore[operator]


LINEAR = LayerSpec(
    name="Linear",
    params=(Param("in_features"), Param("out_features"), Param("bias", True), *_FACTORY),
    infer=_infer_linear,
    count_params=_linear_params,
    macs=_linear_macs,
    check=_check_linear,
)


def _infer_lazy_linear(args: Args, shape: Shape) -> Shape:
    _reject_scalar("LazyLinear", shape)
    return _linear_out(shape, args["out_features"])


def _lazy_args(args: Args, shape: Shape) -> dict:
    return {"in_features": shape.dim(-1), "out_features": args["out_features"], "bias": args["bias"]}


LAZY_LINEAR = LayerSpec(
    name="LazyLinear",
    params=(Param("out_features"), Param("bias", True), *_FACTORY),
    infer=_infer_lazy_linear,
    count_params=lambda args, shape: _linear_params(_lazy_args(args, shape), shape),
    macs=lambda args, i, o: _linear_macs(_lazy_args(args, i), i, o),
    check=lambda args: int_arg("LazyLinear", args, "out_features", minimum=0) and None,
)


def _check_bilinear(args: Args) -> None:
    for name in ("in1_features", "in2_features", "out_features"):
        int_arg("Bilinear", args, name, minimum=0)


def _bilinear_params(args: Args, shape: Shape) -> Count:
    a, b, o, bias = args["in1_features"], args["in2_features"], args["out_features"], _bias(args)
    if not is_known(a, b, o, bias):
        return UNKNOWN
    return a * b * o + o * bias


BILINEAR = LayerSpec(
    name="Bilinear",
    params=(Param("in1_features"), Param("in2_features"), Param("out_features"), Param("bias", True), *_FACTORY),
    infer=lambda args, shape: Shape.unknown(),
    count_params=_bilinear_params,
    check=_check_bilinear,
    chainable=False,
)

IDENTITY = LayerSpec(
    name="Identity",
    params=(Param("*args"), Param("**kwargs")),
    infer=lambda args, shape: shape,
    accepts_extra=True,
)

SPECS = [LINEAR, LAZY_LINEAR, BILINEAR, IDENTITY]
