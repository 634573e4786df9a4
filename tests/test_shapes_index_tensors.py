"""``x[i, j]`` with several integer index tensors (timm's LambdaLayer: ``pos_emb[idx[0], idx[1]]``),
against torch: broadcasting, adjacent and separated index tensors, slices, None, Ellipsis."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.shapes import ops
from cnnlint.shapes.dims import Shape
from cnnlint.shapes.spec import ShapeError

torch = pytest.importorskip("torch")

index_shape = st.lists(st.integers(1, 3), min_size=0, max_size=2)
item = st.one_of(
    index_shape.map(lambda dims: ("t", tuple(dims))),
    st.just(("s", slice(None))),
    st.just(("s", slice(1, None))),
    st.just(("n", None)),
    st.just(("e", Ellipsis)),
)


@settings(max_examples=600, deadline=None)
@given(dims=st.lists(st.integers(1, 4), min_size=1, max_size=4), items=st.lists(item, min_size=2, max_size=4))
def test_several_index_tensors_are_torchs(dims: list[int], items: list) -> None:
    if sum(1 for kind, _ in items if kind == "t") < 2:
        return
    # On the CPU: the meta device reads a 0-d index tensor's value (``.item()``); the tensors are tiny.
    real_key = tuple(torch.zeros(v, dtype=torch.long) if k == "t" else v for k, v in items)
    try:
        real = tuple(torch.empty(tuple(dims))[real_key].shape)
    except (IndexError, RuntimeError):
        real = None
    mine_key = [Shape(*v) if k == "t" else v for k, v in items]
    try:
        mine = ops.index(Shape(*dims), mine_key)
    except ShapeError as err:
        assert real is None, (dims, items, real)
        assert err.finding.code == "CNL005"
        return
    if mine == Shape.unknown():
        return  # never a guess: several ellipses are not modelled
    assert real is not None and mine == Shape(*real), (dims, items, real, mine)


def test_lambda_layers_relative_position_lookup() -> None:
    assert ops.index(Shape(31, 31, 16), [Shape(256, 256), Shape(256, 256)]) == Shape(256, 256, 16)
    assert ops.index(Shape(5, 6, 7), [slice(None), Shape(2, 3), Shape(3)]) == Shape(5, 2, 3)
    assert ops.index(Shape(5, 6, 7), [Shape(2), slice(None), Shape(2)]) == Shape(2, 6)
    assert ops.index(Shape(5, 6, 7), [0, Shape(2), Shape(2)]) == Shape.unknown()  # an int beside them: unknown
