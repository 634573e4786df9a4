"""Torch as the oracle: run one layer on the meta device, and the engine beside it.

Both sides answer with an ``Outcome`` so tests and benchmarks/differential.py
compare like with like.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from cnnlint.shapes import Shape, propagate
from cnnlint.shapes.catalogue import CATALOGUE
from cnnlint.shapes.spec import Layer, ShapeError, bind


@dataclass
class Outcome:
    shape: tuple[int, ...] | None  # None when it raised
    params: int | None
    error: str | None  # torch: exception text; engine: the CNL code
    warnings: tuple[str, ...] = ()  # engine only: CNL003 and friends

    @property
    def ok(self) -> bool:
        return self.error is None


def torch_outcome(name: str, kwargs: dict[str, Any], in_shape: tuple[int, ...]) -> Outcome:
    import torch

    cls = getattr(torch.nn, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with torch.device("meta"):
                module = cls(**kwargs)
            params = sum(p.numel() for p in module.parameters())
            if CATALOGUE[name].integer_input:
                x = torch.empty(in_shape, dtype=torch.long, device="meta")
            else:
                x = torch.empty(in_shape, device="meta")
            out = module(x)
            if isinstance(out, tuple):  # return_indices=True
                out = out[0]
            # Lazy modules materialise on the first forward.
            params = sum(p.numel() for p in module.parameters())
            return Outcome(tuple(out.shape), params, None)
        except Exception as exc:  # torch raising is the answer
            return Outcome(None, None, f"{type(exc).__name__}: {exc}".splitlines()[0][:300])


def engine_outcome(name: str, kwargs: dict[str, Any], in_shape: tuple[int, ...]) -> Outcome:
    spec = CATALOGUE[name]
    try:
        args = bind(spec, (), list(kwargs.items()))
    except ShapeError as err:
        return Outcome(None, None, err.finding.code)
    trace = propagate([Layer(spec, args)], Shape(*in_shape))
    step = trace.steps[0]
    errors = [f.code for f in step.findings if f.code not in ("CNL003", "CNL100")]
    warns = tuple(f.code for f in step.findings if f.code == "CNL003")
    if errors:
        return Outcome(None, None, errors[0], warns)
    out = step.out_shape
    if not out.fully_known:
        return Outcome(None, None, "unknown", warns)
    params = step.params if isinstance(step.params, int) else None
    return Outcome(tuple(out.dims), params, None, warns)  # type: ignore[arg-type]


def agree(engine: Outcome, torch_: Outcome) -> bool:
    """Same shape and parameter count, or both raise."""
    if engine.ok != torch_.ok:
        return False
    if not engine.ok:
        return True
    return engine.shape == torch_.shape and engine.params == torch_.params
