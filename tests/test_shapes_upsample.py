"""Upsample family: the engine against torch, and plain examples."""

from __future__ import annotations

import os

from strategies import run_layers as _run
from strategies.upsample import STRATEGIES

from cnnlint.shapes import UNKNOWN

EXAMPLES = int(os.environ.get("CNNLINT_EXAMPLES", "60"))
NAMES = sorted(STRATEGIES)


def test_scale_factor_floors() -> None:
    assert _run(["Upsample(scale_factor=1.5)"], (1, 3, 3, 5)).output == (1, 3, 4, 7)
    assert _run(["Upsample(scale_factor=(2, 3), mode='bilinear')"], (1, 3, 3, 5)).output == (1, 3, 6, 15)
    assert _run(["Upsample(size=(7, 9), mode='bicubic')"], (2, 3, 3, 5)).output == (2, 3, 7, 9)
    assert _run(["Upsample(scale_factor=2, mode='linear')"], (2, 3, 5)).output == (2, 3, 10)


def test_shrinking_to_nothing() -> None:
    assert _run(["Upsample(scale_factor=0.2)"], (1, 2, 3, 3)).findings[0][1].code == "CNL004"
    assert _run(["Upsample(scale_factor=0.2, mode='area')"], (1, 2, 3)).output == (1, 2, 0)  # an adaptive pool


def test_argument_errors_need_no_input() -> None:
    for layer in (
        "Upsample(size=4, scale_factor=2)",
        "Upsample()",
        "Upsample(size=4, align_corners=True)",
        "Upsample(size=4, mode='lanczos')",
        "PixelShuffle(0)",
        "ChannelShuffle(-1)",
    ):
        assert _run([layer], None).findings[0][1].code == "CNL005", layer


def test_mode_needs_its_rank() -> None:
    assert _run(["Upsample(size=4, mode='bilinear')"], (1, 2, 3)).findings[0][1].code == "CNL006"
    assert _run(["UpsamplingBilinear2d(scale_factor=2)"], (1, 2, 3, 3, 3)).findings[0][1].code == "CNL006"
    assert _run(["UpsamplingNearest2d(scale_factor=2)"], (1, 2, 3)).output == (1, 2, 6)


def test_open_shape_with_a_tuple_size() -> None:
    out = _run(["Conv2d(3, 8, 3)", "Upsample(size=(32, 32))"], None).output
    assert out.open and out.dims[-2:] == (32, 32) and out.dims[-3] == 8


def test_pixel_shuffle() -> None:
    assert _run(["PixelShuffle(2)"], (1, 8, 3, 3)).output == (1, 2, 6, 6)
    [finding] = _run(["PixelShuffle(2)"], (1, 6, 3, 3)).steps[0].findings
    assert finding.code == "CNL005" and "divisible by upscale_factor² = 4" in finding.message
    assert _run(["PixelShuffle(2)"], None).findings == []  # needs the input
    assert _run(["PixelUnshuffle(2)"], (2, 4, 4)).output == (8, 2, 2)
    assert _run(["PixelUnshuffle(2)"], (2, 4, 3)).findings[0][1].code == "CNL005"
    assert _run(["Conv2d(3, 6, 1)", "PixelShuffle(2)"], None).findings[0][1].code == "CNL005"


def test_channel_shuffle_reads_dim_1() -> None:
    assert _run(["ChannelShuffle(2)"], (1, 4, 3, 3)).output == (1, 4, 3, 3)
    assert _run(["ChannelShuffle(2)"], (4, 3, 3)).findings[0][1].code == "CNL005"
    out = _run(["ChannelShuffle(3)"], None).output
    assert out.is_unknown and out is not UNKNOWN
