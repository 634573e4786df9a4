"""``module.children()`` / ``named_children()``, ``str.format`` names and ``torch.unique(return_counts=True)``:
what timm's RegNet builds its stages with, each held against torch or Python."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, assume, given, settings
from strategies import all_strategies

from cnnlint.interpret import tensor_value_calls as tvc
from cnnlint.interpret import tensor_values as tv
from cnnlint.interpret.plain_methods import format_str
from cnnlint.interpret.torch_api import LAYERS_WITH_CHILDREN
from cnnlint.interpret.values import UNKNOWN, ListVal
from cnnlint.shapes.catalogue import CATALOGUE

torch = pytest.importorskip("torch")
STRATEGIES = all_strategies()

STAGES = """\
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, c_in, c_out, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1)
        self.bn = nn.BatchNorm2d(c_out)
        self.act = nn.ReLU()

    def forward(self, x):
        for layer in self.children():
            x = layer(x)
        return x


class Stage(nn.Module):
    def __init__(self, depth, c_in, c_out):
        super().__init__()
        self.grad_checkpointing = False
        for i in range(depth):
            self.add_module("b{}".format(i + 1), Block(c_in if i == 0 else c_out, c_out, 2 if i == 0 else 1))

    def forward(self, x):
        for name, block in self.named_children():
            x = block(x)
        return x


def init(module):
    for child in module.children():
        init(child)


class Net(nn.Module):
    def __init__(self, widths=(8, 8, 16, 16, 16)):
        super().__init__()
        counts = torch.unique(torch.tensor(widths), return_counts=True)
        stage_widths, depths = counts[0].tolist(), counts[1].tolist()
        c_in = 3
        for i, (w, d) in enumerate(zip(stage_widths, depths)):
            self.add_module(f"s{i + 1}", Stage(d, c_in, w))
            c_in = w
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, 10))
        init(self)

    def forward(self, x):
        for stage in self.children():
            x = stage(x)
        return x
"""


def test_stages_built_and_walked_as_torch_does(tmp_path: Path) -> None:
    path = tmp_path / "stages.py"
    path.write_text(STAGES)
    result = run_cli("summary", "--output-format", "json", "--input", "Net=2,3,32,32", str(path))
    assert result.exit_code in (0, 1), result.stderr
    [model] = [m for m in json.loads(result.stdout)["models"] if m["name"] == "Net"]
    namespace: dict = {}
    exec(compile(STAGES, str(path), "exec"), namespace)  # noqa: S102 - the test's own source
    net = namespace["Net"]()  # on the CPU: torch.unique has no meta kernel; the model is tiny
    out = net(torch.zeros(2, 3, 32, 32))
    assert model["output_shape"] == list(out.shape) == [2, 10]
    assert model["total_params"] == sum(p.numel() for p in net.parameters())
    assert not model["partial"]


def test_a_child_added_where_the_interpreter_cannot_see_makes_children_unknown(tmp_path: Path) -> None:
    source = STAGES.replace('self.add_module("b{}".format(i + 1)', "self.add_module(NAMES[i]")
    path = tmp_path / "stages.py"
    path.write_text(source + "\nimport random\nNAMES = random.sample(['a', 'b', 'c'], 3)\n")
    result = run_cli("summary", "--output-format", "json", "--input", "Net=2,3,32,32", str(path))
    [model] = [m for m in json.loads(result.stdout)["models"] if m["name"] == "Net"]
    assert model["output_shape"] is None or "?" in json.dumps(model["output_shape"])  # unknown, never a guess
    assert not [d for layer in model["layers"] for d in layer["diagnostics"] if d["severity"] == "error"]


@pytest.mark.parametrize("name", sorted(n for n in CATALOGUE if n in STRATEGIES))
def test_leaf_layers_have_no_children_in_torch(name: str) -> None:
    """Every catalogue layer outside LAYERS_WITH_CHILDREN is a leaf: ``children()`` empty, as the interpreter says."""

    @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(STRATEGIES[name])
    def check(case: tuple) -> None:
        kwargs, _ = case
        try:
            with torch.device("meta"):
                module = getattr(torch.nn, name)(**kwargs)
        except Exception:  # noqa: BLE001 - arguments torch refuses say nothing about children
            assume(False)
            return
        assert (not list(module.children())) == (name not in LAYERS_WITH_CHILDREN)

    check()


def test_layers_with_children_are_torchs() -> None:
    with torch.device("meta"):
        built = {
            "MultiheadAttention": torch.nn.MultiheadAttention(8, 2),
            "TransformerEncoderLayer": torch.nn.TransformerEncoderLayer(8, 2),
            "TransformerDecoderLayer": torch.nn.TransformerDecoderLayer(8, 2),
        }
    for name, module in built.items():
        assert name in LAYERS_WITH_CHILDREN and list(module.children())


@pytest.mark.parametrize(
    ("template", "args", "kwargs"),
    [
        ("b{}", [3], {}),
        ("s{0}_{1}", [1, "x"], {}),
        ("{name}.{i:02d}", [], {"name": "layer", "i": 4}),
        ("{:.3f}", [0.25], {}),
        ("{!r}", ["a"], {}),
    ],
)
def test_str_format_is_pythons(template: str, args: list, kwargs: dict) -> None:
    assert format_str(template, args, kwargs) == template.format(*args, **kwargs)


@pytest.mark.parametrize(
    ("template", "args"),
    [
        ("{:>1000000000}", [1]),  # would build a 1 GB string
        ("{0.__class__}", [1]),  # reads attributes of what it formats
        ("{0[0]}", [(1,)]),
        ("{}", []),  # IndexError in Python: unknown here
        ("{", [1]),
    ],
)
def test_str_format_refuses_what_it_cannot_do_safely(template: str, args: list) -> None:
    assert format_str(template, args, {}) is UNKNOWN


def test_unique_with_counts_is_torchs() -> None:
    for values in ([24, 56, 152, 152, 368, 368, 368], [3, 1, 3, 2], [5]):
        mine = tvc.call_torch(
            "torch.unique", [tvc.call_torch("torch.tensor", [ListVal(values)], {})], {"return_counts": True}
        )
        real = torch.unique(torch.tensor(values), return_counts=True)
        assert isinstance(mine, tuple) and [tv.tolist(t).items for t in mine] == [t.tolist() for t in real]
    unsorted = tvc.call_torch(
        "torch.unique", [tvc.call_torch("torch.tensor", [ListVal([2, 1])], {})], {"sorted": False}
    )
    assert unsorted is NotImplemented  # torch's order is then its kernel's: not modelled


def test_source_text_is_dedented() -> None:
    assert textwrap.dedent(STAGES) == STAGES


GETTER = Path(__file__).parent / "data" / "intermediate_layer_getter.py"  # torchvision's IntermediateLayerGetter


def test_a_getter_built_from_named_children_is_torchs() -> None:
    """``for name, m in model.named_children(): layers[name] = m; del d[name]; if not d: break``, then a
    ModuleDict of those layers: torch's output shape and parameters."""
    result = run_cli("summary", "--output-format", "json", str(GETTER))
    [model] = [m for m in json.loads(result.stdout)["models"] if m["name"] == "Top"]
    namespace: dict = {"__name__": "getter"}
    exec(compile(GETTER.read_text(), str(GETTER), "exec"), namespace)  # noqa: S102 - the test's own source
    with torch.device("meta"):
        top = namespace["Top"]()
        out = top(torch.empty(1, 3, 16, 16))
    assert model["output_shape"] == list(out.shape)
    assert model["total_params"] == sum(p.numel() for p in top.parameters())
    assert not [d for layer in model["layers"] for d in layer["diagnostics"] if d["severity"] == "error"]


LOOPS = """\
import torch.nn as nn

d = {{str(k): str(v) for k, v in {{"a": "0", "b": "1"}}.items()}}
del d["a"]
f = {{"a": 1, "b": 2}}
layers = {{}}
for k in ["a", "b", "c"]:
    layers[k] = nn.Identity()
    if k in f:
        del f[k]
    if {stop}:
        break
net = nn.Sequential(nn.Linear(len(d) + 10, 1), nn.Linear(len(layers) + 20, 1))
"""


@pytest.mark.parametrize(("stop", "widths"), [("not f", [11, 22]), ("UNSET_FLAG", [11, None])])
def test_dict_deletes_and_loops_that_may_break(tmp_path: Path, stop: str, widths: list) -> None:
    """A known ``del d[k]`` is followed; a loop whose ``break`` is unknown leaves what it filled uncertain."""
    path = tmp_path / "loops.py"
    source = LOOPS.format(stop=stop)
    if stop == "UNSET_FLAG":
        source = "from somewhere_unknown import UNSET_FLAG\n" + source
    path.write_text(source)
    result = run_cli("summary", "--output-format", "json", str(path))
    [model] = json.loads(result.stdout)["models"]
    found = [layer["params"] for layer in model["layers"] if layer["type"] == "Linear"]
    assert found == [w + 1 if w is not None else None for w in widths]


def test_super_init_with_unknown_layers_is_not_an_empty_sequential(tmp_path: Path) -> None:
    """``super().__init__(*layers)`` where layers cannot be known: children unknown, never "none" (torchvision's
    Conv2dNormActivation with a norm layer picked by an unknown condition gave false CNL002s)."""
    path = tmp_path / "cna.py"
    path.write_text(
        textwrap.dedent(
            """\
            import torch
            import torch.nn as nn
            from elsewhere import is_trained, Frozen


            class CNA(nn.Sequential):
                def __init__(self, c_in, c_out, norm_layer=None):
                    layers = [nn.Conv2d(c_in, c_out, 1)]
                    if norm_layer is not None:
                        layers.append(norm_layer(c_out))
                    super().__init__(*layers)


            norm = Frozen if is_trained else nn.BatchNorm2d
            net = nn.Sequential(CNA(3, 8, norm), nn.Conv2d(8, 4, 1))
            net(torch.randn(1, 3, 8, 8))
            """
        )
    )
    result = run_cli("check", str(path))
    assert "CNL002" not in result.stdout, result.stdout
