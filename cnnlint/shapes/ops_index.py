"""``x[items]``: basic indexing, and advanced indexing with integer index tensors.

Items: an int (UNKNOWN stands for an int of unknown value), a ``slice``
whose start/stop/step are None, ints or UNKNOWN, None (a new axis of 1),
Ellipsis, or a ``Shape``: an integer index tensor, whose dims replace the
dim it indexes in place (torch applies ints first, as ``select``, so they do
not move it). Several index tensors broadcast together, as torch does,
when no int is beside them. Anything else (a bool, a mask) gives
``Shape.unknown()``.

Codes (all CNL005): an int out of range of a known dim (torch's IndexError),
too many indices, a slice step <= 0 (ValueError). Two ellipses are unknown:
torch accepts them, with results that shift.
"""

from __future__ import annotations

from collections.abc import Sequence

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, is_known
from cnnlint.shapes.ops_common import show
from cnnlint.shapes.spec import ShapeError, is_int


def _consumes(item: object) -> bool:
    return item is UNKNOWN or is_int(item) or isinstance(item, (slice, Shape))


def _valid(item: object) -> bool:
    return _consumes(item) or item is None or item is Ellipsis


def _slice_size(size: Dim, sl: slice) -> Dim:
    start, stop, step = sl.start, sl.stop, sl.step
    if is_known(step) and step <= 0:
        raise ShapeError("CNL005", f"slice step must be greater than zero, got {step}")
    for part in (start, stop, step):
        if not (part is None or part is UNKNOWN or is_int(part)):
            return UNKNOWN
    if start in (None, 0) and stop is None and step in (None, 1):
        return size
    if not is_known(size, *(p for p in (start, stop, step) if p is not None)):
        return UNKNOWN
    return len(range(*slice(start, stop, step).indices(size)))  # type: ignore[arg-type]


def _several_tensors(shape: Shape, items: list[object]) -> Shape:
    """``x[i, j]`` / ``x[:, i, None, j]`` with several integer index tensors and no int: the tensors
    broadcast together (CNL005 when they cannot: torch's IndexError); their shape takes the place of the
    dims they index when they are adjacent, else it comes first. With an int beside them torch's order
    is its own: unknown."""
    # A 0-d index tensor is an int to torch (a ``select``): with at most one tensor left, the usual path.
    items = [UNKNOWN if isinstance(i, Shape) and i.rank == 0 else i for i in items]
    if sum(1 for i in items if isinstance(i, Shape)) < 2:
        return index(shape, items)
    if shape.rank is None or any(is_int(i) or i is UNKNOWN for i in items):
        return Shape.unknown()
    tensors = [i for i in items if isinstance(i, Shape)]
    if any(t.open for t in tensors):
        return Shape.unknown()
    consumed = sum(1 for i in items if _consumes(i))
    if consumed > shape.rank:
        raise ShapeError(
            "CNL005", f"too many indices for tensor of dimension {shape.rank}: {consumed} on {show(shape)}"
        )
    fill: list[object] = [slice(None)] * (shape.rank - consumed)
    if Ellipsis in items:
        at = items.index(Ellipsis)
        items = items[:at] + fill + items[at + 1 :]
    else:
        items = items + fill
    rank = max(len(t.dims) for t in tensors)
    common: list[Dim] = []
    for k in range(rank):
        sizes = {t.dims[len(t.dims) - rank + k] for t in tensors if len(t.dims) - rank + k >= 0}
        if not is_known(*sizes):
            return Shape.unknown()
        wide = sizes - {1}
        if len(wide) > 1:
            raise ShapeError(
                "CNL005",
                "shape mismatch: indexing tensors could not be broadcast together with shapes "
                + ", ".join(show(t) for t in tensors),
            )
        common.append(wide.pop() if wide else 1)
    pieces: list[list[Dim] | None] = []  # None: the place of an index tensor
    pos = 0
    for item in items:
        if item is None:
            pieces.append([1])
            continue
        pieces.append(None if isinstance(item, Shape) else [_slice_size(shape.dims[pos], item)])  # type: ignore[arg-type]
        pos += 1
    places = [k for k, piece in enumerate(pieces) if piece is None]
    if places == list(range(places[0], places[-1] + 1)):
        before, after = pieces[: places[0]], pieces[places[-1] + 1 :]
        return Shape(*(d for p in before for d in p), *common, *(d for p in after for d in p))  # type: ignore[union-attr]
    return Shape(*common, *(d for p in pieces if p is not None for d in p))


def _apply(shape: Shape, dims: Sequence[Dim], items: Sequence[object], offset: int) -> list[Dim] | None:
    """The result dims of ``items`` on ``dims`` (no ellipsis left); None when unknown."""
    out: list[Dim] = []
    pos = 0
    for item in items:
        if item is None:
            out.append(1)
            continue
        size = dims[pos]
        if isinstance(item, slice):
            out.append(_slice_size(size, item))
        elif isinstance(item, Shape):
            if item.open:
                return None
            out.extend(item.dims)
        elif is_int(item) and is_known(size) and not -size <= item < size:  # type: ignore[operator]
            raise ShapeError(
                "CNL005",
                f"index {item} is out of bounds for dimension {pos + offset} with size {size}; input {show(shape)}",
            )
        pos += 1
    return out


def index(shape: Shape, items: Sequence[object]) -> Shape:
    """The shape of ``x[items]`` (``items`` as the tuple Python passes to ``__getitem__``)."""
    items = list(items)
    if not all(_valid(i) and not isinstance(i, bool) for i in items):
        return Shape.unknown()
    if sum(1 for i in items if i is Ellipsis) > 1:
        return Shape.unknown()  # torch accepts several ellipses, with shifting results: not modelled
    if sum(1 for i in items if isinstance(i, Shape)) > 1:
        return _several_tensors(shape, items)
    consumed = sum(1 for i in items if _consumes(i))
    if shape.rank is not None:
        if consumed > shape.rank:
            raise ShapeError(
                "CNL005", f"too many indices for tensor of dimension {shape.rank}: {consumed} on {show(shape)}"
            )
        fill = [slice(None)] * (shape.rank - consumed)
        if Ellipsis in items:
            at = items.index(Ellipsis)
            items = items[:at] + fill + items[at + 1 :]
        else:
            items = items + fill
        out = _apply(shape, shape.dims, items, 0)
        return Shape.unknown() if out is None else Shape(*out)
    if Ellipsis not in items:
        return Shape.unknown()
    after = items[items.index(Ellipsis) + 1 :]
    width = sum(1 for i in after if _consumes(i))
    if width > shape.min_rank:
        return Shape.unknown()
    out = _apply(shape, shape.dims[len(shape.dims) - width :], after, -width)
    return Shape.unknown() if out is None else Shape(*out, open=True)
