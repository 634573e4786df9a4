"""``--output-format github``: GitHub Actions workflow commands, one per finding.

::

    ::error file=model.py,line=12,col=9,endLine=12,endColumn=31,title=cnnlint (CNL001)::message

``::warning`` for warnings, ``::notice`` for info. Escaping follows the
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
from cnnlint.report.common import GITHUB_COMMAND, display_path, position, posix, severity, sort_diagnostics


def escape_data(text: str) -> str:
    """Escape a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(diagnostic: Diagnostic, *, cwd: os.PathLike | str | None = None) -> str:
    d = diagnostic
    kind = GITHUB_COMMAND.get(severity(d), "error")
    if "cell" in d.extra:  # a notebook: the row in the .ipynb file; the cell position leads the message
        row = str(d.extra.get("json_row", 1))
        props: tuple[tuple[str, str], ...] = (
            ("file", posix(display_path(d.filename, cwd))),
            ("line", row),
            ("endLine", row),
            ("title", f"cnnlint ({d.code})"),
        )
        joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
        return f"::{kind} {joined}::{escape_data(position(d) + ': ' + d.message)}"
    props = (
        ("file", posix(display_path(d.filename, cwd))),
        ("line", str(d.location.row)),
        ("col", str(d.location.column)),
        ("endLine", str(d.end_location.row)),
        ("endColumn", str(d.end_location.column)),
        ("title", f"cnnlint ({d.code})"),
    )
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{kind} {joined}::{escape_data(d.message)}"


def render(
    diagnostics: Iterable[Diagnostic],
    *,
    root: os.PathLike | str | None = None,
    cwd: os.PathLike | str | None = None,
    fixed: int | Sequence[Diagnostic] = 0,
) -> str:
    """One workflow command per line, newline-terminated; empty when there is nothing."""
    return "".join(command(d, cwd=cwd) + "\n" for d in sort_diagnostics(diagnostics))
