"""Strategies for Embedding and TransformerEncoderLayer: ``(kwargs, in_shape)`` per torch class.

MultiheadAttention takes three inputs and is not chainable: its parameter
count is tested against torch in tests/test_shapes_misc.py instead.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from strategies import SIZE, kwargs_of, mostly, near, probability, shapes


@st.composite
def _embedding(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    num = draw(mostly(None, st.sampled_from([-1, 2.0]), weight=25))
    num = draw(st.integers(1, 12)) if num is None else num
    span = num if isinstance(num, int) and num > 0 else 3
    padding = st.one_of(
        st.integers(-span, span - 1), st.integers(-span, span - 1), st.sampled_from([span, -span - 1, 1.0, True])
    )
    kwargs = draw(
        kwargs_of(
            padding_idx=mostly(None, padding, weight=2),
            max_norm=st.sampled_from([None, 1.0]),
            scale_grad_by_freq=st.booleans(),
            sparse=st.booleans(),
        )
    )
    kwargs["num_embeddings"] = num
    kwargs["embedding_dim"] = draw(
        mostly(None, st.sampled_from([-1, 3.0]), weight=25).flatmap(lambda d: SIZE if d is None else st.just(d))
    )
    return kwargs, draw(shapes(st.integers(0, 4)))


@st.composite
def _encoder_layer(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    heads = draw(st.integers(1, 3))
    d_model = heads * draw(st.integers(1, 4))
    kwargs = draw(
        kwargs_of(
            dim_feedforward=mostly(None, st.sampled_from([0, -1]), weight=8).flatmap(
                lambda f: st.integers(1, 16) if f is None else st.just(f)
            ),
            dropout=probability(),
            activation=st.sampled_from(["relu", "gelu", "relu", "gelu", "tanh"]),
            layer_norm_eps=st.just(1e-5),
            batch_first=st.booleans(),
            norm_first=st.booleans(),
            bias=st.booleans(),
        )
    )
    kwargs["d_model"] = draw(mostly(d_model, st.sampled_from([0, -2]), weight=25))
    kwargs["nhead"] = draw(mostly(heads, st.sampled_from([0, -1, d_model + 1, 5]), weight=10))
    if "dim_feedforward" not in kwargs:
        kwargs["dim_feedforward"] = draw(st.integers(1, 16))  # torch's 2048 is slow to test
    rank = draw(mostly(None, st.sampled_from([1, 4]), weight=8))
    rank = draw(st.sampled_from([2, 3])) if rank is None else rank
    return kwargs, draw(shapes(rank, {-1: near(d_model, high=12)}))


STRATEGIES: dict[str, st.SearchStrategy] = {
    "Embedding": _embedding(),
    "TransformerEncoderLayer": _encoder_layer(),
}
