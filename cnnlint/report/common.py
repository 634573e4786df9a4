"""Helpers shared by the report formats: ordering, paths, severities, counts."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import PurePath

from cnnlint import rules
from cnnlint.diagnostics import Diagnostic

# SARIF / GitHub vocabulary for our three severities.
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}

# How the one-line total names each severity: (singular, plural).
_NOUNS = {"error": ("error", "errors"), "warning": ("warning", "warnings"), "info": ("note", "notes")}
_SEVERITY_ORDER = ("error", "warning", "info")


def severity(diagnostic: Diagnostic) -> str:
    """The diagnostic's severity: ``error``, ``warning`` or ``info`` (from the rule registry)."""
    return rules.severity(diagnostic.code)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """By file, row, column, then code: the order every format prints in."""
    return sorted(diagnostics, key=lambda d: d.sort_key)


def is_fixable(diagnostic: Diagnostic) -> bool:
    """True when ``--fix`` would apply this diagnostic's fix (a *safe* fix)."""
    return diagnostic.fix is not None and diagnostic.fix.applicability == "safe"


def _cwd(cwd: os.PathLike | str | None) -> str:
    return os.path.abspath(os.fspath(cwd)) if cwd is not None else os.getcwd()


def absolute_path(filename: str, cwd: os.PathLike | str | None = None) -> str:
    """``filename`` made absolute against ``cwd`` (not resolving symlinks), as ruff's JSON shows it."""
    if os.path.isabs(filename):
        return os.path.normpath(filename)
    return os.path.normpath(os.path.join(_cwd(cwd), filename))


def relative_to(filename: str, base: os.PathLike | str | None, *, cwd: os.PathLike | str | None = None) -> str | None:
    """``filename`` relative to ``base`` in the OS's spelling, or None when it is not under ``base``.

    A relative ``filename`` is first made absolute against ``cwd`` (default:
    ``base``); ``base`` itself defaults to the current directory.
    """
    absolute = absolute_path(filename, cwd if cwd is not None else base)
    start = _cwd(base)
    for a, b in ((absolute, start), (os.path.realpath(absolute), os.path.realpath(start))):
        try:
            rel = os.path.relpath(a, b)
        except ValueError:  # another drive on Windows
            continue
        if rel != os.pardir and not rel.startswith(os.pardir + os.sep):
            return rel
    return None


def display_path(filename: str, cwd: os.PathLike | str | None = None) -> str:
    """The path shown to a person: relative to ``cwd`` when under it or when given relative
    (``../lib/model.py`` stays so), else absolute."""
    rel = relative_to(filename, cwd)
    if rel is not None:
        return rel
    if not os.path.isabs(filename):
        try:
            return os.path.relpath(absolute_path(filename, cwd), _cwd(cwd))
        except ValueError:  # another drive on Windows
            pass
    return absolute_path(filename, cwd)


def position(diagnostic: Diagnostic) -> str:
    """``row:col``, or ``cell N:row:col`` for a notebook's finding (ruff's notation)."""
    d = diagnostic
    cell = d.extra.get("cell")
    where = f"{d.location.row}:{d.location.column}"
    return f"cell {cell}:{where}" if cell is not None else where


def json_region(diagnostic: Diagnostic) -> tuple[tuple[int, int], tuple[int, int]]:
    """A notebook finding's (row, column) start and end in the .ipynb file's own text (set by
    ``notebook.Notebook.map_diagnostic``): what GitHub annotations and SARIF regions point at."""
    extra = diagnostic.extra
    row = extra.get("json_row", 1)
    column = extra.get("json_col", 1)
    return (row, column), (extra.get("json_end_row", row), extra.get("json_end_col", column + 1))


def posix(path: str) -> str:
    return PurePath(path).as_posix() if os.sep != "/" else path


def count_severities(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    counts = {name: 0 for name in _SEVERITY_ORDER}
    for d in diagnostics:
        counts[severity(d)] = counts.get(severity(d), 0) + 1
    return counts


def plural(count: int, severity_name: str) -> str:
    singular, many = _NOUNS.get(severity_name, (severity_name, severity_name + "s"))
    return f"{count} {singular if count == 1 else many}"


def severity_phrase(counts: dict[str, int]) -> str:
    """``2 errors, 1 warning`` — severities with a zero count left out."""
    parts = [plural(counts[name], name) for name in _SEVERITY_ORDER if counts.get(name)]
    parts += [plural(n, name) for name, n in counts.items() if name not in _SEVERITY_ORDER and n]
    return ", ".join(parts)


def one_line(message: str) -> str:
    """Messages are printed one per line: fold any line break into a space."""
    return " ".join(message.splitlines()) if ("\n" in message or "\r" in message) else message


__all__ = [
    "GITHUB_COMMAND",
    "SARIF_LEVEL",
    "absolute_path",
    "count_severities",
    "display_path",
    "is_fixable",
    "one_line",
    "plural",
    "position",
    "posix",
    "relative_to",
    "severity",
    "severity_phrase",
    "sort_diagnostics",
]
