"""``F.affine_grid(theta, size)``: the sampling grid of a spatial transformer (torchreid's HACNN), against
torch: the shape torch gives, and unknown (never an error) for what torch refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import summary_model
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.interpret.sampling import affine_grid
from cnnlint.interpret.values import ListVal, TensorVal
from cnnlint.shapes.dims import Shape

torch = pytest.importorskip("torch")


@settings(max_examples=200, deadline=None)
@given(
    spatial=st.sampled_from([2, 3]),
    batch=st.integers(1, 3),
    theta_batch=st.integers(1, 3),
    rows=st.integers(2, 4),
    cols=st.integers(3, 4),
    sizes=st.lists(st.integers(1, 6), min_size=4, max_size=4),
    as_list=st.booleans(),
)
def test_the_grid_is_torchs(spatial, batch, theta_batch, rows, cols, sizes, as_list) -> None:
    size = (batch, *sizes[: spatial + 1])
    try:
        with torch.device("meta"):
            expected = tuple(torch.nn.functional.affine_grid(torch.empty(theta_batch, rows, cols), size, False).shape)
    except (RuntimeError, ValueError):  # torch refuses the pairing
        expected = None
    given_size = ListVal(list(size)) if as_list else size
    got = affine_grid([TensorVal(Shape(theta_batch, rows, cols)), given_size], {"align_corners": False})
    assert (tuple(got.shape.dims) if not got.shape.open else None) == expected


def test_a_symbolic_batch_is_kept() -> None:
    got = affine_grid([TensorVal(Shape("B", 2, 3)), ("B", 3, 8, 8)], {})
    assert tuple(got.shape.dims) == ("B", 8, 8, 2)


STN = """
import torch
import torch.nn.functional as F
from torch import nn


class STN(nn.Module):
    def __init__(self):
        super().__init__()
        self.loc = nn.Linear(3 * 16 * 16, 6)
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        theta = self.loc(x.flatten(1)).view(-1, 2, 3)
        grid = F.affine_grid(theta, x.size(), align_corners=False)
        return self.conv(F.grid_sample(x, grid, align_corners=False))
"""


def test_a_spatial_transformer_is_followed(tmp_path: Path) -> None:
    path = tmp_path / "stn.py"
    path.write_text(STN)
    namespace: dict = {}
    exec(compile(STN, str(path), "exec"), namespace)
    with torch.device("meta"):
        expected = list(namespace["STN"]()(torch.empty(2, 3, 16, 16)).shape)
    assert summary_model(path, "STN", "2,3,16,16")["output_shape"] == expected
