"""What the chain extractor's tests (``test_extract*.py``) checked, now through ``summary`` and ``check``.

The interpreter is the one front end: import spellings, OrderedDict children,
nesting, ``*`` of a literal list, model names, spans, Sequential subclasses,
values. (The tutorial LeNet is ``tests/styles/lenet_num_flat_features.py``, the d2l
classes ``test_input_sources.py`` and ``test_unreached.py``.)
"""

from __future__ import annotations

import json
import textwrap

import pytest
from conftest import run_cli


def summary(tmp_path, src: str, *extra: str) -> dict[str, dict]:
    path = tmp_path / "m.py"
    path.write_text(textwrap.dedent(src))
    result = run_cli("summary", "--output-format", "json", *extra, str(path))
    assert result.exit_code in (0, 1), result.stderr
    return {m["name"]: m for m in json.loads(result.stdout)["models"]}


def check(tmp_path, src: str, *extra: str) -> list[dict]:
    path = tmp_path / "m.py"
    path.write_text(textwrap.dedent(src))
    result = run_cli("check", "--output-format", "json", "--no-cache", *extra, str(path))
    assert result.exit_code in (0, 1), result.stderr
    return result.json()


def types(model: dict) -> list[str]:
    return [layer["type"] for layer in model["layers"] if not layer["container"]]


@pytest.mark.parametrize(
    "src",
    [
        "import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())\n",
        "from torch import nn\nnet = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())\n",
        "import torch\nnet = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU())\n",
        "import torch.nn\nnet = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU())\n",
        "from torch.nn import Conv2d, ReLU, Sequential\nnet = Sequential(Conv2d(3, 8, 3), ReLU())\n",
        "import torch.nn as tnn\nnet = tnn.Sequential(tnn.Conv2d(3, 8, 3), tnn.ReLU())\n",
        "from torch.nn import Conv2d as C, ReLU as R, Sequential as S\nnet = S(C(3, 8, 3), R())\n",
        "from torch.nn import Sequential\nfrom torch.nn.modules.conv import Conv2d\n"
        "from torch.nn.modules.activation import ReLU\nnet = Sequential(Conv2d(3, 8, 3), ReLU())\n",
        "from torch.nn import *\nnet = Sequential(Conv2d(3, 8, 3), ReLU())\n",
        "import torch as T\nnet = T.nn.Sequential(T.nn.Conv2d(3, 8, 3), T.nn.ReLU())\n",
    ],
)
def test_every_import_spelling(tmp_path, src: str) -> None:
    model = summary(tmp_path, src, "--input", "net=1,3,8,8")["net"]
    assert (model["kind"], types(model), model["output_shape"]) == ("sequential", ["Conv2d", "ReLU"], [1, 8, 6, 6])


def test_a_factory_function_is_named_after_itself(tmp_path) -> None:
    src = (
        "def build():\n    import torch.nn as nn\n"
        "    net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())\n    return net\n"
    )
    model = summary(tmp_path, src, "--input", "build=1,3,8,8")["build"]
    assert (types(model), model["output_shape"]) == (["Conv2d", "ReLU"], [1, 8, 6, 6])


@pytest.mark.parametrize(
    "src",
    [
        "import torch\nimport torch.nn as nn\nnn = object()\nnet = nn.Sequential(nn.Conv2d(3, 8, 3))\n",
        "import mylib.nn as nn\nnet = nn.Sequential(nn.Conv2d(3, 8, 3))\n",
    ],
)
def test_shadowed_or_foreign_names_are_not_torch(tmp_path, src: str) -> None:
    assert summary(tmp_path, src, "--input", "net=1,3,8,8") == {}


def test_ordered_dict_children_are_named_and_nesting_is_one_model(tmp_path) -> None:
    src = """\
        import torch.nn as nn
        from collections import OrderedDict
        net = nn.Sequential(
            OrderedDict([("conv", nn.Conv2d(3, 8, 3)), ("block", nn.Sequential(nn.ReLU(), nn.Flatten()))])
        )
        """
    found = summary(tmp_path, src, "--input", "net=1,3,8,8")
    assert list(found) == ["net"]  # the inner Sequential is a child, not a model
    names = [layer["name"] for layer in found["net"]["layers"]]
    assert names[:2] == ["conv", "block"]
    assert found["net"]["output_shape"] == [1, 288]


def test_star_of_a_literal_list_is_expanded_and_variables_are_followed(tmp_path) -> None:
    src = """\
        import torch.nn as nn
        first = nn.Linear(3, 4)
        layers = [first, nn.ReLU()]
        net = nn.Sequential(*layers, nn.Linear(4, 2))
        """
    model = summary(tmp_path, src, "--input", "net=1,3")["net"]
    assert (types(model), model["output_shape"]) == (["Linear", "ReLU", "Linear"], [1, 2])


def test_layers_appended_later_are_part_of_the_model(tmp_path) -> None:
    src = "import torch.nn as nn\nnet = nn.Sequential(nn.Linear(3, 4))\nnet.append(nn.Linear(4, 2))\n"
    assert summary(tmp_path, src, "--input", "net=1,3")["net"]["output_shape"] == [1, 2]


@pytest.mark.parametrize(
    ("statement", "name"),
    [
        ("net = nn.Sequential(nn.ReLU())", "net"),
        ("model: nn.Module = nn.Sequential(nn.ReLU())", "model"),
        ("net = nn.Sequential(nn.ReLU()).to('cpu')", "net"),
    ],
)
def test_model_names(tmp_path, statement: str, name: str) -> None:
    found = summary(tmp_path, f"import torch.nn as nn\n{statement}\n", "--input", f"{name}=1,3")
    assert list(found) == [name]


def test_findings_are_at_the_layer_and_the_argument(tmp_path) -> None:
    src = "import torch.nn as nn\n# cnnlint: input=(1, 3)\nnet = nn.Sequential(\n"
    src += "    nn.Linear(3, 4), nn.Linear(5, 2))\n"
    (diag,) = check(tmp_path, src)
    assert (diag["code"], diag["location"], diag["end_location"]) == (
        "CNL001",
        {"row": 4, "column": 22},
        {"row": 4, "column": 37},
    )
    (edit,) = diag["fix"]["edits"]
    assert (edit["location"], edit["content"]) == ({"row": 4, "column": 32}, "4")


def test_spans_count_characters_not_bytes(tmp_path) -> None:
    src = 'import torch.nn as nn\n# cnnlint: input=(1, 3)\nnet = nn.Sequential(nn.Identity("é"), nn.Linear(5, 2))\n'
    (diag,) = check(tmp_path, src)
    assert diag["location"] == {"row": 3, "column": 39}


@pytest.mark.parametrize(
    "init",
    ["super().__init__(nn.Conv2d(3, 8, 3), nn.ReLU())", "nn.Sequential.__init__(self, nn.Conv2d(3, 8, 3), nn.ReLU())"],
)
def test_sequential_subclass_is_a_model_named_after_the_class(tmp_path, init: str) -> None:
    src = f"import torch.nn as nn\nclass Block(nn.Sequential):\n    def __init__(self):\n        {init}\n"
    model = summary(tmp_path, src, "--input", "Block=1,3,8,8")["Block"]
    assert (types(model), model["output_shape"]) == (["Conv2d", "ReLU"], [1, 8, 6, 6])


def test_a_class_that_is_not_a_module_is_not_a_model(tmp_path) -> None:
    src = "import torch.nn as nn\nclass Config:\n    def __init__(self):\n        self.width = 8\n"
    assert summary(tmp_path, src) == {}


def test_forward_with_two_inputs_is_followed_with_the_second_unknown(tmp_path) -> None:
    src = """\
        import torch
        import torch.nn as nn

        # cnnlint: input=(1, 8)
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(8, 2)

            def forward(self, x, hidden):
                return self.fc(x)
        """
    assert summary(tmp_path, src)["Net"]["output_shape"] == [1, 2]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("0x10", 16),
        ("1_000", 1000),
        ("256 * 6 * 6", 9216),
        ("(224 - 11) // 4 + 1", 54),
        ("7 % 4", 3),
        ("2 ** 10", 1024),
        ("max(3, 4)", 4),
        ("int(256 * 6.0)", 1536),
        ("64 if True else 32", 64),
        ("SIZES[1]", 64),
        ("HIDDEN * 2", 1024),
        ("A + B", 3),
        ("math.ceil(5 / 2)", 3),
    ],
)
def test_static_values_reach_the_layer(tmp_path, expr: str, expected: int) -> None:
    src = f"""\
        import math
        import torch.nn as nn
        HIDDEN = 512
        SIZES = (32, 64)
        A, B = 1, 2
        net = nn.Sequential(nn.Linear({expr}, 2))
        """
    model = summary(tmp_path, src, "--input", f"net=1,{expected}")["net"]
    assert (model["output_shape"], model["total_params"]) == ([1, 2], expected * 2 + 2)


@pytest.mark.parametrize("expr", ["unknown_name", "func(3)", "obj.attr", "x", "SIZES[5]", "FROM_IMPORT"])
def test_unknown_values_never_produce_a_finding(tmp_path, expr: str) -> None:
    src = f"""\
        import torch.nn as nn
        from config import FROM_IMPORT
        SIZES = (32, 64)
        # cnnlint: input=(1, 7)
        net = nn.Sequential(nn.Linear({expr}, 2))
        """
    assert [d["code"] for d in check(tmp_path, src)] == []
