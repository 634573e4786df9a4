"""Strategies for the linear family: ``(kwargs, in_shape)`` per torch class.

Bilinear takes two inputs and is not chainable: its parameter count is tested
against torch in tests/test_shapes_linear.py instead.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from strategies import SIZE, kwargs_of, mostly, near, shapes

RANK = mostly(None, st.just(0), weight=15).flatmap(lambda r: st.integers(1, 4) if r is None else st.just(r))
FEATURES = st.integers(1, 12)
BAD = st.sampled_from([-1, 2.0])  # rejected by torch at construction


@st.composite
def _linear(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    n_in = draw(FEATURES)
    kwargs = draw(kwargs_of(bias=st.booleans()))
    kwargs["in_features"] = draw(mostly(n_in, BAD, weight=12))
    kwargs["out_features"] = draw(mostly(None, BAD, weight=12).flatmap(lambda o: FEATURES if o is None else st.just(o)))
    return kwargs, draw(shapes(RANK, {-1: near(n_in, high=12)}))


@st.composite
def _lazy_linear(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    kwargs = draw(kwargs_of(bias=st.booleans()))
    kwargs["out_features"] = draw(mostly(None, BAD, weight=12).flatmap(lambda o: FEATURES if o is None else st.just(o)))
    return kwargs, draw(shapes(RANK))


@st.composite
def _identity(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    # Identity accepts and ignores any argument
    kwargs = draw(st.sampled_from([{}, {}, {"unused": 1}, {"in_features": 3, "out_features": 4}]))
    return kwargs, draw(shapes(st.integers(0, 5), size=SIZE))


STRATEGIES: dict[str, st.SearchStrategy] = {
    "Linear": _linear(),
    "LazyLinear": _lazy_linear(),
    "Identity": _identity(),
}
