"""``t.data`` is a new tensor over ``t``'s elements: resizing it in place leaves ``t`` as it was (torch >= 0.4),
changing its values changes ``t``'s. The pre-0.4 placeholder idiom ``label.data.resize_(batch_size)`` (ACGAN,
corpus G #23) therefore keeps the label's size, and the loss after it fails. The truth: torch running the
same statements."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import module_globals, script_and_check
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.interpret.values import UNKNOWN, TensorVal

torch = pytest.importorskip("torch")

STATEMENTS = [
    "x.data.resize_(6)",
    "x.resize_(4)",
    "x.data.resize_as_(y)",
    "x.resize_as_(y)",
    "x.data.fill_(3)",
    "x = x.data",
    "x.data.unsqueeze_(0)",
    "x.unsqueeze_(0)",
    "x.detach().resize_(5)",
]


def _shapes(statements: list[str]) -> tuple[tuple[int, ...], list | None]:
    namespace: dict = {"torch": torch}
    exec("x = torch.tensor([1.0, 2.0])\ny = torch.zeros(3, 2)\n" + "\n".join(statements), namespace)
    return tuple(namespace["x"].shape), namespace["x"].tolist()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(STATEMENTS), max_size=4))
def test_the_tensor_keeps_torchs_shape_and_values(statements: list[str]) -> None:
    want_shape, want_values = _shapes(statements)
    source = "import torch\nx = torch.tensor([1.0, 2.0])\ny = torch.zeros(3, 2)\n" + "\n".join(statements) + "\n"
    source += "shape = tuple(x.shape)\nvalues = x.tolist()\n"
    names = module_globals(source)
    x = names["x"]
    assert isinstance(x, TensorVal)
    if x.shape.rank is not None and all(type(d) is int for d in x.shape.dims):
        assert x.shape.dims == want_shape, statements
    values = names.get("values", UNKNOWN)
    if values is not UNKNOWN and not getattr(values, "uncertain", True):
        assert [v for v in values.items] == want_values, statements


SCRIPT = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn

    net = nn.Linear(8, 1)
    label = torch.zeros({placeholder})
    x = torch.randn(16, 8)
    label.{how}resize_(16)
    loss = nn.BCEWithLogitsLoss()(net(x).view(-1), label)
    """
)


@pytest.mark.parametrize(("placeholder", "how", "wrong"), [(1, "data.", True), (1, "", False), (16, "data.", False)])
def test_a_placeholder_resized_through_data_keeps_its_size(tmp_path: Path, placeholder: int, how: str, wrong: bool):
    path = tmp_path / "acgan.py"
    path.write_text(SCRIPT.format(placeholder=placeholder, how=how))
    error, found = script_and_check(path, RuntimeError, ValueError)
    assert (error is not None) == wrong
    assert found == ([(8, "CNL015")] if wrong else [])
