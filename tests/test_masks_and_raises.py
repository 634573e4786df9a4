"""Comparisons of tensors are bool masks of the broadcast shape; a mask as an index selects a number of
elements only the data decides (never a gather); a ``raise`` reached for certain says so. Each against
torch."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings, reported, summary_model, torch_built

torch = pytest.importorskip("torch")

POOL = """
import torch
import torch.nn as nn


class Pool(nn.Module):
    # Gemma4's soft-token pooler: cells by comparing each token's cell index with every cell
    def __init__(self, k=3, dim=8):
        super().__init__()
        self.k = k
        self.fc = nn.Linear(dim, 5)

    def forward(self, x):
        n = x.shape[1]
        cells = torch.arange(n // (self.k * self.k))
        ids = torch.arange(n).unsqueeze(0).expand(x.shape[0], -1) // (self.k * self.k)
        weights = (ids.unsqueeze(-1) == cells).float() / (self.k * self.k)
        keep = torch.logical_not((weights == 0).all(dim=1))
        pooled = weights.transpose(1, 2) @ x
        return self.fc(pooled * keep.unsqueeze(-1))
"""


def test_a_comparison_of_tensors_is_a_mask_of_the_broadcast_shape(tmp_path: Path) -> None:
    path = tmp_path / "pool.py"
    expected, params = torch_built(POOL, path, "Pool", (2, 36, 8))
    model = summary_model(path, "Pool", "2,36,8")
    assert model["output_shape"] == expected == [2, 4, 5]
    assert model["total_params"] == params


MISMATCH = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        y = self.fc(x)
        same = x == y  # expect: CNL008
        return same.float()
"""


def test_a_comparison_that_does_not_broadcast_is_reported_where_torch_raises(tmp_path: Path) -> None:
    path = tmp_path / "mismatch.py"
    path.write_text(MISMATCH)
    namespace: dict = {}
    exec(compile(MISMATCH, str(path), "exec"), namespace)
    with pytest.raises(RuntimeError, match="must match"):
        namespace["Net"]()(torch.zeros(2, 4))
    assert reported(path, "--input", "Net=2,4") == {(13, "CNL008")}


MASKED = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        picked = x[MASK]
        return self.fc(picked)
"""


@pytest.mark.parametrize(
    "mask",
    [
        "x > 0",
        "x.gt(0)",
        "torch.gt(x, 0)",
        "(x != 0).bool()",
        "(x < 1) & (x > -1)",
        "~(x > 0)",
        "(x > 0).unsqueeze(0)[0]",  # a mask rearranged is still a mask
        "(x > 0).flatten().view(2, 3, 4)",
    ],
)
def test_a_mask_as_an_index_stops_following_and_reports_nothing_else(tmp_path: Path, mask: str) -> None:
    source = MASKED.replace("MASK", mask)
    path = tmp_path / "masked.py"
    path.write_text(source)
    x = torch.randn(2, 3, 4)
    assert x[eval(mask, {"x": x, "torch": torch})].dim() == 1  # torch: one dim, as long as the data decides
    message = "shape following stops here: indexing with a bool mask selects a number of elements only the data decides"
    assert findings(path, "--input", "Net=2,3,4") == [(12, "CNL100", message)]


INDEXED = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("table", torch.zeros(10, 6))
        self.fc = nn.Linear(6, 2)

    def forward(self, x):
        idx = (torch.arange(4) * 2).long()
        return self.fc(self.table[idx] + x)
"""


def test_an_index_tensor_still_gathers(tmp_path: Path) -> None:
    path = tmp_path / "indexed.py"
    expected, _ = torch_built(INDEXED, path, "Net", (4, 6))
    assert summary_model(path, "Net", "4,6")["output_shape"] == expected == [4, 2]


RAISES = """
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, cell=4):
        super().__init__()
        self.cell = cell
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        if x.shape[-1] % self.cell:
            raise ValueError("the size must divide by the cell")
        return self.fc(x)
"""


def test_a_raise_reached_for_certain_at_the_given_input_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "raises.py"
    path.write_text(RAISES)
    namespace: dict = {}
    exec(compile(RAISES, str(path), "exec"), namespace)
    with pytest.raises(ValueError):
        namespace["Net"]()(torch.zeros(2, 6))
    message = "the code raises ValueError at this input: the size must divide by the cell"
    assert findings(path, "--input", "Net=2,6") == [(13, "CNL014", message)]
    # where the condition is unknown (the size is symbolic), the raise may not happen: nothing is said
    assert reported(path, "--show-info", "--input", "Net=2,W") == set()
    # nor at the sizes the input search tries when nobody gave one: a size the code refuses is not accepted
    assert {code for _, code in reported(path)} <= {"CNL100"}


AFTER_A_ONE_SIDED_RETURN = """
import enum

import torch
import torch.nn as nn


class Gate(nn.Module):
    def forward(self, x):
        if x.abs().sum() >= 0:  # the data decides: either may run
            return x
        raise ValueError("unreachable")


class Mode(str, enum.Enum):
    CAT = "cat"


class Skip(nn.Module):  # MONAI's SkipConnection: a mode cnnlint cannot work out
    def __init__(self, mode="cat"):
        super().__init__()
        self.mode = mode if isinstance(Mode, enum.EnumMeta) else "other"
        self.fc = nn.Linear(6, 2)

    def forward(self, x):
        if self.mode == "cat":
            return torch.cat([x, x], dim=1)
        return self.fc(x)  # torch never gets here: Linear(6) would refuse 3 features


print(Gate()(torch.randn(1, 3, 8, 8)).shape)
print(Skip()(torch.randn(1, 3)).shape)
"""


def test_what_follows_a_return_taken_in_one_branch_only_is_not_certain(tmp_path: Path) -> None:
    """MONAI's VoxelMorph and README UNet were a CNL014 "the code raises NotImplementedError at this input"
    (the raise after ``if self.mode == ...: return``); torch runs them."""
    import runpy

    path = tmp_path / "net.py"
    path.write_text(AFTER_A_ONE_SIDED_RETURN)
    runpy.run_path(str(path))
    assert reported(path) == set()


def test_a_raise_after_a_return_in_a_branch_that_is_decided_is_still_certain(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    path.write_text(
        "import torch\nimport torch.nn as nn\n\n\n"
        "class Net(nn.Module):\n    def forward(self, x):\n        if x.dim() == 3:\n            return x\n"
        "        raise ValueError('4-D input')\n\n\n"
        "Net()(torch.randn(1, 3, 8, 8))\n"
    )
    with pytest.raises(ValueError):
        import runpy

        runpy.run_path(str(path))
    assert reported(path) == {(9, "CNL014")}
