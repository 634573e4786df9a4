"""Idioms from user-reported shape bugs that cnnlint could not follow (``2 * [p, p]``, an in-place
``reverse()``, ``net.forward(x)``, a model without ``__init__``). Each program is run by torch: it raises
where cnnlint reports the error, and the fixed program runs where cnnlint is quiet."""

from __future__ import annotations

import runpy
import textwrap
from pathlib import Path

import pytest
from conftest import assert_net_is_torchs, reported, script_and_check

torch = pytest.importorskip("torch")

PAD_REPEATED = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def forward(self, x, y):
        offset = y.size()[2] - x.size()[2]
        padding = 2 * [offset // 2, offset // 2]
        x = F.pad(x, padding)
        return torch.cat([x, y], 1)  # error: CNL009


net = Net()
out = net(torch.randn(1, 8, {size}, {size}), torch.randn(1, 8, 24, 24))
"""

REVERSED_WIDTHS = """
import torch
import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self, hidden_dims=None):
        super().__init__()
        if hidden_dims is None:
            hidden_dims = [8, 16, 32]
        hidden_dims.reverse()
        modules = []
        for i in range(len(hidden_dims) - 1):
            modules.append(nn.Conv2d(hidden_dims[i], hidden_dims[i + 1], 3, padding=1))
        self.decoder = nn.Sequential(*modules)
        self.fc = nn.Linear({features}, 2)  # error: CNL001

    def forward(self, x):
        return self.fc(self.decoder(x).flatten(1))


net = Decoder()
out = net(torch.randn(1, 32, 4, 4))
"""

FORWARD_CALLED = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear({features}, 5)  # error: CNL001

    def forward(self, x):
        return self.fc(x)


net = Net()
out = net.forward(torch.randn(4, 10))
"""

NO_INIT = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        return torch.flatten(x, 1) @ torch.ones({features}, 5)  # error: CNL010


net = Net()
out = net(torch.randn(4, 3, 8, 8))
"""

POSITIONAL_ENCODING = """
import math
import torch
import torch.nn as nn


class PositionalEncoder(nn.Module):
    def __init__(self, d_model, max_seq_len=200):
        super().__init__()
        self.d_model = d_model
        pe = torch.zeros(max_seq_len, d_model)
        for pos in range(max_seq_len):
            for i in range(0, d_model, 2):
                pe[pos, i] = math.sin(pos / (10000 ** ((2 * i) / d_model)))
                pe[pos, i + 1] = math.cos(pos / (10000 ** ((2 * (i + 1)) / d_model)))
        self.register_buffer("pe", pe.unsqueeze(0))

    def forward(self, x):
        x = x * math.sqrt(self.d_model)
        return x + self.pe[:, : x.size(1)]  # error: CNL008


class Encoder(nn.Module):
    def __init__(self, vocab=100, d_model=512):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        self.pe = PositionalEncoder(d_model)

    def forward(self, src):
        return self.pe(self.embed(src))


net = Encoder()
out = net(torch.zeros(2, {tokens}, dtype=torch.long))
"""

LAYER_SUBCLASS = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class MetaLinear(nn.Linear):
    def forward(self, x, params=None):
        if params is None:
            return super().forward(x)
        return F.linear(x, params["weight"], params["bias"])


class MetaConv(nn.Conv2d):
    def forward(self, x, params=None):
        return super().forward(x) if params is None else F.conv2d(x, params["weight"])


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = MetaConv(3, 8, 3)
        self.fc = MetaLinear({features}, 5)  # error: CNL001

    def forward(self, x, params=None):
        return self.fc(self.conv(x).flatten(1), params)


net = Net()
out = net(torch.randn(4, 3, 6, 6))
"""

BARE_LAYER = """
import torch
import torch.nn as nn

conv = nn.Conv1d(64, 32, 3)  # error: CNL002
pool = nn.MaxPool1d(2)
criterion = nn.CrossEntropyLoss()
out = conv(torch.randn({rows}, 64).unsqueeze(0))
"""

LIST_INPUT = """
import torch
import torch.nn as nn


class Cell(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 20)

    def forward(self, x, hiddens):
        return self.fc(x) + hiddens[0]  # error: CNL008


hiddens = []
for _ in range(2):
    hiddens.append(torch.zeros({batch}, 20))
net = Cell()
out = net(torch.randn(4, 10), hiddens)
"""

CHAR_RNN = """
import string
import torch
import torch.nn as nn
from string import ascii_letters

n_characters = len(string.printable)
net = nn.Sequential(nn.Embedding(n_characters, 8), nn.Flatten(), nn.Linear(24, len(ascii_letters)))
criterion = nn.CrossEntropyLoss()
target = torch.LongTensor([1, 2, 3])
loss = criterion(net(torch.LongTensor([[5, 9, 2]])), target[:1])  # error: CNL015
"""

SCRIPT_CAT = """
import os
import torch
import torch.nn as nn

net = nn.Sequential(nn.Conv2d(3, 3, 3, stride=2, padding=1), nn.Upsample(scale_factor=2))
x = torch.randn(1, 3, {size}, {size})
out = net(x)
both = torch.cat([x, out], dim=0)  # error: CNL009
if os.environ.get("CNNLINT_NEVER_SET"):
    maybe = x + torch.randn(1, 3, 5, 5)  # (may not run: never judged)
"""

CASES = [
    (PAD_REPEATED, {"size": 57}, {"size": 56}),  # 57 pads to 23 (floor of -33 / 2 twice), 56 to 24
    (REVERSED_WIDTHS, {"features": 7}, {"features": 128}),
    (FORWARD_CALLED, {"features": 20}, {"features": 10}),
    (NO_INIT, {"features": 10}, {"features": 192}),
    (POSITIONAL_ENCODING, {"tokens": 230}, {"tokens": 200}),  # 200 x 512 stores: filled, not unrolled
    (LAYER_SUBCLASS, {"features": 100}, {"features": 128}),
    (BARE_LAYER, {"rows": 128}, {"rows": 64}),
    (LIST_INPUT, {"batch": 64}, {"batch": 4}),
    (SCRIPT_CAT, {"size": 9}, {"size": 8}),
]


def _marked(source: str) -> set[tuple[int, str]]:
    return {(i, line.split("# error: ")[1]) for i, line in enumerate(source.splitlines(), 1) if "# error: " in line}


IDS = ["2*list", "reverse", "forward()", "no-init", "math-fill", "layer-subclass", "bare-layer", "list-input"]
IDS += ["script-cat"]


@pytest.mark.parametrize(("template", "wrong", "right"), CASES, ids=IDS)
def test_the_bug_is_found_and_the_fix_is_quiet(tmp_path: Path, template: str, wrong: dict, right: dict) -> None:
    path = tmp_path / "net.py"
    source = template.format(**wrong)
    path.write_text(source)
    with pytest.raises(RuntimeError):
        runpy.run_path(str(path))
    assert reported(path) == _marked(source)
    path.write_text(template.format(**right))
    runpy.run_path(str(path))
    assert reported(path) == set()


LIST_METHODS = [
    "w = [4, 8, 6]\nw.sort()\nnet = nn.Sequential(nn.Linear(4, w[0]), nn.Linear(w[0], w[1]), nn.Linear(w[1], w[2]))",
    "w = [4, 8, 6]\nw.sort(reverse=True)\nnet = nn.Sequential(nn.Linear(4, w[2]), nn.Linear(w[2], w[0]))",
    "w = [4, 9, 7]\nw.remove(9)\nnet = nn.Sequential(*[nn.Linear(4, 4) for _ in w], nn.Linear(4, w[-1]))",
    "w = [4, 9]\nw.clear()\nw.append(4)\nnet = nn.Sequential(nn.Linear(4, w[0] * 2))",
    "w = [2, 4]\nw.reverse()\nnet = nn.Sequential(nn.Linear(4, w[0] * len(2 * w)))",
]


@pytest.mark.parametrize("case", LIST_METHODS)
def test_list_methods_in_place_are_pythons(tmp_path: Path, case: str) -> None:
    assert_net_is_torchs("import torch\nimport torch.nn as nn\n" + case + "\n", tmp_path / "net.py")


def test_a_lone_layer_is_a_model_only_where_the_code_feeds_it(tmp_path: Path) -> None:
    from conftest import run_cli

    path = tmp_path / "net.py"
    path.write_text(BARE_LAYER.format(rows=64))
    models = run_cli("summary", "--output-format", "json", str(path)).json()["models"]
    assert [(m["name"], m["output_shape"]) for m in models] == [("conv", [1, 32, 62])]


def test_string_constants_and_legacy_data_tensors_are_read(tmp_path: Path) -> None:
    """``len(string.printable)`` is 100 and ``torch.LongTensor([1, 2, 3])`` holds three numbers: a target
    ``target[1:]`` of two labels for a batch of one is torch's ``Expected input batch_size (1) to match
    target batch_size (2)``."""
    path = tmp_path / "char.py"
    wrong = CHAR_RNN.replace("target[:1]", "target[1:]")
    path.write_text(wrong)
    with pytest.raises(ValueError, match="batch_size"):
        runpy.run_path(str(path))
    assert reported(path) == _marked(wrong)
    path.write_text(CHAR_RNN)
    runpy.run_path(str(path))
    assert reported(path) == set()


def test_nothing_is_said_after_the_script_surely_raised(tmp_path: Path) -> None:
    """A loss the script surely reaches raises: the losses after it never run (VAAL, corpus G #29)."""
    source = textwrap.dedent(
        """\
        import torch
        import torch.nn as nn

        net = nn.Linear(8, 4)
        out = net(torch.randn(2, 8))
        first = nn.MSELoss()(out, torch.randn(3, 4))
        second = nn.MSELoss()(out, torch.randn(5, 4))
        """
    )
    path = tmp_path / "script.py"
    path.write_text(source)
    error, got = script_and_check(path)
    assert error is not None and "must match the size of tensor b (3)" in error
    assert got == [(6, "CNL015")]


def test_nothing_is_said_after_a_model_call_that_surely_raises(tmp_path: Path) -> None:
    """The script's model call fails inside forward: the loss after it is never computed (PyTorch-VAE,
    corpus G #28), whatever its shapes; the model's own error is reported."""
    source = textwrap.dedent(
        """\
        import torch
        import torch.nn as nn

        net = nn.Sequential(nn.Flatten(), nn.Linear(10, 4))
        for step in range(2):
            x = torch.randn(2, 3, 4)
            out = net(x)
            loss = nn.MSELoss()(out, torch.randn(3, 4))
        """
    )
    path = tmp_path / "script.py"
    path.write_text(source)
    error, got = script_and_check(path)
    assert error is not None and "2x12 and 10x4" in error
    assert got == [(4, "CNL001")]
