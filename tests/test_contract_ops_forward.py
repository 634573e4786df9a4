"""``torch.tensordot``, ``torch.outer``, ``x.diagonal``, ``F.embedding`` and ``x.tensor_split`` in
``forward``: followed to torch's output (and tensordot's MACs to torch's FLOP counter), and where torch
raises, the error is reported on the line that raises, with the op's code."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings, summary_model, torch_built

torch = pytest.importorskip("torch")

MIXER = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class Mixer(nn.Module):
    def __init__(self):
        super().__init__()
        self.table = nn.Parameter(torch.zeros(16, 4))
        self.mix = nn.Parameter(torch.zeros(4, 3, 5))

    def forward(self, x):  # (B, N, 4)
        ids = x.argmax(-1)
        rows = F.embedding(ids, self.table, padding_idx=0)
        mixed = torch.tensordot(x + rows, self.mix, dims=([2], [0]))
        head, tail = mixed.tensor_split([2], dim=1)
        pairs = torch.outer(head[0, 0, 0], tail[0, 0, 0])
        diag = mixed.diagonal(0, 2, 3)
        return torch.tensordot(diag, pairs.diagonal(1).unsqueeze(0), 1) + pairs.sum()
"""


def test_contractions_and_embedding_follow_torch(tmp_path: Path) -> None:
    from torch.utils.flop_counter import FlopCounterMode

    path = tmp_path / "mixer.py"
    expected, params = torch_built(MIXER, path, "Mixer", (2, 6, 4))
    namespace: dict = {}
    exec(compile(MIXER, str(path), "exec"), namespace)
    counter = FlopCounterMode(display=False)
    with torch.device("meta"), counter, torch.no_grad():
        namespace["Mixer"]()(torch.empty(2, 6, 4))
    model = summary_model(path, "Mixer", "2,6,4")
    assert model["output_shape"] == expected
    assert model["total_params"] == params
    assert model["total_macs"] == counter.get_total_flops() // 2


RAISES = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def forward(self, x):
        return EXPR
"""


@pytest.mark.parametrize(
    ("expr", "code"),
    [
        ("torch.tensordot(x, x, dims=([2], [1]))", "CNL010"),
        ("torch.tensordot(x, x, 4)", "CNL005"),
        ("torch.outer(x, x[0, 0])", "CNL006"),
        ("x.diagonal(0, 1, -2)", "CNL005"),
        ("F.embedding(x.argmax(-1), torch.zeros(5, 2, 2))", "CNL006"),
        ("F.embedding(x.argmax(-1), torch.zeros(5, 2), padding_idx=5)", "CNL005"),
        ("x.tensor_split(0, 1)", "CNL005"),
        ("x.sum().tensor_split(2)", "CNL006"),
    ],
)
def test_where_torch_raises_the_error_is_reported(tmp_path: Path, expr: str, code: str) -> None:
    names = {"torch": torch, "F": torch.nn.functional, "x": torch.empty(2, 3, 4, device="meta")}
    with pytest.raises((RuntimeError, IndexError, AssertionError)):
        eval(expr, names)
    path = tmp_path / "raises.py"
    path.write_text(RAISES.replace("EXPR", expr))
    assert [(row, c) for row, c, _ in findings(path, "--input", "Net=2,3,4")] == [(9, code)]
