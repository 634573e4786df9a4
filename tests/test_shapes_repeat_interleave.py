"""``Tensor.repeat_interleave(repeats, dim)`` with an int count, against torch (meta device).

timm's mixed-mode RoPE lays its sin/cos tables out with ``x.repeat_interleave(2, -1)``:
unmodelled, every ``vit_*_rope_mixed`` model stopped there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import summary_model
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.shapes import ops
from cnnlint.shapes.dims import UNKNOWN, Shape
from cnnlint.shapes.spec import ShapeError

torch = pytest.importorskip("torch")


@settings(max_examples=400, deadline=None)
@given(
    dims=st.lists(st.integers(0, 5), min_size=0, max_size=4),
    repeats=st.integers(-1, 4),
    dim=st.one_of(st.none(), st.integers(-5, 4)),
)
def test_repeat_interleave_is_torchs(dims: list[int], repeats: int, dim: int | None) -> None:
    try:
        real = tuple(torch.empty(tuple(dims), device="meta").repeat_interleave(repeats, dim).shape)
    except (RuntimeError, IndexError):
        real = None
    try:
        mine = ops.repeat_interleave(Shape(*dims), repeats, dim)
    except (ShapeError, IndexError) as err:
        assert real is None, (dims, repeats, dim, real)
        assert not isinstance(err, ShapeError) or err.finding.code == "CNL005"
        return
    assert real is not None and mine == Shape(*real), (dims, repeats, dim, real, mine)


def test_an_unknown_leading_rank_keeps_what_is_certain() -> None:
    assert ops.repeat_interleave(Shape(3, 4, open=True), 2, -1) == Shape(3, 8, open=True)
    assert ops.repeat_interleave(Shape(3, 4, open=True), 2, 0) == Shape.unknown()
    assert ops.repeat_interleave(Shape(3, 4, open=True), 2) == Shape(UNKNOWN)


def test_repeat_interleave_in_forward_is_followed(tmp_path: Path) -> None:
    source = """import torch
import torch.nn as nn


class Rope(nn.Module):
    def __init__(self):
        super().__init__()
        self.freqs = nn.Parameter(torch.zeros(2, 4, 6) * torch.pi)
        self.fc = nn.Linear(12, 5)

    def forward(self, x):
        emb = torch.cat([self.freqs.sin().repeat_interleave(2, -1)], dim=-1)
        return self.fc(x * emb[0])


def build():
    return Rope()
"""
    path = tmp_path / "rope.py"
    path.write_text(source)
    env: dict = {}
    exec(compile(source, str(path), "exec"), env)  # noqa: S102 - the torch side of the oracle
    out = env["build"]()(torch.randn(3, 4, 12))
    model = summary_model(path, "Rope", "3,4,12")
    assert model["output_shape"] == list(out.shape)
    assert not [d for layer in model["layers"] for d in layer.get("diagnostics", [])]
