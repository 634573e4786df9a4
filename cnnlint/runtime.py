"""``--runtime``: check the static trace against torch itself, on the meta device.

Each model cnnlint extracted is rebuilt from its layers' constructor
expressions as written (never by importing or running the user's file) and
run layer by layer on a meta tensor of the declared input, following the same
chain as the static trace. Where the two disagree, a CNL007 at the layer:

- torch raised where the static pass saw no error (a constructor always; a
  forward only where the static pass knew the layer's input);
- torch produced a shape other than the static one.

Each layer is judged alone: when a layer's torch input differs from what the
static pass says it receives (an earlier disagreement), it is fed the static
input instead, so one wrong formula is reported once per layer it concerns and
does not cascade. Where both sides raise, only the static diagnostic shows.

Torch lives in a worker process (``runtime_worker.py``), started once, reused
for every model and file, and killed and restarted when a model exceeds its
time limit. This module never imports torch.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cnnlint.diagnostics import Diagnostic
from cnnlint.runtime_expr import Unsafe, plain, validate
from cnnlint.runtime_worker import read_frame, write_frame

if TYPE_CHECKING:
    from cnnlint.check import FileResult, ModelResult
    from cnnlint.model import LayerCall
    from cnnlint.shapes.dims import Shape
    from cnnlint.shapes.propagate import Step

WORKER_FILE = Path(__file__).with_name("runtime_worker.py")
STARTUP_TIMEOUT = 120.0  # importing torch on a cold disk

# Test hook: model name -> seconds the worker sleeps before checking it.
_test_delays: dict[str, float] = {}

# A step's runtime outcome, as runtime_shapes gives it: a shape, None (not run), or an error message.
Outcome = Any  # tuple[int, ...] | None | str


@dataclass
class ModelCheck:
    """The runtime check of one model."""

    results: list[Any]  # per trace step: None | ("shape", dims) | ("build", msg) | ("forward", msg)
    notes: list[tuple[Any, str]] = field(default_factory=list)  # (span, message) -> CNL100
    failure: str | None = None  # the whole model could not be checked (timeout, worker failure)
    symbols: tuple[str, ...] = ()  # symbolic input dims that ran as 1


# ---- the worker --------------------------------------------------------------


class WorkerError(Exception):
    pass


class WorkerStartError(WorkerError):
    """torch could not be loaded at all: not tried again in this run."""


class Worker:
    """One torch process; requests go one at a time."""

    def __init__(self) -> None:
        boot = (
            "import sys, runpy; "
            "sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
            f"runpy.run_path({str(WORKER_FILE)!r}, run_name='__main__')"
        )
        debug = os.environ.get("CNNLINT_RUNTIME_DEBUG")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", boot],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if debug else subprocess.DEVNULL,
            cwd=str(WORKER_FILE.parent),
        )
        self.answers: queue.Queue = queue.Queue()
        self.reader = threading.Thread(target=self._read, name="cnnlint-runtime-reader", daemon=True)
        self.reader.start()
        self.ready: bool | None = None
        self.error: str | None = None

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            try:
                message = read_frame(stream)
            except BaseException:  # noqa: BLE001 - EOF, a broken pipe, a bad message: the worker is gone
                self.answers.put(EOFError)
                return
            self.answers.put(message)

    def wait_ready(self) -> None:
        if self.ready:
            return
        if self.ready is False:
            raise WorkerStartError(self.error or "the torch worker did not start")
        try:
            message = self.answers.get(timeout=STARTUP_TIMEOUT)
        except queue.Empty:
            message = {"ready": False, "error": f"torch did not load within {STARTUP_TIMEOUT:g} s"}
        if message is EOFError:
            message = {"ready": False, "error": f"the torch worker exited ({self._exit_code()})"}
        self.ready = bool(message.get("ready"))
        if not self.ready:
            self.error = message.get("error") or "the torch worker did not start"
            self.kill()
            raise WorkerStartError(self.error)

    def request(self, payload: Mapping[str, Any], timeout: float) -> dict:
        """Send one model; raises TimeoutError (the worker is then killed) or WorkerError."""
        self.wait_ready()
        try:
            write_frame(self.proc.stdin, payload)  # type: ignore[arg-type]
        except (OSError, ValueError) as exc:
            self.kill()
            raise WorkerError(f"the torch worker is gone ({exc})") from None
        try:
            answer = self.answers.get(timeout=max(timeout, 0.001))
        except queue.Empty:
            self.kill()
            raise TimeoutError from None
        if answer is EOFError:
            self.kill()
            raise WorkerError(f"the torch worker exited ({self._exit_code()})")
        return answer

    def _exit_code(self) -> str:
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "still running"
        return f"exit status {code}"

    @property
    def alive(self) -> bool:
        return self.ready is not False and self.proc.poll() is None

    def kill(self) -> None:
        self.ready = False
        if self.proc.poll() is None:
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass

    def close(self) -> None:
        """Ask the worker to finish; kill it if it does not (at once if it is still loading torch)."""
        if self.ready is None and self.answers.empty():
            self.kill()  # started early and never asked: nothing to finish
            return
        if self.proc.poll() is None:
            try:
                write_frame(self.proc.stdin, None)  # type: ignore[arg-type]
                self.proc.stdin.close()  # type: ignore[union-attr]
                self.proc.wait(timeout=0.5)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                pass
        self.kill()


_lock = threading.RLock()
_worker: Worker | None = None
_broken: str | None = None  # why torch could not be loaded, once it failed


def start_worker() -> None:
    """Start the torch worker now, so that importing torch overlaps the static pass. Never blocks."""
    global _worker
    with _lock:
        if _broken is None and (_worker is None or not _worker.alive):
            _worker = Worker()


def _get_worker() -> Worker:
    if _broken is not None:
        raise WorkerStartError(_broken)
    start_worker()
    assert _worker is not None
    return _worker


@atexit.register
def shutdown() -> None:
    """Stop the worker (at exit, or from tests)."""
    global _worker
    with _lock:
        if _worker is not None:
            _worker.close()
            _worker = None


# ---- plans: what the worker is sent -------------------------------------------


def _static_dims(shape: Shape) -> tuple | None:
    """A shape the static pass fully knows, symbols run as 1; None otherwise."""
    from cnnlint.shapes.dims import is_known

    if shape.open:
        return None
    dims = []
    for d in shape.dims:
        if isinstance(d, str):
            dims.append(1)
        elif is_known(d):
            dims.append(d)
        else:
            return None
    return tuple(dims)


def _value(value: Any) -> Any:
    """A resolved argument as plain data for the worker; raises Unsafe when it is not."""
    from cnnlint.shapes.tensor_ops import SizeOf

    if isinstance(value, SizeOf):
        return {"size": value.index}
    if isinstance(value, tuple):
        return tuple(_value(v) for v in value)
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, (int, float, bool, str, type(None))):
        return value
    raise Unsafe("an argument is not a value cnnlint resolved")


def _op_args(call: LayerCall) -> tuple[list, dict]:
    from cnnlint.shapes.dims import UNKNOWN

    args = [_value(a.value) for a in call.args]
    kwargs = {}
    for a in call.kwargs:
        if a.keyword is None:
            raise Unsafe("it passes arguments with **")
        if a.value is UNKNOWN and a.keyword in ("training", "inplace"):
            continue  # does not change the shape
        kwargs[a.keyword] = _value(a.value)
    return args, kwargs


def _node(step: Step, aliases: Mapping[str, str], constants: Mapping[str, Any]) -> dict:
    """What the worker does at one step; a "stop" node carries the reason."""
    from cnnlint.build import FUNCTIONAL, IDENTITY_METHODS, TORCH_FUNCS
    from cnnlint.shapes.tensor_ops import factors

    layer = step.layer
    call = layer.origin
    node: dict[str, Any] = {"in": _static_dims(step.in_shape)}
    if layer.spec is not None and layer.spec.integer_input:
        node["integer_input"] = True
    if layer.children is not None:
        node.update(kind="seq", children=[])
        return node
    qualname = getattr(call, "qualname", None)
    try:
        if call is None or qualname is None:
            raise Unsafe(getattr(call, "reason", None) or "it is not a torch layer cnnlint knows")
        if getattr(call, "star", False):
            raise Unsafe("its arguments are given with * or **")
        if qualname.startswith("torch.nn.functional."):
            name = qualname.rsplit(".", 1)[1]
            if name not in FUNCTIONAL:
                raise Unsafe(f"{call.callee} is not an op cnnlint follows")
            args, kwargs = _op_args(call)
            node.update(kind="func", namespace="torch.nn.functional", name=name, args=args, kwargs=kwargs)
        elif qualname.startswith("torch.nn."):
            code = (call.code or "").strip()
            if not code:
                raise Unsafe("its source text is not available")
            validate(code, aliases, constants)
            node.update(kind="module", code=code)
        elif qualname.startswith("Tensor."):
            name = qualname[len("Tensor.") :]
            if name in IDENTITY_METHODS:
                node.update(kind="identity")
            elif name in ("view", "reshape", "flatten") or name in TORCH_FUNCS or name in FUNCTIONAL:
                args, kwargs = _op_args(call)
                if name in ("view", "reshape"):  # a symbolic size read from the input (x.size(0)) runs as 1
                    args = [factors(a)[0] if isinstance(a, str) else a for a in args]  # and "64*B" as 64
                node.update(kind="method", name=name, args=args, kwargs=kwargs)
            else:
                raise Unsafe(f"{call.callee} is not an op cnnlint follows")
        elif qualname in ("torch.flatten",) or (
            qualname.startswith("torch.") and qualname[len("torch.") :] in TORCH_FUNCS
        ):
            args, kwargs = _op_args(call)
            node.update(kind="func", namespace="torch", name=qualname[len("torch.") :], args=args, kwargs=kwargs)
        else:
            raise Unsafe(f"{call.callee} is not a torch layer cnnlint knows")
    except Unsafe as why:
        node.update(kind="stop", reason=str(why))
    return node


def _plan(mr: ModelResult) -> tuple[dict, list[tuple[Any, str]], tuple[str, ...]]:
    """The worker's request for one model, the CNL100 notes, the symbolic dims run as 1."""
    model = mr.model
    aliases = {k: v for k, v in (model.aliases or {}).items() if isinstance(v, str)}
    constants = {k: v for k, v in (model.constants or {}).items() if isinstance(k, str) and plain(v)}
    notes: list[tuple[Any, str]] = []
    roots: list[dict] = []
    stack: list[tuple[int, list[dict]]] = [(-1, roots)]
    for step in mr.trace.steps:
        node = _node(step, aliases, constants)
        while stack[-1][0] >= step.depth:
            stack.pop()
        stack[-1][1].append(node)
        if node["kind"] == "seq":
            stack.append((step.depth, node["children"]))
        if node["kind"] == "stop" and step.layer.spec is not None:
            span = getattr(step.layer.origin, "span", None) or model.span
            notes.append((span, f"runtime check skips this layer: {node['reason']}"))
    dims = tuple(model.input.dims) if model.input is not None else None
    symbols: tuple[str, ...] = ()
    if dims is not None:
        symbols = tuple(dict.fromkeys(d for d in dims if isinstance(d, str)))
        dims = tuple(1 if isinstance(d, str) else d for d in dims)
    first = _first_leaf(mr.trace.steps)
    request = {
        "op": "check",
        "aliases": aliases,
        "constants": constants,
        "input": dims,
        "integer_input": bool(first is not None and first.layer.spec is not None and first.layer.spec.integer_input),
        "nodes": roots,
    }
    delay = _test_delays.get(model.name)
    if delay:
        request["delay"] = delay
    return request, notes, symbols


def _first_leaf(steps: list[Step]) -> Step | None:
    for step in steps:
        if step.layer.children is None:
            return step
    return None


# ---- checking ----------------------------------------------------------------


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


def _runs_anything(nodes: list[dict]) -> bool:
    return any(n["kind"] != "stop" and (n["kind"] != "seq" or _runs_anything(n["children"])) for n in nodes)


def _ask(request: dict, timeout: float, check: ModelCheck) -> dict:
    """The worker's answer; on failure, sets ``check.failure`` and returns an empty answer."""
    global _broken
    with _lock:
        try:
            return _get_worker().request(request, timeout)
        except TimeoutError:
            check.failure = f"runtime check timed out after {timeout:g} s"
        except WorkerError as exc:
            if isinstance(exc, WorkerStartError):
                _broken = str(exc)
            check.failure = f"runtime check unavailable: {exc}"
            _warn_once(str(exc))
    return {}


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        print(f"cnnlint: --runtime: {message}", file=sys.stderr)


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
        for step, outcome in zip(mr.trace.steps, check.results):
            found = _disagreement(step, outcome, check.symbols)
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


# torch errors that say the meta device cannot run something, not that the model is wrong.
META_LIMITS = ("'Meta' backend", "meta tensor", "on the meta device", "device='meta'", 'device="meta"')


def _disagreement(step: Step, outcome: Any, symbols: tuple[str, ...]) -> tuple[str, str] | None:
    """(code, message) for one step: a CNL007 where torch and the static pass disagree; else None."""
    if outcome is None or step.layer.children is not None:
        return None
    static_error = any(_is_error(f.code) for f in step.findings)
    kind, value = outcome
    if kind in ("build", "forward") and any(limit in value for limit in META_LIMITS):
        return "CNL100", f"runtime check: torch cannot run this layer on the meta device ({value})"
    if kind == "build":
        if static_error:
            return None
        return "CNL007", f"torch rejects this layer, which cnnlint found no error in: {value}"
    modelled = step.layer.spec is not None and not step.stopped
    if static_error or not modelled or _static_dims(step.in_shape) is None:
        return None
    if kind == "forward":
        return "CNL007", f"torch raises here, where cnnlint found no error: {value}"
    static = step.out_shape
    if static.open:
        return None
    torch_dims = tuple(value)
    if _same(static, torch_dims):
        return None
    note = f" (with {', '.join(f'{s}=1' for s in symbols)})" if symbols else ""
    return "CNL007", f"output shape differs: static {_show(static)}, torch {_show_dims(torch_dims)}{note}"


def _is_error(code: str) -> bool:
    from cnnlint.rules import severity

    return code not in ("CNL007", "CNL998") and severity(code) == "error"


def _same(static: Shape, torch_dims: tuple) -> bool:
    from cnnlint.shapes.dims import is_known

    if len(static.dims) != len(torch_dims):
        return False
    return all(not is_known(s) or s == t for s, t in zip(static.dims, torch_dims))


def _show(shape: Shape) -> str:
    from cnnlint.shapes.dims import format_shape

    return format_shape(shape)


def _show_dims(dims: tuple) -> str:
    if len(dims) == 1:
        return f"({dims[0]},)"
    return "(" + ", ".join(str(d) for d in dims) + ")"
