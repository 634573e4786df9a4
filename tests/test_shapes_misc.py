"""Embedding, TransformerEncoderLayer, MultiheadAttention against torch."""

from __future__ import annotations

import pytest

from cnnlint.shapes import UNKNOWN, Shape, propagate
from cnnlint.shapes.catalogue import CATALOGUE

L = CATALOGUE


def _codes(trace) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for _, f in trace.findings]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"bias": False},
        {"add_bias_kv": True},
        {"kdim": 5, "vdim": 7},
        {"kdim": 12},
        {"kdim": 5, "vdim": 7, "bias": False, "add_bias_kv": True},
    ],
)
def test_multihead_attention_parameters_match_torch(kwargs: dict) -> None:
    torch = pytest.importorskip("torch")
    with torch.device("meta"):
        expected = sum(p.numel() for p in torch.nn.MultiheadAttention(12, 3, **kwargs).parameters())
    trace = propagate([L["MultiheadAttention"](12, 3, **kwargs)], Shape(4, 2, 12))
    assert trace.steps[0].params == expected
    assert _codes(trace) == ["CNL100"]


def test_multihead_attention_heads_must_divide() -> None:
    assert _codes(propagate([L["MultiheadAttention"](12, 5)])) == ["CNL005"]


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("shape", [(5, 3, 8), (7, 8), (1, 1, 8)])
def test_encoder_layer_macs_are_half_of_flop_counter(shape: tuple[int, ...], batch_first: bool) -> None:
    torch = pytest.importorskip("torch")
    from torch.utils.flop_counter import FlopCounterMode

    layer = torch.nn.TransformerEncoderLayer(8, 2, 24, batch_first=batch_first)
    with FlopCounterMode(display=False) as counter:
        layer(torch.zeros(shape))
    step = propagate([L["TransformerEncoderLayer"](8, 2, 24, batch_first=batch_first)], Shape(*shape)).steps[0]
    assert step.macs * 2 == counter.get_total_flops()


def test_encoder_layer_checks() -> None:
    assert _codes(propagate([L["TransformerEncoderLayer"](512, 6)])) == ["CNL005"]
    assert _codes(propagate([L["TransformerEncoderLayer"](512, 8, activation="tanh")])) == ["CNL005"]
    trace = propagate([L["Linear"](10, 256), L["TransformerEncoderLayer"](512, 8), L["Linear"](100, 2)])
    assert _codes(trace) == ["CNL002", "CNL001"]  # recovered with the incoming shape
    x = Shape("S", "B", 512)
    assert propagate([L["TransformerEncoderLayer"](512, 8)], x).output is x


def test_embedding() -> None:
    assert L["Embedding"].integer_input
    assert propagate([L["Embedding"](1000, 64)], Shape("B", "T")).output == ("B", "T", 64)
    assert propagate([L["Embedding"](1000, 64)]).output == Shape(64, open=True)
    assert propagate([L["Embedding"](1000, 64)], Shape(2, 5)).steps[0].params == 64000
    assert _codes(propagate([L["Embedding"](10, 4, padding_idx=10)])) == ["CNL005"]
    assert _codes(propagate([L["Embedding"](10, 4, padding_idx=-10)])) == []
    assert propagate([L["Embedding"](UNKNOWN, 64)], Shape(2, 5)).steps[0].params is UNKNOWN
