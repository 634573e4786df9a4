"""``cnnlint summary``'s text: torchinfo's table per model, then the totals and the input.

The records come from ``summary`` (rows, totals); this module only writes them.
``render_summary`` picks the text here or the JSON of ``summary_json``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from cnnlint.report.common import display_path, one_line
from cnnlint.report.outputs import outputs_text
from cnnlint.report.summary import MACS_CONVENTION, FileSummary, LayerRow, ModelSummary, Total, summary_files
from cnnlint.shapes.dims import Shape, is_known

TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    from cnnlint.check import FileResult
    from cnnlint.diagnostics import Diagnostic

_INPUT_SOURCES = {
    "pragma": "from the pragma",
    "inferred": "inferred from the tensor built",
    "cli": "from --input",
    "config": "from pyproject.toml [tool.cnnlint.inputs]",
    "accepted": "the only size the model accepts: none was declared, input-free checking found it",
    "sequence": "none was declared: input-free checking follows the model at every sequence length T",
}


def format_dims(dims: Iterable[Any], open: bool = False) -> str:
    parts = [str(d) if is_known(d) or isinstance(d, str) else "?" for d in dims]
    if open:
        parts.insert(0, "...")
    return "[" + ", ".join(parts) + "]"


def format_shape(shape: Shape | None) -> str:
    """torchinfo's ``[1, 96, 55, 55]``; ``[..., 10]`` when leading dimensions are unknown; ``?`` for nothing."""
    if shape is None or shape.is_unknown:
        return "?"
    return format_dims(shape.dims, shape.open)


def format_count(value: Any) -> str:
    return f"{value:,}" if is_known(value) else "?"


def _input_words(m: ModelSummary) -> str:
    if m.input_dims is None:
        return "not declared"
    where = _INPUT_SOURCES.get(m.input_source or "", m.input_source or "declared")
    via, _, note = (m.input_via or "").partition("; ")  # "the timm config ...; batch 1 assumed"
    if via:
        where = f"inferred from {via}"
    if m.input_row is not None and m.input_source in ("pragma", "inferred"):
        where += f" on line {m.input_row}"
    suffix = f"; {note}" if note else ""
    others = "".join(f", {format_dims(o) if o is not None else '?'}" for o in m.input_others)
    if others:
        return f"{format_dims(m.input_dims)}{others} ({where.replace('tensor', 'tensors')}{suffix})"
    return f"{format_dims(m.input_dims)} ({where}{suffix})"


def _no_input_advice(m: ModelSummary, path: str) -> list[str]:
    statement = "class statement" if m.kind == "module" else "statement"
    dims = m.example_input
    return [
        "No input size was declared: output shapes and MACs are unknown; parameters need only the layers' arguments.",
        f"Declare it (your real size; this one is an example) with a comment on the line above the {statement}"
        f" on line {m.row}:",
        f"    # cnnlint: input=({', '.join(map(str, dims))})",
        f"or with --input {m.name}={','.join(map(str, dims))}, or in pyproject.toml under [tool.cnnlint.inputs]:",
        f'    "{path}::{m.name}" = [{", ".join(map(str, dims))}]',
    ]


def _rows_words(rows: Sequence[int]) -> str:
    if not rows:
        return ""
    shown = ", ".join(str(r) for r in rows[:3]) + (", ..." if len(rows) > 3 else "")
    return f"line {shown}" if len(rows) == 1 else f"lines {shown}"


def _total_words(total: Total, what: str, m: ModelSummary) -> str:
    if not total.partial:
        return f"{total.at_least:,}"
    layers = "layer" if total.unknown == 1 else "layers"
    if m.input_dims is None and what == "MACs":
        reason = "no input size declared"
    elif what == "MACs" and m.stopped_at is not None:
        reason = f"shape following stopped at line {m.stopped_at}"
    else:
        reason = _rows_words(total.unknown_rows) or "unknown"
        reason = f"{what} unknown at {reason}" if total.unknown_rows else f"{what} unknown"
    if total.at_least == 0:
        return f"unknown (partial: {total.unknown} {layers} unknown; {reason})"
    return f">= {total.at_least:,} (partial: {total.unknown} {layers} unknown; {reason})"


def _torch_cell(r: LayerRow) -> str:
    if r.torch is None:
        return "-"
    if isinstance(r.torch, str):
        return "raised"
    return "ok" if r.torch_agrees else format_dims(r.torch)


def _table(m: ModelSummary) -> list[str]:
    with_torch = m.runtime and m.runtime_failure is None
    head = ("Line", "Layer (type)", "Output Shape", *(("Torch",) if with_torch else ()), "Param #", "MACs")
    body = [
        (
            str(r.row) if r.row is not None else "",
            "  " * r.depth + r.label,
            format_shape(r.output_shape),
            *((_torch_cell(r),) if with_torch else ()),
            format_count(r.params),
            format_count(r.macs),
        )
        for r in m.layers
    ]
    n = len(head)
    widths = [max(len(c[i]) for c in [head, *body]) for i in range(n)]
    right = {0, n - 2, n - 1}  # the line number and the counts are right-aligned
    gap = "   "

    def line(cells: tuple[str, ...]) -> str:
        return gap.join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))
        ).rstrip()

    rule_width = sum(widths) + len(gap) * (n - 1)
    out = ["=" * rule_width, line(head), "=" * rule_width]
    for r, cells in zip(m.layers, body):
        out.append(line(cells))
        pad = " " * (widths[0] + len(gap) + 2 * r.depth)
        for note in r.notes:
            out.append(f"{pad}^ {note.code} ({note.severity}) {note.message}")
    if not m.layers:
        out.append("(no layers)")
    out.append("=" * rule_width)
    return out


def render_model_text(m: ModelSummary, *, cwd: os.PathLike | str | None = None) -> str:
    path = display_path(m.filename, cwd)
    kind = "nn.Sequential" if m.kind == "sequential" else "nn.Module"
    out = [f"{m.name} ({kind}) {path}:{m.row}"]
    if m.macs_per_sample:
        out.append(f"MACs are per sample ({m.input_dims[0]} = 1)")  # type: ignore[index]
    if m.runtime and m.runtime_failure is not None:
        out.append(f"Runtime check (torch, meta device): not done: {m.runtime_failure}")
    elif m.runtime:
        out.append(
            "Runtime check (torch, meta device): the Torch column is torch's output shape"
            " (ok: the same; -: not run); disagreements are shown in place as CNL007"
        )
    out.append(MACS_CONVENTION)
    out.extend(_table(m))
    out.append(f"Total params: {_total_words(m.params, 'parameters', m)}")
    out.append(f"Trainable params: {_total_words(m.params, 'parameters', m)}")
    out.append("Non-trainable params: 0")
    out.append(f"Total MACs: {_total_words(m.macs, 'MACs', m)}")
    if m.total_flops is not None:
        out.append(f"Total FLOPs: {m.total_flops:,} (2 x MACs)")
    else:
        out.append(
            "Total FLOPs: unknown (2 x MACs)"
            if m.macs.at_least == 0
            else f"Total FLOPs: >= {2 * m.macs.at_least:,} (2 x MACs, partial)"
        )
    out.append(f"Input shape{'s' if m.input_others else ''}: {_input_words(m)}")
    out.append(f"Output shape: {_output_text(m)}")
    if m.accepts:
        out.append(f"Input size: {m.accepts} (input-free checking, batch symbolic)")
    if m.input_dims is None:
        out.extend(_no_input_advice(m, path.replace(os.sep, "/")))
    elif m.stopped:
        where = f" at line {m.stopped_at}" if m.stopped_at is not None else ""
        out.append(f"Shape following stopped{where}: the shapes after it are unknown (?).")
    return "\n".join(out) + "\n"


def _output_text(m: ModelSummary) -> str:
    if m.outputs is None:
        return format_shape(m.output_shape)
    return outputs_text(m.outputs, format_shape)


def _diag_line(d: Diagnostic, cwd: os.PathLike | str | None) -> str:
    return f"{display_path(d.filename, cwd)}:{d.location.row}:{d.location.column}: {d.code} {one_line(d.message)}"


def render_text(files: Sequence[FileSummary], *, cwd: os.PathLike | str | None = None) -> str:
    blocks = []
    other = []
    for f in files:
        blocks.extend(render_model_text(m, cwd=cwd) for m in f.models)
        other.extend(_diag_line(d, cwd) for d in f.other)
    text = "\n".join(blocks)
    if other:
        text += ("\n" if text else "") + "\n".join(other) + "\n"
    if not any(f.models for f in files):
        text += "No models found.\n"
    return text


def render_summary(
    results: Iterable[FileResult],
    output_format: str = "text",
    *,
    runtime: bool = False,
    cwd: os.PathLike | str | None = None,
    depth: int | None = None,
) -> str:
    """``cnnlint summary``: ``results`` must have been checked with ``CheckOptions(want_models=True)``.

    ``depth`` (torchinfo's): rows nested deeper than this are left out; totals count every layer.
    """
    files = summary_files(results, runtime=runtime)
    if depth is not None:
        for f in files:
            for m in f.models:
                m.layers = [r for r in m.layers if r.depth < depth]
    if output_format == "json":
        from cnnlint.report.summary_json import render_json

        return render_json(files, cwd=cwd)
    if output_format == "text":
        return render_text(files, cwd=cwd)
    raise ValueError(f"summary has no {output_format!r} format (text or json)")


__all__ = ["format_count", "format_dims", "format_shape", "render_model_text", "render_summary", "render_text"]
