"""Every catalogue entry has torch's exact constructor signature, and a strategy.

Names, order, defaults (value and type), keyword-only flags and var-args are
compared with ``inspect.signature`` of the real class; a ``Default`` (a
non-literal default such as TransformerEncoderLayer's ``F.relu``) matches by
name. The coverage test keeps every entry in the differential tests.
"""

from __future__ import annotations

import inspect

import pytest

from cnnlint.shapes.catalogue import CATALOGUE
from cnnlint.shapes.spec import REQUIRED, Default, LayerSpec

torch = pytest.importorskip("torch")

# Entries that take more than one input: not chainable, so no single-input
# differential; their parameter counts are tested against torch elsewhere.
NO_STRATEGY = {"Bilinear", "MultiheadAttention", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"}


def _torch_params(name: str) -> list[tuple[str, object, bool]]:
    out = []
    for p in inspect.signature(getattr(torch.nn, name)).parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            out.append(("*" + p.name, REQUIRED, False))
        elif p.kind is p.VAR_KEYWORD:
            out.append(("**" + p.name, REQUIRED, False))
        else:
            default = REQUIRED if p.default is p.empty else p.default
            out.append((p.name, default, p.kind is p.KEYWORD_ONLY))
    return out


def _same_default(ours: object, theirs: object) -> bool:
    if isinstance(ours, Default):
        return getattr(theirs, "__name__", None) == ours.text
    if ours is REQUIRED or theirs is REQUIRED:
        return ours is theirs
    return type(ours) is type(theirs) and ours == theirs


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_signature_matches_torch(name: str) -> None:
    spec: LayerSpec = CATALOGUE[name]
    assert spec.name == name
    assert hasattr(torch.nn, name), f"torch.nn has no {name}"
    theirs = _torch_params(name)
    ours = [(p.name, p.default, p.keyword_only) for p in spec.params]
    assert [t[0] for t in ours] == [t[0] for t in theirs], "parameter names or order"
    for (pname, default, kw_only), (_, t_default, t_kw_only) in zip(ours, theirs):
        assert kw_only == t_kw_only, f"{name}.{pname}: keyword-only differs"
        assert _same_default(default, t_default), f"{name}.{pname}: default {default!r} != torch's {t_default!r}"


def test_every_entry_has_a_strategy() -> None:
    from strategies import all_strategies

    covered = all_strategies()
    missing = sorted(set(CATALOGUE) - set(covered) - NO_STRATEGY)
    assert not missing, f"catalogue entries without a strategy in tests/strategies/: {missing}"
    unknown = sorted(set(covered) - set(CATALOGUE))
    assert not unknown, f"strategies for names not in the catalogue: {unknown}"
    assert set(CATALOGUE) >= NO_STRATEGY
