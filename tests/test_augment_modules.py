"""torchvision's transforms used as modules inside a model (vit-pytorch's Dino, EsViT, LeJEPA: an augmentation
``nn.Sequential`` applied to the image batch). The truth is the same file run by torch and torchvision."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import pytest
from conftest import run_cli, summary_model

torch = pytest.importorskip("torch")
if importlib.util.find_spec("torchvision") is None:
    pytest.skip("torchvision is not installed", allow_module_level=True)
# torchvision's compiled extension is a CUDA build that fails to load beside the CPU torch (test_torchvision.py).
sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))

LEARNER = """
import torch
from torch import nn
from torchvision import transforms as T

augment = nn.Sequential({pipeline})


class Learner(nn.Module):
    def __init__(self):
        super().__init__()
        self.augment = augment
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv(self.augment(x))
"""

MEAN = "mean=torch.tensor([0.485, 0.456, 0.406]), std=torch.tensor([0.229, 0.224, 0.225])"
PIPELINES = [
    "T.RandomHorizontalFlip(), T.RandomVerticalFlip()",
    f"T.RandomApply(nn.ModuleList([T.ColorJitter(0.8, 0.8, 0.8, 0.2)]), p=0.3), T.Normalize({MEAN})",
    "T.RandomGrayscale(p=0.2), T.RandomApply([T.GaussianBlur((3, 3), (1.0, 2.0))], p=0.2)",
    "T.Resize((24, 20)), T.RandomHorizontalFlip()",
    "T.CenterCrop(16)",
    "T.RandomResizedCrop((28, 28)), T.Normalize((0.5, 0.5, 0.5), (0.2, 0.2, 0.2))",
]


def _torch_output(source: str, path: Path) -> list[int]:
    path.write_text(source)
    namespace: dict = {}
    exec(compile(source, str(path), "exec"), namespace)
    return list(namespace["Learner"]()(torch.rand(2, 3, 32, 32)).shape)


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_an_augmentation_pipeline_keeps_or_resizes_the_batch(tmp_path: Path, pipeline: str) -> None:
    source = LEARNER.format(pipeline=pipeline)
    expected = _torch_output(source, tmp_path / "learner.py")
    model = summary_model(tmp_path / "learner.py", "Learner", "2,3,32,32")
    assert model["output_shape"] == expected


def test_a_transform_that_may_change_the_image_is_not_guessed(tmp_path: Path) -> None:
    """``RandomApply([Resize(16)])`` resizes or not at random: the size after it is unknown, and nothing that
    depends on it is reported (torch runs this at p=0 and fails at p=1 only at the Linear)."""
    source = LEARNER.format(pipeline="T.RandomApply([T.Resize((16, 16))], p=0.5)").replace(
        "self.conv(self.augment(x))", "self.head(self.conv(self.augment(x)).flatten(1))"
    )
    source = source.replace(
        "self.conv = nn.Conv2d(3, 8, 3)",
        "self.conv = nn.Conv2d(3, 8, 3)\n        self.head = nn.Linear(8 * 30 * 30, 2)",
    )
    (tmp_path / "learner.py").write_text(source)
    result = run_cli("check", str(tmp_path / "learner.py"), "--input", "Learner=2,3,32,32", "--output-format", "json")
    assert [d["code"] for d in result.json() if d["severity"] != "info"] == []
