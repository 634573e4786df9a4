"""``spectral_norm`` / ``weight_norm`` (old API and ``parametrizations``) return the layer they wrap: followed
through, with torch's parameter count (``weight_norm`` adds ``weight_g``). The truth is torch building
the same source on the meta device."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import reported, summary_model

torch = pytest.importorskip("torch")

WRAPPERS = [
    "torch.nn.utils.spectral_norm({layer})",
    "torch.nn.utils.parametrizations.spectral_norm({layer})",
    "torch.nn.utils.weight_norm({layer})",
    "torch.nn.utils.weight_norm({layer}, dim=None)",
    "torch.nn.utils.weight_norm({layer}, dim=1)",
    "torch.nn.utils.parametrizations.weight_norm({layer})",
    "torch.nn.utils.parametrizations.weight_norm({layer}, dim=1)",
]
LAYERS = [
    ("nn.Conv2d(4, 6, 3, groups=2)", (2, 4, 9, 9)),
    ("nn.ConvTranspose2d(4, 6, 3)", (2, 4, 9, 9)),
    ("nn.Conv1d(4, 6, 3, bias=False)", (2, 4, 9)),
    ("nn.Linear(4, 6)", (2, 4)),
]

SOURCE = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential({wrapped}, nn.ReLU())

    def forward(self, x):
        return self.body(x)
"""


@pytest.mark.parametrize("wrapper", WRAPPERS)
@pytest.mark.parametrize(("layer", "dims"), LAYERS, ids=[layer for layer, _ in LAYERS])
def test_a_wrapped_layer_is_torchs(tmp_path: Path, wrapper: str, layer: str, dims: tuple[int, ...]) -> None:
    source = SOURCE.format(wrapped=wrapper.format(layer=layer))
    path = tmp_path / "net.py"
    path.write_text(source)
    namespace: dict = {}
    with torch.device("meta"):
        exec(compile(source, str(path), "exec"), namespace)
        net = namespace["Net"]()
        expected = list(net(torch.empty(*dims)).shape), sum(p.numel() for p in net.parameters())
    model = summary_model(path, "Net", ",".join(map(str, dims)))
    assert (model["output_shape"], model["total_params"]) == expected


def test_an_error_after_a_wrapped_layer_is_found(tmp_path: Path) -> None:
    path = tmp_path / "d.py"
    path.write_text(
        "import torch\nimport torch.nn as nn\nfrom torch.nn.utils import spectral_norm\n"
        "net = nn.Sequential(spectral_norm(nn.Conv2d(3, 8, 3)), nn.ReLU(), spectral_norm(nn.Conv2d(16, 4, 3)))\n"
        "out = net(torch.randn(2, 3, 16, 16))\n"
    )
    with pytest.raises(RuntimeError, match="expected input.* to have 16 channels"):
        exec(compile(path.read_text(), str(path), "exec"), {})
    assert reported(path) == {(4, "CNL002")}
