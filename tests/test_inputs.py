"""Declaring the input size (SPEC §2): pragmas, inference, command line and config; first match wins."""

from __future__ import annotations

import textwrap

import pytest

from cnnlint.check import CheckOptions, check_bytes
from cnnlint.diagnostics import Location
from cnnlint.inputs import parse_shape
from cnnlint.model import ModelDef, SourceProblem, Span

HEADER = "import torch\nimport torch.nn as nn\n"


def declared(
    src: str, cli: dict | None = None, config: dict | None = None, header: str = HEADER
) -> tuple[dict[str, ModelDef], list[SourceProblem]]:
    """The models ``check`` finds in the file, with their inputs, and the pragma problems (CNL997)."""
    text = header + textwrap.dedent(src)
    options = CheckOptions(cli_inputs=cli or {}, config_inputs=config or {}, want_models=True)
    result = check_bytes(text.encode(), "m.py", options)
    problems = [
        SourceProblem(d.code, d.message, Span(d.location, d.end_location))
        for d in result.diagnostics
        if d.code == "CNL997"
    ]
    return {m.model.name: m.model for m in result.models}, problems


def dims(models: dict[str, ModelDef], name: str) -> tuple | None:
    decl = models[name].input
    return None if decl is None else decl.dims


# --------------------------------------------------------------------------- parse_shape


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,3,224,224", (1, 3, 224, 224)),
        ("(1, 3, 224, 224)", (1, 3, 224, 224)),
        ("(B, 3, 224, 224)", ("B", 3, 224, 224)),
        ("[1, 3, 32, 32]", (1, 3, 32, 32)),
        (" ( 1 , 28 , 28 ) ", (1, 28, 28)),
        ("(16,)", (16,)),
        ("batch,seq_len,512", ("batch", "seq_len", 512)),
    ],
)
def test_parse_shape(text: str, expected: tuple) -> None:
    assert parse_shape(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(1, 3, 224", "missing closing ')'"),
        ("1, 3, 224)", "unmatched ')'"),
        ("(1, -3)", "dimension -3 is not a positive integer"),
        ("(1, 0, 3)", "dimension 0 is not a positive integer"),
        ("(1, 3.5)", "'3.5' is neither a positive integer nor a name"),
        ("()", "no dimensions"),
        ("", "empty"),
        ("(1,, 3)", "an empty dimension"),
        ("((1, 3))", "nested brackets"),
        ("(1, None)", "'None' is neither"),
        ("(1, 3) x", "unexpected text after ')'"),
    ],
)
def test_parse_shape_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_shape(text)
    assert message in str(info.value)


# --------------------------------------------------------------------------- pragmas


def test_pragma_on_the_line_above() -> None:
    models, problems = declared(
        """
        # cnnlint: input=(1, 3, 224, 224)
        net = nn.Sequential(nn.Conv2d(3, 8, 3))
        """
    )
    assert problems == []
    decl = models["net"].input
    assert decl is not None
    assert (decl.dims, decl.source) == ((1, 3, 224, 224), "pragma")
    assert decl.span is not None and decl.span.start == Location(4, 1)


def test_pragma_at_the_end_of_the_first_line_with_symbols() -> None:
    models, problems = declared(
        """
        net = nn.Sequential(  # cnnlint: input=(B, 3, 224, 224)  # noqa: CNL003
            nn.Conv2d(3, 8, 3),
        )
        """
    )
    assert problems == []
    assert dims(models, "net") == ("B", 3, 224, 224)


def test_pragma_for_a_class_model_and_its_decorators() -> None:
    src = """
        # cnnlint: input=(1, 8)
        @some.decorator
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(8, 2)

            def forward(self, x):
                return self.fc(x)

        class Other(nn.Module):  # cnnlint: input=(2, 8)
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(8, 2)

            def forward(self, x):
                return self.fc(x)
        """
    models, problems = declared(src)
    assert problems == []
    assert dims(models, "Net") == (1, 8)
    assert dims(models, "Other") == (2, 8)


BLOCK = """
class Net(nn.Module):
    def __init__(self, n=8):
        super().__init__()
        self.fc = nn.Linear(n, 2)
        self.out = nn.Linear(2, 1)

    def forward(self, x):
        return self.out(self.fc(x))

"""


def _checked(src: str) -> tuple[dict, list]:
    """(model name -> (row, input dims, output shape, findings' codes)), pragma problems."""
    text = HEADER + textwrap.dedent(src)
    result = check_bytes(text.encode(), "m.py", CheckOptions(want_models=True))
    models = {
        m.model.name: (m.model.span.start.row, m.model.input.dims if m.model.input else None, m.trace.output)
        for m in result.models
    }
    problems = [d for d in result.diagnostics if d.code == "CNL997"]
    findings = sorted((d.location.row, d.code) for d in result.diagnostics if d.code not in ("CNL997", "CNL100"))
    return {"models": models, "findings": findings}, problems


@pytest.mark.parametrize(
    "statement",
    [
        "# cnnlint: input=(4, 6)\nmodel = Net(6)\n",
        "model = Net(6)  # cnnlint: input=(4, 6)\n",
        "model = Net(  # cnnlint: input=(4, 6)\n    6,\n)\n",
        "if __name__ == '__main__':\n    # cnnlint: input=(4, 6)\n    model = Net(6)\n",
        "def main():\n    # cnnlint: input=(4, 6)\n    model = Net(6)\n    print(model)\n\n\nmain()\n",
    ],
)
def test_pragma_above_the_statement_that_builds_an_instance_of_a_class_of_the_file(statement: str) -> None:
    """``model = Net(6)`` under a pragma: the statement that creates the model (SPEC §2.1). The class is
    checked as that instance, with its arguments and the pragma's input, never 'pragma not attached'."""
    got, problems = _checked(BLOCK + statement)
    assert problems == []
    assert [(name, dims, str(out)) for name, (_, dims, out) in got["models"].items()] == [("Net", (4, 6), "(4, 1)")]
    assert got["findings"] == []


def test_pragma_instance_is_checked_with_its_own_arguments() -> None:
    got, problems = _checked(BLOCK + "# cnnlint: input=(4, 8)\nmodel = Net(6)\n")
    assert problems == []
    assert got["findings"] == [(7, "CNL001")]  # Linear(6, 2) fed 8 features (Net() would take them)


def test_pragma_above_a_sequential_built_inside_a_function_that_runs() -> None:
    src = "def main():\n    # cnnlint: input=(4, 6)\n    net = nn.Sequential(nn.Linear(8, 2))\n    print(net)\n\n\n"
    src += "main()\n"
    got, problems = _checked(src)
    assert problems == []
    assert got["models"]["net"][1] == (4, 6)
    assert got["findings"] == [(5, "CNL001")]  # Linear(8, 2) fed 6 features


def test_pragma_on_two_instances_checks_each() -> None:
    got, problems = _checked(BLOCK + "a = Net(6)  # cnnlint: input=(1, 6)\n\n# cnnlint: input=(2, 3)\nb = Net(3)\n")
    assert problems == []
    assert {name: (dims, str(out)) for name, (_, dims, out) in got["models"].items()} == {
        "Net": ((1, 6), "(1, 1)"),
        "b": ((2, 3), "(2, 1)"),
    }


def test_pragma_above_other_statements_stays_unattached() -> None:
    """Not the statement that builds it: a pragma above ``print(model)`` or above ``x = 3`` is CNL997."""
    got, problems = _checked(
        BLOCK + "model = Net(6)\n# cnnlint: input=(4, 6)\nprint(model)\n# cnnlint: input=(1, 8)\nx = 3\n"
    )
    assert [p.location.row for p in problems] == [14, 16]
    assert got["models"]["Net"][1] is None


def test_pragma_above_self_assignment_in_init() -> None:
    models, problems = declared(
        """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                # cnnlint: input=(1, 3, 32, 32)
                self.features = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())
        """
    )
    assert problems == []
    assert dims(models, "self.features") == (1, 3, 32, 32)


@pytest.mark.parametrize(
    ("pragma", "message"),
    [
        ("# cnnlint: input=(1, 3, 224", "missing closing ')'"),
        ("# cnnlint: input=(1, -3)", "dimension -3 is not a positive integer"),
        ("# cnnlint: inptu=(1, 3, 224, 224)", "unknown key 'inptu'"),
        ("# cnnlint: input", "is not key=value"),
        ("# cnnlint:", "nothing after 'cnnlint:'"),
        ("# cnnlint: input=", "input= has no value"),
    ],
)
def test_malformed_pragma_is_reported_never_ignored(pragma: str, message: str) -> None:
    models, problems = declared(f"{pragma}\nnet = nn.Sequential(nn.Conv2d(3, 8, 3))\n")
    assert models["net"].input is None
    assert len(problems) == 1
    problem = problems[0]
    assert problem.code == "CNL997"
    assert message in problem.message
    assert problem.span.start == Location(3, 1)
    assert problem.span.end.row == 3


def test_malformed_pragma_at_end_of_line_is_located_at_the_comment() -> None:
    _models, problems = declared("net = nn.Sequential(nn.ReLU())  # cnnlint: input=(1, 3, 224\n")
    assert [p.code for p in problems] == ["CNL997"]
    assert problems[0].span.start == Location(3, 33)


def test_pragma_not_attached_to_a_model_is_reported() -> None:
    models, problems = declared(
        """
        # cnnlint: input=(1, 3, 224, 224)

        net = nn.Sequential(nn.Conv2d(3, 8, 3))
        """
    )
    assert models["net"].input is None
    assert [p.code for p in problems] == ["CNL997"]
    assert "not attached" in problems[0].message


def test_pragma_text_inside_a_string_is_not_a_pragma() -> None:
    models, problems = declared(
        '''
        doc = """
        # cnnlint: input=(1, 3
        """
        label = "# cnnlint: inptu=3"
        net = nn.Sequential(nn.Conv2d(3, 8, 3))  # cnnlint: input=(1, 3, 8, 8)
        '''
    )
    assert problems == []
    assert dims(models, "net") == (1, 3, 8, 8)


# --------------------------------------------------------------------------- inference

NET = "net = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU())\n"


@pytest.mark.parametrize(
    "use",
    [
        "X = torch.randn(1, 1, 28, 28)\nnet(X)",
        "X = torch.rand((1, 1, 28, 28))\nprint(net(X).shape)",
        "X = torch.zeros([1, 1, 28, 28], dtype=torch.float32)\nout = net(X)",
        "X = torch.ones(size=(1, 1, 28, 28))\nout = net.forward(X)",
        "X = torch.empty(1, 1, 28, 28, device='cpu')\nfor layer in net:\n    X = layer(X)\n    print(X.shape)",
        "print(net(torch.randn(1, 1, 28, 28)).shape)",
        "X = torch.randn(BATCH, 1, SIZE, SIZE)\nnet(X)",
        "X = torch.randn(1, 1, 28, 28).to('cpu')\nnet(X)",
        "if __name__ == '__main__':\n    X = torch.randn(1, 1, 28, 28)\n"
        "    for blk in net.children():\n        X = blk(X)",
        "def main():\n    X = torch.randn(1, 1, 28, 28)\n    y = net(X)",
        "X = torch.randint(0, 10, (1, 1, 28, 28))\nnet(X)",  # the interpreter reads randint's size too
    ],
)
def test_inference_from_a_tensor_flowing_into_the_model(use: str) -> None:
    models, problems = declared("BATCH = 1\nSIZE = 28\n" + NET + use + "\n")
    assert problems == []
    decl = models["net"].input
    assert decl is not None
    assert (decl.dims, decl.source) == ((1, 1, 28, 28), "inferred")
    assert decl.span is not None


@pytest.mark.parametrize(
    "use",
    [
        "X = torch.randn(n, 1, 28, 28)\nnet(X)",  # n unknown
        "X = torch.randn(1, 1, 28, 28)\nother(X)",  # not the model
        "X = make_input()\nnet(X)",  # not a literal tensor
        "net(X)\nX = torch.randn(1, 1, 28, 28)",  # assigned after the use
    ],
)
def test_no_inference_without_a_static_tensor(use: str) -> None:
    models, _ = declared("n = int(input())\n" + NET + use + "\n")
    assert models["net"].input is None


def test_nearest_assignment_before_the_use_wins() -> None:
    models, _ = declared(
        NET
        + "net2 = nn.Sequential(nn.Conv2d(1, 8, 3))\n"
        + "X = torch.randn(1, 1, 32, 32)\nnet(X)\nX = torch.randn(1, 1, 64, 64)\nnet2(X)\n"
    )
    assert dims(models, "net") == (1, 1, 32, 32)
    assert dims(models, "net2") == (1, 1, 64, 64)


def test_the_first_use_in_the_file_wins() -> None:
    models, _ = declared(NET + "net(torch.randn(1, 1, 16, 16))\nnet(torch.randn(1, 1, 64, 64))\n")
    assert dims(models, "net") == (1, 1, 16, 16)


CLASS = """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv(x)


def make():
    return nn.Sequential(nn.Conv2d(3, 8, 3))
"""


@pytest.mark.parametrize(
    ("use", "name"),
    [
        ("model = Net()\nmodel(torch.randn(1, 3, 32, 32))", "Net"),
        ("print(Net()(torch.randn(1, 3, 32, 32)).shape)", "Net"),
        ("model = Net().to('cpu').eval()\nX = torch.rand(1, 3, 32, 32)\nout = model(X)", "Net"),
        ("net = make()\nnet(torch.zeros(1, 3, 32, 32))", "make"),
    ],
)
def test_inference_for_class_models_and_factories(use: str, name: str) -> None:
    models, _ = declared(CLASS + use + "\n")
    assert dims(models, name) == (1, 3, 32, 32)
    assert models[name].input.source == "inferred"  # type: ignore[union-attr]


# --------------------------------------------------------------------------- first match wins


def test_pragma_beats_inference_beats_cli_beats_config() -> None:
    src = """
        # cnnlint: input=(1, 1, 8, 8)
        a = nn.Sequential(nn.Conv2d(1, 8, 3))
        b = nn.Sequential(nn.Conv2d(1, 8, 3))
        c = nn.Sequential(nn.Conv2d(1, 8, 3))
        d = nn.Sequential(nn.Conv2d(1, 8, 3))
        e = nn.Sequential(nn.Conv2d(1, 8, 3))
        a(torch.randn(1, 1, 16, 16))
        b(torch.randn(1, 1, 16, 16))
        """
    cli = {"a": (2, 1, 4, 4), "b": (2, 1, 4, 4), "c": (3, 1, 4, 4)}
    config = {"a": [9, 1, 4, 4], "c": [9, 1, 4, 4], "d": [4, 1, 4, 4]}
    models, problems = declared(src, cli, config)
    assert problems == []
    assert [(m.input.source, m.input.dims) if m.input else None for m in models.values()] == [
        ("pragma", (1, 1, 8, 8)),
        ("inferred", (1, 1, 16, 16)),
        ("cli", (3, 1, 4, 4)),
        ("config", (4, 1, 4, 4)),
        None,
    ]


def test_cli_shape_given_as_text() -> None:
    models, _ = declared(NET, {"net": "1,1,28,28"})
    assert dims(models, "net") == (1, 1, 28, 28)


def test_inference_for_a_sequential_subclass() -> None:
    models, _ = declared(
        """
        class Block(nn.Sequential):
            def __init__(self):
                super().__init__(nn.Conv2d(3, 8, 3), nn.ReLU())

        block = Block()
        y = block(torch.randn(2, 3, 16, 16))
        """
    )
    assert dims(models, "Block") == (2, 3, 16, 16)
