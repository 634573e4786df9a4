"""Strategies for the recurrent family: ``(kwargs, in_shape)`` per torch class.

Sizes, layers, directions, projections and batch_first are drawn together
with now-and-then invalid values (a zero layer count, a projection as large
as the hidden size, ``proj_size`` given to RNN/GRU, an int for a bool flag,
an unknown nonlinearity) and inputs of every accepted rank and two others,
whose last dim is usually ``input_size``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from strategies import SIZE, kwargs_of, mostly, near, probability, shapes

HIDDEN = st.integers(1, 6)


def _flag() -> st.SearchStrategy:
    return mostly(None, st.just(1), weight=12).flatmap(lambda f: st.booleans() if f is None else st.just(f))


@st.composite
def _rnn(draw: st.DrawFn, name: str) -> tuple[dict[str, Any], tuple[int, ...]]:
    n_in = draw(SIZE)
    hidden = draw(HIDDEN)
    fields: dict[str, st.SearchStrategy] = {
        "num_layers": mostly(None, st.just(0), weight=15).flatmap(
            lambda n: st.integers(1, 3) if n is None else st.just(n)
        ),
        "bias": _flag(),
        "batch_first": _flag(),
        "dropout": probability(),
        "bidirectional": st.booleans(),
    }
    if name == "LSTM":
        fields["proj_size"] = st.one_of(
            st.integers(0, hidden - 1), st.integers(0, hidden - 1), st.sampled_from([hidden, -1])
        )
    else:
        fields["proj_size"] = mostly(None, st.just(1), weight=20)  # now and then: rejected by RNN and GRU
    if name == "RNN":
        fields["nonlinearity"] = mostly("tanh", st.sampled_from(["relu", "relu", "sigmoid"]), weight=2)
    kwargs = draw(kwargs_of(**fields))
    if kwargs.get("proj_size", 0) is None:
        del kwargs["proj_size"]
    kwargs["input_size"] = draw(mostly(n_in, st.sampled_from([0, 2.0]), weight=25))
    kwargs["hidden_size"] = draw(mostly(hidden, st.sampled_from([0, -1]), weight=25))
    rank = draw(mostly(None, st.sampled_from([1, 4]), weight=10))
    rank = draw(st.sampled_from([2, 3])) if rank is None else rank
    return kwargs, draw(shapes(rank, {-1: near(n_in, high=7)}))


@st.composite
def _cell(draw: st.DrawFn, name: str) -> tuple[dict[str, Any], tuple[int, ...]]:
    n_in = draw(SIZE)
    fields: dict[str, st.SearchStrategy] = {"bias": st.booleans()}
    if name == "RNNCell":
        fields["nonlinearity"] = mostly("tanh", st.sampled_from(["relu", "relu", "gelu"]), weight=2)
    kwargs = draw(kwargs_of(**fields))
    kwargs["input_size"] = draw(mostly(n_in, st.sampled_from([-1, 2.0]), weight=25))
    kwargs["hidden_size"] = draw(
        mostly(None, st.sampled_from([0, -1]), weight=25).flatmap(lambda h: HIDDEN if h is None else st.just(h))
    )
    rank = draw(mostly(None, st.sampled_from([0, 3]), weight=10))
    rank = draw(st.sampled_from([1, 2])) if rank is None else rank
    return kwargs, draw(shapes(rank, {-1: near(n_in, high=7)}))


STRATEGIES: dict[str, st.SearchStrategy] = {
    **{name: _rnn(name) for name in ("RNN", "LSTM", "GRU")},
    **{name: _cell(name) for name in ("RNNCell", "LSTMCell", "GRUCell")},
}
