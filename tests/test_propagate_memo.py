"""The engine memoises a layer's result on (layer, arguments, input): a hit must equal a fresh computation."""

from __future__ import annotations

from cnnlint.shapes import Shape, propagate
from cnnlint.shapes.catalogue import CATALOGUE
from cnnlint.shapes.propagate import _MEMO, MEMO_SIZE, _memo_key


def _run(layer, shape: Shape):  # type: ignore[no-untyped-def]
    trace = propagate([layer], shape)
    step = trace.steps[0]
    return step.out_shape.dims, [f.code for f in step.findings], step.params, step.macs


def test_a_repeated_layer_gets_the_same_answer_and_its_own_findings_list() -> None:
    layer = CATALOGUE["Conv2d"](3, 8, 3, stride=2)
    first = propagate([layer], Shape(1, 3, 224, 224))
    second = propagate([layer], Shape(1, 3, 224, 224))
    assert [s.out_shape.dims for s in second.steps] == [s.out_shape.dims for s in first.steps] == [(1, 8, 111, 111)]
    assert [f.code for _, f in first.findings] == [f.code for _, f in second.findings] == ["CNL003"]
    first.steps[0].findings.clear()
    assert [f.code for _, f in propagate([layer], Shape(1, 3, 224, 224)).findings] == ["CNL003"]


def test_arguments_equal_in_python_but_of_other_types_get_their_own_entries() -> None:
    shape = Shape(1, 3, 8, 8)
    keys = {
        _memo_key(CATALOGUE["Conv2d"](3, 8, 3, padding=value), shape, True) for value in (1, True, 1.0, (1, 1), [1, 1])
    }
    assert len(keys) == 5 and None not in keys


def test_the_note_of_the_input_is_part_of_the_key() -> None:
    linear = CATALOGUE["Linear"](100, 10)
    plain = propagate([linear], Shape(1, 64))
    noted = propagate([linear], Shape(1, 64, note="16 x 2 x 2 after Flatten"))
    assert "after Flatten" in noted.findings[0][1].message
    assert "after Flatten" not in plain.findings[0][1].message


def test_the_memo_stays_bounded() -> None:
    for width in range(MEMO_SIZE + 10):
        propagate([CATALOGUE["ReLU"]()], Shape(1, width + 1))
    assert len(_MEMO) <= MEMO_SIZE
