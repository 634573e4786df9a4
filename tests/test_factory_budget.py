"""A factory whose building runs out of one model's work budget is named in CNL100, never dropped silently
(timm's ``maxvit_base_tf_384``: a declared input for it used to match "no model", with no word why)."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli

SOURCE = """
import torch.nn as nn


def _spin(n):
    total = 0
    for i in range(n):
        for j in range(n):
            total += i * j + 1
    return total


def small():
    return nn.Sequential(nn.Linear(4, 2))


def huge():
    _spin(4000)  # about 16 million steps: far past one model's budget
    return nn.Sequential(nn.Linear(4, 2))
"""


def test_a_factory_past_the_work_budget_is_named_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "factories.py"
    path.write_text(SOURCE)
    result = run_cli("check", str(path), "--show-info", "--output-format", "json")
    assert result.exit_code == 0, result.stderr
    notes = [d for d in result.json() if d["code"] == "CNL100" and "huge is not checked" in d["message"]]
    assert len(notes) == 1 and "work budget" in notes[0]["message"], result.json()
    assert notes[0]["location"]["row"] == SOURCE.splitlines().index("def huge():") + 1
    assert not [d for d in result.json() if "small" in d["message"]]


CLASS_SOURCE = """
import math
import torch
import torch.nn as nn


def angle(pos, i, d):
    return math.sin(pos / (10000 ** (2 * i / d)))


class Encoding(nn.Module):
    def __init__(self, d_model=512, max_len=400):
        super().__init__()
        pe = torch.zeros(max_len, d_model)
        for pos in range(max_len):
            for i in range(0, d_model, 2):
                pe[pos, i] = angle(pos, i, d_model)
        self.register_buffer("pe", pe)
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x):
        return self.proj(x + self.pe[: x.size(1)])
"""


def test_a_class_whose_building_runs_out_of_work_says_so_at_the_class(tmp_path: Path) -> None:
    """Its half-built instance is not followed as the model (a buffer the loop never finished would be
    "not known" there, which is not why)."""
    path = tmp_path / "encoding.py"
    path.write_text(CLASS_SOURCE)
    result = run_cli("check", str(path), "--show-info", "--output-format", "json")
    assert result.exit_code == 0, result.stderr
    notes = [(d["location"]["row"], d["message"]) for d in result.json()]
    row = CLASS_SOURCE.splitlines().index("class Encoding(nn.Module):") + 1
    said = "Encoding is not checked: building it takes more than one model's work budget (400,000 steps)"
    assert notes == [(row, said)]
