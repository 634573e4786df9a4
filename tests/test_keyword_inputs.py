"""torch's first parameter given by name (``F.interpolate(input=x, ...)``, ``torch.cat(tensors=...)``), as
pytorchcv writes every functional call: followed as if positional, checked against torch."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings, summary_model, torch_built

torch = pytest.importorskip("torch")

SOURCE = """import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        x = F.interpolate(input=x, scale_factor=2, mode="bilinear", align_corners=True)
        x = F.relu(input=self.conv(x))
        x = F.max_pool2d(input=x, kernel_size=2)
        x = F.adaptive_avg_pool2d(input=x, output_size=1)
        x = torch.flatten(input=x, start_dim=1)
        x = F.dropout(input=x, p=0.5, training=self.training)
        return self.fc(torch.cat(tensors=[x, x], dim=1))
"""


def test_functional_calls_with_input_by_name_match_torch(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    shape, params = torch_built(SOURCE, path, "Net", (2, 3, 8, 8))
    model = summary_model(path, "Net", "2,3,8,8")
    assert model["output_shape"] == shape == [2, 4]
    assert model["total_params"] == params


def test_an_error_after_them_is_found(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    source = SOURCE.replace("nn.Linear(16, 4)", "nn.Linear(8, 4)")
    with pytest.raises(RuntimeError):
        torch_built(source, path, "Net", (2, 3, 8, 8))
    assert [(row, code) for row, code, _ in findings(path, "--input", "Net=2,3,8,8")] == [(10, "CNL001")]
