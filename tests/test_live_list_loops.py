"""A ``for`` over a list the loop's own body grows reads the list live, as Python's list iterator does.

UPANets' ``_make_layer`` appends to ``strides`` while it enumerates it: torch builds five blocks where a
loop over a snapshot of the list builds four, and the BatchNorm1d sized for five then looked wrong to
cnnlint (a false CNL002). The truth is torch building the same source.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import assert_net_is_torchs, reported

pytest.importorskip("torch")

PRELUDE = "import torch\nimport torch.nn as nn\n"

CASES = [
    # enumerate over the list, appended to on the first pass only
    """
strides = [2, 1]
layers = []
for i, stride in enumerate(strides):
    layers.append(nn.Linear(4, 4))
    if i == 0:
        strides.append(1)
net = nn.Sequential(*layers)
""",
    # a plain for over the list, extended twice, with enumerate's start
    """
widths = [4]
layers = []
for width in widths:
    layers.append(nn.Linear(4, width))
    if len(widths) < 3:
        widths += [4]
net = nn.Sequential(*layers, nn.Linear(4, 2 * len(widths)))
""",
    """
todo = [4, 4]
layers = []
for n, width in enumerate(todo, 10):
    layers.append(nn.Linear(4, width))
    if n == 10:
        todo.insert(1, 4)
net = nn.Sequential(*layers)
""",
    # a list the body does not change: read as before
    """
sizes = [4, 4, 4]
net = nn.Sequential(*[nn.Linear(4, s) for s in sizes])
for s in sizes:
    net.append(nn.Linear(4, 4))
""",
]


@pytest.mark.parametrize("case", CASES)
def test_a_list_grown_by_its_own_loop_is_iterated_as_python_does(tmp_path: Path, case: str) -> None:
    assert_net_is_torchs(PRELUDE + case, tmp_path / "net.py")


BLOCKS = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        strides = [1, 1]
        layers = []
        for i, stride in enumerate(strides):
            layers.append(nn.Conv2d(8, 8, 3, stride, 1))
            if i == 0:
                strides.append(1)
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear({width}, 10)  # three blocks of 8 channels: 24

    def forward(self, x):
        feats = [f.mean((2, 3)) for f in self._taps(x)]
        return self.head(torch.cat(feats, 1))

    def _taps(self, x):
        out = []
        for block in self.body:
            x = block(x)
            out.append(x)
        return out


net = Net()
y = net(torch.randn(2, 8, 16, 16))
"""


def test_the_width_counted_from_the_grown_list_is_not_reported(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    path.write_text(BLOCKS.format(width=24))
    assert reported(path) == set()


def test_a_width_that_misses_the_appended_pass_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    source = BLOCKS.format(width=16)
    path.write_text(source)
    row = next(i for i, line in enumerate(source.splitlines(), 1) if "self.head =" in line)
    assert reported(path) == {(row, "CNL001")}
