"""``torch.arange`` with float bounds or step: its length against torch's (timm's centred RoPE grid,
``torch.arange(0.5, s)``); unknown, never a guess, where torch raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.interpret.tensor_value_calls import call_torch as value_call
from cnnlint.interpret.torch_calls import _float_arange, call_torch
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


@settings(max_examples=300, deadline=None)
@given(
    bounds=st.lists(st.integers(-12, 12), min_size=1, max_size=3),
    named=st.sets(st.sampled_from(["start", "end", "step"])),
    data=st.data(),
)
def test_arange_bounds_given_by_keyword_are_torchs(bounds: list, named: set, data: st.DataObject) -> None:
    """``torch.arange(start=0, end=half)`` (guided diffusion's timestep embedding), ``arange(0, end=8)``,
    ``arange(end=8)``: bound as torch binds them, its length exact; unknown where torch refuses the call."""
    values = dict(zip(["start", "end", "step"] if len(bounds) > 1 else ["end"], bounds))
    positional = [v for k, v in values.items() if k not in named]
    keywords = {k: values.get(k, data.draw(st.integers(-12, 12), label=k)) for k in named}
    try:
        real = tuple(torch.arange(*positional, **keywords, device="meta").shape)
    except (RuntimeError, TypeError):
        real = None
    expected = Shape.unknown() if real is None else Shape(*real)
    shaped = call_torch(None, None, "torch.arange", list(positional), dict(keywords), None)
    assert shaped.shape == expected, (positional, keywords, real)
    valued = value_call("torch.arange", list(positional), dict(keywords))  # (its elements, where known)
    if valued is not NotImplemented:
        assert real is not None and tuple(valued.dims) == real, (positional, keywords, real)
