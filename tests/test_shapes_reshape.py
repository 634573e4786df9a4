"""Reshape family: torch is the oracle (hypothesis), plus notes, symbols and open shapes."""

from __future__ import annotations

from cnnlint.shapes import UNKNOWN, Shape, propagate
from cnnlint.shapes.catalogue import CATALOGUE

L = CATALOGUE


def _codes(trace) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for _, f in trace.findings]


def test_flatten_writes_the_trail_into_the_note() -> None:
    out = propagate([L["Flatten"]()], Shape(1, 256, 5, 5)).output
    assert out == (1, 6400)
    assert out.note == "256 x 5 x 5 after Flatten"
    # the note survives shape-preserving layers
    out = propagate([L["Flatten"](), L["ReLU"](), L["Dropout"](0.5)], Shape(1, 256, 5, 5)).output
    assert out.note == "256 x 5 x 5 after Flatten"


def test_flatten_then_wrong_linear_names_the_trail() -> None:
    trace = propagate([L["Flatten"](), L["Linear"](9216, 4096)], Shape(1, 256, 5, 5))
    (finding,) = trace.steps[1].findings
    assert finding.code == "CNL001"
    for part in ("in_features=9216", "6400", "256 x 5 x 5"):
        assert part in finding.message
    assert finding.fix.param == "in_features" and finding.fix.value == 6400


def test_flatten_symbols() -> None:
    # a symbol outside the flattened range is carried; inside, the product is unknown
    assert propagate([L["Flatten"]()], Shape("B", 3, 4)).output == ("B", 12)
    out = propagate([L["Flatten"](0)], Shape("B", 3)).output
    assert out == Shape(UNKNOWN) and out.note is None
    assert propagate([L["Flatten"](0, 1)], Shape(2, 3, "T")).output == (6, "T")


def test_flatten_on_open_or_unknown_input_is_unknown() -> None:
    assert propagate([L["Flatten"]()], Shape(64, UNKNOWN, UNKNOWN, open=True)).output.is_unknown
    assert propagate([L["Flatten"]()]).output.is_unknown


def test_flatten_argument_errors() -> None:
    assert _codes(propagate([L["Flatten"](2, 1)])) == ["CNL005"]  # no input needed
    assert _codes(propagate([L["Flatten"](-1, 0)], Shape(2, 3, 4))) == ["CNL005"]
    assert _codes(propagate([L["Flatten"](3)], Shape(2, 3, 4))) == ["CNL006"]
    assert _codes(propagate([L["Flatten"](True)], Shape(2, 3, 4))) == ["CNL005"]
    assert propagate([L["Flatten"](0)], Shape()).output == (1,)


def test_unflatten() -> None:
    assert propagate([L["Unflatten"](1, (2, -1))], Shape("B", 12)).output == ("B", 2, 6)
    assert propagate([L["Unflatten"](1, (2, -1))], Shape(4, "F")).output == Shape(4, 2, UNKNOWN)
    assert propagate([L["Unflatten"](-1, (16, 4, 4))], Shape(256, open=True)).output == Shape(16, 4, 4, open=True)
    assert _codes(propagate([L["Unflatten"](1, (5, 5))], Shape(2, 24))) == ["CNL005"]
    assert _codes(propagate([L["Unflatten"](1, (-1, -1))])) == ["CNL005"]
    assert _codes(propagate([L["Unflatten"](2, (2, 3))], Shape(4, 6))) == ["CNL006"]
