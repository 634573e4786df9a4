"""Linear family: torch is the oracle (hypothesis); Bilinear's parameters against torch."""

from __future__ import annotations

import pytest

from cnnlint.shapes import Shape, propagate
from cnnlint.shapes.catalogue import CATALOGUE

L = CATALOGUE


def _codes(trace) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for _, f in trace.findings]


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize(("a", "b", "o"), [(3, 5, 7), (1, 1, 1), (20, 30, 4)])
def test_bilinear_parameters_match_torch(a: int, b: int, o: int, bias: bool) -> None:
    torch = pytest.importorskip("torch")
    with torch.device("meta"):
        expected = sum(p.numel() for p in torch.nn.Bilinear(a, b, o, bias=bias).parameters())
    step = propagate([L["Bilinear"](a, b, o, bias=bias)], Shape(2, a)).steps[0]
    assert step.params == expected


def test_bilinear_is_not_chainable() -> None:
    trace = propagate([L["Bilinear"](3, 5, 7), L["Linear"](1, 2)], Shape(2, 3))
    assert _codes(trace) == ["CNL100"]
    assert _codes(propagate([L["Bilinear"](-1, 5, 7)])) == ["CNL005"]


def test_linear_on_a_still_4d_input_suggests_flatten_without_a_fix() -> None:
    (finding,) = propagate([L["Linear"](9216, 10)], Shape(1, 256, 5, 5)).findings[0][1:]
    assert finding.code == "CNL001"
    assert "nn.Flatten()" in finding.message and "6400" in finding.message
    assert finding.fix is None


@pytest.mark.parametrize(
    ("in_features", "shape", "hinted"),
    [
        (6400, (2, 64, 100), True),  # a Conv1d's (B, C, L) that flattens to in_features
        (512, (2, 197, 768), False),  # a sequence (B, T, C): a Linear takes it as it is
        (4096, (2, 64, 1024), False),
    ],
)
def test_linear_on_a_3d_input_suggests_flatten_only_where_it_gives_in_features(
    in_features: int, shape: tuple[int, ...], hinted: bool
) -> None:
    (finding,) = propagate([L["Linear"](in_features, 10)], Shape(*shape)).findings[0][1:]
    assert finding.code == "CNL001"
    assert ("nn.Flatten()" in finding.message) is hinted
    assert finding.fix is None  # which dim is wrong is not known


def test_linear_keeps_leading_dims_and_symbols() -> None:
    assert propagate([L["Linear"](8, 3)], Shape("B", "T", 8)).output == ("B", "T", 3)
    assert propagate([L["LazyLinear"](3)], Shape("B", 8)).output == ("B", 3)
    assert propagate([L["LazyLinear"](3)], Shape("B", 8)).steps[0].params == 27
    assert propagate([L["Identity"](1, x=2)], Shape(2, 3)).findings == []
