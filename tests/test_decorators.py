"""Decorators of the checked code run, so registries they fill are known (timm's ``register_model``).

The truth is Python's: each package is imported for real and its factory built
by torch on the meta device. Before decorators ran, the registry read as empty
and a model whose config fixes its input size was built at the class default:
a false CNL001 at the config's own input.
"""

from __future__ import annotations

import importlib
import runpy
import sys
from pathlib import Path

import pytest
from conftest import summary_model

torch = pytest.importorskip("torch")

REGISTRY = """
import sys
import warnings
from collections import defaultdict, deque
from dataclasses import dataclass, field, replace


@dataclass
class Cfg:
    input_size: tuple = (3, 32, 32)
    fixed_input_size: bool = False
    num_classes: int = 10


@dataclass
class DefaultCfg:
    tags: deque = field(default_factory=deque)
    cfgs: dict = field(default_factory=dict)


_entrypoints = {}
_model_to_module = {}
_module_to_models = defaultdict(set)
_with_tags = defaultdict(list)
_pretrained_cfgs = {}


def generate_default_cfgs(cfgs):
    out = defaultdict(DefaultCfg)
    for key, cfg in cfgs.items():
        model, tag = key.split(".", 1)
        default = out[model]
        if tag.endswith("*"):
            default.tags.appendleft(tag.strip("*"))
        else:
            default.tags.append(tag)
        default.cfgs[tag.strip("*")] = cfg
    return out


def register_model(fn):
    mod = sys.modules[fn.__module__]
    module_name = fn.__module__.split(".")[-1]
    name = fn.__name__
    if hasattr(mod, "__all__"):
        mod.__all__.append(name)
    else:
        mod.__all__ = [name]
    if name in _entrypoints:
        warnings.warn(f"overwriting {name}")
    _entrypoints[name] = fn
    _model_to_module[name] = module_name
    _module_to_models[module_name].add(name)
    if hasattr(mod, "default_cfgs") and name in mod.default_cfgs:
        default = mod.default_cfgs[name]
        for i, tag in enumerate(default.tags):
            cfg = replace(default.cfgs[tag], num_classes=default.cfgs[tag].num_classes)
            if i == 0:
                _pretrained_cfgs[name] = cfg
            _with_tags[name].append(".".join([name, tag]))
    return fn


def get_pretrained_cfg(name):
    return _pretrained_cfgs.get(name) or Cfg()
"""

MODELS = """
import torch.nn as nn

from .registry import Cfg, _module_to_models, _with_tags, generate_default_cfgs, get_pretrained_cfg, register_model


class Net(nn.Module):
    def __init__(self, img_size=32, num_classes=10, extra=0):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.Flatten())
        self.fc = nn.Linear(8 * (img_size // 2) ** 2, num_classes + extra)

    def forward(self, x):
        return self.fc(self.features(x))


def _create(variant, **kwargs):
    cfg = get_pretrained_cfg(variant)
    if cfg.fixed_input_size:
        kwargs.setdefault("img_size", cfg.input_size[-1])
    kwargs.setdefault("num_classes", cfg.num_classes)
    return Net(**kwargs)


default_cfgs = generate_default_cfgs({
    "net_48.plain": Cfg(input_size=(3, 48, 48), fixed_input_size=True, num_classes=7),
    "net_48.big*": Cfg(input_size=(3, 64, 64), fixed_input_size=True, num_classes=5),
    "net_32.a": Cfg(),
})


@register_model
def net_48(**kwargs):
    return _create("net_48", **kwargs)


@register_model
def net_32(**kwargs):
    return _create("net_32", **kwargs)


@register_model
def net_counted(**kwargs):
    # every answer the registry gives, encoded in the width: names, tags, module, __all__
    extra = len(_with_tags["net_48"]) + 10 * len(_module_to_models["models"]) + 100 * len(__all__)
    extra += 1000 * ("net_48.big" in _with_tags["net_48"]) + 2000 * len(_with_tags["unknown_name"])
    return _create("net_32", extra=extra, **kwargs)
"""

WRAPPED = """
import functools

import torch.nn as nn

CALLS = []


def legacy(fn):
    CALLS.append(fn.__name__)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        kwargs.pop("pretrained", None)
        return fn(*args, **kwargs)

    return wrapper


@legacy
def mlp(width=16):
    return nn.Sequential(nn.Linear(4, width), nn.ReLU(), nn.Linear(width, len(CALLS) + 2))
"""


@pytest.fixture
def package(tmp_path: Path):
    root = tmp_path / "zoo"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "registry.py").write_text(REGISTRY)
    (root / "models.py").write_text(MODELS)
    sys.path.insert(0, str(tmp_path))
    yield root
    sys.path.remove(str(tmp_path))
    for name in [n for n in sys.modules if n == "zoo" or n.startswith("zoo.")]:
        del sys.modules[name]


def _torch(factory, dims: tuple[int, ...]) -> tuple[list[int], int]:
    with torch.device("meta"):
        model = factory().eval()
        out = model(torch.empty(*dims))
    return list(out.shape), sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize(("name", "dims"), [("net_48", (1, 3, 64, 64)), ("net_32", (1, 3, 32, 32))])
def test_a_registry_filled_by_decorators_gives_the_configs_model(package: Path, name: str, dims: tuple) -> None:
    """``@register_model`` files each config under its model's name; the factory reads it back:
    net_48's default tag is "big" (``appendleft``), so it is built for 64x64 with 5 classes."""
    models = importlib.import_module("zoo.models")
    shape, params = _torch(getattr(models, name), dims)
    model = summary_model(package / "models.py", name, ",".join(map(str, dims)))
    assert model["output_shape"] == shape
    assert model["total_params"] == params
    assert not [d for layer in model["layers"] for d in layer.get("diagnostics", [])]


def test_registry_contents_are_pythons(package: Path) -> None:
    """defaultdict(set/list), deque order, ``sys.modules[fn.__module__].__all__``: the width encodes each."""
    models = importlib.import_module("zoo.models")
    shape, params = _torch(models.net_counted, (1, 3, 32, 32))
    model = summary_model(package / "models.py", "net_counted", "1,3,32,32")
    assert model["output_shape"] == shape, shape
    assert model["total_params"] == params


def test_a_wrapping_decorator_runs_and_the_function_it_wraps_is_followed(tmp_path: Path) -> None:
    path = tmp_path / "wrapped.py"
    path.write_text(WRAPPED)
    module = runpy.run_path(str(path))
    shape, params = _torch(module["mlp"], (1, 4))
    model = summary_model(path, "mlp", "1,4")
    assert model["output_shape"] == shape == [1, 3]
    assert model["total_params"] == params


TRY_TYPE_ERROR = """
import torch.nn as nn


def _build(layer, channels, stride):
    return layer(channels=channels, stride=stride)


def create_aa(layer, channels, stride=2):
    # timm's create_aa: a blur pool takes channels; AvgPool2d does not, and torch says so with a TypeError
    try:
        return _build(layer, channels, stride)
    except (ValueError, TypeError) as err:
        return layer(stride)


def guarded(layer):
    try:
        return layer(kernel_size=3, stride=1, padding=1)
    except TypeError:
        return nn.MaxPool2d(2)


def build():
    return nn.Sequential(
        nn.Conv2d(3, 8, 3),
        create_aa(nn.AvgPool2d, 8),
        guarded(nn.AvgPool2d),
        nn.Flatten(),
        nn.Linear(8 * 15 * 15, 4),
    )


net = build()
"""


def test_a_torch_layer_rejected_inside_try_runs_the_type_error_handler(tmp_path: Path) -> None:
    """``try: AvgPool2d(channels=8, stride=2) except TypeError: AvgPool2d(2)``: Python's path, through a helper;
    a call torch accepts stays in the ``try`` body."""
    path = tmp_path / "aa.py"
    path.write_text(TRY_TYPE_ERROR)
    module = runpy.run_path(str(path))
    shape, params = _torch(module["build"], (1, 3, 32, 32))
    model = summary_model(path, "net", "1,3,32,32")
    assert model["output_shape"] == shape == [1, 4]
    assert model["total_params"] == params
    assert not [d for layer in model["layers"] for d in layer.get("diagnostics", [])]
