"""``torch.arange`` with float bounds or step: its length against torch's (timm's centred RoPE grid,
``torch.arange(0.5, s)``); unknown, never a guess, where torch raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.interpret.torch_calls import _float_arange
from cnnlint.shapes.dims import Shape

torch = pytest.importorskip("torch")

number = st.one_of(
    st.integers(-20, 20), st.integers(-80, 80).map(lambda n: n / 4), st.integers(-50, 50).map(lambda n: n / 10)
)


@settings(max_examples=500, deadline=None)
@given(bounds=st.lists(number, min_size=1, max_size=3), step_kw=st.booleans())
def test_float_arange_length_is_torchs(bounds: list, step_kw: bool) -> None:
    args, kwargs = (bounds[:2], {"step": bounds[2]}) if step_kw and len(bounds) == 3 else (bounds, {})
    try:
        real = tuple(torch.arange(*args, **kwargs, device="meta").shape)
    except RuntimeError:
        real = None
    mine = _float_arange(list(args), kwargs)
    if real is None:
        assert mine.shape == Shape.unknown(), (args, kwargs)
    else:
        assert mine.shape == Shape(*real), (args, kwargs, real, mine.shape)
