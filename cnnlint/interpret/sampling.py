"""``F.grid_sample(input, grid)``: the input's batch and channels at the grid's sampling points; and
``F.affine_grid(theta, size)``, the grid a spatial transformer samples at (torchreid's HACNN).

A 4-D input (N, C, H, W) takes a grid (N, H_out, W_out, 2) and gives
(N, C, H_out, W_out); a 5-D input (N, C, D, H, W) a grid (N, D_out, H_out,
W_out, 3) and gives (N, C, D_out, H_out, W_out). The batch is the input's
(torch requires the grid's to match). Anything else (another rank, a grid
whose last dim is not the number of spatial dims, batches that differ) is
unknown here, never reported: torch raises, but only these shapes are
followed.
"""

from __future__ import annotations

from cnnlint.interpret.values import ListVal, TensorVal
from cnnlint.shapes.dims import Shape, is_known

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

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


_GRID_NAMES = ("theta", "size", "align_corners")


def affine_grid(args: list[Any], kwargs: dict[str, Any]) -> TensorVal:
    """``F.affine_grid(theta, size)``: theta (N, 2, 3) and size (N, C, H, W) give (N, H, W, 2); theta
    (N, 3, 4) and size (N, C, D, H, W) give (N, D, H, W, 3). Any other pairing (which torch refuses) is
    unknown here, never reported."""
    bound = dict(zip(_GRID_NAMES, args))
    bound.update({k: v for k, v in kwargs.items() if k in _GRID_NAMES})
    theta, size = bound.get("theta"), bound.get("size")
    if isinstance(size, ListVal) and not size.uncertain:
        size = tuple(size.items)
    if not isinstance(theta, TensorVal) or theta.shape.open or not isinstance(size, tuple):
        return TensorVal(Shape.unknown())
    n = len(size) - 2
    want = {2: (2, 3), 3: (3, 4)}.get(n)
    dims = tuple(theta.shape.dims)
    sizes_known = all(is_known(d) or isinstance(d, str) for d in size)  # a symbolic batch ``B`` too
    if want is None or len(dims) != 3 or dims[1:] != want or not sizes_known or dims[0] != size[0]:
        return TensorVal(Shape.unknown(), tainted=theta.tainted)
    return TensorVal(Shape(size[0], *size[2:], n), tainted=theta.tainted)
