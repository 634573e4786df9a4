"""Apply a diagnostic's edits to the file's bytes, keeping every other byte, or refuse.

Edits are located by (row, column) in the text decoded exactly as Python and
the check decode it (``source.detect_encoding``); rows are split on the
newlines Python's tokenizer knows (\\r\\n, \\r, \\n) only. Every byte outside the
edited spans is copied from the original, the edited text is encoded with the
file's own encoding, and the result must decode to the intended text and
still compile: otherwise nothing is written and the reason is reported.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterable

from cnnlint import source
from cnnlint.diagnostics import Diagnostic, Edit, Location
from cnnlint.records import dataclass
from cnnlint.source import line_starts

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")  # lines with their ends, as Python splits them

__all__ = ["FixPlan", "apply_edits", "fix_bytes", "line_starts", "plan_fix", "source_encoding", "unified_diff"]


@dataclass(frozen=True)
class FixPlan:
    """What ``--fix`` would write: ``fixed`` (== the input when nothing applies), how many fixes, or why not."""

    fixed: bytes
    count: int
    refused: str | None = None


def source_encoding(data: bytes) -> str:
    """The file's encoding as Python decides it (``utf-8`` when the declaration is unusable)."""
    try:
        return source.detect_encoding(data)
    except source.SourceError:
        return "utf-8"


def _offset(starts: list[int], loc: Location) -> int:
    return starts[loc.row - 1] + loc.column - 1


def _spans(text: str, edits: Iterable[Edit]) -> list[tuple[int, int, str]]:
    """(start, end, content) in text offsets, ascending, non-overlapping; ValueError for a span off its line."""
    starts = line_starts(text)
    chosen: list[tuple[int, int, str]] = []
    last_start: int | None = None
    for edit in sorted(edits, key=lambda e: (e.location.row, e.location.column), reverse=True):
        for loc in (edit.location, edit.end_location):
            if not 1 <= loc.row <= len(starts) or loc.column < 1:
                raise ValueError(f"an edit points at row {loc.row}, column {loc.column}, outside the file")
            line_end = starts[loc.row] if loc.row < len(starts) else len(text)
            if starts[loc.row - 1] + loc.column - 1 > line_end:
                raise ValueError(f"an edit points past the end of row {loc.row}")
        start, end = _offset(starts, edit.location), _offset(starts, edit.end_location)
        if end < start:
            raise ValueError(f"an edit ends before it starts on row {edit.location.row}")
        if last_start is not None and end > last_start:
            continue  # overlaps a later edit: skipped
        chosen.append((start, end, edit.content))
        last_start = start
    chosen.reverse()
    return chosen


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (overlaps are skipped)."""
    out, pos = [], 0
    for start, end, content in _spans(text, edits):
        out += [text[pos:start], content]
        pos = end
    return "".join(out) + text[pos:]


def plan_fix(data: bytes, diagnostics: Iterable[Diagnostic], *, unsafe: bool = False) -> FixPlan:
    """The fixed bytes of ``data``, verified: same encoding, untouched bytes copied, still compiles."""
    diagnostics = list(diagnostics)
    fixable = [d for d in diagnostics if d.fix is not None and (unsafe or d.fix.applicability == "safe")]
    edits = [e for d in fixable for e in d.fix.edits]  # type: ignore[union-attr]
    if not edits:
        return FixPlan(data, 0)
    try:
        encoding = source.detect_encoding(data)
        text = source.decode(data)
        spans = _spans(text, edits)
    except (source.SourceError, ValueError) as err:
        return FixPlan(data, 0, f"not fixed: {getattr(err, 'message', err)}")
    bom = encoding == "utf-8-sig"
    codec = "utf-8" if bom else encoding
    head, body = (data[:3], data[3:]) if bom else (b"", data)
    pieces, intended = [head], []
    byte_pos = char_pos = 0
    try:
        for start, end, content in spans:
            kept = text[char_pos:start]
            kept_bytes = len(kept.encode(codec))
            pieces.append(body[byte_pos : byte_pos + kept_bytes])
            byte_pos += kept_bytes + len(text[start:end].encode(codec))
            pieces.append(content.encode(codec))
            intended += [kept, content]
            char_pos = end
        pieces.append(body[byte_pos:])
        intended.append(text[char_pos:])
    except (LookupError, UnicodeError) as err:
        return FixPlan(data, 0, f"not fixed: the new text cannot be written in {encoding} ({err})")
    fixed, expected = b"".join(pieces), "".join(intended)
    if fixed == data:
        return FixPlan(data, 0)
    problem = _verify(fixed, expected, encoding)
    if problem is not None:
        return FixPlan(data, 0, f"not fixed: {problem}")
    return FixPlan(fixed, len(fixable))


def _verify(fixed: bytes, expected: str, encoding: str) -> str | None:
    """Why ``fixed`` must not be written, or None: it must read back as ``expected`` and compile."""
    try:
        if source.detect_encoding(fixed) != encoding or source.decode(fixed) != expected:
            return "the edited file would not read back as the intended text"
    except source.SourceError as err:
        return f"the edited file could not be decoded ({err.message})"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(expected, "<fix>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as err:
        return f"the edited file would not compile ({err.msg}, line {err.lineno})"
    except (ValueError, RecursionError, MemoryError) as err:
        return f"the edited file would not compile ({type(err).__name__})"
    return None


def applies(diagnostic: Diagnostic, unsafe: bool = False) -> bool:
    """Whether ``--fix`` applies this diagnostic's fix: safe ones always, unsafe ones with ``--unsafe-fixes``."""
    fix = diagnostic.fix
    return fix is not None and bool(fix.edits) and (fix.applicability == "safe" or unsafe)


def fix_bytes(
    data: bytes, diagnostics: Iterable[Diagnostic], *, unsafe: bool = False, filename: str = ""
) -> tuple[bytes, int]:
    """The fixed file and the number of fixes applied (0 and the same bytes when none apply).

    Only safe fixes unless ``unsafe`` (``--unsafe-fixes``). A ``filename`` ending
    in ``.ipynb`` is a notebook: the fixes go into its cells (``cnnlint.notebook``).
    """
    plan = plan_fixes(data, diagnostics, unsafe=unsafe, filename=filename)
    return plan.fixed, plan.count


def plan_fixes(data: bytes, diagnostics: Iterable[Diagnostic], *, unsafe: bool = False, filename: str = "") -> FixPlan:
    """``plan_fix`` for the fixes ``--fix`` (or ``--unsafe-fixes``) applies; notebooks by their cells."""
    if filename.endswith(".ipynb"):
        from cnnlint.notebook import fix_notebook

        fixed, count = fix_notebook(data, list(diagnostics), unsafe=unsafe)
        return FixPlan(fixed, count)
    return plan_fix(data, [d for d in diagnostics if applies(d, unsafe)], unsafe=True)


def unified_diff(filename: str, before: bytes, after: bytes, *, label: str = "") -> str:
    """A unified diff; ``label`` goes after a tab on the ``+++`` line, where patch tools ignore it."""
    encoding = source_encoding(before)
    a = _LINES.findall(before.decode(encoding, "replace"))
    b = _LINES.findall(after.decode(encoding, "replace"))
    import difflib

    return "".join(difflib.unified_diff(a, b, fromfile=f"a/{filename}", tofile=f"b/{filename}", tofiledate=label))


UNSAFE_LABEL = "(unsafe fixes: applied only with --unsafe-fixes)"


def fix_diffs(filename: str, data: bytes, diagnostics: list[Diagnostic]) -> tuple[list[str], bytes, int]:
    """``--diff``: the safe fixes' diff, then the unsafe ones' diff on top of it, labelled.

    Returns the diffs, the bytes after the safe fixes and how many safe fixes
    there are. The two diffs apply one after the other (``patch -p1``).
    """
    safe, n_safe = fix_bytes(data, diagnostics, filename=filename)
    everything, n_all = fix_bytes(data, diagnostics, unsafe=True, filename=filename)
    diffs = []
    if n_safe:
        diffs.append(unified_diff(filename, data, safe))
    if n_all > n_safe and everything != safe:
        diffs.append(unified_diff(filename, safe, everything, label=UNSAFE_LABEL))
    return diffs, safe, n_safe
