"""Ranges whose elements are known: ``torch.arange``, ``torch.linspace``, ``numpy.linspace``.

Split from ``tensor_values.py`` (the known tensors these make): how each call binds its bounds as torch or
NumPy does (``arange(start=0, end=half)``, ``arange(0, end=8)``), where torch refuses them (a zero step,
one of the wrong sign), and each element as the library computes it.
"""

from __future__ import annotations

import math

from cnnlint.interpret import known_math as km
from cnnlint.interpret import limits
from cnnlint.interpret.tensor_values import MAX_ELEMENTS, KnownTensor, _number, make
from cnnlint.interpret.values import Sym, TensorVal
from cnnlint.shapes.dims import Shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def np_linspace(args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``np.linspace(start, stop, num)`` as NumPy computes it in float64: ``i * step + start``, the last ``stop``."""
    bound = dict(zip(("start", "stop", "num", "endpoint"), args))
    bound.update(kwargs)
    start, stop, num, endpoint = (bound.get(k) for k in ("start", "stop", "num", "endpoint"))
    num = 50 if num is None else num
    endpoint = True if endpoint is None else endpoint
    if set(bound) - {"start", "stop", "num", "endpoint"} or not (_number(start) and _number(stop)):
        return NotImplemented
    if isinstance(start, bool) or isinstance(stop, bool) or not isinstance(endpoint, bool):
        return NotImplemented
    if not isinstance(num, int) or isinstance(num, bool) or not 0 <= num <= MAX_ELEMENTS:
        return NotImplemented
    div = num - 1 if endpoint else num
    delta = float(stop) - float(start)
    if div <= 0:
        values = [float(i) * delta + start for i in range(num)]
    elif delta / div == 0:
        values = [float(i) / div * delta + start for i in range(num)]
    else:
        values = [float(i) * (delta / div) + start for i in range(num)]
    if endpoint and num > 1:
        values[-1] = float(stop)
    if not all(math.isfinite(v) for v in values):
        return NotImplemented
    return KnownTensor(Shape(num), dims=(num,), dtype="float64", values=values, numpy=True)


def arange_valid(bounds: list[int]) -> bool:
    """Whether torch takes these integer bounds: a step not 0, and of the sign of ``end - start`` (torch raises
    "upper bound and larger bound inconsistent with step sign" where Python's ``range`` is empty)."""
    start, end, step = (0, bounds[0], 1) if len(bounds) == 1 else (*bounds, 1)[:3]
    return step != 0 and (end - start) * step >= 0


def arange_bounds(args: list[Any], kwargs: dict[str, Any]) -> list[Any] | None:
    """``torch.arange``'s bounds as its positional form (``[end]``, ``[start, end]`` or ``[start, end, step]``),
    however given: ``arange(end=8)``, ``arange(start=0, end=8)``, ``arange(0, end=8)``, ``arange(0, 8, step=2)``;
    None for a form torch refuses or that is not read (``arange(8, start=0)``)."""
    named = {k: kwargs[k] for k in ("start", "end", "step") if k in kwargs}
    if not named:
        return list(args)
    if not args and "end" in named and ("start" in named or "step" not in named):  # (a step needs a start)
        start, end = named.get("start", 0), named["end"]
    elif len(args) == 1 and "end" in named and "start" not in named:
        start, end = args[0], named["end"]
    elif len(args) == 2 and set(named) == {"step"}:
        start, end = args
    else:
        return None
    return [start, end, named.get("step", 1)]


def arange(args: list[Any], dtype: str | None) -> Any:
    if not 1 <= len(args) <= 3 or not all(isinstance(a, int) and not isinstance(a, bool) for a in args):
        return NotImplemented
    if not arange_valid(args):
        return NotImplemented  # torch raises
    r = range(*args)
    if len(r) > MAX_ELEMENTS:
        return NotImplemented
    dtype = dtype or "int64"
    elems = [km.to_dtype(i, dtype) for i in r]
    return make((len(r),), dtype, [(x, 0.0) if x is not None else None for x in elems])


def linspace(args: list[Any], kwargs: dict[str, Any]) -> TensorVal | None:
    """``torch.linspace(start, end, steps)`` (float32); None when not this call.

    The ends are exact whatever the kernel does, and every element when
    ``start == end`` (timm's default rate of 0); an element inside the range
    is the exact real within a few float32 ulps (torch's kernel steps from
    either end).
    """
    names = ("start", "end", "steps")
    bound = dict(zip(names, args))
    bound.update({k: v for k, v in kwargs.items() if k in names})
    steps = bound.get("steps")
    if not isinstance(steps, int) or isinstance(steps, (bool, Sym)) or not 0 <= steps <= limits.MAX_LOOP_ITERATIONS:
        return None
    start, end = bound.get("start"), bound.get("end")
    plain = _number(start) and _number(end) and not isinstance(start, bool) and not isinstance(end, bool)
    first, last = (km.f32(float(start)), km.f32(float(end))) if plain else (None, None)
    if first is None or last is None or len(args) > 3 or kwargs.get("dtype") is not None or steps > MAX_ELEMENTS:
        return TensorVal(Shape(steps))
    tolerance = 8 * max(abs(first), abs(last)) * 2.0**-23
    elems: list[km.Elem | None] = []
    for i in range(steps):
        if first == last or i == 0:
            elems.append((first, 0.0))
        elif i == steps - 1:
            elems.append((last, 0.0))
        else:
            exact = first + i * (last - first) / (steps - 1)
            nominal = km.f32(exact)
            elems.append((nominal, tolerance + abs(exact - nominal)) if nominal is not None else None)
    return make((steps,), "float32", elems)
