"""Two branches that build different layers which do the same to any input's shape (``nn.Identity() if
use_abn else nn.ReLU()``, segmentation_models_pytorch's Conv2dReLU) join into one layer named for both;
anything else stays unknown. Against torch."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from conftest import reported, run_cli

from cnnlint.interpret.layer_join import KEEPS_SHAPE

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("name", sorted(KEEPS_SHAPE))
def test_each_layer_said_to_keep_the_shape_keeps_it_at_any_rank_and_holds_no_parameters(name: str) -> None:
    layer = getattr(torch.nn, name)()
    assert sum(p.numel() for p in layer.parameters()) == 0
    for dims in [(5,), (2, 5), (2, 3, 4), (2, 3, 4, 5), (1, 2, 3, 4, 5)]:
        assert tuple(layer(torch.randn(*dims)).shape) == dims


OPTIONAL_IMPORT = """
import torch
from torch import nn

try:
    from inplace_abn import InPlaceABN
except ImportError:
    InPlaceABN = None


class ConvReLU(nn.Sequential):
    def __init__(self, cin, cout):
        norm = nn.BatchNorm2d(cout)
        is_abn = InPlaceABN is not None and isinstance(norm, InPlaceABN)
        act = nn.Identity() if is_abn else {act}
        super().__init__(nn.Conv2d(cin, cout, 3, padding=1), norm, act)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = ConvReLU(3, 8)
        self.head = nn.Linear(8 * 32 * 32, 10)
        self.{probe}

    def forward(self, x):
        return self.head(self.block(x).flatten(1))


net = Net()
print(net(torch.randn(1, 3, 32, 32)).shape)
"""


def _model(path: Path) -> dict:
    (model,) = [m for m in run_cli("summary", "--output-format", "json", str(path)).json()["models"]]
    return model


def test_a_layer_chosen_by_an_optional_import_is_followed_as_either(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    path.write_text(OPTIONAL_IMPORT.format(act="nn.ReLU(inplace=True)", probe="kind = None"))
    built = runpy.run_path(str(path))["net"]
    model = _model(path)
    assert model["output_shape"] == [1, 10] and not model["partial"]
    assert model["total_params"] == sum(p.numel() for p in built.parameters())
    assert "Identity or ReLU" in run_cli("summary", str(path)).stdout
    assert reported(path) == set()


def test_its_type_is_not_guessed(tmp_path: Path) -> None:
    """``type(m) is nn.ReLU`` may be True or False: what is built on it is not certain."""
    path = tmp_path / "net.py"
    probe = "head = nn.Linear(8 * 32 * 32, 10) if type(self.block[2]) is nn.ReLU else nn.Linear(8 * 32 * 32, 11)"
    path.write_text(OPTIONAL_IMPORT.format(act="nn.ReLU(inplace=True)", probe=probe))
    assert runpy.run_path(str(path))["net"].head.out_features == 10  # torch built the ReLU
    assert _model(path)["output_shape"] in (None, [1, None])  # 10 or 11: cnnlint does not pick
    assert reported(path) == set()


def test_layers_that_act_differently_stay_unknown(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    path.write_text(OPTIONAL_IMPORT.format(act="nn.Conv2d(8, 8, 3, padding=1)", probe="kind = None"))
    runpy.run_path(str(path))
    assert _model(path)["partial"]
    assert reported(path) == set()
