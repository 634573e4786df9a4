"""Model code that reads torch's own module bookkeeping: ``self._modules`` (pytorchcv's ``Concurrent``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings, summary_model, torch_built

torch = pytest.importorskip("torch")

CONCURRENT = """import torch
import torch.nn as nn


class Concurrent(nn.Sequential):
    def __init__(self, axis=1, merge_type=None):
        super().__init__()
        self.axis = axis
        self.merge_type = merge_type or "cat"

    def forward(self, x):
        out = []
        for module in self._modules.values():
            out.append(module(x))
        if self.merge_type == "cat":
            out = torch.cat(tuple(out), dim=self.axis)
        elif self.merge_type == "sum":
            out = torch.stack(tuple(out), dim=self.axis).sum(self.axis)
        else:
            raise NotImplementedError()
        return out


class Keyed(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.Conv2d(6, 6, 1)
        self.second = nn.Conv2d(6, 6, 3, padding=1)

    def forward(self, x):
        for name, module in self._modules.items():
            x = module(x)
        return x


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.branches = Concurrent()
        self.branches.add_module("a", nn.Conv2d(3, 8, 3, padding=1))
        self.branches.add_module("b", nn.Conv2d(3, 4, 1))
        self.sum = Concurrent(merge_type="sum")
        self.sum.add_module("a", nn.Conv2d(12, 6, 1))
        self.sum.add_module("b", nn.Conv2d(12, 6, 1))
        self.keyed = Keyed()
        self.fc = nn.Linear(6 * 8 * 8, 10)

    def forward(self, x):
        return self.fc(self.keyed(self.sum(self.branches(x))).flatten(1))
"""


OWN_CALL = """import torch.nn as nn
import torch.nn.functional as F


class Init(nn.Module):  # TResNet's init block: ``__call__`` in place of forward
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(12, 8, 3, padding=1)

    def __call__(self, x):
        return self.conv(F.pixel_unshuffle(x, 2))


class Typed(nn.Module):  # a typed override that hands on to nn.Module's, which runs forward
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(8, 4, 1)

    def __call__(self, x):
        return super().__call__(x)

    def forward(self, x):
        return self.conv(x).flatten(1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.init = Init()
        self.typed = Typed()
        self.fc = nn.Linear(4 * 4 * 4, 10)

    def __call__(self, x):
        return self.fc(self.typed(self.init(x)))
"""


KEYWORDS = CONCURRENT.replace('add_module("a", ', 'add_module(name="a", module=').replace('"b", nn.', '"b", module=nn.')


@pytest.mark.parametrize("source", [CONCURRENT, KEYWORDS, OWN_CALL], ids=["modules", "add_module_keywords", "own_call"])
def test_children_read_through_modules_match_torch(tmp_path: Path, source: str) -> None:
    path = tmp_path / "concurrent.py"
    shape, params = torch_built(source, path, "Net", (2, 3, 8, 8))
    model = summary_model(path, "Net", "2,3,8,8")
    assert model["output_shape"] == shape == [2, 10]
    assert model["total_params"] == params


def test_a_wrong_branch_is_found_through_modules(tmp_path: Path) -> None:
    path = tmp_path / "concurrent.py"
    source = CONCURRENT.replace('add_module("b", nn.Conv2d(12, 6, 1))', 'add_module("b", nn.Conv2d(10, 6, 1))')
    with pytest.raises(RuntimeError):  # torch: the second branch of self.sum gets 12 channels, not 10
        torch_built(source, path, "Net", (2, 3, 8, 8))
    assert [(row, code) for row, code, _ in findings(path, "--input", "Net=2,3,8,8")] == [(44, "CNL002")]


def test_a_class_own_call_is_what_calling_it_runs(tmp_path: Path) -> None:
    path = tmp_path / "own_call.py"
    wrong = OWN_CALL.replace("nn.Conv2d(12, 8, 3, padding=1)", "nn.Conv2d(3, 8, 3, padding=1)")
    with pytest.raises(RuntimeError):  # torch: the unshuffled input has 12 channels
        torch_built(wrong, path, "Net", (2, 3, 8, 8))
    assert [(row, code) for row, code, _ in findings(path, "--input", "Net=2,3,8,8")] == [(8, "CNL002")]
