"""The torch side of ``--runtime``: a worker process that builds models on the meta device.

This file uses the standard library only at import (torch inside ``main``), and
``runtime_expr.py`` beside it, loaded by path: ``cnnlint.runtime`` runs it by
path in a fresh interpreter, without the current directory on ``sys.path``, so
neither the user's project nor cnnlint's own modules can shadow what torch
imports. The parent imports both as package modules (``validate`` is pure ``ast``).

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

import io
import os
import pickle
import struct
import sys
import time
import types
from collections.abc import Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, BinaryIO

HEADER = struct.Struct(">I")
MAX_FRAME = 1 << 28


def _sibling(name: str) -> types.ModuleType:
    """A module of this directory, loaded by path: run by path in the torch process, this file must not
    import the cnnlint package (nothing on ``sys.path`` is trusted there)."""
    import importlib.util

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"_cnnlint_worker_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


if __name__ == "cnnlint.runtime_worker":  # imported by the parent, as part of the package
    from cnnlint import runtime_expr as _expr
else:
    _expr = _sibling("runtime_expr")
PLAIN, SHAPE_METHODS, TORCH_FUNCS = _expr.PLAIN, _expr.SHAPE_METHODS, _expr.TORCH_FUNCS
Unsafe, plain, prepare, validate = _expr.Unsafe, _expr.plain, _expr.prepare, _expr.validate

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
