"""Tensors whose values are known: ``torch.linspace(0, drop_path_rate, depth)`` and what is read from it.

Model code computes per-block settings with tensors (timm's stochastic-depth
rates: ``[x.item() for x in torch.linspace(0, rate, n)]``) and picks layers by
them (``DropPath(p) if p > 0. else nn.Identity()``). A value is known only
where torch's result is exact whatever its kernel does: the ends of the range,
and every element when the range is empty (``start == end``, the default rate
of 0). Other elements are an ``Approx``: torch's float32 value lies in a known
interval (a few float32 ulps around the exact real), so ``p > 0.`` is decided
when the interval says so, and nothing is computed from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cnnlint.interpret import limits
from cnnlint.interpret.values import UNKNOWN, ListVal, Sym, TensorVal
from cnnlint.shapes.dims import Shape


@dataclass(frozen=True)
class Approx:
    """A float known only to lie in ``[lo, hi]``: comparisons decided by the interval, arithmetic unknown."""

    lo: float
    hi: float

    def compare(self, op: str, other: Any, swapped: bool = False) -> Any:
        """``self <op> other`` (``other <op> self`` when ``swapped``) for a plain number: True, False or UNKNOWN."""
        if not _number(other):
            return UNKNOWN
        if swapped:
            op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
        lo, hi, c = self.lo, self.hi, other
        decided = {
            ">": (lo > c, hi <= c),
            ">=": (lo >= c, hi < c),
            "<": (hi < c, lo >= c),
            "<=": (hi <= c, lo > c),
            "==": (False, c < lo or c > hi),
            "!=": (c < lo or c > hi, False),
        }.get(op)
        if decided is None:
            return UNKNOWN
        true, false = decided
        return True if true else (False if false else UNKNOWN)

    def truth(self) -> Any:
        return True if self.lo > 0 or self.hi < 0 else UNKNOWN


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, (bool, Sym))


def linspace(args: list[Any], kwargs: dict[str, Any]) -> TensorVal | None:
    """``torch.linspace(start, end, steps)`` (float32, the default dtype); None when not this call."""
    names = ("start", "end", "steps")
    bound = dict(zip(names, args))
    bound.update({k: v for k, v in kwargs.items() if k in names})
    steps = bound.get("steps")
    if not isinstance(steps, int) or isinstance(steps, (bool, Sym)) or not 0 <= steps <= limits.MAX_LOOP_ITERATIONS:
        return None
    start, end = bound.get("start"), bound.get("end")
    if not (_number(start) and _number(end)) or len(args) > 3 or kwargs.get("dtype") is not None:
        return TensorVal(Shape(steps))
    first, last = _float32(float(start)), _float32(float(end))
    values: list[Any] = [UNKNOWN] * steps
    tolerance = 8 * max(abs(first), abs(last)) * 2.0**-23
    low, high = min(first, last), max(first, last)
    for i in range(steps):
        if first == last or i == 0:
            values[i] = first
        elif i == steps - 1:
            values[i] = last
        else:
            exact = first + i * (last - first) / (steps - 1)
            values[i] = Approx(max(low, exact - tolerance), min(high, exact + tolerance))
    return TensorVal(Shape(steps), values=tuple(values))


def _float32(x: float) -> float:
    import struct

    try:
        return struct.unpack("f", struct.pack("f", x))[0]
    except OverflowError:
        return x


def iterate(t: TensorVal) -> list[Any] | None:
    """The rows of a 1-D tensor of known values (0-d tensors, each with its value)."""
    if t.values is None or t.shape.rank != 1:
        return None
    return [TensorVal(Shape(), values=(v,)) for v in t.values]


def method(t: TensorVal, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``item`` / ``tolist`` / ``split`` of a tensor of known values; NotImplemented for anything else."""
    values = t.values
    if values is None:
        return NotImplemented
    if name == "item" and not args and len(values) == 1:
        return values[0]
    if name == "tolist" and not args:
        return values[0] if t.shape.rank == 0 else ListVal(list(values))
    if name == "split" and t.shape.rank == 1 and len(args) == 1 and not kwargs:
        sizes = args[0]
        sizes = list(sizes.items) if isinstance(sizes, ListVal) and not sizes.uncertain else sizes
        if isinstance(sizes, (list, tuple)) and all(isinstance(s, int) and not isinstance(s, bool) for s in sizes):
            if sum(sizes) != len(values) or any(s < 0 for s in sizes):
                return NotImplemented  # torch raises: left to the shape ops
            out, at = [], 0
            for s in sizes:
                out.append(TensorVal(Shape(s), values=values[at : at + s]))
                at += s
            return tuple(out)
    return NotImplemented
