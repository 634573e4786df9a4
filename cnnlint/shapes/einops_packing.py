"""einops' ``pack`` and ``unpack`` as shape functions of their pattern (einops/packing.py).

``x, ps = pack([cls_tokens, x], "b * d")`` is how vit-pytorch puts a class
token in front of the patches: every input is reshaped to ``(*before, -1,
*after)`` (its dims at ``*`` flattened) and the inputs are concatenated along
``*``; ``ps`` holds the dims each input had at ``*``. ``unpack(x, ps, "b * d")``
slices that axis back and reshapes each slice to its packed shape. Where
einops (or torch underneath) raises, so does this (``ShapeError``); what it
cannot tell (an unknown dim, an unknown packed shape) is unknown, never an error.
"""

from __future__ import annotations

from collections.abc import Sequence

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, format_shape, is_known
from cnnlint.shapes.ops_common import add_dims, clash, settle
from cnnlint.shapes.spec import ShapeError

STAR = "*"


def parse_pattern(op: str, pattern: str) -> tuple[int, int]:
    """(axes before ``*``, axes after it), or the ShapeError einops' ``analyze_pattern`` raises."""
    axes = pattern.split()
    what = f"{op}(..., {pattern!r})"
    if len(axes) != len(set(axes)):
        raise ShapeError("CNL005", f"{what} names an axis twice (or has more than one *): einops raises")
    if STAR not in axes:
        raise ShapeError("CNL005", f"{what} has no * axis: einops raises")
    for axis in axes:
        if axis != STAR and not _valid_name(axis):
            raise ShapeError("CNL005", f"{what} has the invalid axis name {axis!r}: einops raises")
    before = axes.index(STAR)
    return before, len(axes) - before - 1


def _valid_name(axis: str) -> bool:
    """einops' ``check_axis_name``: an identifier that neither starts nor ends with ``_``."""
    return axis.isidentifier() and not axis.startswith("_") and not axis.endswith("_")


def _product(dims: Sequence[Dim]) -> Dim:
    """The product of dims: an int when all are ints, the one symbol when the rest are 1, else unknown."""
    n = 1
    other: list[Dim] = []
    for d in dims:
        if is_known(d):
            n *= d  # type: ignore[operator]
        else:
            other.append(d)
    if not other:
        return n
    return other[0] if len(other) == 1 and n == 1 and isinstance(other[0], str) else UNKNOWN


def _split(shape: Shape, before: int, after: int) -> tuple[list[Dim], tuple[Dim, ...] | None, list[Dim]]:
    """One closed or open input read against the pattern: (dims before *, dims at * or None, dims after *)."""
    if shape.open:
        tail = list(shape.dims[max(0, len(shape.dims) - after) :]) if after else []
        return [UNKNOWN] * before, None, [UNKNOWN] * (after - len(tail)) + tail
    dims = shape.dims
    return list(dims[:before]), tuple(dims[before : len(dims) - after]), list(dims[len(dims) - after :])


def pack(shapes: Sequence[Shape], pattern: str) -> tuple[Shape, list[tuple[Dim, ...] | None]]:
    """``einops.pack(tensors, pattern)``: (the packed shape, the packed shapes ``ps``; None where unknown)."""
    before, after = parse_pattern("pack", pattern)
    if not shapes:
        raise ShapeError("CNL005", f"pack(..., {pattern!r}) of no tensors: einops raises")
    parts = []
    for i, shape in enumerate(shapes):
        if shape.rank is not None and shape.rank < before + after:
            raise ShapeError(
                "CNL006",
                f"pack(..., {pattern!r}) expects at least {before + after}-D tensors, "
                f"but tensor #{i} is {shape.rank}-D {format_shape(shape)}: einops raises",
            )
        head, star, tail = _split(shape, before, after)
        if _product(head + tail) == 0:
            raise ShapeError(
                "CNL005",
                f"pack(..., {pattern!r}) cannot flatten tensor #{i} {format_shape(shape)}: "
                "a dim outside * is 0, so torch cannot infer the -1 of its reshape",
            )
        parts.append((head, star, tail))
    dims: list[Dim] = []
    for index in range(before + after):
        column = [(h + t)[index] for h, _, t in parts]
        found = clash(column)
        if found is not None:
            raise ShapeError(
                "CNL009",
                f"cannot pack {', '.join(format_shape(s) for s in shapes)} with {pattern!r}: "
                f"sizes must match outside *, but {found[0]} vs {found[1]}",
            )
        dims.append(settle(column))
    lengths = [_product(star) if star is not None else UNKNOWN for _, star, _ in parts]
    packed = lengths[0] if len(lengths) == 1 else add_dims(lengths)
    return Shape(*dims[:before], packed, *dims[before:]), [star for _, star, _ in parts]


def unpack(shape: Shape, packed: Sequence[tuple[Dim, ...] | None], pattern: str) -> list[Shape]:
    """``einops.unpack(tensor, ps, pattern)``: the shape of each piece, or the ShapeError einops raises."""
    before, after = parse_pattern("unpack", pattern)
    rank = before + 1 + after
    if (shape.rank is not None and shape.rank != rank) or shape.min_rank > rank:
        raise ShapeError(
            "CNL006", f"unpack(..., {pattern!r}) expects a {rank}-D input but receives {format_shape(shape)}"
        )
    dims = [UNKNOWN] * (rank - shape.min_rank) + list(shape.dims)
    head, axis, tail = dims[:before], dims[before], dims[before + 1 :]
    lengths = [_length(p) for p in packed]
    if sum(1 for n in lengths if n == -1) > 1:
        raise ShapeError("CNL005", f"unpack(..., {pattern!r}) is given more than one -1 in {packed}: einops raises")
    slices = _slices(axis, lengths)
    outer = _product(head + tail) if is_known(*head, *tail) else UNKNOWN
    out = []
    for i, p in enumerate(packed):
        if p is None:
            out.append(Shape(*tail, open=True))  # its rank is not known
            continue
        size = slices[i] if slices is not None else UNKNOWN
        out.append(Shape(*head, *_piece(p, size, outer, axis, packed, pattern), *tail))
    return out


def _length(p: tuple[Dim, ...] | None) -> Dim:
    """einops' length of a packed axis: -1 when its shape holds a -1, else the product of its dims."""
    if p is None:
        return UNKNOWN
    if -1 in [d for d in p if is_known(d)]:
        return -1
    return _product(p) if is_known(*p) else UNKNOWN


def _slices(axis: Dim, lengths: list[Dim]) -> list[int] | None:
    """How long each slice of the unpacked axis is, einops' split positions sliced as Python slices."""
    if not is_known(axis, *lengths) or not lengths:
        return None
    positions = [0] * len(lengths) + [axis]
    if -1 not in lengths:
        for i, n in enumerate(lengths[:-1]):
            positions[i + 1] = positions[i] + n  # type: ignore[operator]
    else:
        at = lengths.index(-1)
        for i in range(at):
            positions[i + 1] = positions[i] + lengths[i]  # type: ignore[operator]
        for j in range(len(lengths) - 1, at, -1):
            positions[j] = positions[j + 1] - lengths[j]  # type: ignore[operator]
    return [len(range(axis)[positions[i] : positions[i + 1]]) for i in range(len(lengths))]  # type: ignore[arg-type]


def _piece(p: tuple[Dim, ...], size: Dim, outer: Dim, axis: Dim, packed: Sequence[object], pattern: str) -> list[Dim]:
    """The dims at ``*`` of one piece: its packed shape, a -1 worked out as torch's reshape does."""
    if is_known(size, *p) and is_known(outer):
        inferred = _infer(outer * size, outer, p)  # type: ignore[operator]
        if inferred is None:
            raise ShapeError(
                "CNL005",
                f"unpack(..., {pattern!r}) cannot split an axis of size {axis} into {list(packed)}: einops raises",
            )
        return inferred
    if is_known(size, *p) and p.count(-1) == 1 and all(d >= 0 for d in p if d != -1):  # type: ignore[operator]
        rest = _product([d for d in p if d != -1])
        if is_known(rest) and rest > 0 and size % rest == 0:  # type: ignore[operator]
            return [size // rest if d == -1 else d for d in p]  # type: ignore[operator]
    return [d if not is_known(d) or d >= 0 else UNKNOWN for d in p]  # type: ignore[operator]


def _infer(numel: int, outer: int, p: tuple[int, ...]) -> list[int] | None:
    """torch's ``infer_size`` for a slice of ``numel`` elements reshaped to ``outer`` x ``p``; None: it raises."""
    if p.count(-1) > 1 or any(d < -1 for d in p):
        return None
    newsize = outer
    for d in p:
        if d != -1:
            newsize *= d
    infer = -1 in p
    if numel == newsize and not (infer and newsize == 0):
        return [numel // newsize if d == -1 else d for d in p] if infer else list(p)
    if infer and newsize > 0 and numel % newsize == 0:
        return [numel // newsize if d == -1 else d for d in p]
    return None
