"""Branches of an unknown condition in forward, and parameters dropped after construction, against torch.

timm's LiteMLA computes its attention in both branches of ``if ... v.device.type != 'meta':`` (the
device is unknown to a static reading): its matmuls must count once. timm's LayerNorm2dNoBias sets
``self.bias = None`` after ``nn.LayerNorm.__init__``: torch drops the parameter.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from conftest import summary_model

torch = pytest.importorskip("torch")

SAME_WORK_EITHER_WAY = """
import torch
from torch import nn


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(16, 16)

    def _attn(self, q, k):
        return q @ (k.transpose(-1, -2) @ q)

    def forward(self, x):
        if not torch.jit.is_scripting() and x.device.type != "meta":
            with torch.autocast(device_type=x.device.type, enabled=False):
                out = self._attn(x, x)
        else:
            out = self._attn(x, x)
        return self.proj(out)
"""

OTHER_WORK_IN_EACH = """
import torch
from torch import nn


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(16, 16)
        self.b = nn.Linear(16, 16)

    def forward(self, x):
        if x.device.type == "cuda":
            return self.a(x) @ x.transpose(-1, -2)
        return self.b(x)
"""

NO_BIAS = """
import torch
from torch import nn


class LayerNorm2dNoBias(nn.LayerNorm):
    def __init__(self, num_channels):
        super().__init__(num_channels)
        self.bias = None

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = nn.functional.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3)
        self.conv.bias = None
        self.norm = LayerNorm2dNoBias(16)

    def forward(self, x):
        return self.norm(self.conv(x))
"""


def _torch(path: Path, dims: tuple[int, ...]) -> tuple[list[int], int, int]:
    from torch.utils.flop_counter import FlopCounterMode

    with torch.device("meta"):
        model = runpy.run_path(str(path))["Attention"]()
        with FlopCounterMode(display=False) as counter:
            out = model(torch.empty(*dims))
    return list(out.shape), sum(p.numel() for p in model.parameters()), counter.get_total_flops() // 2


@pytest.mark.parametrize(("source", "dims"), [(SAME_WORK_EITHER_WAY, (2, 8, 16)), (NO_BIAS, (2, 3, 10, 10))])
def test_summary_matches_torch(tmp_path: Path, source: str, dims: tuple[int, ...]) -> None:
    path = tmp_path / "attention.py"
    path.write_text(source)
    shape, params, macs = _torch(path, dims)
    model = summary_model(path, "Attention", ",".join(map(str, dims)))
    assert (model["output_shape"], model["total_params"], model["total_macs"]) == (shape, params, macs)


def test_branches_that_differ_leave_the_macs_unknown_not_summed(tmp_path: Path) -> None:
    """On the meta device torch takes the ``return self.b(x)`` branch; on CUDA the other: either count is one
    of two, never their sum."""
    path = tmp_path / "attention.py"
    path.write_text(OTHER_WORK_IN_EACH)
    _, _, macs_here = _torch(path, (2, 8, 16))
    model = summary_model(path, "Attention", "2,8,16")
    assert model["total_macs"] is None or model["total_macs"] == macs_here
