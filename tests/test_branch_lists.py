"""A list changed in both branches of an ``if`` the interpreter cannot decide keeps what the branches agree on
(``if use_cuda: hs.append((h.cuda(), c.cuda())) else: hs.append((h, c))``): the same number of items, each
joined. Where they disagree (one appends, the other does not; items of other shapes) nothing is guessed.
Each program is run by torch first."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from conftest import found_and_fixed, reported, run_cli

torch = pytest.importorskip("torch")

APPENDED_IN_BOTH = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(3, 4, 3, padding=1) for _ in range(2)])
        self.fc = nn.Linear({features}, 10)  # error: CNL001

    def forward(self, x):
        feats = []
        for conv in self.convs:
            y = conv(x)
            if torch.cuda.is_available():
                feats.append(y.cuda())
            else:
                feats.append(y)
        return self.fc(torch.cat(feats, 1).flatten(1))


net = Net()
print(net(torch.randn(2, 3, 8, 8)).shape)
"""

STATES_IN_BOTH = """
import torch
import torch.nn as nn

use_cuda = torch.cuda.is_available()


class Cell(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.hidden = hidden
        self.i2h = nn.Linear(10, 4 * hidden)
        self.h2h = nn.Linear(hidden, 4 * hidden)

    def forward(self, x, state):
        h, c = state
        return self.i2h(x) + self.h2h(h.view(h.size(1), -1))  # error: CNL008

    def init_hidden(self, batch):
        states = []
        h = torch.zeros(1, batch, self.hidden)
        c = torch.zeros(1, batch, self.hidden)
        if use_cuda:
            states.append((h.cuda(), c.cuda()))
        else:
            states.append((h, c))
        return states


cell = Cell(16)
states = cell.init_hidden({batch})
print(cell(torch.randn(50, 10), states[0]).shape)
"""

CASES = [
    (APPENDED_IN_BOTH, {"features": 4 * 8 * 8}, {"features": 8 * 8 * 8}),
    (STATES_IN_BOTH, {"batch": 32}, {"batch": 50}),
]


@pytest.mark.parametrize(("template", "wrong", "right"), CASES, ids=["forward", "init-hidden"])
def test_a_list_both_branches_append_to_alike_is_known(tmp_path: Path, template: str, wrong: dict, right: dict) -> None:
    found_and_fixed(tmp_path / "net.py", template, wrong, right)


UNDECIDED = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 4, 3, padding=1)
        self.b = nn.Conv2d(3, 6, 3, padding=1)
        self.fc = nn.Linear(8 * 8 * 8, 10)

    def forward(self, x):
        feats = [self.a(x)]
        if x.mean() > 0:
            {then}
        else:
            {otherwise}
        return self.fc(torch.cat(feats, 1).flatten(1))


net = Net()
net(torch.randn(2, 3, 8, 8))
"""


@pytest.mark.parametrize(
    ("then", "otherwise"),
    [
        ("feats.append(self.a(x))", "pass"),  # one branch appends: torch raises or not as the data says
        ("feats.append(self.a(x))", "feats.append(self.b(x))"),  # items of other shapes
        ("feats.extend([self.a(x)])", "feats += [self.b(x), self.a(x)]"),  # other lengths
    ],
    ids=["one-branch", "other-shapes", "other-lengths"],
)
def test_branches_that_disagree_leave_the_list_unknown(tmp_path: Path, then: str, otherwise: str) -> None:
    path = tmp_path / "net.py"
    path.write_text(UNDECIDED.format(then=then, otherwise=otherwise))
    assert reported(path) == set()
    (model,) = run_cli("summary", "--output-format", "json", str(path)).json()["models"]
    assert model["output_shape"] in (None, [2, 10])


def test_a_list_changed_in_a_loop_of_unknown_length_is_unknown_after_it(tmp_path: Path) -> None:
    """Three batches append three tensors; cnnlint cannot count the passes, so it claims nothing after them."""
    path = tmp_path / "train.py"
    path.write_text(
        "import torch\nimport torch.nn as nn\nfrom torch.utils.data import DataLoader, TensorDataset\n\n"
        "seen = []\n"
        "loader = DataLoader(TensorDataset(torch.randn(12, 4)), batch_size=4)\n"
        "for (x,) in loader:\n"
        "    if x.mean() > 0:\n        seen.append(x)\n    else:\n        seen.append(x * 2)\n"
        "head = nn.Linear(4 * 3, 2)\n"
        "head(torch.cat(seen, 1))\n"
    )
    runpy.run_path(str(path))
    assert reported(path) == set()
