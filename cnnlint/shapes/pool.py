"""Pool family: MaxPool, AvgPool, LPPool, AdaptiveAvgPool, AdaptiveMaxPool (1d/2d/3d).

Window pools share the conv formula (windows.py) with torch's ceil_mode rule:
with ``ceil_mode=True`` the last window must start inside the input or its
left padding. torch's argument rules, matched here:

- ``stride=None`` (or an empty tuple) means ``kernel_size``.
- 2d/3d pools take an int or a 1- or n-tuple for kernel, stride, padding and
  dilation; 1d pools exactly one value. LPPool2d/3d unpack ``kernel_size``
  into exactly 2/3 values in Python first, so a 1-tuple fails there, and
  LPPool1d multiplies by ``kernel_size``, so only a plain int works (except
  with ``norm_type=inf``, which is a max pool).
- kernel, stride, dilation >= 1; 0 <= padding <= kernel // 2 (the kernel
  itself, not the dilated one); AvgPool's ``divisor_override`` != 0; LPPool's
  ``norm_type`` != 0 (``1.0 / norm_type`` raises).
- an output size below 1 is CNL004.

Adaptive pools: ``output_size`` an int or an n-tuple whose None entries keep
that input dim (1d: an int or a 1-tuple, no None); entries >= 0 (an output
of 0 is allowed, as torch allows it).

No parameters, no MACs.
"""

from __future__ import annotations

import math
from functools import partial

from cnnlint.records import dataclass
from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, _Unknown, format_shape, is_known
from cnnlint.shapes.spec import Args, Finding, LayerSpec, Param, ShapeError, is_int
from cnnlint.shapes.windows import SIDE_NAMES, Window, empty_output, expand, inexact_stride, out_size, split


@dataclass(frozen=True)
class Pool:
    family: str  # "Max", "Avg", "LP"
    n: int

    @property
    def name(self) -> str:
        return f"{self.family}Pool{self.n}d"


def _is_inf(norm: object) -> bool:
    return isinstance(norm, (int, float)) and not isinstance(norm, bool) and math.isinf(norm)


def _flag(args: Args, name: str) -> object:
    value = args.get(name, False)
    return UNKNOWN if value is UNKNOWN else bool(value)


def windows(pool: Pool, args: Args) -> list[Window] | None:
    """The per-dim windows after every check torch makes without the input (None: unresolved)."""
    name, n = pool.name, pool.n
    max_like = pool.family == "Max" or (pool.family == "LP" and _is_inf(args["norm_type"]))
    if pool.family == "LP":
        norm = args["norm_type"]
        if norm is not UNKNOWN:
            if not isinstance(norm, (int, float)):
                raise ShapeError("CNL005", f"{name} argument 'norm_type' must be a number, got {norm!r}")
            if norm == 0:
                raise ShapeError("CNL005", f"{name} norm_type must not be 0 (torch computes 1 / norm_type)")
        kernel_arg = args["kernel_size"]
        if isinstance(kernel_arg, (list, tuple)):
            # lp_pool2d/3d unpack kernel_size into n names; lp_pool1d multiplies by it
            if n == 1 and not _is_inf(args["norm_type"]) and args["norm_type"] is not UNKNOWN:
                raise ShapeError("CNL005", f"{name} kernel_size must be an int, got {kernel_arg!r}")
            if n > 1 and len(kernel_arg) != n:
                raise ShapeError("CNL005", f"{name} kernel_size must be an int or {n} ints, got {kernel_arg!r}")
    if pool.family == "Avg" and "divisor_override" in args:
        divisor = args["divisor_override"]
        if divisor is not None and divisor is not UNKNOWN:
            if not is_int(divisor) and not isinstance(divisor, bool):
                raise ShapeError("CNL005", f"{name} divisor_override must be an int, got {divisor!r}")
            if divisor == 0:
                raise ShapeError("CNL005", f"{name} divisor_override must not be 0")
    one = (1,) if n == 1 else (1, n)
    kernel = expand(name, args, "kernel_size", n, lengths=one, minimum=1)
    stride_arg = args["stride"]
    if stride_arg is None or (isinstance(stride_arg, (list, tuple)) and len(stride_arg) == 0):
        stride = kernel
    else:
        stride = expand(name, args, "stride", n, lengths=one, minimum=1)
    if pool.family == "LP":
        padding: tuple[Dim, ...] | _Unknown = (0,) * n
        dilation: tuple[Dim, ...] | _Unknown = (1,) * n
    else:
        padding = expand(name, args, "padding", n, lengths=one, minimum=0, what="padding")
        dilation = expand(name, args, "dilation", n, lengths=one, minimum=1) if max_like else (1,) * n
    if kernel is not UNKNOWN and padding is not UNKNOWN:
        for k, p in zip(kernel, padding):  # type: ignore[arg-type]
            if is_known(k, p) and p > k // 2:  # type: ignore[operator]
                raise ShapeError(
                    "CNL005",
                    f"{name} padding must be at most half the kernel size, got padding={args['padding']!r} "
                    f"with kernel_size={args['kernel_size']!r}",
                )
    ceil = _flag(args, "ceil_mode")
    if any(v is UNKNOWN for v in (kernel, stride, padding, dilation, ceil)):
        return None
    return [
        Window(k, s, p, p, d, bool(ceil))
        for k, s, p, d in zip(kernel, stride, padding, dilation)  # type: ignore[arg-type]
    ]


def check(pool: Pool, args: Args) -> None:
    windows(pool, args)


def infer(pool: Pool, args: Args, shape: Shape) -> Shape:
    ws = windows(pool, args)
    parts = split(shape, pool.n)
    if ws is None:
        return parts.rebuild(parts.channels, (UNKNOWN,) * pool.n)
    avg3d = pool.n == 3 and (
        pool.family == "Avg"
        or (pool.family == "LP" and args["norm_type"] is not UNKNOWN and not _is_inf(args["norm_type"]))
    )
    outs: list[Dim] = []
    for i, (size, w) in enumerate(zip(parts.spatial, ws)):
        if avg3d and is_known(size) and size < w.kernel:  # type: ignore[operator]
            # avg_pool3d (alone among the pools) wants the unpadded input to hold a whole kernel
            raise ShapeError(
                "CNL004",
                f"{pool.name} input {SIDE_NAMES[3][i]} {size} is smaller than the kernel {w.kernel} "
                f"(avg_pool3d requires it, padding or not); input {format_shape(shape)}",
            )
        o = out_size(size, w)
        if is_known(o) and o < 1:  # type: ignore[operator]
            raise empty_output(pool.name, pool.n, i, size, w, o, shape)  # type: ignore[arg-type]
        outs.append(o)
    return parts.rebuild(parts.channels, outs)


def lint(pool: Pool, args: Args, shape: Shape) -> list[Finding]:
    ws = windows(pool, args)
    if ws is None or any(w.ceil for w in ws):
        return []
    parts = split(shape, pool.n)
    outs = [out_size(size, w) for size, w in zip(parts.spatial, ws)]
    return inexact_stride(pool.name, pool.n, parts.spatial, ws, outs)


def _window_params(pool: Pool) -> tuple[Param, ...]:
    if pool.family == "Max":
        return (
            Param("kernel_size"),
            Param("stride", None),
            Param("padding", 0),
            Param("dilation", 1),
            Param("return_indices", False),
            Param("ceil_mode", False),
        )
    if pool.family == "Avg":
        params = (
            Param("kernel_size"),
            Param("stride", None),
            Param("padding", 0),
            Param("ceil_mode", False),
            Param("count_include_pad", True),
        )
        return params if pool.n == 1 else params + (Param("divisor_override", None),)
    return (Param("norm_type"), Param("kernel_size"), Param("stride", None), Param("ceil_mode", False))


def _window_spec(pool: Pool) -> LayerSpec:
    return LayerSpec(
        name=pool.name,
        params=_window_params(pool),
        infer=partial(infer, pool),
        check=partial(check, pool),
        lint=partial(lint, pool),
        ranks=(pool.n + 1, pool.n + 2),
    )


# ---- adaptive pools ---------------------------------------------------------------------------


def output_size(name: str, n: int, args: Args) -> tuple[Dim | None, ...] | _Unknown:
    """``output_size`` as n entries; None keeps the input dim (2d/3d only)."""
    value = args["output_size"]
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ShapeError("CNL005", f"{name} output_size must be an int or {n} values, got {value!r}")
        entries = tuple(value)
    elif value is None:
        raise ShapeError("CNL005", f"{name} output_size must be an int or a tuple, got None")
    else:
        entries = (value,) * n
    out: list[Dim | None] = []
    for v in entries:
        if v is UNKNOWN:
            out.append(UNKNOWN)
            continue
        if v is None:
            if n == 1:
                raise ShapeError("CNL005", f"{name} output_size must be an int, got {value!r}")
            out.append(None)
            continue
        if isinstance(v, bool):
            v = int(v)
        if not is_int(v):
            raise ShapeError("CNL005", f"{name} output_size must hold ints, got {value!r}")
        if v < 0:
            raise ShapeError("CNL005", f"{name} output_size must be >= 0, got {value!r}")
        out.append(v)
    return tuple(out)


def _adaptive_infer(name: str, n: int, args: Args, shape: Shape) -> Shape:
    sizes = output_size(name, n, args)
    parts = split(shape, n)
    rank = shape.rank
    if sizes is not UNKNOWN:
        outs = [size if v is None else v for v, size in zip(sizes, parts.spatial)]  # type: ignore[arg-type]
    else:
        outs = [UNKNOWN] * n
    least = n + 1 if isinstance(args["output_size"], (list, tuple)) else n
    if rank is not None and rank < least:
        raise ShapeError("CNL006", f"{name} expects at least a {least}-D input but receives {format_shape(shape)}")
    maybe_mean = name.startswith("AdaptiveAvg") and n > 1 and all(o == 1 or not is_known(o) for o in outs)
    if maybe_mean and not all(o == 1 for o in outs) and rank is not None and rank not in (n + 1, n + 2):
        return Shape(*shape.dims[: max(0, len(shape.dims) - n)], *[UNKNOWN] * n, open=shape.open)  # may be a mean
    if maybe_mean and all(o == 1 for o in outs):
        # torch computes an output of all ones as a mean over the last n dims, on any rank that has them
        # (at least n + 1 when output_size is a tuple: F.adaptive_avg_pool resolves None entries first)
        return Shape(*shape.dims[: max(0, len(shape.dims) - n)], *outs, open=shape.open or len(shape.dims) < n)
    allowed = (n + 1, n + 2)
    if (rank is not None and rank not in allowed) or (rank is None and shape.min_rank > n + 2):
        shown = f"{rank}-D " if rank is not None else ""
        raise ShapeError(
            "CNL006", f"{name} expects a {n + 1}-D or {n + 2}-D input but receives {shown}{format_shape(shape)}"
        )
    return parts.rebuild(parts.channels, outs)


def _adaptive_spec(family: str, n: int) -> LayerSpec:
    name = f"Adaptive{family}Pool{n}d"
    params: tuple[Param, ...] = (Param("output_size"),)
    if family == "Max":
        params += (Param("return_indices", False),)
    return LayerSpec(
        name=name,
        params=params,
        infer=partial(_adaptive_infer, name, n),
        check=lambda args, name=name, n=n: output_size(name, n, args) and None,
        # AdaptiveAvgPool2d/3d to all ones is a mean that takes other ranks: checked in infer
        ranks=None if family == "Avg" and n > 1 else (n + 1, n + 2),
    )


SPECS: list[LayerSpec] = [
    *(_window_spec(Pool(family, n)) for family in ("Max", "Avg", "LP") for n in (1, 2, 3)),
    *(_adaptive_spec(family, n) for family in ("Avg", "Max") for n in (1, 2, 3)),
]
