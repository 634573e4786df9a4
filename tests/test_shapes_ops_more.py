"""Tensor-op shape functions against torch: indexing, matrix products, interpolate, pad.

Same contract as tests/test_shapes_ops.py: torch's shape exactly, and an
error (with the op's code) exactly where torch raises.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from strategies.ops import DIMS, SIZE, meta, run, same_as_torch, shape_of

from cnnlint.shapes import ops
from cnnlint.shapes.dims import Shape

torch = pytest.importorskip("torch")


@st.composite
def _items(draw: st.DrawFn) -> tuple[tuple[int, ...], list[Any]]:
    shape = draw(DIMS)
    items: list[Any] = []
    tensor_used = False
    for _ in range(draw(st.integers(0, len(shape) + 1))):
        kind = draw(st.sampled_from(["int", "slice", "slice", "none", "ellipsis", "tensor"]))
        if kind == "int":
            items.append(draw(st.integers(-6, 5)))
        elif kind == "slice":
            bound = st.one_of(st.none(), st.integers(-6, 6))
            step = draw(st.sampled_from([None, None, 1, 2, 3, 0, -1]))
            items.append(slice(draw(bound), draw(bound), step))
        elif kind == "none":
            items.append(None)
        elif kind == "ellipsis" and Ellipsis not in items:  # several: torch's results shift, left unknown
            items.append(Ellipsis)
        elif not tensor_used:
            tensor_used = True
            items.append(draw(st.lists(SIZE, min_size=1, max_size=2).map(tuple)))
    return shape, items


def test_index() -> None:
    def check(case: Any) -> None:
        shape, items = case
        theirs = tuple(meta(i, dtype=torch.long) if isinstance(i, tuple) else i for i in items)
        same_as_torch(
            f"{shape}[{items}]",
            lambda: ops.index(shape_of(shape), [shape_of(i) if isinstance(i, tuple) else i for i in items]),
            lambda: meta(shape)[theirs],
            ("CNL005",),
        )

    run(_items(), check)


@st.composite
def _operands(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...]]:
    ra, rb = draw(st.integers(0, 4)), draw(st.integers(0, 4))
    inner = draw(SIZE)
    batch = draw(st.lists(SIZE, max_size=2))
    a = [draw(st.sampled_from([d, d, 1])) for d in batch] + [draw(SIZE), inner]
    b = [draw(st.sampled_from([d, d, 1])) for d in batch] + [
        draw(st.sampled_from([inner, inner, inner, 1, 6])),
        draw(SIZE),
    ]
    a, b = a[len(a) - ra :] if ra else [], b[len(b) - rb :] if rb else []
    if rb == 1:
        b = [draw(st.sampled_from([inner, inner, 6]))]
    return tuple(a), tuple(b)


def test_matmul_mm_bmm() -> None:
    def check(case: Any) -> None:
        a, b = case
        same_as_torch(
            f"matmul({a}, {b})",
            lambda: ops.matmul(shape_of(a), shape_of(b)),
            lambda: torch.matmul(meta(a), meta(b)),
            ("CNL006", "CNL008", "CNL010"),
        )
        same_as_torch(
            f"mm({a}, {b})",
            lambda: ops.mm(shape_of(a), shape_of(b)),
            lambda: torch.mm(meta(a), meta(b)),
            ("CNL006", "CNL010"),
        )
        same_as_torch(
            f"bmm({a}, {b})",
            lambda: ops.bmm(shape_of(a), shape_of(b)),
            lambda: torch.bmm(meta(a), meta(b)),
            ("CNL006", "CNL010"),
        )

    run(_operands(), check)


def test_index_leaves_what_it_does_not_model_unknown() -> None:
    x = Shape(2, 3, 4)
    assert ops.index(x, [Ellipsis, 0, Ellipsis]).is_unknown
    assert ops.index(x, [0, Shape(2), Shape(2)]).is_unknown  # an int beside several index tensors
    assert ops.index(x, [True]).is_unknown


def test_matmul_message_names_both_matrices() -> None:
    with pytest.raises(Exception, match=r"64x9216 and 6400x4096") as info:
        ops.matmul(Shape(64, 9216), Shape(6400, 4096))
    assert info.value.finding.code == "CNL010"


MODES = ["nearest", "nearest-exact", "area", "linear", "bilinear", "bicubic", "trilinear"]


@st.composite
def _interpolate(draw: st.DrawFn) -> tuple[tuple[int, ...], dict[str, Any]]:
    rank = draw(st.sampled_from([3, 3, 4, 4, 5, 2]))
    shape = tuple(draw(SIZE) for _ in range(rank))
    spatial = max(rank - 2, 1)
    kwargs: dict[str, Any] = {"mode": draw(st.sampled_from(MODES))}
    style = draw(st.sampled_from(["size", "size", "scale", "scale", "both", "neither"]))
    if style in ("size", "both"):
        one = st.integers(0, 6)
        kwargs["size"] = draw(st.one_of(one, st.lists(one, min_size=spatial, max_size=spatial).map(tuple)))
    if style in ("scale", "both"):
        one = st.sampled_from([0.5, 1.0, 1.5, 2, 2.0, 3, 0.3, 0])
        kwargs["scale_factor"] = draw(st.one_of(one, st.lists(one, min_size=spatial, max_size=spatial).map(tuple)))
    if draw(st.integers(0, 3)) == 0:
        kwargs["align_corners"] = draw(st.booleans())
    return shape, kwargs


def test_interpolate() -> None:
    import torch.nn.functional as F

    def check(case: Any) -> None:
        shape, kwargs = case
        # on the CPU: meta interpolation accepts an output size of 0
        same_as_torch(
            f"interpolate({shape}, {kwargs})",
            lambda: ops.interpolate(shape_of(shape), **kwargs),
            lambda: F.interpolate(meta(shape, "cpu"), **kwargs),
            ("CNL004", "CNL005", "CNL006"),
        )

    run(_interpolate(), check)


@st.composite
def _pad(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...], str, Any]:
    mode = draw(st.sampled_from(["constant", "constant", "reflect", "replicate", "circular"]))
    count = draw(st.sampled_from([2, 2, 4, 4, 6, 1, 8]))
    pads = tuple(draw(st.sampled_from([0, 0, 1, 2, 3, -1, -2, 5])) for _ in range(count))
    shape = tuple(draw(st.integers(1, 5)) for _ in range(draw(st.integers(1, 5))))
    value = draw(st.sampled_from([None, None, 0.0, 1.5]))
    return shape, pads, mode, value


def test_pad() -> None:
    import torch.nn.functional as F

    def check(case: Any) -> None:
        shape, pads, mode, value = case
        same_as_torch(
            f"pad({shape}, {pads}, {mode}, {value})",
            lambda: ops.pad(shape_of(shape), pads, mode, value),
            lambda: F.pad(meta(shape), pads, mode, value),
            ("CNL004", "CNL005", "CNL006"),
        )

    run(_pad(), check)
