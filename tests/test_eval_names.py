"""``eval(cfg.model)(cfg)``: a configuration names the model class by a string (corpus G #04, a nested U-Net
picked by ``model='NestedUNet'``). A string that is a name, or names joined by dots, is that name as the code
reads it; nothing is ever run. The truth: torch running the same script."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings, script_and_check

SCRIPT = """
import torch
from torch import nn


class Small(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, 8, 3)

    def forward(self, x):
        return self.conv(x)


class Large(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, 16, 3)
        self.head = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        return self.head(self.conv(x))


class Config:
    def __init__(self, model="{model}"):
        self.model = model
        self.channels = 3


cfg = Config()
net = eval({expression})(cfg.channels)
out = net(torch.randn(1, 3, 32, 32))
"""


@pytest.mark.parametrize(
    ("model", "expression", "error_row"),
    [
        ("Small", "cfg.model", None),
        ("Large", "cfg.model", 19),  # Large's head expects 8 channels, its conv gives 16
        ("Large", '" Large "', 19),  # eval strips the blanks around an expression
        ("nn.Identity", "cfg.model", None),  # a dotted name: the torch layer itself
    ],
)
def test_a_class_named_by_a_string_is_built(tmp_path: Path, model: str, expression: str, error_row: int | None) -> None:
    path = tmp_path / "train.py"
    path.write_text(SCRIPT.format(model=model, expression=expression))
    error, got = script_and_check(path)
    if error_row is None:
        assert error is None and got == []
    else:
        assert error is not None and "expected input[1, 16, 30, 30] to have 8 channels" in error
        assert got == [(error_row, "CNL002")]


@pytest.mark.parametrize(
    "expression",
    [
        '"Large(3)"',  # a call: never run, not even abstractly
        '"Large if True else Small"',
        "cfg.model + '_v2'",  # a name the code does not define
        "\"__import__('os')\"",
        "cfg.model, {}",  # globals given: unknown
    ],
)
def test_any_other_string_is_unknown(tmp_path: Path, expression: str) -> None:
    path = tmp_path / "train.py"
    path.write_text(SCRIPT.format(model="Large", expression=expression).replace("(cfg.channels)", ""))
    assert [code for _, code, _ in findings(path) if code not in ("CNL100",)] == []
