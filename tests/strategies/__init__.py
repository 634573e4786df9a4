"""Hypothesis strategies per catalogue family, and the differential check they feed.

Each module ``tests/strategies/<family>.py`` exports ``STRATEGIES``: a dict
from torch class name to a strategy drawing ``(kwargs, in_shape)``. The
helpers below are shared by the family test files and by
``benchmarks/differential.py``.

``reference_outcome`` is ``oracle.torch_outcome`` (the meta device) except for
the few entries whose meta kernels are laxer than the real ones
(``META_IS_LAX``): those run on the CPU with a small zero-filled tensor, so the
engine is held to what users' code actually does.
"""

from __future__ import annotations

import warnings
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Where tests/oracle.py's meta-device run is not the real answer (torch 2.13):
# these run on the CPU with a small zero-filled tensor instead.
META_IS_LAX = {
    "Softmax": "meta softmax does not check dim's range",
    "Softmin": "meta softmax does not check dim's range",
    "CELU": "meta celu accepts alpha=0; CPU raises ZeroDivisionError",
    # meta convolution skips the kernel/stride/padding/dilation/output_padding
    # checks, the tuple-length checks, the empty-weight check and (transposed)
    # even the channel check; the CPU kernels make them all
    **{
        f"{lazy}Conv{transposed}{n}d": "meta convolution skips most argument checks"
        for lazy in ("", "Lazy")
        for transposed in ("", "Transpose")
        for n in (1, 2, 3)
    },
    "Upsample": "meta linear/bilinear/bicubic/trilinear interpolation accepts an output size of 0",
    "UpsamplingBilinear2d": "meta bilinear interpolation accepts an output size of 0",
    "Unfold": "meta im2col accepts a negative padding; the CPU kernel raises",
    "Fold": "meta col2im reads output_size=0 differently from the CPU kernel (both raise, another message)",
}
_CPU_NUMEL_LIMIT = 1 << 16


def _needs_own_run(name: str, kwargs: dict[str, Any]) -> str | None:
    """The device to run on ourselves, or None for oracle.torch_outcome."""
    if name in META_IS_LAX:
        return "cpu"
    if "BatchNorm" in name and "momentum" in kwargs and kwargs["momentum"] is None:
        # cumulative averaging calls .item() on a buffer, impossible on meta
        return "cpu"
    if name.startswith("Lazy"):
        # oracle.torch_outcome counts parameters before the first forward,
        # which raises on a Lazy module's UninitializedParameter
        return "meta"
    return None


def torch_run(name: str, kwargs: dict[str, Any], in_shape: tuple[int, ...], device: str):  # type: ignore[no-untyped-def]
    """Build ``torch.nn.<name>(**kwargs)`` on ``device`` and run it on a zero tensor of ``in_shape``."""
    import torch
    from oracle import Outcome

    from cnnlint.shapes.catalogue import CATALOGUE

    dtype = torch.long if CATALOGUE[name].integer_input else torch.float
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with torch.device(device):
                module = getattr(torch.nn, name)(**kwargs)
            x = torch.zeros(in_shape, dtype=dtype, device=device)
            out = module(x)
            if isinstance(out, tuple):
                out = out[0]
            params = sum(p.numel() for p in module.parameters())
            return Outcome(tuple(out.shape), params, None)
        except Exception as exc:  # torch raising is the answer
            return Outcome(None, None, f"{type(exc).__name__}: {exc}".splitlines()[0][:300])


def reference_outcome(name: str, kwargs: dict[str, Any], in_shape: tuple[int, ...]):  # type: ignore[no-untyped-def]
    """What torch does: oracle.torch_outcome, or our own run where that is not the real answer."""
    from oracle import torch_outcome

    device = _needs_own_run(name, kwargs)
    numel = 1
    for d in in_shape:
        numel *= d
    if device == "cpu" and numel > _CPU_NUMEL_LIMIT:
        device = "meta"
    if device is None:
        return torch_outcome(name, kwargs, in_shape)
    return torch_run(name, kwargs, in_shape, device)


def compare(name: str, kwargs: dict[str, Any], in_shape: tuple[int, ...]) -> tuple[bool, Any, Any]:
    """(agree, engine outcome, torch outcome), strictly.

    Strict: where torch raises, the engine must name an error code, not merely
    lose track of the shape ("unknown").
    """
    from oracle import agree, engine_outcome

    engine = engine_outcome(name, kwargs, in_shape)
    torch_ = reference_outcome(name, kwargs, in_shape)
    ok = agree(engine, torch_) and not (not torch_.ok and engine.error == "unknown")
    return ok, engine, torch_


def describe(name: str, kwargs: dict[str, Any], in_shape: tuple[int, ...], engine: Any, torch_: Any) -> str:
    return f"{name}(**{kwargs!r}) on {in_shape}:\n  engine: {engine}\n  torch:  {torch_}"


def run_differential(name: str, strategy: st.SearchStrategy, max_examples: int) -> None:
    """Draw ``max_examples`` configurations and assert the engine agrees with torch on each."""

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(strategy)
    def check(case: tuple[dict[str, Any], tuple[int, ...]]) -> None:
        kwargs, in_shape = case
        ok, engine, torch_ = compare(name, kwargs, in_shape)
        assert ok, describe(name, kwargs, in_shape, engine, torch_)

    check()


# ---- shared building blocks --------------------------------------------------

SIZE = st.integers(1, 7)  # tiny and odd sizes; 0 never reaches a layer (CNL004 fires first)


def mostly(value: Any, other: st.SearchStrategy, weight: int = 3) -> st.SearchStrategy:
    """``value`` about ``weight`` times in ``weight + 1``, otherwise a draw from ``other``.

    (``st.one_of`` does not pick its branches uniformly; ``sampled_from`` does.)
    """
    return st.sampled_from([True] * weight + [False]).flatmap(lambda keep: st.just(value) if keep else other)


@st.composite
def shapes(
    draw: st.DrawFn, rank: st.SearchStrategy | int, fixed: dict[int, Any] | None = None, size: st.SearchStrategy = SIZE
) -> tuple[int, ...]:
    """A shape of the drawn rank; ``fixed`` maps an index (negative from the end) to a size or strategy."""
    r = rank if isinstance(rank, int) else draw(rank)
    dims = [draw(size) for _ in range(r)]
    for index, value in (fixed or {}).items():
        if -r <= index < r:
            dims[index] = draw(value) if isinstance(value, st.SearchStrategy) else value
    return tuple(dims)


def near(value: int, low: int = 1, high: int = 9) -> st.SearchStrategy:
    """Mostly ``value``, sometimes a neighbour: mismatches at a good rate."""
    return mostly(value, st.integers(low, high), weight=2)


def probability(valid_rate: int = 8) -> st.SearchStrategy:
    """A dropout probability, outside [0, 1] about once in ``valid_rate + 1`` draws."""
    inside = st.one_of(st.sampled_from([0.0, 0.5, 1.0, 0, 1]), st.floats(0, 1))
    return mostly(None, st.sampled_from([-0.1, 1.5, 2, -1]), weight=valid_rate).flatmap(
        lambda p: inside if p is None else st.just(p)
    )


def kwargs_of(**fields: st.SearchStrategy) -> st.SearchStrategy:
    """A kwargs dict where each field is sometimes left out (torch's default applies)."""
    return st.fixed_dictionaries({}, optional=fields)


def all_strategies() -> dict[str, st.SearchStrategy]:
    """Every family's STRATEGIES, by torch class name (tests and benchmarks/differential.py share this)."""
    import importlib
    import pkgutil
    from pathlib import Path

    found: dict[str, st.SearchStrategy] = {}
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, strategy in getattr(module, "STRATEGIES", {}).items():
            if key in found:
                raise ValueError(f"{key} has strategies in two modules")
            found[key] = strategy
    return found


def run_layers(layers: list[str], shape: tuple | None):  # type: ignore[no-untyped-def]
    """Propagate layers written as notebook code (``"Conv2d(3, 8, 3)"``) through the engine."""
    from cnnlint import shapes
    from cnnlint.shapes import Shape, propagate
    from cnnlint.shapes.catalogue import CATALOGUE

    names = {name: getattr(shapes, name) for name in CATALOGUE}
    built = [eval(text, names) for text in layers]  # noqa: S307 - test-written layer code only
    return propagate(built, Shape(*shape) if shape is not None else None)
