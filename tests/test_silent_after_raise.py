"""After an error whose output nothing fixes (a mismatched ``*``, a conv with an empty output) torch raises
and runs nothing more: the rest of that model stays silent (SPEC §3). Before, the failed operation's
unknown result broadcast with a known tensor into a partly known one, and a ``cat`` further on was
reported too (a second error torch never reaches). A Linear with the wrong ``in_features`` still outputs
``out_features``: an independent bug after it is still reported."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from conftest import reported

torch = pytest.importorskip("torch")

AFTER_AN_OP = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(8, 8, 3, 2, 1)
        self.merge = nn.Conv2d(8, 8, 3, 1, 1)

    def fuse(self, a, b):
        m = a * b  # error: CNL008
        return a + self.merge(m)

    def forward(self, x):
        half = F.interpolate(x, scale_factor=0.5)
        z = self.fuse(self.down(x), half)
        return torch.cat([z, half], 1)


net = M()
out = net(torch.randn(1, 8, 9, 9))
"""

AFTER_AN_EMPTY_OUTPUT = """
import torch
import torch.nn as nn


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.small = nn.Conv2d(4, 4, 5)  # error: CNL004
        self.skip = nn.Conv2d(4, 4, 1)

    def forward(self, x):
        y = self.small(x) + self.skip(x)
        return torch.cat([y, x[:, :, :1]], 1)


net = M()
out = net(torch.randn(1, 4, 3, 3))
"""

INDEPENDENT = """
import torch
import torch.nn as nn

net = nn.Sequential(
    nn.Flatten(),
    nn.Linear(10, 32),  # error: CNL001
    nn.ReLU(),
    nn.BatchNorm1d(16),  # error: CNL002
)
out = net(torch.randn(2, 3, 4))
"""


@pytest.mark.parametrize("source", [AFTER_AN_OP, AFTER_AN_EMPTY_OUTPUT], ids=["op", "empty-output"])
def test_nothing_is_reported_after_torch_raises(tmp_path: Path, source: str) -> None:
    path = tmp_path / "net.py"
    path.write_text(source)
    with pytest.raises(RuntimeError):
        runpy.run_path(str(path))
    expected = {(i, line.split("# error: ")[1]) for i, line in enumerate(source.splitlines(), 1) if "# error: " in line}
    assert reported(path) == expected


def test_an_independent_bug_after_a_fixed_output_is_still_reported(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    path.write_text(INDEPENDENT)
    fixed = INDEPENDENT.replace("nn.Linear(10, 32)", "nn.Linear(12, 32)")
    with pytest.raises(RuntimeError, match="running_mean should contain 32 elements not 16"):
        exec(compile(fixed, str(path), "exec"), {})  # with the first bug fixed, torch meets the second
    rows = {i: line.split("# error: ")[1] for i, line in enumerate(INDEPENDENT.splitlines(), 1) if "# error: " in line}
    assert reported(path) == set(rows.items())
