"""propagate(): the behaviour shared by every layer (SPEC §2 and §3)."""

from __future__ import annotations

import pytest

from cnnlint.shapes import UNKNOWN, ArgFix, Shape, propagate, sequential, unknown_layer
from cnnlint.shapes.catalogue import CATALOGUE

L = CATALOGUE


def _codes(trace) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for _, f in trace.findings]


def _where(trace) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """(index among leaf steps, code) for each finding."""
    leaves = [s for s in trace.steps if s.layer.children is None]
    return [(i, f.code) for i, s in enumerate(leaves) for f in s.findings]


# ---- checks that need no input ----------------------------------------------


def test_linear_after_linear_through_shape_preserving_layers_without_input() -> None:
    trace = propagate([L["Linear"](10, 20), L["ReLU"](), L["Dropout"](0.5), L["Linear"](30, 5)])
    assert _where(trace) == [(3, "CNL001")]
    assert trace.steps[3].findings[0].fix == ArgFix("in_features", 20)


def test_conv_after_conv_without_input() -> None:
    trace = propagate([L["Conv2d"](3, 16, 3), L["ReLU"](), L["Conv2d"](8, 4, 3)])
    assert _where(trace) == [(2, "CNL002")]
    assert trace.steps[2].findings[0].fix == ArgFix("in_channels", 16)


def test_batchnorm_after_conv_without_input() -> None:
    trace = propagate([L["Conv2d"](3, 16, 3), L["BatchNorm2d"](8)])
    assert _where(trace) == [(1, "CNL002")]
    assert trace.steps[1].findings[0].fix == ArgFix("num_features", 16)


def test_spatial_checks_are_skipped_without_input() -> None:
    trace = propagate([L["Conv2d"](3, 16, 11, stride=4), L["Flatten"](), L["Linear"](9216, 10)])
    assert _codes(trace) == []


# ---- batched inputs (SPEC §2) ------------------------------------------------


def test_conv1d_after_flatten_on_a_batched_input_is_a_rank_error() -> None:
    trace = propagate([L["Conv2d"](3, 16, 3), L["Flatten"](), L["Conv1d"](16, 4, 3)], Shape(1, 3, 8, 8))
    assert _where(trace) == [(2, "CNL006")]


def test_an_unbatched_declared_input_stays_unbatched() -> None:
    # rank 3 for a Conv2d-first model: unbatched, so a 2-D input later is not flagged as "fewer than batched"
    trace = propagate([L["Conv2d"](3, 16, 3), L["Conv2d"](16, 4, 3)], Shape(3, 8, 8))
    assert _codes(trace) == []
    assert trace.output == (4, 4, 4)


# ---- recovery and silence ---------------------------------------------------


def test_recovery_after_cnl001_reports_an_independent_bug() -> None:
    trace = propagate([L["Linear"](10, 20), L["Linear"](30, 40), L["ReLU"](), L["Linear"](50, 5)], Shape(1, 10))
    assert _where(trace) == [(1, "CNL001"), (3, "CNL001")]
    assert trace.output == (1, 5)


def test_recovery_after_cnl002_reports_an_independent_bug() -> None:
    layers = [L["Conv2d"](3, 16, 3, padding=1), L["BatchNorm2d"](32), L["Conv2d"](8, 4, 1), L["Flatten"]()]
    trace = propagate([*layers, L["Linear"](5, 2)], Shape(2, 3, 6, 6))
    assert _where(trace) == [(1, "CNL002"), (2, "CNL002"), (4, "CNL001")]
    assert trace.steps[4].findings[0].fix == ArgFix("in_features", 144)


def test_silence_after_an_unrecoverable_error() -> None:
    trace = propagate([L["Flatten"](start_dim=5), L["Linear"](3, 4), L["Linear"](7, 2)], Shape(2, 3))
    assert _where(trace) == [(0, "CNL006"), (2, "CNL001")]  # resumes only where Linear fixes its output
    trace = propagate([L["Unflatten"](1, (5, 5)), L["LayerNorm"](7), L["Conv2d"](3, 4, 3)], Shape(2, 24))
    assert _where(trace) == [(0, "CNL005")]  # LayerNorm(7) and Conv2d(3, ...) are silent
    assert trace.steps[1].out_shape.is_unknown
    assert trace.steps[0].stopped


def test_unknown_layer_stops_then_checks_resume() -> None:
    layers = [L["Linear"](10, 20), unknown_layer("MyBlock"), L["Linear"](30, 5), L["ReLU"](), L["Linear"](6, 2)]
    trace = propagate(layers, Shape(1, 10))
    assert _where(trace) == [(1, "CNL100"), (4, "CNL001")]
    assert trace.steps[4].findings[0].fix == ArgFix("in_features", 5)
    assert not trace.complete
    assert trace.steps[1].params is UNKNOWN


# ---- symbols, containers, totals --------------------------------------------


def test_symbols_are_carried_through() -> None:
    layers = [
        L["Conv2d"](3, 8, 3, padding=1),
        L["BatchNorm2d"](8),
        L["ReLU"](),
        L["MaxPool2d"](2),
        L["Flatten"](),
        L["Linear"](8 * 4 * 4, 10),
        L["Softmax"](dim=1),
    ]
    trace = propagate(layers, Shape("B", 3, 8, 8))
    assert _codes(trace) == []
    assert trace.output == ("B", 10)


def test_nested_sequentials_sum_their_children() -> None:
    block = sequential(L["Linear"](4, 8), L["ReLU"](), L["Linear"](8, 2))
    trace = propagate([block, sequential(block)], Shape(3, 4))
    assert _codes(trace) == ["CNL001"]  # the second block receives 2 features
    assert trace.steps[0].params == (4 * 8 + 8) + (8 * 2 + 2)
    assert trace.steps[0].macs == 3 * 4 * 8 + 3 * 8 * 2


def test_flatten_linear_message_names_the_trail() -> None:
    trace = propagate([L["Flatten"](), L["Linear"](9216, 4096)], Shape(1, 256, 5, 5))
    (finding,) = trace.steps[1].findings
    assert finding.code == "CNL001"
    assert "in_features=9216" in finding.message and "6400" in finding.message and "256 x 5 x 5" in finding.message
    assert finding.fix == ArgFix("in_features", 6400)


def test_linear_on_a_4d_input_suggests_flatten_and_has_no_fix() -> None:
    (finding,) = propagate([L["Linear"](9216, 4096)], Shape(1, 256, 6, 5)).steps[0].findings
    assert finding.code == "CNL001" and "nn.Flatten()" in finding.message and finding.fix is None


@pytest.mark.parametrize(
    ("in_shape", "n_in", "n_out", "bias"),
    [((1, 9216), 9216, 4096, True), ((7, 3, 5), 5, 11, False), ((5,), 5, 2, True), ((2, 4, 6, 8), 8, 3, True)],
)
def test_linear_macs_are_half_of_flop_counter(in_shape: tuple[int, ...], n_in: int, n_out: int, bias: bool) -> None:
    torch = pytest.importorskip("torch")
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        torch.nn.Linear(n_in, n_out, bias=bias)(torch.zeros(in_shape))
    step = propagate([L["Linear"](n_in, n_out, bias=bias)], Shape(*in_shape)).steps[0]
    assert step.macs * 2 == counter.get_total_flops()


# ---- knowing less never produces a new error --------------------------------


def _weaker(shape: tuple[int, ...]) -> list[Shape]:
    """Less-known versions of a shape: a symbolic batch, an unknown last dim, open prefixes, nothing."""
    weak = [Shape.unknown()]
    if shape:
        weak += [Shape("B", *shape[1:]), Shape(*shape[:-1], UNKNOWN)]
    weak += [Shape(*shape[k:], open=True) for k in range(1, len(shape) + 1)]
    return weak


def _consistent(weak: Shape, full: Shape) -> bool:
    """Every int the weaker run still knows is the one the full run computed."""
    if weak.open:
        pairs = zip(reversed(weak.dims), reversed(full.dims))
        return len(weak.dims) <= len(full.dims) and all(w == f for w, f in pairs if isinstance(w, int))
    return len(weak.dims) == len(full.dims) and all(w == f for w, f in zip(weak.dims, full.dims) if isinstance(w, int))


def _all_strategies() -> dict:  # type: ignore[type-arg]
    import importlib
    import pkgutil
    from pathlib import Path

    import strategies

    found: dict = {}  # type: ignore[type-arg]
    for info in pkgutil.iter_modules([str(Path(strategies.__file__).parent)]):
        found.update(importlib.import_module(f"strategies.{info.name}").STRATEGIES)
    return found


_STRATEGIES = _all_strategies()


@pytest.mark.parametrize("name", sorted(_STRATEGIES))
def test_knowing_less_never_adds_an_error(name: str) -> None:
    """Monotonicity, the engine's no-false-positive rule: a layer that accepts a shape
    accepts every less-known version of it, and what it still computes agrees."""
    from hypothesis import HealthCheck, given, settings

    from cnnlint.shapes.spec import Layer, ShapeError, bind

    spec = CATALOGUE[name]

    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(_STRATEGIES[name])
    def check(case) -> None:  # type: ignore[no-untyped-def]
        kwargs, shape = case
        try:
            layer = Layer(spec, bind(spec, (), list(kwargs.items())))
        except ShapeError:
            return
        full = propagate([layer], Shape(*shape))
        if any(f.code != "CNL003" for _, f in full.findings):
            return
        for weak in _weaker(shape):
            trace = propagate([layer], weak)
            errors = [f for _, f in trace.findings if f.code not in ("CNL003", "CNL100")]
            assert not errors, f"{name}(**{kwargs}) accepts {shape} but not {weak}: {errors}"
            assert _consistent(trace.output, full.output), f"{name}: {weak} -> {trace.output} vs {full.output}"

    check()


def test_layers_inheriting_module_init_reject_arguments_like_torch():
    """torch shows (*args, **kwargs) for Sigmoid, but Module.__init__ raises; Identity really accepts them."""
    torch = pytest.importorskip("torch")
    from cnnlint.shapes.spec import ShapeError, bind

    for name in ("Sigmoid", "Tanh", "Softmax2d"):
        for args, kwargs in (((1,), {}), ((), {"foo": 1})):
            with pytest.raises(TypeError):
                getattr(torch.nn, name)(*args, **kwargs)
            with pytest.raises(ShapeError) as err:
                bind(CATALOGUE[name], args, list(kwargs.items()))
            assert err.value.finding.code == "CNL005"
    torch.nn.Identity(1, foo=2)
    assert bind(CATALOGUE["Identity"], (1,), [("foo", 2)]) == {}
