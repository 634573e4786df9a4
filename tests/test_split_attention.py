"""ResNeSt's split attention, against torch: ``sum(splits)`` of tensors (broadcasting ``+`` checked at the
``sum``) and ``torch.nn.modules.utils._pair`` for the convolution's padding."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings, summary_model, torch_built

torch = pytest.importorskip("torch")

SOURCE = """import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.modules.utils import _pair


class SplAt(nn.Module):
    def __init__(self, channels=16, radix=2, padding=1):
        super().__init__()
        padding = _pair(padding)
        self.radix = radix
        self.conv = nn.Conv2d(channels, channels * radix, 3, 1, padding)
        self.fc1 = nn.Conv2d(channels, 8, 1)
        self.fc2 = nn.Conv2d(8, channels * radix, 1)

    def forward(self, x):
        x = self.conv(x)
        batch, rchannel = x.shape[:2]
        splited = torch.split(x, rchannel // self.radix, dim=1)
        gap = sum(splited)
        gap = self.fc1(F.adaptive_avg_pool2d(gap, 1))
        atten = torch.softmax(self.fc2(gap).view(batch, self.radix, -1), dim=1).view(batch, -1, 1, 1)
        attens = torch.split(atten, rchannel // self.radix, dim=1)
        return sum([att * split for (att, split) in zip(attens, splited)])
"""


def test_split_attention_matches_torch(tmp_path: Path) -> None:
    path = tmp_path / "splat.py"
    shape, params = torch_built(SOURCE, path, "SplAt", (2, 16, 8, 8))
    model = summary_model(path, "SplAt", "2,16,8,8")
    assert model["output_shape"] == shape == [2, 16, 8, 8]
    assert model["total_params"] == params


def test_a_sum_of_tensors_that_do_not_broadcast_is_an_error_at_the_sum(tmp_path: Path) -> None:
    path = tmp_path / "splat.py"
    source = SOURCE.replace("gap = sum(splited)", "gap = sum(splited, torch.zeros(3, 1, 1))")
    with pytest.raises(RuntimeError):
        torch_built(source, path, "SplAt", (2, 16, 8, 8))
    assert [(row, code) for row, code, _ in findings(path, "--input", "SplAt=2,16,8,8")] == [(20, "CNL008")]
