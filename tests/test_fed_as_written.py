"""What the code feeds a model is what cnnlint follows, as written: keyword arguments of the call
(``model(x, t, ratio=0.5)`` once ran forward with ``target=None``, its default) and tensors resized in place
(``input.resize_as_(real).copy_(real)``, the pre-0.4 placeholder idiom, once kept the old shape). Each was a
false error (corpus G's w01, w02); each program is run by torch first."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from conftest import found_and_fixed, reported

torch = pytest.importorskip("torch")

KEYWORD_ARGUMENTS = """
import torch
import torch.nn as nn


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(50, 8)
        self.out = nn.Linear({features}, 5)  # error: CNL001

    def forward(self, x, target=None, ratio=0):
        if target is None:
            target = torch.LongTensor([2]).view(x.size(0), -1)
        return self.out(self.embedding(target).flatten(1))


model = Seq2Seq()
print(model(torch.randint(0, 50, (32, 10)), torch.randint(0, 50, (32, 12)), ratio=0.5).shape)
"""

RESIZED_PLACEHOLDER = """
import torch
import torch.nn as nn

net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.Flatten(), nn.Linear(4 * {side} * {side}, 2))  # error: CNL001
placeholder = torch.FloatTensor(4, 3, 128, 128)
for real in [torch.rand(4, 3, 32, 32)]:
    placeholder.resize_as_(real).copy_(real)
    print(net(placeholder).shape)
"""

IN_PLACE_VIEWS = """
import torch
import torch.nn as nn

net = nn.Linear({features}, 3)  # error: CNL001
x = torch.randn(2, 8)
alias = x
alias.unsqueeze_(0)
alias.transpose_(1, 2)
print(net(x).shape)
"""

CASES = [
    (KEYWORD_ARGUMENTS, {"features": 8 * 10}, {"features": 8 * 12}),
    (RESIZED_PLACEHOLDER, {"side": 128}, {"side": 32}),
    (IN_PLACE_VIEWS, {"features": 8}, {"features": 2}),
]


@pytest.mark.parametrize(("template", "wrong", "right"), CASES, ids=["keywords", "resize_as_", "in-place-views"])
def test_the_bug_is_found_and_the_fix_is_quiet(tmp_path: Path, template: str, wrong: dict, right: dict) -> None:
    found_and_fixed(tmp_path / "run.py", template, wrong, right)


def test_a_resize_in_a_branch_that_may_not_run_leaves_the_shape_unknown(tmp_path: Path) -> None:
    path = tmp_path / "run.py"
    path.write_text(
        "import os\nimport torch\nimport torch.nn as nn\n\n"
        "net = nn.Linear(8, 2)\nx = torch.randn(4, 8)\n"
        "if os.environ.get('SMALL'):\n    x.resize_(4, 6)\n"
        "net(x)\n"
    )
    runpy.run_path(str(path))  # unset: x stays (4, 8)
    assert reported(path) == set()
