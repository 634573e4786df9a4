"""``F.grid_sample(input, grid)``: the input's batch and channels at the grid's sampling points.

A 4-D input (N, C, H, W) takes a grid (N, H_out, W_out, 2) and gives
(N, C, H_out, W_out); a 5-D input (N, C, D, H, W) a grid (N, D_out, H_out,
W_out, 3) and gives (N, C, D_out, H_out, W_out). The batch is the input's
(torch requires the grid's to match). Anything else (another rank, a grid
whose last dim is not the number of spatial dims, batches that differ) is
unknown here, never reported: torch raises, but only these shapes are
followed.
"""

from __future__ import annotations

from typing import Any

from cnnlint.interpret.values import TensorVal
from cnnlint.shapes.dims import Shape, is_known

_NAMES = ("input", "grid", "mode", "padding_mode", "align_corners")


def grid_sample(args: list[Any], kwargs: dict[str, Any]) -> TensorVal:
    bound = dict(zip(_NAMES, args))
    bound.update({k: v for k, v in kwargs.items() if k in _NAMES})
    x, grid = bound.get("input"), bound.get("grid")
    if len(args) > len(_NAMES) or set(kwargs) - set(_NAMES) or not isinstance(x, TensorVal):
        return TensorVal(Shape.unknown())
    if not isinstance(grid, TensorVal) or x.shape.open or grid.shape.open:
        return TensorVal(Shape.unknown(), tainted=x.tainted)
    xs, gs = x.shape.dims, grid.shape.dims
    n = len(xs) - 2
    if n not in (2, 3) or len(gs) != n + 2 or gs[-1] != n:
        return TensorVal(Shape.unknown(), tainted=x.tainted)
    if is_known(xs[0], gs[0]) and xs[0] != gs[0]:
        return TensorVal(Shape.unknown(), tainted=x.tainted)
    return TensorVal(Shape(xs[0], xs[1], *gs[1:-1]), tainted=x.tainted or grid.tainted)
