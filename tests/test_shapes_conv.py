"""Conv family: the engine against torch, CNL003 against brute force, MACs against FlopCounterMode."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import compare, describe
from strategies import run_layers as _run
from strategies.conv import STRATEGIES, last_row_unread, torch_windows

from cnnlint.shapes import UNKNOWN, ArgFix, Shape, propagate
from cnnlint.shapes.catalogue import CATALOGUE
from cnnlint.shapes.spec import Layer, bind

EXAMPLES = int(os.environ.get("CNNLINT_EXAMPLES", "40"))
NAMES = sorted(STRATEGIES)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


# ---- CNL003 against a brute-force enumeration of every window's reads ----------------------


@SETTINGS
@given(
    st.sampled_from([n for n in NAMES if "Transpose" not in n]).flatmap(lambda n: st.tuples(st.just(n), STRATEGIES[n]))
)
def test_inexact_stride_matches_brute_force(case: tuple[str, tuple[dict[str, Any], tuple[int, ...]]]) -> None:
    torch = pytest.importorskip("torch")
    name, (kwargs, in_shape) = case
    ok, engine, reference = compare(name, kwargs, in_shape)
    assert ok, describe(name, kwargs, in_shape, engine, reference)
    assume(reference.ok)
    n = int(name[-2])
    with torch.device("meta"):
        module = getattr(torch.nn, name)(**kwargs)
    windows = torch_windows(module, n)
    assume(windows is not None)
    sizes, outs = in_shape[-n:], reference.shape[-n:]
    expected = any(last_row_unread(i, o, *w) for i, o, w in zip(sizes, outs, windows))
    assert ("CNL003" in engine.warnings) == expected, describe(name, kwargs, in_shape, engine, reference)


# ---- MACs against FlopCounterMode ---------------------------------------------------------------


@SETTINGS
@given(st.sampled_from(NAMES).flatmap(lambda n: st.tuples(st.just(n), STRATEGIES[n])))
def test_macs_match_flop_counter(case: tuple[str, tuple[dict[str, Any], tuple[int, ...]]]) -> None:
    torch = pytest.importorskip("torch")
    from torch.utils.flop_counter import FlopCounterMode

    name, (kwargs, in_shape) = case
    spec = CATALOGUE[name]
    step = propagate([Layer(spec, bind(spec, (), list(kwargs.items())))], Shape(*in_shape)).steps[0]
    assume(not step.findings or all(f.code == "CNL003" for f in step.findings))
    with torch.device("meta"):
        module = getattr(torch.nn, name)(**kwargs)
    counter = FlopCounterMode(display=False)
    with counter:
        module(torch.empty(in_shape, device="meta"))
    assert step.macs * 2 == counter.get_total_flops(), f"{name}(**{kwargs}) on {in_shape}"


@pytest.mark.parametrize(
    ("layer", "shape", "macs"),
    [
        ("Conv2d(128, 256, 5, padding=2)", (1, 128, 100, 100), 8_192_000_000),
        ("Conv2d(128, 32, 1)", (1, 128, 100, 100), 40_960_000),
        ("Conv2d(32, 256, 5, padding=2)", (1, 32, 100, 100), 2_048_000_000),
        ("ConvTranspose2d(8, 4, 3, stride=2, groups=2)", (2, 8, 5, 5), 2 * 8 * 25 * 2 * 9),
        ("Conv1d(4, 6, 3, groups=2)", (4, 5), 1 * 6 * 3 * 2 * 3),
    ],
)
def test_macs_examples(layer: str, shape: tuple[int, ...], macs: int) -> None:
    step = propagate([_layer(layer)], Shape(*shape)).steps[0]
    assert step.macs == macs


# ---- plain examples ------------------------------------------------------------------------------


def _layer(text: str) -> Layer:
    from cnnlint import shapes

    return eval(text, {name: getattr(shapes, name) for name in CATALOGUE})  # noqa: S307 - our own literals


def test_alexnet_224_trap() -> None:
    trace = _run(["Conv2d(3, 96, 11, stride=4)"], (1, 3, 224, 224))
    assert trace.output == (1, 96, 54, 54)
    [(step, finding)] = trace.findings
    assert finding.code == "CNL003"
    assert "54.25" in finding.message and "floored to 54" in finding.message
    assert "last 1 row and 1 column" in finding.message
    assert "227x227" in finding.message


def test_alexnet_227_is_silent() -> None:
    trace = _run(["Conv2d(3, 96, 11, stride=4)", "MaxPool2d(3, 2)"], (1, 3, 227, 227))
    assert trace.output == (1, 96, 27, 27)
    assert trace.findings == []
    assert trace.steps[0].params == 34_944


def test_d2l_alexnet_padding_1_drops_two_rows() -> None:
    trace = _run(["Conv2d(1, 96, 11, stride=4, padding=1)"], (1, 1, 224, 224))
    assert trace.output == (1, 96, 54, 54)
    [(_, finding)] = trace.findings
    assert "last 2 rows and 2 columns" in finding.message


def test_resnet_stride_2_padding_1_is_silent() -> None:
    trace = _run(["Conv2d(64, 128, 3, stride=2, padding=1)"], (1, 64, 56, 56))
    assert trace.output == (1, 128, 28, 28)
    assert trace.findings == []


def test_same_padding_keeps_size_even_kernel() -> None:
    trace = _run(["Conv2d(3, 8, 4, padding='same')"], (1, 3, 7, 9))
    assert trace.output == (1, 8, 7, 9)
    assert trace.findings == []


def test_channel_mismatch_without_input() -> None:
    trace = _run(["Conv2d(3, 64, 3)", "Conv2d(32, 64, 3)"], None)
    first, second = trace.steps
    assert first.findings == []
    [finding] = second.findings
    assert finding.code == "CNL002"
    assert finding.fix == ArgFix("in_channels", 64)
    assert "expects in_channels=32 but receives 64 channels" in finding.message
    assert second.out_shape.dim(-3) == 64  # propagation goes on with out_channels


def test_channel_mismatch_message_and_recovery() -> None:
    trace = _run(["Conv2d(64, 128, 3, padding=1)", "Conv2d(128, 10, 1)"], (1, 32, 56, 56))
    [(step, finding)] = trace.findings
    assert finding.message == (
        "Conv2d expects in_channels=64 but receives 32 channels; input (1, 32, 56, 56); set in_channels=32"
    )
    assert finding.fix == ArgFix("in_channels", 32)
    assert trace.output == (1, 10, 56, 56)


def test_unbatched_and_symbolic_batch() -> None:
    assert _run(["Conv1d(4, 8, 3)"], (4, 10)).output == (8, 8)
    assert _run(["Conv2d(3, 8, 3)"], ("B", 3, 10, 10)).output == ("B", 8, 8, 8)
    spatial_symbol = _run(["Conv2d(3, 8, 3)"], (1, 3, "H", 10)).output
    assert spatial_symbol.dims[2] is UNKNOWN and spatial_symbol.dims[3] == 8


def test_argument_errors_need_no_input() -> None:
    for layer in (
        "Conv2d(3, 8, 3, stride=2, padding='same')",
        "Conv2d(3, 8, 3, groups=2)",
        "Conv2d(4, 6, 3, groups=4)",
        "Conv2d(3, 8, (3, 3, 3))",
        "Conv2d(3, 8, 0)",
        "ConvTranspose2d(3, 8, 3, stride=2, output_padding=2)",
        "ConvTranspose2d(3, 8, 3, padding_mode='reflect')",
    ):
        [finding] = _run([layer], None).steps[0].findings
        assert finding.code == "CNL005", layer


def test_output_padding_may_use_dilation() -> None:
    assert _run(["ConvTranspose2d(3, 8, 3, dilation=2, output_padding=1)"], (1, 3, 5, 5)).output == (1, 8, 10, 10)


def test_kernel_larger_than_input() -> None:
    [finding] = _run(["Conv2d(3, 8, 5)"], (1, 3, 4, 9)).steps[0].findings
    assert finding.code == "CNL004"
    assert finding.message.startswith("Conv2d output height is 0: floor((4 + 2*0 - 1*(5-1) - 1) / 1) + 1 = 0")


def test_lazy_takes_channels_from_input() -> None:
    trace = _run(["LazyConv2d(16, 3, groups=2)"], (1, 6, 8, 8))
    assert trace.output == (1, 16, 6, 6)
    assert trace.steps[0].params == 16 * 3 * 9 + 16
    [finding] = _run(["LazyConv2d(16, 3, groups=4)"], (1, 6, 8, 8)).steps[0].findings
    assert finding.code == "CNL005"
    open_trace = _run(["LazyConv2d(16, 3)"], None)
    assert open_trace.findings == [] and open_trace.steps[0].params is UNKNOWN


def test_unknown_arguments_are_silent() -> None:
    spec = CATALOGUE["Conv2d"]
    args = bind(spec, (3, 8, UNKNOWN), [("stride", 2)])
    trace = propagate([Layer(spec, args)], Shape(1, 3, 224, 224))
    assert trace.findings == []
    assert trace.output.dims[:2] == (1, 8) and trace.output.dims[2] is UNKNOWN


def test_seed_bottleneck_parameters() -> None:
    trace = _run(["Conv2d(128, 32, 1)", "Conv2d(32, 256, 5, padding=2)"], (1, 128, 100, 100))
    assert [s.params for s in trace.steps] == [4_128, 205_056]
    assert _run(["Conv2d(128, 256, 5, padding=2)"], (1, 128, 100, 100)).steps[0].params == 819_456


def test_same_padding_is_judged_for_unread_rows_like_torch() -> None:
    """'same' keeps the size, but a dilated kernel can still step over a size-1 dim's only element."""
    torch = pytest.importorskip("torch")
    conv = torch.nn.Conv2d(2, 2, 2, dilation=2, padding="same")
    x = torch.ones(1, 2, 9, 1)
    x[..., -1] = float("nan")
    with torch.no_grad():
        assert not torch.isnan(conv(x)).any()  # torch never reads the last column
    [finding] = _run(["Conv2d(2, 2, 2, dilation=2, padding='same')"], (1, 2, 9, 1)).steps[0].findings
    assert finding.code == "CNL003"
    assert _run(["Conv2d(2, 2, 3, dilation=2, padding='same')"], (1, 2, 9, 10)).steps[0].findings == []


@pytest.mark.parametrize(
    ("shape", "hinted"),
    [((4, 50, 20), True), ((4, 50, 21), False), ((50, 20), False)],
)
def test_a_conv1d_given_a_sequence_with_its_features_last_asks_for_a_transpose(
    shape: tuple[int, ...], hinted: bool
) -> None:
    """(N, L, C) fed to Conv1d(C, ...): torch refuses it; the layer is right, so no in_channels fix is offered."""
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):
        torch.nn.Conv1d(20, 8, 3)(torch.zeros(*shape))
    (finding,) = [f for _, f in propagate([CATALOGUE["Conv1d"](20, 8, 3)], Shape(*shape)).findings]
    assert finding.code == "CNL002"
    assert ("x.transpose(1, 2)" in finding.message) is hinted
    assert (finding.fix is None) is hinted
