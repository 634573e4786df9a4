"""Extraction of nn.Module subclasses with a straight-line forward (SPEC §1.2)."""

from __future__ import annotations

import textwrap

import pytest

from cnnlint.diagnostics import Location
from cnnlint.extract import extract
from cnnlint.extract.model import LayerCall, ModelDef
from cnnlint.shapes.dims import UNKNOWN
from cnnlint.shapes.tensor_ops import SizeOf
from cnnlint.source import check_syntax

HEADER = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"


def models_of(src: str, header: str = HEADER) -> list[ModelDef]:
    text = header + textwrap.dedent(src)
    check_syntax(text, "m.py")
    return extract(None, text)[0]


def module_model(src: str, header: str = HEADER) -> ModelDef | None:
    found = [m for m in models_of(src, header) if m.kind == "module"]
    assert len(found) <= 1
    return found[0] if found else None


def chain(model: ModelDef | None) -> list[tuple[str | None, str | None]]:
    assert model is not None
    return [(layer.name, layer.qualname) for layer in model.layers]


def values(layer: LayerCall) -> list:
    return [a.value for a in layer.args]


def kw(layer: LayerCall) -> dict:
    return {a.keyword: a.value for a in layer.kwargs}


LENET = """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x
"""


def test_pytorch_tutorial_lenet() -> None:
    model = module_model(LENET)
    assert model is not None
    assert (model.name, model.kind, model.nested) == ("Net", "module", False)
    assert chain(model) == [
        ("conv1", "torch.nn.Conv2d"),
        (None, "torch.nn.functional.relu"),
        ("pool", "torch.nn.MaxPool2d"),
        ("conv2", "torch.nn.Conv2d"),
        (None, "torch.nn.functional.relu"),
        ("pool", "torch.nn.MaxPool2d"),
        (None, "Tensor.view"),
        ("fc1", "torch.nn.Linear"),
        (None, "torch.nn.functional.relu"),
        ("fc2", "torch.nn.Linear"),
        (None, "torch.nn.functional.relu"),
        ("fc3", "torch.nn.Linear"),
    ]
    view = model.layers[6]
    assert values(view) == [-1, 400]
    assert view.callee == "x.view"
    assert view.span.start == Location(18, 13)
    assert values(model.layers[7]) == [400, 120]
    # a layer used twice appears twice, both located at its constructor in __init__
    assert model.layers[2].span == model.layers[5].span
    assert model.layers[2] is not model.layers[5]
    assert model.layers[0].span.start == Location(8, 22)
    assert model.layers[0].code == "nn.Conv2d(3, 6, 5)"
    assert model.span.start == Location(5, 1)


def test_pytorch_tutorial_lenet_with_flatten() -> None:
    model = module_model(
        """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 6, 5)
                self.conv2 = nn.Conv2d(6, 16, 5)
                self.fc1 = nn.Linear(16 * 5 * 5, 120)

            def forward(self, input):
                c1 = F.relu(self.conv1(input))
                s2 = F.max_pool2d(c1, (2, 2))
                c3 = F.relu(self.conv2(s2))
                s4 = F.max_pool2d(c3, 2)
                s4 = torch.flatten(s4, 1)
                f5 = F.relu(self.fc1(s4))
                return f5
        """
    )
    assert chain(model) == [
        ("conv1", "torch.nn.Conv2d"),
        (None, "torch.nn.functional.relu"),
        (None, "torch.nn.functional.max_pool2d"),
        ("conv2", "torch.nn.Conv2d"),
        (None, "torch.nn.functional.relu"),
        (None, "torch.nn.functional.max_pool2d"),
        (None, "torch.flatten"),
        ("fc1", "torch.nn.Linear"),
        (None, "torch.nn.functional.relu"),
    ]
    assert model is not None
    assert values(model.layers[2]) == [(2, 2)]  # the tensor argument is dropped
    assert values(model.layers[6]) == [1]


def test_d2l_mlp_style() -> None:
    model = module_model(
        """
        class MLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = nn.LazyLinear(256)
                self.output = nn.LazyLinear(10)

            def forward(self, X):
                return self.output(F.relu(self.hidden(X)))
        """
    )
    assert chain(model) == [
        ("hidden", "torch.nn.LazyLinear"),
        (None, "torch.nn.functional.relu"),
        ("output", "torch.nn.LazyLinear"),
    ]


def test_d2l_sequential_inside_a_module() -> None:
    models = models_of(
        """
        class NestMLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.net = nn.Sequential(nn.LazyLinear(64), nn.ReLU(), nn.LazyLinear(32), nn.ReLU())
                self.linear = nn.LazyLinear(16)

            def forward(self, X):
                return self.linear(self.net(X))
        """
    )
    cls, seq = models
    assert (cls.name, cls.kind) == ("NestMLP", "module")
    assert (seq.name, seq.kind, seq.nested) == ("self.net", "sequential", True)
    assert chain(cls) == [("net", "torch.nn.Sequential"), ("linear", "torch.nn.LazyLinear")]
    assert [c.qualname for c in cls.layers[0].children or []] == [c.qualname for c in seq.layers]


def test_sequential_of_a_class_without_a_model_is_not_nested() -> None:
    models = models_of(
        """
        class Weird(nn.Module):
            def __init__(self):
                super().__init__()
                self.features = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())

            def forward(self, x):
                if x.dim() == 3:
                    x = x.unsqueeze(0)
                return self.features(x)
        """
    )
    assert [(m.name, m.kind, m.nested) for m in models] == [("self.features", "sequential", False)]


@pytest.mark.parametrize(
    "header",
    [
        "import torch.nn as nn\nimport torch.nn.functional as F\n",
        "import torch\nimport torch.nn.functional as F\nnn = torch.nn\n",
        "from torch.nn import Module, Linear\nfrom torch.nn import functional as F\n",
        "import torch\nfrom torch import nn\nfrom torch.nn import functional as F\n",
    ],
)
def test_module_base_spellings(header: str) -> None:
    base = "Module" if "import Module" in header else "nn.Module"
    linear = "Linear" if "Linear\n" in header else "nn.Linear"
    src = f"""
class Head({base}):
    def __init__(self):
        super().__init__()
        self.fc = {linear}(8, 2)

    def forward(self, x):
        return F.softmax(self.fc(x), dim=1)
"""
    if header.endswith("nn = torch.nn\n"):
        # nn bound by assignment is not an import: not followed (never a guess)
        assert module_model(src, header) is None
        return
    assert chain(module_model(src, header)) == [("fc", "torch.nn.Linear"), (None, "torch.nn.functional.softmax")]


def test_torch_nn_module_and_subclass_of_an_in_file_module() -> None:
    models = models_of(
        """
        class Base(torch.nn.Module):
            pass

        class Net(Base):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 2)

            def forward(self, x):
                return torch.relu(self.fc(x))
        """
    )
    assert chain(models[0]) == [("fc", "torch.nn.Linear"), (None, "torch.relu")]


def test_a_class_that_is_not_a_module_is_ignored() -> None:
    assert (
        module_model(
            """
            class Helper:
                def __init__(self):
                    self.fc = nn.Linear(4, 2)

                def forward(self, x):
                    return self.fc(x)
            """
        )
        is None
    )


def test_functional_arguments_after_the_tensor() -> None:
    model = module_model(
        """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 2)

            def forward(self, x):
                x = F.max_pool2d(x, 2)
                x = F.avg_pool2d(x, kernel_size=3, stride=1)
                x = F.adaptive_avg_pool2d(x, (1, 1))
                x = F.dropout(x, p=0.2, training=self.training)
                x = F.relu(input=x)
                x = self.fc(x)
                return F.softmax(x, dim=1)
        """
    )
    assert model is not None
    pool, avg, adaptive, dropout, relu, fc, softmax = model.layers
    assert values(pool) == [2]
    assert (values(avg), kw(avg)) == ([], {"kernel_size": 3, "stride": 1})
    assert values(adaptive) == [(1, 1)]
    assert kw(dropout) == {"p": 0.2, "training": UNKNOWN}
    assert (values(relu), kw(relu)) == ([], {})
    assert fc.name == "fc"
    assert kw(softmax) == {"dim": 1}
    assert softmax.span.start == Location(17, 16)
    assert softmax.kwargs[0].span.start == Location(17, 33)


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("x = x.view(x.size(0), -1)", [SizeOf(0), -1]),
        ("x = x.view(x.shape[0], -1)", [SizeOf(0), -1]),
        ("x = x.reshape(x.size()[0], 16 * 5 * 5)", [SizeOf(0), 400]),
        ("x = x.view(x.size(1), -1)", [SizeOf(1), -1]),
        ("x = x.view(b, -1)", [SizeOf(0), -1]),
        ("x = x.view(n, c * h * w)", [SizeOf(0), UNKNOWN]),
        ("x = x.view(-1, self.num_flat_features(x))", [-1, UNKNOWN]),
        ("x = x.view(early.size(1), -1)", [UNKNOWN, -1]),
        ("x = x.view(early.size(0), -1)", [SizeOf(0), -1]),
    ],
)
def test_tensor_sizes_in_view_arguments(statement: str, expected: list) -> None:
    model = module_model(
        f"""
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 3)
                self.fc = nn.Linear(400, 10)

            def num_flat_features(self, x):
                return 400

            def forward(self, x):
                early = x
                b = x.size(0)
                x = self.conv(x)
                n, c, h, w = x.size()
                {statement}
                return self.fc(x)
        """
    )
    assert model is not None
    reshape = model.layers[1]
    assert reshape.qualname in ("Tensor.view", "Tensor.reshape")
    assert values(reshape) == expected


def test_batch_size_after_a_reshape_is_unknown() -> None:
    model = module_model(
        """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(400, 10)

            def forward(self, x):
                b = x.size(0)
                x = x.view(4, -1)
                x = x.view(b, -1)
                return self.fc(x)
        """
    )
    assert model is not None
    assert values(model.layers[1]) == [UNKNOWN, -1]


@pytest.mark.parametrize(
    ("expr", "qualname", "args"),
    [
        ("x.flatten(1)", "Tensor.flatten", [1]),
        ("x.relu()", "Tensor.relu", []),
        ("x.reshape(-1, 8)", "Tensor.reshape", [-1, 8]),
        ("torch.sigmoid(x)", "torch.sigmoid", []),
        ("nn.functional.gelu(x)", "torch.nn.functional.gelu", []),
    ],
)
def test_tensor_methods_and_torch_functions(expr: str, qualname: str, args: list) -> None:
    model = module_model(
        f"""
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 3)

            def forward(self, x):
                x = self.conv(x)
                return {expr}
        """
    )
    assert model is not None
    assert model.layers[1].qualname == qualname
    assert values(model.layers[1]) == args


def test_method_on_a_call_is_located_at_the_method_name() -> None:
    model = module_model(
        """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.pool = nn.AdaptiveAvgPool2d(1)

            def forward(self, x):
                return self.pool(x).flatten(1)
        """
    )
    assert model is not None
    flatten = model.layers[1]
    assert flatten.qualname == "Tensor.flatten"
    assert flatten.span.start == Location(11, 29)


def test_new_names_and_aliases_chain() -> None:
    model = module_model(
        """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 3)
                self.bn = nn.BatchNorm2d(8)

            def forward(self, x):
                \"\"\"Docstring.\"\"\"
                out = self.conv(x)
                y = out
                out = self.bn(y)
                return out
        """
    )
    assert chain(model) == [("conv", "torch.nn.Conv2d"), ("bn", "torch.nn.BatchNorm2d")]


@pytest.mark.parametrize(
    ("body", "row", "what"),
    [
        ("if x.dim() == 3:\n    x = x.unsqueeze(0)\nreturn self.fc(x)", 16, "an if statement"),
        ("for _ in range(2):\n    x = self.fc(x)\nreturn x", 16, "a for loop"),
        ("identity = x\nx = self.fc(x)\nreturn x + identity", 18, "combines two tensors"),
        ("y = self.fc(x)\nreturn y + x", 17, "combines two tensors"),
        ("x = helper(x)\nreturn self.fc(x)", 16, "calls helper"),
        ("x = self.extra(x)\nreturn self.fc(x)", 16, "calls the method self.extra()"),
        ("x = torch.cat([x, x], 1)\nreturn self.fc(x)", 16, "several tensors"),
        ("return self.fc(x), x", 16, "returns several values"),
        ("with torch.no_grad():\n    x = self.fc(x)\nreturn x", 16, "a with block"),
        ("x += 1\nreturn self.fc(x)", 16, "an in-place update"),
    ],
)
def test_forward_that_is_not_straight_line_stops_there(body: str, row: int, what: str) -> None:
    indented = textwrap.indent(body, " " * 16)
    model = module_model(
        f"""
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 3)
                self.fc = nn.Linear(8, 8)

            def extra(self, x):
                return x

            def forward(self, x):
                x = self.conv(x)
{indented}
        """
    )
    assert model is not None
    assert model.layers[0].name == "conv"
    stop = model.layers[-1]
    assert stop.qualname is None
    assert stop.reason is not None
    assert stop.reason.startswith(f"forward is not straight-line at line {row} (")
    assert what in stop.reason
    assert stop.span.start.row == row


def test_forward_with_nothing_extractable_is_no_model() -> None:
    assert (
        module_model(
            """
            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(8, 8)

                def forward(self, x):
                    if x.dim() == 3:
                        x = x.unsqueeze(0)
                    return self.fc(x)
            """
        )
        is None
    )


def test_forward_with_two_inputs_is_no_model() -> None:
    assert (
        module_model(
            """
            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(8, 8)

                def forward(self, x, y):
                    return self.fc(x)
            """
        )
        is None
    )


def test_d2l_residual_stops_at_the_if() -> None:
    model = module_model(
        """
        class Residual(nn.Module):
            def __init__(self, num_channels, use_1x1conv=False, strides=1):
                super().__init__()
                self.conv1 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1, stride=strides)
                self.conv2 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1)
                if use_1x1conv:
                    self.conv3 = nn.LazyConv2d(num_channels, kernel_size=1, stride=strides)
                else:
                    self.conv3 = None
                self.bn1 = nn.LazyBatchNorm2d()
                self.bn2 = nn.LazyBatchNorm2d()

            def forward(self, X):
                Y = F.relu(self.bn1(self.conv1(X)))
                Y = self.bn2(self.conv2(Y))
                if self.conv3:
                    X = self.conv3(X)
                Y += X
                return F.relu(Y)
        """
    )
    assert chain(model)[:5] == [
        ("conv1", "torch.nn.LazyConv2d"),
        ("bn1", "torch.nn.LazyBatchNorm2d"),
        (None, "torch.nn.functional.relu"),
        ("conv2", "torch.nn.LazyConv2d"),
        ("bn2", "torch.nn.LazyBatchNorm2d"),
    ]
    assert model is not None
    assert "an if statement" in (model.layers[5].reason or "")
    assert values(model.layers[0]) == [UNKNOWN]  # num_channels has no default and no call site
    assert kw(model.layers[0])["stride"] == 1


@pytest.mark.parametrize(
    ("init", "reason"),
    [
        ("pass", "self.block is not assigned a layer in __init__"),
        ("self.block = nn.Linear(8, 8)\nself.block = nn.Linear(8, 4)", "self.block is assigned more than once"),
        ("if True:\n    self.block = nn.Linear(8, 8)", "self.block is assigned conditionally or outside __init__"),
        ("self.block = MyBlock(8)", "unknown layer MyBlock"),
    ],
)
def test_unresolvable_layers_keep_the_chain_going(init: str, reason: str) -> None:
    indented = textwrap.indent(init, " " * 16)
    model = module_model(
        f"""
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(8, 8)
{indented}

            def forward(self, x):
                x = self.block(x)
                return self.fc(x)
        """
    )
    assert model is not None
    assert [(layer.name, layer.qualname, layer.reason) for layer in model.layers] == [
        ("block", None, reason),
        ("fc", "torch.nn.Linear", None),
    ]


def test_functions_stored_on_self_and_inline_layers() -> None:
    model = module_model(
        """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.act = F.relu
                self.fc = nn.Linear(8, 8)

            def forward(self, x):
                x = self.act(self.fc(x))
                return nn.Flatten()(x)
        """
    )
    assert chain(model) == [
        ("fc", "torch.nn.Linear"),
        ("act", "torch.nn.functional.relu"),
        (None, "torch.nn.Flatten"),
    ]


def test_init_defaults_and_class_constants_in_layers() -> None:
    model = module_model(
        """
        NUM_CLASSES = 10

        class AlexNet(nn.Module):
            WIDTH = 4096

            def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
                super().__init__()
                self.pool = nn.AdaptiveAvgPool2d((6, 6))
                self.drop = nn.Dropout(p=dropout)
                self.fc = nn.Linear(256 * 6 * 6, self.WIDTH)
                self.out = nn.Linear(self.WIDTH, num_classes)

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                x = self.pool(x)
                x = torch.flatten(x, 1)
                x = self.drop(x)
                x = self.fc(x)
                return self.out(x)
        """
    )
    assert model is not None
    pool, flatten, drop, fc, out = model.layers
    assert values(pool) == [(6, 6)]
    assert kw(drop) == {"p": 0.5}
    assert values(fc) == [9216, 4096]
    assert values(out) == [4096, 1000]
    assert model.constants["num_classes"] == 1000
    assert model.constants["self.WIDTH"] == 4096


def test_call_site_overrides_init_default() -> None:
    model = module_model(
        """
        class Net(nn.Module):
            def __init__(self, num_classes=1000):
                super().__init__()
                self.fc = nn.Linear(8, num_classes)

            def forward(self, x):
                return self.fc(x)

        model = Net(num_classes=10)
        """
    )
    assert model is not None
    assert values(model.layers[0]) == [8, 10]


def test_sequential_in_init_assigned_through_a_local() -> None:
    models = models_of(
        """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                features = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())
                self.features = features

            def forward(self, x):
                return self.features(x)
        """
    )
    cls = next(m for m in models if m.kind == "module")
    seq = next(m for m in models if m.kind == "sequential")
    assert chain(cls) == [("features", "torch.nn.Sequential")]
    assert seq.name == "features"
    assert seq.nested is True
