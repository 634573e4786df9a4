"""``x.view(...)`` of a symbolic batch, against torch for several batch sizes.

A view with ``-1`` over a symbolic batch gives a composite dim (``64*B``: Swin's
and DaViT's windows). Whatever cnnlint answers must hold for every batch: a
known dim is torch's, a composite ``k*B`` is ``k`` times the batch, and an error
is raised only where torch raises for every batch. Two views in a row, so that
the second reads a composite dim.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.shapes.dims import UNKNOWN, Shape
from cnnlint.shapes.spec import ShapeError
from cnnlint.shapes.tensor_ops import RESHAPE, factors

torch = pytest.importorskip("torch")
BATCHES = (1, 2, 3, 6)

SIZES = st.lists(st.integers(1, 6), min_size=1, max_size=4)
TARGET = st.tuples(st.sampled_from(["-1", "B", "int"]), st.lists(st.integers(1, 8), min_size=1, max_size=4))


def _target(first: str, rest: list[int], shape: Shape) -> tuple:
    head = {"-1": -1, "B": "B"}.get(first, rest[0])
    return (head, *rest[1:]) if first == "int" else (head, *rest)


def _value(d: object, batch: int) -> object:
    if isinstance(d, str):
        coefficient, names = factors(d)
        return coefficient * batch ** len(names)
    return d


def _torch_view(dims: tuple | None, target: tuple, batch: int) -> tuple | None:
    if dims is None:
        return None  # torch raised at an earlier view
    x = torch.empty(*dims, device="meta")
    try:
        return tuple(x.view(*[_value(t, batch) for t in target]).shape)
    except RuntimeError:
        return None


def _cnnlint_view(shape: Shape, target: tuple) -> Shape | None:
    try:
        return RESHAPE.infer({"shape": target, "method": "view"}, shape)
    except ShapeError:
        return None


@settings(max_examples=300, deadline=None)
@given(sizes=SIZES, first=TARGET, second=TARGET)
def test_views_of_a_symbolic_batch_hold_for_every_batch(sizes: list[int], first: tuple, second: tuple) -> None:
    shape = Shape("B", *sizes)
    before: dict[int, tuple | None] = {b: (b, *sizes) for b in BATCHES}  # torch's shape, batch by batch
    for step in (first, second):
        target = _target(*step, shape)
        mine = _cnnlint_view(shape, target)
        real = {b: _torch_view(before[b], target, b) for b in BATCHES}
        if mine is None:  # an error: torch raises whatever the batch is
            assert all(r is None for r in real.values()), (shape, target, real)
            return
        if mine.rank is None:
            return  # unknown: nothing claimed
        for batch, dims in real.items():
            if dims is None:
                continue  # torch raises for this batch only: a symbolic answer may not say so
            assert len(dims) == mine.rank, (shape, target, mine, batch, dims)
            for d, t in zip(mine.dims, dims):
                assert d is UNKNOWN or _value(d, batch) == t, (shape, target, mine, batch, dims)
        shape, before = mine, real


def test_windows_of_a_symbolic_batch_are_a_multiple_of_it() -> None:
    windows = RESHAPE.infer({"shape": (-1, 7, 7, 96), "method": "view"}, Shape("B", 8, 7, 8, 7, 96))
    assert windows == Shape("64*B", 7, 7, 96)
    back = RESHAPE.infer({"shape": (-1, 8, 8, 7, 7, 96), "method": "view"}, windows)
    assert back == Shape("B", 8, 8, 7, 7, 96)
    with pytest.raises(ShapeError):  # 64 * 49 * 96 elements per sample never fit 50 * 96
        RESHAPE.infer({"shape": ("B", 50, 96), "method": "view"}, windows)
