"""efficientnet_pytorch's idioms against torch: a ``torch.autograd.Function`` activation (``Swish.apply(x)``),
block arguments rebuilt with ``namedtuple._replace``, and a training script that imports the model (the
text pre-filter lets it through: it names torch)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings, summary_model

torch = pytest.importorskip("torch")

BLOCKS = """import collections

import torch
import torch.nn as nn

BlockArgs = collections.namedtuple("BlockArgs", ["repeats", "channels_in", "channels_out", "stride"])


class SwishImplementation(torch.autograd.Function):
    @staticmethod
    def forward(ctx, i):
        result = i * torch.sigmoid(i)
        ctx.save_for_backward(i)
        ctx.scale = 2
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (i,) = ctx.saved_tensors
        sigmoid_i = torch.sigmoid(i)
        return grad_output * (sigmoid_i * (1 + i * (1 - sigmoid_i)))


class MemoryEfficientSwish(nn.Module):
    def forward(self, x):
        return SwishImplementation.apply(x)


class Block(nn.Module):
    def __init__(self, args):
        super().__init__()
        self.conv = nn.Conv2d(args.channels_in, args.channels_out, 3, stride=args.stride, padding=1)
        self.act = MemoryEfficientSwish()

    def forward(self, x):
        return self.act(self.conv(x))


class Net(nn.Module):
    def __init__(self, blocks=(BlockArgs(2, 3, 8, 2), BlockArgs(3, 8, 16, 2))):
        super().__init__()
        self.blocks = nn.ModuleList([])
        for args in blocks:
            self.blocks.append(Block(args))
            args = args._replace(channels_in=args.channels_out, stride=1)
            for _ in range(args.repeats - 1):
                self.blocks.append(Block(args))
        self.fc = nn.Linear(16 * 4 * 4, 10)

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return self.fc(x.flatten(1))
"""

SCRIPT = """import torch
from blocks import Net

model = Net()
y = model(torch.randn(2, 3, 16, 16))
"""


def _torch() -> tuple[list[int], int]:
    namespace: dict = {}
    exec(compile(BLOCKS, "blocks.py", "exec"), namespace)
    net = namespace["Net"]()
    with torch.no_grad():
        return list(net(torch.randn(2, 3, 16, 16)).shape), sum(p.numel() for p in net.parameters())


def test_autograd_function_and_replace_match_torch(tmp_path: Path) -> None:
    path = tmp_path / "blocks.py"
    path.write_text(BLOCKS)
    shape, params = _torch()
    model = summary_model(path, "Net", "2,3,16,16")
    assert model["output_shape"] == shape == [2, 10]
    assert model["total_params"] == params
    assert [f for f in findings(path, "--input", "Net=2,3,16,16")] == []


def test_a_script_that_imports_the_model_is_checked(tmp_path: Path) -> None:
    (tmp_path / "blocks.py").write_text(BLOCKS.replace("nn.Linear(16 * 4 * 4, 10)", "nn.Linear(16 * 4, 10)"))
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    namespace: dict = {}
    exec(compile(BLOCKS.replace("nn.Linear(16 * 4 * 4, 10)", "nn.Linear(16 * 4, 10)"), "blocks.py", "exec"), namespace)
    with torch.no_grad(), pytest.raises(RuntimeError, match="256 and 64x10"):
        namespace["Net"]()(torch.randn(2, 3, 16, 16))
    # reported in the script, where the model is built (the Linear is written in the other file)
    assert [(row, code) for row, code, _ in findings(script)] == [(4, "CNL001")]
