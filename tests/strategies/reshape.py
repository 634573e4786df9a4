"""Strategies for the reshape family: ``(kwargs, in_shape)`` per torch class."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from strategies import SIZE, kwargs_of, mostly, shapes

RANK = st.integers(0, 5)


@st.composite
def _flatten(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    shape = draw(shapes(RANK))
    span = max(len(shape), 1)
    index = st.integers(-span - 1, span)  # one beyond each end now and then
    bad = st.sampled_from([1.0, True])
    kwargs = draw(
        kwargs_of(
            start_dim=mostly(None, bad, weight=15).flatmap(lambda b: index if b is None else st.just(b)),
            end_dim=mostly(None, bad, weight=15).flatmap(lambda b: index if b is None else st.just(b)),
        )
    )
    return kwargs, shape


@st.composite
def _unflatten(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    rank = draw(mostly(None, st.just(0), weight=15))
    rank = draw(st.integers(1, 4)) if rank is None else rank
    span = max(rank, 1)
    dim = draw(mostly(None, st.sampled_from([span, -span - 1, 1.0]), weight=12))
    if dim is None:
        dim = draw(st.integers(-span, span - 1))
    parts = draw(st.lists(SIZE, min_size=1, max_size=3))
    total = 1
    for p in parts:
        total *= p
    style = draw(st.sampled_from(["exact", "exact", "minus", "minus", "wrong", "bad"]))
    sizes: Any = list(parts)
    if style == "minus":
        sizes[draw(st.integers(0, len(sizes) - 1))] = -1
    elif style == "wrong":
        sizes[draw(st.integers(0, len(sizes) - 1))] += draw(st.integers(1, 2))
    elif style == "bad":
        sizes = draw(st.sampled_from([(), (-1, -1), (-2, 3), (2.0, 3), 6, (True, 2), (0, -1)]))
    if not isinstance(sizes, int) and draw(st.booleans()):
        sizes = tuple(sizes)
    target = draw(mostly(total, st.integers(1, 24), weight=4))
    shape = draw(shapes(rank, {dim: target} if isinstance(dim, int) and not isinstance(dim, bool) else None))
    return {"dim": dim, "unflattened_size": sizes}, shape


STRATEGIES: dict[str, st.SearchStrategy] = {
    "Flatten": _flatten(),
    "Unflatten": _unflatten(),
}
