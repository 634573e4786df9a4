"""What a run checked: each model's outcome, and the text report's closing count (issue 12, item 3).

"All checks passed!" alone reads as "my model is fine" even when most of it
was never followed; the text report's one-line total goes on to say how much
was (``runner.Run.report`` joins the two)::

    Found 1 error. Checked 12 models in 5 files (9 followed to the end, 2 without
    an input size, 1 stopped at an unknown layer; --show-info for where)

Each model lands in exactly one bucket, decided from its declared input and
its trace (``Step.stopped`` and the findings of the first stopped step):

- ``followed``: an input size was known and no step stopped;
- ``no_input``: no input size from any source (the channel-level checks still ran);
- ``stopped``: an input size was known, and following stopped at something it
  cannot follow (an unknown layer or call, an unresolved argument, a bound): a
  CNL100 step, or a stopped step without a finding;
- ``error``: an input size was known and an error ended following there (the
  error itself is reported above the line).

A record is a plain list (JSON for the result cache, pickled for ``--jobs``):
``[name, status, input source or None, the input's row or None]``.
"""

from __future__ import annotations

from collections.abc import Iterable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FOLLOWED, NO_INPUT, STOPPED, ERROR = "followed", "no_input", "stopped", "error"
STATUSES = (FOLLOWED, NO_INPUT, STOPPED, ERROR)
_WORDS = {
    FOLLOWED: "followed to the end",
    NO_INPUT: "without an input size",
    STOPPED: "stopped at an unknown layer",
    ERROR: "stopped at an error",
}


def status(model: Any, trace: Any) -> str:
    """The bucket of one model (see the module docstring)."""
    if getattr(model, "input", None) is None:
        return NO_INPUT
    first = next((s for s in trace.steps if s.stopped), None)
    if first is None:
        return FOLLOWED
    if not first.findings or any(f.code == "CNL100" for f in first.findings):
        return STOPPED
    return ERROR


def record(model: Any, trace: Any) -> list[Any]:
    """``[name, status, input source, input row]`` for ``FileResult.checked``."""
    decl = getattr(model, "input", None)
    source = decl.source if decl is not None else None
    row = decl.span.start.row if decl is not None and decl.span is not None else None
    return [model.name, status(model, trace), source, row]


def valid_record(item: Any) -> list[Any]:
    """A record read back from the cache, or TypeError/ValueError when it is not one we wrote."""
    name, state, source, row = item
    if not isinstance(name, str) or state not in STATUSES:
        raise ValueError("not a model record")
    if source is not None and not isinstance(source, str):
        raise TypeError("input source")
    if row is not None and (not isinstance(row, int) or isinstance(row, bool)):
        raise TypeError("input row")
    return [name, state, source, row]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def closing_line(records: Iterable[list[Any]], files: int, *, show_info: bool = False, not_analysed: int = 0) -> str:
    """``Checked 3 models in 2 files (2 followed to the end, 1 without an input size)``.

    ``not_analysed``: files written for a newer Python, read by nobody: said in the count too (issue 10).
    """
    counts = dict.fromkeys(STATUSES, 0)
    for item in records:
        counts[item[1]] += 1
    total = sum(counts.values())
    line = f"Checked {_count(total, 'model')} in {_count(files, 'file')}"
    parts = [f"{counts[s]} {_WORDS[s]}" for s in STATUSES if counts[s]]
    if not_analysed:
        parts.append(f"{_count(not_analysed, 'file')} not analysed: newer Python syntax")
    if not parts:
        return line
    hint = "; --show-info for where" if counts[STOPPED] and not show_info else ""
    return f"{line} ({', '.join(parts)}{hint})"
