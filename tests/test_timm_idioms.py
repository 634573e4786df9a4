"""The Python timm's helpers are written in, each as a small model in timm's style, proven by torch.

Each source is written to a file, summarised by ``cnnlint summary --input`` and
run by torch on the meta device (the file's own ``build()`` makes the model):
the output shape and parameter count must agree, and the model must be followed
to the end. The negative cases pin what stays unknown (never guessed).
"""

from __future__ import annotations

import runpy
import textwrap
from pathlib import Path

import pytest
from conftest import summary_model

torch = pytest.importorskip("torch")

ACTIVATIONS = """
import torch
from torch import nn as nn
from torch.nn import functional as F


def swish(x, inplace: bool = False):
    return x.mul_(x.sigmoid()) if inplace else x.mul(x.sigmoid())


class Swish(nn.Module):
    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, x):
        return swish(x, self.inplace)


class GELU(nn.Module):
    def __init__(self, inplace: bool = False):
        super().__init__()

    def forward(self, input):
        return F.gelu(input)
"""

CREATE_ACT = """
from typing import Callable
from .activations import *

_has_silu = 'silu' in dir(torch.nn.functional)
_ACT_LAYER_DEFAULT = dict(silu=nn.SiLU if _has_silu else Swish, relu=nn.ReLU, gelu=GELU)
_ACT_LAYER_ME = dict(silu=nn.SiLU if _has_silu else Swish)


def get_act_layer(name='relu'):
    if name is None:
        return None
    if not isinstance(name, str):
        return name
    name = name.lower()
    if name in _ACT_LAYER_ME:
        return _ACT_LAYER_ME[name]
    return _ACT_LAYER_DEFAULT[name]


def create_act_layer(name, inplace=None, **kwargs):
    act_layer = get_act_layer(name)
    if act_layer is None:
        return None
    if inplace is None:
        return act_layer(**kwargs)
    try:
        return act_layer(inplace=inplace, **kwargs)
    except TypeError:
        return act_layer(**kwargs)
"""

NORM_ACT = """
import functools
import types
import torch
from torch import nn
from torch.nn import functional as F
from .create_act import create_act_layer


class BatchNormAct2d(nn.BatchNorm2d):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 apply_act=True, act_layer=nn.ReLU, inplace=True, device=None, dtype=None):
        try:
            factory_kwargs = {'device': device, 'dtype': dtype}
            super().__init__(num_features, eps=eps, momentum=momentum, affine=affine,
                             track_running_stats=track_running_stats, **factory_kwargs)
        except TypeError:
            super().__init__(num_features, eps=eps, momentum=momentum, affine=affine,
                             track_running_stats=track_running_stats)
        self.drop = nn.Identity()
        act = create_act_layer(act_layer, inplace=inplace) if apply_act else None
        self.act = nn.Identity() if act is None else act

    def forward(self, x):
        torch._assert(x.ndim == 4, f'expected 4D input (got {x.ndim}D input)')
        if self.momentum is None:
            exponential_average_factor = 0.0
        else:
            exponential_average_factor = self.momentum
        if self.training:
            bn_training = True
        else:
            bn_training = (self.running_mean is None) and (self.running_var is None)
        x = F.batch_norm(
            x,
            self.running_mean if not self.training or self.track_running_stats else None,
            self.running_var if not self.training or self.track_running_stats else None,
            self.weight, self.bias, bn_training, exponential_average_factor, self.eps,
        )
        x = self.drop(x)
        return self.act(x)


class GroupNormAct(nn.GroupNorm):
    def __init__(self, num_channels, num_groups=32, eps=1e-5, affine=True, act_layer=nn.ReLU):
        super().__init__(num_groups, num_channels, eps=eps, affine=affine)
        self.act = create_act_layer(act_layer)

    def forward(self, x):
        return self.act(F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps))


_NORM_ACT_MAP = dict(batchnorm=BatchNormAct2d, groupnorm=GroupNormAct)
_NORM_ACT_TYPES = {m for n, m in _NORM_ACT_MAP.items()}
_NORM_TO_NORM_ACT_MAP = dict(batchnorm2d=BatchNormAct2d, groupnorm=GroupNormAct)
_NORM_ACT_REQUIRES_ARG = {BatchNormAct2d, GroupNormAct}


def get_norm_act_layer(norm_layer, act_layer=None):
    assert isinstance(norm_layer, (type, str, types.FunctionType, functools.partial))
    norm_act_kwargs = {}
    if isinstance(norm_layer, functools.partial):
        norm_act_kwargs.update(norm_layer.keywords)
        norm_layer = norm_layer.func
    if isinstance(norm_layer, str):
        norm_act_layer = _NORM_ACT_MAP[norm_layer.replace('_', '').lower().split('-')[0]]
    elif norm_layer in _NORM_ACT_TYPES:
        norm_act_layer = norm_layer
    elif isinstance(norm_layer, types.FunctionType):
        norm_act_layer = norm_layer
    else:
        type_name = norm_layer.__name__.lower()
        norm_act_layer = _NORM_TO_NORM_ACT_MAP.get(type_name, None)
    if norm_act_layer in _NORM_ACT_REQUIRES_ARG:
        norm_act_kwargs.setdefault('act_layer', act_layer)
    if norm_act_kwargs:
        norm_act_layer = functools.partial(norm_act_layer, **norm_act_kwargs)
    return norm_act_layer
"""

MODELS = """
import re
from dataclasses import dataclass, replace
from functools import partial
import torch
from torch import nn
from torch.nn import functional as F
from ..layers.create_act import get_act_layer
from ..layers.norm_act import get_norm_act_layer


class DropPath(nn.Module):
    def __init__(self, drop_prob=0.):
        super().__init__()
        self.drop_prob = drop_prob

    def forward(self, x):
        if self.drop_prob == 0. or not self.training:
            return x
        keep = x.new_empty((x.shape[0],) + (1,) * (x.ndim - 1)).bernoulli_(1 - self.drop_prob)
        return x * keep


class Linear(nn.Linear):
    def forward(self, input):
        if torch.jit.is_scripting():
            return F.linear(input, self.weight.to(dtype=input.dtype), self.bias)
        return F.linear(input, self.weight, self.bias)


class Conv2dSame(nn.Conv2d):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, bias=True):
        super().__init__(in_channels, out_channels, kernel_size, stride, 0, 1, 1, bias)

    def forward(self, x):
        ih, iw = x.size()[-2:]
        kh, kw = self.weight.shape[-2:]
        pad_h = max((-(-ih // self.stride[0]) - 1) * self.stride[0] + kh - ih, 0)
        pad_w = max((-(-iw // self.stride[1]) - 1) * self.stride[1] + kw - iw, 0)
        x = F.pad(x, (pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2))
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


def decode_block_str(block_str):
    ops = block_str.split('_')
    options = {}
    for op in ops[1:]:
        if op.startswith('n'):
            options['n'] = get_act_layer({'re': 'relu', 'sw': 'silu'}[op[1:]])
        else:
            splits = re.split(r'(\\d.*)', op)
            if len(splits) >= 2:
                key, value = splits[:2]
                options[key] = value
    return dict(type=ops[0], out_chs=int(options['c']), stride=int(options['s']),
                kernel=int(options['k']), act_layer=options.get('n'))


@dataclass
class NetCfg:
    arch: tuple = ('cn_k3_s2_c24_nre', 'cn_k3_s1_c32_nsw', 'cn_k3_s2_c48')
    norm_layer: object = 'batchnorm'
    drop_path_rate: float = 0.
    num_features: int = 64


class Block(nn.Module):
    def __init__(self, in_chs, out_chs, kernel, stride, norm_act_layer, drop_path=0., act_layer=None):
        super().__init__()
        self.conv = nn.Conv2d(in_chs, out_chs, kernel, stride, kernel // 2, bias=False)
        self.bn = norm_act_layer(out_chs) if act_layer is None else norm_act_layer(out_chs, act_layer=act_layer)
        self.drop_path = DropPath(drop_path) if drop_path > 0. else nn.Identity()

    def forward(self, x):
        return self.drop_path(self.bn(self.conv(x)))


class Net(nn.Module):
    def __init__(self, cfg=NetCfg(), num_classes=10, in_chans=3, **kwargs):
        super().__init__()
        cfg = replace(cfg, **kwargs)
        norm_act_layer = get_norm_act_layer(cfg.norm_layer, nn.ReLU)
        dpr = [x.item() for x in torch.linspace(0, cfg.drop_path_rate, len(cfg.arch), device='cpu')]
        self.stem = Conv2dSame(in_chans, 16, 3, stride=2)
        blocks, chs = [], 16
        for i, s in enumerate(cfg.arch):
            a = decode_block_str(s)
            blocks.append(Block(chs, a['out_chs'], a['kernel'], a['stride'], norm_act_layer, dpr[i], a['act_layer']))
            chs = a['out_chs']
        self.blocks = nn.Sequential(*blocks)
        self.head = Linear(chs, num_classes)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.head(x.mean((2, 3)))


def net_gn(**kwargs):
    return Net(norm_layer=partial(nn.GroupNorm, num_groups=8), **kwargs)


def build():
    return Net()


def build_gn():
    return net_gn()
"""


SECOND = """
import os
from enum import Enum
from functools import partial
import torch
from torch import nn
from torch.nn import functional as F

_FUSED = int(os.environ.get('CNNLINT_TEST_UNSET_FLAG', '1')) > 0


class Format(str, Enum):
    NCHW = 'NCHW'
    NHWC = 'NHWC'
    NLC = 'NLC'


def nchw_to(x, fmt):
    if fmt == Format.NHWC:
        x = x.permute(0, 2, 3, 1)
    elif fmt is Format.NLC:
        x = x.flatten(2).transpose(1, 2)
    return x


def val2tuple(x, min_len=1, idx_repeat=-1):
    x = list(x) if isinstance(x, (list, tuple)) else [x]
    x[idx_repeat:idx_repeat] = [x[idx_repeat] for _ in range(min_len - len(x))]
    return tuple(x)


class PartialConv(nn.Module):
    def __init__(self, dim, n_div=4, forward='split_cat'):
        super().__init__()
        self.dim_conv = dim // n_div
        self.dim_untouched = dim - self.dim_conv
        self.conv = nn.Conv2d(self.dim_conv, self.dim_conv, 3, 1, 1, bias=False)
        if forward == 'split_cat':
            self.forward = self.forward_split_cat
        else:
            raise NotImplementedError

    def forward_split_cat(self, x):
        x1, x2 = torch.split(x, [self.dim_conv, self.dim_untouched], dim=1)
        return torch.cat((self.conv(x1), x2), 1)


class Attention(nn.Module):
    def __init__(self, dim, num_heads=2):
        super().__init__()
        self.num_heads, self.head_dim = num_heads, dim // num_heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)
        self.fused_attn = _FUSED

    def forward(self, x):
        B, N, C = x.shape
        q, k, v = self.qkv(x).reshape(B, N, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4).unbind(0)
        if self.fused_attn:
            x = F.scaled_dot_product_attention(q, k, v)
        else:
            x = (q @ k.transpose(-2, -1)).softmax(dim=-1) @ v
        return self.proj(x.transpose(1, 2).reshape(B, N, C))


class Mixer(nn.Module):
    def __init__(self, dims=(16, 32), num_classes=5, output_fmt='NLC'):
        super().__init__()
        depths = sum([[d] * 2 for d in dims], [])
        kinds = val2tuple('pconv', 2)
        norm = partial(partial(nn.GroupNorm, 2), eps=1e-5)
        self.fmt = Format(output_fmt)
        self.stem = nn.Conv2d(3, depths[0], 4, 4)
        self.blocks = nn.Sequential(*[PartialConv(depths[0]) for k in kinds], norm(depths[0]))
        self.attn = Attention(depths[0])
        self.head = nn.Linear(depths[0], num_classes)

    def forward(self, x):
        x = nchw_to(self.blocks(self.stem(x)), self.fmt)
        return self.head(self.attn(x).mean(1))


def build():
    return Mixer()
"""


def test_second_timm_style_model_is_followed_and_exact(tmp_path: Path) -> None:
    """Enum formats, os.environ flags, partial of a partial, ``sum(lists, [])``, slice assignment,
    ``self.forward = self.forward_x``, ``F.scaled_dot_product_attention``: torch's figures and MACs."""
    path = tmp_path / "mixer.py"
    path.write_text(SECOND)
    model = summary_model(path, "Mixer", "1,3,32,32")
    shape, params, flops = _built_by_torch(path, (1, 3, 32, 32))
    assert model.get("followed", True) is True and not model["partial"], model.get("stopped")
    assert model["output_shape"] == shape == [1, 5]
    assert model["total_params"] == params
    assert 2 * model["total_macs"] == flops


def _built_by_torch(path: Path, size: tuple[int, ...]) -> tuple[list[int], int, int]:
    """(output shape, parameter count, FLOPs) of the file's ``build()`` model, run by torch on the meta device."""
    from torch.utils.flop_counter import FlopCounterMode

    module = runpy.run_path(str(path))
    with torch.device("meta"):
        net = module["build"]().eval()
        with FlopCounterMode(display=False) as counter:
            out = net(torch.empty(*size))
    return list(out.shape), sum(p.numel() for p in net.parameters()), counter.get_total_flops()


def _package(tmp_path: Path) -> Path:
    root = tmp_path / "tinytimm"
    (root / "layers").mkdir(parents=True)
    (root / "models").mkdir()
    for rel, text in {
        "__init__.py": "",
        "layers/__init__.py": "",
        "layers/activations.py": ACTIVATIONS,
        "layers/create_act.py": CREATE_ACT,
        "layers/norm_act.py": NORM_ACT,
        "models/__init__.py": "",
        "models/net.py": MODELS,
    }.items():
        (root / rel).write_text(textwrap.dedent(text))
    return root / "models" / "net.py"


def _torch(path: Path, builder: str, dims: tuple[int, ...]) -> tuple[list[int], int]:
    import sys

    sys.path.insert(0, str(path.parent.parent.parent))
    try:
        module = runpy.run_path(str(path), run_name="tinytimm.models.net")
    except ImportError:  # relative imports need the package: import it properly
        import importlib

        module = vars(importlib.import_module("tinytimm.models.net"))
    finally:
        sys.path.pop(0)
    with torch.device("meta"):
        model = module[builder]().eval()
        out = model(torch.empty(*dims))
    return list(out.shape), sum(p.numel() for p in model.parameters())


@pytest.fixture
def package(tmp_path: Path):
    import sys

    path = _package(tmp_path)
    yield path
    for name in [n for n in sys.modules if n == "tinytimm" or n.startswith("tinytimm.")]:
        del sys.modules[name]


@pytest.mark.parametrize(("name", "builder"), [("Net", "build"), ("net_gn", "build_gn")])
def test_timm_style_model_is_followed_and_exact(package: Path, name: str, builder: str) -> None:
    """Star imports, ``dir(F)``, act/norm-act factories, sets, partial.keywords, re.split, linspace,
    dataclasses.replace, torch-layer subclasses with functional forwards: all followed, torch's figures."""
    model = summary_model(package, name, "1,3,64,64")
    shape, params = _torch(package, builder, (1, 3, 64, 64))
    assert model.get("followed", True) is True, model.get("stopped")
    assert model["output_shape"] == shape == [1, 10]
    assert model["total_params"] == params
    assert not model["partial"]


def test_drop_path_rates_inside_the_range_are_intervals(package: Path) -> None:
    """linspace(0, 0.1, 3)[1] is torch's float32 kernel's: known to an interval, enough for ``p > 0.``."""
    text = package.read_text() + "\n\ndef net_dp(**kwargs):\n    return Net(drop_path_rate=0.1, **kwargs)\n"
    text += "\n\ndef build_dp():\n    return net_dp()\n"
    package.write_text(text)
    model = summary_model(package, "net_dp", "1,3,64,64")
    shape, params = _torch(package, "build_dp", (1, 3, 64, 64))
    assert model.get("followed", True) is True and not model["partial"]
    assert model["output_shape"] == shape and model["total_params"] == params
    assert any(layer["type"] == "DropPath" for layer in model["layers"])


def test_torch_names_exist_in_torch() -> None:
    """Every name ``dir(torch.nn.functional)`` / ``hasattr`` answers True for is in the installed torch."""
    from cnnlint.interpret.torch_names import known_names

    for module_name, module in (("torch.nn.functional", torch.nn.functional), ("torch.nn", torch.nn), ("torch", torch)):
        missing = [n for n in known_names(module_name) if not hasattr(module, n)]
        assert not missing, (module_name, missing)


def test_linspace_ends_match_torch() -> None:
    from cnnlint.interpret.approx import Approx
    from cnnlint.interpret.tensor_ranges import linspace
    from cnnlint.interpret.tensor_values import tolist
    from cnnlint.interpret.values import UNKNOWN

    cases = [(0, 0.0, 5), (0.2, 0.2, 3), (0, 0.3, 2), (0.5, 1, 1), (0, 1, 0)]
    cases += [(0, rate, n) for rate in (0.05, 0.1, 0.2, 0.3, 0.5) for n in range(3, 40)]
    for start, end, steps in cases:
        made = linspace([start, end, steps], {})
        real = torch.linspace(start, end, steps).tolist()
        assert list(made.shape.dims) == [steps]
        for mine, theirs in zip(tolist(made).items, real):
            if isinstance(mine, Approx):
                assert mine.lo <= theirs <= mine.hi and mine.compare("==", theirs) is UNKNOWN
                assert mine.compare(">", 0.0) is True and mine.truth() is True
            else:
                assert mine is not UNKNOWN and mine == theirs


def test_regex_is_python_on_safe_patterns_only() -> None:
    from cnnlint.interpret.regex import re_call
    from cnnlint.interpret.values import UNKNOWN

    assert re_call("split", [r"(\d.*)", "se0.25"], {}).items == ["se", "0.25", ""]
    assert re_call("split", [r"(a+)+b", "aaaa"], {}) is UNKNOWN  # nested repeat: could backtrack forever
    assert re_call("split", [r"x", "a" * 1000], {}) is UNKNOWN  # too long to run here


def test_sets_compare_like_python() -> None:
    from cnnlint.interpret.pyops import equal
    from cnnlint.interpret.sets import make_set
    from cnnlint.interpret.values import UNKNOWN, QualName

    assert make_set([1, 1.0, True, "a", "a"]).items == [1, "a"]
    assert make_set([QualName("torch.nn.ReLU"), QualName("torch.nn.ReLU")]).items == [QualName("torch.nn.ReLU")]
    assert make_set([UNKNOWN, 1]).uncertain
    assert equal(QualName("torch.cat"), QualName("torch.concat")) is UNKNOWN  # aliases: not decided


ASDICT = """
from dataclasses import asdict, dataclass, field
from typing import Tuple

import torch.nn as nn


@dataclass
class StemCfg:
    out_chs: Tuple[int, ...] = (8, 16)
    stride: int = 2
    act_layer: type = nn.ReLU


@dataclass
class NetCfg:
    stem: StemCfg = field(default_factory=StemCfg)
    widths: list = field(default_factory=lambda: [24, 32])


def create_stem(in_chans=3, out_chs=(8,), stride=2, act_layer=nn.ReLU):
    stem = nn.Sequential()
    prev = in_chans
    for i, chs in enumerate(out_chs):
        stem.add_module(f"conv{i + 1}", nn.Conv2d(prev, chs, 3, stride=stride if i == 0 else 1, padding=1))
        stem.add_module(f"act{i + 1}", act_layer())
        prev = chs
    return stem, prev


class CspLike(nn.Module):
    def __init__(self, cfg=NetCfg(), num_classes=10):
        super().__init__()
        self.stem, chs = create_stem(3, **asdict(cfg.stem))
        widths = asdict(cfg)["widths"]
        widths.append(40)  # a copy: the config keeps its own list
        layers = []
        for w in widths + cfg.widths:
            layers += [nn.Conv2d(chs, w, 3, padding=1), nn.ReLU()]
            chs = w
        self.stages = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(chs, num_classes))

    def forward(self, x):
        return self.head(self.stages(self.stem(x)))


def build():
    return CspLike()
"""


def test_dataclasses_asdict_is_pythons(tmp_path: Path) -> None:
    """``create_stem(**asdict(cfg.stem))`` (timm's CspNet): nested dataclasses become dicts, lists are copies."""
    path = tmp_path / "csp.py"
    path.write_text(ASDICT)
    model = summary_model(path, "CspLike", "1,3,32,32")
    shape, params, _ = _built_by_torch(path, (1, 3, 32, 32))
    assert model.get("followed", True) is True and not model["partial"], model.get("stopped")
    assert model["output_shape"] == shape
    assert model["total_params"] == params


ISINSTANCE = """
import numbers
from collections.abc import Iterable as AbcIterable
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import torch.nn as nn


@dataclass
class Cfg:
    d: int = 1


class Calls:
    def __call__(self):
        return 1


class Iterates:
    def __iter__(self):
        return iter(())


def f():
    return 0


checks = [
    isinstance(Cfg(), Sequence),
    isinstance(Cfg(), Iterable),
    isinstance(Cfg(), AbcIterable),
    isinstance(Iterates(), Iterable),
    isinstance(Cfg(), Callable),
    isinstance(Calls(), Callable),
    isinstance(0, Callable),
    isinstance(None, Callable),
    isinstance(f, Callable),
    isinstance(Cfg, Callable),
    isinstance((1,), Sequence),
    isinstance(nn.Linear(1, 1), Callable),
    isinstance(3, numbers.Integral),
    isinstance(True, numbers.Integral),
    isinstance(3.0, numbers.Integral),
    isinstance(3.0, numbers.Real),
    isinstance((3,), numbers.Number),
    isinstance(Cfg(), numbers.Number),
]
width = 1 + sum(2**i for i, c in enumerate(checks) if c)
net = nn.Sequential(nn.Linear(4, width))
"""


STRINGS = """
import torch.nn as nn

variant = "coatnet_pico_rw_224"
name = "_".join(variant.split("_")[:-1])
width = len(name) + len("-".join(("a", "bc"))) + len(" x ".rstrip()) + len(variant.rsplit("_", 1)[0])
width += len("..a..".lstrip(".")) + len("".join([]))
width += 100 * variant.endswith(("_224", "_256")) + 200 * variant.startswith(("x", "y")) + 400 * "ab".endswith(())
net = nn.Sequential(nn.Linear(4, width))
"""


REDUCE = """
import operator
from functools import reduce

import torch.nn as nn


def prod(iterable):
    return reduce(operator.mul, iterable, 1)


width = prod((2, 3)) + reduce(lambda a, b: a * 10 + b, [1, 2, 3]) + prod([]) + reduce(operator.add, (5,))
net = nn.Sequential(nn.Linear(4, width))
"""


FLIP = """
import torch
import torch.nn as nn

blocks = (4 ** torch.arange(3, dtype=torch.long)).flip(0).tolist()
back = torch.arange(5).flip(-1).tolist()
same = torch.arange(4).flip((0,)).tolist()
width = blocks[0] * 100 + blocks[2] + back[0] * 1000 + same[1] * 10000
net = nn.Sequential(nn.Linear(4, width))
"""


COLLECTIONS = """
from collections import defaultdict, deque

import torch.nn as nn

d = defaultdict(list)
d["a"].append(1)
d["a"].append(2)
d["b"]
counts = defaultdict(int, {"x": 3})
counts["y"] += 2
plain = defaultdict(None)
q = deque([1, 2])
q.appendleft(0)
q.extendleft([5, 6])
first = q.popleft()
width = len(d) + 10 * len(d["a"]) + sum(q) + 100 * first + counts["x"] + 1000 * counts["y"]
width += 10000 * len(plain) + 20000 * isinstance(q.copy(), deque)
net = nn.Sequential(nn.Linear(4, width))
"""


ITERATORS = """
import torch.nn as nn

rates = iter([0.0, 0.1, 0.2, 0.3])
first = next(rates)
second = next(rates)
rest = list(rates)
empty = iter([])
fallback = next(empty, 7)
again = iter(iter([4, 5]))
for_loop = 0
for r in iter([1, 2, 3]):
    for_loop += r
width = int(10 * second) + 100 * len(rest) + fallback + 1000 * next(again) + 10000 * for_loop + int(first)
net = nn.Sequential(nn.Linear(4, width))
"""

NUMPY_GRID = """
import numpy as np
import torch.nn as nn

grid = np.arange(0, 12, 1).reshape(3, 4).tolist()
flat = np.arange(6).reshape(-1).tolist()
width = grid[2][1] + 100 * len(grid[0]) + 1000 * flat[-1]
net = nn.Sequential(nn.Linear(4, width))
"""


NAMED_MODULES = """
import torch.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 1)
        self.skip = None
        self.act = nn.ReLU()


shared = nn.ReLU()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 2, 1), shared)
        self.blocks = nn.ModuleList([Block(), Block()])
        self.again = shared
        self.head = nn.Linear(2, 3)


names = [n for n, _ in Net().named_modules()]
relus = sum(isinstance(m, nn.ReLU) for m in Net().modules())
width = len(names) + 100 * names.index("blocks.1.conv") + 1000 * relus + 10000 * names.index("head")
net = nn.Sequential(nn.Linear(4, width))
"""


SET_REMOVAL = """
import torch.nn as nn

remaining = set({"layer3": 3, "layer4": 4}.keys())
remaining.remove("layer4")
remaining.discard("absent")
remaining.discard("layer3")
names = {"a", "b"}
names.discard("a")
width = 4 + len(remaining) + 10 * (not remaining) + 100 * len(names) + 1000 * ("b" in names)
net = nn.Sequential(nn.Linear(4, width))
"""


# Each program computes a width from Python's (or torch's) answers; cnnlint must give the same width.
WIDTH_PROGRAMS = {
    # ``isinstance(cfg, Sequence)`` / ``isinstance(gs, Callable)`` (ByobNet), ``numbers.Integral`` (norm layers),
    # or unknown (a class whose methods make it one)
    "isinstance_of_abcs": ISINSTANCE,
    # ``'_'.join(variant.split('_')[:-1])`` picks MaxxVit's config
    "string_joins_and_splits": STRINGS,
    # mvitv2's ``prod(stride_q) > 1`` is ``reduce(operator.mul, stride_q, 1)``
    "functools_reduce": REDUCE,
    # NesT's ``(4 ** torch.arange(levels)).flip(0).tolist()`` gives its blocks per level
    "flip_of_a_known_tensor": FLIP,
    # registries: ``defaultdict(list)``, ``deque.appendleft`` (timm's ``generate_default_cfgs``)
    "defaultdict_and_deque": COLLECTIONS,
    # csatv2: ``dp_iter = iter(rates)`` then ``drop_path=next(dp_iter)`` block by block
    "iter_and_next": ITERATORS,
    # csatv2's zigzag scan: ``np.arange(0, n, 1).reshape(rows, cols).tolist()``
    "numpy_arange_reshape": NUMPY_GRID,
    # timm's pruning rebuilds layers by ``for n, m in model.named_modules(): set_layer(new, n, ...)``
    "named_modules": NAMED_MODULES,
    # timm's FeatureDictNet: ``remaining.remove(old_name)`` then ``if not remaining: break``
    "set_remove_and_discard": SET_REMOVAL,
}


@pytest.mark.parametrize("name", sorted(WIDTH_PROGRAMS))
def test_python_answers_are_pythons(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.py"
    path.write_text(WIDTH_PROGRAMS[name])
    model = summary_model(path, "net", "1,4")
    assert model["output_shape"] == [1, runpy.run_path(str(path))["width"]]


BASE_CLASS = """
import torch.nn as nn

bn = nn.BatchNorm2d(3)
width = 4 + isinstance(bn, nn.modules.batchnorm._BatchNorm)  # True in torch: its hierarchy is not modelled
net = nn.Sequential(nn.Linear(4, width))
"""


def test_an_isinstance_of_a_torch_base_class_is_unknown_never_false(tmp_path: Path) -> None:
    path = tmp_path / "base_class.py"
    path.write_text(BASE_CLASS)
    assert runpy.run_path(str(path))["width"] == 5
    assert summary_model(path, "net", "1,4")["output_shape"] == [1, None]
