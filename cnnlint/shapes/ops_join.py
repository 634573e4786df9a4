"""Joining and splitting: cat, stack, split, chunk, unbind, tensor_split.

Codes: tensors that cannot be joined (rank, or a size off the joined dim)
are CNL009; a dim out of range, an empty list, bad split sizes are CNL005;
a 0-D tensor where torch needs at least 1-D is CNL006.

``split``, ``chunk`` and ``unbind`` return None when the number of pieces is
not known (the size along ``dim`` is a symbol or unknown); ``tensor_split``
always knows how many pieces it makes.
"""

from __future__ import annotations

from collections.abc import Sequence

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, is_known
from cnnlint.shapes.ops_common import add_dims, clash, int_dims, settle, show, wrap, wrap_open
from cnnlint.shapes.spec import ShapeError, is_int


def _maybe_skipped(shape: Shape) -> bool:
    """torch.cat's legacy rule skips 1-D empty tensors: could ``shape`` be ``(0,)``?"""
    if shape.rank is not None:
        return shape.rank == 1 and not (is_known(shape.dims[0]) and shape.dims[0] != 0)
    return shape.min_rank == 0 or (shape.min_rank == 1 and not (is_known(shape.dims[0]) and shape.dims[0] != 0))


def _shown(shapes: Sequence[Shape]) -> str:
    return ", ".join(show(s) for s in shapes)


def _join_dims(op: str, shapes: Sequence[Shape], skip: int | None) -> list[Dim]:
    """Position by position, the common size of same-rank closed shapes (CNL009 where two differ)."""
    rank = len(shapes[0].dims)
    out: list[Dim] = []
    for i in range(rank):
        if i == skip:
            out.append(UNKNOWN)
            continue
        column = [s.dims[i] for s in shapes]
        found = clash(column)
        if found is not None:
            raise ShapeError(
                "CNL009",
                f"cannot {op} {_shown(shapes)}: sizes must match except in dimension {skip}, "
                f"but dim {i} is {found[0]} vs {found[1]}",
            )
        out.append(settle(column))
    return out


def _at_rank(shapes: Sequence[Shape], rank: int) -> list[Shape]:
    """Shapes read at a common ``rank``: the open ones padded with UNKNOWN leading dims."""
    return [Shape(*(UNKNOWN,) * (rank - s.min_rank), *s.dims) if s.open else s for s in shapes]


def _rank_mismatch(shapes: Sequence[Shape], closed: Shape | None) -> Shape | None:
    """The first shape whose rank certainly differs from ``closed``'s."""
    if closed is None:
        return None
    for s in shapes:
        if (s.rank is not None and s.rank != closed.rank) or s.min_rank > len(closed.dims):
            return s
    return None


def cat(shapes: Sequence[Shape], dim: int = 0) -> Shape:
    """``torch.cat(shapes, dim)``: same rank, same sizes except along ``dim``, which adds up.

    A 1-D tensor that may be empty is skipped, as torch's legacy rule does,
    whenever another tensor is certainly not 1-D (it must then be empty, or
    torch raises): so only certain rank mismatches are reported.
    """
    if not shapes:
        raise ShapeError("CNL005", "cat expects a non-empty list of tensors")
    if not is_int(dim):
        return Shape.unknown()
    _wrap_first(shapes, dim)
    kept = [s for s in shapes if not _maybe_skipped(s)]
    if not any(s.rank != 1 and (s.rank is not None or s.min_rank >= 2) for s in kept):
        if all(s.rank == 1 for s in shapes):
            return Shape(add_dims(s.dims[0] for s in shapes))
        return Shape.unknown()
    for i, s in enumerate(shapes):
        if s.rank == 0:
            raise ShapeError("CNL006", f"cat: zero-dimensional tensor (at position {i}) cannot be concatenated")
    closed = next((s for s in kept if s.rank is not None), None)
    odd = _rank_mismatch(kept, closed)
    if odd is not None:
        raise ShapeError(
            "CNL009",
            f"cannot cat {_shown(shapes)}: tensors must have the same number of dimensions, "
            f"got {closed.rank} and {odd.rank if odd.rank is not None else f'at least {odd.min_rank}'}",  # type: ignore[union-attr]
        )
    # a tensor of unknown rank may be an empty 1-D one (skipped) or a full one (added along dim)
    maybe_more = any(s.open and _maybe_skipped(s) for s in shapes)
    if closed is None:
        return _cat_trailing(kept, dim, maybe_more)
    index = wrap(dim, closed.rank)  # type: ignore[arg-type]
    same = _at_rank(kept, len(closed.dims))
    dims = _join_dims("cat", same, index)
    dims[index] = UNKNOWN if maybe_more else add_dims(s.dims[index] for s in same)
    return Shape(*dims)


def _wrap_first(shapes: Sequence[Shape], dim: int) -> None:
    """torch wraps ``dim`` against the first tensor not skipped, before any other check."""
    for s in shapes:
        if s.rank == 1 and s.dims[0] == 0:
            continue
        if s.rank is not None and not _maybe_skipped(s):
            wrap(dim, s.rank)
        return


def _cat_trailing(shapes: Sequence[Shape], dim: int, maybe_more: bool) -> Shape:
    """All open: a negative dim inside every shape's known dims can still be followed."""
    width = min(s.min_rank for s in shapes)
    if not (dim < 0 and -dim <= width):
        return Shape.unknown()
    trailing = [Shape(*s.dims[len(s.dims) - width :]) for s in shapes]
    index = width + dim
    dims = _join_dims("cat", trailing, index)
    dims[index] = UNKNOWN if maybe_more else add_dims(s.dims[index] for s in trailing)
    return Shape(*dims, open=True)


def stack(shapes: Sequence[Shape], dim: int = 0) -> Shape:
    """``torch.stack(shapes, dim)``: equal shapes, a new dim of ``len(shapes)`` at ``dim``."""
    if not shapes:
        raise ShapeError("CNL005", "stack expects a non-empty list of tensors")
    if not is_int(dim):
        return Shape.unknown()
    closed = next((s for s in shapes if s.rank is not None), None)
    if _rank_mismatch(shapes, closed) is not None:
        raise ShapeError("CNL009", f"stack expects each tensor to be equal size, but got {_shown(shapes)}")
    if closed is None:
        width = min(s.min_rank for s in shapes)
        if not (dim < 0 and -dim <= width + 1):
            return Shape.unknown()
        trailing = [Shape(*s.dims[len(s.dims) - width :]) for s in shapes]
        dims = _stack_dims(trailing, shapes)
        index = width + 1 + dim
        return Shape(*dims[:index], len(shapes), *dims[index:], open=True)
    index = wrap(dim, closed.rank + 1)  # type: ignore[operator]
    dims = _stack_dims(_at_rank(shapes, len(closed.dims)), shapes)
    return Shape(*dims[:index], len(shapes), *dims[index:])


def _stack_dims(same: Sequence[Shape], shapes: Sequence[Shape]) -> list[Dim]:
    try:
        return _join_dims("stack", same, None)
    except ShapeError:
        raise ShapeError("CNL009", f"stack expects each tensor to be equal size, but got {_shown(shapes)}") from None


# ---- splitting ---------------------------------------------------------------------------------


def _at_least_1d(op: str, shape: Shape) -> None:
    if shape.rank == 0:
        raise ShapeError("CNL006", f"{op} expects at least a 1-dimensional tensor, got {show(shape)}")


def _pieces(shape: Shape, index: int | None, sizes: Sequence[Dim]) -> list[Shape]:
    if index is None:
        return [Shape.unknown() for _ in sizes]
    return [shape.replace(index, s) for s in sizes]


def split(shape: Shape, split_size_or_sections: int | Sequence[int], dim: int = 0) -> list[Shape] | None:
    """``torch.split``: pieces of ``split_size`` (the last one smaller), or the given sections."""
    _at_least_1d("split", shape)
    if not is_int(dim):
        return None
    index = wrap_open(dim, shape)
    size = shape.dims[index] if index is not None else UNKNOWN
    arg = split_size_or_sections
    if isinstance(arg, (list, tuple)):
        sections = int_dims(arg) if arg else ()
        if sections is None:
            return None
        for s in sections:
            if s < 0:
                raise ShapeError("CNL005", f"split_with_sizes expects split_sizes to be non-negative, got {list(arg)}")
        if is_known(size) and sum(sections) != size:
            raise ShapeError(
                "CNL005",
                f"split sections {list(arg)} sum to {sum(sections)}, "
                f"not to the size {size} of dim {dim} of {show(shape)}",
            )
        return _pieces(shape, index, sections)
    if not is_int(arg):
        return None
    if arg < 0:  # type: ignore[operator]
        raise ShapeError("CNL005", f"split expects split_size be non-negative, but got split_size={arg}")
    if not is_known(size):
        return None
    return _pieces(shape, index, _even_pieces(size, arg, shape, dim))  # type: ignore[arg-type]


def _even_pieces(size: int, step: int, shape: Shape, dim: int) -> list[Dim]:
    if step == 0:
        if size:
            raise ShapeError(
                "CNL005", f"split_size can only be 0 if dimension size is 0, but got dim {dim} of {show(shape)}"
            )
        return [0]
    if size == 0:
        return [0]
    return [step] * (size // step) + ([size % step] if size % step else [])


def chunk(shape: Shape, chunks: int, dim: int = 0) -> list[Shape] | None:
    """``torch.chunk``: pieces of ``ceil(size / chunks)``; there may be fewer than ``chunks``."""
    _at_least_1d("chunk", shape)
    if not is_int(chunks) or not is_int(dim):
        return None
    if chunks <= 0:
        raise ShapeError("CNL005", f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    index = wrap_open(dim, shape)
    size = shape.dims[index] if index is not None else UNKNOWN
    if not is_known(size):
        return None
    if size == 0:
        return _pieces(shape, index, [0] * chunks)
    step = -(-size // chunks)  # type: ignore[operator]
    return _pieces(shape, index, _even_pieces(size, step, shape, dim))  # type: ignore[arg-type]


def unbind(shape: Shape, dim: int = 0) -> list[Shape] | None:
    """``torch.unbind``: one shape per index along ``dim``, that dim removed."""
    if shape.rank == 0:
        raise ShapeError("CNL005", "Dimension specified as 0 but tensor has no dimensions")
    if not is_int(dim):
        return None
    index = wrap_open(dim, shape)
    size = shape.dims[index] if index is not None else UNKNOWN
    if not is_known(size):
        return None
    rest = Shape(*shape.dims[:index], *shape.dims[index + 1 :], open=shape.open)  # type: ignore[index, operator]
    return [rest for _ in range(size)]  # type: ignore[arg-type]


def _slice_length(size: Dim, start: int, end: int) -> Dim:
    """Length of ``[start:end]`` along a dim of ``size``, as ``at::slice`` clamps it (never negative)."""
    if not is_known(size):
        return 0 if start >= 0 and end >= 0 and end <= start else UNKNOWN
    n: int = size  # type: ignore[assignment]
    first = min(max(start + n if start < 0 else start, 0), n)
    last = min(max(end + n if end < 0 else end, 0), n)
    return max(last - first, 0)


def tensor_split(shape: Shape, indices_or_sections: int | Sequence[int], dim: int = 0) -> list[Shape] | None:
    """``torch.tensor_split``: ``n`` sections (the first ``size % n`` one longer), or the pieces between
    the given indices, clamped as slices are (so some may be empty); never an error for sizes."""
    if shape.rank == 0:
        raise ShapeError("CNL006", "tensor_split expected at least a 1-dimensional tensor, got a 0-D tensor")
    if not is_int(dim):
        return None
    index = wrap_open(dim, shape)
    size = shape.dims[index] if index is not None else UNKNOWN
    arg = indices_or_sections
    if isinstance(arg, (list, tuple)):
        cuts = int_dims(arg) if arg else ()
        if cuts is None:
            return None
        bounds = [0, *cuts]
        ends: list[int | None] = [*cuts, None]
        return _pieces(
            shape,
            index,
            [_slice_length(size, s, e) if e is not None else _tail(size, s) for s, e in zip(bounds, ends)],
        )
    if not is_int(arg):
        return None
    if arg <= 0:  # type: ignore[operator]
        raise ShapeError("CNL005", f"tensor_split: number of sections must be larger than 0, got {arg}")
    sections: int = arg  # type: ignore[assignment]
    if not is_known(size):
        return _pieces(shape, index, [UNKNOWN] * sections)
    n: int = size  # type: ignore[assignment]
    return _pieces(shape, index, [n // sections + (1 if i < n % sections else 0) for i in range(sections)])


def _tail(size: Dim, start: int) -> Dim:
    """The last piece of ``tensor_split``: from ``start`` to the end of the dim."""
    return _slice_length(size, start, size) if is_known(size) else (size if start == 0 else UNKNOWN)  # type: ignore[arg-type]
