"""einops patterns against einops itself, on torch's meta device: the shape, or an error where einops raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.shapes.dims import UNKNOWN, Shape
from cnnlint.shapes.einops_patterns import NotModelled, transform
from cnnlint.shapes.spec import ShapeError

torch = pytest.importorskip("torch")
einops = pytest.importorskip("einops")


def _einops(op: str, shape: tuple[int, ...], pattern: str, lengths: dict) -> tuple[int, ...] | None:
    x = torch.empty(*shape, device="meta")
    try:
        if op == "reduce":
            return tuple(einops.reduce(x, pattern, "mean", **lengths).shape)
        return tuple(getattr(einops, op)(x, pattern, **lengths).shape)
    except einops.EinopsError:
        return None


def _cnnlint(op: str, shape: tuple[int, ...], pattern: str, lengths: dict) -> tuple | None | str:
    try:
        return tuple(transform(op, Shape(*shape), pattern, lengths, op).dims)
    except ShapeError:
        return None
    except NotModelled:
        return "not modelled"


CASES = [
    ("rearrange", (2, 3, 32, 32), "b c (h p1) (w p2) -> b (h w) (p1 p2 c)", {"p1": 8, "p2": 8}),
    ("rearrange", (2, 3, 30, 32), "b c (h p1) (w p2) -> b (h w) (p1 p2 c)", {"p1": 8, "p2": 8}),
    ("rearrange", (2, 64, 96), "b (h w) c -> b c h w", {"h": 8}),
    ("rearrange", (2, 64, 96), "b (h w) c -> b c h w", {"h": 7}),
    ("rearrange", (2, 64, 96), "b (h w) c -> b c h w", {"h": 8, "w": 8}),
    ("rearrange", (2, 64, 96), "b (h w) c -> b c h w", {"h": 8, "w": 9}),
    ("rearrange", (2, 64, 96), "b (h w) c -> b c h w", {}),
    ("rearrange", (2, 64, 96), "b n (h d) -> b h n d", {"h": 8}),
    ("rearrange", (2, 64, 96), "b n (h d) -> (b h) n d", {"h": 8}),
    ("rearrange", (2, 64, 96), "b n c -> b c n", {}),
    ("rearrange", (2, 64, 96), "b n c -> b c", {}),
    ("rearrange", (2, 64, 96), "b n c -> b c n x", {}),
    ("rearrange", (2, 64), "b n c -> b c n", {}),
    ("rearrange", (2, 1, 96), "b 1 c -> b c", {}),
    ("rearrange", (2, 5, 96), "b 1 c -> b c", {}),
    ("rearrange", (2, 1, 96), "b () c -> b c ()", {}),
    ("rearrange", (2, 3, 4, 5), "b ... c -> b c ...", {}),
    ("rearrange", (2, 3), "b ... c -> b c ...", {}),
    ("rearrange", (2,), "b ... c -> b c ...", {}),
    ("rearrange", (2, 3, 4, 5), "b ... -> b (...)", {}),
    ("rearrange", (2, 3, 4, 5), "... h w -> ... (h w)", {}),
    ("rearrange", (2, 3, 4, 5), "b c h w -> b (c h w)", {"q": 3}),
    ("repeat", (2, 3), "b c -> b c n", {"n": 4}),
    ("repeat", (2, 3), "b c -> b (c n)", {"n": 4}),
    ("repeat", (2, 3), "b c -> b c n", {}),
    ("repeat", (3,), "c -> b c", {"b": 2}),
    ("repeat", (3,), "c -> 2 c 3", {}),
    ("repeat", (2, 3), "b c -> c", {}),
    ("repeat", (1, 1, 8), "() n d -> b n d", {"b": 4}),
    ("reduce", (2, 3, 8, 8), "b c h w -> b c", {}),
    ("reduce", (2, 3, 8, 8), "b c (h h2) (w w2) -> b c h w", {"h2": 2, "w2": 2}),
    ("reduce", (2, 3, 8, 8), "b c (h h2) (w w2) -> b c h w", {"h2": 3, "w2": 2}),
    ("reduce", (2, 3, 8, 8), "b c h w -> b c () ()", {}),
    ("reduce", (2, 3, 8, 8), "b c h w -> b c 1 1", {}),
    ("reduce", (2, 3, 8, 8), "b c h w -> b c x", {}),
    ("reduce", (2, 3, 8, 8), "b ... -> b", {}),
    ("reduce", (2, 3, 8, 8), "b c ... -> b c", {}),
    ("reduce", (2, 3, 8, 8), "b c h w -> b c ...", {}),
    ("rearrange", (2, 3, 8, 8), "b ... -> b", {}),
    ("repeat", (2, 3, 8, 8), "b ... -> b", {}),
]


@pytest.mark.parametrize(("op", "shape", "pattern", "lengths"), CASES)
def test_written_patterns_match_einops(op: str, shape: tuple, pattern: str, lengths: dict) -> None:
    got = _cnnlint(op, shape, pattern, lengths)
    assert got != "not modelled", pattern
    assert got == _einops(op, shape, pattern, lengths)


@st.composite
def _patterns(draw: st.DrawFn, op: str = "rearrange") -> tuple[tuple[int, ...], str, dict]:
    """A random tensor, a left side splitting its dims into groups, a right side regrouping the axes."""
    rank = draw(st.integers(1, 4))
    names = iter("abcdefghijklmn")
    left, axes, lengths, shape = [], [], {}, []
    for _ in range(rank):
        parts = [next(names) for _ in range(draw(st.integers(1, 3)))]
        sizes = [draw(st.integers(1, 4)) for _ in parts]
        dim = 1
        for s in sizes:
            dim *= s
        dim += draw(st.sampled_from([0, 0, 0, 0, 1]))  # sometimes not a product of its parts
        shape.append(dim)
        hidden = draw(st.integers(0, len(parts)))  # one part may be left for einops to divide out
        for i, (p, s) in enumerate(zip(parts, sizes)):
            if i != hidden or len(parts) == 1 and draw(st.booleans()):
                lengths[p] = s
        left.append(parts[0] if len(parts) == 1 else "(" + " ".join(parts) + ")")
        axes.extend(parts)
    order = list(draw(st.permutations(axes)))
    if op == "reduce":
        order = [a for a in order if draw(st.booleans())]
    elif op == "repeat":
        for name in ("x", "y")[: draw(st.integers(0, 2))]:
            order.insert(draw(st.integers(0, len(order))), name)
            if draw(st.integers(0, 5)):
                lengths[name] = draw(st.integers(1, 3))
    right, i = [], 0
    while i < len(order):
        n = draw(st.integers(1, 3))
        chunk = order[i : i + n]
        right.append(chunk[0] if len(chunk) == 1 else "(" + " ".join(chunk) + ")")
        i += n
    if draw(st.booleans()) and lengths:
        key = draw(st.sampled_from(sorted(lengths)))
        lengths[key] += draw(st.sampled_from([1, -1])) if lengths[key] > 1 else 1
    return tuple(shape), " ".join(left) + " -> " + " ".join(right), lengths


@pytest.mark.parametrize("op", ["rearrange", "repeat", "reduce"])
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_random_patterns_match_einops(op: str, data: st.DataObject) -> None:
    shape, pattern, lengths = data.draw(_patterns(op))
    assert _cnnlint(op, shape, pattern, lengths) == _einops(op, shape, pattern, lengths), (shape, pattern, lengths)


def test_unknown_dims_give_unknown_axes_and_no_error() -> None:
    out = transform("rearrange", Shape(2, UNKNOWN, 96), "b (h w) c -> b c h w", {"h": 8}, "r")
    assert out.dims[:3] == (2, 96, 8) and out.dims[3] is UNKNOWN
    out = transform("rearrange", Shape("B", 64, 96), "b n (h d) -> (b h) n d", {"h": 8}, "r")
    assert out.dims[1:] == (64, 12) and out.dims[0] is UNKNOWN
    out = transform("rearrange", Shape("B", 64, 96), "b n c -> b c n", {}, "r")
    assert out.dims == ("B", 96, 64)
    out = transform("rearrange", Shape.unknown(), "b (h w) c -> b c h w", {"h": 8}, "r")
    assert out.rank == 4 and out.dims[2] == 8
