"""The functional ops cnnlint runs as layers (``build.FUNCTIONAL``) bind their arguments as torch's own
functions do: each entry's parameters are torch's signature after ``input``, names and defaults."""

from __future__ import annotations

import inspect
import math

import pytest

from cnnlint.build import FUNCTIONAL
from cnnlint.shapes.spec import REQUIRED

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _signature(name: str) -> list[tuple[str, object]] | None:
    try:
        sig = inspect.signature(getattr(F, name))
    except (ValueError, TypeError):
        return None  # a builtin that shows no signature
    params = list(sig.parameters.values())
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        return None  # boolean dispatch (max_pool2d, with or without indices): ``(*args, **kwargs)``
    return [(p.name, p.default) for p in params[1:]]  # after ``input``


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b)
    return a == b


@pytest.mark.parametrize("name", sorted(FUNCTIONAL))
def test_functional_entries_bind_like_torch(name: str) -> None:
    torch_params = _signature(name)
    if torch_params is None:
        pytest.skip(f"F.{name} shows no signature")
    _, params, _ = FUNCTIONAL[name]
    ours = [(p.name, p.default) for p in params]
    assert [n for n, _ in ours] == [n for n, _ in torch_params]
    for (n, mine), (_, theirs) in zip(ours, torch_params):
        if theirs is inspect.Parameter.empty:
            assert mine is REQUIRED, n
        else:
            assert _same(mine, theirs), (n, mine, theirs)
