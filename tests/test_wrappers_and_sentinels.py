"""What torchvision's builders lean on, read as Python runs it: a decorator's wrapper (``pretrained=True``
becomes ``weights=...``), ``sentinel = object()``, ``Weights["NAME"]``, ``callable(member)``, and
``model.classifier[6] = layer``.

Each case builds ``nn.Linear(4, WIDTH)`` (or replaces a child) from the construct; Python running the same
file with torch is the truth for the output shape and parameter count.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from conftest import assert_net_is_torchs, reported, summary_model

torch = pytest.importorskip("torch")

PRELUDE = """
import functools
from enum import Enum

import torch
from torch import nn


class Sizes(Enum):
    SMALL = 6
    LARGE = 12
    DEFAULT = LARGE


def legacy(**renames):
    '''torchvision's ``handle_legacy_interface``, in small: an old keyword becomes the new one.'''
    def outer(builder):
        @functools.wraps(builder)
        def inner(*args, **kwargs):
            for new, (old, default) in renames.items():
                sentinel = object()
                given = kwargs.get(new, sentinel)
                if old not in kwargs or given is not sentinel:
                    continue
                if kwargs.pop(old):
                    kwargs[new] = default(kwargs) if callable(default) else default
            return builder(*args, **kwargs)
        return inner
    return outer


@legacy(size=("big", Sizes.LARGE))
def make(*, size=None, extra=0):
    width = 3 if size is None else size.value
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, width + extra))

"""

# The model is ``Net``, built from what each line binds to ``net``.
CASES = [
    "net = make(big=True)",  # the wrapper turns big=True into size=Sizes.LARGE
    "net = make(big=False, extra=2)",
    "net = make(size=Sizes['SMALL'])",  # an enum member by name; the wrapper passes it through
    "net = make(size=Sizes['DEFAULT'])",  # an alias by name is its member
    "net = make()",
    "net = make(big=True)\nnet[2] = nn.Linear(8, 5)",  # a Sequential's child replaced by position
    "net = make()\nnet[-1] = nn.Linear(8, 9)",
    "s = object()\nnet = nn.Linear(4, 7 if s is s and s != object() and not isinstance(s, Sizes) else 1)",
    "net = nn.Linear(4, 5 if callable(Sizes.SMALL) else 11)",
    # pretrainedmodels' wrapped torchvision models: a forward bound onto the instance
    "import types\n\ndef logits(self, x):\n    return self[2](self[0](x)).flatten(1)\n\n"
    "net = make(big=True)\nnet.forward = types.MethodType(logits, net)",
]


@pytest.mark.parametrize("case", CASES)
def test_construct_matches_python(tmp_path: Path, case: str) -> None:
    assert_net_is_torchs(PRELUDE + case, tmp_path / "net.py")


def test_a_replaced_child_that_does_not_fit_is_found(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    source = PRELUDE + "net = make(big=True)\nnet[0] = nn.Linear(4, 16)\n"
    path.write_text(source)
    with torch.device("meta"), pytest.raises(RuntimeError):
        runpy.run_path(str(path))["net"](torch.empty(2, 4))
    row = next(i for i, line in enumerate(source.splitlines(), 1) if "nn.Linear(8, width + extra)" in line)
    assert reported(path, "--input", "net=2,4") == {(row, "CNL001")}


def test_a_wrapper_that_cannot_be_followed_is_read_through(tmp_path: Path) -> None:
    """A wrapper whose result is unknown (it calls code cnnlint cannot read): the function is called as written,
    as decorators were read before wrappers were followed, so such factories are still checked."""
    path = tmp_path / "net.py"
    path.write_text(
        "import functools\nimport somewhere_unknown\nfrom torch import nn\n\n\n"
        "def opaque(fn):\n    @functools.wraps(fn)\n    def inner(*args, **kwargs):\n"
        "        return somewhere_unknown.run(fn, *args, **kwargs)\n    return inner\n\n\n"
        "@opaque\ndef make(width=6):\n    return nn.Sequential(nn.Linear(4, width), nn.ReLU())\n"
    )
    model = summary_model(path, "make", "2,4")
    assert model["output_shape"] == [2, 6]


CHANGED_AFTER_BUILD = """
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        {change}
        self.fc = nn.Linear(8 * 16 * 16, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.conv(x), 1))
"""


@pytest.mark.parametrize(
    ("change", "channels", "size"),
    [
        ("self.conv.stride = (1, 1)", 3, 16),  # the last-stride-1 trick of re-identification backbones
        # smp's patch_first_conv: the new weight's shape is what the forward reads
        ("self.conv.in_channels = 1; self.conv.weight = nn.Parameter(torch.zeros(8, 1, 3, 3))", 1, 32),
        ("self.conv.in_channels = 1", 3, 32),  # read by no forward: the weight still takes 3 channels
        ("self.conv.weight = nn.Parameter(torch.zeros(8, 3, 5, 5)); self.conv.padding = (2, 2)", 3, 32),
    ],
)
def test_an_argument_set_after_the_layer_is_built_is_read_as_torch_reads_it(
    tmp_path: Path, change: str, channels: int, size: int
) -> None:
    """torch's forward reads what was set: the layer as constructed would give a false error at fc."""
    path = tmp_path / "net.py"
    source = CHANGED_AFTER_BUILD.format(change=change)
    path.write_text(source)
    with torch.device("meta"):
        net = runpy.run_path(str(path))["Net"]()
        out = net(torch.empty(2, channels, size, size))
    assert list(out.shape) == [2, 10]
    assert reported(path, "--input", f"Net=2,{channels},{size},{size}") == set()
    model = summary_model(path, "Net", f"2,{channels},{size},{size}")
    assert (model["output_shape"], model["total_params"]) == ([2, 10], sum(p.numel() for p in net.parameters()))


def test_a_new_weight_the_old_bias_does_not_fit_is_unknown(tmp_path: Path) -> None:
    """Eight output channels' bias with a 16-channel weight: not modelled, so unknown and silent."""
    path = tmp_path / "net.py"
    path.write_text(CHANGED_AFTER_BUILD.format(change="self.conv.weight = nn.Parameter(torch.zeros(16, 3, 3, 3))"))
    assert reported(path, "--input", "Net=2,3,32,32") == set()
    assert summary_model(path, "Net", "2,3,32,32")["output_shape"] is None
