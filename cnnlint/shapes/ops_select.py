"""Elements chosen along a dim: ``sort``/``argsort``/``cummax`` (same shape), ``topk`` (k of them),
``index_select`` (as many as the index holds), ``gather`` (the index's shape), ``tril``/``triu``,
``narrow``/``select``, ``diagonal`` and ``F.embedding`` (rows of a weight chosen by an index).

Codes: a dim out of range or a ``k`` larger than the dim is CNL005 (torch's
IndexError / RuntimeError); ``tril``/``triu`` under 2-D and a ``gather``
index of another rank are CNL006. Unknowns give what is certain.
"""

from __future__ import annotations

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, is_known
from cnnlint.shapes.ops_common import show, wrap_open
from cnnlint.shapes.spec import ShapeError, is_int


def along(shape: Shape, dim: int) -> Shape:
    """``sort``/``argsort``/``cummax``/``cummin`` along ``dim``: the same shape, once the dim is valid."""
    if not is_int(dim):
        return Shape.unknown()
    wrap_open(dim, shape)  # raises for a dim out of range
    return shape


def topk(shape: Shape, k: int, dim: int = -1) -> Shape:
    """``x.topk(k, dim)``: ``dim`` becomes ``k``, which may not exceed it."""
    if not is_int(dim) or not is_int(k):
        return Shape.unknown()
    at = wrap_open(dim, shape)  # the dim first, as torch checks it
    if k < 0:
        raise ShapeError("CNL005", f"topk(k={k}): k must be non-negative")
    if shape.rank == 0:
        if k > 1:
            raise ShapeError("CNL005", f"topk(k={k}) of a 0-D tensor: selected index k out of range")
        return shape
    if at is None:
        return Shape.unknown()
    size = shape.dims[at]
    if is_known(size) and isinstance(size, int) and k > size:
        raise ShapeError("CNL005", f"topk(k={k}, dim={dim}) of {show(shape)}: selected index k out of range")
    return shape.with_dims(k if i == at else d for i, d in enumerate(shape.dims))


def index_select(shape: Shape, dim: int, index: Shape) -> Shape:
    """``x.index_select(dim, index)``: ``dim`` becomes the index's length (a 0-D or 1-D index; a 0-D
    input takes exactly one)."""
    if not is_int(dim) or index.rank is None:
        return Shape.unknown()
    at = wrap_open(dim, shape)  # the dim first, as torch checks it
    if index.rank > 1:
        raise ShapeError("CNL006", f"index_select: the index must be 0-D or 1-D, got {show(index)}")
    count: Dim = index.dims[0] if index.rank == 1 else 1
    if shape.rank == 0:
        if isinstance(count, int) and count != 1:
            raise ShapeError("CNL005", f"index_select of a 0-D tensor takes one index, got {count}")
        return shape
    if at is None:
        return Shape.unknown()
    return shape.with_dims(count if i == at else d for i, d in enumerate(shape.dims))


def gather(shape: Shape, dim: int, index: Shape) -> Shape:
    """``x.gather(dim, index)``: the index's shape; it has the input's rank and no dim larger than the
    input's, except along ``dim``."""
    if not is_int(dim):
        return Shape.unknown()
    at = wrap_open(dim, shape)  # the dim first, as torch checks it
    if shape.rank is not None and index.rank is not None:
        if shape.rank != index.rank and max(shape.rank, 1) != max(index.rank, 1):
            raise ShapeError(
                "CNL006", f"gather: the index {show(index)} must have as many dims as the input {show(shape)}"
            )
        for i, (have, want) in enumerate(zip(shape.dims, index.dims)):
            if i != at and isinstance(have, int) and isinstance(want, int) and want > have:
                raise ShapeError(
                    "CNL005", f"gather along dim {dim}: the index {show(index)} is larger than {show(shape)} at dim {i}"
                )
    return index if index.rank is not None else Shape.unknown()


def triangle(shape: Shape, name: str) -> Shape:
    """``tril``/``triu``: the same shape, of at least 2 dims."""
    if shape.rank is not None and shape.rank < 2:
        raise ShapeError("CNL006", f"{name}: the input must have at least 2 dims, got {show(shape)}")
    return shape


def narrow(shape: Shape, dim: int, start: int, length: int) -> Shape:
    """``x.narrow(dim, start, length)``: ``dim`` becomes ``length``; the slice must lie inside it."""
    if not (is_int(dim) and is_int(start) and is_int(length)):
        return Shape.unknown()
    if shape.rank == 0:
        raise ShapeError("CNL006", "narrow() cannot be applied to a 0-dim tensor")
    at = wrap_open(dim, shape)
    if length < 0:
        raise ShapeError("CNL005", f"narrow(): length must be non-negative, got {length}")
    if at is None:
        return Shape.unknown()
    size = shape.dims[at]
    if isinstance(size, int) and is_known(size):
        begin = start + size if start < 0 else start
        if not -size <= start <= size or begin + length > size:
            raise ShapeError("CNL005", f"narrow({dim}, {start}, {length}) of {show(shape)}: out of range")
    return shape.with_dims(length if i == at else d for i, d in enumerate(shape.dims))


def select(shape: Shape, dim: int, index: int) -> Shape:
    """``x.select(dim, index)``: ``dim`` is taken away; the index must lie inside it."""
    if not (is_int(dim) and is_int(index)):
        return Shape.unknown()
    if shape.rank == 0:
        raise ShapeError("CNL006", "select() cannot be applied to a 0-dim tensor")
    at = wrap_open(dim, shape)
    if at is None:
        return Shape.unknown()
    size = shape.dims[at]
    if isinstance(size, int) and is_known(size) and not -size <= index < size:
        raise ShapeError("CNL005", f"select({dim}, {index}) of {show(shape)}: index out of range")
    return shape.with_dims(d for i, d in enumerate(shape.dims) if i != at)


def _diagonal_length(rows: Dim, cols: Dim, offset: int) -> Dim:
    """How many elements the ``offset`` diagonal of a ``rows x cols`` matrix holds (0 when it misses)."""
    if is_known(rows, cols):
        if offset >= 0:
            return max(0, min(rows, cols - offset))  # type: ignore[operator]
        return max(0, min(rows + offset, cols))  # type: ignore[operator]
    if offset == 0 and isinstance(rows, str) and rows == cols:
        return rows
    return UNKNOWN


def diagonal(shape: Shape, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Shape:
    """``x.diagonal(offset, dim1, dim2)``: both dims go, and the diagonal's length is appended last
    (torch gives an empty diagonal, not an error, for an offset beyond the matrix)."""
    if not (is_int(offset) and is_int(dim1) and is_int(dim2)):
        return Shape.unknown()
    first, second = wrap_open(dim1, shape), wrap_open(dim2, shape)
    if first is not None and first == second:
        raise ShapeError("CNL005", f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    if first is None or second is None:
        return Shape.unknown()
    length = _diagonal_length(shape.dims[first], shape.dims[second], offset)
    rest = (d for i, d in enumerate(shape.dims) if i not in (first, second))
    return Shape(*rest, length, open=shape.open)


def embedding(index: Shape, weight: Shape, padding_idx: int | None = None) -> Shape:
    """``F.embedding(index, weight)``: one row of the 2-D ``weight`` per index, so the index's shape and
    the row length. A ``padding_idx`` must name a row (F.embedding asserts it before anything else)."""
    if padding_idx is not None:
        if not is_int(padding_idx):
            return Shape.unknown()
        if weight.rank == 0 and padding_idx != 0:  # F.embedding reads weight.size(0) for any other
            raise ShapeError("CNL005", "embedding: the weight has no dims to hold padding_idx")
        rows = weight.dims[0] if weight.rank else UNKNOWN
        if isinstance(rows, int) and is_known(rows) and padding_idx != 0 and not -rows <= padding_idx < rows:
            raise ShapeError("CNL005", f"embedding: padding_idx {padding_idx} must be within num_embeddings {rows}")
    if weight.rank is not None and weight.rank != 2:
        raise ShapeError("CNL006", f"embedding: the weight must be 2-D, got {show(weight)}")
    if weight.min_rank > 2:
        raise ShapeError("CNL006", f"embedding: the weight must be 2-D, got {show(weight)}")
    width = weight.dims[-1] if weight.dims else UNKNOWN
    return Shape(*index.dims, width, open=index.open)
