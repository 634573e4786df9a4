"""``type(x) is list`` and ``isinstance(seq, Identity)`` decided as Python does (pytorchcv's HRNet stages take a
tensor or a list of branch tensors and skip their Identity transitions)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings, summary_model, torch_built

torch = pytest.importorskip("torch")

STAGES = """import torch.nn as nn


class Identity(nn.Module):
    def forward(self, x):
        return x


class Stage(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.transition = nn.Sequential()
        for i, (c_in, c_out) in enumerate(zip(in_channels, out_channels)):
            if c_in == c_out:
                self.transition.add_module("t{}".format(i), Identity())
            else:
                self.transition.add_module("t{}".format(i), nn.Sequential(nn.Conv2d(c_in, c_out, 3, 2, 1)))

    def forward(self, x):
        out = []
        for j in range(len(self.transition)):
            if not isinstance(self.transition[j], Identity):
                out.append(self.transition[j](x[-1] if type(x) is list else x))
            else:
                out.append(x[j] if type(x) is list else x)
        return out


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stage1 = Stage([8, 8], [8, 16])
        self.stage2 = Stage([8, 16, 16], [8, 16, 32])
        self.head = nn.Conv2d(32, 4, 1)

    def forward(self, x):
        x = self.stage2(self.stage1(x))
        return self.head(x[-1]) + x[0].mean(1, keepdim=True)[:, :, ::4, ::4]
"""


def test_a_list_or_a_tensor_takes_the_branch_torch_takes(tmp_path: Path) -> None:
    path = tmp_path / "stages.py"
    shape, params = torch_built(STAGES, path, "Net", (2, 8, 16, 16))
    model = summary_model(path, "Net", "2,8,16,16")
    assert model["output_shape"] == shape == [2, 4, 4, 4]
    assert model["total_params"] == params
    assert not model["partial"]


def test_the_branch_taken_reaches_the_error(tmp_path: Path) -> None:
    path = tmp_path / "stages.py"
    source = STAGES.replace("x[-1] if type(x) is list else x", "x[0] if type(x) is list else x")  # 8 channels in
    with pytest.raises(RuntimeError):
        torch_built(source, path, "Net", (2, 8, 16, 16))
    found = findings(path, "--input", "Net=2,8,16,16")
    assert [(row, code) for row, code, _ in found][:1] == [(17, "CNL002")]  # where torch raises


def test_a_tuple_type_stays_unknown(tmp_path: Path) -> None:
    """A tuple may be a torch.Size: ``type(t) is tuple`` is never decided, so neither branch is reported."""
    path = tmp_path / "stages.py"
    source = STAGES.replace("x[-1] if type(x) is list else x", "x[0] if type(tuple(x)) is tuple else x")
    path.write_text(source)
    assert all(code == "CNL100" for _, code, _ in findings(path, "--input", "Net=2,8,16,16"))


PARTIALS = """import functools
import torch.nn as nn

partial_norm = functools.partial(nn.InstanceNorm2d, affine=False)
a = type(partial_norm) == functools.partial
b = type(nn.BatchNorm2d) == functools.partial
c = type(partial_norm) is functools.partial
d = partial_norm.func == nn.InstanceNorm2d
"""


def test_the_type_of_a_partial_and_of_a_layer_class_as_python_says() -> None:
    """pix2pix's ``use_bias = norm_layer.func == nn.InstanceNorm2d if type(norm_layer) == functools.partial
    else norm_layer == nn.InstanceNorm2d``: decided, so its convolutions' bias (and parameters) are known."""
    from conftest import module_globals

    expected: dict = {}
    exec(compile(PARTIALS, "m.py", "exec"), expected)  # noqa: S102 - the test's own program
    got = module_globals(PARTIALS)
    assert {k: got[k] for k in "abcd"} == {k: expected[k] for k in "abcd"}
