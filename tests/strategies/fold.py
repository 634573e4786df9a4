"""Strategies for Unfold and Fold: ``(kwargs, in_shape)`` per torch class.

Window arguments are mostly valid ints or pairs, now and then a wrong-length
tuple, a bool, a float, zero or a negative. Unfold draws 3-D and 4-D inputs
(now and then 2-D, 5-D or a zero dim) small enough that blocks collapse at a
good rate; Fold draws its input from the blocks its own arguments give,
sometimes off by one in either dim.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from strategies import mostly

_BAD = st.sampled_from([0, -1, (2,), (1, 2, 3), True, 2.0])


def _arg(draw: st.DrawFn, good: st.SearchStrategy) -> Any:
    value = draw(mostly(None, _BAD, weight=12))
    if value is not None:
        return value
    return draw(st.one_of(good, st.tuples(good, good)))


def _window(draw: st.DrawFn) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"kernel_size": _arg(draw, st.integers(1, 4))}
    for name, good in (("dilation", st.integers(1, 3)), ("padding", st.integers(0, 2)), ("stride", st.integers(1, 3))):
        if draw(st.booleans()):
            kwargs[name] = _arg(draw, good)
    return kwargs


def _pair(value: Any) -> tuple[int, int] | None:
    if isinstance(value, tuple) and len(value) == 2 and all(type(v) is int for v in value):
        return value
    return (value, value) if type(value) is int else None


def _blocks(size: int, k: int, d: int, p: int, s: int) -> int:
    return (size + 2 * p - d * (k - 1) - 1) // s + 1 if s > 0 else 1


@st.composite
def _unfold(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    kwargs = _window(draw)
    rank = draw(mostly(None, st.sampled_from([2, 5]), weight=10)) or draw(st.sampled_from([3, 4, 4]))
    dims = [draw(st.integers(1, 9)) for _ in range(rank)]
    if draw(st.integers(0, 12)) == 0:
        dims[draw(st.integers(0, rank - 1))] = 0
    return kwargs, tuple(dims)


@st.composite
def _fold(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    kwargs = _window(draw)
    kwargs["output_size"] = _arg(draw, st.integers(1, 9))
    pairs = [_pair(kwargs.get(n, default)) for n, default in (("kernel_size", 1), ("dilation", 1))]
    pairs += [_pair(kwargs.get(n, default)) for n, default in (("padding", 0), ("stride", 1), ("output_size", 1))]
    channels = draw(st.integers(1, 3))
    if None in pairs:
        features, length = channels * 4, draw(st.integers(1, 9))
    else:
        (kh, kw), (dh, dw), (ph, pw), (sh, sw), (oh, ow) = pairs  # type: ignore[misc]
        features = channels * kh * kw + draw(mostly(0, st.sampled_from([1, -1]), weight=8))
        blocks = _blocks(oh, kh, dh, ph, sh) * _blocks(ow, kw, dw, pw, sw)
        length = max(blocks, 1) + draw(mostly(0, st.sampled_from([1, -1]), weight=6))
    features, length = max(features, 1), max(length, 1)
    if draw(st.integers(0, 12)) == 0:
        length = 0
    unbatched = draw(st.integers(0, 4)) == 0
    shape = (features, length) if unbatched else (draw(st.integers(0, 2)), features, length)
    if draw(st.integers(0, 15)) == 0:
        shape = (1, *shape, 1)
    return kwargs, shape


STRATEGIES = {"Unfold": _unfold(), "Fold": _fold()}
