"""The torch side of ``--runtime``: a worker process that builds models on the meta device.

This file is self-contained on purpose (standard library only at import, torch
inside ``main``): ``cnnlint.runtime`` runs it by path in a fresh interpreter,
without the current directory on ``sys.path``, so neither the user's project nor
cnnlint's own modules can shadow what torch imports. The parent imports it too,
for ``validate`` (pure ``ast``).

Nothing of the user's file is imported or run. The parent sends plain data per
model: each layer's constructor expression as written (``nn.Conv2d(3, 96, 11,
stride=4)``), the file's torch aliases (``nn`` -> ``torch.nn``), the constants
cnnlint resolved, and the chain to follow. Every expression is validated here
again before ``eval`` with empty builtins: names from that namespace only,
attribute chains on them that resolve to a public ``torch.nn`` class, a
``torch.nn.functional`` function or a dtype, calls of ``torch.nn`` classes
only, literals, tuples/lists, arithmetic, keywords.

Speed: the worker imports torch once and pays its first-use costs before
saying it is ready (the time limit covers checking only). ``torch._dynamo``,
which the meta device's decompositions import only to mark themselves "not
to be compiled", is replaced by a stand-in (``_LazyDynamo``) that loads the
real module the moment anything else is asked of it; a model whose check
meets the stand-in in an error is checked again with the real module.

Protocol: length-prefixed pickles on stdin/stdout. The worker says
``{"ready": True}`` once torch is imported and warm, then answers each
``{"op": "check", ...}`` with ``{"results": [...]}``, one entry per step of the
static trace, in its order (containers before their children):

- ``None``: not run;
- ``("shape", (1, 96, 55, 55))``: torch's output shape;
- ``("build", "ValueError: ...")``: the constructor raised;
- ``("forward", "RuntimeError: ...")``: the forward raised.
"""

from __future__ import annotations

import ast
import io
import os
import pickle
import struct
import sys
import time
import types
from collections.abc import Mapping
from typing import Any, BinaryIO

HEADER = struct.Struct(">I")
MAX_FRAME = 1 << 28

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


# ---- framing ---------------------------------------------------------------


def write_frame(stream: BinaryIO, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=4)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


class _PlainUnpickler(pickle.Unpickler):
    """Messages are plain data both ways: no class is ever loaded (nor torch imported) by reading one."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"unexpected object {module}.{name} in a runtime-check message")


def read_frame(stream: BinaryIO) -> Any:
    """The next message, or raises EOFError."""
    header = _read_exact(stream, HEADER.size)
    (size,) = HEADER.unpack(header)
    if size > MAX_FRAME:
        raise EOFError("not a runtime-check message (something else wrote to the pipe)")
    return _PlainUnpickler(io.BytesIO(_read_exact(stream, size))).load()


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


# ---- the torch side --------------------------------------------------------


def _error(exc: BaseException) -> str:
    text = str(exc).strip()
    first = text.splitlines()[0].strip() if text else ""
    if len(first) > 300:
        first = first[:297] + "..."
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


class _LazyDynamo(types.ModuleType):
    """Stands in for ``torch._dynamo`` until something needs more than ``disable``.

    torch's reference decompositions (what the meta device runs for addmm,
    hardtanh, ...) are wrapped in ``torch._disable_dynamo``, which imports all
    of torch._dynamo on first call (~1 s of CPU) just to wrap them in a
    "do not compile this" guard. Nothing is ever compiled here, so that guard
    is the function itself. Any other use loads the real module.
    """

    def __init__(self, torch: Any) -> None:
        super().__init__("torch._dynamo")
        self._torch = torch

    def disable(self, fn: Any = None, *args: Any, **kwargs: Any) -> Any:
        if fn is None or not callable(fn):
            return self.real().disable(fn, *args, **kwargs)
        return fn

    def real(self) -> Any:
        import importlib

        if sys.modules.get("torch._dynamo") is self:
            del sys.modules["torch._dynamo"]
        if self._torch.__dict__.get("_dynamo") is self:
            del self._torch._dynamo
        return importlib.import_module("torch._dynamo")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            # Not a package: ``import torch._dynamo.x`` fails, naming torch._dynamo, and
            # Checker.check then runs the model again with the real module.
            raise AttributeError(name)
        return getattr(self.real(), name)


class Checker:
    def __init__(self) -> None:
        import torch

        self.torch = torch
        self.nn = torch.nn
        self.F = torch.nn.functional
        self.stub: _LazyDynamo | None = None
        if "torch._dynamo" not in sys.modules and not os.environ.get("CNNLINT_RUNTIME_REAL_DYNAMO"):
            self.stub = _LazyDynamo(torch)
            sys.modules["torch._dynamo"] = self.stub
            torch._dynamo = self.stub

    def unstub(self) -> None:
        if self.stub is not None:
            self.stub.real()
            self.stub = None

    # -- namespace ------------------------------------------------------------

    def resolve(self, dotted: str) -> Any:
        parts = dotted.split(".")
        if parts[0] != "torch" or any(p.startswith("_") for p in parts):
            raise LookupError(dotted)
        obj: Any = self.torch
        for part in parts[1:]:
            obj = getattr(obj, part)
        return obj

    def namespace(self, aliases: Mapping[str, str], constants: Mapping[str, Any]) -> dict[str, Any]:
        ns: dict[str, Any] = {"__builtins__": {}}
        for name, value in constants.items():
            if name.isidentifier() and not name.startswith("cnnlint_") and name not in aliases and plain(value):
                ns[name] = value
        for name, dotted in aliases.items():
            try:
                ns[name] = self.resolve(dotted)
            except (LookupError, AttributeError):
                continue
        return ns

    def build(self, code: str, aliases: Mapping[str, str], constants: Mapping[str, Any], ns: dict) -> Any:
        compiled, calls, bound = prepare(code, aliases, constants)  # validated again: the worker trusts no one
        for dotted in calls:
            try:
                obj = self.resolve(dotted)
            except (LookupError, AttributeError):
                continue  # eval raises the AttributeError users would see
            if not (isinstance(obj, type) and issubclass(obj, self.nn.Module)):
                raise Unsafe(f"{dotted} is not a torch.nn.Module class")
        with self.torch.device("meta"):
            module = eval(compiled, {**ns, **bound})  # noqa: S307 - validated above; "__builtins__": {}
        if not isinstance(module, self.nn.Module):
            raise TypeError(f"the expression gave a {type(module).__name__}, not a torch.nn.Module")
        module.eval()  # shapes are the same; BatchNorm accepts a batch of one
        return module

    # -- one model ------------------------------------------------------------

    def check(self, request: Mapping[str, Any]) -> list:
        """One model; again with the real torch._dynamo if the stand-in shows in any error."""
        try:
            results = self._check(request)
        except Exception as exc:
            if self.stub is None or "_dynamo" not in str(exc):
                raise
            self.unstub()
            return self._check(request)
        if self.stub is not None and any(r is not None and r[0] != "shape" and "_dynamo" in r[1] for r in results):
            self.unstub()
            results = self._check(request)
        return results

    def _check(self, request: Mapping[str, Any]) -> list:
        delay = request.get("delay") or 0
        if delay:
            time.sleep(delay)  # test hook: a model that takes long
        aliases = request["aliases"]
        constants = request["constants"]
        ns = self.namespace(aliases, constants)
        results: list = []
        modules: dict[int, Any] = {}
        build_errors: dict[int, str] = {}
        self._build_all(request["nodes"], aliases, constants, ns, modules, build_errors, [0])
        torch = self.torch
        x = None
        dims = request.get("input")
        if dims is not None:
            dtype = torch.long if request.get("integer_input") else torch.float32
            x = torch.empty(tuple(dims), dtype=dtype, device="meta")
        run = dims is not None
        with torch.no_grad():
            self._forward(request["nodes"], x, run, modules, build_errors, results)
        return results

    def _build_all(self, nodes, aliases, constants, ns, modules, errors, counter) -> None:  # type: ignore[no-untyped-def]
        for node in nodes:
            index = counter[0]
            counter[0] += 1
            if node["kind"] == "module":
                try:
                    modules[index] = self.build(node["code"], aliases, constants, ns)
                except Unsafe as exc:
                    errors[index] = f"not checked: {exc}"
                except Exception as exc:  # noqa: BLE001 - torch raising is the answer
                    errors[index] = _error(exc)
            if node["kind"] == "seq":
                self._build_all(node["children"], aliases, constants, ns, modules, errors, counter)

    def _forward(self, nodes, x, run, modules, build_errors, results):  # type: ignore[no-untyped-def]
        torch = self.torch
        for node in nodes:
            index = len(results)
            kind = node["kind"]
            if kind == "seq":
                results.append(None)
                x = self._forward(node["children"], x, run, modules, build_errors, results)
                if run and x is not None:
                    results[index] = ("shape", tuple(x.shape))
                continue
            if index in build_errors:
                message = build_errors[index]
                results.append(None if message.startswith("not checked:") else ("build", message))
                x = None
                continue
            if not run or kind == "stop":
                results.append(None)
                x = None
                continue
            static_in = node.get("in")
            if static_in is not None and (x is None or tuple(x.shape) != tuple(static_in)):
                # Judge each layer alone: feed it what the static pass says it receives.
                dtype = torch.long if node.get("integer_input") else (x.dtype if x is not None else torch.float32)
                x = torch.empty(tuple(static_in), dtype=dtype, device="meta")
            if x is None:
                results.append(None)
                continue
            try:
                out = self._apply(node, index, x, modules)
            except Unsafe:
                results.append(None)
                x = None
                continue
            except Exception as exc:  # noqa: BLE001 - torch raising is the answer
                results.append(("forward", _error(exc)))
                x = None
                continue
            if isinstance(out, (tuple, list)):
                out = out[0] if out else None  # return_indices=True, recurrent layers
            if not isinstance(out, torch.Tensor):
                results.append(("forward", f"TypeError: the layer returned {type(out).__name__}, not a tensor"))
                x = None
                continue
            results.append(("shape", tuple(out.shape)))
            x = out
        return x

    def _apply(self, node, index, x, modules):  # type: ignore[no-untyped-def]
        kind = node["kind"]
        if kind == "module":
            return modules[index](x)
        if kind == "identity":
            return x
        name = node["name"]
        if name.startswith("_"):
            raise Unsafe(name)
        args = [self._arg(a, x) for a in node.get("args", ())]
        kwargs = {k: self._arg(v, x) for k, v in node.get("kwargs", {}).items()}
        if kind == "func":
            namespace = node["namespace"]
            if namespace == "torch.nn.functional":
                fn = getattr(self.F, name)
            elif namespace == "torch" and name in TORCH_FUNCS:
                fn = getattr(self.torch, name)
            else:
                raise Unsafe(f"{namespace}.{name}")
            return fn(x, *args, **kwargs)
        if kind == "method":
            if name not in SHAPE_METHODS and name not in TORCH_FUNCS and not hasattr(self.F, name):
                raise Unsafe(f"Tensor.{name}")
            return getattr(x, name)(*args, **kwargs)
        raise Unsafe(kind)

    def _arg(self, value: Any, x: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"size"}:
            return x.size(value["size"])
        if isinstance(value, tuple):
            return tuple(self._arg(v, x) for v in value)
        if isinstance(value, list):
            return [self._arg(v, x) for v in value]
        if not isinstance(value, PLAIN):
            raise Unsafe(f"argument {value!r}")
        return value

    def warm_up(self) -> None:
        """Pay torch's first-call costs before any model is timed.

        The meta kernels of conv and linear import torch._dynamo on first use (~1 s).
        """
        nn = self.nn
        with self.torch.device("meta"):
            net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(2, 2), nn.ReLU())
        with self.torch.no_grad():
            net(self.torch.empty(1, 1, 4, 4, device="meta"))


#: Address space the worker may add to what torch needed to load: a model that wants more gets a
#: MemoryError (its layer is "not checked"), never the machine's memory.
MEMORY_HEADROOM = 2 << 30


def _limit_memory() -> None:
    """Cap the worker's address space at its size once torch is warm, plus ``MEMORY_HEADROOM``."""
    try:
        import resource

        with open("/proc/self/statm", "rb") as handle:
            pages = int(handle.read().split()[0])
        current = pages * os.sysconf("SC_PAGE_SIZE")
        limit = current + MEMORY_HEADROOM
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft == resource.RLIM_INFINITY or soft > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError, AttributeError):
        pass  # not Linux: no cap, the time limit still applies


def main() -> None:
    stdin = sys.stdin.buffer
    stdout = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # stray prints must not corrupt the protocol
    import warnings

    warnings.simplefilter("ignore")
    try:
        checker = Checker()
        checker.warm_up()
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        write_frame(stdout, {"ready": False, "error": _error(exc)})
        return
    _limit_memory()
    write_frame(stdout, {"ready": True, "torch": str(checker.torch.__version__)})
    while True:
        try:
            request = read_frame(stdin)
        except EOFError:
            request = None
        if request is None:
            stdout.flush()
            os._exit(0)  # nothing to clean up; torch's interpreter teardown takes seconds
        try:
            answer = {"results": checker.check(request)}
        except Exception as exc:  # noqa: BLE001 - one bad model must not end the worker
            answer = {"error": _error(exc)}
        write_frame(stdout, answer)


if __name__ == "__main__":
    main()
