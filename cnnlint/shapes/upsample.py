"""Upsample family: Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle,
PixelUnshuffle, ChannelShuffle.

Upsample is ``F.interpolate``; its rules, matched here:

- exactly one of ``size`` and ``scale_factor`` (a falsy scale factor such
  as 0 counts as none: ``Upsample`` stores ``float(s) if s else None``);
- the input is 3-, 4- or 5-D (1, 2 or 3 spatial dims after N and C); a
  tuple ``size``/``scale_factor`` must have one entry per spatial dim;
  ``linear`` needs 3-D, ``bilinear``/``bicubic`` 4-D, ``trilinear`` 5-D;
  ``lanczos`` always fails (Upsample cannot pass ``antialias=True``);
- ``align_corners`` only with the interpolating modes (not nearest, area,
  nearest-exact); ``recompute_scale_factor=True`` not with ``size``;
- output per spatial dim: ``size``, or ``int(I * scale)`` (truncated, in
  double precision, as torch computes it); it must be >= 1, except for
  ``mode='area'`` (an adaptive average pool, which allows 0).

PixelShuffle(r): (..., C, H, W) -> (..., C/r², H*r, W*r), C divisible by r²;
PixelUnshuffle(r) the reverse, H and W divisible by r; r >= 1; at least 3-D.
ChannelShuffle(g): at least 3-D, g >= 1 divides dim 1 (torch reads the
channels at index 1 even for an unbatched input). No parameters, no MACs.
"""

from __future__ import annotations

import math
from functools import partial

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, _Unknown, format_shape, is_known
from cnnlint.shapes.spec import INT64_MAX, Args, LayerSpec, Param, ShapeError, int_arg, is_int

_NO_CORNERS = ("nearest", "area", "nearest-exact")
_MODE_RANK = {
    "nearest": None,
    "area": None,
    "nearest-exact": None,
    "linear": 3,
    "bilinear": 4,
    "bicubic": 4,
    "trilinear": 5,
}


def _number(name: str, value: object, shown: object) -> object:
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ShapeError("CNL005", f"{name} scale_factor must be finite, got {shown!r}")
        return float(value)
    raise ShapeError("CNL005", f"{name} scale_factor must be a number or a tuple of numbers, got {shown!r}")


def _scale(name: str, args: Args) -> object:
    """``scale_factor`` as Upsample stores it: a tuple of floats, a float, None, or UNKNOWN."""
    sf = args["scale_factor"]
    if sf is UNKNOWN:
        return UNKNOWN
    if isinstance(sf, tuple):
        return tuple(_number(name, v, sf) for v in sf)
    if isinstance(sf, list):
        if sf:
            raise ShapeError("CNL005", f"{name} scale_factor must be a number or a tuple, got a list {sf!r}")
        return None
    if not sf:
        return None
    return _number(name, sf, sf)


def _resolve(name: str, args: Args) -> tuple[object, object, object]:
    """(size, scale, mode) after the checks that need no input."""
    mode = args.get("mode", "nearest")
    align = args.get("align_corners")
    size = args["size"]
    scale = _scale(name, args)
    if mode is not UNKNOWN:
        if not isinstance(mode, str) or mode not in _MODE_RANK:
            if mode == "lanczos":
                raise ShapeError("CNL005", f"{name} mode='lanczos' needs antialias=True, which Upsample cannot pass")
            raise ShapeError("CNL005", f"{name} mode must be one of {', '.join(_MODE_RANK)}, got {mode!r}")
        if mode in _NO_CORNERS and align is not None and align is not UNKNOWN:
            raise ShapeError(
                "CNL005",
                f"{name} align_corners can only be set with mode linear, bilinear, bicubic or trilinear, not {mode!r}",
            )
    for arg, label in ((size, "size"), (scale, "scale_factor")):
        if isinstance(arg, (list, tuple)) and not arg:
            raise ShapeError("CNL005", f"{name} {label} must not be empty")
    if size is not UNKNOWN and scale is not UNKNOWN:
        if size is not None and scale is not None:
            raise ShapeError("CNL005", f"{name} takes only one of size and scale_factor")
        if size is None and scale is None:
            raise ShapeError("CNL005", f"{name} needs size or scale_factor")
    if size is not None and size is not UNKNOWN:
        items = size if isinstance(size, (list, tuple)) else (size,)
        for v in items:
            if v is not UNKNOWN and not is_int(v) and not isinstance(v, bool):
                raise ShapeError("CNL005", f"{name} size must be an int or a tuple of ints, got {size!r}")
        recompute = args.get("recompute_scale_factor")
        if recompute is not UNKNOWN and recompute:
            raise ShapeError("CNL005", f"{name} recompute_scale_factor=True is meaningless with an explicit size")
    return size, scale, mode


def _spatial_count(size: object, scale: object, mode: object, shape: Shape) -> int | None:
    """How many spatial dims: from the rank, else from a tuple argument or the mode."""
    if shape.rank is not None:
        return shape.rank - 2
    if isinstance(size, (list, tuple)):
        return len(size)
    if isinstance(scale, tuple):
        return len(scale)
    rank = _MODE_RANK.get(mode) if isinstance(mode, str) else None  # type: ignore[arg-type]
    return rank - 2 if rank else None


def _infer_upsample(name: str, args: Args, shape: Shape) -> Shape:
    size, scale, mode = _resolve(name, args)
    rank = shape.rank
    if rank is not None and rank not in (3, 4, 5):
        raise ShapeError(
            "CNL006", f"{name} expects a 3-D, 4-D or 5-D input but receives {rank}-D {format_shape(shape)}"
        )
    if rank is None and shape.min_rank > 5:
        raise ShapeError("CNL006", f"{name} expects a 3-D, 4-D or 5-D input but receives {format_shape(shape)}")
    if isinstance(mode, str):
        need = _MODE_RANK[mode]
        if need is not None and ((rank is not None and rank != need) or (rank is None and shape.min_rank > need)):
            raise ShapeError(
                "CNL006", f"{name} mode={mode!r} needs a {need}-D input but receives {format_shape(shape)}"
            )
    n = _spatial_count(size, scale, mode, shape)
    if n is None or size is UNKNOWN or scale is UNKNOWN:
        if n is None:
            return Shape.unknown()
        lead = shape.dims[:-n] if len(shape.dims) >= n else ()
        return Shape(*lead, *(UNKNOWN,) * n, open=shape.open or len(shape.dims) < n)
    for arg, label in ((size, "size"), (scale, "scale_factor")):
        if isinstance(arg, (list, tuple)) and len(arg) != n:
            raise ShapeError(
                "CNL006",
                f"{name} {label} {tuple(arg)!r} has {len(arg)} entries but the input {format_shape(shape)} "
                f"has {n} spatial dimension{'s' if n != 1 else ''}",
            )
    dims = shape.dims
    spatial_in: tuple[Dim, ...] = dims[-n:] if len(dims) >= n else (UNKNOWN,) * (n - len(dims)) + dims
    lead = dims[:-n] if len(dims) >= n else ()
    open_ = shape.open or len(dims) < n
    outs: list[Dim] = []
    for i, size_in in enumerate(spatial_in):
        if size is not None:
            v = size[i] if isinstance(size, (list, tuple)) else size
            o: Dim = int(v) if is_known(v) or isinstance(v, bool) else UNKNOWN  # type: ignore[arg-type]
        else:
            s = scale[i] if isinstance(scale, tuple) else scale  # type: ignore[index]
            o = _scaled(name, size_in, s)
        if is_known(o):
            low = 0 if mode == "area" else 1
            if o < low:  # type: ignore[operator]
                how = (
                    f"size {size!r}"
                    if size is not None
                    else f"int({size_in} * {scale[i] if isinstance(scale, tuple) else scale})"
                )  # type: ignore[index]
                raise ShapeError(
                    "CNL004",
                    f"{name} output size {o} ({how}) on input {format_shape(shape)}; it must be "
                    f"{'>= 0' if low == 0 else 'at least 1'}",
                )
        outs.append(o)
    return Shape(*lead, *outs, open=open_)


def _scaled(name: str, size_in: Dim, scale: object) -> Dim:
    """``int(I * scale)`` as torch computes it; a result beyond int64 is CNL005, as torch raises."""
    if not is_known(size_in) or scale is UNKNOWN:
        return UNKNOWN
    product = size_in * scale  # type: ignore[operator]
    if not math.isfinite(product) or abs(product) > INT64_MAX:
        raise ShapeError("CNL005", f"{name} output size {size_in} * {scale} does not fit in torch's int64")
    return int(product)


def _upsample_spec(
    name: str, params: tuple[Param, ...], fixed: dict[str, object], ranks: tuple[int, ...] | None
) -> LayerSpec:
    def full(args: Args) -> dict[str, object]:
        return {**args, **fixed}

    return LayerSpec(
        name=name,
        params=params,
        infer=lambda args, shape: _infer_upsample(name, full(args), shape),
        check=lambda args: _resolve(name, full(args)) and None,
        ranks=ranks,
    )


UPSAMPLE = _upsample_spec(
    "Upsample",
    (
        Param("size", None),
        Param("scale_factor", None),
        Param("mode", "nearest"),
        Param("align_corners", None),
        Param("recompute_scale_factor", None),
    ),
    {},
    None,
)
UPSAMPLING_NEAREST = _upsample_spec(
    "UpsamplingNearest2d", (Param("size", None), Param("scale_factor", None)), {"mode": "nearest"}, None
)
UPSAMPLING_BILINEAR = _upsample_spec(
    "UpsamplingBilinear2d",
    (Param("size", None), Param("scale_factor", None)),
    {"mode": "bilinear", "align_corners": True},
    (4,),
)


# ---- pixel and channel shuffles ----------------------------------------------------------------


def _factor(name: str, args: Args, param: str) -> Dim:
    r = int_arg(name, args, param)
    if is_known(r) and r < 1:  # type: ignore[operator]
        raise ShapeError("CNL005", f"{name} {param} must be a positive integer, got {r}")
    return r


def _min_rank(name: str, shape: Shape, rank: int) -> None:
    if shape.rank is not None and shape.rank < rank:
        raise ShapeError(
            "CNL006", f"{name} expects an input of at least {rank} dimensions but receives {format_shape(shape)}"
        )


def _pixel(name: str, shuffle: bool, args: Args, shape: Shape) -> Shape:
    r = _factor(name, args, "upscale_factor" if shuffle else "downscale_factor")
    _min_rank(name, shape, 3)
    c, h, w = shape.dim(-3), shape.dim(-2), shape.dim(-1)
    dims = shape.dims
    lead = dims[:-3] if len(dims) >= 3 else ()
    open_ = shape.open or len(dims) < 3
    if not is_known(r):
        return Shape(*lead, UNKNOWN, UNKNOWN, UNKNOWN, open=open_)
    rr = r * r  # type: ignore[operator]
    if shuffle:
        if is_known(c) and c % rr:  # type: ignore[operator]
            raise ShapeError(
                "CNL005",
                f"{name} needs channels divisible by upscale_factor² = {rr}, but receives {c}; "
                f"input {format_shape(shape)}",
            )
        out = (
            c // rr if is_known(c) else UNKNOWN,
            h * r if is_known(h) else UNKNOWN,
            w * r if is_known(w) else UNKNOWN,
        )  # type: ignore[operator]
    else:
        for side, value in (("height", h), ("width", w)):
            if is_known(value) and value % r:  # type: ignore[operator]
                raise ShapeError(
                    "CNL005",
                    f"{name} needs the {side} divisible by downscale_factor={r}, but receives {value}; "
                    f"input {format_shape(shape)}",
                )
        out = (
            c * rr if is_known(c) else UNKNOWN,
            h // r if is_known(h) else UNKNOWN,
            w // r if is_known(w) else UNKNOWN,
        )  # type: ignore[operator]
    return Shape(*lead, *out, open=open_)


def _pixel_spec(name: str, shuffle: bool) -> LayerSpec:
    param = "upscale_factor" if shuffle else "downscale_factor"
    return LayerSpec(
        name=name,
        params=(Param(param),),
        infer=partial(_pixel, name, shuffle),
        check=lambda args: _factor(name, args, param) and None,
    )


def _channel_shuffle(args: Args, shape: Shape) -> Shape:
    g = _factor("ChannelShuffle", args, "groups")
    _min_rank("ChannelShuffle", shape, 3)
    c = shape.dim(1)
    if is_known(c, g) and c % g:  # type: ignore[operator]
        raise ShapeError(
            "CNL005",
            f"ChannelShuffle groups={g} must divide the channels (dim 1) = {c}; input {format_shape(shape)}",
        )
    return shape


CHANNEL_SHUFFLE = LayerSpec(
    name="ChannelShuffle",
    params=(Param("groups"),),
    infer=_channel_shuffle,
    check=lambda args: _factor("ChannelShuffle", args, "groups") and None,
)

SPECS: list[LayerSpec] = [
    UPSAMPLE,
    UPSAMPLING_NEAREST,
    UPSAMPLING_BILINEAR,
    _pixel_spec("PixelShuffle", True),
    _pixel_spec("PixelUnshuffle", False),
    CHANNEL_SHUFFLE,
]
_ = _Unknown
