"""``--output-format json``: a JSON array with ruff's field names.

Each item::

    {
      "code": "CNL001",
      "name": "linear-in-features",
      "message": "...",
      "severity": "error",
      "filename": "/abs/path/model.py",
      "location": {"row": 12, "column": 9},
      "end_location": {"row": 12, "column": 31},
      "fix": null | {"applicability": "safe", "message": "...",
                     "edits": [{"content": "...", "location": {...}, "end_location": {...}}]},
      "noqa_row": 12,
      "url": "https://...",
      "cell": null
    }

``cell`` is null for a Python file; for a notebook it is the 1-based cell
number (over all cells, markdown included) and ``location``,
``end_location``, the fix's edits and ``noqa_row`` are relative to that
cell, as ruff reports notebooks.

Rows and columns are 1-based; an end column is one past the last character.
``filename`` is absolute, as in ruff. Indented by 2, items sorted by file,
row and column.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence

from cnnlint import rules
from cnnlint.diagnostics import Diagnostic, Edit, Fix, Location
from cnnlint.report.common import absolute_path, severity, sort_diagnostics


def _location(loc: Location) -> dict:
    return {"row": loc.row, "column": loc.column}


def _edit(edit: Edit) -> dict:
    return {
        "content": edit.content,
        "location": _location(edit.location),
        "end_location": _location(edit.end_location),
    }


def _fix(fix: Fix | None) -> dict | None:
    if fix is None:
        return None
    return {"applicability": fix.applicability, "message": fix.message, "edits": [_edit(e) for e in fix.edits]}


def to_dict(diagnostic: Diagnostic, *, cwd: os.PathLike | str | None = None) -> dict:
    """One diagnostic as its JSON object (also what the LSP and tests can reuse)."""
    d = diagnostic
    rule = rules.RULES.get(d.code)
    return {
        "code": d.code,
        "name": rule.name if rule else None,
        "message": d.message,
        "severity": severity(d),
        "filename": absolute_path(d.filename, cwd),
        "location": _location(d.location),
        "end_location": _location(d.end_location),
        "fix": _fix(d.fix),
        "noqa_row": d.extra.get("noqa_row", d.location.row),
        "url": rule.url if rule else None,
        "cell": d.extra.get("cell"),
    }


def render(
    diagnostics: Iterable[Diagnostic],
    *,
    root: os.PathLike | str | None = None,
    cwd: os.PathLike | str | None = None,
    fixed: int | Sequence[Diagnostic] = 0,
) -> str:
    """The JSON array, newline-terminated (``[]`` when there is nothing)."""
    items = [to_dict(d, cwd=cwd) for d in sort_diagnostics(diagnostics)]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
