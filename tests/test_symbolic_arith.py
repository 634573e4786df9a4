"""Arithmetic on a symbolic batch in the interpreter: ``B * nH * nW`` stays symbolic (``16*B``).

Whatever it answers must hold for every batch: the composite dim, read back as
``k * B``, is Python's result for each B tried; what may differ between
batches (``B + 1``, ``B // 3``) is unknown. A model that reshapes into windows
of the batch is followed to its output and matches torch.
"""

from __future__ import annotations

import ast
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.interpret.pyops import arith
from cnnlint.interpret.values import UNKNOWN, Sym
from cnnlint.shapes.tensor_ops import factors

BATCHES = (1, 2, 3, 5, 8)
OPS = {ast.Mult: lambda a, b: a * b, ast.FloorDiv: lambda a, b: a // b, ast.Add: lambda a, b: a + b}
OPERAND = st.one_of(
    st.integers(-3, 40),
    st.builds(lambda k: Sym(f"{k}*B") if k != 1 else Sym("B"), st.integers(1, 64)),
)


def _value(v: object, batch: int) -> object:
    if isinstance(v, Sym):
        coefficient, names = factors(v)
        return coefficient * batch ** len(names)
    return v


@settings(max_examples=400, deadline=None)
@given(op=st.sampled_from(list(OPS)), a=OPERAND, b=OPERAND)
def test_symbolic_results_hold_for_every_batch(op: type, a: object, b: object) -> None:
    if not isinstance(a, Sym) and not isinstance(b, Sym):
        return
    mine = arith(op, a, b)
    if mine is UNKNOWN:
        return
    assert isinstance(mine, Sym)
    for batch in BATCHES:
        try:
            real = OPS[op](_value(a, batch), _value(b, batch))
        except ZeroDivisionError:
            pytest.fail(f"{a} {op.__name__} {b} is known but Python raises")
        assert _value(mine, batch) == real, (a, op, b, mine, batch)


def test_windows_of_the_batch() -> None:
    assert arith(ast.Mult, arith(ast.Mult, Sym("B"), 4), 4) == "16*B"
    assert arith(ast.FloorDiv, Sym("16*B"), 16) == "B"
    assert arith(ast.Mult, Sym("B"), Sym("B")) == "B*B"


def test_what_depends_on_the_batch_is_unknown() -> None:
    assert arith(ast.Add, Sym("B"), 1) is UNKNOWN
    assert arith(ast.FloorDiv, Sym("4*B"), 3) is UNKNOWN
    assert arith(ast.Div, Sym("4*B"), 2) is UNKNOWN
    assert arith(ast.Mult, Sym("B"), 0) is UNKNOWN
    assert arith(ast.Mult, Sym("B"), -2) is UNKNOWN
    assert arith(ast.Mult, Sym("B"), True) is UNKNOWN


WINDOWS = textwrap.dedent(
    """
    import torch
    import torch.nn as nn


    class WindowAttention(nn.Module):
        def __init__(self, dim=32, window=4, heads=2):
            super().__init__()
            self.window = window
            self.heads = heads
            self.qkv = nn.Linear(dim, dim * 3)
            self.proj = nn.Linear(dim, dim)

        def forward(self, x):
            B, H, W, C = x.shape
            nH, nW = H // self.window, W // self.window
            x = x.view(B, nH, self.window, nW, self.window, C).transpose(2, 3)
            x = x.reshape(B * nH * nW, self.window * self.window, C)
            b, n, c = x.shape
            q, k, v = self.qkv(x).view(b, n, 3, self.heads, -1).permute(2, 0, 3, 1, 4).unbind(0)
            x = (q @ k.transpose(-2, -1)).softmax(-1) @ v
            x = self.proj(x.transpose(1, 2).reshape(b, n, c))
            x = x.view(B, nH, nW, self.window, self.window, C).transpose(2, 3).reshape(B, H, W, C)
            return x


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(3, 32, 4, 4)
            self.attn = WindowAttention()
            self.head = nn.Linear(32, 10)

        def forward(self, x):
            x = self.stem(x).permute(0, 2, 3, 1)
            x = self.attn(x)
            return self.head(x.mean((1, 2)))
    """
)


def test_a_window_model_is_followed_and_matches_torch(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("torch")
    from conftest import summary_model, torch_built

    path = tmp_path / "windows.py"
    for batch in (1, 3):  # the truth comes from torch, batch by batch
        shape, params = torch_built(WINDOWS, path, "Net", (batch, 3, 64, 64))
        assert shape == [batch, 10]
    model = summary_model(path, "Net", "B,3,64,64")
    assert model["output_shape"] == ["B", 10]
    assert model["total_params"] == params
