"""Tensor-op shape functions on symbols, unknowns and open shapes: never an error that could be wrong.

A symbol (``"B"``) equals only itself; UNKNOWN equals nothing known; an open
shape has unknown leading dims. Each case asserts "no error" and the part of
the result that holds whatever the unknowns are — and, where an error is
certain even so, that it is raised.
"""

from __future__ import annotations

import pytest

from cnnlint.shapes import ops
from cnnlint.shapes.dims import UNKNOWN, Shape
from cnnlint.shapes.spec import ShapeError

U = UNKNOWN
OPEN = Shape.unknown()


def _code(fn, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ShapeError) as info:
        fn(*args, **kwargs)
    return info.value.finding.code


@pytest.mark.parametrize(
    ("a", "b", "out"),
    [
        (Shape("B", 64, 56, 56), Shape("B", 64, 56, 56), Shape("B", 64, 56, 56)),
        (Shape("B", 64, 1, 1), Shape(64, U, U), Shape("B", 64, U, U)),
        (Shape("B", 3), Shape("N", 3), Shape(U, 3)),  # B and N may be equal, or one of them 1
        (Shape(U, 5), Shape(4, 1), Shape(4, 5)),  # U must be 4 or 1
        (Shape(64, open=True), Shape(1, 64), Shape(U, 64, open=True)),  # the open side's dim may be any size
        (Shape(8, 1, open=True), Shape(3), Shape(8, 3, open=True)),
        (OPEN, Shape(2, 3), Shape(2, 3, open=True)),
    ],
)
def test_broadcast_keeps_what_is_certain(a: Shape, b: Shape, out: Shape) -> None:
    assert ops.broadcast(a, b) == out


def test_broadcast_raises_only_on_two_known_sizes() -> None:
    assert _code(ops.broadcast, Shape("B", 64, 56, 56), Shape("B", 128, 28, 28)) == "CNL008"
    assert _code(ops.broadcast, Shape(64, open=True), Shape(32)) == "CNL008"
    with pytest.raises(ShapeError, match=r"cannot add \(4, 64, 56, 56\) and \(4, 128, 28, 28\): dim 3 is 56 vs 28"):
        ops.broadcast(Shape(4, 64, 56, 56), Shape(4, 128, 28, 28))


def test_joins_with_symbols() -> None:
    assert ops.cat([Shape("B", 64, U), Shape("B", 32, 7)], 1) == Shape("B", 96, 7)
    assert ops.cat([Shape("B", "C"), Shape("B", 3)], 1) == Shape("B", U)
    assert ops.cat([Shape(64, 7, 7, open=True), Shape(32, 7, 7, open=True)], -3) == Shape(96, 7, 7, open=True)
    assert ops.cat([Shape(64, 7, 7, open=True), Shape(32, 7, 7, open=True)], 1).is_unknown
    assert ops.cat([Shape("B", 3), Shape(U), Shape("B", 4)], 1) == Shape("B", 7)  # (U,) must be empty
    assert ops.cat([Shape("B"), Shape("N")], 0) == Shape(U)
    assert ops.cat([Shape("B", 3), OPEN], 1) == Shape("B", U)  # OPEN: (0,) and skipped, or (B, n)
    assert ops.cat([Shape(2, 3, open=True), Shape(2, 4, open=True), OPEN], -1) == Shape(2, U, open=True)
    assert _code(ops.cat, [Shape("B", 3, 4), Shape("B", 3, 5)], 1) == "CNL009"
    assert _code(ops.cat, [Shape("B", 3, 4), Shape("B", 3)], 1) == "CNL009"
    assert ops.stack([Shape("B", 3), Shape(U, 3)], 1) == Shape("B", 2, 3)
    assert ops.stack([Shape(4, open=True), Shape(4, open=True)], -1) == Shape(4, 2, open=True)
    assert _code(ops.stack, [Shape("B", 3), Shape("B", 4)]) == "CNL009"


def test_splits_need_a_known_size() -> None:
    assert ops.split(Shape("B", 6), 4, 1) == [Shape("B", 4), Shape("B", 2)]
    assert ops.split(Shape("B", 6), 2, 0) is None
    assert ops.split(Shape("B", U), [2, 3], 1) == [Shape("B", 2), Shape("B", 3)]
    assert _code(ops.split, Shape("B", 6), [2, 3], 1) == "CNL005"
    assert ops.chunk(Shape(6, open=True), 4, -1) == [Shape(2, open=True)] * 3
    assert ops.chunk(Shape(6, open=True), 2, 0) is None
    assert ops.unbind(Shape("B", 2, 5), 1) == [Shape("B", 5)] * 2
    assert ops.unbind(Shape("B", 5)) is None


def test_reductions_and_moves_on_open_shapes() -> None:
    x = Shape(64, 7, 7, open=True)
    assert ops.reduce(x, (-2, -1)) == Shape(64, open=True)
    assert ops.reduce(x, (-2, -1), keepdim=True) == Shape(64, 1, 1, open=True)
    assert ops.reduce(x, 1).is_unknown
    assert ops.reduce(x, None) == Shape()
    assert ops.reduce(x, None, keepdim=True).is_unknown
    assert ops.reduce(Shape("B", "T", 8), 1) == Shape("B", 8)
    assert ops.transpose(x, -1, -3) == Shape(7, 7, 64, open=True)
    assert ops.transpose(x, 0, 1).is_unknown
    assert ops.permute(Shape(3, 4, open=True), (1, 0, 2)) == Shape(U, 3, 4).with_dims((3, U, 4))
    assert _code(ops.permute, Shape(1, 2, 3, open=True), (1, 0)) == "CNL006"
    assert ops.movedim(x, 0, 1).is_unknown
    assert ops.t(Shape(3, 4, open=True)) == Shape(4, 3)
    assert ops.t(Shape(3, open=True)).is_unknown
    assert _code(ops.t, Shape(2, 3, 4, open=True)) == "CNL006"
    assert ops.unsqueeze(x, -1) == Shape(64, 7, 7, 1, open=True)
    assert ops.unsqueeze(x, 0).is_unknown


def test_squeeze_of_a_dim_that_may_be_one() -> None:
    assert ops.squeeze(Shape("B", 1, 10)) == Shape(10, open=True)
    assert ops.squeeze(Shape(1, "B", 3, 1)) == Shape(3, open=True)
    assert ops.squeeze(Shape(2, 1, 3), 1) == Shape(2, 3)
    assert ops.squeeze(Shape(2, U, 3), 1) == Shape(3, open=True)
    assert ops.squeeze(Shape(U, 3, 1), -1) == Shape(U, 3)
    assert ops.squeeze(Shape(7, 1, open=True)) == Shape(7, open=True)


def test_flatten_and_views_of_symbols() -> None:
    assert ops.flatten(Shape("B", 64, 7, 7), 1) == Shape("B", 3136)
    assert ops.flatten(Shape(64, 7, 7, open=True), 1).is_unknown
    assert ops.unflatten(Shape("B", 12), 1, (3, -1)) == Shape("B", 3, 4)
    assert ops.unflatten(Shape("B", U), -1, (3, -1)) == Shape("B", 3, U)
    assert _code(ops.unflatten, Shape("B", 12), 1, (5, -1)) == "CNL005"


def test_expand_and_repeat_with_unknowns() -> None:
    assert ops.expand(Shape("B", 1, 1), ("B", 64, -1)) == Shape("B", 64, 1)
    assert ops.expand(Shape(4, 1), ("N", 3)) == Shape(4, 3)  # N must be 4
    assert ops.expand(Shape(1, open=True), (4, 3, 5)) == Shape(4, 3, 5)
    assert ops.expand(Shape(1, open=True), (-1, 5)) == Shape(U, 5)
    assert _code(ops.expand, Shape("B", 3), ("B", 4)) == "CNL008"
    assert _code(ops.expand, Shape(1, 2, 3, open=True), (2, 3)) == "CNL005"
    assert ops.repeat(Shape("B", 3), (1, 2)) == Shape("B", 6)
    assert ops.repeat(Shape(3, open=True), (2, 2)) == Shape(U, 6)


def test_index_with_symbols_and_open_shapes() -> None:
    x = Shape("B", 64, 7, 7)
    assert ops.index(x, [slice(None), 0]) == Shape("B", 7, 7)
    assert ops.index(x, [Ellipsis, None]) == Shape("B", 64, 7, 7, 1)
    assert ops.index(x, [slice(None, 2)]) == Shape(U, 64, 7, 7)
    assert ops.index(x, [U]) == Shape(64, 7, 7)
    assert ops.index(x, [slice(None), Shape("K")]) == Shape("B", "K", 7, 7)
    assert _code(ops.index, x, [slice(None), 64]) == "CNL005"
    assert ops.index(Shape(3, 10, open=True), [Ellipsis, 2, slice(2, 8, 3)]) == Shape(2, open=True)
    assert ops.index(Shape(3, 10, open=True), [0]).is_unknown
    assert _code(ops.index, Shape(10, open=True), [Ellipsis, 12]) == "CNL005"


def test_matrix_products_with_symbols() -> None:
    assert ops.matmul(Shape("B", "T", 64), Shape(64, 10)) == Shape("B", "T", 10)
    assert ops.matmul(Shape(5, 64, open=True), Shape(64, 10)) == Shape(5, 10, open=True)
    assert ops.matmul(Shape(64, open=True), Shape(64, 10)).is_unknown
    assert _code(ops.matmul, Shape(64, open=True), Shape(32, 10)) == "CNL010"
    assert ops.matmul(Shape("B", 1, 3, 4), Shape(5, 4, "N")) == Shape("B", 5, 3, "N")
    assert _code(ops.matmul, Shape(2, 3, 4), Shape(3, 4, 5)) == "CNL008"
    assert ops.mm(Shape(U, 64), Shape(64, "N")) == Shape(U, "N")
    assert ops.bmm(Shape("B", 3, 4), Shape(U, 4, 5)) == Shape("B", 3, 5)
    assert _code(ops.bmm, Shape("B", 3, 4), Shape(2, 5, 4)) == "CNL010"
    assert _code(ops.bmm, Shape(3, 4), Shape(2, 4, 4)) == "CNL006"


def test_resampling_with_symbols() -> None:
    assert ops.interpolate(Shape("B", 3, 8, 8), scale_factor=2) == Shape("B", 3, 16, 16)
    assert ops.interpolate(Shape("B", 3, U, 8), size=(4, 4)) == Shape("B", 3, 4, 4)
    assert ops.interpolate(Shape(8, 8, open=True), scale_factor=(2, 2)) == Shape(16, 16, open=True)
    assert ops.pad(Shape("B", 3, U, 8), (1, 1, 2, 2)) == Shape("B", 3, U, 10)
    assert ops.pad(Shape(8, open=True), (1, 2)) == Shape(11, open=True)
    assert _code(ops.pad, Shape("B", 3, 4), (4, 4), "reflect") == "CNL005"
