"""Selection ops in ``forward`` (top-k token pruning, sorted scores, gathered features, causal masks),
followed to torch's output; an op whose size only the data decides stops following and says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings, summary_model, torch_built

torch = pytest.importorskip("torch")

PRUNE = """
import torch
import torch.nn as nn


class Prune(nn.Module):
    def __init__(self, dim=8, keep=3):
        super().__init__()
        self.keep = keep
        self.score = nn.Linear(dim, 1)
        self.fc = nn.Linear(dim, 4)

    def forward(self, x):  # (B, N, D)
        scores = self.score(x).squeeze(-1)
        top = scores.topk(self.keep, dim=1).indices
        order = torch.sort(top, dim=1).values
        picked = x.gather(1, order.unsqueeze(-1).expand(-1, -1, x.shape[-1]))
        best = x.max(dim=1).values.unsqueeze(1)
        first = x.index_select(1, torch.arange(self.keep))
        causal = torch.tril(torch.ones(self.keep, self.keep))
        mixed = causal @ (picked + first)
        kept = torch.where(mixed > 0, mixed, 0.0) + best
        return self.fc(kept.argsort(dim=-1).float() + kept)
"""


def test_topk_sort_gather_max_index_select_tril_where_match_torch(tmp_path: Path) -> None:
    path = tmp_path / "prune.py"
    expected, params = torch_built(PRUNE, path, "Prune", (2, 6, 8))
    model = summary_model(path, "Prune", "2,6,8")
    assert model["output_shape"] == expected == [2, 3, 4]
    assert model["total_params"] == params


NONZERO = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)

    def forward(self, x):
        where = x.nonzero()
        return self.fc(where.float())
"""


def test_an_op_whose_size_only_the_data_decides_says_so(tmp_path: Path) -> None:
    path = tmp_path / "nonzero.py"
    path.write_text(NONZERO)
    found = findings(path, "--input", "Net=3,2")
    message = "shape following stops here: how many elements nonzero(...) gives only the data decides"
    assert found == [(12, "CNL100", message)]


REDUCED = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        y = self.fc(x)
        return EXPR
"""


@pytest.mark.parametrize(
    "expr",
    [
        "y.norm(2)",  # p first: no dim
        "y.norm(2, 1)",
        "y.norm(dim=1, keepdim=True)",
        "y.std(1, True)",  # dim, unbiased
        "y.var(1, False, True)",  # dim, unbiased, keepdim
        "y.max()",
        "y.median()",
        "y.all()",
        "y.var(unbiased=False)",
        "torch.max(x, y)",
        "y.min(1)[0]",
        "y.max(dim=-1, keepdim=True).values",
    ],
)
def test_reductions_read_their_arguments_as_torch_does(tmp_path: Path, expr: str) -> None:
    source = REDUCED.replace("EXPR", expr)
    path = tmp_path / "reduced.py"
    expected, _ = torch_built(source, path, "Net", (2, 3, 4))
    assert summary_model(path, "Net", "2,3,4")["output_shape"] == expected


UNPOOL = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.MaxPool2d(2, return_indices=True)

    def forward(self, x):
        pooled, where = self.pool(x)
        values, indices = F.max_pool2d(x, 2, return_indices=True)
        return torch.cat([pooled + values, where.float(), indices[:, :1].float()], 1)
"""


def test_a_max_pool_that_returns_indices_returns_two_tensors(tmp_path: Path) -> None:
    path = tmp_path / "unpool.py"
    expected, _ = torch_built(UNPOOL, path, "Net", (2, 3, 8, 8))
    assert summary_model(path, "Net", "2,3,8,8")["output_shape"] == expected
    assert findings(path, "--input", "Net=2,3,8,8") == []
