"""``--output-format github``: GitHub Actions workflow commands, one per finding.

::

    ::error file=model.py,line=12,col=9,endLine=12,endColumn=31,title=cnnlint (CNL001)::message

``::warning`` for warnings, ``::notice`` for info. A notebook's finding is
located where the ``.ipynb`` file holds it (the rows and columns of its JSON
text, ``notebook.Notebook.json_position``), and its cell position leads the
message (``::cell 3:5:5: ...``). Escaping follows the
Actions runner (``@actions/core``'s ``escapeData`` / ``escapeProperty``):
``%``, ``\\r`` and ``\\n`` become ``%25``, ``%0D`` and ``%0A`` everywhere,
and in property values ``:`` and ``,`` also become ``%3A`` and ``%2C``.
Paths are relative to the current directory (the workspace in Actions)
when the file is under it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from cnnlint.diagnostics import Diagnostic
from cnnlint.report.common import (
    GITHUB_COMMAND,
    display_path,
    json_region,
    position,
    posix,
    severity,
    sort_diagnostics,
)


def escape_data(text: str) -> str:
    """Escape a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(diagnostic: Diagnostic, *, cwd: os.PathLike | str | None = None) -> str:
    d = diagnostic
    kind = GITHUB_COMMAND.get(severity(d), "error")
    message = d.message
    start, end = (d.location.row, d.location.column), (d.end_location.row, d.end_location.column)
    if "cell" in d.extra:  # a notebook: where the .ipynb file holds it; the cell position leads the message
        start, end = json_region(d)
        message = f"{position(d)}: {message}"
    props = (
        ("file", posix(display_path(d.filename, cwd))),
        ("line", str(start[0])),
        ("col", str(start[1])),
        ("endLine", str(end[0])),
        ("endColumn", str(end[1])),
        ("title", f"cnnlint ({d.code})"),
    )
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{kind} {joined}::{escape_data(message)}"


def render(
    diagnostics: Iterable[Diagnostic],
    *,
    root: os.PathLike | str | None = None,
    cwd: os.PathLike | str | None = None,
    fixed: int | Sequence[Diagnostic] = 0,
) -> str:
    """One workflow command per line, newline-terminated; empty when there is nothing."""
    return "".join(command(d, cwd=cwd) + "\n" for d in sort_diagnostics(diagnostics))
