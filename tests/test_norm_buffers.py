"""A normalization layer's running statistics (``bn.running_mean``) and the input check a subclass's forward
calls (``self._check_input_dim(x)``, then ``F.batch_norm(x, self.running_mean, ...)``: MAML's
``MetaBatchNorm2d``, corpus G #16). The truth: torch."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import findings, module_globals, script_and_check, summary_model

from cnnlint.interpret.values import UNKNOWN, TensorVal

torch = pytest.importorskip("torch")

LAYERS = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d", "SyncBatchNorm"]


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("track", ["", ", track_running_stats=True", ", track_running_stats=False"])
@pytest.mark.parametrize("name", ["running_mean", "running_var", "num_batches_tracked"])
def test_running_statistics_are_torchs(layer: str, track: str, name: str) -> None:
    code = f"import torch.nn as nn\nm = nn.{layer}(12{track})\nvalue = m.{name}\n"
    real = getattr(eval(f"torch.nn.{layer}(12{track})"), name)
    got = module_globals(code)["value"]
    if layer == "SyncBatchNorm" and got is UNKNOWN:
        return  # not in the catalogue: unknown, never a guess
    if real is None:
        assert got is None
    else:
        assert isinstance(got, TensorVal) and got.shape.dims == tuple(real.shape)
        assert got.integer == (real.dtype == torch.int64)


META_BN = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn
    import torch.nn.functional as F


    class MetaBatchNorm2d(nn.BatchNorm2d):
        def forward(self, x, params=None):
            self._check_input_dim(x)
            weight = self.weight if params is None else params["weight"]
            bias = self.bias if params is None else params["bias"]
            stats = self.running_mean, self.running_var
            return F.batch_norm(x, *stats, weight, bias, self.training, self.momentum, self.eps)


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 16, 3)
            self.bn = MetaBatchNorm2d(16)
            self.fc = nn.Linear({features}, 10)

        def forward(self, x):
            return self.fc(self.bn(self.conv(x)).flatten(1))


    net = Net()
    out = net(torch.randn(2, 3, 32, 32))
    """
)


@pytest.mark.parametrize("features", [16 * 30 * 30, 16 * 32 * 32])
def test_a_batchnorm_subclass_with_its_own_forward_is_followed(tmp_path: Path, features: int) -> None:
    path = tmp_path / "meta.py"
    path.write_text(META_BN.format(features=features))
    error, found = script_and_check(path)
    if features == 16 * 30 * 30:
        assert error is None and found == []
        assert not [code for _, code, _ in findings(path) if code == "CNL100"]  # followed to the end
        model = summary_model(path, "Net", "2,3,32,32")
        with torch.device("meta"):
            import runpy

            net = runpy.run_path(str(path), run_name="not_main")["Net"]()
            assert model["output_shape"] == list(net(torch.empty(2, 3, 32, 32)).shape)
        assert model["total_params"] == sum(p.numel() for p in net.parameters())
    else:
        assert error is not None and "2x14400 and 16384x10" in error
        assert found == [(20, "CNL001")]


def test_an_input_the_check_refuses_is_an_error_there(tmp_path: Path) -> None:
    """A 3-D input to a BatchNorm2d subclass: torch's ``_check_input_dim`` raises (``expected 4D input (got 3D
    input)``), said at the check; nothing after it (the wrong Linear) is, as torch never gets there."""
    path = tmp_path / "meta.py"
    path.write_text(META_BN.format(features=10).replace("torch.randn(2, 3, 32, 32)", "torch.randn(3, 32, 32)"))
    error, found = script_and_check(path, RuntimeError, ValueError)
    assert error == "expected 4D input (got 3D input)"
    assert found == [(8, "CNL006")]
