"""Strategies for the padding family: ``(kwargs, in_shape)`` per torch class.

``padding`` is drawn as an int or a tuple of 2n values (crops included), now
and then as a tuple of another even length (which F.pad reads as padding
fewer or more dims), an odd length, or a non-int; inputs of every rank from
1 to n+3, sizes from 1 up, so reflection limits and crops below zero occur.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from strategies import mostly

PAD = st.integers(-3, 4)


@st.composite
def _pad(draw: st.DrawFn, kind: str, n: int) -> tuple[dict[str, Any], tuple[int, ...]]:
    style = draw(st.sampled_from(["int"] * 4 + ["tuple"] * 5 + ["other", "bad"]))
    value: Any
    if style == "int":
        value = draw(st.integers(-2, 4))
    elif style == "tuple":
        value = tuple(draw(mostly(0, PAD, weight=1)) for _ in range(2 * n))
    elif style == "other":
        value = tuple(draw(PAD) for _ in range(2 * draw(st.integers(0, 4))))
    else:
        value = draw(st.sampled_from([(1,), (1, 1, 1), 1.0, (1.0, 1)]))
    kwargs: dict[str, Any] = {"padding": value}
    if kind == "Constant":
        kwargs["value"] = draw(st.sampled_from([0.0, 1.5, -1, 0]))
    rank = draw(mostly(None, st.integers(1, n + 3), weight=6))
    if rank is None:
        rank = draw(st.sampled_from([n + 1, n + 2]))
    dims = tuple(draw(st.integers(1, 8)) for _ in range(rank))
    return kwargs, dims


STRATEGIES: dict[str, st.SearchStrategy] = {
    f"{kind}Pad{n}d": _pad(kind, n)
    for kind in ("Zero", "Constant", "Reflection", "Replication", "Circular")
    for n in (1, 2, 3)
}
