"""Size bounds for statically folded constants, as small pure helpers.

Folding ``round(1, -10**9)`` or ``((0,)*10**4,)*10**4`` exactly would take
minutes or gigabytes, and printing such a value in a message would print
megabytes. Every fold goes through these checks instead: a result over a
bound raises ``TooBig`` (the caller turns it into "unknown", never a
finding), and values in messages are shown cut to about 80 characters.

- ``MAX_INT_BITS``: the largest integer kept (4096 bits, ~1233 digits);
- ``MAX_ELEMENTS``: the largest constant kept, counting every element of
  every nested tuple/list and every character of every string, *logically*
  (``(A,)*10**4`` counts A's elements 10**4 times, as the program would);
- ``checked_*``: the arithmetic with those bounds checked *before* computing;
- ``element_count``: a nested constant's logical size, iteratively and with
  an early stop, so neither deep nesting nor sharing can blow it up;
- ``short_repr`` / ``shorten_message``: what a message may show.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "MAX_ELEMENTS",
    "MAX_INT_BITS",
    "MAX_ROUND_DIGITS",
    "TooBig",
    "checked_add",
    "checked_int",
    "checked_lshift",
    "checked_mul",
    "checked_pow",
    "checked_round",
    "checked_value",
    "element_count",
    "shorten_message",
    "short_repr",
]

MAX_INT_BITS = 4096
MAX_ELEMENTS = 100_000
#: ``round(x, n)`` with |n| above this is refused (CPython computes 10**|n| for an int x).
MAX_ROUND_DIGITS = 1300


class TooBig(ArithmeticError):
    """A folded value would exceed a bound; the caller treats the value as unknown."""


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def element_count(value: Any, limit: int = MAX_ELEMENTS) -> int:
    """Logical elements in ``value`` (tuple/list items, nested, plus string characters); ``limit + 1`` when over.

    Iterative and stops as soon as ``limit`` is passed: a shared or deeply
    nested value costs at most ``limit`` steps, never its logical size.
    """
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (tuple, list)):
            total += len(item)
            if total > limit:
                return limit + 1
            stack.extend(v for v in item if isinstance(v, (tuple, list, str)))
        elif isinstance(item, str):
            total += len(item)
        if total > limit:
            return limit + 1
    return total


def checked_int(v: Any) -> Any:
    """``v``, or ``TooBig`` for an int over ``MAX_INT_BITS``."""
    if _is_int(v) and v.bit_length() > MAX_INT_BITS:
        raise TooBig(f"an integer of {v.bit_length()} bits")
    return v


def checked_value(v: Any, limit: int = MAX_ELEMENTS) -> Any:
    """``v``, or ``TooBig`` when it holds more than ``limit`` elements or an oversized int."""
    checked_int(v)
    if isinstance(v, (tuple, list, str)) and element_count(v, limit) > limit:
        raise TooBig("a constant over the element bound")
    return v


def checked_pow(a: Any, b: Any) -> Any:
    """``a ** b`` for numbers, refusing results over the bounds before computing them."""
    if _is_int(a) and _is_int(b) and b > 0 and abs(a) > 1 and b * (abs(a).bit_length() - 1) > MAX_INT_BITS:
        raise TooBig("a power over the integer bound")
    if isinstance(a, float) and isinstance(b, (int, float)) and abs(b) > 1e6 and abs(a) > 1:
        raise TooBig("a float power that overflows")
    if _is_int(a) and _is_int(b) and b < 0 and abs(b) > MAX_INT_BITS and abs(a) > 1:
        raise TooBig("a negative power whose float is 0 after a long computation")
    result = a**b
    if isinstance(result, complex):
        raise TooBig("a complex result")
    return checked_int(result)


def checked_mul(a: Any, b: Any) -> Any:
    """``a * b`` for numbers and for sequence repetition (``(A,) * n``, counted logically)."""
    if _is_int(a) and _is_int(b):
        if a.bit_length() + b.bit_length() > MAX_INT_BITS + 1:
            raise TooBig("a product over the integer bound")
        return a * b
    if isinstance(a, (tuple, list, str)) and _is_int(b):
        if b <= 0:
            return a[:0]
        if b > MAX_ELEMENTS or element_count(a, MAX_ELEMENTS // b) * b > MAX_ELEMENTS:
            raise TooBig("a repetition over the element bound")
        return a * b
    if isinstance(b, (tuple, list, str)) and _is_int(a):
        return checked_mul(b, a)
    return a * b


def checked_add(a: Any, b: Any) -> Any:
    """``a + b``; concatenations are checked against the element bound."""
    if isinstance(a, (tuple, list, str)) and type(a) is type(b):
        if element_count(a) + element_count(b) > MAX_ELEMENTS:
            raise TooBig("a concatenation over the element bound")
        return a + b
    return checked_int(a + b)


def checked_lshift(a: Any, b: Any) -> Any:
    """``a << b`` for ints, refused over the integer bound."""
    if _is_int(a) and _is_int(b) and b >= 0 and a.bit_length() + b > MAX_INT_BITS:
        raise TooBig("a shift over the integer bound")
    return a << b


def checked_round(x: Any, ndigits: Any = None) -> Any:
    """``round(x[, ndigits])``; a huge ``ndigits`` (``round(1, -10**9)``) is refused, not computed."""
    if ndigits is None:
        if isinstance(x, float) and not math.isfinite(x):
            raise TooBig("round of a non-finite float")
        return round(x)
    if not _is_int(ndigits):
        raise TooBig("round with a non-int ndigits")
    if abs(ndigits) > MAX_ROUND_DIGITS:
        raise TooBig("round with too many digits")
    return round(x, ndigits)


# --------------------------------------------------------------------------- messages


def _pieces(value: Any) -> Iterator[str]:
    """``repr`` of a constant, piece by piece, without recursion (deep nesting is fine)."""
    stack: list[Any] = [iter((value,))]
    closers: list[str] = []
    while stack:
        top = stack[-1]
        try:
            item = next(top)
        except StopIteration:
            stack.pop()
            if closers:
                yield closers.pop()
            continue
        if isinstance(item, _Text):
            yield item.text
        elif isinstance(item, (tuple, list)):
            is_tuple = isinstance(item, tuple)
            yield "(" if is_tuple else "["
            closers.append((",)" if len(item) == 1 else ")") if is_tuple else "]")
            stack.append(_separated(item))
        elif isinstance(item, str):
            yield repr(item[:100]) + ("..." if len(item) > 100 else "")
        elif _is_int(item) and item.bit_length() > 256:
            yield f"<int of {item.bit_length()} bits>"
        else:
            yield repr(item)[:200]


class _Text:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


_COMMA = _Text(", ")


def _separated(items: Any) -> Iterator[Any]:
    for i, item in enumerate(items):
        if i:
            yield _COMMA
        yield item


def short_repr(value: Any, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters (ending in ``...``), built only as far as needed."""
    out: list[str] = []
    size = 0
    for piece in _pieces(value):
        out.append(piece)
        size += len(piece)
        if size > limit:
            return "".join(out)[: max(limit - 3, 1)] + "..."
    return "".join(out)


_OPEN = {"(": ")", "[": "]", "{": "}"}


def shorten_message(message: str, limit: int = 80, threshold: int = 300) -> str:
    """A message with every bracketed group or quoted string over ``limit`` characters cut to ``limit``.

    For messages written before ``short_repr`` existed: one linear scan, and
    messages under ``threshold`` characters are returned as they are.
    """
    if len(message) <= threshold:
        return message
    n = len(message)
    closing = [-1] * n  # matching bracket, or next same quote: one pass each, so the scan stays linear
    stack: list[int] = []
    for k, c in enumerate(message):
        if c in _OPEN:
            stack.append(k)
        elif c in ")]}" and stack:
            closing[stack.pop()] = k
    following = {"'": -1, '"': -1}
    for k in range(n - 1, -1, -1):
        c = message[k]
        if c in following:
            closing[k] = following[c]
            following[c] = k
    out: list[str] = []
    i = 0
    while i < n:
        c = message[i]
        end = closing[i]
        if end > i and end + 1 - i > limit:
            out.append(message[i : i + limit - 4] + "..." + message[end])
            i = end + 1
            continue
        run = i
        while run < n and message[run].isdigit():
            run += 1
        if run - i > limit:
            out.append(message[i : i + limit - 3] + "...")
            i = run
            continue
        out.append(c if run == i else message[i:run])
        i = max(run, i + 1)
    return "".join(out)
