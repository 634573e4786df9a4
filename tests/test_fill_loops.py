"""Loops that only write tensor elements are not unrolled (``cnnlint.interpret.fill_loops``).

Shapes are checked against torch; which loops qualify is checked on their source: anything that could
change a shape or be reported (a call, an attribute, an item read, a list being filled, tensor
arithmetic) keeps the loop unrolled.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest
from conftest import reported, summary_model, torch_built

from cnnlint.interpret import fill_loops
from cnnlint.interpret.builtins_ import builtin_values
from cnnlint.interpret.values import UNKNOWN, ListVal, TensorVal
from cnnlint.shapes.dims import Shape

torch = pytest.importorskip("torch")

LOOKUP = """
import torch
import torch.nn as nn


def lookup(length, max_rel=None):
    if max_rel is None:
        max_rel = length - 1
    vocab = 2 * max_rel + 1
    ret = torch.zeros(length, length, vocab)
    for i in range(length):
        for x in range(length):
            v = x - i + max_rel
            if abs(x - i) > max_rel:
                continue
            ret[i, x, v] = 1
    return ret


class Rel(nn.Module):
    def __init__(self, length=LENGTH):
        super().__init__()
        self.register_buffer("table", lookup(length), persistent=False)
        self.fc = nn.Linear(2 * length - 1, 5)

    def forward(self, x):
        y = (x.unsqueeze(-1) * self.table).sum(dim=(1, 2))
        return self.fc(y)
"""


@pytest.mark.parametrize("length", [3, 12])
def test_a_lookup_table_filled_element_by_element_matches_torch(tmp_path: Path, length: int) -> None:
    source = LOOKUP.replace("LENGTH", str(length))
    path = tmp_path / "rel.py"
    expected, params = torch_built(source, path, "Rel", (2, length, length))
    model = summary_model(path, "Rel", f"2,{length},{length}")
    assert model["output_shape"] == expected == [2, 5]
    assert model["total_params"] == params


def test_a_fill_too_long_to_unroll_no_longer_stops_following(tmp_path: Path) -> None:
    # 300 x 300 stores: unrolled, more than one model's work budget (the model was not followed)
    source = LOOKUP.replace("LENGTH", "300")
    path = tmp_path / "rel.py"
    expected, params = torch_built(source, path, "Rel", (1, 300, 300))
    model = summary_model(path, "Rel", "1,300,300")
    assert model["output_shape"] == expected == [1, 5]
    assert model["total_params"] == params


AFTER = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, n=10):
        super().__init__()
        table = torch.zeros(n, n)
        k = 0
        for i in range(n):
            for j in range(n):
                table[i, j] = i * j
                k = i + j
        self.register_buffer("table", table)
        self.fc = nn.Linear(k, 4)  # k is 18 after the loop; unknown once it is not unrolled

    def forward(self, x):
        return self.fc(x)
"""


def test_names_a_skipped_loop_assigns_are_unknown_never_wrong(tmp_path: Path) -> None:
    path = tmp_path / "after.py"
    expected, _ = torch_built(AFTER, path, "Net", (2, 18))  # torch: the model runs
    assert expected == [2, 4]
    assert reported(path, "--input", "Net=2,18") == set()


LIST_FILL = """
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        sizes = [0] * 10
        for i in range(10):
            sizes[i] = 2 * i
        self.fc1 = nn.Linear(16, sizes[9])
        self.fc2 = nn.Linear(20, 3)  # expect: CNL001

    def forward(self, x):
        return self.fc2(self.fc1(x))
"""


def test_a_list_filled_in_a_loop_is_still_unrolled(tmp_path: Path) -> None:
    path = tmp_path / "lists.py"
    path.write_text(LIST_FILL)
    namespace: dict = {}
    exec(compile(LIST_FILL, str(path), "exec"), namespace)
    with pytest.raises(RuntimeError):  # torch: fc1 gives 18 features, fc2 takes 20
        namespace["Net"]()(torch.zeros(2, 16))
    assert reported(path, "--input", "Net=2,16") == {(12, "CNL001")}


def _loop(source: str) -> ast.For:
    node = ast.parse(textwrap.dedent(source)).body[0]
    assert isinstance(node, ast.For)
    return node


@pytest.mark.parametrize(
    "source",
    [
        "for i in range(n):\n    t[i] = 1\n",
        "for i in range(n):\n    for j in range(n):\n        if abs(i - j) > 2:\n            continue\n"
        "        t[i, j, i - j] = 1\n",
        "for i, j in pairs:\n    k = min(i, j) * 2\n    t[k:, j] = -k\n",
        "for i in range(n):\n    t[:, i] += 0.5\n    if i > 3:\n        break\n",
    ],
)
def test_loops_that_only_fill_tensors_qualify(source: str) -> None:
    assert fill_loops.fill_loop(_loop(source)) is not None


@pytest.mark.parametrize(
    "source",
    [
        "for i in range(n):\n    t[i] = f(i)\n",  # a call: it could do anything
        "for i in range(n):\n    t[i] = s[i - 1]\n",  # an item read: reported when out of range
        "for i in range(n):\n    self.t[i] = 1\n",  # an attribute
        "for i in range(n):\n    t[i] = 1\n    layers.append(i)\n",
        "for i in range(n):\n    t[i] = 1\nelse:\n    done = True\n",
        "for i in range(n):\n    t = t + 1\n    t[i] = 1\n",  # the stored name is reassigned
        "for i in range(n):\n    k = i\n",  # stores into nothing: nothing to gain
        "for i in range(n):\n    t[i] = abs(i, key=1)\n",
    ],
)
def test_loops_that_do_anything_else_do_not(source: str) -> None:
    assert fill_loops.fill_loop(_loop(source)) is None


def test_a_loop_applies_only_where_its_names_hold_what_it_was_read_for() -> None:
    loop = fill_loops.fill_loop(_loop("for i in range(n):\n    t[i] = abs(i - d)\n"))
    assert loop is not None
    builtins = builtin_values()
    tensor = TensorVal(Shape(4, 4))
    values = {"t": tensor, "n": 4, "d": 1, **builtins}
    assert fill_loops.applies(loop, values.get, builtins)
    assert not fill_loops.applies(loop, {**values, "t": ListVal([0, 0, 0, 0])}.get, builtins)  # a list
    assert not fill_loops.applies(loop, {**values, "d": TensorVal(Shape(4))}.get, builtins)  # tensor arithmetic
    assert not fill_loops.applies(loop, {**values, "abs": UNKNOWN}.get, builtins)  # ``abs`` redefined
