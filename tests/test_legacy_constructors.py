"""``torch.Tensor(8, 3, 3, 3)`` and its typed kin: sizes one by one make a tensor of that shape (pytorchcv's
XConv2d mask); data (a list, a tuple) never reads as sizes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings, summary_model

torch = pytest.importorskip("torch")


def cpu_built(source: str, path: Path, dims: tuple[int, ...]) -> tuple[list[int], int]:
    """As conftest's ``torch_built``, on the CPU: torch's legacy constructors ignore a default device of meta,
    and the model is tiny."""
    path.write_text(source)
    namespace: dict = {}
    exec(compile(source, str(path), "exec"), namespace)  # noqa: S102 - the test's own source
    net = namespace["Net"]()
    return list(net(torch.zeros(*dims)).shape), sum(p.numel() for p in net.parameters())


MASKED = """import torch
import torch.nn as nn
import torch.nn.functional as F


class XConv2d(nn.Conv2d):
    def __init__(self, in_channels, out_channels, kernel_size, groups=1, **kwargs):
        super().__init__(in_channels, out_channels, kernel_size, groups=groups, **kwargs)
        if isinstance(kernel_size, int):
            kernel_size = (kernel_size, kernel_size)
        self.mask = nn.Parameter(data=torch.Tensor(out_channels, in_channels // groups, *kernel_size),
                                 requires_grad=False)

    def forward(self, input):
        return F.conv2d(input=input, weight=self.weight.mul(self.mask), bias=self.bias, stride=self.stride,
                        padding=self.padding, dilation=self.dilation, groups=self.groups)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = XConv2d(4, 8, 3, groups=2, padding=1)
        self.scale = nn.Parameter(torch.FloatTensor(8, 1, 1))
        self.register_buffer("index", torch.LongTensor(5))
        self.register_buffer("empty", torch.Tensor())

    def forward(self, x):
        y = self.conv(x) * self.scale
        return y.flatten(1)[:, self.index.clamp(0, 3)] + self.empty.sum()
"""


def test_sizes_one_by_one_make_a_tensor_of_that_shape(tmp_path: Path) -> None:
    path = tmp_path / "masked.py"
    shape, params = cpu_built(MASKED, path, (2, 4, 6, 6))
    model = summary_model(path, "Net", "2,4,6,6")
    assert model["output_shape"] == shape == [2, 5]
    assert model["total_params"] == params


def test_a_mask_of_the_wrong_shape_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "masked.py"
    source = MASKED.replace("in_channels // groups", "in_channels")  # (8, 4, 3, 3) against (8, 2, 3, 3)
    with pytest.raises(RuntimeError):
        cpu_built(source, path, (2, 4, 6, 6))
    errors = [(row, code) for row, code, _ in findings(path, "--input", "Net=2,4,6,6") if code != "CNL100"]
    assert errors == [(15, "CNL008")]  # torch: weight.mul(mask) cannot broadcast


@pytest.mark.parametrize(
    "made",
    ["torch.Tensor((8, 1, 1))", "torch.FloatTensor([8, 1])", "torch.FloatTensor([[8], [1]])", "torch.Tensor(8.0)"],
)
def test_data_is_read_as_data_never_as_sizes(tmp_path: Path, made: str) -> None:
    """``torch.Tensor((8, 1, 1))`` holds three numbers: a (3,) scale that torch cannot multiply by an (8, 6, 6) map."""
    source = MASKED.replace("torch.FloatTensor(8, 1, 1)", made)
    path = tmp_path / "masked.py"
    try:
        cpu_built(source, path, (2, 4, 6, 6))
        raised = None
    except (RuntimeError, TypeError) as exc:
        raised = type(exc)
    row = source.splitlines().index("        y = self.conv(x) * self.scale") + 1
    errors = [(r, code) for r, code, _ in findings(path, "--input", "Net=2,4,6,6") if code != "CNL100"]
    assert errors == ([(row, "CNL008")] if raised is RuntimeError else [])  # (a TypeError: data not modelled)
