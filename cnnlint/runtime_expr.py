"""What the runtime check's worker may evaluate: a layer constructor expression, validated as pure syntax.

Standard library only (``ast``): the parent imports it to refuse an expression
before sending it; the torch worker (``runtime_worker.py``, run by path) loads
this file by path too and validates every expression again before ``eval``.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Plain values a resolved constant or a functional argument may hold.
PLAIN = (int, float, bool, str, type(None))

# Non-call values an expression may name (``dtype=torch.float32``).
DTYPES = frozenset(
    {
        "float", "float16", "float32", "float64", "half", "double", "bfloat16",
        "int", "int8", "int16", "int32", "int64", "long", "short", "uint8", "bool",
        "complex64", "complex128", "cfloat", "cdouble",
    }
)  # fmt: skip

# torch.X(x, ...) the worker may apply (the ones cnnlint's engine models).
TORCH_FUNCS = frozenset({"flatten", "relu", "sigmoid", "tanh", "softmax", "log_softmax", "dropout", "selu", "celu"})
# x.X(...) tensor methods that change the shape, and those that are applied like functional ops.
SHAPE_METHODS = frozenset({"view", "reshape", "flatten"})

_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
_UNARYOPS = (ast.UAdd, ast.USub, ast.Not, ast.Invert)
MAX_POWER = 64  # ``2 ** 10`` yes, ``9 ** 9 ** 9`` no
# Sizes a layer constructor expression may have: the worker never builds a 4 GB string.
MAX_CODE = 20_000  # characters of one expression
MAX_NODES = 4_000  # syntax nodes in it
MAX_NESTING = 100  # depth of its syntax tree (a 1,500-term sum is refused, not a RecursionError)
MAX_STR = 1_000  # characters of a string literal or constant
MAX_INT_BITS = 64  # a layer size, an index, a seed
MAX_ITEMS = 1_000  # elements of a constant, across nesting
MAX_REPEAT = 64  # ``(3,) * 2`` yes, ``(0,) * 10**9`` no
# torch.nn.functional names an expression may pass as a value (activation=F.gelu), never a module
# the namespace happens to import (F.importlib, F.torch, F.math) nor a helper class.
FUNCTIONAL_VALUES = frozenset(
    {
        "celu", "elu", "gelu", "glu", "hardshrink", "hardsigmoid", "hardswish", "hardtanh", "leaky_relu",
        "log_softmax", "logsigmoid", "mish", "normalize", "prelu", "relu", "relu6", "rrelu", "selu", "sigmoid",
        "silu", "softmax", "softmin", "softplus", "softshrink", "softsign", "tanh", "tanhshrink",
        "threshold",
    }
)  # fmt: skip


class Unsafe(Exception):
    """An expression the runtime check will not evaluate; the message says why."""


def plain(value: Any) -> bool:
    """True for the values a constant may take into the namespace: small plain data, nested tuples/lists.

    Iterative and bounded (``MAX_ITEMS`` elements, ``MAX_STR`` characters,
    ``MAX_INT_BITS``-bit ints), so neither a deep nor a huge constant reaches
    the worker or blows the parent's stack.
    """
    stack, seen = [value], 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > MAX_ITEMS:
            return False
        if isinstance(item, (tuple, list)):
            stack.extend(item)
        elif isinstance(item, str):
            if len(item) > MAX_STR:
                return False
        elif isinstance(item, int) and not isinstance(item, bool):
            if item.bit_length() > MAX_INT_BITS:
                return False
        elif not isinstance(item, PLAIN):
            return False
    return True


def allowed_path(dotted: str, *, call: bool) -> bool:
    """May an expression use this torch object (as the callee when ``call``)?"""
    parts = dotted.split(".")
    if any(not p or p.startswith("_") for p in parts):
        return False
    if len(parts) == 3 and parts[:2] == ["torch", "nn"] and parts[2][:1].isupper():
        return True  # a torch.nn class: a layer, or passed as a value (norm_layer=nn.BatchNorm2d)
    if call:
        return False
    if len(parts) == 4 and parts[:3] == ["torch", "nn", "functional"]:
        return parts[3] in FUNCTIONAL_VALUES
    return len(parts) == 2 and parts[0] == "torch" and (parts[1] in DTYPES or parts[1] in TORCH_FUNCS)


def validate(code: str, aliases: Mapping[str, str], constants: Mapping[str, Any]) -> list[str]:
    """Check a layer's constructor expression; returns the dotted torch classes it calls.

    Raises ``Unsafe`` with the reason for anything outside the allowed grammar.
    """
    if len(code) > MAX_CODE:
        raise Unsafe(f"its expression is longer than {MAX_CODE} characters")
    try:
        tree = ast.parse(code.strip(), mode="eval")
    except SyntaxError:
        raise Unsafe("its source is not a single expression") from None
    except (RecursionError, MemoryError, ValueError):
        raise Unsafe("its expression is nested too deeply") from None
    _check_size(tree.body)
    calls: list[str] = []
    _check_node(tree.body, aliases, constants, calls)
    return calls


def _dotted(node: ast.expr, aliases: Mapping[str, str]) -> str | None:
    """``nn.Conv2d`` -> ``torch.nn.Conv2d`` through the file's aliases; None for a non-alias root."""
    attrs: list[str] = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id], *reversed(attrs)])


def _text(node: ast.expr) -> str | None:
    """``self.WIDTH`` for a chain of attributes on a name; None for anything else."""
    attrs: list[str] = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(attrs)])


class _Rewrite(ast.NodeTransformer):
    """Replace dotted constants (``self.WIDTH``) by names bound in the namespace, and any
    ``device=`` argument by ``"meta"`` (a layer built for "cuda" must not fail, nor one for "cpu" allocate)."""

    def __init__(self, constants: Mapping[str, Any]) -> None:
        self.constants = constants
        self.bound: dict[str, Any] = {}

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        text = _text(node)
        if text is not None and text in self.constants:
            name = f"cnnlint_constant_{len(self.bound)}"
            self.bound[name] = self.constants[text]
            return ast.copy_location(ast.Name(id=name, ctx=ast.Load()), node)
        return self.generic_visit(node)

    def visit_keyword(self, node: ast.keyword) -> ast.AST:
        if node.arg == "device":
            return ast.copy_location(ast.keyword(arg="device", value=ast.Constant("meta")), node)
        return self.generic_visit(node)


def prepare(code: str, aliases: Mapping[str, str], constants: Mapping[str, Any]) -> tuple[Any, list[str], dict]:
    """Validate, then compile: the code object, the torch classes it calls, the dotted constants it binds."""
    calls = validate(code, aliases, constants)
    tree = ast.parse(code.strip(), mode="eval")
    transformer = _Rewrite(constants)
    tree = ast.fix_missing_locations(transformer.visit(tree))
    return compile(tree, "<layer>", "eval"), calls, transformer.bound


def _no_private(node: ast.expr) -> ast.expr:
    """The root of an attribute chain; raises Unsafe on a private or dunder attribute."""
    while isinstance(node, ast.Attribute):
        if node.attr.startswith("_"):
            raise Unsafe(f"it reads the private attribute {node.attr!r}")
        node = node.value
    return node


def _check_size(root: ast.AST) -> None:
    """Unsafe unless the tree is small and shallow (checked without recursion, before anything recurses)."""
    stack = [(root, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise Unsafe(f"its expression has more than {MAX_NODES} parts")
        if depth > MAX_NESTING:
            raise Unsafe(f"its expression is nested more than {MAX_NESTING} deep")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _is_number(node: ast.AST, constants: Mapping[str, Any]) -> bool:
    """An expression that can only give a number: numeric literals and constants, arithmetic on them."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    if isinstance(node, (ast.Name, ast.Attribute)):
        value = constants.get(_text(node) or "", None)
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(node, ast.UnaryOp):
        return _is_number(node.operand, constants)
    if isinstance(node, ast.BinOp):
        return _is_number(node.left, constants) and _is_number(node.right, constants)
    return False


def _check_binop(node: ast.BinOp, constants: Mapping[str, Any]) -> None:
    """Arithmetic on numbers only; a literal tuple repeated a few times; powers of small literals."""
    left, right = node.left, node.right
    sequences = (ast.Tuple, ast.List)
    if isinstance(node.op, ast.Mult) and isinstance(left, sequences) != isinstance(right, sequences):
        count = right if isinstance(left, sequences) else left
        if not (isinstance(count, ast.Constant) and type(count.value) is int and 0 <= count.value <= MAX_REPEAT):
            raise Unsafe(f"it repeats a sequence other than a small literal number of times (at most {MAX_REPEAT})")
        return
    if not (_is_number(left, constants) and _is_number(right, constants)):
        raise Unsafe(f"it applies {type(node.op).__name__} to something other than numbers")
    nested_power = any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow) for n in ast.walk(left))
    if isinstance(node.op, ast.Pow) and nested_power:
        raise Unsafe("it raises a power to a power")


def _check_node(node: ast.AST, aliases: Mapping[str, str], constants: Mapping[str, Any], calls: list[str]) -> None:
    if isinstance(node, ast.Constant):
        if not isinstance(node.value, PLAIN):
            raise Unsafe(f"it contains the literal {node.value!r}")
        if not plain(node.value):
            raise Unsafe("it contains a literal too large for a layer argument")
        return
    if isinstance(node, (ast.Tuple, ast.List)):
        for elt in node.elts:
            if isinstance(elt, ast.Starred):
                raise Unsafe("it unpacks with *")
            _check_node(elt, aliases, constants, calls)
        return
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, _UNARYOPS):
            raise Unsafe(f"it uses the operator {type(node.op).__name__}")
        _check_node(node.operand, aliases, constants, calls)
        return
    if isinstance(node, ast.BinOp):
        if not isinstance(node.op, _BINOPS):
            raise Unsafe(f"it uses the operator {type(node.op).__name__}")
        if isinstance(node.op, ast.Pow):
            exponent = node.right
            if not (
                isinstance(exponent, ast.Constant)
                and isinstance(exponent.value, int)
                and abs(exponent.value) <= MAX_POWER
            ):
                raise Unsafe(f"it raises to a power other than a small literal (at most {MAX_POWER})")
        _check_binop(node, constants)
        _check_node(node.left, aliases, constants, calls)
        _check_node(node.right, aliases, constants, calls)
        return
    if isinstance(node, ast.Name):
        if node.id in aliases:
            if not allowed_path(aliases[node.id], call=False):
                raise Unsafe(f"it uses {node.id} ({aliases[node.id]}) as a value")
            return
        if node.id in constants and plain(constants[node.id]):
            return
        raise Unsafe(f"{node.id!r} is not a torch name or a constant cnnlint resolved")
    if isinstance(node, ast.Attribute):
        if _text(node) in constants:
            return  # a class-level constant: self.WIDTH
        chain = _no_private(node)
        dotted = _dotted(node, aliases)
        if dotted is None:
            root = chain.id if isinstance(chain, ast.Name) else type(chain).__name__
            raise Unsafe(f"{root!r} is not a torch module the file imported")
        if not allowed_path(dotted, call=False):
            raise Unsafe(f"it uses {dotted}, which is not a torch.nn class, functional op or dtype")
        return
    if isinstance(node, ast.Call):
        if not isinstance(node.func, (ast.Name, ast.Attribute)):
            raise Unsafe("it calls something other than a torch.nn class")
        _no_private(node.func)
        dotted = _dotted(node.func, aliases)
        if dotted is None or not allowed_path(dotted, call=True):
            shown = ast.unparse(node.func)
            raise Unsafe(f"it calls {shown}, which is not a torch.nn class")
        calls.append(dotted)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise Unsafe("it passes arguments with *")
            _check_node(arg, aliases, constants, calls)
        for kw in node.keywords:
            if kw.arg is None:
                raise Unsafe("it passes arguments with **")
            _check_node(kw.value, aliases, constants, calls)
        return
    raise Unsafe(f"it contains a {type(node).__name__} expression")
