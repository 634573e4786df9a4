"""``Tensor.unfold(dimension, size, step)``: sliding windows along one dim, against torch (meta device).

Not ``F.unfold`` (im2col, ``test_shapes_fold.py``): timm's HaloAttn unfolds its
keys with it, and reading it as im2col was a false CNL006.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import summary_model
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.shapes import ops
from cnnlint.shapes.dims import Shape
from cnnlint.shapes.spec import ShapeError

torch = pytest.importorskip("torch")


@settings(max_examples=400, deadline=None)
@given(
    dims=st.lists(st.integers(0, 7), min_size=0, max_size=4),
    dimension=st.integers(-5, 4),
    size=st.integers(-1, 8),
    step=st.integers(-1, 4),
)
def test_unfold_dim_is_torchs(dims: list[int], dimension: int, size: int, step: int) -> None:
    try:
        real = tuple(torch.empty(tuple(dims), device="meta").unfold(dimension, size, step).shape)
    except (RuntimeError, IndexError):
        real = None
    try:
        mine = ops.unfold_dim(Shape(*dims), dimension, size, step)
    except ShapeError as err:
        assert real is None, (dims, dimension, size, step, real)
        assert err.finding.code == "CNL005"
        return
    assert real is not None and mine == Shape(*real), (dims, dimension, size, step, real, mine)


def test_unfold_in_forward_is_followed_not_read_as_im2col(tmp_path: Path) -> None:
    source = """import torch.nn as nn
import torch.nn.functional as F


class Halo(nn.Module):
    def __init__(self):
        super().__init__()
        self.kv = nn.Conv2d(8, 16, 1)
        self.fc = nn.Linear(16 * 2 * 6, 5)

    def forward(self, x):
        kv = F.pad(self.kv(x), [1, 1, 1, 1])
        kv = kv.unfold(2, 6, 4).unfold(3, 6, 4)
        return self.fc(kv.flatten(2).transpose(1, 2).reshape(x.size(0), -1, 16 * 2 * 6))


def build():
    return Halo()
"""
    path = tmp_path / "halo.py"
    path.write_text(source)
    env: dict = {}
    exec(compile(source, str(path), "exec"), env)  # noqa: S102 - the torch side of the oracle
    out = env["build"]()(torch.randn(2, 8, 8, 8))
    model = summary_model(path, "Halo", "2,8,8,8")
    assert model["output_shape"] == list(out.shape)
    assert not [d for layer in model["layers"] for d in layer.get("diagnostics", [])]
