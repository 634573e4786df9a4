"""Recurrent layers and MultiheadAttention's forward against torch.

Output shapes and errors of the catalogue entries are in the differential
test (tests/strategies/rnn.py); here: every returned tensor (h_n, c_n,
attention weights), parameter counts and MACs (FlopCounterMode / 2).
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from hypothesis import strategies as st
from strategies import all_strategies
from strategies.ops import SIZE, meta, run, same_as_torch, shape_of

from cnnlint.shapes.catalogue import CATALOGUE
from cnnlint.shapes.dims import UNKNOWN, Shape
from cnnlint.shapes.mha import mha_outputs
from cnnlint.shapes.propagate import propagate
from cnnlint.shapes.rnn import cell_outputs, rnn_outputs
from cnnlint.shapes.spec import Layer, ShapeError, bind

torch = pytest.importorskip("torch")

NAMES = ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"]


def _torch_module(name: str, kwargs: dict[str, Any]):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings(), torch.device("meta"):
        warnings.simplefilter("ignore")
        return getattr(torch.nn, name)(**kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_params_and_macs_equal_torch(name: str) -> None:
    from torch.utils.flop_counter import FlopCounterMode

    def check(case: Any) -> None:
        kwargs, shape = case
        try:
            module = _torch_module(name, kwargs)
            x = meta(shape)
            with FlopCounterMode(display=False) as counter, torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                module(x)
        except (RuntimeError, ValueError, TypeError):
            return  # errors: the differential test's business
        step = propagate([Layer(CATALOGUE[name], bind(CATALOGUE[name], (), list(kwargs.items())))], Shape(*shape))
        assert step.steps[0].params == sum(p.numel() for p in module.parameters()), (kwargs, shape)
        assert step.steps[0].macs * 2 == counter.get_total_flops(), (kwargs, shape)

    run(all_strategies()[name], check, examples=30)


@pytest.mark.parametrize("name", NAMES)
def test_every_returned_tensor_equals_torch(name: str) -> None:
    """output and h_n (and c_n) of RNN/GRU/LSTM; h' (and c') of the cells."""

    def check(case: Any) -> None:
        kwargs, shape = case
        spec = CATALOGUE[name]

        def ours() -> Any:
            args = bind(spec, (), list(kwargs.items()))
            spec.check(args)
            if not name.endswith("Cell"):
                return rnn_outputs(args, shape_of(shape))
            if len(shape) not in (1, 2):
                raise ShapeError("CNL006", "rank")  # propagate's rank check (spec.ranks), as for every entry
            return cell_outputs(name, args, shape_of(shape))

        same_as_torch(
            f"{name}(**{kwargs}) on {shape}",
            ours,
            lambda: _torch_module(name, kwargs)(meta(shape)),
            ("CNL002", "CNL005", "CNL006"),
        )

    run(all_strategies()[name], check)


def test_rnn_outputs_with_symbols() -> None:
    lstm = CATALOGUE["LSTM"](32, 64, 2, batch_first=True, bidirectional=True, proj_size=16)
    output, (h_n, c_n) = rnn_outputs(lstm.args, Shape("B", "T", 32))  # type: ignore[misc]
    assert (output, h_n, c_n) == (Shape("B", "T", 32), Shape(4, "B", 16), Shape(4, "B", 64))
    gru = CATALOGUE["GRU"](32, 64)
    assert rnn_outputs(gru.args, Shape(64, 32, open=True)) == (Shape(64, open=True), Shape(64, open=True))
    with pytest.raises(ShapeError) as info:
        rnn_outputs(gru.args, Shape("T", "B", 31))
    assert info.value.finding.code == "CNL002"
    assert info.value.recovered == Shape("T", "B", 64)
    assert info.value.finding.fix is not None and info.value.finding.fix.value == 31
    assert rnn_outputs(CATALOGUE["RNN"](8, UNKNOWN).args, Shape(5, 8))[0] == Shape(5, UNKNOWN)


@st.composite
def _mha(draw: st.DrawFn) -> tuple[dict[str, Any], tuple, tuple, tuple, dict[str, Any]]:
    heads = draw(st.integers(1, 3))
    e = heads * draw(st.integers(1, 3))
    kwargs: dict[str, Any] = {"embed_dim": e, "num_heads": heads}
    for key, values in (
        ("batch_first", [False, True]),
        ("add_bias_kv", [False, True]),
        ("add_zero_attn", [False, True]),
        ("kdim", [None, None, 2, 5]),
        ("vdim", [None, None, 3, 5]),
    ):
        kwargs[key] = draw(st.sampled_from(values))
    kdim, vdim = kwargs["kdim"] or e, kwargs["vdim"] or e
    batched = draw(st.sampled_from([True, True, False]))
    n, length, source = draw(SIZE), draw(SIZE), draw(SIZE)

    def make(seq: int, last: int) -> tuple[int, ...]:
        last = draw(st.sampled_from([last] * 6 + [last + 1]))
        seq = draw(st.sampled_from([seq] * 8 + [seq + 1]))
        batch = draw(st.sampled_from([n] * 8 + [n + 1]))
        if not batched:
            return (seq, last)
        return (batch, seq, last) if kwargs["batch_first"] else (seq, batch, last)

    q, k, v = make(length, e), make(source, kdim), make(source, vdim)
    if draw(st.integers(0, 12)) == 0:
        k = k[1:] if len(k) == 3 else (1, *k)
    call = {"need_weights": draw(st.booleans()), "average_attn_weights": draw(st.booleans())}
    return kwargs, q, k, v, call


def test_mha_outputs_equal_torch() -> None:
    def check(case: Any) -> None:
        kwargs, q, k, v, call = case
        spec = CATALOGUE["MultiheadAttention"]
        args = bind(spec, (), list(kwargs.items()))
        module = _torch_module("MultiheadAttention", kwargs)
        same_as_torch(
            f"MultiheadAttention(**{kwargs})({q}, {k}, {v}, **{call})",
            lambda: list(mha_outputs(args, shape_of(q), shape_of(k), shape_of(v), **call)),
            lambda: list(module(meta(q), meta(k), meta(v), **call)),
            ("CNL002", "CNL006"),
        )

    run(_mha(), check)


def test_mha_outputs_with_symbols() -> None:
    mha = CATALOGUE["MultiheadAttention"](64, 8, batch_first=True)
    out, weights = mha_outputs(mha.args, Shape("B", "L", 64), Shape("B", "S", 64), Shape("B", "S", 64))
    assert (out, weights) == (Shape("B", "L", 64), Shape("B", "L", "S"))
    out, weights = mha_outputs(mha.args, Shape(64, open=True), Shape.unknown(), Shape.unknown(), need_weights=False)
    assert (out, weights) == (Shape(64, open=True), None)
    with pytest.raises(ShapeError) as info:
        mha_outputs(mha.args, Shape("B", "L", 32), Shape("B", "S", 64), Shape("B", "S", 64))
    assert info.value.finding.code == "CNL002"
