"""Models a script builds and feeds inside its functions (``def main(): model = ...; model(x)``): checked
under the name the function bound them to, at the input fed. Each program is run by torch first: it raises
where cnnlint reports the error, and the fixed program runs where cnnlint is quiet."""

from __future__ import annotations

import runpy
import sys
import types
from pathlib import Path

import pytest
from conftest import found_and_fixed, reported, run_cli

torch = pytest.importorskip("torch")

SEQUENTIAL_IN_MAIN = """
import torch
import torch.nn as nn


def main():
    model = nn.Sequential(
        nn.Conv2d(3, 16, 3),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(16 * {side} * {side}, 10),  # error: CNL001
    )
    x = torch.randn(8, 3, 28, 28)
    print(model(x).shape)


if __name__ == "__main__":
    main()
"""

TORCHVISION_IN_MAIN = """
import torch
import torch.nn as nn
import torchvision


def train(model, batches):
    criterion = nn.CrossEntropyLoss()
    for images, labels in batches:
        loss = criterion(model(images), labels)
        loss.backward()


def main():
    model = torchvision.models.resnet18(weights=None)
    model.fc = nn.Linear({features}, 10)  # error: CNL001
    batches = [(torch.randn(2, 3, 64, 64), torch.zeros(2, dtype=torch.long))]
    train(model, batches)


if __name__ == "__main__":
    main()
"""

TRAINER_ATTRIBUTE = """
import torch
import torch.nn as nn


class Trainer:
    def __init__(self, width):
        self.model = nn.Sequential(nn.Linear(20, width), nn.ReLU(), nn.Linear({features}, 2))  # error: CNL001

    def step(self, batch):
        return self.model(batch)


Trainer(64).step(torch.randn(4, 20))
"""

BUILT_IN_THE_LOOP = """
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


def make(widths):
    layers = []
    c = 3
    for w in widths:
        layers += [nn.Conv2d(c, w, 3, padding=1), nn.ReLU()]
        c = w
    layers.append(nn.Flatten())
    layers.append(nn.Linear(c * {side} * {side}, 10))  # error: CNL001
    return nn.Sequential(*layers)


loader = DataLoader(TensorDataset(torch.randn(4, 3, 32, 32)), batch_size=4)
for (images,) in loader:
    net = make([8, 16])  # a model built in the loop body: whole wherever the loop runs
    out = net(images)
"""

HELD_BY_A_LOSS = """
import torch
import torch.nn as nn


class Detector(nn.Module):
    def __init__(self, input_dim={features}):
        super().__init__()
        self.fc1 = nn.Linear(input_dim, 512)  # error: CNL001

    def forward(self, x):
        return self.fc1(x)


class RegularizedLoss(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model  # the network becomes the loss's submodule

    def forward(self, y_pred, y_true):
        return ((y_pred - y_true) ** 2).mean() + self.model.fc1.weight.norm()


network = Detector()
criterion = RegularizedLoss(network)
out = network(torch.randn(6, 32, 2048))
"""

CASES = [
    (SEQUENTIAL_IN_MAIN, {"side": 28}, {"side": 26}),
    (TORCHVISION_IN_MAIN, {"features": 2048}, {"features": 512}),
    (TRAINER_ATTRIBUTE, {"features": 32}, {"features": 64}),
    (BUILT_IN_THE_LOOP, {"side": 16}, {"side": 32}),
    (HELD_BY_A_LOSS, {"features": 4096}, {"features": 2048}),
]


def _run(path: Path) -> None:
    # torchvision's compiled extension is a CUDA build that fails to load beside the CPU torch; resnet18 uses
    # none of its ops.
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    runpy.run_path(str(path), run_name="__main__")


IDS = ["sequential", "torchvision", "trainer", "in-loop", "held"]


@pytest.mark.parametrize(("template", "wrong", "right"), CASES, ids=IDS)
def test_the_bug_is_found_and_the_fix_is_quiet(tmp_path: Path, template: str, wrong: dict, right: dict) -> None:
    found_and_fixed(tmp_path / "train.py", template, wrong, right, _run)


def _models(path: Path) -> list[tuple[str, int, list[int]]]:
    models = run_cli("summary", "--output-format", "json", str(path)).json()["models"]
    return [(m["name"], m["row"], m["output_shape"]) for m in models]


def test_each_model_is_named_as_its_function_binds_it(tmp_path: Path) -> None:
    path = tmp_path / "two.py"
    path.write_text(
        "import torch\nimport torch.nn as nn\n\n\n"
        "def small():\n    model = nn.Linear(4, 2)\n    model(torch.randn(3, 4))\n\n\n"
        "def big():\n    model = nn.Sequential(nn.Linear(8, 6))\n    model(torch.randn(5, 8))\n\n\n"
        "small()\nbig()\n"
    )
    assert _models(path) == [("model", 6, [3, 2]), ("model@11", 11, [5, 6])]


def test_an_instance_of_the_files_class_is_checked_as_that_class(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    path.write_text(
        "import torch\nimport torch.nn as nn\n\n\n"
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc = nn.Linear(4, 2)\n\n    def forward(self, x):\n        return self.fc(x)\n\n\n"
        "def main():\n    net = Net()\n    net(torch.randn(3, 4))\n\n\nmain()\n"
    )
    assert _models(path) == [("Net", 5, [3, 2])]


def test_a_model_built_but_never_fed_in_a_function_is_not_a_model(tmp_path: Path) -> None:
    path = tmp_path / "unfed.py"
    path.write_text(
        "import torch.nn as nn\nimport torchvision\n\n\n"
        "def main():\n    model = torchvision.models.resnet18(weights=None)\n    print(model)\n\n\nmain()\n"
    )
    assert _models(path) == []


def test_a_list_made_before_a_loop_of_unknown_length_is_unknown_after_it(tmp_path: Path) -> None:
    """Zero passes leave ``Linear(6, 6)``, one or more ``Linear(6, 12)``: which torch meets depends on EPOCHS."""
    path = tmp_path / "net.py"
    path.write_text(
        "import os\nimport torch\nimport torch.nn as nn\n\n"
        "layers = [nn.Linear(6, 6)]\n"
        "for _ in range(int(os.environ.get('EPOCHS', '0'))):\n"
        "    layers.pop()\n    layers.append(nn.Linear(6, 12))\n"
        "net = nn.Sequential(*layers, nn.Linear(6, 2))\nnet(torch.randn(2, 6))\n"
    )
    runpy.run_path(str(path))
    assert reported(path) == set()
