"""``cnnlint summary --output-format json``: the SPEC §4 record of each model (keys are added, never renamed)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence

from cnnlint.report.common import absolute_path
from cnnlint.report.outputs import outputs_json
from cnnlint.shapes.dims import Shape, is_known

TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    from cnnlint.report.summary import FileSummary, LayerRow, ModelSummary


def _json_dims(dims: Iterable[Any]) -> list:
    return [d if is_known(d) or isinstance(d, str) else None for d in dims]


def _json_shape(shape: Shape | None) -> list | None:
    """A list of ints, symbols and nulls (unknown dimensions); null when the rank is unknown."""
    if shape is None or shape.open:
        return None
    return _json_dims(shape.dims)


def _json_count(value: Any) -> int | None:
    return value if is_known(value) else None


def _json_runtime(r: LayerRow) -> dict:
    return {
        "runtime_output_shape": list(r.torch) if isinstance(r.torch, tuple) else None,
        "runtime_error": r.torch if isinstance(r.torch, str) else None,
    }


def model_to_dict(m: ModelSummary, *, cwd: os.PathLike | str | None = None) -> dict:
    return {
        "name": m.name,
        "filename": absolute_path(m.filename, cwd),
        "row": m.row,
        "kind": m.kind,
        "input_shape": _json_dims(m.input_dims) if m.input_dims is not None else None,
        "input_source": m.input_source,
        "input_shapes": None
        if m.input_dims is None
        else [_json_dims(d) if d is not None else None for d in (m.input_dims, *m.input_others)],
        "input_from": m.input_via,  # the call or configuration an inferred input was read from
        "input_row": m.input_row,
        "output_shape": _json_shape(m.output_shape) if m.outputs is None else outputs_json(m.outputs, _json_shape),
        "layers": [
            {
                "row": r.row,
                "type": r.type,
                "name": r.name,
                "depth": r.depth,
                "container": r.container,
                "output_shape": _json_shape(r.output_shape),
                "params": _json_count(r.params),
                "macs": _json_count(r.macs),
                "stopped": r.stopped,
                **(_json_runtime(r) if m.runtime else {}),
                "diagnostics": [{"code": n.code, "severity": n.severity, "message": n.message} for n in r.notes],
            }
            for r in m.layers
        ],
        "total_params": m.total_params,
        "trainable_params": m.trainable_params,
        "total_macs": m.total_macs,
        "total_flops": m.total_flops,
        "total_params_at_least": m.params.at_least,
        "total_macs_at_least": m.macs.at_least,
        "partial": m.partial,
        "macs_per_sample": m.macs_per_sample,
        "stopped_at_row": m.stopped_at,
        "runtime": m.runtime,
        "accepted_input": m.accepted_ranges,
        **({"runtime_failure": m.runtime_failure} if m.runtime else {}),
    }


def render_json(files: Sequence[FileSummary], *, cwd: os.PathLike | str | None = None) -> str:
    from cnnlint.report.json_format import to_dict

    data = {
        "models": [model_to_dict(m, cwd=cwd) for f in files for m in f.models],
        "diagnostics": [to_dict(d, cwd=cwd) for f in files for d in f.other],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
