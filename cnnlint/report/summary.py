"""``cnnlint summary``: per-layer output shapes, parameters and MACs, with totals.

Three stages kept apart (torchinfo's layer_info / model_statistics / formatting):

1. records: ``layer_rows(model_result, diagnostics)`` turns a trace into one
   ``LayerRow`` per step (containers before their children, as in the trace);
2. aggregation: ``summarize(model_result, ...)`` adds the totals into a
   ``ModelSummary``; ``summary_records(results)`` does it for a whole run;
3. rendering: ``summary_text`` (``render_summary``, the text table) and ``summary_json``.

Conventions (SPEC §4):

- Parameters are learnable parameters, ``sum(p.numel() for p in model.parameters())``:
  a module called twice in a ``forward`` is counted once; BatchNorm running
  statistics are buffers and are not counted. Trainable = total (nothing in
  the source says otherwise statically).
- MACs are the multiply-accumulates of convolutions, transposed convolutions,
  linear layers and matmuls, bias not counted: exactly half of what
  ``torch.utils.flop_counter.FlopCounterMode`` reports. FLOPs = 2 x MACs.
  Norms, pools, activations and bias additions count 0. A layer called twice
  counts its MACs twice.
- A total is never silently wrong: where a layer's count is unknown (shape
  following stopped, no input declared, an unresolved argument) the total is
  marked partial — ``>= N`` in text, ``null`` plus ``*_at_least`` in JSON.

Text shapes are written torchinfo's way, ``[1, 96, 55, 55]``; ``?`` is an
unknown dimension, ``[..., 10]`` a shape whose leading dimensions are unknown.
No torch, no libcst: this module only reads the engine's records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cnnlint import rules
from cnnlint.records import dataclass, field
from cnnlint.report.common import one_line
from cnnlint.report.suggested_input import accepted, example_input
from cnnlint.shapes.dims import Shape, is_known

TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    from cnnlint.check import FileResult, ModelResult
    from cnnlint.diagnostics import Diagnostic
    from cnnlint.shapes.propagate import Step

MACS_CONVENTION = (
    "MACs: multiply-accumulates of conv, transposed conv, linear and matmul layers, bias not counted; FLOPs = 2 x MACs"
)

# ---- 1. records ---------------------------------------------------------------------


@dataclass
class Note:
    """A diagnostic shown in place, under the row of the layer it concerns."""

    code: str
    severity: str
    message: str


@dataclass
class LayerRow:
    """One step of the trace, as the table shows it."""

    row: int | None  # 1-based source row of the layer's constructor (or op) call
    column: int | None
    depth: int
    type: str  # "Conv2d", "Sequential", "F.max_pool2d", "MyBlock" (an unknown layer: as written)
    name: str | None  # OrderedDict key or self attribute
    output_shape: Shape
    params: Any  # int or UNKNOWN (a container: the sum over its children)
    macs: Any
    container: bool = False
    stopped: bool = False
    key: str | None = None  # which module this is, for counting a shared module's parameters once
    notes: list[Note] = field(default_factory=list)
    torch: Any = None  # --runtime: torch's output dims (a tuple), its error (a str), or None (not run)

    @property
    def torch_agrees(self) -> bool:
        """True when torch ran this layer and gave exactly the static shape (a symbol ran as 1)."""
        dims = self.torch
        static = self.output_shape
        if not isinstance(dims, tuple) or static.open or len(static.dims) != len(dims):
            return False
        return all((s == t if is_known(s) else isinstance(s, str) and t == 1) for s, t in zip(static.dims, dims))

    @property
    def label(self) -> str:
        return f"{self.name} ({self.type})" if self.name and self.name != self.type else self.type


def _display_type(step: Step) -> str:
    layer = step.layer
    call = layer.origin
    callee = getattr(call, "callee", None)
    if layer.children is not None:
        # A module the interpreter called: its class (or container kind), as torchinfo shows it.
        return callee if callee and getattr(call, "qualname", "x") is None else "Sequential"
    if layer.spec is None:
        return callee or layer.note or "?"
    qualname = getattr(call, "qualname", None) or ""
    if callee and qualname and (qualname.startswith("torch.nn.functional.") or not qualname.startswith("torch.nn.")):
        return callee  # F.relu, torch.flatten, x.view: as written
    return getattr(layer, "display", None) or layer.spec.name  # ``Identity or ReLU`` (``layer_join``)


def _is_leaf(step: Step) -> bool:
    """A row whose counts go into the totals: a layer, or a container that could not be followed."""
    return step.layer.children is None or step.stopped


def layer_rows(
    model_result: ModelResult,
    diagnostics: Sequence[Diagnostic] = (),
    used: set[int] | None = None,
    traced: frozenset[int] = frozenset(),
) -> list[LayerRow]:
    """One ``LayerRow`` per trace step, with the file's diagnostics placed on their layer.

    ``diagnostics`` are the file's reported findings (already filtered by
    selection and noqa): a step's finding is shown when a diagnostic with
    its code sits at the layer's call. Where shape following stopped, the
    reason is shown whatever the selection (it explains the ``?`` below it).
    Diagnostics not found in the trace (``--runtime``'s CNL007) are shown
    on the first row of their layer, unless ``traced`` (ids) says some
    model's trace holds them: another model of the file that runs the same
    line is not where they were found. ``used`` collects the ids of the
    diagnostics placed.
    """
    used = used if used is not None else set()
    at: dict[tuple[int, int], list[Diagnostic]] = {}
    for d in diagnostics:
        at.setdefault((d.location.row, d.location.column), []).append(d)
    rows: list[LayerRow] = []
    path: list[str] = []  # module key of the enclosing container at each depth
    index: list[int] = []  # position within the enclosing container at each depth
    kind = getattr(model_result.model, "kind", "sequential")
    for step in model_result.trace.steps:
        call = step.layer.origin
        span = getattr(call, "span", None)
        row = span.start.row if span is not None else None
        column = span.start.column if span is not None else None
        name = getattr(call, "name", None)
        del path[step.depth :]
        del index[step.depth + 1 :]
        while len(index) <= step.depth:
            index.append(-1)
        index[step.depth] += 1
        own = name if name is not None else str(index[step.depth])
        if step.depth == 0 and kind == "module":
            # In a forward, an attribute is a module (called once or more); anything else is its own op.
            own = name if name is not None else f"#{index[0]}"
        key = ".".join([*path, own])
        path.append(own)
        out = LayerRow(
            row=row,
            column=column,
            depth=step.depth,
            type=_display_type(step),
            name=name,
            output_shape=step.out_shape,
            params=step.params,
            macs=step.macs,
            container=step.layer.children is not None,
            stopped=step.stopped,
            key=key,
        )
        here = at.get((row, column), []) if row is not None else []
        codes_here = {d.code for d in here}
        own_codes = {f.code for f in step.findings}
        for finding in step.findings:
            if finding.code in codes_here or step.stopped:
                out.notes.append(Note(finding.code, rules.severity(finding.code), one_line(finding.message)))
                used.update(id(d) for d in here if d.code == finding.code)
        for d in here:
            if d.code not in own_codes and id(d) not in used and id(d) not in traced:
                out.notes.append(Note(d.code, rules.severity(d.code), one_line(d.message)))
                used.add(id(d))
        if step.stopped and not out.notes:
            out.notes.append(Note("CNL100", "info", "shape following stops here"))
        rows.append(out)
    return rows


# ---- 2. aggregation -----------------------------------------------------------------


@dataclass
class Total:
    """A total over the layers: ``value`` is None when some layer's count is unknown."""

    at_least: int  # the sum of what is known
    unknown: int  # how many layers are unknown
    unknown_rows: tuple[int, ...] = ()  # the source rows of those layers (where known)

    @property
    def partial(self) -> bool:
        return self.unknown > 0

    @property
    def value(self) -> int | None:
        return None if self.partial else self.at_least


@dataclass
class ModelSummary:
    name: str
    filename: str
    row: int
    kind: str
    input_dims: tuple | None  # as declared: ints and symbols
    input_source: str | None  # "pragma", "inferred", "cli", "config"
    input_row: int | None
    output_shape: Shape | None
    layers: list[LayerRow]
    params: Total
    macs: Total
    stopped: bool  # shape following stopped somewhere (unknown layer, unresolvable argument, error)
    stopped_at: int | None  # the source row where it stopped first
    macs_per_sample: bool = False  # the batch dimension is a symbol: MACs are for a batch of 1
    runtime: bool = False
    runtime_failure: str | None = None  # --runtime could not check this model at all
    layer_count: int = 0
    example_input: tuple[int, ...] = (1, 3, 224, 224)  # suggested when no input is declared
    outputs: Any = None  # several outputs: their shapes, nested as returned (report/outputs.py)
    input_others: tuple = ()  # the forward's further inputs fed with the inferred one (dims or None)
    input_via: str | None = None  # an inferred input's source: "summary(...)", "the timm config ..."
    accepts: str | None = None  # input-free checking: "accepts H in 28..31, W in 28..31"
    accepted_ranges: list | None = None  # the same as [[28, 31], [28, 31]]

    @property
    def total_params(self) -> int | None:
        return self.params.value

    @property
    def trainable_params(self) -> int | None:
        return self.params.value

    @property
    def total_macs(self) -> int | None:
        return self.macs.value

    @property
    def total_flops(self) -> int | None:
        return None if self.macs.value is None else 2 * self.macs.value

    @property
    def partial(self) -> bool:
        return self.params.partial or self.macs.partial


def _total(items: Iterable[tuple[int | None, Any]]) -> Total:
    """Sum ``(row, count)`` pairs; an unknown count makes the total partial."""
    known, unknown, rows = 0, 0, []
    for row, v in items:
        if is_known(v):
            known += v
        else:
            unknown += 1
            if row is not None and row not in rows:
                rows.append(row)
    return Total(known, unknown, tuple(rows))


def _per_sample_macs(model_result: ModelResult) -> list[Any] | None:
    """MACs per step with a symbolic batch dimension set to 1, or None when that does not apply."""
    if getattr(model_result, "interpreted", False):
        return getattr(model_result, "per_sample", None)
    decl = getattr(model_result.model, "input", None)
    dims = tuple(decl.dims) if decl is not None else ()
    if not dims or not isinstance(dims[0], str) or not is_known(*dims[1:]):
        return None
    from cnnlint.shapes.propagate import propagate

    trace = propagate(model_result.layers, Shape(1, *dims[1:]))
    if len(trace.steps) != len(model_result.trace.steps):
        return None
    return [s.macs for s in trace.steps]


def _runtime(model_result: ModelResult, rows: list[LayerRow]) -> str | None:
    """Fill each row's torch outcome from the --runtime check (cached by the run); the model's failure, if any."""
    from cnnlint.runtime import check_model, runtime_shapes

    check = check_model(model_result)
    if check.failure is not None:
        return check.failure
    for row, outcome in zip(rows, runtime_shapes(model_result)):
        row.torch = outcome
    return None


def summarize(
    model_result: ModelResult,
    filename: str,
    diagnostics: Sequence[Diagnostic] = (),
    *,
    runtime: bool = False,
    used: set[int] | None = None,
    traced: frozenset[int] = frozenset(),
) -> ModelSummary:
    model = model_result.model
    rows = layer_rows(model_result, diagnostics, used, traced)
    per_sample = None
    if any(not r.container and not is_known(r.macs) for r in rows):
        per_sample = _per_sample_macs(model_result)
        if per_sample is not None:
            for r, macs in zip(rows, per_sample):
                r.macs = macs
    leaves = [(r, s) for r, s in zip(rows, model_result.trace.steps) if _is_leaf(s)]
    seen: dict[str, tuple[int | None, Any]] = {}
    for r, _ in leaves:  # a module called twice holds its parameters once
        if r.key not in seen or not is_known(seen[r.key][1]):
            seen[r.key] = (r.row, r.params)
    tree_params = getattr(model_result, "params_total", None)
    if tree_params is not None:  # counted from the module tree (what model.parameters() yields)
        seen = {str(i): part for i, part in enumerate(tree_params)}
    decl = getattr(model, "input", None)
    stopped = [r for r in rows if r.stopped]
    runtime_failure = _runtime(model_result, rows) if runtime else None
    output = model_result.trace.output
    return ModelSummary(
        name=model.name,
        filename=filename,
        row=model.span.start.row,
        kind=model.kind,
        input_dims=tuple(decl.dims) if decl is not None else None,
        input_source=decl.source if decl is not None else None,
        input_row=decl.span.start.row if decl is not None and decl.span is not None else None,
        output_shape=output,
        layers=rows,
        params=_total(seen.values()),
        macs=_total((r.row, r.macs) for r, _ in leaves),
        stopped=bool(stopped),
        stopped_at=next((r.row for r in stopped if r.row is not None), None),
        macs_per_sample=per_sample is not None,
        runtime=runtime,
        runtime_failure=runtime_failure,
        layer_count=len(leaves),
        input_via=getattr(decl, "via", None),
        outputs=getattr(model_result, "outputs", None) if rows else None,
        input_others=tuple(getattr(decl, "others", ())) if decl is not None else (),
        **{
            "example_input": example_input(model_result.layers) if decl is None else (),
            **accepted(model, model_result),
        },
    )


def _shown_models(file_result: FileResult) -> list[ModelResult]:
    """Every model found, except a Sequential that is already a part of a larger model shown."""
    models = list(file_result.models)
    if any(not m.model.nested for m in models):
        models = [m for m in models if not m.model.nested]
    return models


@dataclass
class FileSummary:
    filename: str
    models: list[ModelSummary]
    other: list[Diagnostic]  # diagnostics not shown on a layer (a syntax error, a bad pragma, …)


def _traced(result: FileResult) -> frozenset[int]:
    """Ids of the file's diagnostics that a model's trace holds (the same code where its step was called)."""
    found = set()
    for m in result.models:
        for step in m.trace.steps:
            span = getattr(step.layer.origin, "span", None)
            if span is not None:
                found.update((span.start.row, span.start.column, f.code) for f in step.findings)
    return frozenset(id(d) for d in result.diagnostics if (d.location.row, d.location.column, d.code) in found)


def summary_files(results: Iterable[FileResult], *, runtime: bool = False) -> list[FileSummary]:
    files = []
    for result in results:
        used: set[int] = set()
        traced = _traced(result)
        models = [
            summarize(m, result.filename, result.diagnostics, runtime=runtime, used=used, traced=traced)
            for m in _shown_models(result)
        ]
        other = [d for d in result.diagnostics if id(d) not in used]
        files.append(FileSummary(result.filename, models, other))
    return files


def summary_records(results: Iterable[FileResult], *, runtime: bool = False) -> list[ModelSummary]:
    """Every model of every file, with its rows and totals."""
    return [m for f in summary_files(results, runtime=runtime) for m in f.models]


# ---- 3. rendering -------------------------------------------------------------------


__all__ = [
    "MACS_CONVENTION",
    "FileSummary",
    "LayerRow",
    "ModelSummary",
    "Note",
    "Total",
    "example_input",
    "layer_rows",
    "summarize",
    "summary_files",
    "summary_records",
]
