"""A float known only to lie in an interval: an inexact element of a known tensor read back into Python.

``torch.linspace(0, 0.1, 3)[1].item()`` is torch's float32 kernel's value,
known to a few ulps: enough to decide ``p > 0.``, never to compute with.
"""

from __future__ import annotations

from cnnlint.interpret.values import UNKNOWN, Sym
from cnnlint.records import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


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


ANY_FLOAT = Approx(-float("inf"), float("inf"))  # ``float(t)`` of a tensor: a Python float, its value unknown


def arith(op: str, a: Any, b: Any) -> Any:
    """``a op b`` with an ``Approx`` and a plain number: a float whose value is unknown (``ANY_FLOAT``).

    Python's ``+ - * /`` of a float and an int or float is a float (or raises, which is never reported);
    other operators (``**`` may be complex) are unknown.
    """
    if op in ("+", "-", "*", "/") and all(_number(v) or isinstance(v, Approx) for v in (a, b)):
        return ANY_FLOAT
    return UNKNOWN
