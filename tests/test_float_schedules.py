"""Python floats known only to an interval, and dtype tests, in real model code (zoo3: vit-pytorch's CCT,
open_clip's towers): each model is followed to torch's output shape, and nothing is guessed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import summary_model, torch_built


def torch_on_cpu(source: str, path: Path, name: str, dims: tuple[int, ...]) -> tuple[list[int], int]:
    """``torch_built`` on the CPU: the code reads values back (``.item()``), which meta tensors do not have."""
    import torch

    path.write_text(source)
    namespace: dict = {}
    exec(compile(source, str(path), "exec"), namespace)
    net = namespace[name]()
    return list(net(torch.zeros(*dims)).shape), sum(p.numel() for p in net.parameters())


DROP_PATH = """
import torch
from torch import nn


class DropPath(nn.Module):
    def __init__(self, drop_prob=None):
        super().__init__()
        self.drop_prob = float(drop_prob)

    def forward(self, x):
        keep_prob = 1 - self.drop_prob
        keep_mask = torch.zeros(x.shape[0], 1, 1).uniform_(0, 1) {compare} keep_prob
        return x.div(keep_prob) * keep_mask.float()


class Net(nn.Module):
    def __init__(self, depth={depth}, rate=0.1):
        super().__init__()
        dpr = [p.item() for p in torch.linspace(0, rate, depth)]
        self.blocks = nn.ModuleList([DropPath(r) for r in dpr])
        self.head = nn.Linear(16, 4)

    def forward(self, x):
        for blk in self.blocks:
            x = blk(x)
        return self.head(x)
"""


@pytest.mark.parametrize("compare", ["<", ">=", "=="])
@pytest.mark.parametrize("depth", [3, 5])
def test_a_drop_rate_from_linspace_masks_the_tensor(tmp_path: Path, compare: str, depth: int) -> None:
    """``torch.linspace(0, rate, n)[i].item()`` inside the range is a float known to a few ulps: ``1 - p`` is a
    float, ``mask < keep_prob`` a bool tensor of the mask's shape, ``x.div(keep_prob)`` x's shape."""
    source = DROP_PATH.format(compare=compare, depth=depth)
    shape, params = torch_on_cpu(source, tmp_path / "cct.py", "Net", (2, 8, 16))
    model = summary_model(tmp_path / "cct.py", "Net", "2,8,16")
    assert (model["output_shape"], model["total_params"]) == (shape, params)


UNKNOWN_OPERAND = """
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, scale=None):
        super().__init__()
        self.scale = scale
        self.head = nn.Linear(16, 4)

    def forward(self, x):
        return self.head(x * self.scale.value)
"""


def test_an_operand_that_may_be_a_tensor_still_stops(tmp_path: Path) -> None:
    """Only a float stands in for a float: an attribute of unknown value may be a tensor of any shape."""
    (tmp_path / "m.py").write_text(UNKNOWN_OPERAND)
    model = summary_model(tmp_path / "m.py", "Net", "2,8,16")
    assert model["output_shape"] is None or "?" in str(model["output_shape"])


TOWER = """
import torch
from torch import nn


class Tower(nn.Module):
    def __init__(self, width=32, cast_dtype={cast}):
        super().__init__()
        norm_layer = nn.Identity if cast_dtype {test} (torch.float16, torch.bfloat16) else nn.LayerNorm
        self.ln_pre = norm_layer(width)
        self.proj = nn.Linear(width, 8)

    def forward(self, x):
        return self.proj(self.ln_pre(x))
"""


@pytest.mark.parametrize("cast", ["None", "torch.float16", "torch.float32", "torch.bfloat16"])
@pytest.mark.parametrize("test", ["in", "not in"])
def test_a_dtype_tested_against_a_tuple_of_dtypes(tmp_path: Path, cast: str, test: str) -> None:
    """open_clip's ``cast_dtype in (torch.float16, torch.bfloat16)`` with ``cast_dtype=None``: decided as Python
    decides it, so the tower's norm layer (and its parameters) is the one torch builds."""
    source = TOWER.format(cast=cast, test=test)
    shape, params = torch_built(source, tmp_path / "tower.py", "Tower", (2, 10, 32))
    model = summary_model(tmp_path / "tower.py", "Tower", "2,10,32")
    assert (model["output_shape"], model["total_params"]) == (shape, params)
