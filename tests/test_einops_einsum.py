"""``einops.einsum(q, k, "b h i d, b h j d -> b h i j")``: torch's einsum under named axes (vit-pytorch's LookViT
was "followed" with an output of "?" and nothing said). The truth is einops on real tensors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.check import CheckOptions, check_bytes

torch = pytest.importorskip("torch")
einops = pytest.importorskip("einops")

SOURCE = """
import torch
from einops import einsum
from torch import nn


# cnnlint: input=({b}, {i}, {d})
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear({d}, {d})
        self.other = nn.Parameter(torch.zeros({other}))

    def forward(self, x):
        q = self.q(x)
        return einsum(q, self.other, {pattern!r})
"""

PATTERNS = [
    ("batch i d, batch j d -> batch i j", "{b}, {j}, {d2}"),
    ("b i d, d o -> b i o", "{d2}, {j}"),
    ("b i d, b j d -> b i", "{b}, {j}, {d2}"),
    ("b i d, j d -> b i j", "{j}, {d2}"),
    ("b i d, b i d -> b d", "{b}, {i2}, {d2}"),
]


def _torch(source: str, dims: tuple[int, ...]) -> tuple[int, ...] | None:
    namespace: dict = {}
    exec(source, namespace)
    try:
        return tuple(namespace["A"]()(torch.zeros(*dims)).shape)
    except RuntimeError:
        return None


@settings(max_examples=60, deadline=None)
@given(
    case=st.sampled_from(PATTERNS),
    b=st.integers(1, 3),
    i=st.integers(1, 4),
    d=st.integers(1, 4),
    j=st.integers(1, 4),
    d2=st.integers(1, 4),
    i2=st.integers(1, 4),
)
def test_named_axes_are_torchs_einsum(case, b, i, d, j, d2, i2) -> None:
    pattern, other = case
    source = SOURCE.format(b=b, i=i, d=d, pattern=pattern, other=other.format(b=b, j=j, d2=d2, i2=i2))
    expected = _torch(source, (b, i, d))
    result = check_bytes(source.encode(), "m.py", CheckOptions(want_models=True, is_enabled=lambda code: True))
    codes = [diag.code for diag in result.diagnostics]
    if expected is None:
        assert codes == ["CNL010"]  # torch refuses it: the sizes the names give differ
    else:
        assert codes == []
        assert tuple(result.models[0].trace.output.dims) == expected


def test_a_mismatch_is_said_with_the_codes_own_names() -> None:
    source = SOURCE.format(b=2, i=3, d=4, pattern="b i d, b j d -> b i j", other="2, 5, 6")
    (diag,) = check_bytes(source.encode(), "m.py", CheckOptions()).diagnostics
    assert diag.code == "CNL010" and "'d' is 4 in one operand and 6" in diag.message
    assert "b i d, b j d -> b i j" in diag.message


def test_an_ellipsis_is_not_modelled_and_says_so() -> None:
    source = SOURCE.format(b=2, i=3, d=4, pattern="... d, d o -> ... o", other="4, 5")
    result = check_bytes(source.encode(), "m.py", CheckOptions(is_enabled=lambda code: True))
    assert [d.code for d in result.diagnostics] == ["CNL100"]
