"""Strategies for the elementwise family: ``(kwargs, in_shape)`` per torch class."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from strategies import SIZE, kwargs_of, mostly, near, probability, shapes

RANK = st.integers(0, 5)
INPLACE = {"inplace": st.booleans()}
NUMBER = st.sampled_from([-2.0, -0.5, 0.0, 0.1, 0.5, 1.0, 3.0])


def _any_shape() -> st.SearchStrategy:
    return shapes(RANK)


def _pointwise(**fields: st.SearchStrategy) -> st.SearchStrategy:
    return st.tuples(kwargs_of(**fields), _any_shape())


@st.composite
def _dropout(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    kwargs = draw(kwargs_of(p=probability(), **INPLACE))
    return kwargs, draw(_any_shape())


@st.composite
def _threshold(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    return {"threshold": draw(NUMBER), "value": draw(NUMBER), **draw(kwargs_of(**INPLACE))}, draw(_any_shape())


@st.composite
def _hardtanh(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    kwargs = draw(
        kwargs_of(
            min_val=NUMBER,
            max_val=NUMBER,
            min_value=mostly(None, NUMBER, weight=4),
            max_value=mostly(None, NUMBER, weight=4),
            **INPLACE,
        )
    )
    return kwargs, draw(_any_shape())


@st.composite
def _prelu(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    c = draw(SIZE)
    n = draw(mostly(c, st.sampled_from([1, 1, 0, -1, 2.0]), weight=3))
    kwargs = draw(kwargs_of(init=st.just(0.1)))
    kwargs["num_parameters"] = n
    return kwargs, draw(shapes(RANK, {1: near(c)}))


@st.composite
def _softmax(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    shape = draw(_any_shape())
    span = max(len(shape), 1)
    dim = draw(
        mostly(None, st.sampled_from([None, span, -span - 1, 5, 1.0, True]), weight=6).flatmap(
            lambda d: st.integers(-span, span - 1) if d is None else st.just(d)
        )
    )
    kwargs = {} if dim is None and draw(st.booleans()) else {"dim": dim}
    return kwargs, shape


@st.composite
def _glu(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    rank = draw(RANK)
    span = max(rank, 1)
    dim = draw(mostly(None, st.sampled_from([span, -span - 1, 1.0]), weight=8))
    if dim is None:
        dim = draw(st.integers(-span, span - 1))
    even = st.integers(1, 4).map(lambda x: 2 * x)
    size = mostly(None, SIZE, weight=2).flatmap(lambda s: even if s is None else st.just(s))
    shape = draw(shapes(rank, size=size))
    kwargs = {} if dim == -1 and draw(st.booleans()) else {"dim": dim}
    return kwargs, shape


_NO_ARGS = ("Sigmoid", "Tanh", "Softsign", "Tanhshrink", "LogSigmoid")

STRATEGIES: dict[str, st.SearchStrategy] = {
    **{name: _dropout() for name in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout")},
    "FeatureAlphaDropout": _dropout(),
    "ReLU": _pointwise(**INPLACE),
    "ReLU6": _pointwise(**INPLACE),
    "LeakyReLU": _pointwise(negative_slope=NUMBER, **INPLACE),
    "ELU": _pointwise(alpha=NUMBER, **INPLACE),
    "CELU": _pointwise(alpha=NUMBER, **INPLACE),
    "SELU": _pointwise(**INPLACE),
    "GELU": _pointwise(approximate=st.sampled_from(["none", "tanh", "none", "tanh", "exact"])),
    "SiLU": _pointwise(**INPLACE),
    "Mish": _pointwise(**INPLACE),
    **{name: _pointwise() for name in _NO_ARGS},
    "Hardtanh": _hardtanh(),
    "Hardswish": _pointwise(**INPLACE),
    "Hardsigmoid": _pointwise(**INPLACE),
    "Hardshrink": _pointwise(lambd=NUMBER),
    "Softshrink": _pointwise(lambd=NUMBER),
    "Softplus": _pointwise(beta=NUMBER, threshold=NUMBER),
    "Threshold": _threshold(),
    "RReLU": _pointwise(lower=NUMBER, upper=NUMBER, **INPLACE),
    "PReLU": _prelu(),
    "Softmax": _softmax(),
    "LogSoftmax": _softmax(),
    "Softmin": _softmax(),
    "Softmax2d": st.tuples(st.just({}), _any_shape()),
    "GLU": _glu(),
}
