"""Pool family: the engine against torch, CNL003 against brute force, plain examples."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import compare, describe
from strategies import run_layers as _run
from strategies.conv import last_row_unread, torch_windows
from strategies.pool import STRATEGIES

from cnnlint.shapes import UNKNOWN

EXAMPLES = int(os.environ.get("CNNLINT_EXAMPLES", "40"))
NAMES = sorted(STRATEGIES)
WINDOW_POOLS = [n for n in NAMES if not n.startswith("Adaptive")]


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(WINDOW_POOLS).flatmap(lambda n: st.tuples(st.just(n), STRATEGIES[n])))
def test_inexact_stride_matches_brute_force(case: tuple[str, tuple[dict[str, Any], tuple[int, ...]]]) -> None:
    torch = pytest.importorskip("torch")
    name, (kwargs, in_shape) = case
    ok, engine, reference = compare(name, kwargs, in_shape)
    assert ok, describe(name, kwargs, in_shape, engine, reference)
    assume(reference.ok)
    n = int(name[-2])
    module = getattr(torch.nn, name)(**kwargs)
    if module.ceil_mode:
        assert "CNL003" not in engine.warnings
        return
    sizes, outs = in_shape[-n:], reference.shape[-n:]
    expected = any(last_row_unread(i, o, *w) for i, o, w in zip(sizes, outs, torch_windows(module, n)))
    assert ("CNL003" in engine.warnings) == expected, describe(name, kwargs, in_shape, engine, reference)


# ---- plain examples ------------------------------------------------------------------------------


def test_empty_output_message() -> None:
    [finding] = _run(["MaxPool2d(3, 2)"], (1, 64, 2, 2)).steps[0].findings
    assert finding.code == "CNL004"
    assert finding.message == (
        "MaxPool2d output height is 0: floor((2 + 2*0 - 1*(3-1) - 1) / 2) + 1 = 0 from input (1, 64, 2, 2)"
    )


def test_d2l_alexnet_features() -> None:
    trace = _run(
        [
            "Conv2d(1, 96, 11, stride=4, padding=1)",
            "MaxPool2d(3, stride=2)",
            "Conv2d(96, 256, 5, padding=2)",
            "MaxPool2d(3, stride=2)",
            "Conv2d(256, 384, 3, padding=1)",
            "Conv2d(384, 384, 3, padding=1)",
            "Conv2d(384, 256, 3, padding=1)",
            "MaxPool2d(3, stride=2)",
        ],
        (1, 1, 224, 224),
    )
    assert [s.out_shape.dims[-1] for s in trace.steps] == [54, 26, 26, 12, 12, 12, 12, 5]
    assert trace.output == (1, 256, 5, 5)
    assert {s.layer.spec.name for s, f in trace.findings if f.code == "CNL003"} == {"Conv2d", "MaxPool2d"}


def test_alexnet_227_pools_are_exact() -> None:
    trace = _run(["MaxPool2d(3, 2)", "MaxPool2d(3, 2)"], (1, 96, 55, 55))
    assert trace.output == (1, 96, 13, 13)
    assert trace.findings == []


def test_ceil_mode_last_window_must_start_inside() -> None:
    # ceil((4 + 2 - 2) / 2) + 1 = 3 windows would start at 0, 2, 4; 4 = I + P_l is in the right padding
    assert _run(["MaxPool2d(2, 2, padding=1, ceil_mode=True)"], (1, 3, 4, 4)).output == (1, 3, 3, 3)
    assert _run(["MaxPool2d(2, 2, ceil_mode=True)"], (1, 3, 5, 5)).output == (1, 3, 3, 3)
    assert _run(["MaxPool2d(2, 2, ceil_mode=True)"], (1, 3, 5, 5)).findings == []


def test_argument_errors_need_no_input() -> None:
    for layer in (
        "MaxPool2d(3, padding=2)",
        "AvgPool2d(2, stride=0)",
        "MaxPool2d((2, 2, 2))",
        "AvgPool2d(2, divisor_override=0)",
        "LPPool2d(0, 2)",
        "AdaptiveAvgPool2d((2, 2, 2))",
        "AdaptiveMaxPool1d(-1)",
    ):
        [finding] = _run([layer], None).steps[0].findings
        assert finding.code == "CNL005", layer


def test_stride_defaults_to_kernel() -> None:
    assert _run(["AvgPool2d(3)"], (2, 4, 9, 10)).output == (2, 4, 3, 3)


def test_adaptive_none_keeps_input_dim() -> None:
    assert _run(["AdaptiveAvgPool2d((None, 7))"], (1, 512, 13, 20)).output == (1, 512, 13, 7)
    assert _run(["AdaptiveMaxPool3d(2)"], (4, 5, 6, 7)).output == (4, 2, 2, 2)


def test_no_input_keeps_what_arguments_fix() -> None:
    out = _run(["AdaptiveAvgPool2d((6, 6))"], None).output
    assert out.open and out.dims[-2:] == (6, 6) and out.dims[-3] is UNKNOWN
    assert _run(["AdaptiveAvgPool2d(1)", "MaxPool2d(2)"], None).findings[0][1].code == "CNL004"


def test_symbolic_spatial_is_unknown_not_an_error() -> None:
    trace = _run(["MaxPool2d(2)"], ("B", 3, "H", 8))
    assert trace.findings == []
    assert trace.output.dims[0] == "B" and trace.output.dims[2] is UNKNOWN and trace.output.dims[3] == 4


def test_avg_pool3d_kernel_must_fit_unpadded_input() -> None:
    [finding] = _run(["AvgPool3d(4, padding=1, ceil_mode=True)"], (1, 1, 2, 5, 9)).steps[0].findings
    assert finding.code == "CNL004"
    assert _run(["MaxPool3d(4, padding=1, ceil_mode=True)"], (1, 1, 2, 5, 9)).findings == []
