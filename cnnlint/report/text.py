"""The text formats: one ``path:row:col: CODE message`` line per finding.

The line is flake8's (and ruff's concise) format, so the generic parsers of
editors and CI read it as it is: Vim/Neovim ``errorformat`` ``%f:%l:%c: %m``,
Emacs ``compilation-mode``, VS Code's ``$eslint-compact``-style problem
matchers with ``^(.*):(\\d+):(\\d+): (\\w+) (.*)$``. Paths are relative to the
current directory when the file is under it, absolute otherwise.

- ``render`` (``--output-format text``): the lines, then a one-line total in
  ruff's words: ``Found 2 errors, 1 warning (1 fixable with --fix).``,
  ``Found 3 errors (2 fixed, 1 remaining).`` or ``All checks passed!``; the
  command line ends that line with how many models it checked
  (``All checks passed! Checked 1 model in 1 file (1 followed to the end)``).
- ``render_concise`` (``concise``): the lines only, nothing else.
- ``render_pylint`` (``pylint``): ``path:row: [CODE] message``, as ruff's.
- ``render_statistics`` (``--statistics``): a count per code.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from cnnlint import rules
from cnnlint.diagnostics import Diagnostic
from cnnlint.report.common import (
    count_severities,
    display_path,
    is_fixable,
    one_line,
    plural,
    position,
    severity_phrase,
    sort_diagnostics,
)


def line(diagnostic: Diagnostic, *, cwd: os.PathLike | str | None = None) -> str:
    """One finding: ``path:row:col: CODE message``."""
    d = diagnostic
    path = display_path(d.filename, cwd)
    return f"{path}:{position(d)}: {d.code} {one_line(d.message)}"


def summary(diagnostics: Iterable[Diagnostic], *, fixed: int | Sequence[Diagnostic] = 0) -> str:
    """The closing total, counting severities.

    ``diagnostics`` are the findings left to show; ``fixed`` is how many were
    fixed by ``--fix`` (an int, counted as errors — only error rules have
    fixes) or the fixed diagnostics themselves (counted by their severity).
    """
    remaining = list(diagnostics)
    counts = count_severities(remaining)
    if isinstance(fixed, int):
        n_fixed = fixed
        counts["error"] += fixed
    else:
        n_fixed = len(fixed)
        for name, n in count_severities(fixed).items():
            counts[name] = counts.get(name, 0) + n
    if not remaining and not n_fixed:
        return "All checks passed!"
    phrase = severity_phrase(counts)
    if n_fixed:
        return f"Found {phrase} ({n_fixed} fixed, {len(remaining)} remaining)."
    fixable = sum(1 for d in remaining if is_fixable(d))
    unsafe = sum(1 for d in remaining if d.fix is not None and not is_fixable(d))
    hints = [f"{fixable} fixable with --fix"] if fixable else []
    if unsafe:
        hints.append(f"{unsafe} {'more ' if fixable else ''}with --fix --unsafe-fixes")
    return f"Found {phrase} ({'; '.join(hints)})." if hints else f"Found {phrase}."


def would_fix_summary(count: int) -> str:
    """The total after ``--diff``: ``Would fix 2 errors.`` / ``No errors would be fixed.``"""
    if not count:
        return "No errors would be fixed."
    return f"Would fix {plural(count, 'error')}."


def render_concise(
    diagnostics: Iterable[Diagnostic],
    *,
    root: os.PathLike | str | None = None,
    cwd: os.PathLike | str | None = None,
    fixed: int | Sequence[Diagnostic] = 0,
) -> str:
    """The finding lines only (flake8-compatible), newline-terminated; empty when there are none."""
    return "".join(line(d, cwd=cwd) + "\n" for d in sort_diagnostics(diagnostics))


def render(
    diagnostics: Iterable[Diagnostic],
    *,
    root: os.PathLike | str | None = None,
    cwd: os.PathLike | str | None = None,
    fixed: int | Sequence[Diagnostic] = 0,
) -> str:
    """``--output-format text``: the finding lines, then the one-line total."""
    items = sort_diagnostics(diagnostics)
    return render_concise(items, cwd=cwd) + summary(items, fixed=fixed) + "\n"


def render_pylint(
    diagnostics: Iterable[Diagnostic],
    *,
    root: os.PathLike | str | None = None,
    cwd: os.PathLike | str | None = None,
    fixed: int | Sequence[Diagnostic] = 0,
) -> str:
    """``--output-format pylint``: ``path:row: [CODE] message`` per finding (ruff's pylint format)."""
    out = []
    for d in sort_diagnostics(diagnostics):
        row = f"cell {d.extra['cell']}:{d.location.row}" if "cell" in d.extra else str(d.location.row)
        out.append(f"{display_path(d.filename, cwd)}:{row}: [{d.code}] {one_line(d.message)}\n")
    return "".join(out)


def statistics(diagnostics: Iterable[Diagnostic]) -> list[dict]:
    """Per code: ``{"code", "name", "count", "fixable"}``, most frequent first, then by code."""
    table: dict[str, dict] = {}
    for d in diagnostics:
        rule = rules.RULES.get(d.code)
        row = table.setdefault(
            d.code, {"code": d.code, "name": rule.name if rule else "", "count": 0, "fixable": False}
        )
        row["count"] += 1
        row["fixable"] = row["fixable"] or is_fixable(d)
    return sorted(table.values(), key=lambda r: (-r["count"], r["code"]))


def render_statistics(diagnostics: Iterable[Diagnostic], *, output_format: str = "text") -> str:
    """``--statistics``: ``count<TAB>CODE<TAB>[*] name`` rows (``[*]`` marks a code with a safe fix).

    With ``output_format="json"`` a JSON array of ``statistics()`` rows, as
    ``ruff check --statistics --output-format json`` prints.
    """
    rows = statistics(diagnostics)
    if output_format == "json":
        import json

        return json.dumps(rows, indent=2) + "\n"
    if not rows:
        return ""
    count_width = max(len(str(r["count"])) for r in rows)
    code_width = max(len(r["code"]) for r in rows)
    lines = []
    for r in rows:
        marker = "[*] " if r["fixable"] else "    "
        lines.append(f"{r['count']:>{count_width}}\t{r['code']:<{code_width}}\t{marker}{r['name']}".rstrip())
    if any(r["fixable"] for r in rows):
        lines.append("[*] fixable with --fix")
    return "\n".join(lines) + "\n"
