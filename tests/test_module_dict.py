"""``models.__dict__[args.arch]()``: pytorch/examples' ImageNet script picks its torchvision model by name from
the package's namespace. Each key is read as ``getattr(models, key)``. The truth: torch running the script."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from conftest import findings, script_and_check

SCRIPT = """
import argparse

import torch
import torch.nn as nn
import torchvision.models as models

model_names = sorted(
    name for name in models.__dict__ if name.islower() and not name.startswith("__") and callable(models.__dict__[name])
)
parser = argparse.ArgumentParser()
parser.add_argument("-a", "--arch", default="{arch}", choices=model_names)
args = parser.parse_args()
model = models.__dict__[args.arch](weights=None)
model.fc = nn.Linear({features}, 10)
out = model(torch.randn(2, 3, 224, 224))
"""


@pytest.fixture(autouse=True)
def _torchvision_importable():
    # torchvision's compiled extension is a CUDA build that fails beside the CPU torch; these models use none
    # of its ops (see test_torchvision.py).
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))


@pytest.mark.parametrize(("arch", "features", "wrong"), [("resnet18", 512, False), ("resnet50", 512, True)])
def test_a_model_picked_from_the_packages_namespace(tmp_path: Path, arch: str, features: int, wrong: bool) -> None:
    path = tmp_path / "main.py"
    path.write_text(SCRIPT.format(arch=arch, features=features))
    error, got = script_and_check(path)
    if not wrong:
        assert error is None and got == []
    else:
        assert error is not None and "cannot be multiplied (2x2048 and 512x10)" in error
        assert got == [(15, "CNL001")]  # ``model.fc = nn.Linear(512, 10)``


def test_a_key_not_known_is_unknown(tmp_path: Path) -> None:
    path = tmp_path / "main.py"
    source = SCRIPT.format(arch="resnet50", features=512).replace("[args.arch]", "[args.arch.upper()]")
    path.write_text(source)
    assert [code for _, code, _ in findings(path) if code != "CNL100"] == []
