"""``hasattr`` on torch's own layers and containers (pytorchcv's multi-output backbones ask every child
``hasattr(module, "do_output")``): False only for a name the code never set and torch never defines."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from conftest import findings, summary_model, torch_built
from hypothesis import HealthCheck, assume, given, settings
from strategies import all_strategies

from cnnlint.interpret.torch_attrs import torch_may_define
from cnnlint.shapes.catalogue import CATALOGUE

torch = pytest.importorskip("torch")
STRATEGIES = all_strategies()

BACKBONE = """import torch.nn as nn


class MultiOutput(nn.Sequential):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        outs = []
        for module in self._modules.values():
            x = module(x)
            if hasattr(module, "do_output") and module.do_output:
                outs.append(x)
        return [x] + outs


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = MultiOutput()
        self.features.add_module("init", nn.Conv2d(3, 8, 3))
        for i in range(3):
            stage = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1))
            stage.do_output = i == 1
            self.features.add_module("stage{}".format(i + 1), stage)
        norm = nn.BatchNorm2d(8)
        norm.do_output = True
        self.features.add_module("norm", norm)
        self.features.add_module("act", nn.ReLU())
        self.head = nn.Conv2d(8 + 8 + 8, 5, 1)

    def forward(self, x):
        return self.head(torch.cat(self.features(x), dim=1))
"""
BACKBONE = BACKBONE.replace("import torch.nn as nn\n", "import torch\nimport torch.nn as nn\n", 1)


def test_flags_set_on_some_children_pick_the_outputs_as_torch_does(tmp_path: Path) -> None:
    path = tmp_path / "backbone.py"
    shape, params = torch_built(BACKBONE, path, "Net", (2, 3, 20, 20))
    model = summary_model(path, "Net", "2,3,20,20")
    assert model["output_shape"] == shape == [2, 5, 18, 18]
    assert model["total_params"] == params
    assert not model["partial"]


def test_a_child_without_the_flag_reaches_the_error(tmp_path: Path) -> None:
    path = tmp_path / "backbone.py"
    source = BACKBONE.replace("norm.do_output = True", "pass")  # 16 channels reach the head, not 24
    with pytest.raises(RuntimeError):
        torch_built(source, path, "Net", (2, 3, 20, 20))
    assert [code for _, code, _ in findings(path, "--input", "Net=2,3,20,20")] == ["CNL002"]


@pytest.mark.parametrize(
    "setup",
    [
        "setattr(pool, NAMES[0], True)",  # a name cnnlint cannot read
        "pool.stride = 3",  # a name torch defines: hasattr(pool, \"stride\") below asks it
    ],
)
def test_hasattr_stays_unknown_where_the_layer_may_have_it(tmp_path: Path, setup: str) -> None:
    source = BACKBONE.replace("norm.do_output = True", setup).replace(
        'hasattr(module, "do_output") and module.do_output', "hasattr(module, NAMES[1])"
    )
    source += "\nimport random\nNAMES = random.sample(['do_output', 'eps'], 2)\n"
    path = tmp_path / "backbone.py"
    path.write_text(source)
    assert all(code == "CNL100" for _, code, _ in findings(path, "--input", "Net=2,3,20,20"))


def test_names_torch_defines_are_never_ruled_out_on_its_classes() -> None:
    for name in dir(torch.nn):
        cls = getattr(torch.nn, name)
        if inspect.isclass(cls) and issubclass(cls, torch.nn.Module):
            assert all(torch_may_define(n) for n in dir(cls)), name
    with torch.device("meta"):
        built = [
            torch.nn.Sequential(torch.nn.ReLU()),
            torch.nn.ModuleList([torch.nn.ReLU()]),
            torch.nn.ModuleDict({"a": torch.nn.ReLU()}),
            torch.nn.MultiheadAttention(8, 2, kdim=4, vdim=4),
            torch.nn.Bilinear(3, 4, 5),
            torch.nn.TransformerEncoderLayer(8, 2),
            torch.nn.TransformerDecoderLayer(8, 2),
            torch.nn.Transformer(8, 2, 1, 1, 16),
        ]
    for module in built:
        leftover = [n for n in dir(module) if not torch_may_define(n) and n not in ("0", "a")]
        assert not leftover, (type(module).__name__, leftover)


@pytest.mark.parametrize("name", sorted(n for n in CATALOGUE if n in STRATEGIES))
def test_names_torch_defines_are_never_ruled_out_on_its_layers(name: str) -> None:
    """Every attribute a catalogue layer built with torch has (its arguments, parameters, buffers, methods)."""

    @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(STRATEGIES[name])
    def check(case: tuple) -> None:
        kwargs, _ = case
        try:
            with torch.device("meta"):
                module = getattr(torch.nn, name)(**kwargs)
        except Exception:  # noqa: BLE001 - arguments torch refuses build nothing to ask
            assume(False)
            return
        assert [n for n in dir(module) if not torch_may_define(n)] == []

    check()
