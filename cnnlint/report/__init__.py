"""Report formats: diagnostics in, text out. No torch, no libcst.

Every renderer has the same signature::

    render(diagnostics, *, root=None, cwd=None, fixed=0) -> str

- ``diagnostics``: the findings to print (already filtered: selection,
  noqa, ``--show-info``); any order, every format sorts by file, row, column.
- ``root``: the directory SARIF URIs are relative to (the config root,
  ``Settings.root``); default ``cwd``.
- ``cwd``: the directory relative paths are shown against and relative
  filenames are resolved from; default the process's current directory.
- ``fixed``: for the text total after ``--fix``: how many findings were
  fixed (an int), or the fixed diagnostics.

``render(diagnostics, output_format, ...)`` dispatches on the name;
``render_statistics(diagnostics)`` prints ``--statistics``.

The returned text ends with a newline unless it is empty. ``FORMATS`` maps
each ``--output-format`` name to its renderer.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Sequence

from cnnlint.diagnostics import Diagnostic
from cnnlint.report.text import render_statistics, would_fix_summary

Renderer = Callable[..., str]


def _renderer(module: str, function: str) -> Renderer:
    """A format whose module (and json's, sarif's imports) loads when the format is first used."""

    def render_with(*args: object, **kwargs: object) -> str:
        renderer = getattr(importlib.import_module(f"cnnlint.report.{module}"), function)
        return renderer(*args, **kwargs)

    render_with.__name__ = render_with.__qualname__ = f"{module}.{function}"
    return render_with


FORMATS: dict[str, Renderer] = {
    "text": _renderer("text", "render"),
    "concise": _renderer("text", "render_concise"),
    "json": _renderer("json_format", "render"),
    "github": _renderer("github", "render"),
    "sarif": _renderer("sarif", "render"),
    "pylint": _renderer("text", "render_pylint"),
}

#: The names ``--output-format`` accepts, in the order to show them in ``--help``.
FORMAT_NAMES: tuple[str, ...] = tuple(FORMATS)


def render(
    diagnostics: Iterable[Diagnostic],
    output_format: str = "text",
    *,
    root: os.PathLike | str | None = None,
    cwd: os.PathLike | str | None = None,
    fixed: int | Sequence[Diagnostic] = 0,
    quiet: bool = False,
) -> str:
    """Render with the named format (``KeyError`` for an unknown name; the CLI validates first).

    ``quiet`` (``--quiet``, as ruff's): the findings and nothing else — the
    text format drops its closing total; other formats are unchanged.
    ``render(output_format, diagnostics)`` (the name first) works too.
    """
    if isinstance(diagnostics, str):  # called as render(output_format, diagnostics)
        diagnostics, output_format = output_format, diagnostics  # type: ignore[assignment]
    if quiet and output_format == "text":
        output_format = "concise"
    return FORMATS[output_format](diagnostics, root=root, cwd=cwd, fixed=fixed)


__all__ = ["FORMATS", "FORMAT_NAMES", "render", "render_statistics", "would_fix_summary"]
