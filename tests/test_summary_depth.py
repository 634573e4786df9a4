"""`cnnlint summary --depth N`: the module tree cut at a depth, totals whole (torchinfo's `depth`)."""

from __future__ import annotations

import json
import textwrap

from conftest import run_cli

MODEL = textwrap.dedent(
    """\
    import torch.nn as nn


    class Block(nn.Module):
        def __init__(self, c=8):
            super().__init__()
            self.conv = nn.Conv2d(c, c, 3, padding=1)
            self.bn = nn.BatchNorm2d(c)

        def forward(self, x):
            return x + self.bn(self.conv(x))


    # cnnlint: input=(1, 3, 16, 16)
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(3, 8, 3, padding=1)
            self.blocks = nn.Sequential(Block(), Block())
            self.head = nn.Linear(8, 2)

        def forward(self, x):
            x = self.blocks(self.stem(x))
            return self.head(x.mean((2, 3)))
    """
)


def _models(tmp_path, *extra):
    path = tmp_path / "net.py"
    path.write_text(MODEL)
    result = run_cli("summary", "--output-format", "json", *extra, str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    return json.loads(result.stdout)["models"]


def test_depth_cuts_the_tree_and_keeps_the_totals(tmp_path):
    (full,) = [m for m in _models(tmp_path) if m["name"] == "Net"]
    (top,) = [m for m in _models(tmp_path, "--depth", "1") if m["name"] == "Net"]
    assert len(top["layers"]) < len(full["layers"])
    assert [layer["type"] for layer in top["layers"]] == ["Conv2d", "Sequential", "Linear"]
    assert top["total_params"] == full["total_params"] == (3 * 8 * 9 + 8) + 2 * (8 * 8 * 9 + 8 + 16) + (8 * 2 + 2)
    assert top["total_macs"] == full["total_macs"]
    assert full["output_shape"] == [1, 2]


def test_depth_must_be_positive(tmp_path):
    path = tmp_path / "net.py"
    path.write_text(MODEL)
    assert run_cli("summary", "--depth", "0", str(path)).exit_code == 2
