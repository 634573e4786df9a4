"""Unfold and Fold: plain examples and messages (tests/test_differential.py holds them against torch)."""

from __future__ import annotations

from strategies import run_layers as _run


def test_unfold_cuts_blocks() -> None:
    assert _run(["Unfold(3)"], (2, 4, 10, 10)).output == (2, 36, 64)
    assert _run(["Unfold((2, 3), stride=2, padding=1, dilation=2)"], (2, 4, 10, 9)).output == (2, 24, 20)
    assert _run(["Unfold(3)"], (4, 10, 10)).output == (36, 64)  # unbatched


def test_unfold_with_no_block_left() -> None:
    [finding] = _run(["Unfold(3)"], (2, 4, 2, 10)).steps[0].findings
    assert finding.code == "CNL004" and "(0, 8) sliding blocks" in finding.message


def test_fold_puts_blocks_back() -> None:
    assert _run(["Fold((4, 5), 2)"], (2, 12, 12)).output == (2, 3, 4, 5)
    assert _run(["Fold((4, 5), 2)"], (12, 12)).output == (3, 4, 5)
    assert _run(["Unfold(2, stride=2)", "Fold(8, 2, stride=2)"], (1, 3, 8, 8)).output == (1, 3, 8, 8)


def test_fold_mismatches_name_the_numbers() -> None:
    [finding] = _run(["Fold((4, 5), 2)"], (2, 13, 12)).steps[0].findings
    assert finding.code == "CNL002" and "multiple of the kernel's 2 x 2 = 4" in finding.message
    [finding] = _run(["Fold(8, 2)"], (1, 36, 64)).steps[0].findings
    assert finding.code == "CNL002" and "expects 49 sliding blocks" in finding.message
    assert "receives 64" in finding.message


def test_argument_errors_need_no_input() -> None:
    for layer in ("Unfold(0)", "Unfold(3, stride=(2,))", "Unfold(True)", "Unfold(3, padding=-1)", "Fold(0, 2)"):
        assert _run([layer], None).findings[0][1].code == "CNL005", layer


def test_ranks() -> None:
    assert _run(["Unfold(3)"], (10, 10)).findings[0][1].code == "CNL006"
    assert _run(["Fold(4, 2)"], (2, 3, 4, 9)).findings[0][1].code == "CNL006"
    assert _run(["Unfold(3)"], (2, 0, 10, 10)).findings[0][1].code == "CNL006"


def test_open_input_keeps_what_is_known() -> None:
    out = _run(["Conv2d(3, 8, 3)", "Unfold(3)"], None).output
    assert out.open and out.dims[-2] == 72  # 8 channels x 3 x 3, whatever the rank
    out = _run(["Conv2d(3, 8, 3)", "Unfold(2, stride=2)", "Fold((6, 7), 2, stride=2)"], None).output
    assert out.open and out.dims[-3:] == (8, 6, 7)
