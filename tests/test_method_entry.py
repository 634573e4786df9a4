"""A model the code runs only through another of its methods (``net.calculate_serfiq(x)``, ``vae.encode(x)``),
or calls with other models before its input (``criterion(net, fc, x, y)``), is followed through that method or
forward, at the tensor and arguments the code passes it. Each program is run by torch
first: it raises where cnnlint reports the error, and the fixed program runs where cnnlint is quiet."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from conftest import found_and_fixed, run_cli

torch = pytest.importorskip("torch")

EMBEDDING_METHOD = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2), nn.ReLU(), nn.Flatten())
        self.fc = nn.Linear(8 * {side} * {side}, 16)  # error: CNL001

    def embed(self, x):
        return self.fc(self.features(x))


net = Net()
print(net.embed(torch.randn(2, 3, 65, 65)).shape)
"""

KEYWORD_ARGUMENTS = """
import torch
import torch.nn as nn


class Scorer(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4 * {side} * {side}, 1)  # error: CNL001

    def forward(self, x):
        return self.fc(self.conv(x).flatten(1))

    def score(self, image, repeats=100, scale=1.0):
        batch = image.repeat(repeats, 1, 1, 1)
        return self.fc(self.conv(batch).flatten(1)) * scale


def main():
    scorer = Scorer()
    scorer.eval()
    with torch.no_grad():
        print(scorer.score(torch.randn(1, 3, 16, 16), repeats=3, scale=0.5).shape)


main()
"""

ENCODER_IN_A_FUNCTION = """
import torch
import torch.nn as nn


class VAE(nn.Module):
    def __init__(self, latent=8):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(1, 4, 4, stride=2, padding=1), nn.ReLU(), nn.Flatten())
        self.mu = nn.Linear(4 * {side} * {side}, latent)  # error: CNL001
        self.dec = nn.Linear(latent, 28 * 28)

    def encode(self, x):
        return self.mu(self.enc(x))

    def decode(self, z):
        return self.dec(z).view(-1, 1, 28, 28)


def sample(model, images):
    z = model.encode(images)
    return model.decode(z)


model = VAE()
print(sample(model, torch.randn(5, 1, 28, 28)).shape)
"""

MODELS_PASSED_IN = """
import torch
import torch.nn as nn


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 5)
        self.fc = nn.Linear(6 * 28 * 28, {features})

    def forward(self, x):
        return self.fc(torch.flatten(self.conv(x), 1))


class Head(nn.Module):
    def __init__(self, features, classes):
        super().__init__()
        self.fc = nn.Linear(features, classes)  # error: CNL001

    def forward(self, x):
        return self.fc(x)


class AugmentedLoss(nn.Module):
    def __init__(self):
        super().__init__()
        self.ce = nn.CrossEntropyLoss()

    def forward(self, model, head, x, target):
        y = head(model(x))
        return self.ce(y, target), y


net = Backbone()
head = Head(84, 10)
criterion = AugmentedLoss()
x, target = torch.randn(4, 3, 32, 32), torch.randint(0, 10, (4,))
loss, out = criterion(net, head, x, target)
"""

CASES = [
    (EMBEDDING_METHOD, {"side": 31}, {"side": 32}),
    (KEYWORD_ARGUMENTS, {"side": 32}, {"side": 16}),
    (ENCODER_IN_A_FUNCTION, {"side": 7}, {"side": 14}),
    (MODELS_PASSED_IN, {"features": 10}, {"features": 84}),
]
IDS = ["method", "keywords", "in-a-function", "models-passed-in"]


@pytest.mark.parametrize(("template", "wrong", "right"), CASES, ids=IDS)
def test_the_bug_is_found_and_the_fix_is_quiet(tmp_path: Path, template: str, wrong: dict, right: dict) -> None:
    found_and_fixed(tmp_path / "run.py", template, wrong, right)


def _model(path: Path) -> dict:
    (model,) = run_cli("summary", "--output-format", "json", str(path)).json()["models"]
    return model


def test_the_summary_follows_the_method_at_the_arguments_given(tmp_path: Path) -> None:
    path = tmp_path / "run.py"
    path.write_text(KEYWORD_ARGUMENTS.format(side=16))
    model = _model(path)
    assert model["input_shape"] == [1, 3, 16, 16]
    assert model["output_shape"] == [3, 1]  # repeats=3 as the call passes it, not the default 100


def test_the_forward_the_code_calls_wins_over_another_method(tmp_path: Path) -> None:
    path = tmp_path / "run.py"
    forward = "    def forward(self, x):\n        return self.embed(x)\n\n    def embed"
    source = EMBEDDING_METHOD.format(side=31).replace("    def embed", forward)
    path.write_text(source + "net(torch.randn(6, 3, 64, 64))\n")
    model = _model(path)
    assert model["input_shape"] == [6, 3, 64, 64]
    assert model["output_shape"] == [6, 16]


def test_a_method_that_runs_the_model_itself_feeds_its_forward(tmp_path: Path) -> None:
    path = tmp_path / "run.py"
    path.write_text(
        "import torch\nimport torch.nn as nn\n\n\n"
        "class G(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc = nn.Linear(4, 2)\n\n"
        "    def forward(self, x):\n        return self.fc(x)\n\n"
        "    def sample(self, n):\n        return self(torch.randn(n, 4))\n\n\n"
        "g = G()\ng.sample(3)\n"
    )
    model = _model(path)
    assert model["input_shape"] == [3, 4]


def test_models_passed_in_count_no_parameters_of_the_model_they_are_passed_to(tmp_path: Path) -> None:
    path = tmp_path / "run.py"
    path.write_text(MODELS_PASSED_IN.format(features=84))
    models = run_cli("summary", "--output-format", "json", str(path)).json()["models"]
    loss = next(m for m in models if m["name"] == "AugmentedLoss")
    namespace = runpy.run_path(str(path))
    assert loss["input_shape"] == [4, 3, 32, 32]
    assert loss["total_params"] == sum(p.numel() for p in namespace["criterion"].parameters()) == 0


def test_a_list_of_tensors_fed_to_a_head_is_its_input(tmp_path: Path) -> None:
    """A detection head over feature levels (``head([p3, p4])``): once a false CNL006 from the input-free search,
    which fed one tensor where the code feeds a list."""
    path = tmp_path / "head.py"
    path.write_text(
        "import torch\nfrom torch import nn\n\n\nclass Head(nn.Module):\n"
        "    def __init__(self, ch=(16, 32)):\n        super().__init__()\n"
        "        self.convs = nn.ModuleList(nn.Conv2d(c, 4, 1) for c in ch)\n\n"
        "    def forward(self, x):\n        return [conv(x[i]) for i, conv in enumerate(self.convs)]\n\n\n"
        "head = Head()\ny = head([torch.randn(2, 16, 8, 8), torch.randn(2, 32, 4, 4)])\n"
    )
    outputs = runpy.run_path(str(path))["y"]
    assert run_cli("check", "--output-format", "json", str(path)).json() == []
    model = _model(path)
    assert model["output_shape"] == [list(t.shape) for t in outputs]
