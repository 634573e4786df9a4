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


CHECKS = [
    ("Hashable", '"name"'),
    ("Hashable", "(1, 'a')"),
    ("Hashable", "[1]"),
    ("Hashable", "{'a': 1}"),
    ("Hashable", "([1], 2)"),
    ("Hashable", "nn.Linear(2, 2)"),
    ("Mapping", "{'a': 1}"),
    ("Mapping", "[1]"),
    ("Mapping", "nn.ModuleDict()"),
    ("Mapping", "'ab'"),
    ("enum.EnumMeta", "Color"),
    ("enum.EnumMeta", "{'red': 1}"),
    ("enum.EnumMeta", "Box"),
    ("enum.EnumMeta", "'red'"),
    ("np.ndarray", "(1, 2)"),
    ("np.ndarray", "np.zeros((2, 2))"),
    ("np.ndarray", "[1]"),
    ("(str, bytes)", "(1, 2)"),
    ("(str, bytes)", "'ab'"),
]


@pytest.mark.parametrize(("kind", "value"), CHECKS)
def test_isinstance_of_hashable_mapping_and_enummeta_is_pythons(tmp_path: Path, kind: str, value: str) -> None:
    """MONAI's ``look_up_option(name, supported)`` and ``ensure_tuple_rep`` ask these before they look a factory's
    name up or repeat a size."""
    source = (
        "import enum\nfrom collections.abc import Hashable, Mapping\n\nimport numpy as np\nimport torch\n"
        "from torch import nn\n\n\n"
        "class Color(enum.Enum):\n    RED = 1\n\n\nclass Box:\n    pass\n\n\n"
        f"net = nn.Sequential(nn.Linear(2 if isinstance({value}, {kind}) else 3, 1))\n"
    )
    path = tmp_path / "net.py"
    path.write_text(source)
    net = runpy.run_path(str(path))["net"]
    (model,) = run_cli("summary", "--output-format", "json", "--input", "net=1,2", str(path)).json()["models"]
    assert model["total_params"] == sum(p.numel() for p in net.parameters())


@pytest.mark.parametrize(
    ("value", "name"),
    [("(1, 2)", "ndim"), ("(1, 2)", "count"), ("[1]", "append"), ("{}", "keys"), ("3", "real"), ("'a'", "ndim")],
)
def test_hasattr_of_a_plain_value_is_pythons(tmp_path: Path, value: str, name: str) -> None:
    path = tmp_path / "net.py"
    path.write_text(
        f"from torch import nn\n\nnet = nn.Sequential(nn.Linear(2 if hasattr({value}, {name!r}) else 3, 1))\n"
    )
    net = runpy.run_path(str(path))["net"]
    (model,) = run_cli("summary", "--output-format", "json", "--input", "net=1,2", str(path)).json()["models"]
    assert model["total_params"] == sum(p.numel() for p in net.parameters())


IDIOMS = """
import enum
import inspect

import torch
from torch import nn


class Mode(str, enum.Enum):
    DECONV = "deconv"
    PIXEL = "pixelshuffle"
    ALIAS = "deconv"


def has_option(obj, key):
    return callable(obj) and key in inspect.signature(obj).parameters


class Box:
    def __init__(self, size, *rest, scale=1.0):
        self.size = size


def build(name=("instance", {{"affine": True}})):
    if name == "":
        return nn.Identity()
    return nn.InstanceNorm3d(8, **name[1])


values = [item.value for item in Mode]
net = nn.Sequential(
    nn.Conv3d(1, 8, 3),
    build(),
    nn.Flatten(),
    nn.Linear(64, len(values) if has_option({layer}, {key!r}) else 7),
)
"""


@pytest.mark.parametrize(
    ("layer", "key"),
    [
        ("nn.BatchNorm3d", "num_features"),
        ("nn.ReLU", "num_features"),
        ("has_option", "key"),
        ("Box", "size"),
        ("Box", "self"),
        ("Box", "scale"),
    ],
)
def test_enum_iteration_signatures_and_tuple_comparisons_are_pythons(tmp_path: Path, layer: str, key: str) -> None:
    """MONAI's ``look_up_option`` iterates an Enum class; ``has_option`` reads ``inspect.signature``; its
    ``get_norm_layer`` compares a ``(name, args)`` tuple with ``""``."""
    path = tmp_path / "net.py"
    path.write_text(IDIOMS.format(layer=layer, key=key))
    net = runpy.run_path(str(path))["net"]
    (model,) = run_cli("summary", "--output-format", "json", "--input", "net=2,1,4,4,4", str(path)).json()["models"]
    assert model["total_params"] == sum(p.numel() for p in net.parameters())
    assert model["output_shape"] == list(net(torch.randn(2, 1, 4, 4, 4)).shape)
