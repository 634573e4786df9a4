"""Eager-mode quantization modules in a float model (QAT code, torchvision's quantizable models), as torch runs
them before ``convert``: ``QuantStub``/``DeQuantStub`` pass through, ``FloatFunctional``'s methods are torch ops.
Also ``model._modules[name] = layer`` and ``type(m) is nn.ReLU``, which the same code uses to swap layers."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import reported, summary_model, torch_built

torch = pytest.importorskip("torch")

MODEL = """
import torch
from torch import nn
from torch.ao.quantization import DeQuantStub, QuantStub


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.relu = nn.ReLU6()
        self.skip = nn.quantized.FloatFunctional()
        self.ops = torch.ao.nn.quantized.FloatFunctional()

    def forward(self, x):
        y = self.relu(self.conv(x))
        {op}
        return y


def _swap_relu(module):
    swaps = {{}}
    for name, child in module.named_children():
        _swap_relu(child)
        if type(child) is nn.ReLU or type(child) is nn.ReLU6:
            swaps[name] = {replacement}
    for key, value in swaps.items():
        module._modules[key] = value


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = QuantStub()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.block = Block(8)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear({width}, 10)
        self.dequant = torch.quantization.DeQuantStub()
        _swap_relu(self)

    def forward(self, x):
        x = self.quant(x)
        x = self.block(self.stem(x))
        x = self.fc(torch.flatten(self.pool(x), 1))
        return self.dequant(x)
"""

OPS = [
    "y = self.skip.add(y, x)",
    "y = self.skip.add_relu(x, y)",
    "y = self.ops.mul(y, x)",
    "y = self.ops.add_scalar(y, 1.0)",
    "y = self.ops.mul_scalar(y, 0.5)",
    "y = self.ops.cat([y, x], dim=1)",
    "y = self.ops.matmul(y, x.transpose(2, 3))",
]


def _source(op: str, replacement: str = "nn.ReLU(inplace=False)") -> str:
    width = 16 if "cat" in op else 8
    return MODEL.format(op=op, replacement=replacement, width=width)


@pytest.mark.parametrize("op", OPS)
def test_quantization_modules_are_torchs(tmp_path: Path, op: str) -> None:
    path = tmp_path / "qat.py"
    shape, params = torch_built(_source(op), path, "Net", (2, 3, 8, 8))
    model = summary_model(path, "Net", "2,3,8,8")
    assert not model["partial"], model["stopped_at_row"]
    assert (model["output_shape"], model["total_params"]) == (shape, params)
    assert reported(path, "--input", "Net=2,3,8,8") == set()


def test_a_float_functional_add_that_cannot_broadcast_is_reported_where_torch_raises(tmp_path: Path) -> None:
    source = _source("y = self.skip.add(y, x[:, :3])")
    path = tmp_path / "qat.py"
    with pytest.raises(RuntimeError):
        torch_built(source, path, "Net", (2, 3, 8, 8))
    row = next(i for i, line in enumerate(source.splitlines(), 1) if "self.skip.add(" in line)
    assert reported(path, "--input", "Net=2,3,8,8") == {(row, "CNL008")}


def test_a_layer_swapped_through_modules_is_the_one_forward_runs(tmp_path: Path) -> None:
    """``module._modules[name] = nn.Conv2d(8, 4, 1)``: the conv replaces the ReLU6, as in torch."""
    source = _source("y = self.skip.add(y, x)", replacement="nn.Conv2d(8, 8, 1)")
    path = tmp_path / "qat.py"
    shape, params = torch_built(source, path, "Net", (2, 3, 8, 8))
    model = summary_model(path, "Net", "2,3,8,8")
    assert (model["output_shape"], model["total_params"]) == (shape, params)
    # and a swap that breaks the channels is the error torch raises
    broken = _source("y = self.skip.add(y, x)", replacement="nn.Conv2d(8, 4, 1)")
    with pytest.raises(RuntimeError):
        torch_built(broken, path, "Net", (2, 3, 8, 8))
    assert any(code == "CNL008" for _, code in reported(path, "--input", "Net=2,3,8,8"))
