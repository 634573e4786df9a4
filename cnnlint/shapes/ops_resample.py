"""``F.interpolate`` and ``F.pad``: the catalogue's Upsample and padding formulas, called as functions.

Where the functions differ from the layers: ``F.interpolate`` takes a falsy
``scale_factor`` (0) as given, not as None (so ``size`` with ``scale_factor=0``
is "only one of", and 0 alone gives an empty output); ``F.pad`` takes any
even-length pad list, a ``value`` only in constant mode, and rejects unknown
modes (CNL005).
"""

from __future__ import annotations

from collections.abc import Sequence

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape
from cnnlint.shapes.padding import check_pads, pad_shape
from cnnlint.shapes.spec import ShapeError, is_int
from cnnlint.shapes.upsample import _infer_upsample

_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def interpolate(
    shape: Shape,
    size: object = None,
    scale_factor: object = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
) -> Shape:
    """``F.interpolate(x, ...)``'s output shape (3-D to 5-D input; one of size and scale_factor)."""
    if size is not None and size is not UNKNOWN and scale_factor is not None and scale_factor is not UNKNOWN:
        raise ShapeError("CNL005", "interpolate: only one of size or scale_factor should be defined")
    if scale_factor is not None and not scale_factor and not isinstance(scale_factor, (tuple, list)):
        # a falsy 0 is a scale of 0 here, not "no scale" as Upsample stores it: a tuple keeps it
        spatial = (shape.rank or 0) - 2
        scale_factor = (float(scale_factor),) * spatial if spatial > 0 else UNKNOWN
    args = {
        "size": size,
        "scale_factor": scale_factor,
        "mode": mode,
        "align_corners": align_corners,
        "recompute_scale_factor": recompute_scale_factor,
    }
    return _infer_upsample("interpolate", args, shape)


def pad(shape: Shape, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Shape:
    """``F.pad(x, pad, mode, value)``: ``pad`` read from the last dim backwards, negative values crop."""
    if mode is UNKNOWN or pad is UNKNOWN:
        return Shape.unknown() if shape.rank is None else Shape(*(UNKNOWN,) * shape.rank)
    if mode not in _PAD_MODES:
        raise ShapeError("CNL005", f"pad: unrecognised padding mode {mode!r}")
    if mode != "constant" and value is not None and value != 0:
        raise ShapeError("CNL005", f"pad: padding mode {mode!r} doesn't take in a value argument")
    if not isinstance(pad, (tuple, list)):
        raise ShapeError("CNL005", f"pad: the padding must be a tuple of ints, got {pad!r}")
    widths: list[Dim] = []
    for p in pad:
        if not (is_int(p) or p is UNKNOWN):
            raise ShapeError("CNL005", f"pad: the padding must hold ints, got {tuple(pad)!r}")
        widths.append(p)
    check_pads("pad", mode, tuple(widths))
    return pad_shape("pad", mode, tuple(widths), shape)
