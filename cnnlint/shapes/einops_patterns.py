"""einops' ``rearrange``, ``repeat`` and ``reduce`` as shape functions of their pattern.

Research code reshapes with einops more than with ``view``: ``Rearrange('b c
(h p1) (w p2) -> b (h w) (p1 p2 c)', p1=16, p2=16)`` is how most ViTs make
their patches. The rules are einops' own: the left side names the input's
dims (a group's axes multiply to its dim, at most one of them unknown and
worked out by division), the right side builds the output from those axes.
Where einops raises, so does this (``ShapeError``); what it cannot tell (an
unknown dim, a pattern form it does not model) is unknown, never an error.
"""

from __future__ import annotations

import keyword

from cnnlint.records import dataclass
from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, format_shape, is_known
from cnnlint.shapes.spec import ShapeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ELLIPSIS = "..."
REDUCTIONS = frozenset({"min", "max", "sum", "mean", "prod", "any", "all"})


class NotModelled(Exception):
    """A pattern form cnnlint does not model: the result is unknown."""


@dataclass(frozen=True)
class Group:
    """One dim of a side: its axes (names, ``...``, or anonymous ints); ``composite`` when in parentheses."""

    axes: tuple[str | int, ...]
    composite: bool


def _is_name(token: str) -> bool:
    return token.isidentifier() and not keyword.iskeyword(token)


def parse_side(text: str) -> list[Group]:
    """``b (h w) ... 1`` -> groups; raises NotModelled for what einops rejects or cnnlint does not read."""
    groups: list[Group] = []
    current: list[str | int] | None = None
    spaced = text.replace("(", " ( ").replace(")", " ) ")
    for token in spaced.split():
        if token == "(":
            if current is not None:
                raise NotModelled("nested parentheses")
            current = []
            continue
        if token == ")":
            if current is None:
                raise NotModelled("unbalanced parentheses")
            groups.append(Group(tuple(current), True))
            current = None
            continue
        if token == ELLIPSIS:
            item: str | int = ELLIPSIS
        elif token.isdigit():
            item = int(token)
        elif _is_name(token):
            item = token
        else:
            raise NotModelled(f"axis {token!r}")
        if current is not None:
            current.append(item)
        else:
            groups.append(Group((item,), False))
    if current is not None:
        raise NotModelled("unbalanced parentheses")
    names = [a for g in groups for a in g.axes if isinstance(a, str)]
    if len(names) != len(set(names)):
        raise NotModelled("an axis named twice")
    return groups


def _names(groups: list[Group]) -> set[str]:
    return {a for g in groups for a in g.axes if isinstance(a, str) and a != ELLIPSIS}


def _has_ellipsis(groups: list[Group]) -> bool:
    return any(a == ELLIPSIS for g in groups for a in g.axes)


def _product(values: list[Dim]) -> Dim:
    """The product of dims: an int when all are ints, the one other dim when the rest are 1, else unknown."""
    n = 1
    other: list[Dim] = []
    for v in values:
        if is_known(v):
            n *= v  # type: ignore[operator]
        else:
            other.append(v)
    if not other:
        return n
    if len(other) == 1 and n == 1:
        return other[0]
    return UNKNOWN


def _fail(code: str, what: str, message: str) -> ShapeError:
    return ShapeError(code, f"{what} {message}")


def transform(op: str, shape: Shape, pattern: str, lengths: dict[str, Any], what: str) -> Shape:
    """The output shape of ``einops.<op>(x, pattern, **lengths)``; ``what`` names the call in messages.

    Raises ShapeError where einops raises, NotModelled where cnnlint cannot say.
    """
    if pattern.count("->") != 1:
        raise NotModelled("a pattern without one ->")
    left_text, right_text = pattern.split("->")
    left, right = parse_side(left_text), parse_side(right_text)
    _check_sides(op, left, right, lengths, what)
    sizes: dict[str, Dim] = {k: v if is_known(v) else UNKNOWN for k, v in lengths.items()}
    ellipsis_dims = _bind_left(left, shape, sizes, lengths, what)
    out: list[Dim] = []
    for group in right:
        if not group.composite and group.axes == (ELLIPSIS,):
            out.extend(ellipsis_dims if ellipsis_dims is not None else [])
            continue
        factors: list[Dim] = []
        for axis in group.axes:
            if axis == ELLIPSIS:
                factors.extend(ellipsis_dims or [])
            elif isinstance(axis, int):
                factors.append(axis)
            else:
                factors.append(sizes.get(axis, UNKNOWN))
        out.append(_product(factors))
    if ellipsis_dims is None and _has_ellipsis(right):
        return Shape.unknown()  # the ellipsis covers dims of an unknown count
    return Shape(*out)


def _check_sides(op: str, left: list[Group], right: list[Group], lengths: dict[str, Any], what: str) -> None:
    """What einops checks of the pattern itself, before looking at the tensor."""
    if any(isinstance(a, int) and a != 1 for g in left for a in g.axes):
        raise NotModelled("a numbered axis on the left")
    if op != "repeat" and any(isinstance(a, int) and a != 1 for g in right for a in g.axes):
        raise NotModelled("a numbered axis on the right")
    if any(a == ELLIPSIS for g in left if g.composite for a in g.axes):
        raise NotModelled("an ellipsis in parentheses on the left")
    if _has_ellipsis(right) and not _has_ellipsis(left):
        raise _fail("CNL005", what, "has ... on the right but not on the left: einops raises")
    if _has_ellipsis(left) and not _has_ellipsis(right) and op != "reduce":  # reduce reduces what ... covers
        raise _fail("CNL005", what, f"has ... on the left but not on the right: einops raises in {op}")
    lhs, rhs = _names(left), _names(right)
    if op == "rearrange" and lhs != rhs:
        raise _fail("CNL005", what, f"names {', '.join(sorted(lhs ^ rhs))} on one side only: einops raises")
    if op == "reduce" and rhs - lhs:
        raise _fail("CNL005", what, f"cannot make new axes {', '.join(sorted(rhs - lhs))} in reduce: einops raises")
    if op == "repeat":
        if lhs - rhs:
            raise _fail("CNL005", what, f"drops axes {', '.join(sorted(lhs - rhs))} in repeat: einops raises")
        missing = sorted(a for a in rhs - lhs if a not in lengths)
        if missing:
            raise _fail("CNL005", what, f"needs the length of new axes {', '.join(missing)}: einops raises")
    unused = sorted(set(lengths) - lhs - rhs)
    if unused:
        raise _fail("CNL005", what, f"is given the length of {', '.join(unused)}, which the pattern does not use")


def _bind_left(
    left: list[Group], shape: Shape, sizes: dict[str, Dim], lengths: dict[str, Any], what: str
) -> list[Dim] | None:
    """Match the left side to the input's dims, filling ``sizes``; the dims ``...`` covers (None: unknown)."""
    fixed = [g for g in left if g.axes != (ELLIPSIS,)]
    has_ellipsis = len(fixed) != len(left)
    if shape.rank is None:
        if shape.min_rank > len(fixed) and not has_ellipsis:
            raise _fail("CNL006", what, f"expects a {len(fixed)}-D input but receives {format_shape(shape)}")
        for group in fixed:
            _bind_group(group, UNKNOWN, sizes, what, 0)
        return None
    rank = shape.rank
    if (rank != len(fixed) and not has_ellipsis) or rank < len(fixed):
        need = f"at least {len(fixed)}-D" if has_ellipsis else f"a {len(fixed)}-D"
        raise _fail("CNL006", what, f"expects {need} input but receives {rank}-D {format_shape(shape)}")
    at = next((i for i, g in enumerate(left) if g.axes == (ELLIPSIS,)), len(left))
    before, after = left[:at], left[at + 1 :]
    covered = rank - len(fixed)
    dims = list(shape.dims)
    for i, group in enumerate(before):
        _bind_group(group, dims[i], sizes, what, i)
    for j, group in enumerate(after):
        index = at + covered + j
        _bind_group(group, dims[index], sizes, what, index)
    return dims[at : at + covered] if has_ellipsis else []


def _bind_group(group: Group, dim: Dim, sizes: dict[str, Dim], what: str, index: int) -> None:
    """One left group against one input dim: its axes multiply to ``dim``; one unknown axis is divided out."""
    axes = group.axes
    known = [sizes[a] if isinstance(a, str) and a in sizes else (a if isinstance(a, int) else None) for a in axes]
    open_axes = [a for a, k in zip(axes, known) if k is None]
    shown = "(" + " ".join(str(a) for a in axes) + ")" if group.composite else str(axes[0]) if axes else "()"
    if len(open_axes) > 1:
        if is_known(dim) and all(k is None or is_known(k) for k in known):
            raise _fail("CNL005", what, f"cannot split dim {index} of size {dim} into {shown}: give all but one")
        for a in open_axes:
            sizes[a] = UNKNOWN  # type: ignore[index]
        return
    given = [k for k in known if k is not None]
    if not is_known(dim) or not all(is_known(k) for k in given):
        if open_axes:
            only = _product(given) == 1 if all(is_known(k) for k in given) else False
            sizes[open_axes[0]] = dim if only else UNKNOWN  # type: ignore[index]
        return
    part = 1
    for k in given:
        part *= k  # type: ignore[operator]
    if open_axes:
        if part == 0 or dim % part:
            raise _fail(
                "CNL005",
                what,
                f"cannot split dim {index} of size {dim} into {shown}: {dim} is not a multiple of {part}",
            )
        sizes[open_axes[0]] = dim // part  # type: ignore[index]
    elif part != dim:
        raise _fail("CNL005", what, f"expects dim {index} to be {shown} = {part} but it is {dim}")
