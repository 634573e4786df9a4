"""A class whose ``__init__`` needs arguments never vanishes silently (SPEC §1).

Built by nothing, it gets a CNL100 at its line saying why it is not checked.
Named by a pragma or ``--input``, it is built with those arguments unknown,
so every layer that does not depend on them is still checked; when the file
builds it with known arguments (a factory), that build is the one checked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings, summary_model

SOURCE = """from torch import nn
{pragma}

class Net(nn.Module):
    def __init__(self, n, *, scale):
        super().__init__()
        self.fc = nn.Linear(12, n)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(self.fc(x))


class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.fc = nn.Linear(width, width)

    def forward(self, x):
        return self.fc(x)


class Uses(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block(4)

    def forward(self, x):
        return self.block(x)
"""

NOT_CHECKED = (
    "Net is not checked on its own: it needs constructor arguments and the file never builds it with known ones"
)


def test_a_class_nothing_builds_gets_a_note_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    path.write_text(SOURCE.format(pragma=""))
    # Block is built inside Uses: checked there, no note of its own
    assert findings(path) == [(4, "CNL100", NOT_CHECKED)]


def test_a_pragma_above_the_class_builds_it_with_unknown_arguments(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    path.write_text(SOURCE.format(pragma="# cnnlint: input=(1, 10)").replace("\n\nclass Net", "\nclass Net", 1))
    assert [(row, code) for row, code, _ in findings(path)] == [(6, "CNL001")]  # no CNL997: the pragma is used


def test_input_on_the_command_line_builds_it_with_unknown_arguments(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    path.write_text(SOURCE.format(pragma=""))
    rows = [(row, code) for row, code, _ in findings(path, "--input", "Net=1,10")]
    assert rows == [(7, "CNL001")]


HELPER_FACTORY = """import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, in_size=(32, 32)):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4 * in_size[0] * in_size[1], 10)

    def forward(self, x):
        return self.fc(self.conv(x).flatten(1))


def get_net(**kwargs):
    return Net(**kwargs)


def net_wide(**kwargs):
    return get_net(in_size=(32, 64), **kwargs)


def _test():
    net = net_wide()
    net(torch.randn(1, 3, 32, 64))


if __name__ == "__main__":
    _test()
"""


def test_a_helper_factory_does_not_take_the_input_of_a_model_built_with_other_arguments(tmp_path: Path) -> None:
    import torch

    namespace: dict = {}
    exec(compile(HELPER_FACTORY, "net.py", "exec"), namespace)
    namespace["_test"]()  # torch runs what the file runs
    with torch.no_grad(), pytest.raises(RuntimeError):
        namespace["get_net"]()(torch.randn(1, 3, 32, 64))  # get_net's own model is another one
    path = tmp_path / "net.py"
    path.write_text(HELPER_FACTORY)
    assert [f for f in findings(path) if f[1] != "CNL100"] == []


BASE_CLASS = """import torch.nn as nn


class Bottleneck(nn.Module):
    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(out + x)


class SEBottleneck(Bottleneck):
    def __init__(self, planes=8):
        super().__init__()
        self.conv1 = nn.Conv2d(planes, planes, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU()
"""


def test_a_base_class_whose_forward_reads_what_only_subclasses_set_is_not_a_model(tmp_path: Path) -> None:
    import torch

    namespace: dict = {}
    exec(compile(BASE_CLASS, "blocks.py", "exec"), namespace)
    with pytest.raises(AttributeError):  # torch: the base class on its own has no conv1
        namespace["Bottleneck"]()(torch.zeros(1, 8, 4, 4))
    path = tmp_path / "blocks.py"
    path.write_text(BASE_CLASS)
    assert findings(path) == [
        (4, "CNL100", "Bottleneck is a base class: its forward reads self.relu, which only its subclasses set")
    ]
    model = summary_model(path, "SEBottleneck", "1,8,4,4")
    assert model["output_shape"] == [1, 8, 4, 4] and model["partial"] is False


NO_FORWARD_BASE = """import torch
import torch.nn as nn


class CellBase(nn.Module):
    def cell_forward(self, x):
        return torch.cat([self.left(x), self.right(x)], 1)


class Cell(CellBase):
    def __init__(self, width=4):
        super().__init__()
        self.left = nn.Conv2d(width, width, 3, padding=1)
        self.right = nn.Conv2d(width, width, 1)

    def forward(self, x):
        return self.cell_forward(x)
"""


def test_a_base_class_with_no_forward_of_its_own_is_not_a_model(tmp_path: Path) -> None:
    """pretrainedmodels' pnasnet: ``CellBase`` holds only what its subclasses' forward calls."""
    import torch

    namespace: dict = {}
    exec(compile(NO_FORWARD_BASE, "cells.py", "exec"), namespace)
    with pytest.raises(NotImplementedError):  # torch: nn.Module's forward is not implemented
        namespace["CellBase"]()(torch.zeros(1, 4, 4, 4))
    shape = list(namespace["Cell"]()(torch.zeros(1, 4, 4, 4)).shape)
    path = tmp_path / "cells.py"
    path.write_text(NO_FORWARD_BASE)
    assert findings(path) == [
        (5, "CNL100", "CellBase is a base class: it has no forward, only its subclasses define one")
    ]
    model = summary_model(path, "Cell", "1,4,4,4")
    assert model["output_shape"] == shape == [1, 8, 4, 4] and model["partial"] is False


ABSTRACT_FORWARD = """from abc import abstractmethod

import torch.nn as nn


class TimestepBlock(nn.Module):
    {forward}


class ResBlock(TimestepBlock):
    def __init__(self, width=4):
        super().__init__()
        self.conv = nn.Conv2d(width, width, 3, padding=1)

    def forward(self, x, emb=None):
        return x + self.conv(x)
"""
ABSTRACT = {
    "abstractmethod": '@abstractmethod\n    def forward(self, x, emb):\n        """Apply it given emb."""',
    "a docstring": 'def forward(self, x, emb):\n        """Subclasses implement it."""',
    "NotImplementedError": "def forward(self, x, emb):\n        raise NotImplementedError",
    "pass": "def forward(self, x, emb):\n        pass",
}


@pytest.mark.parametrize("form", ABSTRACT)
def test_a_base_class_whose_forward_is_abstract_is_not_a_model(tmp_path: Path, form: str) -> None:
    """guided diffusion's ``TimestepBlock``: an ``@abstractmethod`` forward (or one that only documents or
    raises) that its subclasses implement is a base class, not a model that returns None or raises."""
    path = tmp_path / "blocks.py"
    path.write_text(ABSTRACT_FORWARD.format(forward=ABSTRACT[form]))
    assert findings(path) == [
        (6, "CNL100", "TimestepBlock is a base class: it has no forward, only its subclasses define one")
    ]


LOST_WIDTH = """import torch.nn as nn


def read_widths(path):
    with open(path) as handle:
        return [int(w) for w in handle.read().split()]


class Net(nn.Module):
    def __init__(self, path="widths.txt"):
        super().__init__()
        width = read_widths(path)[0]
        self.conv = nn.Conv2d(3, width, 3)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.conv(x))
"""


def test_a_layer_whose_width_cannot_be_resolved_says_so(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    path.write_text(LOST_WIDTH)
    assert findings(path, "--input", "Net=1,3,8,8") == [
        (13, "CNL100", "shape following loses dimensions here: Conv2d's out_channels could not be resolved")
    ]


BUILT_BY_A_FACTORY = """import torch.nn as nn


class Block(nn.Module):
    expansion = 2

    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(inplanes, planes * self.expansion, 3, stride, 1)

    def forward(self, x):
        return self.conv(x)


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=10):
        super().__init__()
        self.inplanes = 3
        stages = []
        for i, n in enumerate(layers):
            for j in range(n):
                stages.append(block(self.inplanes, 4 * 2**i, 2 if j == 0 else 1))
                self.inplanes = 4 * 2**i * block.expansion
        self.stages = nn.Sequential(*stages)
        self.fc = nn.Linear(self.inplanes, num_classes)

    def forward(self, x):
        x = self.stages(x)
        x = x.mean((2, 3))
        return self.fc(x)


def resnet_small(num_classes=7, pretrained=None):
    return ResNet(Block, [1, 2], num_classes=num_classes)
"""


def test_a_class_named_by_input_that_the_file_builds_with_known_arguments_is_that_build(tmp_path: Path) -> None:
    """pretrainedmodels / geffnet: ``--input ResNet=...`` checks the ResNet the file's factory builds."""
    import torch

    namespace: dict = {}
    exec(compile(BUILT_BY_A_FACTORY, "net.py", "exec"), namespace)
    with torch.device("meta"):
        net = namespace["resnet_small"]()
        shape = list(net(torch.empty(2, 3, 16, 16)).shape)
    path = tmp_path / "net.py"
    path.write_text(BUILT_BY_A_FACTORY)
    model = summary_model(path, "ResNet", "2,3,16,16")
    assert model["output_shape"] == shape == [2, 7]
    assert not model["partial"]
    assert model["total_params"] == sum(p.numel() for p in net.parameters())
