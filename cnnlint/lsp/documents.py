"""One checked version of a document, and what the editor buffer becomes for cnnlint."""

from __future__ import annotations

import io
import tokenize

from lsprotocol import types as lsp

from cnnlint.diagnostics import Diagnostic, Edit, Location
from cnnlint.lsp.positions import Positions, split_lines
from cnnlint.lsp.views import StepView
from cnnlint.records import dataclass, field

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SOURCE = "cnnlint"


def buffer_encoding(text: str) -> str:
    """The encoding the buffer's file declares, decided as CPython decides it (``tokenize.detect_encoding``).

    The cookie counts on line 1, or on line 2 only when line 1 is blank or a
    comment, with no byte limit. An unknown encoding gives "utf-8" (the check
    then reports the bad declaration from the bytes).
    """
    # HOOK(robust): once cnnlint.source has the one function that decides a file's encoding
    # (issue 10 item 1), call it here on the first two lines instead of tokenize.
    head = "".join(line + "\n" for line in split_lines(text.lstrip("\ufeff"))[:2])
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(head.encode("utf-8", "surrogatepass")).readline)
    except SyntaxError:
        return "utf-8"
    return "utf-8" if encoding == "utf-8-sig" else encoding


def encode_buffer(text: str) -> bytes:
    """The bytes the file would have: in its declared encoding when that can hold the text, else UTF-8."""
    encoding = buffer_encoding(text)
    if encoding != "utf-8":
        try:
            return text.encode(encoding)
        except (LookupError, UnicodeError):
            pass
    return text.encode("utf-8", "surrogatepass")


@dataclass
class Linted:
    uri: str
    version: int | None
    text: str
    positions: Positions
    diagnostics: list[Diagnostic] = field(default_factory=list)
    views: list[StepView] = field(default_factory=list)
    seconds: float = 0.0
    stamp: Any = None  # the settings it was checked with
    parsed: bool = True  # False: a syntax error; the rest was carried from the last good version
    records: Any = None  # the task that brings ``views`` (they follow the diagnostics)
    attached: bool = False  # the records' outcome has been read into ``views``
    carried: Any = None  # (last good Linted, RowMap) when the text did not parse

    def lsp_diagnostic(self, diag: Diagnostic) -> lsp.Diagnostic:
        from cnnlint.rules import RULES

        rule = RULES.get(diag.code)
        level = diag.extra.get("severity") or (rule.severity if rule is not None else "error")
        severity = {
            "error": lsp.DiagnosticSeverity.Error,
            "warning": lsp.DiagnosticSeverity.Warning,
            "info": lsp.DiagnosticSeverity.Information,
        }.get(level, lsp.DiagnosticSeverity.Error)
        return lsp.Diagnostic(
            range=self.positions.range(diag.location, diag.end_location),
            message=diag.message,
            severity=severity,
            code=diag.code,
            code_description=lsp.CodeDescription(href=rule.url) if rule is not None else None,
            source=SOURCE,
        )

    def lsp_diagnostics(self) -> list[lsp.Diagnostic]:
        return [self.lsp_diagnostic(d) for d in self.diagnostics]

    def text_edit(self, edit: Edit) -> lsp.TextEdit:
        return lsp.TextEdit(range=self.positions.range(edit.location, edit.end_location), new_text=edit.content)


def file_note(filename: str, code: str, message: str, severity: str = "info") -> Diagnostic:
    """A diagnostic about the whole file, on its first character, shown whatever ``showInfo`` says."""
    return Diagnostic(code, message, filename, Location(1, 1), Location(1, 2), extra={"severity": severity})
