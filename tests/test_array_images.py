"""Images read with OpenCV and transformed with albumentations in a project's own Dataset
(``cnnlint/interpret/array_images.py``): the batch is known where the pipeline fixes the size and ends in a
float tensor. The truth is the same script run by torch, OpenCV and albumentations over real files."""

from __future__ import annotations

import importlib.util
import runpy
from pathlib import Path

import pytest
from conftest import run_cli

torch = pytest.importorskip("torch")
if importlib.util.find_spec("cv2") is None or importlib.util.find_spec("albumentations") is None:
    pytest.skip("OpenCV and albumentations are not installed", allow_module_level=True)

SCRIPT = """
import os

import albumentations as A
import cv2
import torch
from albumentations.pytorch import ToTensorV2
from torch import nn
from torch.utils.data import DataLoader, Dataset


class Photos(Dataset):
    def __init__(self, root, transform=None):
        self.paths = [os.path.join(root, name) for name in sorted(os.listdir(root))]
        self.transform = transform

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, idx):
        {read}
        if self.transform is not None:
            image = self.transform(image=image)["image"]
        return image, idx


net = nn.Sequential(nn.Identity())
for images, labels in DataLoader(Photos({root!r}, transform={transform}), batch_size=2):
    out = net(images)
    break
"""
RGB = "image = cv2.cvtColor(cv2.imread(self.paths[idx]), cv2.COLOR_BGR2RGB)"
GRAY = "image = cv2.imread(self.paths[idx], cv2.IMREAD_GRAYSCALE)"
KNOWN = [
    (RGB, "A.Compose([A.Resize(40, 30), A.Normalize(), ToTensorV2()])"),
    (RGB, "A.Compose([A.RandomResizedCrop(size=(24, 24)), A.HorizontalFlip(p=0.5), A.Normalize(), ToTensorV2()])"),
    (
        RGB,
        "A.Compose([A.Resize(48, 48), A.CenterCrop(32, 20), A.RandomBrightnessContrast(), A.ToFloat(), ToTensorV2()])",
    ),
    ("image = cv2.resize(cv2.imread(self.paths[idx]), (36, 28))", "A.Compose([A.Normalize(), ToTensorV2()])"),
    (GRAY, "A.Compose([A.Resize(32, 32), A.Normalize(mean=(0.5,), std=(0.5,)), ToTensorV2()])"),
]
UNKNOWN = [
    (RGB, "A.Compose([A.Resize(40, 30), ToTensorV2()])"),  # uint8: the model would refuse it
    (RGB, "A.Compose([A.Resize(40, 30, p=0.5), A.Normalize(), ToTensorV2()])"),  # not always resized
    (RGB, "A.Compose([A.LongestMaxSize(40), A.Normalize(), ToTensorV2()])"),  # the files' own aspect
    (
        "image = cv2.imread(self.paths[idx], cv2.IMREAD_UNCHANGED)",
        "A.Compose([A.Resize(8, 8), A.Normalize(), ToTensorV2()])",
    ),
]


def _photos(root: Path) -> None:
    import cv2
    import numpy as np

    root.mkdir()
    for i, (height, width) in enumerate([(64, 48), (50, 70), (33, 33)]):
        cv2.imwrite(str(root / f"{i}.png"), np.full((height, width, 3), 40 * i, dtype=np.uint8))


def _model(path: Path) -> dict:
    (model,) = run_cli("summary", "--output-format", "json", str(path)).json()["models"]
    return model


@pytest.mark.parametrize(("read", "transform"), KNOWN)
def test_an_opencv_albumentations_dataset_gives_torchs_batch(tmp_path: Path, read: str, transform: str) -> None:
    _photos(tmp_path / "photos")
    path = tmp_path / "train.py"
    path.write_text(SCRIPT.format(read=read, transform=transform, root=str(tmp_path / "photos")))
    truth = list(runpy.run_path(str(path))["images"].shape)
    model = _model(path)
    assert (model["input_shape"], model["input_source"]) == (truth, "inferred")


@pytest.mark.parametrize(("read", "transform"), UNKNOWN)
def test_a_batch_albumentations_may_not_fix_is_not_guessed(tmp_path: Path, read: str, transform: str) -> None:
    _photos(tmp_path / "photos")
    path = tmp_path / "train.py"
    path.write_text(SCRIPT.format(read=read, transform=transform, root=str(tmp_path / "photos")))
    assert _model(path)["input_source"] != "inferred"
