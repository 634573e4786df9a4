"""Normalisation family: torch is the oracle (hypothesis), plus the behaviours around it."""

from __future__ import annotations

from cnnlint.shapes import UNKNOWN, ArgFix, Shape, propagate
from cnnlint.shapes.catalogue import CATALOGUE

L = CATALOGUE


def _codes(trace) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for _, f in trace.findings]


def test_batchnorm_channel_mismatch_is_fixable_and_recovers() -> None:
    x = Shape(8, 128, 28, 28)
    trace = propagate([L["BatchNorm2d"](64), L["BatchNorm2d"](32)], x)
    first, second = (s.findings for s in trace.steps)
    assert [f.code for f in first] == ["CNL002"]
    assert first[0].fix == ArgFix("num_features", 128)
    assert "num_features=64" in first[0].message and "128" in first[0].message
    # the output is the input: the second, independent bug is still reported
    assert [f.code for f in second] == ["CNL002"]
    assert trace.output is x


def test_batchnorm_without_affine_or_stats_accepts_any_channels() -> None:
    # no per-channel tensor exists, so torch has nothing to compare
    trace = propagate([L["BatchNorm2d"](3, affine=False, track_running_stats=False)], Shape(2, 5, 4, 4))
    assert _codes(trace) == []


def test_batchnorm2d_after_a_conv_output_with_no_input() -> None:
    # what Conv2d(…, 64, …) yields when no input was declared
    conv_out = Shape(64, UNKNOWN, UNKNOWN, open=True)
    trace = propagate([L["BatchNorm2d"](32)], conv_out)
    assert _codes(trace) == ["CNL002"]
    assert trace.steps[0].findings[0].fix == ArgFix("num_features", 64)


def test_batchnorm1d_on_an_open_shape_is_ambiguous_and_silent() -> None:
    # (…, 120) may be (N, 120) or (N, C, 120): no guess
    assert _codes(propagate([L["BatchNorm1d"](64)], Shape(120, open=True))) == []
    # (…, 64, 9) with at most 3 dims is (N, 64, 9) only if 3-D: still ambiguous
    assert _codes(propagate([L["BatchNorm1d"](32)], Shape(64, 9, open=True))) == []


def test_batchnorm1d_on_flattened_batched_input_is_not_a_rank_error() -> None:
    # (N, C) is BatchNorm1d's normal batched input, not an unbatched one
    flat = L["Flatten"]()
    trace = propagate([L["BatchNorm2d"](3), flat, L["BatchNorm1d"](48)], Shape(4, 3, 4, 4))
    assert _codes(trace) == []
    assert trace.output == (4, 48)


def test_batchnorm_rank_errors() -> None:
    assert _codes(propagate([L["BatchNorm1d"](3)], Shape(2, 3, 4, 4))) == ["CNL006"]
    assert _codes(propagate([L["BatchNorm2d"](3)], Shape(3, 4, 4))) == ["CNL006"]
    assert _codes(propagate([L["BatchNorm1d"](3)], Shape(3, 4, 4, 4, open=True))) == ["CNL006"]


def test_batch_of_one_value_per_channel_recovers() -> None:
    # torch (training): "Expected more than 1 value per channel"
    trace = propagate([L["BatchNorm1d"](10), L["Linear"](11, 2)], Shape(1, 10))
    assert _codes(trace) == ["CNL005", "CNL001"]
    assert propagate([L["BatchNorm2d"](3)], Shape(1, 3, 2, 1)).findings == []


def test_instancenorm_mismatch_raises_only_with_affine_or_running_stats() -> None:
    x = Shape(2, 4, 9)
    assert _codes(propagate([L["InstanceNorm1d"](3)], x)) == []  # torch only warns
    assert _codes(propagate([L["InstanceNorm1d"](3, affine=True)], x)) == ["CNL002"]
    assert _codes(propagate([L["InstanceNorm1d"](3, track_running_stats=True)], x)) == ["CNL002"]
    # unbatched: the channel is dim 0
    assert _codes(propagate([L["InstanceNorm1d"](4, affine=True)], Shape(4, 9))) == []


def test_instancenorm_single_spatial_element() -> None:
    assert _codes(propagate([L["InstanceNorm2d"](3)], Shape(2, 3, 1, 1))) == ["CNL005"]


def test_lazy_instancenorm_reads_dim_1_of_an_unbatched_input() -> None:
    trace = propagate([L["LazyInstanceNorm1d"]()], Shape(3, 5))
    (finding,) = trace.steps[0].findings
    assert finding.code == "CNL002" and "num_features=5" in finding.message and finding.fix is None
    assert _codes(propagate([L["LazyInstanceNorm1d"](affine=False, track_running_stats=False)], Shape(3, 5))) == []


def test_groupnorm_checks_its_arguments_without_input() -> None:
    assert _codes(propagate([L["GroupNorm"](3, 64)])) == ["CNL005"]
    assert _codes(propagate([L["GroupNorm"](0, 64)])) == ["CNL005"]
    assert _codes(propagate([L["GroupNorm"](8, 64)])) == []


def test_groupnorm_channels() -> None:
    trace = propagate([L["GroupNorm"](8, 64)], Shape(2, 32, 7, 7))
    assert _codes(trace) == ["CNL002"]
    assert trace.steps[0].findings[0].fix == ArgFix("num_channels", 32)
    # without affine weights torch only needs the groups to divide the channels
    assert _codes(propagate([L["GroupNorm"](8, 64, affine=False)], Shape(2, 32, 7, 7))) == []
    assert _codes(propagate([L["GroupNorm"](8, 64, affine=False)], Shape(2, 36, 7, 7))) == ["CNL005"]


def test_layernorm_trailing_dimensions() -> None:
    trace = propagate([L["LayerNorm"](512)], Shape(2, 10, 768))
    assert _codes(trace) == ["CNL002"]
    assert trace.steps[0].findings[0].fix == ArgFix("normalized_shape", 768)
    trace = propagate([L["LayerNorm"]((10, 512))], Shape(2, 10, 768))
    assert _codes(trace) == ["CNL002"] and trace.steps[0].findings[0].fix is None
    # with no input, a Linear fixes the last dimension
    trace = propagate([L["Linear"](10, 256), L["LayerNorm"](128)])
    assert _codes(trace) == ["CNL002"]
    assert _codes(propagate([L["LayerNorm"](())])) == ["CNL005"]


def test_norms_keep_the_shape_object_and_symbols() -> None:
    x = Shape("B", 64, 56, 56, note="kept")
    for layer in (
        L["BatchNorm2d"](64),
        L["InstanceNorm2d"](64),
        L["GroupNorm"](8, 64),
        L["LayerNorm"](56),
        L["LocalResponseNorm"](5),
        L["RMSNorm"]([56, 56]),
    ):
        trace = propagate([layer], x)
        assert trace.output is x, layer.spec.name
        assert trace.findings == []


def test_learnable_parameters_only() -> None:
    # running statistics are buffers
    assert propagate([L["BatchNorm2d"](64)], Shape(2, 64, 8, 8)).steps[0].params == 128
    assert propagate([L["BatchNorm2d"](64, affine=False)], Shape(2, 64, 8, 8)).steps[0].params == 0
    assert propagate([L["LayerNorm"]([8, 8], bias=False)], Shape(2, 64, 8, 8)).steps[0].params == 64
    assert propagate([L["LazyBatchNorm2d"]()], Shape(2, 64, 8, 8)).steps[0].params == 128
    assert propagate([L["LazyBatchNorm2d"]()]).steps[0].params is UNKNOWN
