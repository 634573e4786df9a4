"""``torch.einsum`` refused where torch refuses it (CNL010: subscripts that do not match an operand's rank,
a label of two sizes), followed where torch runs it. The truth is torch on the same expression."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import reported

torch = pytest.importorskip("torch")

EXPRESSIONS = [
    "torch.einsum('bi,bio->bo', g, e)",  # g is 3-D
    "torch.einsum('bji,bio->bo', g, e)",
    "torch.einsum('bni,bio->bno', g, e)",  # 'i' is 4 and 4: runs
    "torch.einsum('bni,bjo->bno', g, e)",  # j is 4 in e, unrelated: runs
    "torch.einsum('bnk,bko->bno', g, e.transpose(1, 2))",  # k is 4 vs 8
    "torch.einsum('bnk,bko->bno', g, e)",
    "torch.einsum('bnk,ko->bno', g, e[0])",
    "torch.einsum('bnk,ko->bno', g, e[0].T)",
]

SOURCE = """
import torch
import torch.nn as nn


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.g = nn.Linear(8, 4)

    def forward(self, x):
        g = torch.softmax(self.g(x), dim=-1)
        e = torch.randn(2, 4, 8)
        return {expression}


m = M()
out = m(torch.randn(2, 1, 8))
"""


def _torch_raises(expression: str) -> bool:
    g, e = torch.randn(2, 1, 4), torch.randn(2, 4, 8)
    try:
        eval(expression, {"torch": torch, "g": g, "e": e})
    except RuntimeError:
        return True
    return False


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_einsum_is_refused_where_torch_refuses_it(tmp_path: Path, expression: str) -> None:
    source = SOURCE.format(expression=expression)
    path = tmp_path / "m.py"
    path.write_text(source)
    row = next(i for i, line in enumerate(source.splitlines(), 1) if "torch.einsum" in line)
    assert reported(path) == ({(row, "CNL010")} if _torch_raises(expression) else set())
