"""Declaring a model's input size (SPEC §2): pragma, inference, command line, config.

First match wins, per model:

1. ``# cnnlint: input=(1, 3, 224, 224)`` on the line directly above the
   statement creating the model (above the decorators of a class, or between
   them and ``class``), or at the end of that statement's first line.
   Dimensions are positive integers or identifiers (symbols).
2. Inference: a tensor built with static sizes
   (``torch.randn/rand/zeros/ones/empty``, sizes positional, as a tuple/list
   or ``size=``; other keywords ignored) that flows into the model:
   ``net(X)``, ``print(net(X).shape)``, ``net.forward(X)``, ``Net()(X)``,
   ``model = Net(); model(X)``, ``net(torch.randn(...))``, and
   ``for layer in net: X = layer(X)``. ``X`` is the nearest assignment before
   the use in the same scope. The first use in the file wins.
3. ``cli_inputs`` then ``config_inputs``, keyed by model name.

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
from typing import Any

from cnnlint.diagnostics import Location
from cnnlint.extract.model import InputDecl, ModelDef, SourceProblem, Span
from cnnlint.interpret.input_sources import describe

PRAGMA_CODE = "CNL997"
TENSOR_FACTORIES = frozenset({"torch.randn", "torch.rand", "torch.zeros", "torch.ones", "torch.empty"})
_SELF_RETURNING = frozenset(
    {"to", "cuda", "cpu", "eval", "train", "float", "double", "half", "bfloat16", "requires_grad_"}
)
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
    """Rows a pragma may sit on, above the model's statement: the row above it, and above its decorators."""
    row = model.span.start.row
    rows = [row - 1]
    node = ctx.model_nodes.get(id(model)) if ctx is not None else None
    if isinstance(node, ast.ClassDef) and node.decorator_list:
        rows.append(min(d.lineno for d in node.decorator_list) - 1)
    return tuple(rows)


# --------------------------------------------------------------------------- inference


class _Inference:
    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.index = ctx.index

    def dims_of_factory(self, call: ast.AST, scope: Any) -> tuple[int, ...] | None:
        """``torch.randn(1, 3, 224, 224)`` (or a tuple/list, or ``size=``) -> dims, when all are known ints."""
        if not isinstance(call, ast.Call) or self.ctx.qualname(call.func, scope) not in TENSOR_FACTORIES:
            return None
        if any(isinstance(a, ast.Starred) for a in call.args):
            return None
        if call.args:
            if len(call.args) == 1:
                value = self.ctx.values.value(call.args[0], scope)
                values = value if isinstance(value, tuple) else (value,)
            else:
                values = tuple(self.ctx.values.value(a, scope) for a in call.args)
        else:
            size = [k.value for k in call.keywords if k.arg == "size"]
            if not size:
                return None
            value = self.ctx.values.value(size[0], scope)
            values = value if isinstance(value, tuple) else (value,)
        if not values or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in values):
            return None
        return tuple(values)

    def binding_before(self, name: str, scope: Any, pos: tuple) -> Any:
        """The binding of ``name`` in effect at ``pos``: the nearest one before it in the same scope."""
        owner = scope.lookup(name)
        if owner is None:
            return None
        bindings = sorted(owner.bindings[name], key=lambda b: b.pos)
        if owner is scope:
            before = [b for b in bindings if b.pos < pos]
            return before[-1] if before else None
        return bindings[-1]  # an outer scope: its last binding is the one a later call sees

    def tensor(self, expr: ast.AST, scope: Any, pos: tuple) -> tuple[tuple[int, ...], ast.AST] | None:
        expr = _unwrap(expr)
        dims = self.dims_of_factory(expr, scope)
        if dims is not None:
            return dims, expr
        if isinstance(expr, ast.Name):
            binding = self.binding_before(expr.id, scope, pos)
            if binding is not None and binding.kind == "assign":
                value = _unwrap(binding.value)
                dims = self.dims_of_factory(value, binding.scope)
                if dims is not None:
                    return dims, value
        return None

    def model(self, expr: ast.AST, scope: Any, pos: tuple) -> ModelDef | None:
        """The model an expression stands for: ``net``, ``net.forward``, ``Net()``, ``model`` bound to ``Net()``."""
        expr = _unwrap(expr)
        if isinstance(expr, ast.Attribute) and expr.attr == "forward":
            expr = _unwrap(expr.value)
        if isinstance(expr, ast.Name):
            binding = self.binding_before(expr.id, scope, pos)
            if binding is None or binding.kind != "assign":
                return None
            return self._model_of_value(_unwrap(binding.value), binding.scope)
        return self._model_of_value(expr, scope)

    def _model_of_value(self, value: ast.AST, scope: Any) -> ModelDef | None:
        if not isinstance(value, ast.Call):
            return None
        found = self.ctx.sequential_models.get(id(value))
        if found is not None:
            return found
        if isinstance(value.func, ast.Name):
            definition = self.index.definition(value.func.id, scope)
            if definition is not None:
                return self.ctx.class_models.get(id(definition)) or self.ctx.function_models.get(id(definition))
        return None

    def d2l_net(self, expr: ast.AST, scope: Any, pos: tuple) -> ModelDef | None:
        """d2l: the ``self.net`` Sequential of the class ``expr`` builds (``LeNet()``, or ``model`` bound to it)."""
        expr = _unwrap(expr)
        if isinstance(expr, ast.Name):
            binding = self.binding_before(expr.id, scope, pos)
            if binding is None or binding.kind != "assign":
                return None
            expr, scope = _unwrap(binding.value), binding.scope
        if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name)):
            return None
        definition = self.index.definition(expr.func.id, scope)
        if not isinstance(definition, ast.ClassDef):
            return None
        first, last = definition.lineno, definition.end_lineno or definition.lineno
        for model in self.ctx.sequential_models.values():
            if model.name == "self.net" and first <= model.span.start.row <= last:
                return model
        return None

    def d2l_use(self, call: ast.Call, scope: Any, pos: tuple) -> tuple[ModelDef, tuple[int, ...]] | None:
        """``model.layer_summary((1, 1, 28, 28))`` / ``model.apply_init([torch.randn(...)], init_cnn)``."""
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in ("layer_summary", "apply_init"):
            return None
        model = self.d2l_net(func.value, scope, pos)
        if model is None:
            return None
        if func.attr == "apply_init":
            first = call.args[0]
            if not isinstance(first, (ast.List, ast.Tuple)) or not first.elts:
                return None
            tensor = self.tensor(first.elts[0], scope, pos)
            return (model, tensor[0]) if tensor is not None else None
        value = self.ctx.values.value(call.args[0], scope)
        if isinstance(value, tuple) and value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            return (model, value) if all(v >= 1 for v in value) else None
        return None

    def uses(self) -> list[tuple[tuple[int, int], ModelDef, tuple[int, ...], ast.AST]]:
        """(position, model, dims, tensor expression) for each place a static tensor enters a model."""
        found = []
        for site in self.index.calls:
            call = site.node
            if not call.args or isinstance(call.args[0], ast.Starred) or site.stmt is None:
                continue
            pos = (site.stmt.lineno, site.stmt.col_offset)
            d2l = self.d2l_use(call, site.scope, pos)
            if d2l is not None:
                found.append(((call.lineno, call.col_offset), d2l[0], d2l[1], call))
                continue
            model = self.model(call.func, site.scope, pos)
            if model is None:
                continue
            tensor = self.tensor(call.args[0], site.scope, pos)
            if tensor is not None:
                found.append(((call.lineno, call.col_offset), model, tensor[0], tensor[1]))
        for loop, scope in self.index.fors:
            if not isinstance(loop.target, ast.Name):
                continue
            pos = (loop.lineno, loop.col_offset)
            iterable = loop.iter
            if (
                isinstance(iterable, ast.Call)
                and isinstance(iterable.func, ast.Attribute)
                and iterable.func.attr == "children"
                and not iterable.args
            ):
                iterable = iterable.func.value
            model = self.model(iterable, scope, pos)
            if model is None:
                continue
            for stmt in loop.body:
                value = getattr(stmt, "value", None)
                if (
                    isinstance(stmt, ast.Assign)
                    and isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Name)
                    and value.func.id == loop.target.id
                    and len(value.args) == 1
                    and isinstance(value.args[0], ast.Name)
                ):
                    tensor = self.tensor(value.args[0], scope, pos)
                    if tensor is not None:
                        found.append(((loop.lineno, loop.col_offset), model, tensor[0], tensor[1]))
                    break
        found.sort(key=lambda item: item[0])
        return found


def _is_d2l_call(node: ast.Call) -> bool:
    return isinstance(node.func, ast.Attribute) and node.func.attr in ("layer_summary", "apply_init")


def _unwrap(node: Any) -> Any:
    """``Net().to(device).eval()`` -> ``Net()``; ``X.to(device)`` -> ``X``."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _SELF_RETURNING:
        node = node.func.value
    return node


# --------------------------------------------------------------------------- entry


def declare_inputs(
    module: Any,
    text: str,
    models: list[ModelDef],
    cli_inputs: dict[str, Any] | None = None,
    config_inputs: dict[str, Any] | None = None,
    model_nodes: dict[int, ast.AST] | None = None,
) -> list[SourceProblem]:
    """Set ``model.input`` for each model (pragma, inference, cli, config); return pragma problems.

    ``model_nodes`` (model id -> its statement) means the models come from the interpreter alone,
    which infers inputs itself: pragmas are read without running the chain extractor.
    """
    problems: list[SourceProblem] = []
    if not models and "cnnlint" not in text:
        return problems
    if model_nodes is not None:
        ctx: Any = PragmaContext(text, module, model_nodes)
    else:
        from cnnlint.extract import context_for

        ctx = context_for(text, module) if (models or "cnnlint" in text) else None
    pragmas = _pragmas(ctx, problems) if "cnnlint" in text else []
    by_row: dict[int, list[_Pragma]] = {}
    for pragma in pragmas:
        by_row.setdefault(pragma.row, []).append(pragma)
    pending: list[ModelDef] = []
    for model in models:
        model.input = None
        decl = _pragma_for(ctx, model, by_row)
        if decl is not None:
            model.input = decl
        else:
            pending.append(model)
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
    if pending and ctx is not None and model_nodes is None:
        mapped = _map_models(ctx, pending)
        inference = _Inference(ctx)
        done: set[int] = set()
        for _pos, model, dims, node in inference.uses():
            target = mapped.get(id(model))
            if target is None or id(target) in done:
                continue
            done.add(id(target))
            via = describe(node) if isinstance(node, ast.Call) and _is_d2l_call(node) else None
            target.input = InputDecl(tuple(dims), "inferred", ctx.span(node), via=via)
    for model in models:
        if model.input is not None:
            continue
        for source, table in (("cli", cli_inputs), ("config", config_inputs)):
            if table and model.name in table:
                try:
                    model.input = InputDecl(_dims(table[model.name]), source, None)
                except (TypeError, ValueError):
                    continue
                break
    return problems


class PragmaContext:
    """What reading pragmas needs (lines, strings holding '#', class nodes), without extraction."""

    def __init__(self, text: str, tree: Any, model_nodes: dict[int, ast.AST]) -> None:
        from cnnlint.extract.positions import Lines

        self.text = text
        self.lines = Lines(text)
        self.model_nodes = model_nodes
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
    for pragma in candidates:
        pragma.used = True
    if not candidates:
        return None
    chosen = candidates[0]
    return InputDecl(chosen.dims, "pragma", chosen.span)


def _map_models(ctx: Any, models: list[ModelDef]) -> dict[int, ModelDef]:
    """The context's own models -> the caller's models (the same objects, or equal by name and position)."""
    mapped: dict[int, ModelDef] = {}
    by_key = {(m.name, m.span.start): m for m in models}
    given = {id(m) for m in models}
    for own in (*ctx.sequential_models.values(), *ctx.class_models.values()):
        match = own if id(own) in given else by_key.get((own.name, own.span.start))
        if match is not None:
            mapped[id(own)] = match
    return mapped


def _dims(value: Any) -> tuple[int | str, ...]:
    if isinstance(value, str):
        return parse_shape(value)
    return tuple(value)
