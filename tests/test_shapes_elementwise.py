"""Elementwise family: torch is the oracle (hypothesis), plus the behaviours around it."""

from __future__ import annotations

import pytest

from cnnlint.shapes import UNKNOWN, ArgFix, Shape, propagate
from cnnlint.shapes.catalogue import CATALOGUE
from cnnlint.shapes.elementwise import SPECS

L = CATALOGUE


def _codes(trace) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for _, f in trace.findings]


_REQUIRED = {"Threshold": (0.1, 0.0)}


@pytest.mark.parametrize("spec", [s for s in SPECS if s.name != "GLU"], ids=lambda s: s.name)
def test_shape_preserving_layers_return_the_same_shape_object(spec) -> None:  # type: ignore[no-untyped-def]
    rank = max(spec.ranks) if spec.ranks else 4
    x = Shape(*("B", 4, 6, 6, 6)[:rank], note="kept for the next Linear's message")
    trace = propagate([spec(*_REQUIRED.get(spec.name, ()))], x)
    assert trace.findings == []
    assert trace.output is x


def test_dropout_probability_needs_no_input() -> None:
    assert _codes(propagate([L["Dropout"](1.5)])) == ["CNL005"]
    assert _codes(propagate([L["Dropout2d"](p=-0.1)])) == ["CNL005"]
    assert _codes(propagate([L["Dropout"](UNKNOWN)])) == []


def test_dropout1d_after_flatten_on_a_batched_input() -> None:
    # (N, F) would be read as one unbatched (C, L) sample: whole samples dropped
    trace = propagate([L["InstanceNorm1d"](3), L["Flatten"](), L["Dropout1d"]()], Shape(2, 3, 8))
    assert _codes(trace) == ["CNL006"]


def test_dropout2d_only_warns_on_other_ranks() -> None:
    assert _codes(propagate([L["Dropout2d"]()], Shape(4, 3, 8, 8, 8))) == []
    assert _codes(
        propagate(
            [L["Dropout2d"]()],
            Shape(
                4,
            ),
        )
    ) == ["CNL006"]


def test_softmax_dim_out_of_range_is_a_rank_error() -> None:
    assert _codes(propagate([L["Softmax"](dim=2)], Shape(8, 10))) == ["CNL006"]
    assert _codes(propagate([L["LogSoftmax"](dim=-3)], Shape(8, 10))) == ["CNL006"]
    assert _codes(propagate([L["Softmax"](dim=1)], Shape(8, 10))) == []
    assert _codes(propagate([L["Softmax"]()], Shape(8, 10))) == []
    # an open shape: a positive dim cannot be checked
    assert _codes(propagate([L["Softmax"](dim=5)], Shape(10, open=True))) == []
    assert _codes(propagate([L["Softmax"](dim=1.0)], Shape(8, 10))) == ["CNL005"]


def test_glu_halves_and_rejects_odd_sizes() -> None:
    assert propagate([L["GLU"]()], Shape("B", 10)).output == ("B", 5)
    assert propagate([L["GLU"](dim=0)], Shape("B", 10)).output == Shape(UNKNOWN, 10)
    assert propagate([L["GLU"]()], Shape(10, open=True)).output == Shape(5, open=True)
    assert _codes(propagate([L["GLU"]()], Shape(2, 7))) == ["CNL005"]
    assert _codes(propagate([L["GLU"]()], Shape())) == ["CNL006"]


def test_prelu_channels() -> None:
    trace = propagate([L["PReLU"](64)], Shape(2, 32, 8, 8))
    assert _codes(trace) == ["CNL002"]
    assert trace.steps[0].findings[0].fix == ArgFix("num_parameters", 32)
    assert trace.steps[0].params == 64
    assert _codes(propagate([L["PReLU"]()], Shape(2, 32, 8, 8))) == []
    assert _codes(propagate([L["PReLU"](3)], Shape(3))) == ["CNL002"]  # a 1-D input has one channel


def test_activation_argument_checks() -> None:
    assert _codes(propagate([L["Hardtanh"](1.0, 0.0)])) == ["CNL005"]
    assert _codes(propagate([L["Hardtanh"](min_value=2.0)])) == ["CNL005"]
    assert _codes(propagate([L["GELU"]("exact")])) == ["CNL005"]
    assert _codes(propagate([L["RReLU"](0.5, 0.1)])) == ["CNL005"]
    assert _codes(propagate([L["Softshrink"](-1.0)])) == ["CNL005"]
    assert _codes(propagate([L["CELU"](0.0)])) == ["CNL005"]
    assert _codes(propagate([L["Threshold"](0.1, 20.0)])) == []
