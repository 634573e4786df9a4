"""``locals()`` in a constructor, as pytorchvideo and vit-pytorch build models from it, against torch.

pytorchvideo's blocks store every argument with ``set_attributes(self, locals())``; vit-pytorch's CvT and
TwinsSVT split ``dict(locals())`` into per-stage configs by key prefix. Torch running the same file is the
truth for the output shape and parameter count. A local that may be unbound makes the dict uncertain: what
is read from it is unknown, never a guess, so it never produces a finding.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import findings, summary_model, torch_built

torch = pytest.importorskip("torch")

SET_ATTRIBUTES = textwrap.dedent(
    """
    import torch
    from torch import nn


    def set_attributes(self, params=None):
        if params:
            for k, v in params.items():
                if k != "self":
                    setattr(self, k, v)


    class Stem(nn.Module):
        def __init__(self, *, conv=None, norm=None, activation=None):
            super().__init__()
            set_attributes(self, locals())

        def forward(self, x):
            x = self.conv(x)
            if self.norm is not None:
                x = self.norm(x)
            if self.activation is not None:
                x = self.activation(x)
            return x


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = Stem(conv=nn.Conv3d(3, 8, 3, padding=1), norm=nn.BatchNorm3d(8), activation=nn.ReLU())
            self.head = Stem(conv=nn.Conv3d(8, 5, 1))

        def forward(self, x):
            return self.head(self.stem(x))
    """
)

PREFIX_CONFIG = textwrap.dedent(
    """
    import torch
    from torch import nn


    def group_dict_by_key(cond, d):
        return_val = [dict(), dict()]
        for key in d.keys():
            match = bool(cond(key))
            ind = int(not match)
            return_val[ind][key] = d[key]
        return (*return_val,)


    def group_by_key_prefix_and_remove_prefix(prefix, d):
        kwargs_with_prefix, kwargs = group_dict_by_key(lambda x: x.startswith(prefix), d)
        kwargs_without_prefix = dict(map(lambda x: (x[0][len(prefix):], x[1]), tuple(kwargs_with_prefix.items())))
        return kwargs_without_prefix, kwargs


    class Net(nn.Module):
        def __init__(self, *, s1_dim=16, s1_kernel=3, s2_dim=24, s2_kernel=5):
            super().__init__()
            kwargs = dict(locals())
            dim = 3
            layers = []
            for prefix in ("s1", "s2"):
                config, kwargs = group_by_key_prefix_and_remove_prefix(f"{prefix}_", kwargs)
                layers.append(nn.Conv2d(dim, config["dim"], config["kernel"], padding=config["kernel"] // 2))
                dim = config["dim"]
            self.layers = nn.Sequential(*layers)
            self.head = nn.Conv2d(dim, len(kwargs), 1)  # what no prefix took: self, __class__

        def forward(self, x):
            return self.head(self.layers(x))
    """
)

# Python's order: parameters, other locals by first appearance, cells (``c``), free variables (``__class__``)
ORDER = textwrap.dedent(
    """
    import torch
    from torch import nn


    class Net(nn.Module):
        def __init__(self, a=1, *rest, b=2, **extra):
            super().__init__()
            q = 3
            c = 4
            f = lambda: c
            width = sum(len(name) * (i + 1) for i, name in enumerate(locals()))
            self.fc = nn.Linear(4, width)

        def forward(self, x):
            return self.fc(x)
    """
)

# ``wide`` is bound in a branch cnnlint cannot decide (torch always takes it): reading it through locals()
# must not give the default, which would make fc1 too narrow for fc2 (a false error)
ONE_BRANCH = textwrap.dedent(
    """
    import random

    import torch
    from torch import nn


    class Net(nn.Module):
        def __init__(self, width=8):
            super().__init__()
            if random.random() < 2:
                wide = 16
            params = dict(locals())
            self.fc1 = nn.Linear(4, params.get("wide", width))
            self.fc2 = nn.Linear(16, 3)

        def forward(self, x):
            return self.fc2(self.fc1(x))
    """
)


def _followed_as_torch(source: str, path: Path, dims: tuple[int, ...]) -> None:
    """cnnlint's output shape and parameter count for ``Net`` are torch's, with nothing reported."""
    expected = torch_built(source, path, "Net", dims)
    model = summary_model(path, "Net", ",".join(map(str, dims)))
    assert (model["output_shape"], model["total_params"]) == expected
    assert findings(path, "--input", f"Net={','.join(map(str, dims))}") == []


def test_set_attributes_over_locals_registers_every_argument(tmp_path: Path) -> None:
    """pytorchvideo: ``setattr(self, k, v)`` over ``locals()`` registers each layer argument, in order."""
    _followed_as_torch(SET_ATTRIBUTES, tmp_path / "net.py", (2, 3, 4, 16, 16))


def test_locals_split_by_key_prefix_configures_each_stage(tmp_path: Path) -> None:
    """vit-pytorch: ``dict(locals())`` split by prefix with ``dict(map(lambda ...))`` gives each stage's config."""
    _followed_as_torch(PREFIX_CONFIG, tmp_path / "net.py", (2, 3, 32, 32))


def test_locals_lists_names_in_pythons_order(tmp_path: Path) -> None:
    """Parameters first, then locals, cells and ``__class__``: a width computed from the order is torch's."""
    _followed_as_torch(ORDER, tmp_path / "net.py", (2, 4))


def test_local_bound_in_one_branch_makes_locals_uncertain(tmp_path: Path) -> None:
    """A maybe-unbound local is neither left out nor guessed: the width read from the dict is unknown."""
    path = tmp_path / "net.py"
    torch_built(ONE_BRANCH, path, "Net", (2, 4))  # torch builds and runs it
    assert [f for f in findings(path, "--input", "Net=2,4") if f[1] != "CNL100"] == []
    model = summary_model(path, "Net", "2,4")
    assert model["output_shape"] in (None, [2, None], [2, 3])


def test_locals_of_a_base_constructor_turn_a_subclass_into_the_base(tmp_path: Path) -> None:
    """``setattr(self, "__class__", Stem)`` from Stem's ``locals()`` makes a subclass instance a Stem in Python
    (Stem's ``forward`` runs, not the subclass's): cnnlint gives torch's shape or none, and reports nothing."""
    subclass = "class Skip(Stem):\n    def forward(self, x):\n        return x\n\n\nclass Net(nn.Module):"
    source = SET_ATTRIBUTES.replace("class Net(nn.Module):", subclass).replace(
        "Stem(conv=nn.Conv3d(8", "Skip(conv=nn.Conv3d(8"
    )
    path = tmp_path / "net.py"
    expected = torch_built(source, path, "Net", (2, 3, 4, 16, 16))
    assert expected[0][1] == 5  # torch ran Stem's forward, the 1x1 Conv3d to 5 channels
    model = summary_model(path, "Net", "2,3,4,16,16")
    assert model["output_shape"] in (None, expected[0])
    assert [f for f in findings(path, "--input", "Net=2,3,4,16,16") if f[1] != "CNL100"] == []


PARSE_MODEL = textwrap.dedent(
    """
    import argparse

    import torch
    from torch import nn


    class Conv(nn.Module):
        def __init__(self, c1, c2, s=1):
            super().__init__()
            self.conv = nn.Conv2d(c1, c2, 3, s, 1)

        def forward(self, x):
            return self.conv(x).relu()


    CFG = [["Conv", [3, 16, 2]], ["nn.Upsample", [None, 2, "nearest"]], ["Conv", [16, {width}, 2]]]
    parser = argparse.ArgumentParser()
    parser.add_argument("--classes", type=int, default=10)
    options = vars(parser.parse_args([]))


    def parse_model(cfg):
        layers = []
        for m, args in cfg:
            m = getattr(torch.nn, m[3:]) if "nn." in m else globals()[m]
            layers.append(m(*args))
        return nn.Sequential(*layers)


    class Model(nn.Module):
        def __init__(self, cfg=CFG):
            super().__init__()
            self.model = parse_model(cfg)
            self.head = nn.Linear({width} * 32 * 32, options["classes"])

        def forward(self, x):
            return self.head(self.model(x).flatten(1))
    """
)


def test_blocks_picked_by_name_from_globals(tmp_path: Path) -> None:
    """ultralytics' ``parse_model``: ``globals()[m]`` is the module's class of that name; ``vars(args)`` an
    argparse namespace's options as a dict."""
    source = PARSE_MODEL.format(width=32)
    shape, params = torch_built(source, tmp_path / "tasks.py", "Model", (2, 3, 64, 64))
    model = summary_model(tmp_path / "tasks.py", "Model", "2,3,64,64")
    assert (model["output_shape"], model["total_params"]) == (shape, params)


def test_a_wrong_size_behind_globals_is_found(tmp_path: Path) -> None:
    source = PARSE_MODEL.format(width=32).replace("nn.Linear(32 * 32 * 32", "nn.Linear(32 * 16 * 16")
    with pytest.raises(RuntimeError, match="32768"):
        torch_built(source, tmp_path / "tasks.py", "Model", (2, 3, 64, 64))
    found = findings(tmp_path / "tasks.py", "--input", "Model=2,3,64,64")
    assert [(code, "32768" in message) for _, code, message in found] == [("CNL001", True)]
