"""Padding family: the engine against torch, and plain examples."""

from __future__ import annotations

import os

from strategies import run_layers as _run
from strategies.padding import STRATEGIES

from cnnlint.shapes import UNKNOWN

EXAMPLES = int(os.environ.get("CNNLINT_EXAMPLES", "40"))
NAMES = sorted(STRATEGIES)


def test_int_and_tuple_padding() -> None:
    assert _run(["ZeroPad2d(1)"], (1, 3, 5, 5)).output == (1, 3, 7, 7)
    assert _run(["ZeroPad2d((1, 2, 3, 4))"], (1, 3, 5, 5)).output == (1, 3, 12, 8)
    assert _run(["ConstantPad1d((2, -1), 0.5)"], (3, 5)).output == (3, 6)
    # a shorter tuple pads fewer dims, as F.pad does
    assert _run(["ZeroPad2d((1, 1))"], (1, 3, 5, 5)).output == (1, 3, 5, 7)


def test_reflection_needs_padding_below_input_size() -> None:
    [finding] = _run(["ReflectionPad2d(3)"], (1, 2, 3, 3)).steps[0].findings
    assert finding.code == "CNL005"
    assert "reflection padding (3, 3) must be smaller than" in finding.message
    assert _run(["ReflectionPad2d(2)"], (1, 2, 3, 3)).output == (1, 2, 7, 7)
    assert _run(["ReflectionPad2d(3)"], None).findings == []  # the input size is needed


def test_circular_may_wrap_at_most_once() -> None:
    assert _run(["CircularPad2d(3)"], (1, 2, 3, 3)).output == (1, 2, 9, 9)
    assert _run(["CircularPad2d(4)"], (1, 2, 3, 3)).findings[0][1].code == "CNL005"


def test_wrong_padding_lengths() -> None:
    assert _run(["ZeroPad2d((1, 1, 1))"], None).findings[0][1].code == "CNL005"
    assert _run(["ReflectionPad2d((1, 1, 1, 1, 1, 1, 1, 1))"], None).findings[0][1].code == "CNL005"
    assert _run(["ReflectionPad2d(1)"], (3, 3)).findings[0][1].code == "CNL006"
    assert _run(["CircularPad2d((1, 1))"], (3, 3)).findings[0][1].code == "CNL006"


def test_crops_below_zero() -> None:
    assert _run(["ZeroPad2d((-4, 0, 0, 0))"], (1, 2, 3, 3)).findings[0][1].code == "CNL004"
    assert _run(["ZeroPad2d((-3, 0, 0, 0))"], (1, 2, 3, 3)).output == (1, 2, 3, 0)  # torch allows an empty dim


def test_open_shapes() -> None:
    out = _run(["Conv2d(3, 8, 3)", "ZeroPad2d(1)"], None).output
    assert out.open and out.dims[-3] == 8 and out.dims[-1] is UNKNOWN


def test_padding_layer_rows_are_input_to_the_next_layer() -> None:
    # 224 + 2 + 1 = 227: the conv is judged alone on its 227x227 input and is exact
    trace = _run(["ZeroPad2d((1, 2, 1, 2))", "Conv2d(3, 96, 11, stride=4)"], (1, 3, 224, 224))
    assert trace.output == (1, 96, 55, 55)
    assert trace.findings == []
