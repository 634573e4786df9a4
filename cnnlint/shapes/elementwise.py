"""Elementwise family: dropouts, activations, softmaxes, GLU.

Almost all of these keep the shape: their ``infer`` returns the incoming
``Shape`` object itself, so a ``note`` ("256 x 5 x 5 after Flatten") reaches
the next Linear. They are defined by one table, each row a torch class name,
its constructor signature and an optional construction-time check.

Rules matched against torch (2.13):
- dropout ``p`` outside [0, 1]: ValueError at construction -> CNL005.
- Dropout1d takes 2-D (unbatched) or 3-D only (RuntimeError -> CNL006);
  Dropout2d / Dropout3d only *warn* on other ranks, so the engine accepts them;
  Dropout2d and FeatureAlphaDropout still raise below 2-D ("Feature dropout
  requires at least 2 dimensions"), Dropout3d below 1-D - but only when
  0 < p < 1: with p == 0 or 1 torch returns before looking at the rank.
- softmax ``dim`` out of range: IndexError -> CNL006 (torch's meta device
  does not raise there; CPU and CUDA do). ``dim=None`` is torch's deprecated
  implicit choice and never raises.
- GLU halves ``dim``; an odd size raises -> CNL005 (an argument that does not
  fit the incoming size, like PixelShuffle's factor); a 0-D input -> CNL006.
- PReLU with ``num_parameters`` != 1 must equal the channel dimension (dim 1;
  a 1-D input has one channel) -> CNL002 with a fix.
- CELU ``alpha=0`` (ZeroDivisionError at forward on CPU), GELU ``approximate``
  other than 'none'/'tanh', Softshrink ``lambd < 0``, RReLU ``lower > upper``,
  Hardtanh ``max_val <= min_val``: CNL005.
"""

from __future__ import annotations

from cnnlint.shapes.dims import UNKNOWN, Shape, format_shape, is_known
from cnnlint.shapes.spec import ArgFix, Args, CheckFn, LayerSpec, Param, ShapeError, int_arg, is_int

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_INPLACE = Param("inplace", False)
_ANY = (Param("*args"), Param("**kwargs"))  # torch classes without their own __init__


def same(args: Args, shape: Shape) -> Shape:
    """A shape-preserving layer's ``infer``: the very same Shape object (keeps its note)."""
    return shape


def _number(name: str, args: Args, param: str) -> float | None:
    """A numeric argument, None when unresolved; CNL005 for a value torch cannot compare."""
    value = args[param]
    if value is UNKNOWN:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    raise ShapeError("CNL005", f"{name} argument '{param}' must be a number, got {value!r}")


def _min_rank(name: str, minimum: int, shape: Shape) -> None:
    if shape.rank is not None and shape.rank < minimum:
        raise ShapeError(
            "CNL006", f"{name} expects a {minimum}-D or higher input but receives {shape.rank}-D {format_shape(shape)}"
        )


def wrap_dim(name: str, args: Args, param: str, shape: Shape) -> int | None:
    """torch's dimension wrapping: a non-negative index, or None when it cannot be known.

    A 0-D tensor wraps like a 1-D one (``[-1, 0]``). Out of range is an
    IndexError in torch -> CNL006; a non-int is a TypeError -> CNL005.
    """
    dim = args[param]
    if dim is UNKNOWN:
        return None
    if not is_int(dim):
        raise ShapeError("CNL005", f"{name} argument '{param}' must be an int, got {dim!r}")
    if shape.rank is None:
        # on an open shape only a negative index names a known dimension
        return None
    span = max(shape.rank, 1)
    if not -span <= dim < span:
        raise ShapeError(
            "CNL006",
            f"{name} {param}={dim} is out of range for the {shape.rank}-D input {format_shape(shape)} "
            f"(expected a dimension in [{-span}, {span - 1}])",
        )
    return dim % span


# ---- dropouts ----------------------------------------------------------------


def _dropout_check(name: str) -> CheckFn:
    def check(args: Args) -> None:
        p = _number(name, args, "p")
        if p is not None and not 0.0 <= p <= 1.0:
            raise ShapeError("CNL005", f"{name} probability p must be between 0 and 1, got {args['p']!r}")

    return check


def _dropout(name: str, minimum: int = 0, ranks: tuple[int, ...] | None = None) -> LayerSpec:
    def infer(args: Args, shape: Shape) -> Shape:
        # torch returns early for p == 0 (input as is) and p == 1 (zeros)
        # before building the per-channel noise that needs the rank.
        p = args["p"]
        if isinstance(p, (int, float)) and 0 < p < 1:
            _min_rank(name, minimum, shape)
        return shape

    return LayerSpec(
        name=name,
        params=(Param("p", 0.5), _INPLACE),
        infer=infer if minimum else same,
        check=_dropout_check(name),
        ranks=ranks,
    )


DROPOUTS = [
    _dropout("Dropout"),
    _dropout("Dropout1d", ranks=(2, 3)),
    _dropout("Dropout2d", minimum=2),
    _dropout("Dropout3d", minimum=1),
    _dropout("AlphaDropout"),
    _dropout("FeatureAlphaDropout", minimum=2),
]


# ---- pointwise activations ---------------------------------------------------


def _celu_check(args: Args) -> None:
    if _number("CELU", args, "alpha") == 0.0:
        raise ShapeError("CNL005", "CELU alpha cannot be 0 (torch divides by it)")


def _gelu_check(args: Args) -> None:
    value = args["approximate"]
    if value is not UNKNOWN and value not in ("none", "tanh"):
        raise ShapeError("CNL005", f"GELU approximate must be 'none' or 'tanh', got {value!r}")


def _hardtanh_check(args: Args) -> None:
    low = args["min_val"] if args["min_value"] is None else args["min_value"]
    high = args["max_val"] if args["max_value"] is None else args["max_value"]
    if isinstance(low, (int, float)) and isinstance(high, (int, float)) and high <= low:
        raise ShapeError("CNL005", f"Hardtanh max_val ({high}) must be greater than min_val ({low})")


def _softshrink_check(args: Args) -> None:
    lambd = _number("Softshrink", args, "lambd")
    if lambd is not None and lambd < 0:
        raise ShapeError("CNL005", f"Softshrink lambd must be >= 0, got {args['lambd']!r}")


def _rrelu_check(args: Args) -> None:
    lower, upper = _number("RReLU", args, "lower"), _number("RReLU", args, "upper")
    if lower is not None and upper is not None and lower > upper:
        raise ShapeError("CNL005", f"RReLU lower ({args['lower']}) must not exceed upper ({args['upper']})")


# name, torch's constructor signature, construction check
_POINTWISE: list[tuple[str, tuple[Param, ...], CheckFn | None]] = [
    ("ReLU", (_INPLACE,), None),
    ("ReLU6", (_INPLACE,), None),
    ("LeakyReLU", (Param("negative_slope", 0.01), _INPLACE), None),
    ("ELU", (Param("alpha", 1.0), _INPLACE), None),
    ("CELU", (Param("alpha", 1.0), _INPLACE), _celu_check),
    ("SELU", (_INPLACE,), None),
    ("GELU", (Param("approximate", "none"),), _gelu_check),
    ("SiLU", (_INPLACE,), None),
    ("Mish", (_INPLACE,), None),
    ("Sigmoid", _ANY, None),
    ("Tanh", _ANY, None),
    (
        "Hardtanh",
        (
            Param("min_val", -1.0),
            Param("max_val", 1.0),
            _INPLACE,
            Param("min_value", None),
            Param("max_value", None),
        ),
        _hardtanh_check,
    ),
    ("Hardswish", (_INPLACE,), None),
    ("Hardsigmoid", (_INPLACE,), None),
    ("Hardshrink", (Param("lambd", 0.5),), None),
    ("Softshrink", (Param("lambd", 0.5),), _softshrink_check),
    ("Softplus", (Param("beta", 1.0), Param("threshold", 20.0)), None),
    ("Softsign", _ANY, None),
    ("Tanhshrink", _ANY, None),
    ("Threshold", (Param("threshold"), Param("value"), _INPLACE), None),
    ("LogSigmoid", _ANY, None),
    ("RReLU", (Param("lower", 1.0 / 8), Param("upper", 1.0 / 3), _INPLACE), _rrelu_check),
]

POINTWISE = [
    LayerSpec(name=name, params=params, infer=same, **({"check": check} if check else {}))
    for name, params, check in _POINTWISE
]


# ---- PReLU -------------------------------------------------------------------


def _prelu_infer(args: Args, shape: Shape) -> Shape:
    n = args["num_parameters"]
    if not is_known(n) or n == 1:
        return shape
    if shape.rank == 0:
        raise ShapeError("CNL006", f"PReLU with num_parameters={n} cannot take a 0-D input")
    channels: Any = 1 if shape.rank == 1 else shape.dim(1)
    if is_known(channels) and channels != n:
        where = "a 1-D input has a single channel" if shape.rank == 1 else f"input {format_shape(shape)}"
        raise ShapeError(
            "CNL002",
            f"PReLU expects num_parameters={n} (or 1) to match the {channels} channels at dim 1; {where}; "
            f"set num_parameters={channels}",
            fix=ArgFix("num_parameters", channels),
            recovered=shape,
        )
    return shape


PRELU = LayerSpec(
    name="PReLU",
    params=(Param("num_parameters", 1), Param("init", 0.25), Param("device", None), Param("dtype", None)),
    infer=_prelu_infer,
    count_params=lambda args, shape: args["num_parameters"] if is_known(args["num_parameters"]) else UNKNOWN,
    check=lambda args: int_arg("PReLU", args, "num_parameters", minimum=0) and None,
)


# ---- softmax family, GLU -----------------------------------------------------


def _softmax(name: str) -> LayerSpec:
    def infer(args: Args, shape: Shape) -> Shape:
        if args["dim"] is not None:
            wrap_dim(name, args, "dim", shape)
        return shape

    return LayerSpec(name=name, params=(Param("dim", None),), infer=infer)


SOFTMAXES = [
    _softmax("Softmax"),
    _softmax("LogSoftmax"),
    _softmax("Softmin"),
    LayerSpec(name="Softmax2d", params=_ANY, infer=same, ranks=(3, 4)),
]


def _glu_infer(args: Args, shape: Shape) -> Shape:
    if shape.rank == 0:
        raise ShapeError("CNL006", "GLU cannot take a 0-D input: it halves a dimension")
    index = wrap_dim("GLU", args, "dim", shape)
    if index is None:
        dim = args["dim"]
        if not is_int(dim) or dim >= 0 or -dim > len(shape.dims):
            return Shape.unknown()
        index = len(shape.dims) + dim  # a negative dim on an open shape
    size = shape.dims[index]
    if not is_known(size):
        return shape.replace(index, UNKNOWN)
    if size % 2:  # type: ignore[operator]
        raise ShapeError(
            "CNL005",
            f"GLU halves dimension {args['dim']}, which must be even but is {size}; input {format_shape(shape)}",
        )
    return shape.replace(index, size // 2)  # type: ignore[operator]


GLU = LayerSpec(name="GLU", params=(Param("dim", -1),), infer=_glu_infer)


SPECS = [*DROPOUTS, *POINTWISE, PRELU, *SOFTMAXES, GLU]
