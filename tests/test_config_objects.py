"""Models sized by configuration objects (``types.SimpleNamespace``), and one class built twice with other
sizes: each instance the code feeds is checked (SPEC §1.3, module-level instances). The truth: torch running
the same script."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings, run_cli, script_and_check

SCRIPT = """
from types import SimpleNamespace

import torch
from torch import nn

cfg = SimpleNamespace(features={features}, classes=3)


class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.body = nn.Linear(c.features, 16)
        self.head = nn.Linear(16, c.classes)

    def forward(self, x):
        return self.head(self.body(x))


net = Net(cfg)
out = net(torch.randn(2, 8))
small = Net(SimpleNamespace(features={small}, classes=2))
out2 = small(torch.randn(2, 4))
"""


@pytest.mark.parametrize(
    ("features", "small", "row"),
    [(8, 4, None), (9, 4, 13), (8, 5, 13)],  # right; the first instance wrong; the second one wrong
)
def test_each_fed_instance_is_checked(tmp_path: Path, features: int, small: int, row: int | None) -> None:
    path = tmp_path / "configured.py"
    path.write_text(SCRIPT.format(features=features, small=small))
    error, got = script_and_check(path)
    if row is None:
        assert error is None and got == []
    else:
        assert error is not None and "cannot be multiplied" in error
        assert got == [(row, "CNL001")]


def test_the_second_instance_is_a_model_named_by_its_variable(tmp_path: Path) -> None:
    path = tmp_path / "configured.py"
    path.write_text(SCRIPT.format(features=8, small=4))
    result = run_cli("summary", str(path), "--output-format", "json")
    models = {m["name"]: (m["input_shape"], m["output_shape"]) for m in result.json()["models"]}
    assert models == {"Net": ([2, 8], [2, 3]), "small": ([2, 4], [2, 2])}


def test_a_namespace_given_a_mapping_is_unknown(tmp_path: Path) -> None:
    """``SimpleNamespace(mapping)`` (Python 3.13) is not read: nothing is reported from it."""
    path = tmp_path / "configured.py"
    source = SCRIPT.format(features=9, small=4).replace(
        "SimpleNamespace(features=9, classes=3)", "SimpleNamespace({'features': 9, 'classes': 3})"
    )
    path.write_text(source)
    assert [r for r, code, _ in findings(path) if code != "CNL100"] == []
