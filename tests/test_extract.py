"""Extraction of nn.Sequential models: import spellings, OrderedDict, nesting, values, spans."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnlint.diagnostics import Location
from cnnlint.extract import extract
from cnnlint.extract.model import LayerCall, ModelDef
from cnnlint.shapes.dims import UNKNOWN
from cnnlint.source import check_syntax


def models_of(src: str) -> list[ModelDef]:
    text = textwrap.dedent(src)
    check_syntax(text, "m.py")
    models, problems = extract(None, text)
    assert problems == []
    return models


def only(src: str) -> ModelDef:
    models = models_of(src)
    assert len(models) == 1, [m.name for m in models]
    return models[0]


def qualnames(layers: list[LayerCall]) -> list[str | None]:
    return [layer.qualname for layer in layers]


def values(layer: LayerCall) -> list:
    return [a.value for a in layer.args]


def kw(layer: LayerCall) -> dict:
    return {a.keyword: a.value for a in layer.kwargs}


# --------------------------------------------------------------------------- import spellings

CONV_RELU = ["torch.nn.Conv2d", "torch.nn.ReLU"]


@pytest.mark.parametrize(
    "src",
    [
        "import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())\n",
        "from torch import nn\nnet = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())\n",
        "import torch\nnet = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU())\n",
        "import torch.nn\nnet = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU())\n",
        "from torch.nn import Conv2d, ReLU, Sequential\nnet = Sequential(Conv2d(3, 8, 3), ReLU())\n",
        "import torch.nn as tnn\nnet = tnn.Sequential(tnn.Conv2d(3, 8, 3), tnn.ReLU())\n",
        "from torch.nn import Conv2d as C, ReLU as R, Sequential as S\nnet = S(C(3, 8, 3), R())\n",
        "from torch.nn import Sequential\nfrom torch.nn.modules.conv import Conv2d\n"
        "from torch.nn.modules.activation import ReLU\nnet = Sequential(Conv2d(3, 8, 3), ReLU())\n",
        "from torch.nn import *\nnet = Sequential(Conv2d(3, 8, 3), ReLU())\n",
        "import torch as T\nnet = T.nn.Sequential(T.nn.Conv2d(3, 8, 3), T.nn.ReLU())\n",
        "def build():\n    import torch.nn as nn\n"
        "    net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())\n    return net\n",
    ],
)
def test_every_import_spelling(src: str) -> None:
    model = only(src)
    assert model.kind == "sequential"
    assert model.name == "net"
    assert qualnames(model.layers) == CONV_RELU
    assert values(model.layers[0]) == [3, 8, 3]


@pytest.mark.parametrize(
    ("src", "alias", "target"),
    [
        ("import torch.nn as nn\nimport torch.nn.functional as F\n", "F", "torch.nn.functional"),
        ("from torch.nn import functional as F\nfrom torch import nn\n", "F", "torch.nn.functional"),
        ("import torch.nn as nn\n", "nn", "torch.nn"),
        ("from torch.nn import Sequential as S\nimport torch.nn as nn\n", "S", "torch.nn.Sequential"),
    ],
)
def test_aliases_are_recorded_for_the_runtime_check(src: str, alias: str, target: str) -> None:
    model = only(src + "net = nn.Sequential(nn.ReLU())\n")
    assert model.aliases[alias] == target


def test_functional_alias_resolves() -> None:
    model = only("import torch.nn.functional as F\nimport torch.nn as nn\nnet = nn.Sequential(nn.ReLU())\n")
    assert model.aliases["F"] == "torch.nn.functional"


@pytest.mark.parametrize(
    "src",
    [
        # nn rebound after the import: not torch any more
        "import torch.nn as nn\nnn = object()\nnet = nn.Sequential(nn.ReLU())\n",
        # a different library's nn
        "import mylib.nn as nn\nnet = nn.Sequential(nn.ReLU())\n",
        # Sequential defined locally
        "from torch.nn import ReLU\nclass Sequential:\n    pass\nnet = Sequential(ReLU())\n",
        # no import at all
        "net = nn.Sequential(nn.ReLU())\n",
        # a parameter named nn shadows the module inside the function
        "import torch.nn as nn\ndef f(nn):\n    return nn.Sequential(nn.ReLU())\n",
        # a relative import
        "from . import nn\nnet = nn.Sequential(nn.ReLU())\n",
    ],
)
def test_shadowed_or_foreign_names_are_not_torch(src: str) -> None:
    assert models_of(src) == []


def test_locally_defined_layer_name_shadows_the_import() -> None:
    model = only(
        """
        from torch.nn import Conv2d, ReLU, Sequential
        def Conv2d(*args):
            return ReLU()
        net = Sequential(Conv2d(3, 8, 3), ReLU())
        """
    )
    assert model.layers[0].qualname is None
    assert model.layers[0].reason == "unknown layer Conv2d"
    assert model.layers[1].qualname == "torch.nn.ReLU"


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize(
    "src",
    [
        "from collections import OrderedDict\nimport torch.nn as nn\n"
        "net = nn.Sequential(OrderedDict([('conv1', nn.Conv2d(1, 20, 5)), ('relu1', nn.ReLU())]))\n",
        "import collections\nimport torch.nn as nn\n"
        "net = nn.Sequential(collections.OrderedDict([('conv1', nn.Conv2d(1, 20, 5)), ('relu1', nn.ReLU())]))\n",
        "from collections import OrderedDict\nimport torch.nn as nn\n"
        "net = nn.Sequential(OrderedDict((('conv1', nn.Conv2d(1, 20, 5)), ('relu1', nn.ReLU()))))\n",
        "from collections import OrderedDict\nimport torch.nn as nn\n"
        "net = nn.Sequential(OrderedDict(conv1=nn.Conv2d(1, 20, 5), relu1=nn.ReLU()))\n",
        "from typing import OrderedDict\nimport torch.nn as nn\n"
        "net = nn.Sequential(OrderedDict([('conv1', nn.Conv2d(1, 20, 5)), ('relu1', nn.ReLU())]))\n",
    ],
)
def test_ordered_dict_children_are_named(src: str) -> None:
    model = only(src)
    assert [layer.name for layer in model.layers] == ["conv1", "relu1"]
    assert qualnames(model.layers) == CONV_RELU
    assert values(model.layers[0]) == [1, 20, 5]


def test_ordered_dict_built_elsewhere_is_unresolved() -> None:
    model = only(
        """
        from collections import OrderedDict
        import torch.nn as nn
        layers = OrderedDict()
        net = nn.Sequential(OrderedDict(layers))
        """
    )
    assert model.layers[0].qualname is None
    assert "OrderedDict" in (model.layers[0].reason or "")


def test_dict_literal_is_not_an_ordered_dict() -> None:
    model = only("import torch.nn as nn\nnet = nn.Sequential({'conv': nn.Conv2d(1, 2, 3)})\n")
    assert model.layers[0].qualname is None
    assert "dict" in (model.layers[0].reason or "")


def test_nested_sequentials_are_children_not_models() -> None:
    model = only(
        """
        import torch.nn as nn
        net = nn.Sequential(
            nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU()),
            nn.Sequential(nn.Flatten(), nn.Sequential(nn.Linear(8, 2))),
        )
        """
    )
    assert qualnames(model.layers) == ["torch.nn.Sequential", "torch.nn.Sequential"]
    first, second = model.layers
    assert qualnames(first.children or []) == CONV_RELU
    assert qualnames(second.children or []) == ["torch.nn.Flatten", "torch.nn.Sequential"]
    assert qualnames(second.children[1].children or []) == ["torch.nn.Linear"]  # type: ignore[index]


def test_star_layers_is_a_model_with_an_unresolvable_first_entry() -> None:
    model = only(
        """
        import torch.nn as nn
        layers = [nn.Conv2d(3, 8, 3)]
        layers.append(nn.ReLU())
        net = nn.Sequential(*layers)
        """
    )
    first = model.layers[0]
    assert first.qualname is None
    assert first.reason == "*layers cannot be followed"
    assert first.span.start == Location(5, 21)


def test_star_of_a_literal_list_is_expanded() -> None:
    model = only("import torch.nn as nn\nnet = nn.Sequential(*[nn.Conv2d(3, 8, 3), nn.ReLU()], nn.Flatten())\n")
    assert qualnames(model.layers) == [*CONV_RELU, "torch.nn.Flatten"]


@pytest.mark.parametrize(
    ("child", "reason"),
    [
        ("MyBlock(64)", "unknown layer MyBlock"),
        ("blocks.Residual(64)", "unknown layer blocks.Residual"),
        ("conv", "layers given as a variable: conv"),
        ("self_made[0]", "self_made[0] cannot be followed"),
        ("lambda x: x", "a lambda is not an nn.Module"),
        ("nn.ReLU", "nn.ReLU is a class, not a layer: call it (nn.ReLU())"),
    ],
)
def test_unrecognised_children_carry_a_reason(child: str, reason: str) -> None:
    model = only(
        f"""
        import torch.nn as nn
        from blocks import MyBlock
        import blocks
        def make(conv, self_made):
            net = nn.Sequential(nn.Conv2d(3, 8, 3), {child}, nn.ReLU())
            return net
        """
    )
    assert qualnames(model.layers) == ["torch.nn.Conv2d", None, "torch.nn.ReLU"]
    assert model.layers[1].reason == reason


def test_variables_bound_once_to_a_layer_are_followed() -> None:
    """The d2l idiom: b1 = nn.Sequential(...); net = nn.Sequential(b1, ..., nn.Linear(512, 10))."""
    models = models_of(
        """
        import torch.nn as nn
        b1 = nn.Sequential(nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3), nn.ReLU())
        head = nn.Linear(64, 10)
        net = nn.Sequential(b1, nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), head)
        """
    )
    b1, net = models
    assert (b1.name, b1.nested) == ("b1", True)
    assert (net.name, net.nested) == ("net", False)
    assert qualnames(net.layers) == [
        "torch.nn.Sequential",
        "torch.nn.AdaptiveAvgPool2d",
        "torch.nn.Flatten",
        "torch.nn.Linear",
    ]
    assert net.layers[0].name == "b1"
    assert qualnames(net.layers[0].children or []) == CONV_RELU
    assert net.layers[0].span.start == Location(3, 6)  # where b1's Sequential is written
    assert net.layers[3].span.start == Location(4, 8)


def test_a_variable_changed_after_it_is_built_is_not_followed() -> None:
    models = models_of(
        """
        import torch.nn as nn
        block = nn.Sequential(nn.Conv2d(1, 8, 3))
        block.append(nn.ReLU())
        net = nn.Sequential(block, nn.Flatten())
        """
    )
    net = models[-1]
    assert net.layers[0].qualname is None
    assert net.layers[0].reason == "layers given as a variable: block"


def test_appended_model_ends_with_an_unresolvable_entry() -> None:
    model = only("import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(1, 8, 3))\nnet.append(nn.ReLU())\n")
    assert qualnames(model.layers) == ["torch.nn.Conv2d", None]
    assert "net.append" in (model.layers[1].reason or "")


def test_a_model_whose_layers_are_replaced_later_is_not_extracted() -> None:
    src = "import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(1, 8, 3))\nnet[0] = nn.Conv2d(3, 8, 3)\n"
    assert models_of(src) == []


def test_empty_sequential_is_not_a_model() -> None:
    assert models_of("import torch.nn as nn\nnet = nn.Sequential()\nnet.add_module('c', nn.Conv2d(1, 2, 3))\n") == []


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("src", "name"),
    [
        ("net = nn.Sequential(nn.ReLU())", "net"),
        ("net: nn.Module = nn.Sequential(nn.ReLU())", "net"),
        ("net = nn.Sequential(nn.ReLU()).to('cpu').eval()", "net"),
        ("a = b = nn.Sequential(nn.ReLU())", "a"),
        ("def make_head():\n    return nn.Sequential(nn.ReLU())", "make_head"),
        ("model = Wrapper(backbone=nn.Sequential(nn.ReLU()))", "backbone"),
        ("heads = {'cls': nn.Sequential(nn.ReLU())}", "cls"),
        ("self_like.add_module('block', nn.Sequential(nn.ReLU()))", "self_like.block"),
        ("print(nn.Sequential(nn.ReLU()))", "Sequential@2"),
        (
            "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.features = nn.Sequential(nn.ReLU())",
            "self.features",
        ),
    ],
)
def test_model_names(src: str, name: str) -> None:
    models = models_of("import torch.nn as nn\n" + src + "\n")
    assert [m.name for m in models] == [name]


def test_model_span_is_the_defining_statement() -> None:
    model = only("import torch.nn as nn\n\nnet = nn.Sequential(\n    nn.ReLU(),\n)\n")
    assert model.span.start == Location(3, 1)
    assert model.span.end == Location(5, 2)


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("7", 7),
        ("0x10", 16),
        ("1_000", 1000),
        ("0.5", 0.5),
        ("'same'", "same"),
        ("True", True),
        ("None", None),
        ("(3, 5)", (3, 5)),
        ("[3, 5]", (3, 5)),
        ("-1", -1),
        ("+2", 2),
        ("256 * 6 * 6", 9216),
        ("(224 - 11) // 4 + 1", 54),
        ("7 % 4", 3),
        ("2 ** 10", 1024),
        ("10 ** 100", 10**100),
        ("1 / 4", 0.25),
        ("(3,) * 2", (3, 3)),
        ("max(3, 4)", 4),
        ("int(256 * 6.0)", 1536),
        ("64 if True else 32", 64),
        ("SIZES[1]", 64),
        ("NUM_CLASSES", 10),
        ("HIDDEN * 2", 1024),
        ("AGREED", 3),
        ("(A, B)", (1, 2)),
        ("math.ceil(5 / 2)", 3),
        ("K", (3, 3)),
    ],
)
def test_static_values(expr: str, expected: object) -> None:
    model = only(
        f"""
        import math
        import torch.nn as nn
        NUM_CLASSES = 10
        HIDDEN = 512
        SIZES = (32, 64)
        AGREED = 3
        AGREED = 3
        A, B = 1, 2
        K = [3, 3]
        net = nn.Sequential(nn.Identity({expr}))
        """
    )
    assert values(model.layers[0]) == [expected]
    assert type(values(model.layers[0])[0]) is type(expected)


@pytest.mark.parametrize(
    "expr",
    [
        "unknown_name",
        "REASSIGNED",
        "LOOPED",
        "GLOBAL_WRITTEN",
        "AUGMENTED",
        "func(3)",
        "obj.attr",
        "10 ** 10 ** 10",
        "2 ** 100000",
        "1 / 0",
        "'a' * 10 ** 9",
        "x",
        "[i for i in range(3)]",
        "f'{NUM}'",
        "NUM + 'a'",
        "SIZES[5]",
        "(-8) ** 0.5",
        "FROM_IMPORT",
        "UNPACKED_BAD",
    ],
)
def test_unknown_values_never_produce_a_value(expr: str) -> None:
    model = only(
        f"""
        import torch.nn as nn
        from config import FROM_IMPORT
        NUM = 3
        SIZES = (32, 64)
        REASSIGNED = 3
        REASSIGNED = 4
        LOOPED = 1
        for LOOPED in range(3):
            pass
        GLOBAL_WRITTEN = 5
        def bump():
            global GLOBAL_WRITTEN
            GLOBAL_WRITTEN = 6
        AUGMENTED = 5
        AUGMENTED += 1
        UNPACKED_BAD, OTHER = compute()
        def make(x):
            return nn.Sequential(nn.Identity({expr}))
        """
    )
    assert values(model.layers[0]) == [UNKNOWN]


def test_partly_known_tuple_keeps_what_is_known() -> None:
    model = only("import torch.nn as nn\ndef f(k):\n    return nn.Sequential(nn.MaxPool2d((2, k)))\n")
    assert values(model.layers[0]) == [(2, UNKNOWN)]


def test_star_args_mark_the_call() -> None:
    model = only("import torch.nn as nn\ncfg = {}\nnet = nn.Sequential(nn.Conv2d(3, 8, **cfg))\n")
    assert model.layers[0].star is True
    assert values(model.layers[0]) == [3, 8]


def test_keyword_arguments() -> None:
    model = only("import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(3, 96, kernel_size=11, stride=4, padding=0))\n")
    layer = model.layers[0]
    assert values(layer) == [3, 96]
    assert kw(layer) == {"kernel_size": 11, "stride": 4, "padding": 0}


def test_constants_used_are_recorded() -> None:
    model = only(
        """
        import torch.nn as nn
        NUM_CLASSES = 10
        HIDDEN = 4096
        UNUSED = 3
        net = nn.Sequential(nn.Linear(HIDDEN, NUM_CLASSES), nn.Dropout(p=0.5))
        """
    )
    assert model.constants == {"HIDDEN": 4096, "NUM_CLASSES": 10}


def test_function_parameter_defaults_and_call_sites() -> None:
    models = models_of(
        """
        import torch.nn as nn
        def head(num_classes=1000, hidden=512):
            return nn.Sequential(nn.Linear(hidden, num_classes))
        def block(channels):
            return nn.Sequential(nn.Conv2d(channels, channels, 3))
        def tail(n):
            return nn.Sequential(nn.Linear(n, n))
        net = head(num_classes=10)
        b1 = block(64)
        b2 = block(128)
        t = tail(7)
        """
    )
    by_name = {m.name: m for m in models}
    assert values(by_name["head"].layers[0]) == [512, 10]  # the one call site overrides the default
    assert values(by_name["block"].layers[0]) == [UNKNOWN, UNKNOWN, 3]  # two call sites disagree
    assert values(by_name["tail"].layers[0]) == [7, 7]


def test_init_defaults_class_constants_and_self_attributes() -> None:
    models = models_of(
        """
        import torch.nn as nn
        class Net(nn.Module):
            HIDDEN = 256
            def __init__(self, in_features=784, num_classes=1000):
                super().__init__()
                self.in_features = in_features
                self.width = self.HIDDEN * 2
                self.head = nn.Sequential(
                    nn.Linear(self.in_features, self.HIDDEN),
                    nn.Linear(Net.HIDDEN, self.width),
                    nn.Linear(self.width, num_classes),
                )
        """
    )
    (head,) = models
    assert [values(layer) for layer in head.layers] == [[784, 256], [256, 512], [512, 1000]]
    assert head.constants["self.in_features"] == 784
    assert head.constants["num_classes"] == 1000


def test_self_attribute_assigned_twice_differently_is_unknown() -> None:
    (model,) = models_of(
        """
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.width = 64
                self.head = nn.Sequential(nn.Linear(self.width, 2))
            def widen(self):
                self.width = 128
        """
    )
    assert values(model.layers[0]) == [UNKNOWN, 2]


def test_deep_expressions_do_not_recurse() -> None:
    expr = " + ".join(["1"] * 2500)
    model = only(f"import torch.nn as nn\nnet = nn.Sequential(nn.Linear({expr}, 2))\n")
    assert values(model.layers[0]) == [UNKNOWN, 2]


# --------------------------------------------------------------------------- spans


def test_layer_and_argument_spans() -> None:
    model = only(
        """
        import torch.nn as nn
        net = nn.Sequential(
            nn.Conv2d(3, 96, kernel_size=11),
            nn.Linear(9216, 4096),
        )
        """
    )
    conv, linear = model.layers
    assert conv.span.start == Location(4, 5)
    assert conv.span.end == Location(4, 37)
    assert linear.span.start == Location(5, 5)
    assert linear.args[0].span.start == Location(5, 15)
    assert linear.args[0].span.end == Location(5, 19)
    assert conv.kwargs[0].keyword == "kernel_size"
    assert conv.kwargs[0].span.start == Location(4, 34)
    assert conv.code == "nn.Conv2d(3, 96, kernel_size=11)"
    assert linear.callee == "nn.Linear"


def test_spans_count_characters_not_bytes() -> None:
    model = only("import torch.nn as nn\nnet = nn.Sequential(nn.Identity('éé'), nn.Linear(9216, 10))\n")
    linear = model.layers[1]
    assert linear.span.start == Location(2, 40)
    assert linear.args[0].span.start == Location(2, 50)
    assert linear.code == "nn.Linear(9216, 10)"


def test_spans_of_a_multi_line_call_and_crlf() -> None:
    text = "import torch.nn as nn\r\nnet = nn.Sequential(nn.Linear(\r\n    4096,\r\n    10))\r\n"
    check_syntax(text, "m.py")
    (model,) = extract(None, text)[0]
    linear = model.layers[0]
    assert linear.span.start == Location(2, 21)
    assert linear.span.end == Location(4, 8)
    assert linear.args[0].span.start == Location(3, 5)
    assert linear.args[1].span.end == Location(4, 7)


def test_parenthesised_argument_span_excludes_the_parentheses() -> None:
    model = only("import torch.nn as nn\nnet = nn.Sequential(nn.Linear((4096), 10))\n")
    assert model.layers[0].args[0].span.start == Location(2, 32)
    assert model.layers[0].args[0].span.end == Location(2, 36)


def test_a_file_without_models() -> None:
    assert models_of("import torch\nx = torch.zeros(3)\n") == []
    assert extract(None, "x = 1\n") == ([], [])


def test_accepts_a_libcst_module_or_ast_tree() -> None:
    import ast

    text = "import torch.nn as nn\nnet = nn.Sequential(nn.ReLU())\n"
    assert len(extract(ast.parse(text), text)[0]) == 1
    assert len(extract(object(), text)[0]) == 1


def test_layer_moved_with_to_is_the_layer() -> None:
    model = only("import torch.nn as nn\nnet = nn.Sequential(nn.Linear(4, 2).to('cpu'), nn.ReLU().float())\n")
    assert qualnames(model.layers) == ["torch.nn.Linear", "torch.nn.ReLU"]
    assert model.layers[0].code == "nn.Linear(4, 2)"


@pytest.mark.parametrize(
    "init",
    [
        "super().__init__(nn.Conv2d(c_in, 16, 3), nn.ReLU())",
        "super(Block, self).__init__(nn.Conv2d(c_in, 16, 3), nn.ReLU())",
        "nn.Sequential.__init__(self, nn.Conv2d(c_in, 16, 3), nn.ReLU())",
    ],
)
def test_sequential_subclass_is_a_model_named_after_the_class(init: str) -> None:
    model = only(
        f"""
        import torch.nn as nn
        class Block(nn.Sequential):
            def __init__(self, c_in=3):
                {init}
        """
    )
    assert (model.name, model.kind) == ("Block", "sequential")
    assert model.span.start == Location(3, 1)
    assert qualnames(model.layers) == CONV_RELU
    assert values(model.layers[0]) == [3, 16, 3]


@pytest.mark.parametrize(
    "extra",
    [
        "    def forward(self, x):\n        return x\n",
        "    def grow(self):\n        self.append(nn.ReLU())\n",
    ],
)
def test_sequential_subclass_that_changes_itself_is_not_a_model(extra: str) -> None:
    src = (
        "import torch.nn as nn\nclass Block(nn.Sequential):\n    def __init__(self):\n"
        "        super().__init__(nn.Conv2d(3, 16, 3))\n" + extra
    )
    assert models_of(src) == []


# --------------------------------------------------------------------------- soundness of static values

_leaves = st.one_of(st.integers(-5, 300).map(str), st.sampled_from(["A", "B", "2.5", "True"]))


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "//", "%", "**"]), children).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})"
    )
    unary = children.map(lambda c: f"(-{c})")
    return st.one_of(binary, unary)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(_leaves, _combine, max_leaves=8))
def test_a_known_value_is_what_python_computes(expr: str) -> None:
    text = f"import torch.nn as nn\nA = 3\nB = 64\nnet = nn.Sequential(nn.Identity({expr}))\n"
    check_syntax(text, "m.py")
    (model,) = extract(None, text)[0]
    value = model.layers[0].args[0].value
    if value is UNKNOWN:
        return
    expected = eval(expr, {"A": 3, "B": 64})  # bounded: the evaluator computed the same thing
    assert type(value) is type(expected)
    assert value == expected or (value != value and expected != expected)


def test_a_none_default_is_a_sentinel_not_a_value() -> None:
    src = "import torch.nn as nn\ndef head(n=None, p=0.5):\n    return nn.Sequential(nn.Linear(n, 2), nn.Dropout(p))\n"
    model = only(src)
    assert values(model.layers[0]) == [UNKNOWN, 2]
    assert values(model.layers[1]) == [0.5]
