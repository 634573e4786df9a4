"""Tensor-op shape functions against torch (meta device): broadcasting, joins, splits, reductions, dim moves.

Each test draws configurations with hypothesis (CNNLINT_EXAMPLES per op) and
asserts the engine's shape is torch's, and that it raises (with the op's
code) exactly where torch raises. Indexing, products and resampling are in
tests/test_shapes_ops_more.py; symbols and open shapes in tests/test_shapes_ops_symbolic.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from strategies.ops import DIMS, SIZE, dim_for, meta, run, same_as_torch, shape_of

from cnnlint.shapes import ops

torch = pytest.importorskip("torch")


@st.composite
def _two_broadcastable(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...]]:
    base = draw(DIMS)

    def variant() -> tuple[int, ...]:
        cut = draw(st.integers(0, len(base)))
        dims = list(base[cut:])
        for i in range(len(dims)):
            dims[i] = draw(st.sampled_from([dims[i], dims[i], dims[i], 1, draw(SIZE)]))
        return tuple(dims)

    return variant(), variant()


def test_broadcast() -> None:
    def check(case: Any) -> None:
        a, b = case
        same_as_torch(
            f"{a} + {b}", lambda: ops.broadcast(shape_of(a), shape_of(b)), lambda: meta(a) + meta(b), ("CNL008",)
        )

    run(_two_broadcastable(), check)


@st.composite
def _joinable(draw: st.DrawFn, stacking: bool) -> tuple[list[tuple[int, ...]], int]:
    base = draw(st.lists(SIZE, min_size=0, max_size=4))
    rank = len(base)
    dim = draw(dim_for(rank + 1 if stacking else rank))
    shapes = []
    for _ in range(draw(st.integers(1, 3))):
        dims = list(base)
        style = draw(st.sampled_from(["same"] * 6 + ["size", "rank", "empty"]))
        if style == "same" and dims and not stacking:
            dims[dim % rank if -rank <= dim < rank else 0] = draw(SIZE)
        elif style == "size" and dims:
            dims[draw(st.integers(0, rank - 1))] = draw(SIZE)
        elif style == "rank":
            dims = dims + [2] if draw(st.booleans()) else dims[1:]
        elif style == "empty":
            dims = [0]
        shapes.append(tuple(dims))
    return shapes, dim


def test_cat() -> None:
    def check(case: Any) -> None:
        shapes, dim = case
        same_as_torch(
            f"cat({shapes}, {dim})",
            lambda: ops.cat([shape_of(s) for s in shapes], dim),
            lambda: torch.cat([meta(s) for s in shapes], dim),
            ("CNL005", "CNL006", "CNL009"),
        )

    run(_joinable(False), check)


def test_stack() -> None:
    def check(case: Any) -> None:
        shapes, dim = case
        same_as_torch(
            f"stack({shapes}, {dim})",
            lambda: ops.stack([shape_of(s) for s in shapes], dim),
            lambda: torch.stack([meta(s) for s in shapes], dim),
            ("CNL005", "CNL009"),
            range_is_cnl005=False,
        )

    run(_joinable(True), check)


@st.composite
def _shape_and_dim(draw: st.DrawFn, extra: int = 0) -> tuple[tuple[int, ...], int]:
    shape = draw(DIMS)
    return shape, draw(dim_for(len(shape) + extra))


@st.composite
def _split_case(draw: st.DrawFn) -> tuple[tuple[int, ...], Any, int]:
    shape, dim = draw(_shape_and_dim())
    size = shape[dim] if -len(shape) <= dim < len(shape) else 3
    if draw(st.booleans()):
        return shape, draw(st.integers(-1, 6)), dim
    parts: list[int] = []
    while sum(parts) < size:
        parts.append(draw(st.integers(1, size - sum(parts))))
    if draw(st.integers(0, 5)) == 0:
        parts.insert(0, 0)
    if draw(st.integers(0, 4)) == 0:
        parts.append(draw(st.integers(1, 2)))
    return shape, parts, dim


def test_split() -> None:
    def check(case: Any) -> None:
        shape, how, dim = case
        same_as_torch(
            f"split({shape}, {how}, {dim})",
            lambda: ops.split(shape_of(shape), how, dim),
            lambda: torch.split(meta(shape), how, dim),
            ("CNL005", "CNL006"),
        )

    run(_split_case(), check)


def test_chunk_and_unbind() -> None:
    def check(case: Any) -> None:
        (shape, dim), chunks = case
        same_as_torch(
            f"chunk({shape}, {chunks}, {dim})",
            lambda: ops.chunk(shape_of(shape), chunks, dim),
            lambda: torch.chunk(meta(shape), chunks, dim),
            ("CNL005", "CNL006"),
        )
        same_as_torch(
            f"unbind({shape}, {dim})",
            lambda: ops.unbind(shape_of(shape), dim),
            lambda: torch.unbind(meta(shape), dim),
            ("CNL005",),
        )

    run(st.tuples(_shape_and_dim(), st.integers(-1, 6)), check)


def test_tensor_split() -> None:
    def check(case: Any) -> None:
        (shape, dim), how = case
        same_as_torch(
            f"tensor_split({shape}, {how}, {dim})",
            lambda: ops.tensor_split(shape_of(shape), how, dim),
            lambda: torch.tensor_split(meta(shape), how, dim),
            ("CNL005", "CNL006"),
        )

    indices = st.lists(st.integers(-7, 7), max_size=4)
    run(st.tuples(_shape_and_dim(), st.integers(-1, 6) | indices), check, examples=120)


@st.composite
def _dims_arg(draw: st.DrawFn, rank: int) -> Any:
    """None, an int, or a tuple of dims (now and then repeated or out of range)."""
    style = draw(st.sampled_from(["none", "int", "tuple", "tuple"]))
    if style == "none":
        return None
    if style == "int":
        return draw(dim_for(rank))
    return tuple(draw(st.lists(dim_for(rank), min_size=1, max_size=max(rank, 1))))


def test_reduce() -> None:
    def check(case: Any) -> None:
        shape, dims, keepdim, name = case
        fn = getattr(torch, name)
        kwargs: dict[str, Any] = {"dim": dims, "keepdim": keepdim} if dims is not None or name == "sum" else {}
        same_as_torch(
            f"{name}({shape}, {kwargs})",
            lambda: ops.reduce(shape_of(shape), dims, keepdim if "keepdim" in kwargs else False),
            lambda: fn(meta(shape), **kwargs),
            ("CNL005",),
        )

    strategy = DIMS.flatmap(
        lambda s: st.tuples(st.just(s), _dims_arg(len(s)), st.booleans(), st.sampled_from(["sum", "mean", "amax"]))
    )
    run(strategy, check)


@st.composite
def _permutation(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...]]:
    shape = draw(DIMS)
    order = list(draw(st.permutations(range(len(shape)))))
    order = [d - len(shape) if draw(st.booleans()) else d for d in order]
    style = draw(st.sampled_from(["ok"] * 5 + ["short", "long", "repeat"]))
    if style == "short" and order:
        order = order[1:]
    elif style == "long":
        order.append(draw(dim_for(len(shape))))
    elif style == "repeat" and len(order) > 1:
        order[0] = order[1]
    return shape, tuple(order)


def test_permute_and_movedim() -> None:
    def check(case: Any) -> None:
        (shape, order), (src, dst) = case
        same_as_torch(
            f"permute({shape}, {order})",
            lambda: ops.permute(shape_of(shape), order),
            lambda: meta(shape).permute(order),
            ("CNL005", "CNL006"),
        )
        same_as_torch(
            f"movedim({shape}, {src}, {dst})",
            lambda: ops.movedim(shape_of(shape), src, dst),
            lambda: torch.movedim(meta(shape), src, dst),
            ("CNL005",),
        )

    moves = st.one_of(
        st.tuples(st.integers(-5, 4), st.integers(-5, 4)),
        st.tuples(st.lists(st.integers(-4, 3), max_size=3), st.lists(st.integers(-4, 3), max_size=3)).map(
            lambda p: (tuple(p[0]), tuple(p[1]))
        ),
    )
    run(st.tuples(_permutation(), moves), check)


def test_transpose_t_unsqueeze() -> None:
    def check(case: Any) -> None:
        (shape, d0), d1, d2 = case
        x = shape_of(shape)
        same_as_torch(
            f"transpose({shape}, {d0}, {d1})",
            lambda: ops.transpose(x, d0, d1),
            lambda: meta(shape).transpose(d0, d1),
            ("CNL005",),
        )
        same_as_torch(f"t({shape})", lambda: ops.t(x), lambda: meta(shape).t(), ("CNL006",))
        same_as_torch(
            f"unsqueeze({shape}, {d2})", lambda: ops.unsqueeze(x, d2), lambda: meta(shape).unsqueeze(d2), ("CNL005",)
        )

    run(st.tuples(_shape_and_dim(), st.integers(-5, 4), st.integers(-6, 5)), check)


def test_squeeze() -> None:
    def check(case: Any) -> None:
        shape, dims = case
        args = () if dims is None else (dims,)
        same_as_torch(
            f"squeeze({shape}, {dims})",
            lambda: ops.squeeze(shape_of(shape), dims),
            lambda: meta(shape).squeeze(*args),
            ("CNL005",),
        )

    with_ones = st.lists(st.sampled_from([1, 1, 2, 3]), max_size=4).map(tuple)
    run(with_ones.flatmap(lambda s: st.tuples(st.just(s), _dims_arg(len(s)))), check)


def test_flatten_and_unflatten() -> None:
    def check(case: Any) -> None:
        (shape, start), end, (dim, sizes) = case
        same_as_torch(
            f"flatten({shape}, {start}, {end})",
            lambda: ops.flatten(shape_of(shape), start, end),
            lambda: torch.flatten(meta(shape), start, end),
            ("CNL005",),
        )
        same_as_torch(
            f"unflatten({shape}, {dim}, {sizes})",
            lambda: ops.unflatten(shape_of(shape), dim, sizes),
            lambda: meta(shape).unflatten(dim, sizes),
            ("CNL005", "CNL006"),
        )

    sizes = st.lists(st.sampled_from([-1, 1, 2, 3, 4, 6]), min_size=1, max_size=3).map(tuple)
    run(st.tuples(_shape_and_dim(), st.integers(-5, 4), st.tuples(st.integers(-4, 3), sizes)), check)


@st.composite
def _expand_case(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...]]:
    shape = draw(st.lists(st.sampled_from([1, 1, 2, 3]), max_size=3).map(tuple))
    # not 0: torch skips its -1 check after a leading 0 and returns a size of -1 (a quirk not modelled)
    new = [draw(st.sampled_from([1, 2, 3, -1])) for _ in range(draw(st.integers(0, 2)))]
    own = [draw(st.sampled_from([d, -1, 1, 2, 3])) for d in shape]
    if own and draw(st.integers(0, 6)) == 0:
        own = own[1:]
    return shape, tuple(new + own)


def test_expand_and_repeat() -> None:
    def check(case: Any) -> None:
        (shape, sizes), reps = case
        same_as_torch(
            f"expand({shape}, {sizes})",
            lambda: ops.expand(shape_of(shape), sizes),
            lambda: meta(shape).expand(sizes),
            ("CNL005", "CNL008"),
        )
        same_as_torch(
            f"repeat({shape}, {reps})",
            lambda: ops.repeat(shape_of(shape), reps),
            lambda: meta(shape).repeat(reps),
            ("CNL005",),
        )
        same_as_torch(
            f"tile({shape}, {reps})",
            lambda: ops.tile(shape_of(shape), reps),
            lambda: meta(shape).tile(reps),
            ("CNL005",),
        )

    reps = st.lists(st.sampled_from([0, 1, 2, 3, -1]), min_size=0, max_size=5).map(tuple)
    run(st.tuples(_expand_case(), reps), check)
