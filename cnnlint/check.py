"""One file through every stage: decode, parse, interpret, declare, follow, diagnose.

Never raises: a file that cannot be read or parsed is one CNL999, a failure
inside cnnlint is one CNL998 for that file, and the run goes on.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import warnings
from collections.abc import Callable, Iterator

from cnnlint import rules
from cnnlint.diagnostics import Diagnostic, Fix, Location
from cnnlint.records import dataclass, field
from cnnlint.shapes.dims import Shape, is_known
from cnnlint.stackroom import call_with_room

TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    from cnnlint.model import LayerCall, ModelDef, Span
    from cnnlint.shapes.propagate import Trace
    from cnnlint.shapes.spec import ArgFix, Layer

ISSUES_URL = "https://github.com/cnnlint/cnnlint/issues"
NOT_ANALYSED = "not analysed:"  # how the CNL100 of a file written for a newer Python starts
_NEWER_MESSAGE = (
    f"{NOT_ANALYSED} this file uses syntax newer than the running Python {sys.version_info[0]}.{sys.version_info[1]}; "
    "run cnnlint with a newer Python to check it"
)


@dataclass
class ModelResult:
    model: ModelDef
    layers: list[Layer]
    trace: Trace
    params_total: Any = None  # the interpreter counts parameters from the module tree
    interpreted: bool = False
    per_sample: list[Any] | None = None  # MACs per step with a symbolic batch run as 1
    outputs: Any = None  # a model returning several tensors: their shapes, nested (tuple) or by key (dict)


@dataclass
class FileResult:
    filename: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    models: list[ModelResult] = field(default_factory=list)
    text: str | None = None
    failed: bool = False  # CNL998 or unreadable: the run exits 2
    internal_error: str | None = None  # the CNL998's exception ("KeyError: 'x'"), said on stderr too (SPEC §4)
    # Absolute paths of the other project files read to check this one: the result cache
    # checks the file again when any of them changes (or appears, if recorded while absent).
    dependencies: list[str] = field(default_factory=list)
    not_analysed: Diagnostic | None = None  # the CNL100 of a file written for a newer Python
    checked: list[list[Any]] = field(default_factory=list)  # per model: ``cnnlint.checked.record``
    module_work: int | None = None  # the interpreter's work on the module code; None: cut short (``lsp.incremental``)


@dataclass
class CheckOptions:
    cli_inputs: dict[str, tuple] = field(default_factory=dict)
    config_inputs: dict[str, tuple] = field(default_factory=dict)
    is_enabled: Callable[[str], bool] = lambda code: code != "CNL100"
    want_models: bool = False  # keep traces for summary / runtime / the language server
    # Input-free checking also bisects the accepted ranges (summary, hover); None: when models are wanted;
    # a number: for that many models of a file (about 50 forwards each: the editor caps it).
    accepted_ranges: bool | int | None = None


def check_bytes(data: bytes, filename: str, options: CheckOptions | None = None) -> FileResult:
    options = options or CheckOptions()
    result = FileResult(filename)
    try:
        with _no_cyclic_gc():
            call_with_room(_check, data, result, options)
    except RecursionError:
        result.diagnostics = [_file_diag(filename, "CNL999", "the file is nested too deeply to analyse", 1, 1)]
    except Exception as exc:  # noqa: BLE001 - containment is the point
        result.failed = True
        result.internal_error = f"{type(exc).__name__}: {str(exc)[:200]}"
        result.diagnostics = [
            _file_diag(
                filename,
                "CNL998",
                f"internal error while checking this file ({result.internal_error}); please report it at {ISSUES_URL}",
                1,
                1,
            )
        ]
    result.diagnostics = [
        d for d in result.diagnostics if options.is_enabled(d.code) or d.code == "CNL998" or d is result.not_analysed
    ]
    result.diagnostics.sort(key=lambda d: d.sort_key)
    _shorten_messages(result)
    return result


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """No cycle collection while one file is checked: a file's syntax tree is acyclic and freed by
    reference counting, and the collector's passes over a heap of a million nodes made a 100k-layer
    file take twice as long (quadratic in the file's size). It runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _shorten_messages(result: FileResult) -> None:
    """Values in messages are cut to ~80 characters: a 95-byte file never prints megabytes."""
    from cnnlint.bounds import shorten_message
    from cnnlint.records import replace

    result.diagnostics = [
        d if len(d.message) <= 300 else replace(d, message=shorten_message(d.message)) for d in result.diagnostics
    ]


def _file_diag(filename: str, code: str, message: str, row: int, column: int) -> Diagnostic:
    return Diagnostic(code, message, filename, Location(row, column), Location(row, column + 1))


def _check(data: bytes, result: FileResult, options: CheckOptions) -> None:
    from cnnlint import source

    filename = result.filename
    try:
        text = source.decode(data)
        result.text = text
    except source.SourceError as err:
        result.diagnostics.append(_file_diag(filename, "CNL999", err.message, err.row, err.column))
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings are not ours to print (nor errors under -W error)
            tree = source.check_syntax(text, filename)
    except source.SourceError as err:
        if not source.newer_syntax(text, err):
            result.diagnostics.append(_file_diag(filename, "CNL999", err.message, err.row, err.column))
        else:  # valid for a newer Python: say it was not analysed (shown even without --show-info)
            result.not_analysed = _file_diag(filename, "CNL100", _NEWER_MESSAGE, err.row, err.column)
            result.diagnostics.append(result.not_analysed)
        return
    if not source.may_define_model(data):
        return
    problem = _compile_error(tree, filename)
    if problem is not None:
        result.diagnostics.append(problem)
        return

    from cnnlint import checked
    from cnnlint.inputs import declare_inputs, pragma_rows
    from cnnlint.interpret.following import follow
    from cnnlint.interpret.models import find_models, infer_inputs

    wanted = frozenset(options.cli_inputs) | frozenset(options.config_inputs)
    interpreted = find_models(tree, text, filename, wanted, pragma_rows(tree, text))
    new_models = [c.model for c in interpreted.candidates]
    problems = []
    if "cnnlint" in text:  # SPEC §2 order: a pragma, then what the file feeds the model, then cli and config
        nodes = {id(c.model): c.cls.node for c in interpreted.candidates if c.cls is not None}
        built_at = {id(c.model): c.built_at for c in interpreted.candidates if c.built_at is not None}
        problems = declare_inputs(tree, text, new_models, nodes, built_at)
    infer_inputs(interpreted)
    _cli_and_config_inputs(new_models, options)
    interpreted.thorough = options.want_models if options.accepted_ranges is None else options.accepted_ranges
    interpreted.per_sample = options.want_models  # ``check`` reports no MACs: no second forward at batch 1
    follow(interpreted)
    result.dependencies = interpreted.dependencies
    result.module_work = interpreted.module_work
    for problem in problems:
        result.diagnostics.append(
            Diagnostic(problem.code, problem.message, filename, problem.span.start, problem.span.end)
        )
    for span, note in interpreted.notes:
        result.diagnostics.append(
            Diagnostic("CNL100", note, filename, span.start, Location(span.start.row, span.start.column + 1))
        )
    lines = source.split_lines(text)
    seen: set[tuple[str, int, int]] = set()

    def report(finding: Any, call: Any, layer: Any) -> None:
        if call is None or call.span is None:
            return
        key = (finding.code, call.span.start.row, call.span.start.column)
        if key in seen or getattr(call, "library", False) and rules.severity(finding.code) != "error":
            return  # (a warning about a library's own layer is not the user's to act on: its stride, say)
        seen.add(key)
        fix = _fix(finding.fix, call, layer, text) if finding.fix and layer is not None else None
        message = finding.message
        if getattr(call, "library", False) and finding.fix is not None:  # the library's arguments are not the user's
            message = message.replace(f"; set {finding.fix.param}={finding.fix.value}", "")
        message += getattr(call, "place", "")
        result.diagnostics.append(Diagnostic(finding.code, message, filename, call.span.start, call.span.end, fix))

    for model, trace, params, per_sample, outputs in interpreted.models:
        result.checked.append(checked.record(model, trace))
        if options.want_models:
            leaves = [s.layer for s in trace.steps if s.layer.children is None and s.layer.spec is not None]
            result.models.append(ModelResult(model, leaves, trace, params, True, per_sample, outputs))
        for step, finding in trace.findings:
            pointed = getattr(step, "pointers", {}).get(id(finding))  # the user's layer that caused it
            if pointed is not None:
                report(pointed[1], pointed[0], None)
            else:
                report(finding, step.layer.origin, step.layer)
    for call, finding in interpreted.construction:
        report(finding, call, getattr(call, "_layer", None))
    if interpreted.session is not None:
        for node, finding in interpreted.session.script_findings:  # the script's own lines (a loss call)
            span = interpreted.session.main.lines.span(node)
            result.diagnostics.append(Diagnostic(finding.code, finding.message, filename, span.start, span.end))
    result.diagnostics = [d for d in result.diagnostics if not _suppressed(d, lines)]


def _cli_and_config_inputs(models: list[Any], options: CheckOptions) -> None:
    """``--input NAME=...`` then ``[tool.cnnlint.inputs]``, for models no code fed (SPEC §2 order)."""
    from cnnlint.inputs import _dims
    from cnnlint.model import InputDecl

    for model in models:
        if model.input is not None:
            continue
        for source_name, table in (("cli", options.cli_inputs), ("config", options.config_inputs)):
            if table and model.name in table:
                try:
                    model.input = InputDecl(_dims(table[model.name]), source_name, None)
                except (TypeError, ValueError):
                    continue
                break


def _compile_error(tree: Any, filename: str) -> Diagnostic | None:
    """CNL999 for what Python rejects after parsing: ``f(a=1, a=2)``, ``return`` outside a function, ...

    ``check_syntax`` only parses; the symbol-table and code-generation passes of
    ``compile`` raise their own SyntaxErrors. Compiling builds a code object and
    never runs it. Only files that may define a model pay for it.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(tree, filename, "exec", dont_inherit=True)
    except SyntaxError as err:
        message = (err.msg or "invalid syntax").strip().splitlines()[0] if err.msg else "invalid syntax"
        return _file_diag(filename, "CNL999", message, max(1, err.lineno or 1), max(1, err.offset or 1))
    except (RecursionError, MemoryError, ValueError):
        return None  # too deep or too big to compile: the parse succeeded, the interpreter decides
    return None


def _fix(arg_fix: ArgFix, call: LayerCall, layer: Layer, text: str) -> Fix | None:
    """The edit that sets one constructor argument, where it is written in the call (safe or unsafe: ``fixes``)."""
    from cnnlint import fixes

    span = _arg_span(arg_fix.param, call, layer)
    if span is None or not is_known(arg_fix.value):
        return None
    arg_text = fixes.span_text(text, span.start, span.end)
    return fixes.make_fix(arg_fix.param, arg_fix.value, span.start, span.end, arg_text, arg_fix.factors)


def _arg_span(param: str, call: LayerCall, layer: Layer) -> Span | None:
    for arg in call.kwargs:
        if arg.keyword == param:
            return arg.span
    spec = layer.spec
    if spec is None or (call.qualname or "").startswith(("torch.nn.functional.", "Tensor.", "torch.flatten")):
        return None
    positional = [p.name for p in spec.call_params if not p.keyword_only and not p.name.startswith("*")]
    if param in positional:
        index = positional.index(param)
        if index < len(call.args):
            return call.args[index].span
    return None


def _suppressed(diag: Diagnostic, lines: list[str]) -> bool:
    from cnnlint.noqa import parse_noqa

    row = diag.location.row
    if not 0 < row <= len(lines):
        return False
    codes = parse_noqa(lines[row - 1])
    if codes is None:
        return False
    if isinstance(codes, (set, frozenset)):
        return diag.code in codes
    return True


def model_input_shape(model: Any) -> Shape | None:
    return Shape(*model.input.dims) if getattr(model, "input", None) is not None else None
