"""`cnnlint summary` totals against torch itself, on the meta device.

Each fixture is executed (tests may run fixtures; cnnlint never does) under
``torch.device("meta")`` so that building and running even VGG-16 costs no
memory and no arithmetic. The static totals must equal torch's exactly:

- parameters == ``sum(p.numel() for p in model.parameters())``;
- MACs == ``FlopCounterMode`` total FLOPs / 2 (conv, transposed conv, linear,
  matmul; bias, norms, pools and activations not counted by either).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES

from cnnlint.check import CheckOptions, check_bytes

# cnnlint.report.summary is imported inside the tests, not here: importing the submodule rebinds the
# package attribute `cnnlint.report.summary` (the text total that tests/test_report.py imports) to the module.

torch = pytest.importorskip("torch")

# fixture file, cnnlint model name, object in the executed file (a class is instantiated),
# the input size cnnlint must find, parameters, MACs (None: checked against torch only)
CASES = [
    ("alexnet_original.py", "alexnet", "alexnet", (1, 3, 227, 227), 62_378_344, 1_135_256_096),
    ("vgg16.py", "vgg16", "vgg16", (1, 3, 224, 224), 138_357_544, 15_470_264_320),
    ("d2l_alexnet.py", "net", "net", (1, 1, 224, 224), 46_764_746, None),
    ("lenet_sequential.py", "net", "net", (1, 1, 28, 28), 61_706, 416_520),
    ("lenet.py", "Net", "Net", (1, 1, 32, 32), 61_706, 416_520),
    ("conv1d_text.py", "signal_net", "signal_net", (8, 16, 1000), None, None),
    ("conv3d_video.py", "c3d", "c3d", (2, 3, 16, 112, 112), None, None),
    ("conv_transpose_decoder.py", "generator", "generator", (16, 100, 1, 1), None, None),
    ("bottleneck.py", "direct", "direct", (1, 128, 100, 100), 819_456, 8_192_000_000),
    ("bottleneck.py", "bottleneck", "bottleneck", (1, 128, 100, 100), 209_184, 2_088_960_000),
]


def cnnlint_model(filename: str, name: str):  # type: ignore[no-untyped-def]
    from cnnlint.report.summary import summary_records

    path = FIXTURES / filename
    result = check_bytes(path.read_bytes(), str(path), CheckOptions(want_models=True))
    found = [m for m in summary_records([result]) if m.name == name]
    assert len(found) == 1, f"{filename}: models found {[m.name for m in summary_records([result])]}"
    return found[0]


def torch_model(path: Path, obj: str):  # type: ignore[no-untyped-def]
    """Run the fixture file with every tensor and parameter on the meta device."""
    namespace = {"__name__": "cnnlint_fixture", "__file__": str(path)}
    code = compile(path.read_text(), str(path), "exec")
    with torch.device("meta"):
        exec(code, namespace)
        model = namespace[obj]
        if isinstance(model, type):
            model = model()
    return model


def torch_counts(model, shape: tuple[int, ...]) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    from torch.utils.flop_counter import FlopCounterMode

    params = sum(p.numel() for p in model.parameters())
    x = torch.empty(shape, device="meta")
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(x)
    flops = counter.get_total_flops()
    assert flops % 2 == 0
    return params, flops // 2


@pytest.mark.parametrize(
    ("filename", "name", "obj", "shape", "params", "macs"), CASES, ids=[f"{c[0]}::{c[1]}" for c in CASES]
)
def test_totals_equal_torch(filename, name, obj, shape, params, macs):
    summary = cnnlint_model(filename, name)
    assert summary.input_dims == shape
    assert not summary.partial, [(r.row, r.type, r.params, r.macs) for r in summary.layers]
    t_params, t_macs = torch_counts(torch_model(FIXTURES / filename, obj), shape)
    assert summary.total_params == t_params
    assert summary.total_macs == t_macs
    assert summary.total_flops == 2 * t_macs
    if params is not None:
        assert summary.total_params == params
    if macs is not None:
        assert summary.total_macs == macs


@pytest.mark.parametrize(
    ("filename", "name", "obj", "shape"), [c[:4] for c in CASES], ids=[f"{c[0]}::{c[1]}" for c in CASES]
)
def test_every_output_shape_equals_torch(filename, name, obj, shape):
    """Layer by layer, for the Sequentials: each row's output shape is torch's."""
    summary = cnnlint_model(filename, name)
    model = torch_model(FIXTURES / filename, obj)
    if not isinstance(model, torch.nn.Sequential):
        out = model(torch.empty(shape, device="meta"))
        assert summary.output_shape is not None and tuple(summary.output_shape.dims) == tuple(out.shape)
        return
    x = torch.empty(shape, device="meta")
    rows = [r for r in summary.layers if r.depth == 0]
    assert len(rows) == len(model)
    for row, layer in zip(rows, model):
        x = layer(x)
        assert tuple(row.output_shape.dims) == tuple(x.shape), (row.row, row.type)
        assert not row.output_shape.open
