"""Unfold and Fold (im2col / col2im): an image cut into sliding blocks, and the blocks put back.

Rules matched against torch 2.13 on the CPU (the meta device accepts a
negative Unfold padding that the CPU kernel refuses; models run on CPU/GPU):

- ``kernel_size``, ``dilation``, ``padding``, ``stride`` (and Fold's
  ``output_size``): an int or exactly two ints, never a bool or a float;
  kernel, dilation, stride and output_size > 0, padding >= 0 (CNL005).
- Unfold takes ``(N, C, H, W)`` or unbatched ``(C, H, W)`` (CNL006), every
  dim but the batch non-zero; per spatial dim the blocks are
  ``floor((size + 2p - d(k - 1) - 1) / s) + 1``, each at least 1 (CNL004);
  the output is ``(N, C * kh * kw, L_h * L_w)``.
- Fold takes ``(N, C * kh * kw, L)`` or unbatched ``(C * kh * kw, L)``: dim
  -2 must be a multiple of ``kh * kw`` and ``L`` the number of blocks that
  ``output_size`` holds (both CNL002, the layer's own arguments fix them);
  the output is ``(N, C, *output_size)``.

No parameters; FlopCounterMode counts no MACs for either.
"""

from __future__ import annotations

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, _Unknown, format_shape, is_known
from cnnlint.shapes.spec import Args, LayerSpec, Param, ShapeError, is_int
from cnnlint.shapes.windows import Window, out_size

_WINDOW = (Param("dilation", 1), Param("padding", 0), Param("stride", 1))
_MINIMUM = {"kernel_size": 1, "dilation": 1, "stride": 1, "output_size": 1, "padding": 0}


def _pair(name: str, args: Args, arg: str) -> tuple[Dim, Dim] | _Unknown:
    """An int or two ints, as im2col/col2im read it; CNL005 for anything else or a value out of range."""
    value = args[arg]
    if value is UNKNOWN:
        return UNKNOWN
    items = tuple(value) if isinstance(value, (list, tuple)) else (value, value)
    if len(items) != 2:
        raise ShapeError("CNL005", f"{name} argument '{arg}' must be an int or 2 ints, got {value!r}")
    for v in items:
        if v is UNKNOWN:
            continue
        if isinstance(v, bool) or not is_int(v):
            raise ShapeError("CNL005", f"{name} argument '{arg}' must hold ints, got {value!r}")
        if v < _MINIMUM[arg]:  # type: ignore[operator]
            bound = "non-negative" if _MINIMUM[arg] == 0 else "greater than zero"
            raise ShapeError("CNL005", f"{name} argument '{arg}' should be {bound}, got {value!r}")
    return items  # type: ignore[return-value]


def _windows(name: str, args: Args) -> list[Window] | None:
    """The two spatial dims' windows, None when an argument is unknown."""
    k, d, p, s = (_pair(name, args, a) for a in ("kernel_size", "dilation", "padding", "stride"))
    if UNKNOWN in (k, d, p, s):
        return None
    return [Window(k[i], s[i], p[i], p[i], d[i]) for i in range(2)]  # type: ignore[index]


def _check(name: str, args: Args) -> None:
    if name == "Fold":
        _pair(name, args, "output_size")
    _windows(name, args)


def _nonzero(name: str, shape: Shape, image_dims: int) -> None:
    """Every dim but the batch is non-zero: the last ``image_dims`` (3 for Unfold, 2 for Fold) at either rank."""
    if any(is_known(v) and v == 0 for v in shape.dims[-image_dims:]):
        raise ShapeError(
            "CNL006", f"{name} expects every dimension but the batch to be non-zero, but receives {format_shape(shape)}"
        )


def _product(values: list[Dim]) -> Dim:
    if not all(is_known(v) for v in values):
        return UNKNOWN
    out = 1
    for v in values:
        out *= v  # type: ignore[operator]
    return out


def _unfold(args: Args, shape: Shape) -> Shape:
    ws = _windows("Unfold", args)
    _nonzero("Unfold", shape, 3)
    dims = shape.dims  # the last three are (C, H, W) at either rank, an open shape's too
    if len(dims) < 3:
        return Shape(UNKNOWN, UNKNOWN, open=True)
    lead, c, sizes = dims[:-3], dims[-3], list(dims[-2:])
    if ws is None:
        return Shape(*lead, UNKNOWN, UNKNOWN, open=shape.open)
    blocks = [out_size(size, w) for size, w in zip(sizes, ws)]
    if any(is_known(b) and b < 1 for b in blocks):  # type: ignore[operator]
        shown = ", ".join(str(b) for b in blocks)
        raise ShapeError(
            "CNL004",
            f"Unfold gives ({shown}) sliding blocks for the spatial size {format_shape(Shape(*sizes))} "
            f"(kernel {ws[0].kernel}x{ws[1].kernel}, dilation {ws[0].dilation}x{ws[1].dilation}, "
            f"padding {ws[0].pad_l}x{ws[1].pad_l}, stride {ws[0].stride}x{ws[1].stride}): each must be at least 1; "
            f"input {format_shape(shape)}",
        )
    features = _product([c, ws[0].kernel, ws[1].kernel])
    return Shape(*lead, features, _product(blocks), open=shape.open)


def _fold(args: Args, shape: Shape) -> Shape:
    ws = _windows("Fold", args)
    output = _pair("Fold", args, "output_size")
    _nonzero("Fold", shape, 2)
    dims = shape.dims  # the last two are (C x kh x kw, L) at either rank
    known_output = output is not UNKNOWN and all(is_known(v) for v in output)  # type: ignore[union-attr]
    out_hw = tuple(output) if output is not UNKNOWN else (UNKNOWN, UNKNOWN)  # type: ignore[arg-type]
    if len(dims) < 2:
        return Shape(UNKNOWN, *out_hw, open=True)
    lead, features, length = dims[:-2], dims[-2], dims[-1]
    if ws is None:
        return Shape(*lead, UNKNOWN, *out_hw, open=shape.open)
    kernels = _product([ws[0].kernel, ws[1].kernel])
    if is_known(features, kernels) and features % kernels:  # type: ignore[operator]
        raise ShapeError(
            "CNL002",
            f"Fold expects dim -2 to be a multiple of the kernel's {ws[0].kernel} x {ws[1].kernel} = {kernels} "
            f"elements (C x {kernels}), but receives {features}; input {format_shape(shape)}",
        )
    if known_output:
        blocks = [out_size(size, w) for size, w in zip(out_hw, ws)]
        if any(b < 1 for b in blocks):  # type: ignore[operator]
            raise ShapeError(
                "CNL004",
                f"Fold's output_size {out_hw[0]}x{out_hw[1]} holds ({blocks[0]}, {blocks[1]}) sliding blocks of the "
                f"kernel {ws[0].kernel}x{ws[1].kernel}: each must be at least 1",
            )
        want = blocks[0] * blocks[1]  # type: ignore[operator]
        if is_known(length) and length != want:
            raise ShapeError(
                "CNL002",
                f"Fold expects {want} sliding blocks in the last dim ({blocks[0]} x {blocks[1]} for output_size "
                f"{out_hw[0]}x{out_hw[1]}), but receives {length}; input {format_shape(shape)}",
            )
    channels = features // kernels if is_known(features, kernels) else UNKNOWN  # type: ignore[operator]
    return Shape(*lead, channels, *out_hw, open=shape.open)


SPECS: list[LayerSpec] = [
    LayerSpec(
        name="Unfold",
        params=(Param("kernel_size"), *_WINDOW),
        infer=_unfold,
        check=lambda args: _check("Unfold", args),
        ranks=(3, 4),
    ),
    LayerSpec(
        name="Fold",
        params=(Param("output_size"), Param("kernel_size"), *_WINDOW),
        infer=_fold,
        check=lambda args: _check("Fold", args),
        ranks=(2, 3),
    ),
]
