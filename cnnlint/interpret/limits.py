"""Bounds on interpretation: every loop, call depth and file's work is finite.

Hitting a bound makes the value unknown (and says so in CNL100), never a hang.
"""

from __future__ import annotations

MAX_CALL_DEPTH = 48  # nested function/method/forward calls
MAX_LOOP_ITERATIONS = 4096  # one loop unrolled at most this many times
MAX_WORK = 400_000  # evaluated nodes per model (and per file's module code: module_work)
MAX_INT_BITS = 4096  # a folded integer larger than this is unknown (int64 checks still see 10**100)
MAX_ELEMENTS = 100_000  # a built list/tuple/str longer than this is unknown
MAX_STR = 10_000
# A tuple, list, dict or string of more than CHARGED_FROM items costs one node of work per
# ELEMENTS_PER_NODE items each time an expression yields it (see Expressions.eval).
CHARGED_FROM = 1_000
ELEMENTS_PER_NODE = 100


def module_work(chars: int) -> int:
    """The work budget of a file's module code: at least MAX_WORK, and one node per character of the
    file, so straight-line code of any size (a 100k-layer ``nn.Sequential``, about five nodes a line)
    is interpreted in full while the work stays linear in the file's size."""
    return max(MAX_WORK, chars)


class BudgetExceeded(Exception):
    """The work budget ran out: the model is followed no further."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what
