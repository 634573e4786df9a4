"""Where following stops, a CNL100 says so: never an unknown output without a word, never a guess.

- a layer set under a name cnnlint cannot work out (timm's pruning: ``setattr(model, name, layer)``)
  makes the module's layers uncertain: following stops at it, its parameter count is unknown;
- an ``F.conv2d`` whose weight has an unknown shape stops following there.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import findings, run_cli, summary_model

PRUNED = textwrap.dedent(
    """
    from copy import deepcopy

    import torch.nn as nn


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(4, 8)
            self.b = nn.Linear(8, 2)

        def forward(self, x):
            return self.b(self.a(x))


    def adapt(parent, text):
        sizes = {}
        for k in text.split(","):
            name, size = k.split(":")
            sizes[name] = int(size)
        new = deepcopy(parent)
        for n, m in parent.named_modules():
            if isinstance(m, nn.Linear):
                setattr(new, n, nn.Linear(m.in_features, sizes[n]))
        return new


    def pruned():
        return adapt(Net(), open("sizes.txt").read())


    def renamed():
        new = Net()
        setattr(new, open("name.txt").read(), nn.Linear(4, 3))
        return new
    """
)


def test_layers_set_from_a_file_are_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "pruned.py"
    path.write_text(PRUNED)
    pruned = summary_model(path, "pruned", "1,4")  # each Linear rebuilt with a width read from a file
    assert pruned["output_shape"] == [1, None] and pruned["total_params"] is None
    renamed = summary_model(path, "renamed", "1,4")
    assert renamed["output_shape"] is None and renamed["total_params"] is None
    result = run_cli("check", "--show-info", "--input", "renamed=1,4", str(path))
    assert "CNL100 the layers of Net are not certain: one was set under a name cnnlint could not work out" in (
        result.stdout
    )


WEIGHT_FROM_A_FILE = textwrap.dedent(
    """
    import torch
    import torch.nn as nn
    import torch.nn.functional as F


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("w", torch.load("w.pt"))
            self.fc = nn.Linear(4, 2)

        def forward(self, x):
            x = F.conv2d(x, self.w)
            return self.fc(x.mean((2, 3)))
    """
)


def test_a_functional_conv_with_an_unknown_weight_says_where_following_stops(tmp_path: Path) -> None:
    path = tmp_path / "weights.py"
    path.write_text(WEIGHT_FROM_A_FILE)
    result = run_cli("check", "--show-info", "--input", "Net=1,3,8,8", str(path))
    assert "weights.py:14:13: CNL100 shape following stops here: F.conv2d could not be resolved" in result.stdout


UNKNOWN_OP = textwrap.dedent(
    """
    import torch
    import torch.nn as nn


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 2)

        def forward(self, x):
            torch._assert_async((x == x).all())  # a check: nothing to follow, nothing to say
            order = x.kthvalue(2, dim=-1).values
            return self.fc(x + order.float())
    """
)


def test_a_tensor_op_cnnlint_does_not_know_says_where_following_stops(tmp_path: Path) -> None:
    path = tmp_path / "ops.py"
    path.write_text(UNKNOWN_OP)
    found = findings(path, "--input", "Net=2,3,4")
    assert found == [(13, "CNL100", "shape following stops here: kthvalue(...) is not an op cnnlint knows")]


UNKNOWN_OPERAND = textwrap.dedent(
    """
    import torch.nn as nn
    from somewhere_else import make_scale


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = make_scale()  # a number or a tensor of any shape: nobody can say here
            self.fc = nn.Linear(4, 2)

        def forward(self, x):
            return self.fc(x * self.scale)
    """
)


def test_an_operand_cnnlint_cannot_resolve_says_where_following_stops(tmp_path: Path) -> None:
    path = tmp_path / "operand.py"
    path.write_text(UNKNOWN_OPERAND)
    found = findings(path, "--input", "Net=2,4")
    assert found == [(13, "CNL100", "shape following stops here: the other operand of * is not known")]


def test_a_stop_in_imported_code_is_at_the_scripts_line_and_names_where(tmp_path: Path) -> None:
    """A model from another file of the project stops inside that file: the note is at the line of the checked
    script that feeds the model (never line 1), and says the module and line where following stopped."""
    package = tmp_path / "zoo"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "nets.py").write_text(
        textwrap.dedent(
            """
            import random
            from torch import nn


            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.blocks = nn.ModuleList([nn.Linear(8, 8) for _ in range(3)])

                def forward(self, x):
                    for block in random.sample(list(self.blocks), 2):
                        x = block(x)
                    return x
            """
        )
    )
    script = tmp_path / "train.py"
    script.write_text("import torch\nfrom zoo.nets import Net\n\nnet = Net()\nout = net(torch.zeros(2, 8))\n")
    notes = [(row, message) for row, code, message in findings(script) if code == "CNL100"]
    assert notes, findings(script)
    assert all(row in (4, 5) for row, _ in notes), notes
    assert any("(in zoo.nets, line 13)" in message for _, message in notes), notes  # ``x = block(x)``


ASSERTED = """
import torch
from torch import nn


class Embed(nn.Module):
    def __init__(self, img_size=32):
        super().__init__()
        self.img_size = img_size
        self.proj = nn.Conv2d(3, 8, 4, 4)

    def forward(self, x):
        B, C, H, W = x.shape
        assert H == self.img_size and W == self.img_size, "input size"
        return self.proj(x).flatten(1)


model = Embed()
out = model(torch.zeros(2, 3, {size}, {size}))
"""


def test_an_assert_that_fails_at_the_input_says_so_where_it_is_written(tmp_path: Path) -> None:
    """Torch raises AssertionError at 224 (the model takes 32): following stops at the assert, which says so
    (CNL014); at 32 nothing is said."""
    import runpy

    import pytest

    pytest.importorskip("torch")
    path = tmp_path / "embed.py"
    path.write_text(ASSERTED.format(size=224))
    with pytest.raises(AssertionError):
        runpy.run_path(str(path))
    row = next(i for i, line in enumerate(ASSERTED.splitlines(), 1) if line.strip().startswith("assert"))
    said = "assert H == self.img_size and W == self.img_size fails at this input: input size"
    assert findings(path) == [(row, "CNL014", said)]  # the code feeds 224: an error, said where torch stops
    path.write_text(ASSERTED.format(size=32))
    runpy.run_path(str(path))
    assert findings(path) == []


STARRED_SIZES = textwrap.dedent(
    """
    import torch
    import torch.nn as nn


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(100, 10)

        def forward(self, x, sizes):
            x = x.view(-1, *sizes.tolist())
            return self.fc(x)


    net = Net()
    net(torch.randn(2, 4, 10, 10), torch.randint(1, 9, (2,)))
    """
)


def test_a_tensor_method_given_unknown_starred_arguments_stops_following(tmp_path: Path) -> None:
    """``x.view(-1, *sizes.tolist())`` with the sizes' values unknown once vanished from the trace, and the model
    was said to be followed to the end."""
    path = tmp_path / "net.py"
    path.write_text(STARRED_SIZES)
    assert [(row, code) for row, code, _ in findings(path)] == [(12, "CNL100")]
    result = run_cli("check", str(path))
    assert "1 stopped at an unknown layer" in result.stdout
