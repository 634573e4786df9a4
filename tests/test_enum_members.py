"""Enum members whose values are objects (torchvision's ``WeightsEnum``), read as Python reads them.

Each case builds ``nn.Linear(4, WIDTH)`` with WIDTH taken from an enum: the
width torch builds (Python running the same file) is the truth, and cnnlint's
summary must give the same output shape and parameter count.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from conftest import summary_model

torch = pytest.importorskip("torch")

SOURCE = """
from dataclasses import dataclass
from enum import Enum

import torch
from torch import nn


@dataclass
class Weights:
    url: str
    meta: dict


class WeightsEnum(Enum):
    @classmethod
    def verify(cls, obj):
        if obj is not None:
            if type(obj) is str:
                raise ValueError(obj)
            elif not isinstance(obj, cls):
                raise TypeError(f"expected {{cls.__name__}}, got {{obj}}")
        return obj

    @property
    def meta(self):
        return self.value.meta

    def widened(self, extra):
        return self.value.meta["width"] + extra


class NetWeights(WeightsEnum):
    V1 = Weights(url="https://example.invalid/v1.pth", meta={{"categories": ["a", "b", "c"], "width": 6}})
    V2 = Weights(url="https://example.invalid/v2.pth", meta={{"categories": ["a", "b"], "width": 10}})
    DEFAULT = V2


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, {width})

    def forward(self, x):
        return self.fc(x)
"""

WIDTHS = [
    'len(NetWeights.V1.meta["categories"])',  # a property of the enum's base class
    'NetWeights.DEFAULT.meta["width"]',  # an alias is the member it names
    'NetWeights.verify(NetWeights.V1).meta["width"]',  # a classmethod, isinstance and type() of a member
    "NetWeights.V1.widened(3)",  # a method bound to the member
    "NetWeights.V2.value.meta['width']",
    "len(NetWeights.V1.name) + 4",
    "16 if NetWeights.DEFAULT is NetWeights.V2 else 8",
    "16 if NetWeights.V1 == NetWeights.V2 else 8",
    "16 if isinstance(NetWeights.V1, WeightsEnum) else 8",
    "16 if type(NetWeights.V1) is NetWeights else 8",
]


@pytest.mark.parametrize("width", WIDTHS)
def test_enum_member_values_are_pythons(tmp_path: Path, width: str) -> None:
    path = tmp_path / "net.py"
    path.write_text(SOURCE.format(width=width))
    with torch.device("meta"):
        net = runpy.run_path(str(path))["Net"]()
        expected = list(net(torch.empty(2, 4)).shape), sum(p.numel() for p in net.parameters())
    model = summary_model(path, "Net", "2,4")
    assert (model["output_shape"], model["total_params"]) == expected


def test_verify_of_a_foreign_value_raises_and_is_unknown(tmp_path: Path) -> None:
    """``verify`` raises for what is no member: the width is unknown, never a guess and never an error."""
    path = tmp_path / "net.py"
    path.write_text(SOURCE.format(width='NetWeights.verify(Weights("u", {"width": 3})).meta["width"]'))
    with pytest.raises(TypeError):
        runpy.run_path(str(path))["Net"]()
    model = summary_model(path, "Net", "2,4")
    assert model["output_shape"] in (None, [2, None])
