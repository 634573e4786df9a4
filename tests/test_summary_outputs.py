"""`cnnlint summary` on models with several outputs or inputs, named as the file names them.

- a model returning a tuple (nested or not) or a dict: `output_shape` is the structure of shapes
  (JSON lists / an object; text written as Python writes it);
- a model the file feeds several tensors (`model(features, adj)`): every one is followed, and
  `input_shapes` lists them (`input_shape` stays the first);
- a class instance the file assigns and feeds (`model = Net(); model(x)`) is named `model`.

Expected shapes are torch's (checked against torch when it is installed).
"""

from __future__ import annotations

import json
import textwrap

import pytest
from conftest import run_cli

HEADS = """\
import torch
import torch.nn as nn


class Heads(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(16, 8)
        self.adv = nn.Linear(8, 1)
        self.aux = nn.Linear(8, 10)
        self.lstm = nn.LSTM(8, 4, batch_first=True)

    def forward(self, x):
        h = self.body(x)
        out, (hn, cn) = self.lstm(h.unsqueeze(1))
        return self.adv(h), (hn, cn)


class Named(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 3)

    def forward(self, x):
        return {"logits": self.fc(x), "features": x}


class Graph(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(16, 7))

    def forward(self, x, adj):
        return torch.mm(adj, torch.mm(x, self.weight))


if __name__ == "__main__":
    heads = Heads()
    print(heads(torch.randn(4, 16)))
    named = Named()
    print(named(torch.randn(2, 16)))
    model = Graph()
    print(model(torch.randn(30, 16), torch.randn(30, 30)).shape)
"""

TRUTH = {
    "Heads": ([[4, 1], [[1, 4, 4], [1, 4, 4]]], 16 * 8 + 8 + 9 + 90 + 4 * (8 * 4 + 4 * 4 + 8)),
    "Named": ({"logits": [2, 3], "features": [2, 16]}, 16 * 3 + 3),
    "Graph": ([30, 7], 16 * 7),
}


def _summary(tmp_path, fmt: str = "json"):
    path = tmp_path / "models.py"
    path.write_text(HEADS)
    result = run_cli("summary", "--output-format", fmt, str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    return json.loads(result.stdout)["models"] if fmt == "json" else result.stdout


def test_several_outputs_and_inputs_in_json(tmp_path):
    models = {m["name"]: m for m in _summary(tmp_path)}
    assert set(models) == set(TRUTH)  # class models are named by their class (SPEC §4)
    for name, (output, params) in TRUTH.items():
        assert models[name]["output_shape"] == output, name
        assert models[name]["total_params"] == params, name
    graph = models["Graph"]
    assert graph["input_shape"] == [30, 16]
    assert graph["input_shapes"] == [[30, 16], [30, 30]]
    assert graph["total_macs"] == 30 * 16 * 7 + 30 * 30 * 7  # the second input is followed, not unknown
    assert models["Heads"]["input_shapes"] == [[4, 16]]


def test_several_outputs_and_inputs_in_text(tmp_path):
    text = _summary(tmp_path, "text")
    assert "Output shape: ([4, 1], ([1, 4, 4], [1, 4, 4]))" in text
    assert "Output shape: {'logits': [2, 3], 'features': [2, 16]}" in text
    assert "Input shapes: [30, 16], [30, 30] (inferred" in text
    assert text.startswith("Heads (nn.Module)")


def test_truth_is_torchs():
    torch = pytest.importorskip("torch")
    namespace: dict = {}
    with torch.device("meta"):
        exec(compile(HEADS.split("if __name__")[0], "models.py", "exec"), namespace)
        heads_out = namespace["Heads"]()(torch.empty(4, 16))
        named_out = namespace["Named"]()(torch.empty(2, 16))
        graph = namespace["Graph"]()
        graph_out = graph(torch.empty(30, 16), torch.empty(30, 30))
    assert [list(heads_out[0].shape), [list(t.shape) for t in heads_out[1]]] == TRUTH["Heads"][0]
    assert {k: list(v.shape) for k, v in named_out.items()} == TRUTH["Named"][0]
    assert list(graph_out.shape) == TRUTH["Graph"][0]
    for cls in ("Heads", "Named", "Graph"):
        assert sum(p.numel() for p in namespace[cls]().parameters()) == TRUTH[cls][1]


OPTIONAL_SHORTCUT = textwrap.dedent(
    """\
    import numpy as np
    import torch.nn as nn
    import torch.nn.functional as F


    class Block(nn.Module):
        def __init__(self, cin, cout, stride=1):
            super().__init__()
            self.conv = nn.Conv2d(cin, cout, 3, stride, 1)
            if stride != 1 or cin != cout:
                self.shortcut = nn.Conv2d(cin, cout, 1, stride)

        def forward(self, x):
            shortcut = self.shortcut(x) if hasattr(self, "shortcut") else x
            return F.relu(self.conv(x)) + shortcut


    # cnnlint: input=(2, 3, 8, 8)
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.Sequential(Block(3, 8, 2), Block(8, 8))
            self.fc = nn.Linear(int(np.prod((8, 4, 4))), 2)

        def forward(self, x):
            return self.fc(self.blocks(x).flatten(1))
    """
)


def test_hasattr_of_an_attribute_never_set_is_false(tmp_path):
    path = tmp_path / "net.py"
    path.write_text(OPTIONAL_SHORTCUT)
    result = run_cli("summary", "--output-format", "json", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    (net,) = [m for m in json.loads(result.stdout)["models"] if m["name"] == "Net"]
    assert net["output_shape"] == [2, 2]
    # conv 3->8, shortcut 3->8 (1x1), conv 8->8, fc 128->2 (np.prod of a known tuple)
    assert net["total_params"] == (3 * 8 * 9 + 8) + (3 * 8 + 8) + (8 * 8 * 9 + 8) + (128 * 2 + 2)
    assert not net["partial"]


BLOCK = """\
import os
import random

import torch.nn as nn


# cnnlint: input=(1, 8, 4, 4)
class Block(nn.Module):
    def __init__(self, name=os.environ.get("NAME")):
        super().__init__()
        self.conv = nn.Conv2d(8, 16, 1)
        SETUP

    def forward(self, x):
        y = self.conv(x)
        return y if hasattr(self, "shortcut") else y + x  # 16 channels + 8: torch raises
"""


@pytest.mark.parametrize(
    "setup",
    [
        "if random.random() < 0.5: self.shortcut = nn.Identity()",  # a branch cnnlint cannot decide
        "setattr(self, name, nn.Identity())",  # a name cnnlint cannot read
        "self.register_parameter(name, None)",
    ],
)
def test_hasattr_stays_unknown_when_the_attribute_may_exist(tmp_path, setup):
    """No false positive from guessing: the branch where ``hasattr`` is False may not be the one that runs."""
    path = tmp_path / "block.py"
    path.write_text(BLOCK.replace("SETUP", setup))
    result = run_cli("check", "--output-format", "json", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr


def test_hasattr_false_reaches_the_error(tmp_path):
    path = tmp_path / "block.py"
    path.write_text(BLOCK.replace("SETUP", "pass"))
    result = run_cli("check", "--output-format", "json", str(path))
    assert [d["code"] for d in result.json()] == ["CNL008"]
    assert result.json()[0]["location"]["row"] == 16


def test_same_names_and_inputs_when_the_file_also_has_a_pragma(tmp_path):
    """A pragma elsewhere in the file (the other front end reads it) changes nothing for the fed model."""
    source = HEADS.replace(
        "\n\nif __name__", "\n\n# cnnlint: input=(1, 4)\nhead = nn.Sequential(nn.Linear(4, 2))\n\n\nif __name__"
    )
    path = tmp_path / "models.py"
    path.write_text(source)
    result = run_cli("summary", "--output-format", "json", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    models = {m["name"]: m for m in json.loads(result.stdout)["models"]}
    assert set(models) == {*TRUTH, "head"}
    assert models["Graph"]["input_shapes"] == [[30, 16], [30, 30]]
    assert models["Graph"]["output_shape"] == TRUTH["Graph"][0]
