"""``nn.TransformerEncoder(layer, num_layers, norm)``: followed as torch runs it (copies of the layer, then norm).

Torch is the oracle: output shape, parameters and FlopCounterMode's FLOPs / 2, on the meta device.
"""

from __future__ import annotations

import json
import warnings

import pytest
from conftest import run_cli

torch = pytest.importorskip("torch")

SOURCE = """\
import torch
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(D, H, dim_feedforward=F, batch_first=BF)
        self.encoder = nn.TransformerEncoder(layer, N, NORM)

    def forward(self, x):
        return self.encoder(x)


model = Encoder()
out = model(torch.randn(SHAPE))
"""


def _torch(source: str, shape: tuple[int, ...]) -> tuple[list[int], int, int]:
    from torch.utils.flop_counter import FlopCounterMode

    namespace: dict = {}
    with torch.device("meta"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nested-tensor advice
        exec(compile(source.split("model = ")[0], "enc.py", "exec"), namespace)
        model = namespace["Encoder"]()
        with FlopCounterMode(display=False) as counter:
            out = model(torch.empty(shape))
    return list(out.shape), sum(p.numel() for p in model.parameters()), counter.get_total_flops() // 2


@pytest.mark.parametrize(
    ("d", "h", "f", "batch_first", "n", "norm", "shape"),
    [
        (16, 4, 32, True, 2, "None", (2, 5, 16)),
        (8, 2, 24, False, 3, "nn.LayerNorm(8)", (7, 3, 8)),
        (12, 3, 12, True, 1, "norm=nn.LayerNorm(12)", (1, 4, 12)),
    ],
)
def test_transformer_encoder_is_torchs(tmp_path, d, h, f, batch_first, n, norm, shape):
    source = (
        SOURCE.replace("D, H", f"{d}, {h}")
        .replace("=F", f"={f}")
        .replace("BF", str(batch_first))
        .replace("N, NORM", f"{n}, {norm}")
        .replace("SHAPE", ", ".join(map(str, shape)))
    )
    path = tmp_path / "enc.py"
    path.write_text(source)
    result = run_cli("summary", "--output-format", "json", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    (model,) = [m for m in json.loads(result.stdout)["models"] if m["name"] == "Encoder"]
    assert (model["output_shape"], model["total_params"], model["total_macs"]) == tuple(_torch(source, shape))
    assert model["layers"][0]["type"] == "TransformerEncoder"


def test_unreadable_layer_count_is_unknown_not_an_error(tmp_path):
    source = SOURCE.replace("D, H", "16, 4").replace("=F", "=32").replace("BF", "True")
    source = source.replace("N, NORM", "int(__import__('os').environ['N'])").replace("SHAPE", "2, 5, 16")
    path = tmp_path / "enc.py"
    path.write_text(source)
    result = run_cli("summary", "--output-format", "json", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    (model,) = [m for m in json.loads(result.stdout)["models"] if m["name"] == "Encoder"]
    assert model["output_shape"] is None and model["total_params"] is None
