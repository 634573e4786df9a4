"""Declaring a model's input size (SPEC §2): pragma, inference, command line, config.

First match wins, per model:

1. ``# cnnlint: input=(1, 3, 224, 224)`` on the line directly above the
   statement creating the model (above the decorators of a class, or between
   them and ``class``), or at the end of that statement's first line.
   Dimensions are positive integers or identifiers (symbols). Read here
   (``declare_inputs``).
2. Inference: a tensor the code feeds the model, seen by the interpreter as it
   runs the file (``cnnlint.interpret.models.infer_inputs``).
3. ``--input NAME=...`` then ``[tool.cnnlint.inputs]``, keyed by model name
   (``cnnlint.check``; ``parse_shape`` reads them).

Every ``# cnnlint:`` comment is read: one that cannot be parsed, or that is
not attached to a model, is a ``CNL997`` problem, never ignored silently.
"""

from __future__ import annotations

import ast
import bisect
import keyword
import re
import types
from collections.abc import Iterable

from cnnlint.diagnostics import Location
from cnnlint.model import InputDecl, ModelDef, SourceProblem, Span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PRAGMA_CODE = "CNL997"
_DIRECTIVE = re.compile(r"#\s*cnnlint\s*:(?P<body>[^#]*)")
_KEY_VALUE = re.compile(r"\s*(?P<key>[A-Za-z_][\w-]*)\s*=(?P<value>.*)", re.DOTALL)  # value stripped after: linear
_INT = re.compile(r"^[+-]?\d+$")
_IDENT = re.compile(r"^[A-Za-z_]\w*$")


# --------------------------------------------------------------------------- shapes


def parse_shape(text: str) -> tuple[int | str, ...]:
    """``"1,3,224,224"``, ``"(B, 3, 224, 224)"``, ``"[1, 3, 32, 32]"`` -> dims; ValueError saying what is wrong."""
    s = str(text).strip()
    if not s:
        raise ValueError("the input shape is empty")
    pairs = {"(": ")", "[": "]"}
    if s[0] in pairs:
        closing = pairs[s[0]]
        if not s.endswith(closing):
            if closing in s:
                raise ValueError(f"unexpected text after {closing!r} in {text.strip()!r}")
            raise ValueError(f"missing closing {closing!r} in {text.strip()!r}")
        s = s[1:-1].strip()
    elif s[-1] in ")]":
        raise ValueError(f"unmatched {s[-1]!r} in {text.strip()!r}")
    if any(c in s for c in "()[]"):
        raise ValueError(f"nested brackets in {text.strip()!r}: give one flat list of dimensions")
    parts = [p.strip() for p in s.split(",")]
    if parts and parts[-1] == "" and len(parts) > 1:
        parts.pop()  # a trailing comma: (1,)
    if not parts or parts == [""]:
        raise ValueError("the input shape has no dimensions")
    dims: list[int | str] = []
    for part in parts:
        if part == "":
            raise ValueError(f"an empty dimension in {text.strip()!r}")
        if _INT.match(part):
            value = int(part)
            if value < 1:
                raise ValueError(f"dimension {part} is not a positive integer")
            dims.append(value)
        elif _IDENT.match(part) and not keyword.iskeyword(part):
            dims.append(part)
        else:
            raise ValueError(f"dimension {part!r} is neither a positive integer nor a name")
    return tuple(dims)


# --------------------------------------------------------------------------- pragmas


class _Pragma:
    __slots__ = ("row", "span", "dims", "comment_only", "used")

    def __init__(self, row: int, span: Span, dims: tuple[int | str, ...], comment_only: bool) -> None:
        self.row = row
        self.span = span
        self.dims = dims
        self.comment_only = comment_only
        self.used = False


def _string_ranges(strings: list[ast.expr], rows: set[int]) -> dict[int, list[tuple[int, int]]]:
    """Per row in ``rows``: the (start, end) byte columns covered by string literals (end -1: to the end).

    Each literal looks up only the rows it spans (bisect), so 20k strings over 20k rows stay linear.
    """
    ordered = sorted(rows)
    ranges: dict[int, list[tuple[int, int]]] = {}
    for node in strings:
        first, last = node.lineno, node.end_lineno or node.lineno
        for k in range(bisect.bisect_left(ordered, first), bisect.bisect_right(ordered, last)):
            row = ordered[k]
            start = node.col_offset if row == first else 0
            end = (node.end_col_offset or 0) if row == last else -1
            ranges.setdefault(row, []).append((start, end))
    return ranges


def _comments(ctx: Any) -> Iterable[tuple[int, int, str]]:
    """(row, 0-based char column of '#', comment text) of comments that mention cnnlint."""
    lines = ctx.lines
    rows: list[int] = []
    at = ctx.text.find("cnnlint")
    while at >= 0:
        row = bisect.bisect_right(lines.starts, at)
        if not rows or rows[-1] != row:
            rows.append(row)
        at = ctx.text.find("cnnlint", at + 7)
    if not rows:
        return
    strings = _string_ranges(ctx.index.hash_strings, set(rows))
    for row in rows:
        line = lines.line(row)
        encoded = None
        byte_col = last_col = pos = 0
        while True:
            col = line.find("#", pos)
            if col < 0:
                break
            if row in strings:
                if encoded is None:
                    encoded = line.encode("utf-8", "surrogatepass")
                byte_col += len(line[last_col:col].encode("utf-8", "surrogatepass"))  # incremental: linear
                last_col = col
                hit = next((e for s, e in strings[row] if s <= byte_col < (e if e >= 0 else len(encoded) + 1)), None)
                if hit is not None:  # inside a string: go on after it, not one '#' at a time
                    if hit < 0:
                        break
                    pos = max(col + 1, len(encoded[:hit].decode("utf-8", "surrogatepass")))
                    continue
            yield row, col, line[col:]
            break


def _pragmas(ctx: Any, problems: list[SourceProblem]) -> list[_Pragma]:
    found: list[_Pragma] = []
    for row, col, comment in _comments(ctx):
        line = ctx.lines.line(row)
        comment_only = line[:col].strip() == ""
        for match in _DIRECTIVE.finditer(comment):
            start = col + match.start()
            end = col + match.end()
            span = Span(
                Location(row, start + 1), Location(row, len(line.rstrip()) + 1 if end >= len(line) else end + 1)
            )
            body = match.group("body").strip()
            try:
                dims = _directive(body)
            except ValueError as err:
                problems.append(SourceProblem(PRAGMA_CODE, f"invalid cnnlint pragma: {err}", span))
                continue
            found.append(_Pragma(row, span, dims, comment_only))
    return found


def _directive(body: str) -> tuple[int | str, ...]:
    if not body:
        raise ValueError("nothing after 'cnnlint:' (expected input=(N, C, H, W))")
    match = _KEY_VALUE.match(body)
    if match is None:
        raise ValueError(f"{body!r} is not key=value (expected input=(N, C, H, W))")
    key, value = match.group("key"), match.group("value").strip()
    if key != "input":
        raise ValueError(f"unknown key {key!r} (expected input=(N, C, H, W))")
    if not value:
        raise ValueError("input= has no value (expected input=(N, C, H, W))")
    return parse_shape(value)


def _header_rows(ctx: Any, model: ModelDef) -> tuple[int, ...]:
    """Rows a pragma may sit on, above the model's statement: the row above it, and above its decorators
    (and above the statement that builds the instance checked as the class: ``model = Net()``)."""
    row = model.span.start.row
    rows = [row - 1]
    node = ctx.model_nodes.get(id(model)) if ctx is not None else None
    if isinstance(node, ast.ClassDef) and node.decorator_list:
        rows.append(min(d.lineno for d in node.decorator_list) - 1)
    built_at = ctx.built_at.get(id(model)) if ctx is not None else None
    if built_at is not None:
        rows.append(built_at.lineno - 1)
    return tuple(rows)


def pragma_rows(tree: Any, text: str) -> dict[int, int]:
    """Where the pragmas are, before any model is known: row -> the column a statement on that row must start
    before to own its pragma (0: a comment-only row, which belongs to the statement below it)."""
    if "cnnlint" not in text:
        return {}
    ctx = PragmaContext(text, tree, {})
    return {p.row: 0 if p.comment_only else p.span.start.column for p in _pragmas(ctx, [])}


# --------------------------------------------------------------------------- entry


def declare_inputs(
    module: Any,
    text: str,
    models: list[ModelDef],
    model_nodes: dict[int, ast.AST] | None = None,
    built_at: dict[int, ast.stmt] | None = None,
) -> list[SourceProblem]:
    """Set ``model.input`` from the pragma attached to each model; return the pragma problems.

    ``model_nodes``: model id -> its class node (a pragma may sit above its decorators). ``built_at``:
    model id -> the module-level statement that built the instance a class is checked as (``model = Net()``
    under a pragma: that statement's pragma is the class's). What the
    code feeds a model (``interpret.models.infer_inputs``), then the command line and the
    configuration (``check``) come after, for the models no pragma declared.
    """
    problems: list[SourceProblem] = []
    if "cnnlint" not in text:
        return problems
    ctx = PragmaContext(text, module, model_nodes or {}, built_at or {})
    pragmas = _pragmas(ctx, problems)
    by_row: dict[int, list[_Pragma]] = {}
    for pragma in pragmas:
        by_row.setdefault(pragma.row, []).append(pragma)
    for model in models:
        model.input = _pragma_for(ctx, model, by_row)
    for pragma in pragmas:
        if not pragma.used:
            problems.append(
                SourceProblem(
                    PRAGMA_CODE,
                    "cnnlint pragma not attached to a model: put it on the line directly above the statement "
                    "that creates the model (or the class line), or at the end of that statement's first line",
                    pragma.span,
                )
            )
    return problems


class PragmaContext:
    """What reading pragmas needs (lines, strings holding '#', class nodes), without extraction."""

    def __init__(
        self, text: str, tree: Any, model_nodes: dict[int, ast.AST], built_at: dict[int, ast.stmt] | None = None
    ) -> None:
        from cnnlint.interpret.positions import Lines

        self.text = text
        self.lines = Lines(text)
        self.model_nodes = model_nodes
        self.built_at = built_at or {}
        self._tree = tree

    @property
    def index(self) -> Any:
        """Only ``hash_strings``: literals with '#' (not comments) in the statements on rows naming cnnlint."""
        rows = sorted({bisect.bisect_right(self.lines.starts, at) for at in _occurrences(self.text, "cnnlint")})
        strings = [
            n
            for n in _nodes_on_rows(self._tree.body, rows)
            if isinstance(n, ast.JoinedStr)
            or isinstance(n, ast.Constant)
            and isinstance(n.value, (str, bytes))
            and _has_hash(n.value)
        ]
        return types.SimpleNamespace(hash_strings=strings)


def _occurrences(text: str, word: str) -> Iterable[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + len(word))


def _nodes_on_rows(body: list[ast.stmt], rows: list[int]) -> Iterable[ast.AST]:
    """Every node of the statements that span one of the sorted ``rows`` (compound ones: only the parts that do)."""
    for stmt in body:
        first, last = stmt.lineno, stmt.end_lineno or stmt.lineno
        at = bisect.bisect_left(rows, first)
        if at == len(rows) or rows[at] > last:
            continue
        inner = [getattr(stmt, name, None) for name in ("body", "orelse", "finalbody", "handlers")]
        blocks = [b for b in inner if isinstance(b, list) and b and isinstance(b[0], ast.AST)]
        if not blocks:
            yield from ast.walk(stmt)
            continue
        for child in ast.iter_child_nodes(stmt):  # the header: decorators, bases, test, target, ...
            if not isinstance(child, (ast.stmt, ast.excepthandler)):
                yield from ast.walk(child)
        for block in blocks:
            yield from _nodes_on_rows(block, rows)  # type: ignore[arg-type]


def _has_hash(value: str | bytes) -> bool:
    return ("#" in value) if isinstance(value, str) else (b"#" in value)


def _pragma_for(ctx: Any, model: ModelDef, by_row: dict[int, list[_Pragma]]) -> InputDecl | None:
    row = model.span.start.row
    candidates = [p for r in _header_rows(ctx, model) for p in by_row.get(r, ()) if p.comment_only]
    candidates += [p for p in by_row.get(row, ()) if p.span.start.column > model.span.start.column]
    built_at = ctx.built_at.get(id(model)) if ctx is not None else None
    if built_at is not None:  # at the end of the first line of ``model = Net(  # cnnlint: input=(...)``
        candidates += [p for p in by_row.get(built_at.lineno, ()) if p.span.start.column > built_at.col_offset + 1]
    for pragma in candidates:
        pragma.used = True
    if not candidates:
        return None
    chosen = candidates[0]
    return InputDecl(chosen.dims, "pragma", chosen.span)


def _dims(value: Any) -> tuple[int | str, ...]:
    if isinstance(value, str):
        return parse_shape(value)
    return tuple(value)
