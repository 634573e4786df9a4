"""Shared by the tensor-op tests (tests/test_shapes_ops*.py): torch against cnnlint.shapes.ops.

``same_as_torch`` runs an op both ways: torch (meta device unless told) and
the engine. Where torch raises, the engine must raise a ShapeError with one of
the op's codes (CNL005 when torch says a dim is out of range); where torch
succeeds, the engine must not raise and must give exactly torch's shape(s).

Then it runs the engine again on abstracted inputs: the tests build every
input with ``shape_of``, which (in those rounds) hides dims as UNKNOWN, turns
them into symbols (``"S3"`` for a 3: equal symbols are equal sizes) or drops
leading dims into an open shape. The engine may then know less, never
something else: it raises only where torch raises, and every dim it returns
is torch's.
``CNNLINT_EXAMPLES`` sets the examples per op (default 60).
"""

from __future__ import annotations

import os
import random
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnlint.shapes.dims import UNKNOWN, Shape
from cnnlint.shapes.spec import ShapeError

EXAMPLES = int(os.environ.get("CNNLINT_EXAMPLES", "60"))
TORCH_ERRORS = (RuntimeError, IndexError, ValueError, TypeError, AssertionError)


def meta(shape: Sequence[int], device: str = "meta", dtype: Any = None):  # type: ignore[no-untyped-def]
    import torch

    if device == "meta":
        return torch.empty(tuple(shape), device="meta", dtype=dtype)
    return torch.zeros(tuple(shape), device=device, dtype=dtype)


ABSTRACT_ROUNDS = 3
_ABSTRACT: list[random.Random | None] = [None]


def shape_of(dims: Sequence[int]) -> Shape:
    """``Shape(*dims)``, or an abstraction of it during the abstract rounds of ``same_as_torch``."""
    rng = _ABSTRACT[0]
    if rng is None:
        return Shape(*dims)
    out: list[Any] = [UNKNOWN if rng.random() < 0.25 else f"S{d}" if rng.random() < 0.25 else d for d in dims]
    if rng.random() < 0.3:
        return Shape(*out[rng.randint(0, len(out)) :], open=True)
    return Shape(*out)


def _fits(ours: Any, theirs: Any) -> bool:
    """Is the engine's abstract answer true of torch's concrete one?"""
    if ours is None:
        return True  # the number of pieces is not known
    if isinstance(ours, Shape):
        dims = ours.dims
        if len(theirs) < len(dims) or (not ours.open and len(theirs) != len(dims)):
            return False
        tail = theirs[len(theirs) - len(dims) :]
        return all(d is UNKNOWN or d == c or d == f"S{c}" for d, c in zip(dims, tail))
    return len(ours) == len(theirs) and all(_fits(o, t) for o, t in zip(ours, theirs))


def _abstract_rounds(what: str, engine: Callable[[], Any], theirs: Any, error: Exception | None) -> None:
    for round_ in range(ABSTRACT_ROUNDS):
        _ABSTRACT[0] = random.Random(f"{what}/{round_}")
        try:
            ours = engine()
        except ShapeError as err:
            assert error is not None, f"{what} on abstracted inputs: engine raises {err.finding}; torch gives {theirs}"
            continue
        finally:
            _ABSTRACT[0] = None
        if error is None:
            assert _fits(ours, theirs), f"{what} on abstracted inputs: engine {ours} does not fit torch's {theirs}"


def _plain(result: Any) -> Any:
    """Torch's answer as tuples (a Size, a list/tuple of tensors, None)."""
    if result is None:
        return None
    if hasattr(result, "shape"):
        return tuple(result.shape)
    if isinstance(result, (list, tuple)):
        return [_plain(r) for r in result]
    return tuple(result)


def _ours(result: Any) -> Any:
    if result is None:
        return None
    if isinstance(result, Shape):
        assert not result.open and result.fully_known, f"engine left {result} unknown for known inputs"
        return tuple(result.dims)
    return [_ours(r) for r in result]


def same_as_torch(
    what: str,
    engine: Callable[[], Any],
    reference: Callable[[], Any],
    codes: tuple[str, ...],
    range_is_cnl005: bool = True,
) -> None:
    """Assert the engine's answer is torch's (see the module docstring).

    ``range_is_cnl005=False`` where torch reports another fault as a dim out of
    range (``stack`` of unequal shapes unsqueezes each one before comparing).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            theirs, error = _plain(reference()), None
        except TORCH_ERRORS as exc:
            theirs, error = None, exc
    try:
        ours, code = engine(), None
    except ShapeError as err:
        ours, code = None, err.finding.code
    if error is not None:
        assert code is not None, f"{what}: torch raises {type(error).__name__}: {error}; engine gives {ours}"
        out_of_range = "out of range" in str(error) and "Dimension" in str(error)
        expected = ("CNL005",) if out_of_range and range_is_cnl005 else codes
        assert code in expected, f"{what}: engine {code}, expected one of {expected}; torch: {error}"
    else:
        assert code is None, f"{what}: engine raises {code}; torch gives {theirs}"
        assert _ours(ours) == theirs, f"{what}: engine {ours}, torch {theirs}"
    _abstract_rounds(what, engine, theirs, error)


def run(strategy: st.SearchStrategy, check: Callable[[Any], None], examples: int = EXAMPLES) -> None:
    """Draw ``examples`` cases from ``strategy`` and run ``check`` on each."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.large_base_example],
    )
    @given(strategy)
    def inner(case: Any) -> None:
        check(case)

    inner()


SIZE = st.integers(1, 5)
DIMS = st.lists(SIZE, min_size=0, max_size=4).map(tuple)


def dim_for(rank: int) -> st.SearchStrategy:
    """A dim argument, in range mostly, one beyond either end now and then."""
    span = max(rank, 1)
    return st.integers(-span - 1, span)


# Not a catalogue family: no layer strategies (tests/test_propagate.py reads every module's STRATEGIES).
STRATEGIES: dict[str, st.SearchStrategy] = {}
