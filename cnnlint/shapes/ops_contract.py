"""Products that contract named dims: ``torch.outer`` (two vectors, nothing contracted) and
``torch.tensordot`` (the listed dims of both operands summed over).

Codes: a dim out of range, a repeated dim or dim lists of different lengths
are CNL005; an operand of the wrong rank is CNL006; contracted dims of
different sizes are CNL010, as for the other matrix products.
"""

from __future__ import annotations

from collections.abc import Sequence

from cnnlint.shapes.dims import UNKNOWN, Shape
from cnnlint.shapes.ops_common import differ, show, wrap_open
from cnnlint.shapes.spec import ShapeError, is_int


def outer(a: Shape, b: Shape) -> Shape:
    """``torch.outer(a, b)``: both 1-D (torch does not flatten), an ``len(a) x len(b)`` matrix."""
    for which, operand in (("self", a), ("vec2", b)):
        if operand.rank is not None and operand.rank != 1 or operand.min_rank > 1:
            raise ShapeError("CNL006", f"outer: expected 1-D argument {which}, got {show(operand)}")
    first = a.dims[0] if a.dims else UNKNOWN
    second = b.dims[0] if b.dims else UNKNOWN
    return Shape(first, second)


def _contracted(shape: Shape, dim: int) -> int | None:
    """Index of a contracted dim (None when uncertain); torch's ``size(dim)``, which a 0-D tensor refuses."""
    if shape.rank == 0:
        raise ShapeError("CNL005", f"Dimension specified as {dim} but tensor has no dimensions")
    return wrap_open(dim, shape)


def _dim_lists(a: Shape, b: Shape, dims: int | Sequence[Sequence[int]]) -> tuple[list[int], list[int]] | None:
    """The contracted dims of each operand as torch's Python ``tensordot`` derives them (None when unknown)."""
    if not isinstance(dims, (list, tuple)):
        if not is_int(dims):
            return None
        if dims < 0:  # type: ignore[operator]
            raise ShapeError("CNL005", f"tensordot expects dims >= 0, but got dims={dims}")
        if a.rank is not None and b.rank is not None and dims > min(a.rank, b.rank):  # type: ignore[operator]
            raise ShapeError("CNL005", f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        if dims > min(a.min_rank, b.min_rank) and (a.rank is None or b.rank is None):  # type: ignore[operator]
            return None
        count: int = dims  # type: ignore[assignment]
        return list(range(-count, 0)), list(range(count))
    if len(dims) != 2 or not all(isinstance(d, (list, tuple)) and all(is_int(i) for i in d) for d in dims):
        return None
    return list(dims[0]), list(dims[1])


def tensordot(a: Shape, b: Shape, dims: int | Sequence[Sequence[int]] = 2) -> Shape:
    """``torch.tensordot(a, b, dims)``: ``a``'s other dims then ``b``'s; a contracted pair must match in
    size unless either is 1 (torch sums a size-1 dim away first)."""
    lists = _dim_lists(a, b, dims)
    if lists is None:
        return Shape.unknown()
    dims_a, dims_b = lists
    if len(dims_a) != len(dims_b):
        raise ShapeError("CNL005", f"tensordot: both dimension lists should have same length, got {dims}")
    at_a: list[int | None] = []
    at_b: list[int | None] = []
    for da, db in zip(dims_a, dims_b):
        i, j = _contracted(a, da), _contracted(b, db)
        at_a.append(i)
        at_b.append(j)
        sa = a.dims[i] if i is not None else UNKNOWN
        sb = b.dims[j] if j is not None else UNKNOWN
        if sa != 1 and sb != 1 and differ(sa, sb):
            raise ShapeError(
                "CNL010",
                f"tensordot of {show(a)} and {show(b)}: contracted dims need to match, "
                f"but dim {da} is {sa} and dim {db} is {sb}",
            )
    for given, found in ((dims_a, at_a), (dims_b, at_b)):
        known = [f for f in found if f is not None]
        if len(set(known)) != len(known):
            repeated = next(g for g, f in zip(given, found) if f is not None and known.count(f) > 1)
            raise ShapeError("CNL005", f"tensordot: dim {repeated} appears multiple times in the list of dims")
    if None in at_a or None in at_b or b.open:
        return _open_result(b, at_b)
    rest_a = [d for i, d in enumerate(a.dims) if i not in at_a]
    rest_b = [d for i, d in enumerate(b.dims) if i not in at_b]
    return Shape(*rest_a, *rest_b, open=a.open)


def _open_result(b: Shape, at_b: list[int | None]) -> Shape:
    """What is certain when an operand's rank is not: ``b``'s other dims end the result."""
    if None in at_b:
        return Shape.unknown()
    return Shape(*(d for i, d in enumerate(b.dims) if i not in at_b), open=True)
