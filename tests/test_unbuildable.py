"""A model whose ``__init__`` raises for certain (a failing ``assert``, a ``raise`` reached) cannot be built by
torch: it is never called "followed" (zoo3: pytorchvideo's ``ResNetBasicHead()`` with its defaults asserts
``self.proj is not None``). Only said (a CNL100 note), never an error: a class cnnlint builds with its defaults
may be meant to be given arguments. The truth is torch building the same class."""

from __future__ import annotations

import pytest

from cnnlint.check import CheckOptions, check_bytes

torch = pytest.importorskip("torch")

HEAD = """
import torch
from torch import nn


def set_attributes(self, params=None):
    for k, v in params.items():
        if k != "self":
            setattr(self, k, v)


class Head(nn.Module):
    def __init__(self, pool=None, proj=None):
        super().__init__()
        set_attributes(self, locals())
        {check}

    def forward(self, x):
        if self.pool is not None:
            x = self.pool(x)
        if self.proj is not None:
            x = self.proj(x)
        return x


# cnnlint: input=(2, 3, 8, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = Head(proj={proj})

    def forward(self, x):
        return self.head(x)
"""

CHECKS = {
    "assert": "assert self.proj is not None",
    "raise": 'if proj is None:\n            raise ValueError("proj is required")',
    "caught": "try:\n            assert self.proj is not None\n        except AssertionError:\n            pass",
    "undecided": 'if torch.cuda.is_available():\n            raise RuntimeError("CPU only")',
}


def _torch_builds(source: str) -> bool:
    namespace: dict = {}
    exec(source, namespace)
    try:
        namespace["Net"]()
    except (AssertionError, ValueError, RuntimeError):
        return False
    return True


def _checked(source: str):
    result = check_bytes(source.encode(), "m.py", CheckOptions(want_models=True, is_enabled=lambda code: True))
    net = next(m for m in result.models if m.model.name == "Net")
    return [(d.code, d.message) for d in result.diagnostics], net


@pytest.mark.parametrize("check", ["assert", "raise"])
def test_a_model_torch_cannot_build_is_not_followed(check: str) -> None:
    source = HEAD.format(check=CHECKS[check], proj="None")
    assert not _torch_builds(source)
    diagnostics, net = _checked(source)
    notes = [m for code, m in diagnostics if code == "CNL100" and "building Head raises for certain" in m]
    assert len(notes) == 1 and "line" in notes[0]
    assert all(code == "CNL100" for code, _ in diagnostics)  # said, never an error
    assert net.trace.output.open


@pytest.mark.parametrize("check", ["assert", "raise", "caught", "undecided"])
def test_a_model_torch_builds_is_followed(check: str) -> None:
    source = HEAD.format(check=CHECKS[check], proj="nn.Conv2d(3, 4, 3)")
    assert _torch_builds(source)
    diagnostics, net = _checked(source)
    assert diagnostics == []
    assert tuple(net.trace.output.dims) == (2, 4, 6, 6)


@pytest.mark.parametrize("check", ["caught", "undecided"])
def test_a_raise_that_may_not_happen_does_not_stop_it(check: str) -> None:
    """``try``/``except`` catches it; an ``if`` cnnlint cannot decide may not run it: not certain."""
    source = HEAD.format(check=CHECKS[check], proj="None")
    diagnostics, net = _checked(source)
    assert diagnostics == []
    assert tuple(net.trace.output.dims) == (2, 3, 8, 8)
