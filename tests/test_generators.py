"""Generator functions that build layers (``nn.Sequential(*blocks(widths))``, ``next(gen)``): what they yield is
followed; a generator whose yields are not certain is unknown, never guessed. The truth: torch running the
same script."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings, script_and_check, script_error

SCRIPT = """
import torch
from torch import nn


def blocks(widths):
    prev = 3
    for w in widths:
        yield nn.Conv2d(prev, w, 3, padding=1)
        yield nn.ReLU()
        prev = w
    yield from [nn.AdaptiveAvgPool2d(4), nn.Flatten()]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(*self.stages())
        self.head = nn.Linear({features}, 10)

    def stages(self):
        yield from blocks([8, 16])

    def forward(self, x):
        return self.head(self.features(x))


net = Net()
out = net(torch.randn(2, 3, 32, 32))
first = next(blocks([4]))
y = first(torch.randn(1, {channels}, 8, 8))
"""


@pytest.mark.parametrize(
    ("features", "channels", "wrong"),
    [(256, 3, None), (512, 3, (19, "CNL001")), (256, 5, (9, "CNL002"))],
)
def test_what_a_generator_yields_is_followed(tmp_path: Path, features: int, channels: int, wrong: tuple | None) -> None:
    path = tmp_path / "gen.py"
    path.write_text(SCRIPT.format(features=features, channels=channels))
    error, got = script_and_check(path)
    if wrong is None:
        assert error is None and got == []
    else:
        assert error is not None
        assert got == [wrong]


UNCERTAIN = {
    "a yield under a condition not known": "    if torch.cuda.is_available():\n        yield nn.ReLU()\n",
    "a return that may end it first": "    if torch.cuda.is_available():\n        return\n",
    "an endless generator": "    while True:\n        yield nn.ReLU()\n",
    "a yield from something not known": "    yield from torch.hub.list('x')\n",
}


@pytest.mark.parametrize("body", list(UNCERTAIN.values()), ids=list(UNCERTAIN))
def test_a_generator_whose_yields_are_not_certain_is_unknown(tmp_path: Path, body: str) -> None:
    """The Linear is wrong whatever is yielded first: nothing is reported, the Sequential is not known."""
    source = (
        "import torch\nfrom torch import nn\n\n\ndef extra():\n"
        + body
        + "    yield nn.Identity()\n\n\n"
        + "net = nn.Sequential(nn.Linear(4, 8), *extra(), nn.Linear(9, 2))\nout = net(torch.randn(2, 4))\n"
    )
    path = tmp_path / "gen.py"
    path.write_text(source)
    assert [code for _, code, _ in findings(path) if code != "CNL100"] == []


def test_a_generator_is_used_up_once(tmp_path: Path) -> None:
    """A second ``*layers`` of the same generator is empty in Python: never read as its items again."""
    source = (
        "import torch\nfrom torch import nn\n\n\ndef layers():\n    yield nn.Linear(4, 8)\n\n\n"
        "gen = layers()\na = nn.Sequential(*gen)\nb = nn.Sequential(*gen, nn.Linear(5, 2))\n"
        "out = b(torch.randn(2, 4))\n"
    )
    path = tmp_path / "gen.py"
    path.write_text(source)
    assert "mat1 and mat2" in (script_error(path) or "")  # torch: b is only Linear(5, 2)
    said = [message for _, code, message in findings(path) if code != "CNL100"]
    assert not any("receives 8" in message for message in said)  # the first Linear is not in b


# An endless generator over a loader (VAAL's ``read_data``, corpus G #29): every item is the loader's batch.
STREAM = """
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.fc = nn.Linear({features}, 10)

    def forward(self, x):
        return self.fc(self.conv(x).flatten(1))


def read_data(loader, labels=True):
    if labels:
        while True:
            for img, label in loader:
                yield img, label
    else:
        while True:
            for img, _ in loader:
                yield {unlabeled}


loader = DataLoader(TensorDataset(torch.randn(20, 3, {size}, {size}), torch.zeros(20)), batch_size=4)
net = Net()
labeled = read_data(loader)
unlabeled = read_data(loader, labels=False)
for step in range(3):
    x, y = next(labeled)
    u = next(unlabeled)
    net(x)
    net(u)
"""


@pytest.mark.parametrize(("size", "wrong"), [(32, None), (64, (11, "CNL001"))])
def test_an_endless_generator_of_a_loaders_batches_yields_its_batch(tmp_path: Path, size: int, wrong: tuple) -> None:
    path = tmp_path / "stream.py"
    path.write_text(STREAM.format(features=8 * 30 * 30, size=size, unlabeled="img"))
    error, got = script_and_check(path)
    assert (error is None) == (wrong is None)
    assert got == ([wrong] if wrong else [])


def test_a_generator_that_changes_what_it_yields_is_not_a_stream(tmp_path: Path) -> None:
    """``yield img[:, :, ::2]`` is not the batch a loop bound: not claimed to be (it could differ each pass)."""
    path = tmp_path / "stream.py"
    path.write_text(STREAM.format(features=8 * 30 * 30, size=32, unlabeled="img[:, :, ::2]"))
    assert script_error(path) is not None  # torch: the half-height image does not fit the Linear
    assert [(row, code) for row, code, _ in findings(path) if code != "CNL100"] == []
