"""Ops the interpreter follows for Swin and MaxViT, each against torch (or NumPy) as the oracle.

``layer.weight`` / ``layer.bias`` shapes, ``F.linear`` with those weights,
``torch.einsum`` (shape and MACs: FlopCounterMode counts the ``bmm`` it lowers
to), ``torch.meshgrid``, ``np.linspace`` values read back with ``.tolist()``,
and namedtuple instances (GoogLeNet's outputs).
"""

from __future__ import annotations

import inspect
import textwrap
from pathlib import Path

import pytest
from conftest import run_cli

from cnnlint.interpret import tensor_value_calls as tvc
from cnnlint.interpret import tensor_values as tv
from cnnlint.interpret.param_shapes import param_shape

torch = pytest.importorskip("torch")

LAYERS = [
    ("Linear", (5, 7), {}),
    ("Linear", (5, 7), {"bias": False}),
    ("Conv1d", (4, 6, 3), {}),
    ("Conv2d", (4, 8, (3, 5)), {"groups": 2}),
    ("Conv3d", (2, 4, 3), {"bias": False}),
    ("ConvTranspose2d", (4, 6, 3), {"groups": 2}),
    ("LayerNorm", ((3, 4),), {}),
    ("LayerNorm", (8,), {"elementwise_affine": False}),
    ("LayerNorm", (8,), {"bias": False}),
    ("BatchNorm2d", (6,), {}),
    ("BatchNorm1d", (6,), {"affine": False}),
    ("GroupNorm", (2, 6), {}),
    ("Embedding", (10, 3), {}),
]


@pytest.mark.parametrize(("kind", "args", "kwargs"), LAYERS)
def test_parameter_shapes_are_torchs(kind: str, args: tuple, kwargs: dict) -> None:
    cls = getattr(torch.nn, kind)
    with torch.device("meta"):
        layer = cls(*args, **kwargs)
    bound = inspect.signature(cls).bind(*args, **kwargs)
    bound.apply_defaults()
    for name in ("weight", "bias"):
        if not hasattr(layer, name):  # Embedding has no bias: the interpreter's unknown is not wrong
            continue
        real = getattr(layer, name)
        mine = param_shape(kind, dict(bound.arguments), name)
        if real is None:
            assert mine is None
        else:
            assert mine is not None and list(mine.dims) == list(real.shape)


def test_a_layer_not_listed_has_unknown_parameter_shapes() -> None:
    assert param_shape("PReLU", {"num_parameters": 3}, "weight").open


def model_source(body: str, forward: str) -> str:
    """One small module ``Net`` with ``body`` in its ``__init__`` and ``forward`` as its forward's body."""
    return textwrap.dedent(
        f"""
        import typing
        from collections import namedtuple

        import numpy as np
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        Pair = namedtuple("Pair", "a b", defaults=(None,))
        Triple = typing.NamedTuple("Triple", [("x", torch.Tensor), ("y", torch.Tensor), ("z", int)])

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                {body}

            def forward(self, x):
                {forward}
        """
    )


def run_model(tmp_path: Path, body: str, forward: str, size: tuple[int, ...]) -> tuple[dict, list, int, int]:
    """cnnlint's model and torch's (output shape, params, FLOPs) for one small module."""
    from torch.utils.flop_counter import FlopCounterMode

    source = model_source(body, forward)
    env: dict = {}
    exec(source, env)  # noqa: S102 - the torch side of the oracle
    model = env["Net"]()
    with FlopCounterMode(display=False) as counter:
        out = model(torch.randn(*size))
    path = tmp_path / "model.py"
    path.write_text(source, encoding="utf-8")
    result = run_cli("summary", str(path), "--input", f"Net={','.join(map(str, size))}", "--output-format", "json")
    assert result.exit_code in (0, 1), result.stderr
    (mine,) = [m for m in result.json()["models"] if m["name"] == "Net"]
    return mine, list(out.shape), sum(p.numel() for p in model.parameters()), counter.get_total_flops()


@pytest.mark.parametrize(
    ("body", "forward", "size"),
    [
        ("self.fc = nn.Linear(6, 5)", "return F.linear(x, self.fc.weight, self.fc.bias)", (2, 3, 6)),
        ("self.fc = nn.Linear(6, 5, bias=False)", "return F.linear(x, self.fc.weight)", (4, 6)),
        ("self.fc = nn.Linear(6, 6)", "return torch.einsum('bij,bjk->bik', x, x)", (2, 6, 6)),
        ("self.fc = nn.Linear(6, 6)", "return torch.einsum('B I D, B J D -> B I J', x, self.fc(x))", (2, 5, 6)),
        ("self.fc = nn.Linear(6, 6)", "return torch.einsum('bid,bjd', x, x)", (2, 5, 6)),
        ("self.fc = nn.Linear(6, 6)", "return torch.einsum('bi,bj->bij', self.fc(x), x)", (3, 6)),
        ("self.fc = nn.Linear(6, 6)", "return torch.einsum('ij->ji', self.fc(x))", (3, 6)),
        (
            "self.n = len(np.linspace(0, 0.2, 7).tolist()); self.fc = nn.Linear(3, 3)",
            "a, b = torch.meshgrid(torch.arange(self.n), torch.arange(3), indexing='ij')\n"
            "                return self.fc(x) + a.unsqueeze(0) * b.unsqueeze(0)",
            (2, 7, 3),
        ),
        ("self.fc = nn.Linear(6, 4)", "p = Pair(self.fc(x), b=x)\n                return p.a + p[1][:, :4]", (2, 6)),
        ("self.fc = nn.Linear(6, 4)", "a, b = Pair(self.fc(x))\n                return a if b is None else x", (2, 6)),
        ("self.fc = nn.Linear(6, 6)", "t = Triple(x, self.fc(x), 2)\n                return t.y * t.z + t.x", (2, 6)),
        (  # timm's GlobalResponseNorm (ConvNeXt-V2)
            "self.w = nn.Parameter(torch.zeros(8)); self.c = nn.Conv2d(8, 8, 1)",
            "g = x.norm(p=2, dim=(2, 3), keepdim=True)\n"
            "                n = g / (g.mean(dim=1, keepdim=True) + 1e-6)\n"
            "                w = self.w.view(1, -1, 1, 1)\n"
            "                return self.c(x + torch.addcmul(w, w, x * n))",
            (2, 8, 5, 5),
        ),
        ("self.fc = nn.Linear(6, 6)", "return torch.addcdiv(x[:, :1], self.fc(x), x.unsqueeze(0), value=0.5)", (2, 6)),
        ("self.fc = nn.Linear(6, 6)", "return self.fc(torch.lerp(x, self.fc(x), 0.3))", (2, 6)),
        ("self.fc = nn.Linear(6, 6)", "return self.fc(x.lerp(self.fc(x)[:1], torch.sigmoid(x)))", (2, 6)),
    ],
)
def test_ops_match_torch(tmp_path: Path, body: str, forward: str, size: tuple[int, ...]) -> None:
    mine, shape, params, flops = run_model(tmp_path, body, forward, size)
    assert mine["output_shape"] == shape
    assert mine["total_params"] == params
    assert mine["total_macs"] is not None and 2 * mine["total_macs"] == flops


@pytest.mark.parametrize(
    "op", ["x.addcmul(self.fc(x), x)", "torch.addcdiv(x, x, self.fc(x))", "x.lerp(self.fc(x), 0.5)"]
)
def test_ternary_ops_that_cannot_broadcast_are_errors_where_torch_raises(tmp_path: Path, op: str) -> None:
    source = model_source("self.fc = nn.Linear(6, 5)", f"return {op}")
    env: dict = {}
    exec(source, env)  # noqa: S102 - the torch side of the oracle
    with pytest.raises(RuntimeError):
        env["Net"]()(torch.randn(2, 6))
    (tmp_path / "model.py").write_text(source)
    result = run_cli("check", str(tmp_path / "model.py"), "--input", "Net=2,6")
    row = 1 + next(i for i, line in enumerate(source.splitlines()) if line.strip() == f"return {op}")
    assert result.exit_code == 1 and f"model.py:{row}:16: CNL008" in result.stdout, result.stdout


def test_per_sample_macs_past_a_batchnorm_of_one_value_per_channel_are_torchs(tmp_path: Path) -> None:
    """ResNeSt's split attention normalises (B, C, 1, 1): at the per-sample batch of 1 torch raises in
    training mode only, and what the model computes (its MACs, counted in eval mode) is still defined."""
    from torch.utils.flop_counter import FlopCounterMode

    body = "self.c = nn.Conv2d(8, 16, 3); self.fc = nn.Conv2d(16, 4, 1); self.bn = nn.BatchNorm2d(4)"
    source = model_source(body, "return self.bn(self.fc(self.c(x).mean((2, 3), keepdim=True)))")
    env: dict = {}
    exec(source, env)  # noqa: S102 - the torch side of the oracle
    with FlopCounterMode(display=False) as counter:
        env["Net"]().eval()(torch.randn(1, 8, 6, 6))
    (tmp_path / "model.py").write_text(source)
    result = run_cli("summary", str(tmp_path / "model.py"), "--input", "Net=B,8,6,6", "--output-format", "json")
    (mine,) = result.json()["models"]
    assert mine["macs_per_sample"] and mine["output_shape"] == ["B", 4, 1, 1]
    assert 2 * mine["total_macs"] == counter.get_total_flops()


def test_einsum_not_modelled_is_unknown_and_silent(tmp_path: Path) -> None:
    forward = "return torch.einsum('...ij,...jk->...ik', self.fc(x), x)"
    mine, shape, _, _ = run_model(tmp_path, "self.fc = nn.Linear(3, 3)", forward, (2, 3, 3))
    assert mine["output_shape"] is None and shape == [2, 3, 3]
    assert not [d for layer in mine["layers"] for d in layer.get("diagnostics", []) if d["code"] != "CNL100"]


def test_np_linspace_is_numpys() -> None:
    np = pytest.importorskip("numpy")
    for start, stop, num, endpoint in [(0, 0.2, 11, True), (-1.5, 3, 7, False), (2, 2, 4, True), (0, 1, 1, True)]:
        mine = tvc.call_torch("numpy.linspace", [start, stop, num], {"endpoint": endpoint})
        assert tv.tolist(mine).items == np.linspace(start, stop, num, endpoint=endpoint).tolist()
    arr = tvc.call_torch("numpy.linspace", [0, 1, 5], {})
    doubled = tvc.binop("*", arr, 2)  # NumPy's arithmetic (float64, numpy_values.py), not torch's float32
    assert (
        doubled.numpy and doubled.dtype == "float64" and tv.tolist(doubled).items == (np.linspace(0, 1, 5) * 2).tolist()
    )


def test_namedtuple_binding_is_pythons() -> None:
    from collections import namedtuple

    from cnnlint.interpret import namedtuples as nt
    from cnnlint.interpret.values import UNKNOWN, ListVal

    kind = nt.define(["P", ListVal(["a", "b", "c"])], {"defaults": (0,)})
    real = namedtuple("P", ["a", "b", "c"], defaults=(0,))
    for args, kwargs in [((1, 2), {}), ((1,), {"b": 2, "c": 3}), ((1, 2, 3), {}), ((), {"a": 1, "b": 2})]:
        built = nt.construct(kind, list(args), kwargs)
        assert tuple(built) == tuple(real(*args, **kwargs)) and nt.field(built, "b") == real(*args, **kwargs).b
    for args, kwargs in [((1,), {}), ((1, 2, 3, 4), {}), ((1, 2), {"a": 1}), ((1, 2), {"d": 1})]:
        with pytest.raises(TypeError):
            real(*args, **kwargs)
        assert nt.construct(kind, list(args), kwargs) is UNKNOWN
    assert nt.define(["P", "a _b"], {}) is UNKNOWN and nt.define(["P", UNKNOWN], {}) is UNKNOWN


def test_a_model_without_layers_has_its_output_shape(tmp_path: Path) -> None:
    """A forward of tensor ops only (no layer, no parameter): the output is still known, as torch's."""
    forward = "return x.mean(dim=(-1,), keepdim=True) * self.k"
    mine, shape, params, _ = run_model(tmp_path, "self.k = 2", forward, (2, 3, 5))
    assert mine["output_shape"] == shape == [2, 3, 1] and mine["total_params"] == params == 0
