"""Elementwise arithmetic of known-valued tensors, as torch's CPU kernels compute it, with error bounds.

Every element is a nominal value and an absolute bound on how far torch's own
result can be from it. ``+ - * /`` are correctly rounded IEEE operations: on
exact operands the nominal value (the exact result rounded to the dtype) *is*
torch's and the bound stays 0. ``log``, ``exp``, ``pow`` and even ``sqrt``
(``torch.sqrt(tensor([35.714287]))`` is one ulp below the correctly rounded
float32) are within an ulp or so of it (SLEEF or libm), so their bound is a
few ulps. Rounding ops (``round``, ``floor``,
``ceil``, integer casts) give an exact result only when the whole interval
``[v - e, v + e]`` rounds to one value; otherwise the value is unknown
(``None``). Integer results that leave their dtype's range are unknown too.
"""

from __future__ import annotations

import math
import struct

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

Elem = tuple[float | int | bool, float]  # (nominal value, absolute error bound)

INTS = {"int32": 31, "int64": 63}
FLOATS = ("float32", "float64")
_TRANSCENDENTAL_ULPS = 4


def f32(x: float) -> float | None:
    """x rounded to float32 (to nearest, ties to even), None when it is not finite there."""
    try:
        y = struct.unpack("f", struct.pack("f", x))[0]
    except (OverflowError, struct.error):
        return None
    return y if math.isfinite(y) else None


def to_dtype(x: float | int | bool, dtype: str) -> float | int | bool | None:
    """A Python number as an element of `dtype` (the C cast torch does), None when not exact or out of range."""
    if dtype == "bool":
        return bool(x)
    if dtype in INTS:
        if isinstance(x, float):
            if not math.isfinite(x):
                return None
            x = math.trunc(x)
        x = int(x)
        return x if -(2 ** INTS[dtype]) <= x < 2 ** INTS[dtype] else None
    if isinstance(x, int) and abs(x) > 2**53:
        return None  # int -> double -> float would round twice
    y = float(x)
    if dtype == "float32":
        return f32(y)
    return y if math.isfinite(y) else None


def ulp(x: float, dtype: str) -> float:
    _, e = math.frexp(abs(x))
    bits = 24 if dtype == "float32" else 53
    return math.ldexp(1.0, max(e - bits, -149 if dtype == "float32" else -1074))


def _finish(exact: float, spread: float, dtype: str, extra_ulps: int = 0) -> Elem | None:
    """The dtype's rounding of an exact result whose inputs were off by up to `spread`."""
    value = to_dtype(exact, dtype)
    if value is None or not math.isfinite(spread):
        return None
    if spread == 0 and extra_ulps == 0:
        return value, 0.0
    return value, spread + (1 + extra_ulps) * ulp(abs(value) + spread, dtype)


def arith(op: str, a: Elem, b: Elem, dtype: str) -> Elem | None:
    """``a op b`` for elements already cast to `dtype` (torch casts both operands to the result dtype first)."""
    (x, ex), (y, ey) = a, b
    if dtype in INTS or dtype == "bool":
        if ex or ey:
            return None
        return _int_arith(op, int(x), int(y), dtype)
    if op == "+":
        return _finish(x + y, ex + ey, dtype)
    if op == "-":
        return _finish(x - y, ex + ey, dtype)
    if op == "*":
        return _finish(x * y, abs(x) * ey + abs(y) * ex + ex * ey, dtype)
    if op == "/":
        if abs(y) <= ey or y == 0:
            return None
        spread = (abs(x) * ey + abs(y) * ex) / (abs(y) * (abs(y) - ey)) if ex or ey else 0.0
        return _finish(x / y, spread, dtype)
    return None


def _int_arith(op: str, x: int, y: int, dtype: str) -> Elem | None:
    if op == "+":
        r = x + y
    elif op == "-":
        r = x - y
    elif op == "*":
        r = x * y
    elif op == "//" and y != 0:
        r = x // y  # torch.floor_divide rounds toward -inf, as Python does
    elif op == "%" and y != 0:
        r = x % y  # torch.remainder takes the divisor's sign, as Python does
    else:
        return None
    if dtype == "bool":
        return None
    value = to_dtype(r, dtype)
    return (value, 0.0) if value is not None else None


def unary(name: str, a: Elem, dtype: str) -> Elem | None:
    """A float unary op (``log``, ``exp``, ``sqrt``, ``neg``, ``abs``) on a float element."""
    x, e = a
    if name == "neg":
        return -x, e
    if name == "abs":
        return abs(x), e
    if name == "sqrt":
        if x - e < 0:
            return None
        return _finish(math.sqrt(x), e / (2 * math.sqrt(x - e)) if e else 0.0, dtype, _TRANSCENDENTAL_ULPS)
    if name == "log":
        if x - e <= 0:
            return None
        return _finish(math.log(x), e / (x - e), dtype, _TRANSCENDENTAL_ULPS)
    if name == "exp":
        try:
            value = math.exp(x)
            return _finish(value, math.exp(x + e) - value, dtype, _TRANSCENDENTAL_ULPS)
        except OverflowError:
            return None
    return None


def power(a: Elem, b: Elem, dtype: str) -> Elem | None:
    """``a ** b`` on float elements (``torch.pow``), a positive base only."""
    (x, ex), (y, ey) = a, b
    if not ex and not ey and float(y).is_integer() and abs(y) <= 64 and x:
        from fractions import Fraction  # here: importing it (and decimal) costs every run ~4 ms

        # an exactly representable power (RegNet's 2.25 ** 1 * 80 / 8 = 22.5, a rounding tie) is exact:
        # SLEEF's and libm's powf are within one ulp, and a neighbour of the exact result is a whole ulp off
        exact = Fraction(x) ** int(y)
        value = to_dtype(float(exact), dtype) if abs(exact) < 2**120 else None
        if value is not None and Fraction(value) == exact:
            return value, 0.0
    if x - ex <= 0:
        return None
    try:
        value = x**y
        corners = [(x + dx) ** (y + dy) for dx in (-ex, ex) for dy in (-ey, ey)]  # pow is monotone in each
    except (OverflowError, ZeroDivisionError):
        return None
    if not isinstance(value, float) or not all(isinstance(c, float) for c in corners):
        return None
    return _finish(value, max(abs(c - value) for c in corners), dtype, _TRANSCENDENTAL_ULPS)


def int_power(a: Elem, b: Elem, dtype: str) -> Elem | None:
    """``a ** b`` on integers: torch raises on a negative exponent; a result out of range is unknown."""
    x, y = int(a[0]), int(b[0])
    if dtype == "bool" or y < 0 or (abs(x) > 1 and y > 64):
        return None
    value = to_dtype(x**y, dtype)
    return (value, 0.0) if value is not None else None


def rounding(name: str, a: Elem, dtype: str) -> Elem | None:
    """``round`` (half to even), ``floor``, ``ceil``, ``trunc``: exact only when the whole interval agrees."""
    fn: Callable[[float], float] = {"round": round, "floor": math.floor, "ceil": math.ceil, "trunc": math.trunc}[name]
    x, e = a
    if dtype in INTS or dtype == "bool":
        return a if not e else None
    lo, hi = fn(x - e), fn(x + e)
    if lo != hi:
        return None
    return float(lo), 0.0


def cast(a: Elem, source: str, dtype: str) -> Elem | None:
    """Element conversion (``.int()``, ``.float()``): truncation toward zero to ints, rounding to floats."""
    x, e = a
    if dtype == source:
        return a
    if dtype in INTS and source in FLOATS:
        lo, hi = to_dtype(x - e, dtype), to_dtype(x + e, dtype)
        return (lo, 0.0) if lo is not None and lo == hi else None
    if dtype == "bool":
        return (bool(x), 0.0) if not e or abs(x) > e else None
    if e and dtype in INTS:
        return None
    value = to_dtype(x, dtype)
    if value is None:
        return None
    return (value, 0.0) if not e else (value, e + ulp(abs(value) + e, dtype))
