"""The checking process: the server sends it a buffer, it answers with diagnostics, then hover records.

Checks run here, not on the server's protocol loop: a document that makes the
checker slow (or crash) costs this process, which the server kills at the
document's time budget and starts again, while hover and diagnostics for
other documents go on. Messages are pickled, each preceded by its length
(4 bytes, big-endian), on stdin/stdout; the first message out says "ready"
once the checking pipeline is imported, so start-up never counts against a
document's budget. Every job gets two answers: the diagnostics as soon as the
check is done (the server publishes them at once), then the hover/inlay
records, which are off the latency path. The process ends at the end of its
input (the server died).

Tests use ``main`` as their hook: a script that patches the checker and then
calls ``main()`` stands in for the real worker.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import sys
import time
import traceback

from cnnlint.lsp.views import StepView

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, BinaryIO

_HEADER = struct.Struct(">I")
EDITOR_RANGES = 3  # models per document whose accepted input ranges are bisected on each check


def write_message(stream: BinaryIO, message: Any) -> None:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(body)) + body)
    stream.flush()


def read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_message(stream: BinaryIO) -> Any:
    header = read_exactly(stream, _HEADER.size)
    if header is None:
        raise EOFError
    body = read_exactly(stream, _HEADER.unpack(header)[0])
    if body is None:
        raise EOFError
    return pickle.loads(body)


def run_job(job: dict) -> tuple[dict, Any]:
    """One check: ``{"data", "filename", "enabled", "inputs"}`` -> (diagnostics and checked text, the result)."""
    from cnnlint import check

    started = time.perf_counter()
    enabled = frozenset(job["enabled"])
    options = check.CheckOptions(
        config_inputs=job["inputs"],
        is_enabled=enabled.__contains__,
        want_models=True,
        accepted_ranges=EDITOR_RANGES,  # input-free checking's accepted sizes in hover, for the first models
    )
    result = check.check_bytes(job["data"], job["filename"], options)
    answer = {
        "diagnostics": list(result.diagnostics),
        "text": result.text,
        "seconds": time.perf_counter() - started,
    }
    return answer, result


def step_views(result: Any) -> list[StepView]:
    """Plain records for hover and inlay hints, one per step that comes from a call in the source."""
    return [view for _, views in views_by_model(result) for view in views]


def views_by_model(result: Any) -> list[tuple[Any, list[StepView]]]:
    """``step_views`` with the model (``ModelResult``) each record comes from."""
    if not result.models:
        return []
    from cnnlint import source
    from cnnlint.lsp import forward_spans
    from cnnlint.shapes.dims import format_shape

    text = result.text
    index: forward_spans.Index | None = None

    def get_index() -> forward_spans.Index:
        nonlocal index
        if index is None:
            index = forward_spans.Index(source.parse_ast(text, result.filename), forward_spans.SourceRows(text))
        return index

    out: list[tuple[Any, list[StepView]]] = []
    for model in result.models:
        views: list[StepView] = []
        out.append((model, views))
        steps = model.trace.steps
        definition = model.model
        recorded = any(getattr(s, "call_span", None) is not None for s in steps)
        fallback: dict[int, Any] = {}
        if not recorded and definition.kind == "module":
            try:
                fallback = forward_spans.call_spans(get_index(), definition, steps)
            except Exception:  # noqa: BLE001 - hover falls back to constructor spans
                fallback = {}
        for number, step in enumerate(steps):
            origin = step.layer.origin
            span = getattr(origin, "span", None)
            def_span = (span.start, span.end) if span is not None else None
            recorded_span = getattr(step, "call_span", None)
            call = (recorded_span.start, recorded_span.end) if recorded_span is not None else fallback.get(number)
            if def_span is None and call is None:
                continue
            statement = get_index().statement_holding(call) if call is not None else None
            views.append(
                StepView(
                    model=getattr(definition, "name", "") or "",
                    has_input=definition.input is not None,
                    nested=bool(getattr(definition, "nested", False)),
                    type_name=getattr(step.layer, "type_name", None) or getattr(origin, "callee", "layer"),
                    in_text=None if step.in_shape.is_unknown else format_shape(step.in_shape),
                    out_text=None if step.out_shape.is_unknown else format_shape(step.out_shape),
                    out_full=shape_text(step.out_shape),
                    params=count(step.params),
                    macs=count(step.macs),
                    def_span=def_span,
                    call_span=call,
                    statement=statement,
                    accepts=_accepts(definition),
                )
            )
    return out


def _accepts(definition: Any) -> str | None:
    """Input-free checking's accepted sizes, for the hover of a model with no input."""
    found = getattr(definition, "accepts", None)
    return (found.words() or None) if found is not None else None


def shape_text(shape: Any) -> str | None:
    """A shape every dimension of which is known (an int or a symbol), or None."""
    if shape is None or getattr(shape, "open", True):
        return None
    dims = tuple(shape.dims)
    if not all((isinstance(d, int) and not isinstance(d, bool)) or isinstance(d, str) for d in dims):
        return None
    if len(dims) == 1:
        return f"({dims[0]},)"
    return "(" + ", ".join(str(d) for d in dims) + ")"


def count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


_WARM_MODULES = (
    "cnnlint.config",
    "cnnlint.rules",
    "cnnlint.check",
    "cnnlint.source",
    "cnnlint.interpret.models",
    "cnnlint.inputs",
    "cnnlint.build",
    "cnnlint.shapes.propagate",
    "cnnlint.shapes.catalogue",
)


MEMORY_LIMIT = 2 << 30  # bytes of address space: a hostile file gets a MemoryError, not the machine's memory


def _limit_memory() -> None:
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if soft == resource.RLIM_INFINITY or soft > MEMORY_LIMIT:
            limit = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform: the time budget still bounds a runaway check


def main() -> None:
    """Serve jobs until the input ends. Nothing but messages goes to the real stdout."""
    import importlib

    _limit_memory()
    channel_in = sys.stdin.buffer
    channel_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # a stray print must not corrupt the channel
    for name in _WARM_MODULES:
        with contextlib.suppress(Exception):  # a missing stage shows up in the first job's answer
            importlib.import_module(name)
    write_message(channel_out, {"ready": os.getpid()})
    from cnnlint.lsp.incremental import Incremental

    parts = Incremental(run_job, views_by_model)  # per document: re-check only the parts whose text changed
    while True:
        try:
            job = read_message(channel_in)
        except (EOFError, OSError):
            return
        later = None
        try:
            answer, later = parts.run(job)
        except Exception as exc:  # noqa: BLE001 - report, then go on with the next job
            parts.states.pop(job.get("filename"), None)
            answer = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
        _send(channel_out, answer)
        views: list[StepView] = []
        if later is not None and answer.get("text") is not None:
            try:
                views = later()
            except Exception:  # noqa: BLE001 - no hover rather than no server
                parts.states.pop(job.get("filename"), None)
                traceback.print_exc()
        _send(channel_out, {"views": views})


def _send(stream: BinaryIO, message: dict) -> None:
    try:
        write_message(stream, message)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        write_message(stream, {"error": f"cannot send the result: {exc}"})


if __name__ == "__main__":
    main()
