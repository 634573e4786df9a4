"""``--runtime``: check the static trace against torch itself, on the meta device.

Each model cnnlint extracted is rebuilt from its layers' constructor
expressions as written (never by importing or running the user's file) and
run layer by layer on a meta tensor of the declared input, following the same
chain as the static trace. Where the two disagree, a CNL007 at the layer:

- torch raised where the static pass saw no error (a constructor always; a
  forward only where the static pass knew the layer's input, also at a layer
  it does not follow, called there with that one tensor);
- torch produced a shape other than the static one.

Each layer is judged alone: when a layer's torch input differs from what the
static pass says it receives (an earlier disagreement), it is fed the static
input instead, so one wrong formula is reported once per layer it concerns and
does not cascade. Where both sides raise, only the static diagnostic shows.

Torch lives in a worker process (``runtime_worker.py``), started once, reused
for every model and file, and killed and restarted when a model exceeds its
time limit. This module never imports torch.

Here: the check of a model and the diagnostics it gives. What the worker is
sent is ``runtime_plan``, the worker's process ``runtime_client``, the judging
of one step ``runtime_compare``.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from cnnlint.diagnostics import Diagnostic
from cnnlint.records import dataclass, field
from cnnlint.runtime_client import _ask, shutdown, start_worker  # noqa: F401 - re-exported: tests and benchmarks
from cnnlint.runtime_compare import _disagreement, _is_error
from cnnlint.runtime_plan import _plan, _runs_anything

if TYPE_CHECKING:
    from cnnlint.check import FileResult, ModelResult

# A step's runtime outcome, as runtime_shapes gives it: a shape, None (not run), or an error message.
Outcome = Any  # tuple[int, ...] | None | str


@dataclass
class ModelCheck:
    """The runtime check of one model."""

    results: list[Any]  # per trace step: None | ("shape", dims) | ("build", msg) | ("forward", msg)
    notes: list[tuple[Any, str]] = field(default_factory=list)  # (span, message) -> CNL100
    failure: str | None = None  # the whole model could not be checked (timeout, worker failure)
    symbols: tuple[str, ...] = ()  # symbolic input dims that ran as 1


def check_model(mr: ModelResult, timeout: float = 10.0) -> ModelCheck:
    """Run one model through torch (cached on the ModelResult, so summary and check share it)."""
    cached = getattr(mr, "_cnnlint_runtime", None)
    if cached is not None:
        return cached
    request, notes, symbols = _plan(mr)
    steps = mr.trace.steps
    check = ModelCheck([None] * len(steps), notes, symbols=symbols)
    if not _runs_anything(request["nodes"]):
        answer: dict = {"results": [None] * len(steps)}  # nothing torch could build: no need to start it
    else:
        answer = _ask(request, timeout, check)
    if check.failure is None:
        if "error" in answer:
            check.failure = f"runtime check failed: {answer['error']}"
        else:
            results = list(answer.get("results", ()))
            if len(results) == len(steps):
                check.results = results
            else:
                check.failure = "runtime check failed: the worker answered for a different number of layers"
    with contextlib.suppress(AttributeError):
        mr._cnnlint_runtime = check  # type: ignore[attr-defined]
    return check


def runtime_shapes(model_result: ModelResult, timeout: float = 10.0) -> list[Outcome]:
    """Torch's output shape at each step of ``model_result.trace.steps``, for summary's runtime column.

    Each entry is a tuple of ints, None (not run: no input declared, a layer the
    check skips, or after torch raised), or a string: torch's error at that
    layer ("RuntimeError: ..."), or for every step, why the whole model could
    not be checked ("runtime check timed out after 10 s").
    """
    try:
        check = check_model(model_result, timeout)
    except Exception as exc:  # noqa: BLE001 - contained per model, as in runtime_diagnostics
        return [f"runtime check failed ({type(exc).__name__})"] * len(model_result.trace.steps)
    if check.failure is not None:
        return [check.failure] * len(check.results)
    shapes: list[Outcome] = []
    for result in check.results:
        if result is None:
            shapes.append(None)
        elif result[0] == "shape":
            shapes.append(tuple(result[1]))
        else:
            shapes.append(str(result[1]))
    return shapes


def runtime_diagnostics(result: FileResult, timeout: float = 10.0) -> list[Diagnostic]:
    """CNL007 where torch disagrees with the static trace, CNL100 where the check could not run."""
    filename = result.filename
    out: list[Diagnostic] = []
    seen: set[tuple] = set()

    def add(code: str, message: str, span: Any, **extra: Any) -> None:
        key = (code, span.start.row, span.start.column, message if code == "CNL100" else "")
        if key in seen:
            return
        seen.add(key)
        out.append(Diagnostic(code, message, filename, span.start, span.end, extra=extra))

    for mr in result.models:
        model = mr.model
        try:
            check = check_model(mr, timeout)
        except Exception as exc:  # noqa: BLE001 - one model's failure is that model's note, never the run's
            add("CNL100", f"runtime check failed for this model ({type(exc).__name__})", model.span)
            continue
        if check.failure is not None:
            add("CNL100", check.failure, model.span, runtime_failure=True)  # reported even without --show-info
            continue
        for span, message in check.notes:
            add("CNL100", message, span)
        if model.input is None:
            add("CNL100", "runtime check: no input size declared; the layers were built but not run", model.span)
        elif check.symbols:
            ran = ", ".join(f"{s}=1" for s in check.symbols)
            add("CNL100", f"runtime check ran the symbolic input dimensions as {ran}", model.span)
        stopped = False  # torch never runs past the first error: what it does with the layers after it is moot
        for step, outcome in zip(mr.trace.steps, check.results):
            found = (
                None
                if stopped and outcome is not None and outcome[0] != "build"
                else _disagreement(step, outcome, check.symbols)
            )
            stopped = stopped or any(_is_error(f.code) for f in step.findings)
            span = getattr(step.layer.origin, "span", None)
            if found is not None and span is not None:
                add(*found, span)
    text = result.text
    if text is not None:
        from cnnlint.check import _suppressed
        from cnnlint.source import split_lines

        lines = split_lines(text)
        out = [d for d in out if not _suppressed(d, lines)]
    return out
