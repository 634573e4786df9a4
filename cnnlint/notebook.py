"""Jupyter notebooks (``.ipynb``): checked as one Python file, reported and fixed per cell.

As ruff does: the code cells are concatenated in order (so an input made by
``torch.randn`` in an earlier cell reaches a model in a later one), and
IPython lines — magics (``%time``, ``%%bash`` cells), shell escapes
(``!pip``), help (``x?``) — are blanked, one row for one row, so every row of
the Python text maps back to a (cell, row) pair. Cells are numbered from 1
over all cells, markdown included, as Jupyter lays them out.

``--fix`` rewrites only the ``source`` of the cells whose text changed; every
other byte of the file (outputs, metadata, key order, indentation, escapes)
stays as it was. The JSON is scanned for the byte span of each cell's source,
and a changed source is written back in its own style: a list of lines keeps
its separators and unchanged lines keep their original encoding.
"""

from __future__ import annotations

import bisect
import json
import re
from json.decoder import scanstring

from cnnlint.diagnostics import Diagnostic, Edit, Fix, Location
from cnnlint.records import dataclass, field, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_MAGIC = re.compile(r"^\s*(?:[%!]|\?)|\?\s*$|^\s*[\w.,\s]+=\s*[%!]")


class NotebookError(ValueError):
    """Not a notebook cnnlint can read (invalid JSON, no cells)."""


@dataclass
class Cell:
    number: int  # 1-based, over all cells
    source: str  # the code as written
    span: tuple[int, int]  # the JSON value's character span in the file's text
    element_spans: list[tuple[int, int]] | None  # each line's span when the source is a list


@dataclass
class Notebook:
    text: str  # the file, decoded
    cells: list[Cell]
    python: str = ""
    rows: list[tuple[int, int]] = field(default_factory=list)  # python row - 1 -> (cell index, cell row)
    _newlines: list[int] | None = None  # offsets of the file's newlines, found when first needed

    @classmethod
    def parse(cls, data: bytes) -> Notebook:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise NotebookError(f"not valid UTF-8 (byte {err.start})") from None
        try:
            cells = _code_cells(text)
        except (ValueError, IndexError, KeyError, TypeError, AttributeError, RecursionError) as err:
            raise NotebookError(f"not a valid notebook ({str(err).splitlines()[0]})") from None
        book = cls(text, cells)
        book._concatenate()
        return book

    def _concatenate(self) -> None:
        out: list[str] = []
        for index, cell in enumerate(self.cells):
            lines = cell.source.split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            cell_magic = bool(lines) and lines[0].lstrip().startswith("%%")
            for row, line in enumerate(lines, start=1):
                out.append("" if cell_magic else _blank_ipython(line))
                self.rows.append((index, row))
        self.python = "".join(line + "\n" for line in out)

    def locate(self, loc: Location) -> tuple[int, Location] | None:
        """(cell index, location in the cell) of a location in the Python text."""
        if not 0 < loc.row <= len(self.rows):
            return None
        index, row = self.rows[loc.row - 1]
        return index, Location(row, loc.column)

    def map_diagnostic(self, d: Diagnostic) -> Diagnostic:
        """``d`` with cell-relative locations and ``extra["cell"]``; a fix spanning cells is dropped."""
        start = self.locate(d.location)
        if start is None:
            return d
        end = self.locate(d.end_location)
        index, location = start
        end_location = end[1] if end is not None and end[0] == index else Location(location.row, location.column + 1)
        cell = self.cells[index]
        extra = {**d.extra, "cell": cell.number, "noqa_row": location.row}
        extra["json_row"], extra["json_col"] = self.json_position(cell, location)
        extra["json_end_row"], extra["json_end_col"] = self.json_position(cell, end_location)
        return replace(d, location=location, end_location=end_location, fix=self._map_fix(d.fix, index), extra=extra)

    def json_position(self, cell: Cell, location: Location) -> tuple[int, int]:
        """Where a cell location is in the .ipynb file: the 1-based (row, column) of that character inside
        the JSON string that holds it, escapes (``\\n``, ``\\"``, ``\\u00e9``) counted as written. What a
        GitHub annotation or a SARIF region points at: the file's own lines, as ``json_row`` does."""
        lines = cell.source.split("\n")
        row = min(max(location.row, 1), len(lines))
        offset = sum(len(line) + 1 for line in lines[: row - 1]) + min(max(location.column, 1) - 1, len(lines[row - 1]))
        pos = _raw_offset(self.text, cell.element_spans or [cell.span], offset)
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        file_row = bisect.bisect_left(self._newlines, pos)
        line_start = self._newlines[file_row - 1] + 1 if file_row else 0
        return file_row + 1, pos - line_start + 1

    def _map_fix(self, fix: Fix | None, index: int) -> Fix | None:
        if fix is None:
            return None
        edits = []
        for edit in fix.edits:
            start, end = self.locate(edit.location), self.locate(edit.end_location)
            if start is None or end is None or start[0] != index or end[0] != index:
                return None
            edits.append(Edit(edit.content, start[1], end[1]))
        return replace(fix, edits=tuple(edits))

    def apply(self, diagnostics: list[Diagnostic], unsafe: bool = False) -> tuple[str, int]:
        """The file's text with the chosen fixes applied to their cells' sources, and how many applied."""
        from cnnlint.fix import applies, apply_edits

        by_cell: dict[int, list[Edit]] = {}
        count = 0
        numbers = {cell.number: i for i, cell in enumerate(self.cells)}
        for d in diagnostics:
            index = numbers.get(d.extra.get("cell", -1))
            if index is None or not applies(d, unsafe):
                continue
            by_cell.setdefault(index, []).extend(d.fix.edits)  # type: ignore[union-attr]
            count += 1
        out = self.text
        for index in sorted(by_cell, reverse=True):  # later spans first: earlier offsets stay valid
            cell = self.cells[index]
            new_source = apply_edits(cell.source, by_cell[index])
            if new_source != cell.source:
                begin, end = cell.span
                out = out[:begin] + _encode_source(self.text, cell, new_source) + out[end:]
        return out, count if out != self.text else 0


def _blank_ipython(line: str) -> str:
    """A magic, shell or help line becomes empty (or ``pass`` where indented, to keep its block valid)."""
    if not _MAGIC.search(line) or _is_python(line):
        return line
    indent = line[: len(line) - len(line.lstrip())]
    return indent + "pass" if indent else ""


def _is_python(line: str) -> bool:
    """``x = a % b`` or ``print(x != y)`` are Python: only a line that does not compile alone is IPython."""
    import ast

    try:
        ast.parse(line.strip())
    except SyntaxError:
        return False
    except (ValueError, RecursionError, MemoryError):
        return True
    return True


# ---- the JSON, with positions ---------------------------------------------------------


def _code_cells(text: str) -> list[Cell]:
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise ValueError("no cells")
    language = (data.get("metadata") or {}).get("language_info", {}).get("name", "python")
    if isinstance(language, str) and language.lower() != "python":
        return []  # an R or Julia notebook: nothing to check
    spans = _source_spans(text)
    cells = []
    for index, cell in enumerate(data["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code" or index not in spans:
            continue
        source = cell.get("source", "")
        joined = "".join(source) if isinstance(source, list) else source
        if not isinstance(joined, str):
            continue
        (begin, end), elements = spans[index]
        cells.append(Cell(index + 1, joined, (begin, end), elements))
    return cells


def _source_spans(text: str) -> dict[int, tuple[tuple[int, int], list[tuple[int, int]] | None]]:
    """Cell index -> (span of its ``source`` value, spans of its list elements or None)."""
    found: dict = {}
    _Scanner(text, found).value(_skip(text, 0), ())
    return found


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]


class _Scanner:
    def __init__(self, text: str, found: dict) -> None:
        self.text, self.found = text, found

    def value(self, pos: int, path: tuple) -> int:
        text = self.text
        char = text[pos]
        if char == '"':
            return scanstring(text, pos + 1)[1]
        if char == "{":
            return self._object(pos, path)
        if char == "[":
            return self._array(pos, path)
        for word in ("true", "false", "null"):
            if text.startswith(word, pos):
                return pos + len(word)
        match = _NUMBER.match(text, pos)
        if not match:
            raise ValueError(f"unexpected {char!r} at {pos}")
        return match.end()

    def _object(self, pos: int, path: tuple) -> int:
        text, pos = self.text, _skip(self.text, pos + 1)
        if text[pos] == "}":
            return pos + 1
        while True:
            key, pos = scanstring(text, pos + 1)
            pos = _skip(text, _skip(text, pos) + 1)  # past ":"
            start = pos
            is_source = len(path) == 2 and path[0] == "cells" and key == "source"
            pos = self.value(pos, (*path, key))
            if is_source:
                elements = self._elements(start) if text[start] == "[" else None
                self.found[path[1]] = ((start, pos), elements)
            pos = _skip(text, pos)
            if text[pos] == "}":
                return pos + 1
            pos = _skip(text, pos + 1)

    def _array(self, pos: int, path: tuple) -> int:
        text, pos = self.text, _skip(self.text, pos + 1)
        if text[pos] == "]":
            return pos + 1
        index = 0
        while True:
            pos = _skip(text, self.value(pos, (*path, index)))
            index += 1
            if text[pos] == "]":
                return pos + 1
            pos = _skip(text, pos + 1)

    def _elements(self, pos: int) -> list[tuple[int, int]]:
        text, out = self.text, []
        pos = _skip(text, pos + 1)
        while text[pos] != "]":
            end = scanstring(text, pos + 1)[1]
            out.append((pos, end))
            pos = _skip(text, end)
            if text[pos] == ",":
                pos = _skip(text, pos + 1)
        return out


def _raw_offset(text: str, literals: list[tuple[int, int]], offset: int) -> int:
    """The file offset of the ``offset``-th character of the text the JSON string ``literals`` (each
    ``(opening quote, after the closing quote)``) hold together; past the end: the last closing quote."""
    for start, end in literals:
        pos = start + 1
        while pos < end - 1:
            if not offset:
                return pos
            offset -= 1
            if text[pos] != "\\":
                pos += 1
            elif text[pos + 1] != "u":
                pos += 2
            elif 0xD800 <= int(text[pos + 2 : pos + 6], 16) < 0xDC00 and _low_surrogate(text, pos + 6):
                pos += 12  # one character written as a surrogate pair
            else:
                pos += 6
    return literals[-1][1] - 1 if literals else 0


def _low_surrogate(text: str, pos: int) -> bool:
    digits = text[pos + 2 : pos + 6]
    return text.startswith("\\u", pos) and len(digits) == 4 and 0xDC00 <= int(digits, 16) < 0xE000


def _split_lines(source: str) -> list[str]:
    """nbformat's list form: each line keeps its ``\\n``; no empty last element."""
    parts = source.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _dumps(value: str, like: str) -> str:
    """``value`` as a JSON string, escaping non-ASCII only when the file does (``like``)."""
    return json.dumps(value, ensure_ascii=not any(ord(c) > 127 for c in like) and "\\u" in like)


def _encode_source(text: str, cell: Cell, source: str) -> str:
    begin, end = cell.span
    if cell.element_spans is None:
        return _dumps(source, text[begin:end])
    old_lines = _split_lines(cell.source)
    new_lines = _split_lines(source)
    spans = cell.element_spans
    raw = text[begin:end]
    if len(new_lines) == len(old_lines) == len(spans):  # the usual fix: lines edited in place
        out, last = [], begin
        for (s, e), old, new in zip(spans, old_lines, new_lines):
            out.append(text[last:s])
            out.append(text[s:e] if old == new else _dumps(new, raw))
            last = e
        out.append(text[last:end])
        return "".join(out)
    if not spans:
        return _dumps_list(new_lines, "[", "]", "\n, ", raw)
    opening = text[begin : spans[0][0]]
    closing = text[spans[-1][1] : end]
    separator = text[spans[0][1] : spans[1][0]] if len(spans) > 1 else "," + opening[1:]
    return _dumps_list(new_lines, opening, closing, separator, raw)


def _dumps_list(lines: list[str], opening: str, closing: str, separator: str, like: str) -> str:
    return opening + separator.join(_dumps(line, like) for line in lines) + closing


def is_notebook(filename: str) -> bool:
    return filename.endswith(".ipynb")


def check_notebook(data: bytes, filename: str, options: Any = None) -> Any:
    """``check.check_bytes`` for a notebook: the concatenated code, findings mapped to cells."""
    from cnnlint.check import FileResult, _file_diag, check_bytes

    try:
        book = Notebook.parse(data)
    except NotebookError as err:
        result = FileResult(filename)
        result.diagnostics = [_file_diag(filename, "CNL999", f"the notebook cannot be read: {err}", 1, 1)]
        return result
    result = check_bytes(book.python.encode("utf-8"), filename, options)
    result.diagnostics = [book.map_diagnostic(d) for d in result.diagnostics]
    result.diagnostics.sort(key=lambda d: d.sort_key)
    return result


def map_diagnostics(data: bytes, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics located in a notebook's concatenated code (``--runtime``'s), mapped to cells."""
    try:
        book = Notebook.parse(data)
    except NotebookError:
        return diagnostics
    return [book.map_diagnostic(d) for d in diagnostics]


def fix_notebook(data: bytes, diagnostics: list[Diagnostic], *, unsafe: bool = False) -> tuple[bytes, int]:
    """The notebook with its fixes applied (``fix.fix_bytes`` for ``.ipynb``)."""
    try:
        book = Notebook.parse(data)
    except NotebookError:
        return data, 0
    text, count = book.apply(diagnostics, unsafe)
    if not count:
        return data, 0
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    return (bom + text).encode("utf-8"), count
