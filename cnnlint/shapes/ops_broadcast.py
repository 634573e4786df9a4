"""Broadcasting and matrix products: broadcast, expand, repeat, matmul, mm, bmm.

Codes: a broadcast mismatch (two sizes, neither 1) is CNL008; a matrix
product whose inner dims differ is CNL010; an operand of a rank the op cannot
take is CNL006; a bad size argument is CNL005.
"""

from __future__ import annotations

from collections.abc import Sequence

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, is_known
from cnnlint.shapes.ops_common import differ, pinned, settle, show
from cnnlint.shapes.spec import ShapeError, is_int

_VERBS = {
    "+": "add",
    "-": "subtract",
    "*": "multiply",
    "/": "divide",
    "//": "floor-divide",
    "%": "take the remainder of",
    "**": "raise",
    "@": "matrix-multiply",
    **dict.fromkeys(("==", "!=", "<", "<=", ">", ">="), "compare"),
}


def _verb(op: str) -> str:
    return _VERBS.get(op, f"apply {op} to")


def _pair(a: Dim, b: Dim) -> Dim:
    """One broadcast dim, assuming no error: torch's result whatever the unknowns are."""
    if a == b:
        return a
    if a == 1:
        return b
    if b == 1:
        return a
    if is_known(a):  # b is a symbol or unknown: it must be a or 1
        return a
    if is_known(b):
        return b
    return UNKNOWN


def _lead(shape: Shape, length: int) -> tuple[Dim, ...]:
    """``shape``'s dims right-aligned to ``length``: 1 where a closed shape has none, UNKNOWN where an open one."""
    missing = length - len(shape.dims)
    fill = UNKNOWN if shape.open else 1
    return (fill,) * missing + shape.dims


def broadcast(a: Shape, b: Shape, op: str = "+") -> Shape:
    """Torch broadcasting of two shapes (``a + b``, ``torch.where``, ...); CNL008 on a certain mismatch."""
    length = max(len(a.dims), len(b.dims))
    da, db = _lead(a, length), _lead(b, length)
    out: list[Dim] = []
    for i in range(length - 1, -1, -1):  # from the right, as torch looks: it names the last dim that differs
        x, y = da[i], db[i]
        if differ(x, y) and x != 1 and y != 1:
            where = i if not (a.open or b.open) else i - length
            raise ShapeError("CNL008", f"cannot {_verb(op)} {show(a)} and {show(b)}: dim {where} is {x} vs {y}")
        out.append(_pair(x, y))
    return Shape(*reversed(out), open=a.open or b.open)


def broadcast_all(shapes: Sequence[Shape], op: str = "+") -> Shape:
    out = shapes[0]
    for s in shapes[1:]:
        out = broadcast(out, s, op)
    return out


def _size(value: object, what: str) -> Dim:
    """A size argument: an int, a symbol or UNKNOWN; anything else is CNL005."""
    if is_int(value) or isinstance(value, str) or value is UNKNOWN:
        return value  # type: ignore[return-value]
    raise ShapeError("CNL005", f"{what} sizes must be ints, got {value!r}")


def expand(shape: Shape, sizes: Sequence[object]) -> Shape:
    """``x.expand(*sizes)``: -1 keeps a dim; new leading dims may be added; a non-1 dim cannot change (CNL008)."""
    target = [_size(s, "expand") for s in sizes]
    n = len(target)
    if shape.min_rank > n:
        raise ShapeError(
            "CNL005",
            f"expand{tuple(target)!r}: the number of sizes provided ({n}) must be greater or equal to the "
            f"number of dimensions of {show(shape)}",
        )
    dims = _lead(shape, n)
    new = n - (shape.rank if shape.rank is not None else n)
    out: list[Dim] = []
    for i, (have, want) in enumerate(zip(dims, target)):
        if is_known(want) and want < -1:
            raise ShapeError("CNL005", f"expand{tuple(target)!r}: the expanded size {want} isn't allowed")
        if i < new:  # a new leading dim of a closed shape
            if want == -1:
                raise ShapeError(
                    "CNL005", f"expand{tuple(target)!r}: -1 isn't allowed in a leading, non-existing dimension {i}"
                )
            out.append(want)
            continue
        if want == -1:
            out.append(have)
            continue
        if differ(have, want) and have != 1:
            raise ShapeError(
                "CNL008",
                f"cannot expand {show(shape)} to {tuple(target)!r}: dim {i} is {have}, not 1 or {want}",
            )
        out.append(have if is_known(have) and have != 1 else want)  # a size other than 1 cannot change
    return Shape(*out)


def tile(shape: Shape, sizes: Sequence[object]) -> Shape:
    """``x.tile(dims)``: ``repeat`` with ones put before ``dims`` when it is shorter than the rank."""
    reps = [_size(s, "tile") for s in sizes]
    for r in reps:
        if is_known(r) and r < 0:  # type: ignore[operator]
            raise ShapeError("CNL005", f"tile{tuple(reps)!r}: trying to create a tensor with negative dimension {r}")
    if shape.rank is None:
        return Shape.unknown()  # how many ones go first depends on the rank
    return repeat(shape, [*[1] * (shape.rank - len(reps)), *reps])


def repeat(shape: Shape, sizes: Sequence[object]) -> Shape:
    """``x.repeat(*sizes)``: at least one repeat per dim (CNL005), non-negative; new leading dims allowed."""
    reps = [_size(s, "repeat") for s in sizes]
    n = len(reps)
    if shape.min_rank > n:
        raise ShapeError(
            "CNL005",
            f"repeat{tuple(reps)!r}: number of repeat dims can not be smaller than the number of dimensions "
            f"of {show(shape)}",
        )
    for r in reps:
        if is_known(r) and r < 0:  # type: ignore[operator]
            raise ShapeError("CNL005", f"repeat{tuple(reps)!r}: trying to create a tensor with negative dimension {r}")
    out: list[Dim] = []
    for have, r in zip(_lead(shape, n), reps):
        if r == 0 or (is_known(have) and have == 0):
            out.append(0)
        elif r == 1:
            out.append(have)
        elif have == 1:
            out.append(r)
        elif is_known(have, r):
            out.append(have * r)  # type: ignore[operator]
        else:
            out.append(UNKNOWN)
    return Shape(*out)


# ---- matrix products ---------------------------------------------------------------------------


def _inner_error(a: Shape, b: Shape, ka: Dim, kb: Dim) -> ShapeError:
    ma = f"{a.dim(-2) if len(a.dims) >= 2 else 1}x{ka}"
    mb = f"{kb}x{b.dim(-1) if len(b.dims) >= 2 else 1}"
    return ShapeError("CNL010", f"cannot multiply {show(a)} and {show(b)}: shapes cannot be multiplied ({ma} and {mb})")


def _rank_error(op: str, a: Shape, b: Shape, need: str) -> ShapeError:
    return ShapeError("CNL006", f"{op} needs {need} but receives {show(a)} and {show(b)}")


def matmul(a: Shape, b: Shape) -> Shape:
    """``torch.matmul`` / ``@``: 1-D operands, 2-D products and broadcast batch dims."""
    if a.rank == 0 or b.rank == 0:
        raise _rank_error("matmul", a, b, "both arguments at least 1-D")
    # inner dims: a's last; b's second to last (or its only one when 1-D)
    ka = a.dim(-1) if a.dims else UNKNOWN
    kb: Dim = UNKNOWN
    if b.rank == 1:
        kb = b.dims[0]
    elif b.min_rank >= 2:
        kb = b.dims[-2]
    if differ(ka, kb):
        raise _inner_error(a, b, ka, kb)
    if a.rank is None and a.min_rank < 2 or b.rank is None and b.min_rank < 2:
        return Shape.unknown()  # 1-D or more: where the result dims go is not known
    rows: tuple[Dim, ...] = () if a.rank == 1 else (a.dims[-2],)
    cols: tuple[Dim, ...] = () if b.rank == 1 else (b.dims[-1],)
    batch_a = Shape(*a.dims[:-2], open=a.open) if a.min_rank >= 2 else Shape()
    batch_b = Shape(*b.dims[:-2], open=b.open) if b.min_rank >= 2 else Shape()
    try:
        batch = broadcast(batch_a, batch_b, "@")
    except ShapeError as err:
        raise ShapeError(
            "CNL008", f"cannot matrix-multiply {show(a)} and {show(b)}: batch dims do not broadcast ({err})"
        ) from None
    return Shape(*batch.dims, *rows, *cols, open=batch.open)


def mm(a: Shape, b: Shape) -> Shape:
    """``torch.mm``: two 2-D matrices, no broadcasting."""
    pa, pb = pinned(a, 2), pinned(b, 2)
    if pa is None or pb is None:
        raise _rank_error("mm", a, b, "two 2-D matrices")
    if differ(pa.dims[1], pb.dims[0]):
        raise _inner_error(a, b, pa.dims[1], pb.dims[0])
    return Shape(pa.dims[0], pb.dims[1])


def bmm(a: Shape, b: Shape) -> Shape:
    """``torch.bmm``: two 3-D batches of matrices with the same batch size, no broadcasting."""
    pa, pb = pinned(a, 3), pinned(b, 3)
    if pa is None or pb is None:
        raise _rank_error("bmm", a, b, "two 3-D batches of matrices")
    if differ(pa.dims[0], pb.dims[0]):
        raise ShapeError(
            "CNL010",
            f"cannot bmm {show(a)} and {show(b)}: batch sizes {pa.dims[0]} vs {pb.dims[0]} (bmm does not broadcast)",
        )
    if differ(pa.dims[2], pb.dims[1]):
        raise _inner_error(a, b, pa.dims[2], pb.dims[1])
    return Shape(settle((pa.dims[0], pb.dims[0])), pa.dims[1], pb.dims[2])
