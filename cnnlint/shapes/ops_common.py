"""What every tensor-op shape function shares: dim arguments, certainty, messages.

A dimension is an int, a symbol (equal only to the same symbol) or UNKNOWN.
Two dims *certainly differ* only when both are ints; they are *certainly
equal* when identical ints or the same symbol. An op raises only on what
certainly differs, so a symbol or an unknown never produces an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, format_shape, is_known
from cnnlint.shapes.spec import ShapeError, is_int


def differ(a: Dim, b: Dim) -> bool:
    """True when ``a`` and ``b`` cannot be equal whatever the unknowns are."""
    return is_known(a, b) and a != b


def certain(d: Dim) -> bool:
    """An int or a symbol: a value that is fixed, if not always known."""
    return is_known(d) or isinstance(d, str)


def clash(column: Sequence[Dim]) -> tuple[Dim, Dim] | None:
    """The first two sizes of one position that certainly differ (the one known first, the other), or None:
    what ``cat`` and einops' ``pack`` both refuse (CNL009)."""
    for j, d in enumerate(column[1:], 1):
        if any(differ(c, d) for c in column[:j]):
            return settle(c for c in column if is_known(c)), d
    return None


def settle(values: Iterable[Dim]) -> Dim:
    """The value of dims that torch requires to be equal: an int if any, else a symbol, else UNKNOWN."""
    found: Dim = UNKNOWN
    for v in values:
        if is_known(v):
            return v
        if isinstance(v, str) and found is UNKNOWN:
            found = v
    return found


def add_dims(values: Iterable[Dim]) -> Dim:
    total = 0
    for v in values:
        if not is_known(v):
            return UNKNOWN
        total += v  # type: ignore[operator]
    return total


def show(shape: Shape) -> str:
    return format_shape(shape)


def dim_range_error(dim: int, rank: int) -> ShapeError:
    """torch's IndexError for a dim argument, as torch words it (a 0-D tensor wraps like a 1-D one)."""
    span = max(rank, 1)
    return ShapeError(
        "CNL005", f"Dimension out of range (expected to be in range of [{-span}, {span - 1}], but got {dim})"
    )


def wrap(dim: int, rank: int) -> int:
    """torch's ``maybe_wrap_dim``: a dim in ``[-rank, rank)`` (``[-1, 0]`` for 0-D) to a non-negative index."""
    span = max(rank, 1)
    if not -span <= dim < span:
        raise dim_range_error(dim, rank)
    return dim % span


def wrap_open(dim: int, shape: Shape, extra: int = 0) -> int | None:
    """Index into ``shape.dims`` for ``dim`` (rank counted with ``extra`` more dims), None when uncertain.

    A closed shape wraps as torch does (and raises). An open shape has an
    unknown rank: only a negative dim that lands inside its known trailing
    dims is certain; anything else is None (never an error).
    """
    if shape.rank is not None:
        return wrap(dim, shape.rank + extra)
    if dim < 0 and -dim <= len(shape.dims) + extra:
        return len(shape.dims) + extra + dim
    return None


def int_dims(values: object) -> tuple[int, ...] | None:
    """A dim argument (int or sequence of ints) as a tuple; None when any entry is not an int."""
    items = values if isinstance(values, (list, tuple)) else (values,)
    if all(is_int(v) for v in items):
        return tuple(items)  # type: ignore[arg-type]
    return None


def no_repeats(wrapped: Sequence[int], given: Sequence[int]) -> None:
    seen: set[int] = set()
    for w, g in zip(wrapped, given):
        if w in seen:
            raise ShapeError("CNL005", f"dim {g} appears multiple times in the list of dims")
        seen.add(w)


def pinned(shape: Shape, rank: int) -> Shape | None:
    """``shape`` read as exactly ``rank``-D (an open shape's missing leading dims are UNKNOWN).

    None when the shape certainly has another rank.
    """
    if shape.rank is not None:
        return shape if shape.rank == rank else None
    if shape.min_rank > rank:
        return None
    return Shape(*(UNKNOWN,) * (rank - shape.min_rank), *shape.dims)
