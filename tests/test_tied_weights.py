"""A weight set from another layer's (GPT's ``wte.weight = lm_head.weight``): one parameter, as torch counts it.

Torch is the oracle: each program is built on the meta device and ``sum(p.numel() for p in
model.parameters())`` (which yields a shared Parameter once), the output shape and the forward's
error are compared with cnnlint's summary of the same source.
"""

from __future__ import annotations

import textwrap

import pytest

torch = pytest.importorskip("torch")

from cnnlint.check import CheckOptions, check_bytes  # noqa: E402
from cnnlint.report.summary import summary_records  # noqa: E402
from cnnlint.rules import severity  # noqa: E402

HEADER = "import torch\nimport torch.nn as nn\n\n"


def _net(init: str, forward: str) -> str:
    body = textwrap.indent(textwrap.dedent(init).strip(), " " * 8)
    step = textwrap.indent(textwrap.dedent(forward).strip(), " " * 8)
    return (
        HEADER
        + "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        + body
        + "\n\n    def forward(self, x):\n"
        + step
        + "\n"
    )


def _torch(source: str, shape: tuple[int, ...]) -> dict:
    namespace: dict = {}
    with torch.device("meta"):
        exec(compile(source, "net.py", "exec"), namespace)  # noqa: S102 - the test's own program
        net = namespace["Net"]()
        params = sum(p.numel() for p in net.parameters())
        try:
            out = net(torch.zeros(shape, dtype=torch.long))
        except RuntimeError:
            return {"params": params, "output": None, "raises": True}
    return {"params": params, "output": list(out.shape), "raises": False}


def _cnnlint(source: str, shape: tuple[int, ...]) -> dict:
    options = CheckOptions(cli_inputs={"Net": shape}, want_models=True)
    result = check_bytes(source.encode(), "net.py", options)
    (net,) = [m for m in summary_records([result]) if m.name == "Net"]
    raises = any(severity(d.code) == "error" for d in result.diagnostics)
    output = list(net.output_shape.dims) if net.output_shape is not None and not net.output_shape.open else None
    return {"params": net.total_params, "output": None if raises else output, "raises": raises}


PROGRAMS = {
    "embedding takes the head's weight (GPT)": (
        """
        self.wte = nn.Embedding(100, 16)
        self.head = nn.Linear(16, 100, bias=False)
        self.wte.weight = self.head.weight
        """,
        "return self.head(self.wte(x))",
    ),
    "head takes the embedding's weight (word language model), with its own bias": (
        """
        self.encoder = nn.Embedding(100, 16)
        self.decoder = nn.Linear(16, 100)
        self.decoder.weight = self.encoder.weight
        """,
        "return self.decoder(self.encoder(x))",
    ),
    "the head sized for another width: torch refuses the tied weight in forward": (
        """
        self.encoder = nn.Embedding(100, 16)
        self.rnn = nn.GRU(16, 32)
        self.decoder = nn.Linear(32, 100)
        self.decoder.weight = self.encoder.weight
        """,
        "out, _ = self.rnn(self.encoder(x))\nreturn self.decoder(out)",
    ),
    "a copy of the weight is a parameter of its own": (
        """
        self.wte = nn.Embedding(100, 16)
        self.head = nn.Linear(16, 100, bias=False)
        self.wte.weight = nn.Parameter(self.head.weight.clone())
        """,
        "return self.head(self.wte(x))",
    ),
    "a weight from a layer outside the model is counted in it, once": (
        """
        outside = nn.Linear(16, 100, bias=False)
        self.wte = nn.Embedding(100, 16)
        self.wte.weight = outside.weight
        self.out = nn.Linear(16, 4)
        """,
        "return self.out(self.wte(x))",
    ),
    "three layers share one weight": (
        """
        self.a = nn.Embedding(50, 8)
        self.b = nn.Embedding(50, 8)
        self.head = nn.Linear(8, 50, bias=False)
        self.a.weight = self.head.weight
        self.b.weight = self.head.weight
        """,
        "return self.head(self.a(x) + self.b(x))",
    ),
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_tied_weights_as_torch_counts_them(name: str) -> None:
    init, forward = PROGRAMS[name]
    source = _net(init, forward)
    shape = (2, 7)
    assert _cnnlint(source, shape) == _torch(source, shape)


def test_the_tied_head_is_reported_at_its_constructor() -> None:
    init, forward = PROGRAMS["the head sized for another width: torch refuses the tied weight in forward"]
    source = _net(init, forward)
    result = check_bytes(source.encode(), "net.py", CheckOptions(cli_inputs={"Net": (2, 7)}))
    (finding,) = [d for d in result.diagnostics if d.code != "CNL100"]
    row = source.splitlines().index("        self.decoder = nn.Linear(32, 100)") + 1
    assert (finding.code, finding.location.row) == ("CNL001", row)
    assert finding.fix is None  # in_features no longer decides: the weight does
    assert finding.message.endswith("(its weight, set after it was built, is 100x16)"), finding.message
