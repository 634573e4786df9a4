"""Strategies for the pool family: ``(kwargs, in_shape)`` per torch class.

Window pools draw kernel/stride/padding/dilation as ints or tuples (now and
then a 1-tuple, an empty stride, a wrong length, 0, a negative value, padding
over half the kernel), ceil_mode, and inputs from collapsing to roomy;
adaptive pools draw output sizes with None entries, 0 and bad values.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from strategies import mostly

SPATIAL = st.integers(1, 12)


def _arg(draw: st.DrawFn, n: int, values: st.SearchStrategy, bad: list[Any]) -> Any:
    style = draw(st.sampled_from(["int"] * 6 + ["tuple"] * 3 + ["one", "bad"]))
    if style == "int":
        return draw(values)
    if style == "tuple":
        return tuple(draw(values) for _ in range(n))
    if style == "one":
        return (draw(values),)
    return draw(st.sampled_from(bad + [tuple(draw(values) for _ in range(n + 1)), ()]))


def _input(draw: st.DrawFn, n: int, odd_ranks: int = 12) -> tuple[int, ...]:
    rank = draw(mostly(None, st.integers(1, n + 3), weight=odd_ranks))
    if rank is None:
        rank = draw(st.sampled_from([n + 2, n + 2, n + 1]))
    dims = [draw(SPATIAL) for _ in range(rank)]
    if rank >= n + 1:
        dims[-(n + 1)] = draw(st.integers(1, 4))
    if rank == n + 2:
        dims[0] = draw(st.integers(1, 2))
    return tuple(dims)


@st.composite
def _window_pool(draw: st.DrawFn, family: str, n: int) -> tuple[dict[str, Any], tuple[int, ...]]:
    kwargs: dict[str, Any] = {}
    if family == "LP":
        kwargs["norm_type"] = draw(
            st.sampled_from([2, 2, 1, 3, 2.0, 0.5, -1, float("inf"), float("inf"), -float("inf"), 0])
        )
    kwargs["kernel_size"] = _arg(draw, n, st.integers(1, 4), [0, -1, 2.0])
    names = ["stride", "ceil_mode"]
    if family != "LP":
        names.append("padding")
    if family == "Max":
        names += ["dilation", "return_indices"]
    if family == "Avg":
        names.append("count_include_pad")
        if n > 1:
            names.append("divisor_override")
    present = draw(st.sets(st.sampled_from(names)))
    if "stride" in present:
        kwargs["stride"] = draw(mostly(None, st.just(0), weight=1))
        if kwargs["stride"] is not None:
            kwargs["stride"] = _arg(draw, n, st.integers(1, 3), [0, -1])
    if "padding" in present:
        kwargs["padding"] = _arg(draw, n, mostly(0, st.integers(0, 2), weight=1), [-1, 3])
    if "dilation" in present:
        kwargs["dilation"] = _arg(draw, n, mostly(1, st.integers(1, 3), weight=2), [0, -1])
    if "ceil_mode" in present:
        kwargs["ceil_mode"] = draw(st.booleans())
    if "return_indices" in present:
        kwargs["return_indices"] = draw(st.booleans())
    if "count_include_pad" in present:
        kwargs["count_include_pad"] = draw(st.booleans())
    if "divisor_override" in present:
        kwargs["divisor_override"] = draw(st.sampled_from([None, 1, 3, -2, 0]))
    return kwargs, _input(draw, n)


@st.composite
def _adaptive(draw: st.DrawFn, family: str, n: int) -> tuple[dict[str, Any], tuple[int, ...]]:
    entry = mostly(None, st.integers(1, 6), weight=1) if n > 1 else st.integers(1, 6)
    style = draw(st.sampled_from(["int"] * 4 + ["tuple"] * 4 + ["list", "bad", "ones"]))
    value: Any
    if style == "int":
        value = draw(st.integers(0, 6))
    elif style == "ones":  # global pooling: AdaptiveAvgPool2d/3d turn it into a mean that takes any rank
        value = draw(st.sampled_from([1, (1,) * n, (None,) * (n - 1) + (1,)]))
    elif style == "tuple":
        value = tuple(draw(entry) for _ in range(n))
    elif style == "list":
        value = [draw(entry) for _ in range(n)]
    else:
        value = draw(st.sampled_from([None, -1, 2.0, (None,), (2,) * (n + 1), (-1,) * n, (0,) * n]))
    kwargs: dict[str, Any] = {"output_size": value}
    if family == "Max" and draw(st.booleans()):
        kwargs["return_indices"] = draw(st.booleans())
    return kwargs, _input(draw, n, odd_ranks=4)


STRATEGIES: dict[str, st.SearchStrategy] = {
    **{f"{family}Pool{n}d": _window_pool(family, n) for family in ("Max", "Avg", "LP") for n in (1, 2, 3)},
    **{f"Adaptive{family}Pool{n}d": _adaptive(family, n) for family in ("Avg", "Max") for n in (1, 2, 3)},
}
