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
