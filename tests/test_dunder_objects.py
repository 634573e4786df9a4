"""``obj[key]`` and ``obj.name`` on an instance of a plain class of the checked code are answered by its own
``__getitem__`` / ``__getattr__``, as Python does: MONAI's layer factories (``Conv[Conv.CONV, 3]``) are read
through, and the layers they pick are followed. Against torch."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from conftest import expected_markers, reported, run_cli

torch = pytest.importorskip("torch")

FACTORY = """
import torch
from torch import nn


class LayerFactory:
    def __init__(self):
        self.components = {{}}

    def add(self, name, func):
        self.components[name.upper()] = func

    def __getitem__(self, args):
        if isinstance(args, str):
            name, args = args, ()
        else:
            name, *args = args
        return self.components[name.upper()](*args)

    def __getattr__(self, key):
        if key in self.components:
            return key
        return super().__getattribute__(key)


Conv = LayerFactory()
Conv.add("conv", lambda dim: (nn.Conv1d, nn.Conv2d, nn.Conv3d)[dim - 1])


class Block(nn.Module):
    def __init__(self, spatial_dims=3):
        super().__init__()
        self.conv = Conv[Conv.CONV, spatial_dims](1, 8, kernel_size=3, padding=1)
        self.norm = nn.BatchNorm3d({channels})  # error: CNL002

    def forward(self, x):
        return self.norm(self.conv(x))


print(Block()(torch.randn(1, 1, 8, 8, 8)).shape)
"""


def test_a_layer_factory_is_read_through_its_getitem_and_getattr(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    source = FACTORY.format(channels=4)
    path.write_text(source)
    with pytest.raises(RuntimeError):
        runpy.run_path(str(path))
    assert reported(path) == expected_markers(source)
    path.write_text(FACTORY.format(channels=8))
    runpy.run_path(str(path))
    assert reported(path) == set()
    (model,) = run_cli("summary", "--output-format", "json", str(path)).json()["models"]
    assert model["output_shape"] == [1, 8, 8, 8, 8]


def test_an_object_without_them_is_unknown_and_quiet(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    path.write_text(
        "import torch\nfrom torch import nn\n\n\nclass Box:\n    pass\n\n\nbox = Box()\n\n\n"
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc = nn.Linear(4, 2) if box.missing else nn.Linear(4, 2)\n\n"
        "    def forward(self, x):\n        return self.fc(x)\n"
    )
    assert reported(path) == set()
