"""``check`` does only the work its report shows: the batch-1 forward that gives MACs per sample of a
symbolic batch (a timm config's input) is run for reports that show MACs, not for ``check``."""

from __future__ import annotations

from typing import Any

import pytest

from cnnlint.check import CheckOptions, check_bytes
from cnnlint.interpret import following

SOURCE = b"""
import torch.nn as nn

default_cfg = {"input_size": (3, 8, 8)}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        return self.conv(x)
"""


@pytest.fixture
def per_sample_runs(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    runs: list[Any] = []
    real = following._per_sample

    def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(following, "_per_sample", counted)
    return runs


def test_check_skips_the_per_sample_forward(per_sample_runs: list[Any]) -> None:
    result = check_bytes(SOURCE, "net.py", CheckOptions())
    assert len(result.checked) == 1  # the model was checked
    assert per_sample_runs == []


def test_summary_keeps_the_per_sample_macs(per_sample_runs: list[Any]) -> None:
    result = check_bytes(SOURCE, "net.py", CheckOptions(want_models=True))
    (model,) = result.models
    assert model.model.input.dims[0] == "B"  # the config names no batch: symbolic
    assert len(per_sample_runs) == 1
    assert model.per_sample == [4 * 6 * 6 * 3 * 3 * 3]  # out x H x W x (in x k x k), per sample
