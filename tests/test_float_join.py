"""Two floats from branches cnnlint cannot decide are a float between them (``approx.Approx``), not unknown.

lucidrains' weight-standardised conv: ``eps = 1e-5 if x.dtype == torch.float32 else 1e-3``, then
``(var + eps).rsqrt()``: whichever branch runs, a tensor plus a float keeps the tensor's shape. Torch is
the oracle for the shapes; the must-nots keep an int from either branch, or a float beside an int, unknown.
"""

from __future__ import annotations

import textwrap

import pytest

torch = pytest.importorskip("torch")

from cnnlint.check import CheckOptions, check_bytes  # noqa: E402
from cnnlint.report.summary import summary_records  # noqa: E402

HEADER = "import torch\nimport torch.nn as nn\n\n"


def _source(forward: str) -> str:
    body = textwrap.indent(textwrap.dedent(forward).strip(), " " * 8)
    return (
        HEADER
        + "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        + "        self.fc = nn.Linear(8, 4)\n\n    def forward(self, x):\n"
        + body
        + "\n"
    )


def _static(source: str) -> tuple[list | None, list[str]]:
    result = check_bytes(source.encode(), "net.py", CheckOptions(cli_inputs={"Net": (2, 8)}, want_models=True))
    (net,) = [m for m in summary_records([result]) if m.name == "Net"]
    shape = list(net.output_shape.dims) if net.output_shape is not None and not net.output_shape.open else None
    return shape, [d.code for d in result.diagnostics]


def _torch(source: str) -> list:
    namespace: dict = {}
    exec(compile(source, "net.py", "exec"), namespace)  # noqa: S102 - the test's own program
    with torch.device("meta"):
        return list(namespace["Net"]()(torch.zeros(2, 8)).shape)


FOLLOWED = {
    "the dtype decides eps": """
        eps = 1e-5 if x.dtype == torch.float32 else 1e-3
        return self.fc(x * (x.var() + eps).rsqrt())
        """,
    "an if statement decides the scale": """
        if x.is_cuda:
            scale = 0.5
        else:
            scale = 2.0
        return self.fc(x) * scale
        """,
    "the float between them is compared by its bounds": """
        eps = 1e-5 if x.dtype == torch.float32 else 1e-3
        if eps < 0.01:
            x = x[:, :8]
        else:
            x = x[:, :4]
        return self.fc(x)
        """,
}


@pytest.mark.parametrize("name", FOLLOWED)
def test_a_float_from_either_branch_keeps_following(name: str) -> None:
    source = _source(FOLLOWED[name])
    shape, codes = _static(source)
    assert shape == _torch(source)
    assert codes == []


UNKNOWN = {
    "an int from either branch may be a size": """
        n = 8 if x.is_cuda else 4
        return self.fc(x).reshape(n, -1)
        """,
    "an int beside a float": """
        scale = 2 if x.is_cuda else 0.5
        return self.fc(x) * scale
        """,
}


@pytest.mark.parametrize("name", UNKNOWN)
def test_other_joins_stay_unknown(name: str) -> None:
    shape, codes = _static(_source(UNKNOWN[name]))
    assert shape is None
    assert set(codes) <= {"CNL100"}
