"""CNL012: a ``view(-1, n)`` whose rows straddle samples. Torch is the oracle for "mixes samples":
every element of the input is labelled with its sample, and a row mixes samples when it holds two labels."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.check import CheckOptions, check_bytes

torch = pytest.importorskip("torch")

_SOURCE = """
import torch.nn as nn


# cnnlint: input=({b}, {c}, {h}, {w})
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d({c}, {c}, 1)

    def forward(self, x):
        x = self.conv(x)
        x = x.{method}(-1, {row})
        return x
"""


def _codes(source: str) -> list[str]:
    result = check_bytes(textwrap.dedent(source).encode(), "net.py", CheckOptions())
    return [d.code for d in result.diagnostics]


def _torch_view(b: int, c: int, h: int, w: int, row: int, method: str) -> str:
    """'error' when torch raises, 'mixed' when a row holds two samples' elements, else 'ok'."""
    labels = torch.arange(b).view(b, 1, 1, 1).expand(b, c, h, w).contiguous()
    try:
        out = getattr(labels, method)(-1, row)
    except RuntimeError:
        return "error"
    mixed = bool((out.min(dim=1).values != out.max(dim=1).values).any())
    return "mixed" if mixed else "ok"


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    b=st.integers(1, 6),
    c=st.integers(1, 8),
    h=st.integers(1, 6),
    w=st.integers(1, 6),
    row=st.integers(1, 64),
    method=st.sampled_from(["view", "reshape"]),
)
def test_cnl012_exactly_when_torch_mixes_samples(b: int, c: int, h: int, w: int, row: int, method: str) -> None:
    truth = _torch_view(b, c, h, w, row, method)
    codes = _codes(_SOURCE.format(b=b, c=c, h=h, w=w, row=row, method=method))
    assert ("CNL012" in codes) == (truth == "mixed"), (truth, codes)
    if truth == "error":
        assert any(code.startswith("CNL0") and code != "CNL012" for code in codes), codes


def test_the_issue_example_names_both_batch_sizes() -> None:
    source = _SOURCE.format(b=25, c=16, h=4, w=4, row="16 * 5 * 5", method="view")
    result = check_bytes(textwrap.dedent(source).encode(), "net.py", CheckOptions())
    [diag] = [d for d in result.diagnostics if d.code == "CNL012"]
    assert "batch of 25 becomes 16 rows" in diag.message
    assert diag.location.row == 13


def test_a_symbolic_batch_is_warned_when_no_batch_size_keeps_samples_apart() -> None:
    source = _SOURCE.format(b="B", c=16, h=4, w=4, row=400, method="view")
    assert "CNL012" in _codes(source)
    assert "CNL012" not in _codes(_SOURCE.format(b="B", c=16, h=5, w=5, row=400, method="view"))


def test_a_view_outside_the_batch_dim_is_not_judged() -> None:
    source = _SOURCE.format(b=25, c=16, h=4, w=4, row=400, method="view").replace("x.view(-1, 400)", "x.view(400, -1)")
    assert "CNL012" not in _codes(source)
