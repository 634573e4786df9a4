"""The deep-stack entry (CPython's frame-chunk thrashing, gh-142183): same results, one big chunk."""

from __future__ import annotations

import platform
import sys

import pytest

from cnnlint.stackroom import ROOM_SLOTS, call_with_room


def test_returns_what_the_call_returns_and_raises_what_it_raises() -> None:
    assert call_with_room(divmod, 17, 5) == (3, 2)
    with pytest.raises(ZeroDivisionError):
        call_with_room(divmod, 1, 0)


@pytest.mark.skipif(platform.python_implementation() != "CPython", reason="CPython's frame stack")
def test_the_entry_frame_reserves_the_room() -> None:
    assert call_with_room.__code__.co_stacksize == ROOM_SLOTS


def test_deep_recursion_under_the_entry_still_works() -> None:
    def depth(n: int) -> int:
        return 0 if n == 0 else 1 + depth(n - 1)

    n = min(5_000, sys.getrecursionlimit() - 100)  # past the room: frames go on to new chunks as usual
    assert call_with_room(depth, n) == n


def test_check_runs_through_the_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    from cnnlint import check

    calls = []

    def spy(fn, *args):  # type: ignore[no-untyped-def]
        calls.append(fn.__name__)
        return fn(*args)

    monkeypatch.setattr(check, "call_with_room", spy)
    result = check.check_bytes(b"import torch.nn as nn\nnet = nn.Sequential(nn.Linear(4, 2))\n", "m.py")
    assert calls == ["_check"]
    assert result.checked
