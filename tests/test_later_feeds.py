"""Every input the code feeds a model, not only the first: a sanity check at one size, then a training loop
over batches of another (``Session.later_feeds``, ``following._later_feeds``).

The truth is the script itself run by torch: where cnnlint reports an error, running it raises; where it
stays quiet, the later feed is in a branch or a ``try`` that may not run, and nothing is guessed.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from conftest import run_cli

torch = pytest.importorskip("torch")

NET = """
import argparse
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        return self.fc2(torch.relu(self.fc1(torch.flatten(x, 1))))


parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=1)
parser.add_argument("--big", action="store_true")
args, _ = parser.parse_known_args()
net = Net()
print(net(torch.randn(1, 3, 32, 32)).shape)
data = TensorDataset(torch.randn(8, 3, {size}, {size}), torch.zeros(8, dtype=torch.long))
loader = DataLoader(data, batch_size=4, shuffle=True)
"""

TRAIN_LOOP = """
for epoch in range(args.epochs):
    for images, labels in loader:
        out = net(images)
"""

TRAIN_FUNCTION = """
def train(model, batches):
    model.train()
    for step, (images, labels) in enumerate(batches):
        loss = model(images).sum()


def main():
    for epoch in range(1, args.epochs + 1):
        train(net, loader)


if __name__ == "__main__":
    main()
"""

IN_A_BRANCH = """
if args.big:
    out = net(torch.randn(4, 3, 64, 64))
"""

IN_A_TRY = """
try:
    out = net(torch.randn(4, 3, 64, 64))
except RuntimeError:
    print("64x64 is not supported")
"""


def _diagnostics(path: Path) -> list[dict]:
    result = run_cli("check", "--output-format", "json", str(path))
    assert result.exit_code in (0, 1), result.stderr
    return result.json()


def _fc1_row(source: str) -> int:
    return next(i for i, line in enumerate(source.splitlines(), 1) if "self.fc1 = " in line)


def _fed_row(source: str) -> int:
    return next(i for i, line in enumerate(source.splitlines(), 1) if "model(images)" in line or "net(images)" in line)


@pytest.mark.parametrize("loop", [TRAIN_LOOP, TRAIN_FUNCTION], ids=["module-loop", "train-function"])
def test_a_training_batch_of_another_size_than_the_sanity_check_is_found(tmp_path: Path, loop: str) -> None:
    source = NET.format(size=64) + loop
    path = tmp_path / "train.py"
    path.write_text(source)
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        runpy.run_path(str(path), run_name="__main__")
    (diag,) = _diagnostics(path)
    assert (diag["code"], diag["location"]["row"]) == ("CNL001", _fc1_row(source))
    assert "receives 2704" in diag["message"]
    assert f"with the input fed at line {_fed_row(source)}, (4, 3, 64, 64)" in diag["message"]
    # The first input works with in_features=400 as it is: no single value is certain, so no fix is offered.
    assert diag["fix"] is None
    assert "set in_features" not in diag["message"]


@pytest.mark.parametrize("loop", [TRAIN_LOOP, TRAIN_FUNCTION], ids=["module-loop", "train-function"])
def test_a_training_batch_of_the_right_size_is_quiet(tmp_path: Path, loop: str) -> None:
    path = tmp_path / "train.py"
    path.write_text(NET.format(size=32) + loop)
    runpy.run_path(str(path), run_name="__main__")
    assert _diagnostics(path) == []


@pytest.mark.parametrize("feed", [IN_A_BRANCH, IN_A_TRY], ids=["if", "try"])
def test_a_later_input_that_may_not_be_fed_is_not_guessed(tmp_path: Path, feed: str) -> None:
    path = tmp_path / "train.py"
    path.write_text(NET.format(size=32) + feed)
    runpy.run_path(str(path), run_name="__main__")  # (the flag is not given; the try catches it)
    assert _diagnostics(path) == []


def test_an_error_the_first_input_meets_is_reported_once(tmp_path: Path) -> None:
    source = NET.format(size=64).replace("torch.randn(1, 3, 32, 32)", "torch.randn(1, 3, 28, 28)") + TRAIN_LOOP
    path = tmp_path / "train.py"
    path.write_text(source)
    (diag,) = _diagnostics(path)
    assert (diag["code"], diag["location"]["row"]) == ("CNL001", _fc1_row(source))
    assert "with the input fed" not in diag["message"]  # the first input's finding, with its fix
    assert diag["fix"] is not None
