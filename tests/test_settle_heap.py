"""A batch process settles its heap between files (gc.collect, then gc.freeze), never for a single file,
and a long-lived process (the editor, tests) never does."""

from __future__ import annotations

import pytest

from cnnlint import schedule
from cnnlint.check import CheckOptions

SOURCE = b"import torch.nn as nn\nnet = nn.Sequential(nn.Linear(4, 2))\n"


@pytest.fixture
def settles(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(schedule, "_settle", lambda: calls.append(1))
    monkeypatch.setattr(schedule, "_files_checked", 0)
    return calls


def test_a_batch_settles_before_each_file_after_the_first(monkeypatch: pytest.MonkeyPatch, settles: list) -> None:
    monkeypatch.setattr(schedule, "settle_heap", True)
    for name in ("a.py", "b.py", "c.py"):
        result = schedule.check_bytes(SOURCE, name, CheckOptions())
        assert result.checked
    assert len(settles) == 2


def test_one_file_settles_nothing(monkeypatch: pytest.MonkeyPatch, settles: list) -> None:
    monkeypatch.setattr(schedule, "settle_heap", True)
    schedule.check_bytes(SOURCE, "a.py", CheckOptions())
    assert settles == []


def test_a_long_lived_process_never_settles(settles: list) -> None:
    assert schedule.settle_heap is False
    for name in ("a.py", "b.py"):
        schedule.check_bytes(SOURCE, name, CheckOptions())
    assert settles == []
