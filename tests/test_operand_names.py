"""A mismatched ``+`` names each shape with the operand written there (``out += self.shortcut(x)``), so the
message says which side to fix; torch raising at the same line is the truth."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from conftest import run_cli

torch = pytest.importorskip("torch")

BLOCK = """
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, c=16):
        super().__init__()
        self.conv = nn.Conv2d(c, c * 2, 3, stride=2, padding=1)
        self.shortcut = nn.Conv2d(c, c * 2, 1)
        self.pos = nn.Parameter(torch.zeros(1, c * 2, 8, 8))

    def forward(self, x):
        out = self.conv(x)
        {line}
        return out


y = Block()(torch.randn(2, 16, 32, 32))
"""


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("out += self.shortcut(x)", "cannot add out (2, 32, 16, 16) and self.shortcut(x) (2, 32, 32, 32): dim 3"),
        ("out = out * self.pos", "cannot multiply out (2, 32, 16, 16) and self.pos (1, 32, 8, 8): dim 3"),
        (  # an operand too long to quote: the shapes alone
            "out = out + self.shortcut(torch.nn.functional.interpolate(x, scale_factor=1.0, mode='nearest'))",
            "cannot add (2, 32, 16, 16) and (2, 32, 32, 32): dim 3",
        ),
    ],
)
def test_a_broadcast_error_names_its_operands(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "block.py"
    path.write_text(BLOCK.format(line=line))
    with pytest.raises(RuntimeError, match="must match"):
        runpy.run_path(str(path))
    (finding,) = run_cli("check", "--output-format", "json", str(path)).json()
    assert finding["code"] == "CNL008" and finding["location"]["row"] == 15
    assert finding["message"].startswith(message)
