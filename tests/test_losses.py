"""Losses against torch (``cnnlint/interpret/losses.py``): CNL015 exactly where torch raises, CNL016 exactly
where it warns of a broadcast target, nothing where it computes the loss; then where a script meets them."""

from __future__ import annotations

import itertools
import runpy
import types
import warnings
from pathlib import Path

import pytest
from conftest import reported

from cnnlint.interpret.losses import judge
from cnnlint.shapes.dims import Shape

torch = pytest.importorskip("torch")
F = torch.nn.functional

ELEMENTWISE = ["MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "BCELoss", "BCEWithLogitsLoss", "KLDivLoss"]
SHAPES = [(4,), (4, 1), (1, 4), (4, 3), (3, 4), (2, 4, 3), (4, 1, 1), (5,)]
CLASS_CASES = [  # (input, target) with integer class targets
    ((8, 10), (8,)),
    ((8, 10), (32,)),
    ((2, 5, 8, 8), (2, 8, 8)),
    ((2, 5, 8, 8), (2, 7, 8)),
    ((2, 5, 8, 8), (3, 8, 8)),
    ((2, 5, 8), (2,)),
    ((2, 5, 8), (2, 8)),
    ((2, 5), (2, 1)),
    ((2, 5), (2, 5)),
    ((2, 5, 8), (2, 5, 8)),
    ((2, 5, 8), (2, 8, 1)),
]


def _torch_says(kind: str, x: tuple, target: tuple, integer: bool) -> str | None:
    module = getattr(torch.nn, kind)()
    a = torch.rand(*x)
    b = torch.randint(0, 2, target) if integer else torch.rand(*target)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            module(a, b)
        except (RuntimeError, ValueError):
            return "CNL015"
    if any("target size" in str(w.message) for w in caught):
        return "CNL016"
    return None


def _code(kind: str, x: tuple, target: tuple, integer: bool) -> str | None:
    finding = judge(kind, Shape(*x), Shape(*target), integer)
    return finding.code if finding is not None else None


@pytest.mark.parametrize("kind", ELEMENTWISE)
@pytest.mark.parametrize(("x", "target"), list(itertools.product(SHAPES, SHAPES)))
def test_elementwise_losses_are_judged_as_torch_judges_them(kind: str, x: tuple, target: tuple) -> None:
    assert _code(kind, x, target, False) == _torch_says(kind, x, target, False)


@pytest.mark.parametrize("kind", ["CrossEntropyLoss", "NLLLoss"])
@pytest.mark.parametrize(("x", "target"), CLASS_CASES)
def test_class_losses_are_judged_as_torch_judges_them(kind: str, x: tuple, target: tuple) -> None:
    assert _code(kind, x, target, True) == _torch_says(kind, x, target, True)


def test_a_symbol_that_may_make_the_shapes_agree_says_nothing() -> None:
    assert judge("MSELoss", Shape("B", 1), Shape(64, 1), False) is None
    assert judge("CrossEntropyLoss", Shape("B", 10), Shape(64), True) is None
    assert judge("BCELoss", Shape("B"), Shape(64), False) is None
    assert judge("MSELoss", Shape("B", 1), Shape("B"), False).code == "CNL016"  # (B, B) whatever B is


def test_a_dim_not_known_is_never_a_clash_but_the_others_are_judged() -> None:
    from cnnlint.shapes.dims import UNKNOWN

    assert judge("MSELoss", Shape(4, UNKNOWN), Shape(4, 3), False) is None
    assert judge("MSELoss", Shape(4, UNKNOWN, 5), Shape(4, 3, 6), False).code == "CNL015"
    assert judge("CrossEntropyLoss", Shape(1, UNKNOWN), Shape(), True).code == "CNL015"  # a 0-d target, batch 1
    assert judge("CrossEntropyLoss", Shape(UNKNOWN, 10), Shape(8), True) is None
    assert judge("BCELoss", Shape(UNKNOWN), Shape(8), False) is None


SCRIPT = """
import sys
import torch
import torch.nn as nn
import torch.nn.functional as F

net = nn.Sequential(nn.Conv2d(1, 4, 3, 2, 1), nn.ReLU(), nn.ConvTranspose2d(4, 1, 3, 2, 1))
images = torch.randn(8, 1, 28, 28)
"""

IN_A_LOOP = """
def train(model, epochs):
    for epoch in range(epochs):
        loss = F.mse_loss(model(images), images)


if __name__ == "__main__":
    train(net, len(sys.argv))
"""

IN_AN_IF = """
import os

if os.environ.get("CNNLINT_NEVER_SET"):
    loss = F.mse_loss(net(images), images)
"""


def test_a_loss_in_a_training_loop_is_judged(tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text(SCRIPT + IN_A_LOOP)
    with pytest.raises(RuntimeError, match="The size of tensor a"):
        runpy.run_path(str(path), run_name="__main__")
    row = next(i for i, line in enumerate((SCRIPT + IN_A_LOOP).splitlines(), 1) if "F.mse_loss" in line)
    assert reported(path) == {(row, "CNL015")}


def test_a_loss_that_may_not_run_is_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text(SCRIPT + IN_AN_IF)
    runpy.run_path(str(path))  # the variable is not set: the branch does not run
    assert reported(path) == set()


def test_the_losses_said_to_hold_no_parameters_are_torchs_own_that_hold_none() -> None:
    import inspect

    from cnnlint.interpret.losses import WITHOUT_PARAMETERS

    parameterless = set()
    for name, cls in vars(torch.nn).items():
        if inspect.isclass(cls) and issubclass(cls, torch.nn.modules.loss._Loss):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # NLLLoss2d is deprecated
                    module = cls()
            except TypeError:  # LinearCrossEntropyLoss needs its layer's sizes: it holds a weight
                continue
            if sum(p.numel() for p in module.parameters()) == 0:
                parameterless.add(name)
    assert parameterless == WITHOUT_PARAMETERS


def test_a_loss_kept_as_an_attribute_leaves_the_parameter_count_exact(tmp_path: Path) -> None:
    from conftest import run_cli

    path = tmp_path / "net.py"
    path.write_text(
        "import torch\nimport torch.nn as nn\n\n\n"
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.ce = nn.CrossEntropyLoss()\n        self.fc = nn.Linear(4, 3)\n\n"
        "    def forward(self, x, target):\n        return self.ce(self.fc(x), target)\n\n\n"
        "net = Net()\nnet(torch.randn(2, 4), torch.zeros(2, dtype=torch.long))\n"
    )
    (model,) = run_cli("summary", "--output-format", "json", str(path)).json()["models"]
    built = runpy.run_path(str(path))["net"]
    assert model["total_params"] == sum(p.numel() for p in built.parameters()) == 15


@pytest.mark.parametrize(("x", "target"), list(itertools.product(SHAPES, SHAPES)))
@pytest.mark.parametrize("reduction", ["none", "batchmean", "sum"])
def test_kl_div_gives_torchs_shape(tmp_path: Path, x: tuple, target: tuple, reduction: str) -> None:
    """``F.kl_div`` broadcasts, silently: the loss has torch's shape (``none``: the broadcast), a clash is CNL015."""
    from cnnlint.interpret import losses
    from cnnlint.interpret.values import TensorVal

    try:
        expected: object = list(F.kl_div(torch.rand(*x), torch.rand(*target), reduction=reduction).shape)
    except RuntimeError:
        expected = "CNL015"
    said: list = []  # a script's loss (no forward running): what it reports, it reports here
    session = types.SimpleNamespace(
        forward=types.SimpleNamespace(recording=None),
        script_error=lambda interp, finding, node: said.append(finding.code),
    )
    out = losses.call(
        session, None, "KLDivLoss", [TensorVal(Shape(*x)), TensorVal(Shape(*target))], {"reduction": reduction}, None
    )
    assert (said[0] if said else list(out.shape.dims)) == expected
