"""MaxUnpool1d/2d/3d (``cnnlint/shapes/unpool.py``) against torch on the CPU: the size of what a max pool's
values and indices unpool to, and end to end through a model that hands the indices on (ENet, SegNet)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import findings, summary_model
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cnnlint.shapes.catalogue import CATALOGUE
from cnnlint.shapes.dims import Shape, is_known

torch = pytest.importorskip("torch")


def _arg(draw: st.DrawFn, n: int, values: st.SearchStrategy) -> Any:
    return draw(values) if draw(st.booleans()) else tuple(draw(values) for _ in range(n))


@st.composite
def configs(draw: st.DrawFn) -> tuple[int, dict[str, Any], tuple[int, ...]]:
    n = draw(st.integers(1, 3))
    kwargs: dict[str, Any] = {"kernel_size": _arg(draw, n, st.integers(1, 3))}
    if draw(st.booleans()):
        kwargs["stride"] = draw(st.one_of(st.none(), st.integers(1, 3)))
    if draw(st.booleans()):
        kwargs["padding"] = draw(st.integers(0, 1))
    batch = (draw(st.integers(1, 2)),) if draw(st.booleans()) else ()
    return n, kwargs, (*batch, draw(st.integers(1, 3)), *(draw(st.integers(1, 7)) for _ in range(n)))


@settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_unpooled_size_is_torchs(config: tuple[int, dict[str, Any], tuple[int, ...]]) -> None:
    n, kwargs, in_shape = config
    try:
        pooled, indices = getattr(torch.nn, f"MaxPool{n}d")(**kwargs, return_indices=True)(torch.randn(in_shape))
    except RuntimeError:
        assume(False)  # the pool itself refuses: nothing to unpool
    try:
        real = list(getattr(torch.nn, f"MaxUnpool{n}d")(**kwargs)(pooled, indices).shape)
    except RuntimeError as err:  # an index past the unpooled size: what the data decides
        assert "invalid max index" in str(err)
        return
    spec = CATALOGUE[f"MaxUnpool{n}d"]
    args = {"kernel_size": kwargs["kernel_size"], "stride": kwargs.get("stride"), "padding": kwargs.get("padding", 0)}
    mine = spec.infer(args, Shape(*pooled.shape))
    if all(is_known(d) for d in mine.dims):  # a size claimed is torch's (unknown where unsure)
        assert list(mine.dims) == real
    else:
        assert min(real[-n:]) <= 1


ENET = """import torch.nn as nn


class Down(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2, return_indices=True)

    def forward(self, x):
        return self.pool(self.conv(x))


class Up(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(8, 8, 1)
        self.unpool = nn.MaxUnpool2d(kernel_size=2)

    def forward(self, x, indices):
        return self.unpool(self.conv(x), indices)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = Down()
        self.mid = nn.Conv2d(8, 8, 3, padding=1)
        self.up = Up()
        self.head = nn.Conv2d(8, 2, 1)

    def forward(self, x):
        x, indices = self.down(x)
        return self.head(self.up(self.mid(x), indices))
"""


def test_indices_handed_on_unpool_to_torchs_size(tmp_path: Path) -> None:
    path = tmp_path / "enet.py"
    path.write_text(ENET)
    namespace: dict = {}
    exec(compile(ENET, str(path), "exec"), namespace)  # noqa: S102 - torch is the oracle
    shape = list(namespace["Net"]()(torch.randn(2, 3, 10, 10)).shape)
    model = summary_model(path, "Net", "2,3,10,10")
    assert model["output_shape"] == shape == [2, 2, 10, 10]
    wrong = ENET.replace("nn.Conv2d(8, 2, 1)", "nn.Conv2d(4, 2, 1)")
    path.write_text(wrong)
    namespace = {}
    exec(compile(wrong, str(path), "exec"), namespace)  # noqa: S102
    with pytest.raises(RuntimeError):
        namespace["Net"]()(torch.randn(2, 3, 10, 10))
    assert [(row, code) for row, code, _ in findings(path, "--input", "Net=2,3,10,10")] == [(30, "CNL002")]
