"""After an error, following goes on where the failing layer's output is fixed by its own arguments (SPEC §3).

A Linear with the wrong ``in_features`` still outputs ``out_features``, even
when that happens to equal its input: the next layer's error is independent
and is reported in the same run. A BatchNorm with the wrong channels passes
its input on: what follows may be wrong only because of it, so it is not.
torch says which: each reported error still raises once the ones above it
are fixed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import reported

torch = pytest.importorskip("torch")
nn = torch.nn

CASES = {
    "linear_out_equals_in": (
        "(1, 10)",
        ["nn.Linear(10, 20)", "nn.Linear(1, 20)", "nn.Linear(2, 20)"],
        [("nn.Linear(1, 20)", "nn.Linear(20, 20)")],
        {(5, "CNL001"), (6, "CNL001")},
    ),
    "conv_without_an_input_size": (
        None,
        ["nn.Conv2d(3, 16, 3)", "nn.Conv2d(8, 16, 3)", "nn.BatchNorm2d(32)"],
        [("nn.Conv2d(8, 16, 3)", "nn.Conv2d(16, 16, 3)")],
        {(5, "CNL002"), (6, "CNL002")},
    ),
    "batchnorm_passes_its_input_on": (
        "(1, 3, 8, 8)",
        ["nn.Conv2d(3, 16, 3)", "nn.BatchNorm2d(8)", "nn.Conv2d(8, 16, 3)"],
        [],
        {(5, "CNL002")},
    ),
}


def _source(dims: str | None, layers: list[str]) -> str:
    pragma = f"# cnnlint: input={dims}" if dims else "# no input size"
    body = "".join(f"    {layer},\n" for layer in layers)
    return f"from torch import nn\n{pragma}\nnet = nn.Sequential(\n{body})\n"


def _raises_at(layers: list[str], dims: tuple[int, ...]) -> int | None:
    """The index of the layer torch raises at, or None."""
    x = torch.empty(*dims, device="meta")
    for i, text in enumerate(layers):
        with torch.device("meta"):
            layer = eval(text, {"nn": nn})
        try:
            x = layer(x)
        except RuntimeError:
            return i
    return None


@pytest.mark.parametrize("case", sorted(CASES))
def test_independent_errors_after_an_error_are_reported(tmp_path: Path, case: str) -> None:
    dims, layers, fixes, expected = CASES[case]
    path = tmp_path / "net.py"
    path.write_text(_source(dims, layers))
    assert reported(path) == expected
    truth = dims or "(2, 3, 8, 8)"  # without a size, any size shows the channel errors
    shape = tuple(int(d) for d in truth.strip("()").split(","))
    fixed = list(layers)
    for row, _code in sorted(expected):
        assert _raises_at(fixed, shape) == row - 4, f"torch disagrees at row {row}"
        if fixes:
            wrong, right = fixes.pop(0)
            fixed[fixed.index(wrong)] = right


PASSED_ON = """import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm2d(16)
        self.conv = nn.Conv2d(8, 8, 3)
        self.pool = nn.AdaptiveAvgPool2d(4)

    def forward(self, x):
        y = self.bn(x)
        y = {joined}
        y = self.pool(y)
        return y + torch.zeros(1, 8, 5, 5)


net = Net()
net(torch.zeros(1, 8, 16, 16))
"""
JOINED = [
    "torch.cat([y, self.conv(y)], 1)",  # 16 vs 14: would raise, were torch still running
    "y + self.conv(y)",
    "y @ self.conv(y)",
    "y[:, :, 20]",
]


@pytest.mark.parametrize("joined", JOINED)
def test_what_fails_after_an_input_passed_on_stays_silent(tmp_path: Path, joined: str) -> None:
    """pix2pix at 200x200: the InstanceNorm that raises passes its input on; an op downstream of it that
    fails is unknown and tainted, so the later mismatch (4 vs 5, only because of it) is never reported.
    Torch raises at the BatchNorm: the one error reported."""
    path = tmp_path / "net.py"
    path.write_text(PASSED_ON.format(joined=joined))
    with pytest.raises(RuntimeError, match="running_mean"):
        exec(compile(path.read_text(), str(path), "exec"), {"__name__": "net"})  # noqa: S102 - the test's program
    assert reported(path) == {(8, "CNL002")}
