"""Dims moved, added, removed: reduce, permute, transpose, movedim, t, unsqueeze, squeeze,
flatten, unflatten, and ``Tensor.unfold``'s sliding windows.

Codes: a dim argument out of range or repeated is CNL005 (torch's IndexError /
RuntimeError); a permutation or ``t()`` that does not fit the rank is CNL006.
On an open shape (unknown rank) negative dims that land on known dims are
followed; anything else gives ``Shape.unknown()``. ``reduce`` does not know
which reduction it is, so it never judges a reduced dim of size 0 (``max``
and ``argmax`` raise there, ``sum`` does not).
"""

from __future__ import annotations

from collections.abc import Sequence

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, is_known
from cnnlint.shapes.ops_common import int_dims, no_repeats, pinned, show, wrap, wrap_open
from cnnlint.shapes.reshape import FLATTEN, UNFLATTEN
from cnnlint.shapes.spec import ShapeError, is_int


def _wrap_all(dims: Sequence[int], shape: Shape, extra: int = 0) -> list[int] | None:
    """Every dim as an index into ``shape.dims`` (CNL005 if out of range), None if any is uncertain."""
    out = []
    for d in dims:
        w = wrap_open(d, shape, extra)
        if w is None:
            return None
        out.append(w)
    return out


def reduce(shape: Shape, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Shape:
    """``sum``/``mean``/``amax``/``argmax``/``max(dim)``/... over ``dim`` (None: every dim)."""
    if dim is None or (isinstance(dim, (list, tuple)) and not dim):
        if not keepdim:
            return Shape()
        return Shape(*(1,) * shape.rank) if shape.rank is not None else Shape.unknown()
    dims = int_dims(dim)
    if dims is None or keepdim not in (True, False):
        return Shape.unknown()
    index = _wrap_all(dims, shape)
    if index is None:
        return Shape.unknown()
    no_repeats(index, dims)
    if shape.rank == 0:
        return shape
    if keepdim:
        return shape.with_dims(1 if i in index else d for i, d in enumerate(shape.dims))
    return shape.with_dims(d for i, d in enumerate(shape.dims) if i not in index)


def permute(shape: Shape, dims: Sequence[int]) -> Shape:
    """``x.permute(*dims)``: exactly one entry per dim, each once."""
    order = int_dims(dims)
    if order is None:
        return Shape.unknown()
    fixed = pinned(shape, len(order))
    if fixed is None:
        raise ShapeError(
            "CNL006",
            f"permute{tuple(order)!r} names {len(order)} dims but the input {show(shape)} has "
            f"{shape.rank if shape.rank is not None else f'at least {shape.min_rank}'}",
        )
    index = [wrap(d, len(order)) for d in order]
    no_repeats(index, order)
    return Shape(*(fixed.dims[i] for i in index))


def transpose(shape: Shape, dim0: int, dim1: int) -> Shape:
    """``x.transpose(dim0, dim1)``."""
    if not (is_int(dim0) and is_int(dim1)):
        return Shape.unknown()
    index = _wrap_all((dim0, dim1), shape)
    if index is None:
        return Shape.unknown()
    if shape.rank == 0:
        return shape
    dims = list(shape.dims)
    a, b = index
    dims[a], dims[b] = dims[b], dims[a]
    return shape.with_dims(dims)


def movedim(shape: Shape, source: int | Sequence[int], destination: int | Sequence[int]) -> Shape:
    """``torch.movedim``: the ``source`` dims moved to ``destination``, the others keep their order."""
    src, dst = int_dims(source), int_dims(destination)
    if src is None or dst is None:
        return Shape.unknown()
    if len(src) != len(dst):
        raise ShapeError(
            "CNL005",
            f"movedim: invalid source or destination dims: source {list(src)} has {len(src)} dims but "
            f"destination {list(dst)} has {len(dst)} dims",
        )
    if shape.rank is None:
        return Shape.unknown()
    rank = shape.rank
    s = [wrap(d, rank) for d in src]
    d = [wrap(x, rank) for x in dst]
    no_repeats(s, src)
    no_repeats(d, dst)
    if rank == 0:
        return shape
    out: list[Dim | None] = [None] * rank
    for a, b in zip(s, d):
        out[b] = shape.dims[a]
    rest = iter(x for i, x in enumerate(shape.dims) if i not in s)
    return Shape(*(x if x is not None else next(rest) for x in out))


def t(shape: Shape) -> Shape:
    """``x.t()``: 0-D and 1-D unchanged, 2-D transposed, more is CNL006."""
    if shape.min_rank > 2:
        raise ShapeError("CNL006", f"t() expects a tensor with <= 2 dimensions, but receives {show(shape)}")
    if shape.rank is None:
        return Shape(shape.dims[1], shape.dims[0]) if shape.min_rank == 2 else Shape.unknown()
    return Shape(*reversed(shape.dims))


def unsqueeze(shape: Shape, dim: int) -> Shape:
    """``x.unsqueeze(dim)``: a dim of 1 at ``dim`` in ``[-rank-1, rank]``."""
    if not is_int(dim):
        return Shape.unknown()
    if shape.rank is not None:
        index = wrap(dim, shape.rank + 1)
    else:
        index = wrap_open(dim, shape, 1)  # type: ignore[assignment]
        if index is None:
            return Shape.unknown()
    return Shape(*shape.dims[:index], 1, *shape.dims[index:], open=shape.open)


def squeeze(shape: Shape, dim: int | Sequence[int] | None = None) -> Shape:
    """``x.squeeze(dim)``: removes size-1 dims (a named non-1 dim is kept: torch 2.x makes it a no-op).

    A dim that may or may not be 1 (a symbol or unknown) leaves the rank
    unknown: the result is open, keeping only the dims after the last such one.
    """
    if dim is None:
        targets = list(range(len(shape.dims)))
    else:
        given = int_dims(dim)
        if given is None:
            return Shape.unknown()
        wrapped = _wrap_all(given, shape)
        if wrapped is None:
            return Shape.unknown()
        no_repeats(wrapped, given)
        targets = wrapped
    if shape.rank == 0:
        return shape
    out: list[Dim] = []
    unsure = False
    for i, d in enumerate(shape.dims):
        if i in targets:
            if d == 1:
                continue
            if not is_known(d):
                out, unsure = [], True  # may or may not be removed: the dims before it are unplaced
                continue
        out.append(d)
    return Shape(*out, open=shape.open or unsure)


def _as_op(op: str, err: ShapeError) -> ShapeError:
    """The catalogue's Flatten/Unflatten error as the tensor method's: a dim out of range is CNL005 here."""
    message = err.finding.message.replace(op.capitalize(), op, 1)
    return ShapeError("CNL005", message)


def flatten(shape: Shape, start_dim: int = 0, end_dim: int = -1) -> Shape:
    """``torch.flatten``: the catalogue's Flatten with these dims."""
    try:
        return FLATTEN.infer({"start_dim": start_dim, "end_dim": end_dim}, shape)
    except ShapeError as err:
        raise _as_op("flatten", err) from None


def unflatten(shape: Shape, dim: int, sizes: Sequence[int]) -> Shape:
    """``x.unflatten(dim, sizes)``: the catalogue's Unflatten."""
    args = {"dim": dim, "unflattened_size": tuple(sizes) if isinstance(sizes, list) else sizes}
    try:
        UNFLATTEN.check(args)
        return UNFLATTEN.infer(args, shape)
    except ShapeError as err:
        raise _as_op("unflatten", err) from None


def unfold_dim(shape: Shape, dimension: int, size: int, step: int) -> Shape:
    """``x.unfold(dimension, size, step)``: windows of ``size`` every ``step`` along one dim, as a new last dim.

    Not ``F.unfold`` (im2col). ``dimension`` out of range is CNL005 (IndexError);
    a negative ``size``, a ``step`` below 1 or a window longer than the dim is
    CNL005 (RuntimeError). A 0-D tensor unfolds as one element.
    """
    for name, value in (("dimension", dimension), ("size", size), ("step", step)):
        if not is_int(value):
            raise ShapeError("CNL005", f"unfold() argument '{name}' must be an int, got {value!r}")
    if shape.rank is None:
        return Shape.unknown()
    d = wrap(dimension, shape.rank)
    if size < 0:
        raise ShapeError("CNL005", f"unfold: size is {size} but must be >= 0")
    if step <= 0:
        raise ShapeError("CNL005", f"unfold: step is {step} but must be > 0")
    dims = list(shape.dims) if shape.rank else [1]
    n = dims[d]
    windows: Dim = UNKNOWN
    if is_known(n):
        if size > n:  # type: ignore[operator]
            raise ShapeError(
                "CNL005", f"unfold: the largest window at dimension {d} of {show(shape)} is {n}, but size is {size}"
            )
        windows = (n - size) // step + 1  # type: ignore[operator]
    if shape.rank == 0:
        return Shape(size)
    return Shape(*dims[:d], windows, *dims[d + 1 :], size)


def repeat_interleave(shape: Shape, repeats: int, dim: int | None = None) -> Shape:
    """``x.repeat_interleave(repeats, dim)`` with an int ``repeats``: each element ``repeats`` times along
    ``dim`` (a flattened tensor when ``dim`` is None). A negative count is CNL005, a dim out of range too."""
    if not is_int(repeats) or (dim is not None and not is_int(dim)):
        return Shape.unknown()
    if repeats < 0:
        raise ShapeError("CNL005", f"repeat_interleave: repeats can not be negative, got {repeats}")
    if dim is None:
        if shape.rank is None:
            return Shape(UNKNOWN)
        total: Dim = repeats
        for d in shape.dims:
            total = total * d if is_known(d) and is_known(total) else UNKNOWN  # type: ignore[operator]
        return Shape(total)
    if shape.rank == 0:  # torch flattens a 0-D tensor to one element first, then rejects any dim
        raise ShapeError("CNL005", f"repeat_interleave(dim={dim}) of a 0-D tensor: dimension out of range")
    if shape.rank is not None:
        index = wrap(dim, shape.rank)
    else:
        found = wrap_open(dim, shape)
        if found is None:
            return Shape.unknown()
        index = found
    dims = list(shape.dims)
    dims[index] = dims[index] * repeats if is_known(dims[index]) else UNKNOWN  # type: ignore[operator]
    return Shape(*dims, open=shape.open)
