"""Strategies for the normalisation family: ``(kwargs, in_shape)`` per torch class."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from strategies import SIZE, kwargs_of, mostly, near, shapes

_FLAGS = {
    "eps": st.sampled_from([1e-5, 1e-3]),
    "affine": st.booleans(),
    "track_running_stats": st.booleans(),
    "bias": st.booleans(),
}


@st.composite
def _batch_or_instance(draw: st.DrawFn, n: int, lazy: bool, instance: bool) -> tuple[dict[str, Any], tuple[int, ...]]:
    kwargs = draw(kwargs_of(momentum=st.sampled_from([0.1, None, 0.5]) if not instance else st.just(0.1), **_FLAGS))
    c = draw(SIZE)
    if not lazy:
        kwargs["num_features"] = draw(mostly(c, st.sampled_from([-1, 0, 2.0]), weight=30))
    if instance:
        usual = [n + 1, n + 2]
        channel_index = -(n + 1)
    else:
        usual = [2, 3] if n == 1 else [n + 2]
        channel_index = 1
    rank = draw(mostly(None, st.integers(0, 6), weight=6))
    rank = draw(st.sampled_from(usual)) if rank is None else rank
    return kwargs, draw(shapes(rank, {channel_index: near(c)}))


@st.composite
def _group_norm(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    groups = draw(st.integers(1, 4))
    channels = groups * draw(st.integers(1, 3))
    kwargs = draw(kwargs_of(eps=st.just(1e-5), affine=st.booleans(), bias=st.booleans()))
    kwargs["num_groups"] = draw(mostly(groups, st.sampled_from([0, -1, 3, 5]), weight=12))
    kwargs["num_channels"] = draw(mostly(channels, st.sampled_from([-2, 7]), weight=20))
    rank = draw(mostly(None, st.integers(0, 1), weight=10))
    rank = draw(st.integers(2, 5)) if rank is None else rank
    channel = draw(mostly(channels, st.sampled_from([groups, 2 * groups, channels + 1, 1]), weight=2))
    size = st.one_of(st.just(1), SIZE)
    return kwargs, draw(shapes(rank, {1: channel}, size=size))


@st.composite
def _trailing(draw: st.DrawFn, with_bias: bool) -> tuple[dict[str, Any], tuple[int, ...]]:
    k = draw(st.integers(1, 3))
    normalized = tuple(draw(SIZE) for _ in range(k))
    style = draw(st.sampled_from(["int", "tuple", "list", "tuple", "bad"]))
    if style == "int" or (style == "bad" and k == 1 and draw(st.booleans())):
        k, normalized = 1, normalized[:1]
        value: Any = normalized[0]
    elif style == "bad":
        value = draw(st.sampled_from([(), -1, (2, -1), 2.0, [2.0]]))
    else:
        value = list(normalized) if style == "list" else normalized
    fields: dict[str, st.SearchStrategy] = {"elementwise_affine": st.booleans()}
    if with_bias:
        fields["bias"] = st.booleans()
    kwargs = draw(kwargs_of(**fields))
    kwargs["normalized_shape"] = value
    rank = draw(mostly(None, st.integers(0, k), weight=8))
    rank = k + draw(st.integers(0, 2)) if rank is None else rank
    trailing = {-k + i: near(normalized[i]) for i in range(k)}
    return kwargs, draw(shapes(rank, trailing))


@st.composite
def _local_response_norm(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    kwargs = draw(kwargs_of(alpha=st.just(1e-3), beta=st.just(0.5), k=st.just(2.0)))
    kwargs["size"] = draw(mostly(None, st.sampled_from([0, -1, 2.0]), weight=12))
    if kwargs["size"] is None:
        kwargs["size"] = draw(st.integers(1, 6))
    rank = draw(st.integers(1, 6))
    return kwargs, draw(shapes(rank))


STRATEGIES: dict[str, st.SearchStrategy] = {
    **{f"BatchNorm{n}d": _batch_or_instance(n, False, False) for n in (1, 2, 3)},
    **{f"LazyBatchNorm{n}d": _batch_or_instance(n, True, False) for n in (1, 2, 3)},
    **{f"InstanceNorm{n}d": _batch_or_instance(n, False, True) for n in (1, 2, 3)},
    **{f"LazyInstanceNorm{n}d": _batch_or_instance(n, True, True) for n in (1, 2, 3)},
    "GroupNorm": _group_norm(),
    "LayerNorm": _trailing(True),
    "RMSNorm": _trailing(False),
    "LocalResponseNorm": _local_response_norm(),
}
