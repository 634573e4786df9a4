"""cnnlint's 1-based rows and code-point columns <-> LSP's 0-based lines and code units.

Rows split on exactly ``\\r\\n``, ``\\r`` and ``\\n``, as in the LSP and Python's
tokenizer (never on form feeds or U+2028, which ``str.splitlines`` splits on).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lsprotocol import types as lsp

from cnnlint.diagnostics import Location
from cnnlint.records import dataclass

_NEWLINE = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Lines without their endings, split as the LSP and Python's tokenizer do (not on form feeds)."""
    return _NEWLINE.split(text)


def _units(text: str, encoding: str) -> int:
    """How many code units ``text`` takes in the LSP position encoding."""
    if encoding == lsp.PositionEncodingKind.Utf32:
        return len(text)
    if encoding == lsp.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    # UTF-16: one unit per code point, two beyond the Basic Multilingual Plane.
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


@dataclass
class Positions:
    """Converts positions within one version of a document's text."""

    lines: list[str]
    encoding: str = lsp.PositionEncodingKind.Utf16
    first_row_shift: int = 0  # a BOM the editor keeps in its buffer but cnnlint stripped

    @classmethod
    def of(
        cls, text: str, encoding: str = lsp.PositionEncodingKind.Utf16, checked_text: str | None = None
    ) -> Positions:
        shift = 1 if text.startswith("\ufeff") and not (checked_text or "").startswith("\ufeff") else 0
        return cls(split_lines(text), encoding, shift)

    def to_lsp(self, loc: Location) -> lsp.Position:
        if not self.lines:
            return lsp.Position(line=0, character=0)
        line = loc.row - 1
        if line < 0:
            return lsp.Position(line=0, character=0)
        if line >= len(self.lines):
            last = len(self.lines) - 1
            return lsp.Position(line=last, character=_units(self.lines[last], self.encoding))
        text = self.lines[line]
        column = loc.column - 1 + (self.first_row_shift if line == 0 else 0)
        column = max(0, min(column, len(text)))
        return lsp.Position(line=line, character=_units(text[:column], self.encoding))

    def range(self, start: Location, end: Location) -> lsp.Range:
        return lsp.Range(start=self.to_lsp(start), end=self.to_lsp(end))

    def from_lsp(self, pos: lsp.Position) -> Location:
        """The 1-based code-point location of an LSP position (a position inside a character rounds down)."""
        if not self.lines:
            return Location(1, 1)
        line = max(0, min(pos.line, len(self.lines) - 1))
        text = self.lines[line]
        units = 0
        column = 0
        for ch in text:
            step = _units(ch, self.encoding)
            if units + step > pos.character:
                break
            units += step
            column += 1
        if line == 0:
            column = max(0, column - self.first_row_shift)
        return Location(line + 1, column + 1)


def key(pos: lsp.Position) -> tuple[int, int]:
    return (pos.line, pos.character)


def overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    """Ranges that share a position, ends included (a cursor at either end of a diagnostic touches it)."""
    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def kind_matches(kind: str, only: Sequence[str] | None) -> bool:
    """LSP kinds are hierarchical: ``source`` asks for ``source.fixAll.cnnlint`` too."""
    if only is None:
        return True
    return any(kind == want or kind.startswith(want + ".") for want in only)
