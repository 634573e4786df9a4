"""Keep the last good results while a line is half-typed.

When the current text does not parse, the server shows the syntax error and,
for the rest of the file, the diagnostics (and hover/inlay records) of the
last version that did parse: those on rows before the first changed row stay
where they were, those on rows after the last changed row move by the number
of rows inserted or deleted, and those touching a changed row are dropped
(they may no longer be true). Pyright and ruff avoid the same flicker.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from cnnlint.diagnostics import Diagnostic, Edit, Fix, Location
from cnnlint.lsp.positions import split_lines
from cnnlint.lsp.views import Range, StepView

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional


@dataclasses.dataclass(frozen=True)
class RowMap:
    """Rows 1..``prefix`` are unchanged; old rows from ``old_suffix`` on moved by ``delta``; the rest changed."""

    prefix: int
    old_suffix: int
    delta: int

    def row(self, row: int) -> int | None:
        if row <= self.prefix:
            return row
        if row >= self.old_suffix:
            return row + self.delta
        return None

    def location(self, loc: Location) -> Location | None:
        row = self.row(loc.row)
        return None if row is None else Location(row, loc.column)

    def span(self, start: Location, end: Location) -> Range | None:
        """A span that lies wholly in unchanged rows, moved; None otherwise."""
        new_start, new_end = self.location(start), self.location(end)
        if new_start is None or new_end is None or (end.row - start.row) != (new_end.row - new_start.row):
            return None
        return new_start, new_end


def row_map(old: str, new: str) -> RowMap:
    """Which rows of ``old`` are still the same rows of ``new`` (common leading and trailing rows)."""
    a, b = split_lines(old), split_lines(new)
    prefix = 0
    limit = min(len(a), len(b))
    while prefix < limit and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and a[len(a) - 1 - suffix] == b[len(b) - 1 - suffix]:
        suffix += 1
    return RowMap(prefix, len(a) - suffix + 1, len(b) - len(a))


def _span(rows: RowMap, span: Optional[Range]) -> tuple[bool, Optional[Range]]:
    if span is None:
        return True, None
    moved = rows.span(*span)
    return moved is not None, moved


def carry_diagnostics(old: Sequence[Diagnostic], rows: RowMap) -> list[Diagnostic]:
    """The old diagnostics that lie in unchanged rows, moved (a fix is kept only if all its edits move too)."""
    kept: list[Diagnostic] = []
    for diag in old:
        if diag.code == "CNL999":
            continue
        moved = rows.span(diag.location, diag.end_location)
        if moved is None:
            continue
        fix = diag.fix
        if fix is not None:
            edits = [rows.span(e.location, e.end_location) for e in fix.edits]
            if all(e is not None for e in edits):
                fix = Fix(
                    fix.message,
                    tuple(Edit(e.content, s[0], s[1]) for e, s in zip(fix.edits, edits) if s is not None),
                    fix.applicability,
                )
            else:
                fix = None
        kept.append(dataclasses.replace(diag, location=moved[0], end_location=moved[1], fix=fix))
    return kept


def carry_views(old: Sequence[StepView], rows: RowMap) -> list[StepView]:
    kept: list[StepView] = []
    for view in old:
        ok_def, def_span = _span(rows, view.def_span)
        ok_call, call_span = _span(rows, view.call_span)
        ok_stmt, statement = _span(rows, view.statement)
        if ok_def and ok_call and ok_stmt:
            kept.append(dataclasses.replace(view, def_span=def_span, call_span=call_span, statement=statement))
    return kept
