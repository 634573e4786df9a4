"""Source positions for ``ast`` nodes: 1-based rows, 1-based character columns.

``ast`` gives UTF-8 byte offsets; spans are in characters (what editors and
``cnnlint.fix`` count), so non-ASCII lines are converted. Rows split on exactly
the newlines Python's tokenizer knows (``\\r\\n``, ``\\r``, ``\\n``).
"""

from __future__ import annotations

import ast
import re

from cnnlint.diagnostics import Location
from cnnlint.model import Span

_NEWLINE = re.compile(r"\r\n|\r|\n")


class Lines:
    """The text cut into rows, with byte-to-character column conversion."""

    __slots__ = ("text", "starts", "_encoded", "_ascii")

    def __init__(self, text: str) -> None:
        self.text = text
        self._ascii = text.isascii()  # then byte offsets are character offsets everywhere
        starts = [0]
        starts.extend(m.end() for m in _NEWLINE.finditer(text))
        self.starts = starts
        self._encoded: dict[int, bytes] = {}

    def line(self, row: int) -> str:
        """Row ``row`` (1-based) without its newline; "" past the end."""
        if not 1 <= row <= len(self.starts):
            return ""
        start = self.starts[row - 1]
        end = self.starts[row] if row < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def column(self, row: int, byte_offset: int) -> int:
        """1-based character column of a UTF-8 byte offset on a row."""
        if self._ascii:
            return byte_offset + 1
        line = self.line(row)
        if line.isascii():
            return byte_offset + 1
        encoded = self._encoded.get(row)
        if encoded is None:
            encoded = self._encoded[row] = line.encode("utf-8", "surrogatepass")
        return len(encoded[:byte_offset].decode("utf-8", "replace")) + 1

    def start(self, node: ast.AST) -> Location:
        return Location(node.lineno, self.column(node.lineno, node.col_offset))  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> Location:
        row = node.end_lineno or node.lineno  # type: ignore[attr-defined]
        offset = node.end_col_offset if node.end_col_offset is not None else node.col_offset  # type: ignore[attr-defined]
        return Location(row, self.column(row, offset))

    def span(self, node: ast.AST, start_node: ast.AST | None = None) -> Span:
        return Span(self.start(start_node or node), self.end(node))

    def offset(self, loc: Location) -> int:
        return self.starts[loc.row - 1] + loc.column - 1

    def segment(self, node: ast.AST) -> str:
        """The node's source text, exactly as written."""
        return self.text[self.offset(self.start(node)) : self.offset(self.end(node))]

    def span_text(self, span: Span) -> str:
        return self.text[self.offset(span.start) : self.offset(span.end)]
