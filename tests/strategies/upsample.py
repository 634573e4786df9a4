"""Strategies for the upsample family: ``(kwargs, in_shape)`` per torch class.

Upsample draws size or scale_factor (now and then both, neither, a tuple of
the wrong length, 0, a negative or shrinking scale), every mode with and
without align_corners, recompute_scale_factor, and 3-D to 5-D inputs (now
and then 2-D or 6-D). The shuffles draw factors and channel counts that
divide or not.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from strategies import mostly

SCALES = st.sampled_from([2, 2, 3, 1, 1.5, 0.5, 0.3, 2.5, 1.1, 0.9, 0.25, -1, 0])
MODES = (
    ["nearest"] * 6
    + ["linear", "bilinear", "bicubic", "trilinear"] * 2
    + ["area", "nearest-exact"] * 2
    + [
        "lanczos",
        "foo",
    ]
)


def _rank(draw: st.DrawFn, usual: list[int]) -> int:
    rank = draw(mostly(None, st.integers(1, 6), weight=10))
    return draw(st.sampled_from(usual)) if rank is None else rank


@st.composite
def _upsample(draw: st.DrawFn, name: str) -> tuple[dict[str, Any], tuple[int, ...]]:
    usual = [4] if name != "Upsample" else [3, 4, 5]
    if name == "Upsample":
        mode = draw(st.sampled_from(MODES))
        usual = {"linear": [3], "bilinear": [4], "bicubic": [4], "trilinear": [5]}.get(mode, [3, 4, 5])
    rank = _rank(draw, usual)
    n = max(rank - 2, 1)
    which = draw(st.sampled_from(["size"] * 4 + ["scale"] * 5 + ["both", "neither"]))
    kwargs: dict[str, Any] = {}
    if which in ("size", "both"):
        style = draw(st.sampled_from(["int", "tuple", "tuple", "list", "wrong"]))
        entry = st.integers(1, 9)
        if style == "int":
            kwargs["size"] = draw(st.sampled_from([0, -1]) if draw(st.integers(0, 12)) == 0 else entry)
        elif style == "wrong":
            kwargs["size"] = tuple(draw(entry) for _ in range(draw(st.sampled_from([n - 1, n + 1]))))
        else:
            sizes = [draw(st.integers(0, 9) if draw(st.integers(0, 12)) == 0 else entry) for _ in range(n)]
            kwargs["size"] = sizes if style == "list" else tuple(sizes)
    if which in ("scale", "both"):
        style = draw(st.sampled_from(["one", "one", "tuple", "wrong"]))
        if style == "one":
            kwargs["scale_factor"] = draw(SCALES)
        elif style == "tuple":
            kwargs["scale_factor"] = tuple(draw(SCALES) for _ in range(n))
        else:
            kwargs["scale_factor"] = tuple(draw(SCALES) for _ in range(draw(st.sampled_from([n - 1, n + 1]))))
    if name == "Upsample":
        kwargs["mode"] = mode
        interpolating = mode in ("linear", "bilinear", "bicubic", "trilinear")
        if draw(st.integers(0, 2 if interpolating else 12)) == 0:
            kwargs["align_corners"] = draw(st.booleans())
        if draw(st.integers(0, 4)) == 0:
            kwargs["recompute_scale_factor"] = draw(st.sampled_from([True, False, None]))
    dims = tuple(draw(st.integers(1, 7)) for _ in range(rank))
    return kwargs, dims


@st.composite
def _pixel(draw: st.DrawFn, shuffle: bool) -> tuple[dict[str, Any], tuple[int, ...]]:
    r = draw(mostly(2, st.sampled_from([1, 3, 0, -1, 2.0]), weight=2))
    rank = _rank(draw, [3, 4, 4, 5])
    dims = [draw(st.integers(1, 6)) for _ in range(rank)]
    if isinstance(r, int) and r > 0 and rank >= 3:
        if shuffle:
            dims[-3] = r * r * draw(st.integers(1, 3)) if draw(st.integers(0, 3)) else dims[-3]
        elif draw(st.integers(0, 3)):
            dims[-2] = r * draw(st.integers(1, 3))
            dims[-1] = r * draw(st.integers(1, 3))
    return {"upscale_factor" if shuffle else "downscale_factor": r}, tuple(dims)


@st.composite
def _channel_shuffle(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[int, ...]]:
    g = draw(mostly(2, st.sampled_from([1, 3, 4, 0, -1]), weight=2))
    rank = _rank(draw, [3, 4, 4, 5])
    dims = [draw(st.integers(1, 6)) for _ in range(rank)]
    if isinstance(g, int) and g > 0 and rank >= 2 and draw(st.integers(0, 3)):
        dims[1] = g * draw(st.integers(1, 3))
    return {"groups": g}, tuple(dims)


STRATEGIES: dict[str, st.SearchStrategy] = {
    "Upsample": _upsample("Upsample"),
    "UpsamplingNearest2d": _upsample("UpsamplingNearest2d"),
    "UpsamplingBilinear2d": _upsample("UpsamplingBilinear2d"),
    "PixelShuffle": _pixel(True),
    "PixelUnshuffle": _pixel(False),
    "ChannelShuffle": _channel_shuffle(),
}
