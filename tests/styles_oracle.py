"""Torch's verdict on one tests/styles model file (see tests/styles/README.md).

A clean file is built and run on the meta device: output shape, parameter count and
``FlopCounterMode`` total // 2. A bug file must raise, and the raise is attributed to a
row of the file the way cnnlint reports it: an error inside a torch layer's call is at the
row where that layer was constructed; an error in a tensor operation written in the file
(or at construction) is at the innermost row of the file in the traceback.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import runpy
import sys
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils._python_dispatch import _disable_current_modes
from torch.utils.flop_counter import FlopCounterMode

HEADER = re.compile(r"^#\s*styles:\s*(.*)$", re.M)
PRAGMA = re.compile(r"#\s*cnnlint:\s*input=\(([^)]*)\)")
_INPUT = re.compile(r"input=\(([^)]*)\)(?::(\w+))?")
DTYPES = {"float": torch.float32, "long": torch.long}

# torch's message -> the code cnnlint must report (checked in this order)
MESSAGES: list[tuple[str, str]] = [
    (r"is invalid for input of size|more than 1 spatial element", "CNL005"),
    (r"Sizes of tensors must match except|Tensors must have same number of dimensions", "CNL009"),
    (r"size of tensor a .* must match the size of tensor b|Attempting to broadcast|expanded size", "CNL008"),
    (r"batch2 tensor|cannot be multiplied|same reduction dim|mat2 must be", "CNL010"),
    (r"too small|can't be greater than actual input size|Invalid computed output size", "CNL004"),
    (r"Expected \d+D|expected \d+D|Expected .*D \(unbatched\)", "CNL006"),
    (r"channel|running_mean|normalized_shape|num_features|number of channels", "CNL002"),
]


@dataclass(frozen=True)
class Spec:
    """Which model a file defines and the tensors it is fed."""

    model: str  # an expression evaluated in the file's namespace (`ResNet18()`, `net`)
    name: str  # the name `cnnlint summary` gives the model
    inputs: tuple[tuple[tuple[int, ...], str], ...]  # (shape, dtype name) per forward argument


@dataclass
class Verdict:
    """What torch said about one file."""

    truth: dict[str, Any]
    inexact: list[int] = field(default_factory=list)  # rows of a conv/pool that drops input (CNL003)
    main_inputs: list[tuple[int, ...]] | None = None  # shapes the `__main__` block fed the model


def read_spec(path: Path) -> Spec:
    text = path.read_text()
    header = HEADER.search(text)
    if header:
        fields = dict(re.findall(r"(model|name)=(.*?)(?=\s+(?:model|name|input)=|$)", _INPUT.sub("", header.group(1))))
        inputs = tuple((_dims(d), t or "float") for d, t in _INPUT.findall(header.group(1)))
        model = fields["model"].strip()
        return Spec(model, fields.get("name", re.match(r"\w+", model).group(0)).strip(), inputs)
    lines = text.splitlines()
    for i, line in enumerate(lines):
        match = PRAGMA.search(line)
        if match:
            target = lines[i] if line[: match.start()].strip() else lines[i + 1]
            found = re.match(r"\s*(?:class\s+(\w+)|def\s+(\w+)|(\w+)\s*=)", target)
            assert found, f"{path.name}:{i + 1}: pragma above no class, factory or assignment"
            name = found.group(1) or found.group(2) or found.group(3)
            return Spec(name if found.group(3) else f"{name}()", name, ((_dims(match.group(1)), "float"),))
    raise AssertionError(f"{path.name}: no `# cnnlint: input=` pragma and no `# styles:` header")


def _dims(text: str) -> tuple[int, ...]:
    return tuple(int(d) for d in text.replace(" ", "").split(",") if d)


def side_effects(path: Path) -> list[str]:
    """Module-level statements that do more than define (loops, bare calls, with, try)."""
    allowed = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)
    found = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # docstring
        if isinstance(node, ast.If) and "__name__" in ast.unparse(node.test):
            continue
        if not isinstance(node, allowed):
            found.append(f"{path.name}:{node.lineno}: {type(node).__name__}")
    return found


class _Recorder:
    """Construction rows of torch layers, the innermost module of a raise, CNL003 rows."""

    def __init__(self, path: Path):
        self.file = str(path)
        self.built: dict[int, int] = {}  # id(module) -> row of its constructor call in the file
        self.keep: list[nn.Module] = []
        self.inexact: list[int] = []
        self.top_calls: list[tuple[type, list[tuple[int, ...]]]] = []
        self.depth = 0

    def construction_row(self, module: nn.Module) -> int | None:
        frame = sys._getframe(2)
        while frame is not None:
            if frame.f_code.co_filename == self.file and frame.f_locals.get("self") is not module:
                return frame.f_lineno
            frame = frame.f_back
        return None

    def innermost_row(self, tb) -> int | None:
        rows = [f.lineno for f in traceback.extract_tb(tb) if f.filename == self.file]
        return rows[-1] if rows else None

    @contextlib.contextmanager
    def active(self):
        init, call = nn.Module.__init__, nn.Module.__call__
        recorder = self

        def patched_init(module, *args, **kwargs):
            init(module, *args, **kwargs)
            row = recorder.construction_row(module)
            if row is not None and id(module) not in recorder.built:
                recorder.built[id(module)] = row
                recorder.keep.append(module)

        def patched_call(module, *args, **kwargs):
            if recorder.depth == 0:
                shapes = [tuple(a.shape) for a in args if isinstance(a, torch.Tensor)]
                recorder.top_calls.append((type(module), shapes))
            recorder.depth += 1
            try:
                return call(module, *args, **kwargs)
            except Exception as exc:
                if not hasattr(exc, "styles_module"):
                    exc.styles_module = module
                raise
            finally:
                recorder.depth -= 1

        def pre_hook(module, args):
            if isinstance(module, META_BLIND) and args and isinstance(args[0], torch.Tensor):
                cpu_channel_check(module, args[0])
            if args and isinstance(args[0], torch.Tensor) and inexact(module, tuple(args[0].shape)):
                recorder.inexact.append(recorder.built.get(id(module), -1))

        nn.Module.__init__, nn.Module.__call__ = patched_init, patched_call
        handle = nn.modules.module.register_module_forward_pre_hook(pre_hook)
        try:
            yield self
        finally:
            nn.Module.__init__, nn.Module.__call__ = init, call
            handle.remove()

    def attribute(self, exc: BaseException, phase: str) -> dict[str, Any]:
        """The row and code cnnlint must report for torch's exception."""
        module = getattr(exc, "styles_module", None)
        text = str(exc)
        code = next((c for pattern, c in MESSAGES if re.search(pattern, text)), None)
        if phase == "build":
            row, code, where = self.innermost_row(exc.__traceback__), "CNL005", "construction"
        elif module is not None and type(module).__module__.startswith("torch.nn"):
            row, where = self.built.get(id(module)), type(module).__name__
            if isinstance(module, nn.Linear) and code == "CNL010":
                code = "CNL001"
        else:
            row, where = self.innermost_row(exc.__traceback__), "operation"
        return {"raises": type(exc).__name__, "row": row, "code": code, "where": where}


# The meta kernels of transposed convolutions do not check the input's channels: torch's CPU kernel
# does, run here on a 1x1 map with the layer's weight shape (cheap, whatever the real size).
META_BLIND = (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)
_TRANSPOSED = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def cpu_channel_check(module: nn.Module, x: torch.Tensor) -> None:
    n = module.weight.dim() - 2
    if x.dim() < n + 1:
        return
    with _disable_current_modes():  # not counted by FlopCounterMode
        probe = torch.zeros((1, x.shape[-n - 1]) + (1,) * n, device="cpu")
        _TRANSPOSED[n](probe, torch.zeros(module.weight.shape, device="cpu"), groups=module.groups)


def inexact(module: nn.Module, shape: tuple[int, ...]) -> bool:
    """SPEC's CNL003: a conv/pool whose last window ends before the last input row, every row before it read."""
    kinds = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d)
    kinds += (nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d)
    if not isinstance(module, kinds) or getattr(module, "ceil_mode", False):
        return False
    n = {"1d": 1, "2d": 2, "3d": 3}[type(module).__name__[-2:]]

    def per_dim(value, default):
        value = default if value is None else value
        return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n

    k = per_dim(module.kernel_size, 1)
    s = per_dim(module.stride or module.kernel_size, 1)
    if isinstance(module.padding, str):
        if module.padding == "same":
            return False
        p = (0,) * n
    else:
        p = per_dim(module.padding, 0)
    d = per_dim(getattr(module, "dilation", 1), 1)
    for size, k_, s_, p_, d_ in zip(shape[-n:], k, s, p, d):
        out = (size + 2 * p_ - d_ * (k_ - 1) - 1) // s_ + 1
        if out >= 1 and (out - 1) * s_ + d_ * (k_ - 1) < p_ + size - 1:
            # Windows that skip rows between them (a 1x1 stride-2 shortcut) subsample by design: not CNL003.
            reads = {o * s_ + j * d_ for o in range(out) for j in range(k_)}
            real = [r for r in reads if p_ <= r < p_ + size]
            if real and len(real) == max(real) - p_ + 1:
                return True
    return False


def _shape(out) -> list:
    if isinstance(out, torch.Tensor):
        return list(out.shape)
    return [_shape(o) for o in out]


def judge(path: Path) -> Verdict:
    """Build and run the file's model under torch (meta device) and say what happened."""
    spec = read_spec(path)
    recorder = _Recorder(path)
    quiet = contextlib.redirect_stdout(io.StringIO())
    with torch.device("meta"), quiet, warnings.catch_warnings(), recorder.active():
        warnings.simplefilter("ignore")
        namespace = runpy.run_path(str(path), run_name="styles_model")
        try:
            model = eval(spec.model, namespace)  # the spec names a class, factory or module-level model
        except Exception as exc:
            return Verdict(recorder.attribute(exc, "build"), recorder.inexact)
        assert isinstance(model, nn.Module), f"{path.name}: {spec.model} is not an nn.Module"
        model.eval()
        args = [torch.zeros(shape, dtype=DTYPES[dtype]) for shape, dtype in spec.inputs]
        recorder.depth = 0
        try:
            with FlopCounterMode(display=False) as flops:
                out = model(*args)
        except Exception as exc:
            return Verdict(recorder.attribute(exc, "forward"), recorder.inexact)
        truth = {
            "name": spec.name,
            "inputs": [list(shape) for shape, _ in spec.inputs],
            "output": _shape(out),
            "params": sum(p.numel() for p in model.parameters()),
            "macs": flops.get_total_flops() // 2,
        }
    return Verdict(truth, recorder.inexact)


def run_main(path: Path) -> tuple[dict[str, Any] | None, list[tuple[type, list[tuple[int, ...]]]]]:
    """Run the file as a script (meta device): its raise, attributed, and its top-level module calls."""
    recorder = _Recorder(path)
    quiet = contextlib.redirect_stdout(io.StringIO())
    with torch.device("meta"), quiet, warnings.catch_warnings(), recorder.active():
        warnings.simplefilter("ignore")
        try:
            runpy.run_path(str(path), run_name="__main__")
        except Exception as exc:
            phase = "forward" if recorder.top_calls else "build"
            return recorder.attribute(exc, phase), recorder.top_calls
    return None, recorder.top_calls
