"""Layer factories chosen with ``inspect.isfunction`` (pytorchcv's style) and the training mode the code sets.

pytorchcv builds every norm and activation through
``normalization(**kw) if isfunction(normalization) else normalization``; and
its test functions call ``net.eval()`` before feeding a batch of 1, where
BatchNorm's training-only error does not apply. torch is the oracle for both.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import findings, summary_model, torch_built

torch = pytest.importorskip("torch")

FACTORIES = textwrap.dedent(
    """
    from inspect import isclass, isfunction

    import torch.nn as nn


    def lambda_batchnorm2d(eps=1e-5):
        return lambda num_features: nn.BatchNorm2d(num_features=num_features, eps=eps)


    def lambda_relu():
        return lambda: nn.ReLU(inplace=True)


    def make(layer, **kwargs):
        assert layer is not None
        if isfunction(layer):
            return layer(**kwargs)
        elif isclass(layer):
            return layer(**kwargs)
        else:
            assert isinstance(layer, nn.Module)
            return layer


    class ConvBlock(nn.Module):
        def __init__(self, cin, cout, normalization=lambda_batchnorm2d(), activation=lambda_relu()):
            super().__init__()
            self.normalize = normalization is not None
            self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
            if self.normalize:
                self.bn = make(normalization, num_features=cout)
                if self.bn is None:
                    self.normalize = False
            self.activ = make(activation)

        def forward(self, x):
            x = self.conv(x)
            if self.normalize:
                x = self.bn(x)
            return self.activ(x)


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = ConvBlock(3, 16)
            self.b = ConvBlock(16, 32, normalization=nn.BatchNorm2d(32), activation=nn.ReLU())
            self.c = ConvBlock(32, 8, normalization=nn.InstanceNorm2d, activation=nn.Sigmoid)
            self.head = nn.Linear(8 * 10 * 10, 5)

        def forward(self, x):
            return self.head(self.c(self.b(self.a(x))).flatten(1))
    """
)


def test_layers_made_through_isfunction_and_isclass_match_torch(tmp_path: Path) -> None:
    path = tmp_path / "factories.py"
    shape, params = torch_built(FACTORIES, path, "Net", (2, 3, 10, 10))
    model = summary_model(path, "Net", "2,3,10,10")
    assert model["output_shape"] == shape == [2, 5]
    assert model["total_params"] == params


def test_isfunction_of_something_unknown_stays_unknown(tmp_path: Path) -> None:
    path = tmp_path / "unknown.py"
    path.write_text(
        FACTORIES.replace(
            "self.bn = make(normalization, num_features=cout)", "self.bn = make(get_norm(), num_features=cout)"
        )
    )
    model = summary_model(path, "Net", "2,3,10,10")
    assert model["output_shape"] is None and model["partial"] is True
    assert [(code, message) for _, code, message in findings(path, "--input", "Net=2,3,10,10")] == [
        ("CNL100", "shape following stops here: self.bn could not be resolved")
    ]


MODE = textwrap.dedent(
    """
    import torch
    import torch.nn as nn


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3)
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.bn = nn.BatchNorm2d(8)

        def forward(self, x):
            return self.bn(self.pool(self.conv(x)))


    def run():
        net = Net()
        MODE
        return net(torch.randn(1, 3, 32, 32))
    """
)


@pytest.mark.parametrize(
    "mode", ["net.eval()", "net = net.eval()", "net.train(False)", "net.train()", "net.eval(); net.train()", "pass"]
)
def test_batchnorm_training_only_error_follows_the_mode_the_code_sets(tmp_path: Path, mode: str) -> None:
    source = MODE.replace("MODE", mode)
    namespace: dict = {}
    exec(compile(source, "mode.py", "exec"), namespace)
    try:
        namespace["run"]()
        raises = False
    except ValueError as exc:
        assert "more than 1 value per channel" in str(exc)
        raises = True
    path = tmp_path / "mode.py"
    path.write_text(source)
    rows = [(row, code) for row, code, _ in findings(path) if code != "CNL100"]
    assert rows == ([(11, "CNL005")] if raises else [])
