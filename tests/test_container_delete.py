"""``del seq[i]`` / ``del seq[a:b]`` / ``del blocks[key]`` on torch's containers (pytorchcv's
``del backbone[-1]`` that drops a classifier's final pool before a segmentation head)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings, summary_model, torch_built

torch = pytest.importorskip("torch")

BACKBONE = """import torch.nn as nn


class Multi(nn.Sequential):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        outs = []
        for module in self._modules.values():
            x = module(x)
            outs.append(x)
        return [x] + outs


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = Multi()
        self.features.add_module("init", nn.Conv2d(3, 8, 3))
        for i in range(2):
            stage = nn.Sequential()
            stage.add_module("conv", nn.Conv2d(8, 8, 3))
            self.features.add_module("stage{}".format(i + 1), stage)
        self.features.add_module("pool", nn.AdaptiveAvgPool2d(1))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        backbone = Classifier().features
        del backbone[-1]
        self.backbone = backbone
        self.head = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        x = self.backbone(x)[0]
        return self.head(x)
"""

EDITED = """import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        seq = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Conv2d(8, 16, 3), nn.Conv2d(16, 16, 3), nn.Conv2d(16, 16, 3))
        del seq[1:3]
        del seq[0]
        seq.insert(0, nn.Conv2d(3, 16, 1))
        self.seq = seq
        layers = nn.ModuleList([nn.Linear(5, 5), nn.Linear(16, 7), nn.Linear(7, 3)])
        del layers[0]
        self.layers = layers
        heads = nn.ModuleDict({"a": nn.Linear(3, 9), "b": nn.Linear(3, 2)})
        del heads["b"]
        self.heads = heads

    def forward(self, x):
        x = self.seq[1](self.seq[0](x)).mean((2, 3))
        for layer in self.layers:
            x = layer(x)
        for head in self.heads.values():
            x = head(x)
        return x
"""


def test_a_deleted_final_pool_leaves_the_feature_map(tmp_path: Path) -> None:
    path = tmp_path / "backbone.py"
    shape, params = torch_built(BACKBONE, path, "Net", (2, 3, 16, 16))
    model = summary_model(path, "Net", "2,3,16,16")
    assert model["output_shape"] == shape == [2, 4, 10, 10]
    assert model["total_params"] == params


def test_deleted_items_slices_and_keys_match_torch(tmp_path: Path) -> None:
    path = tmp_path / "edited.py"
    shape, params = torch_built(EDITED, path, "Net", (2, 3, 12, 12))
    model = summary_model(path, "Net", "2,3,12,12")
    assert model["output_shape"] == shape == [2, 9]
    assert model["total_params"] == params


def test_deleting_a_layer_that_adapted_channels_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    source = EDITED.replace("del seq[1:3]", "del seq[2:4]")  # keeps Conv2d(8, 16) after the inserted 16 channels
    with pytest.raises(RuntimeError):
        torch_built(source, path, "Net", (2, 3, 12, 12))
    assert [code for _, code, _ in findings(path, "--input", "Net=2,3,12,12")] == ["CNL002"]


def test_a_delete_that_may_not_run_leaves_the_children_unknown(tmp_path: Path) -> None:
    path = tmp_path / "maybe.py"
    maybe = "        if len(str(self)) > 3:\n            del backbone[-1]\n"
    source = BACKBONE.replace("        del backbone[-1]\n", maybe)
    path.write_text(source)
    found = findings(path, "--input", "Net=2,3,16,16")
    assert found and all(code == "CNL100" for _, code, _ in found)


def test_an_index_torch_refuses_leaves_the_children_unknown(tmp_path: Path) -> None:
    path = tmp_path / "refused.py"
    source = BACKBONE.replace("del backbone[-1]", "del backbone[7]")
    with pytest.raises(IndexError):
        torch_built(source, path, "Net", (2, 3, 16, 16))
    found = findings(path, "--input", "Net=2,3,16,16")
    assert found and all(code == "CNL100" for _, code, _ in found)
