"""Where each layer call is written in ``forward``, recovered from the ``ast`` (a fallback).

Today's front end records, for ``self.conv1(x)`` in ``forward``, the span of
``nn.Conv2d(...)`` in ``__init__``; hover needs the span of the call itself.
Until ``Step.call_span`` is filled by the front end, this module pairs the
model's top-level steps, in order, with the calls in ``forward`` in the order
they run (arguments before the call: ``conv1``, ``relu``, ``pool`` in
``self.pool(F.relu(self.conv1(x)))``). A step is paired with the next
``self.NAME(...)`` call for its layer name, or with the call whose span is its
own (functional calls and tensor methods). Anything unpaired gets no span.
Also: the span of the innermost simple statement holding a position.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Sequence

from cnnlint.diagnostics import Location
from cnnlint.lsp.views import Range

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class SourceRows:
    """ast's UTF-8 byte columns -> 1-based code-point columns."""

    def __init__(self, text: str) -> None:
        self.lines = re.split(r"\r\n|\r|\n", text)  # the LSP's and the tokenizer's rows

    def column(self, row: int, offset: int) -> int:
        line = self.lines[row - 1] if 0 < row <= len(self.lines) else ""
        if line.isascii():
            return offset + 1
        return len(line.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "replace")) + 1

    def span(self, node: Any) -> Range:
        end_row = node.end_lineno or node.lineno
        end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return (
            Location(node.lineno, self.column(node.lineno, node.col_offset)),
            Location(end_row, self.column(end_row, end_col)),
        )


def _calls_in_order(node: ast.AST, out: list[ast.Call]) -> None:
    """Calls in the order they run: the callee's receiver and the arguments first, then the call."""
    if isinstance(node, ast.Call):
        _calls_in_order(node.func, out)
        for arg in node.args:
            _calls_in_order(arg, out)
        for keyword in node.keywords:
            _calls_in_order(keyword.value, out)
        out.append(node)
        return
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            _calls_in_order(child, out)


class Index:
    """One walk over the tree: classes by name, and the simple statements (for the statement holding a call)."""

    def __init__(self, tree: ast.Module, rows: SourceRows) -> None:
        self.rows = rows
        self.classes: dict[str, list[ast.ClassDef]] = {}
        nodes: list[ast.stmt] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                self.classes.setdefault(node.name, []).append(node)
            elif isinstance(node, ast.stmt) and not hasattr(node, "body") and not isinstance(node, ast.Pass):
                nodes.append(node)
        nodes.sort(key=lambda n: (n.lineno, n.col_offset))
        self._statements = nodes
        self._starts = [(n.lineno, n.col_offset) for n in nodes]

    def forward(self, name: str, rows: tuple[int, int]) -> ast.FunctionDef | None:
        # A class model the file feeds is named by its variable (``model = Net()``): then by its rows alone.
        nodes = self.classes.get(name) or [n for group in self.classes.values() for n in group]
        for node in nodes:
            if rows[0] <= node.lineno <= rows[1]:
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name == "forward":
                        return item
        return None

    def statement_holding(self, span: Range) -> Range | None:
        """The simple statement that holds ``span`` (simple statements never overlap: the last to start)."""
        row = span[0].row
        index = bisect.bisect_right(self._starts, (row, 1 << 30))
        while index > 0:
            index -= 1
            candidate = self.rows.span(self._statements[index])
            if candidate[0] <= span[0]:
                return candidate if _inside(span, candidate) else None
        return None


def _inside(inner: Range, outer: Range) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def call_spans(index: Index, model: Any, steps: Sequence[Any]) -> dict[int, Range]:
    """Step index -> the span of its call in ``forward``, for a class model's top-level steps."""
    rows = index.rows
    span = model.span
    forward = index.forward(model.name, (span.start.row, span.end.row))
    if forward is None or not forward.args.args:
        return {}
    self_name = forward.args.args[0].arg
    calls: list[ast.Call] = []
    for stmt in forward.body:
        _calls_in_order(stmt, calls)
    spans = [rows.span(c) for c in calls]
    body = rows.span(forward)
    found: dict[int, Range] = {}
    cursor = 0
    for number, step in enumerate(steps):
        origin = getattr(step.layer, "origin", None)
        if step.depth != 0 or origin is None or getattr(origin, "span", None) is None:
            continue
        own: Range = (origin.span.start, origin.span.end)
        match = None
        if _inside(own, body):
            match = next((i for i in range(cursor, len(calls)) if _inside(own, spans[i])), None)
        elif origin.name:
            match = next(
                (
                    i
                    for i in range(cursor, len(calls))
                    if isinstance(calls[i].func, ast.Attribute)
                    and calls[i].func.attr == origin.name
                    and isinstance(calls[i].func.value, ast.Name)
                    and calls[i].func.value.id == self_name
                ),
                None,
            )
        if match is not None:
            found[number] = own if _inside(own, body) else spans[match]
            cursor = match + 1
    return found
