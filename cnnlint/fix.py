"""Apply a diagnostic's edits to the file's bytes, keeping every other byte.

Edits are located by (row, column) in the decoded text; rows are split on
exactly the newlines Python's tokenizer knows (\\r\\n, \\r, \\n), never on
form feeds or other characters ``str.splitlines`` would break on. The file is
re-encoded the way it came (BOM, coding cookie); where the decoded text does
not round-trip to the same bytes, no fix is applied.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from cnnlint.diagnostics import Diagnostic, Edit, Location

_NEWLINE = re.compile(r"\r\n|\r|\n")
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def source_encoding(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for line in data.splitlines()[:2]:
        match = _COOKIE.match(line)
        if match:
            return match.group(1).decode("ascii", "replace")
    return "utf-8"


def line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in _NEWLINE.finditer(text))
    return starts


def _offset(starts: list[int], loc: Location) -> int:
    return starts[loc.row - 1] + loc.column - 1


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits; later ones first so offsets stay valid. Overlaps are skipped."""
    starts = line_starts(text)
    ordered = sorted(edits, key=lambda e: (e.location.row, e.location.column), reverse=True)
    out = text
    last_start: int | None = None
    for edit in ordered:
        start, end = _offset(starts, edit.location), _offset(starts, edit.end_location)
        if last_start is not None and end > last_start:
            continue
        out = out[:start] + edit.content + out[end:]
        last_start = start
    return out


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
    if filename.endswith(".ipynb"):
        from cnnlint.notebook import fix_notebook

        return fix_notebook(data, list(diagnostics), unsafe=unsafe)
    chosen = [d for d in diagnostics if applies(d, unsafe)]
    edits = [e for d in chosen for e in d.fix.edits]  # type: ignore[union-attr]
    if not edits:
        return data, 0
    encoding = source_encoding(data)
    try:
        text = data.decode(encoding)
        if text.encode(encoding) != data:
            return data, 0
        fixed = apply_edits(text, edits).encode(encoding)
    except (LookupError, UnicodeError):
        return data, 0
    return fixed, len(chosen) if fixed != data else 0


def unified_diff(filename: str, before: bytes, after: bytes, *, label: str = "") -> str:
    """A unified diff; ``label`` goes after a tab on the ``+++`` line, where patch tools ignore it."""
    encoding = source_encoding(before)
    a = before.decode(encoding, "replace").splitlines(keepends=True)
    b = after.decode(encoding, "replace").splitlines(keepends=True)
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
