"""How much of torchvision's and timm's released model code cnnlint follows (issue 11, item 2).

    python benchmarks/realworld.py [--cnnlint CMD] [--jobs N] [--only torchvision|timm] [--names N]

The sources are the torchvision 0.29.1 and timm 1.0.31 wheels, unzipped and
never imported. timm is read from the cache the shared real-world script uses
(``${XDG_CACHE_HOME:-~/.cache}/cnnlint-realworld/src/timm``). That cache keeps
only ``torchvision/models``, where every ``from ..ops.misc import
Conv2dNormActivation`` is unresolvable, so torchvision is read as the complete
package the wheel ships (models, ops, utils, transforms, ...: its ``*.py``
files) from this benchmark's own cache beside it
(``${XDG_CACHE_HOME:-~/.cache}/cnnlint-realworld-benchmark/torchvision``),
unzipped from the shared cache's wheel or ``pip download --no-deps`` when
missing. Only ``torchvision/models/**`` is counted and checked; the rest of
the package is there for the imports to resolve.

Definitions, found with ``ast`` here (independently of cnnlint):

- module definition: a class of torchvision's ``models/**`` or of timm whose
  base is ``nn.X`` / ``torch.nn.X`` / ``Module`` / ``Sequential`` /
  ``ModuleList`` / ``ModuleDict``, or (by simple name, anywhere in the same
  package, ``torchvision.ops`` included) another module definition;
- classification model class: a module definition whose *own* ``__init__`` has
  a parameter ``num_classes`` and that no other module definition of its file
  names in its body (that excludes heads and auxiliary classifiers such as
  ``InceptionAux``), in an image-classification file: torchvision's
  ``models/*.py`` (not detection/, segmentation/, video/, optical_flow/,
  quantization/) and timm's ``models/*.py`` (not ``layers/``, where the
  classifier heads live);
- factory: a module-level function of those files decorated with
  ``register_model`` (how both packages register ``resnet18`` and friends). A
  factory builds the classification classes named in its body or, through
  module-level helpers of its file (``_resnet``, ``_create_resnet``), theirs.

Every classification class and factory of a file is declared with
``--input NAME=1,3,224,224`` in one ``cnnlint summary --output-format json`` run
per file, except timm's factories, which are declared at the input of their
registered pretrained config (``timm.get_pretrained_cfg(name).input_size``,
read from the installed timm of the dev extra), as ``timm.create_model`` builds
them and as cnnlint infers it: a 384x384 model fed 224x224 is a true error,
not a following failure. ``--forced-input`` declares 224 for every one. The
other counted files go in one batched run, so errors and crashes cover all of
torchvision's ``models/**`` and all of timm. A class counts as followed when
cnnlint follows the class built with its defaults, or a factory of its file that builds it. "Followed"
is the model's ``followed`` key when cnnlint reports one; otherwise a known
output shape with no unknown dimension, known totals and not partial. The
reason a model stopped is ``stopped.reason`` when reported, else its first
CNL100 message, bucketed below (numbers and names dropped).
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

WHEELS = ("torchvision==0.29.1", "timm==1.0.31")
TARGETS = {"torchvision": 0.80, "timm": 0.60}
INPUT = "1,3,224,224"
NN_BASES = {"Module", "Sequential", "ModuleList", "ModuleDict"}
ERROR_SEVERITIES = {"error"}
TIMEOUT = 300


def realworld_src() -> Path:
    """The unpacked model sources (``src/torchvision`` = torchvision/models, ``src/timm``), fetched if missing."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cnnlint-realworld"
    src = cache / "src"
    if (src / "torchvision").is_dir() and (src / "timm").is_dir():
        return src
    shutil.rmtree(src, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, *WHEELS]
        subprocess.run(cmd, check=True, capture_output=True)
        unpacked = Path(tmp) / "unpacked"
        for wheel in Path(tmp).glob("*.whl"):
            zipfile.ZipFile(wheel).extractall(unpacked)
        src.mkdir(parents=True)
        shutil.move(str(unpacked / "torchvision" / "models"), str(src / "torchvision"))
        shutil.move(str(unpacked / "timm"), str(src / "timm"))
    return src


def torchvision_package() -> Path:
    """The whole torchvision package of the wheel (its ``*.py`` files), unzipped into this benchmark's cache."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    package = cache / "cnnlint-realworld-benchmark" / "torchvision"
    if (package / "models").is_dir() and (package / "ops").is_dir():
        return package
    shutil.rmtree(package, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        wheels = sorted((cache / "cnnlint-realworld" / "dl").glob("torchvision-0.29.1-*.whl"))
        if not wheels:
            cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, WHEELS[0]]
            subprocess.run(cmd, check=True, capture_output=True)
            wheels = sorted(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheels[0]) as wheel:
            members = [m for m in wheel.namelist() if m.startswith("torchvision/") and m.endswith(".py")]
            wheel.extractall(Path(tmp) / "unpacked", members)
        package.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(Path(tmp) / "unpacked" / "torchvision"), str(package))
    return package


# -- what the sources define (ast only) --------------------------------------------------------


def _dotted(expr: ast.expr) -> str:
    if isinstance(expr, ast.Attribute):
        return f"{_dotted(expr.value)}.{expr.attr}"
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Call):
        return _dotted(expr.func)
    return ""


def _is_nn_base(name: str) -> bool:
    return name.startswith(("nn.", "torch.nn.")) or name in NN_BASES


@dataclass
class FileDefs:
    path: Path
    in_scope: bool
    modules: list[str] = field(default_factory=list)
    classifiers: list[str] = field(default_factory=list)
    no_defaults: set[str] = field(default_factory=set)  # classifiers whose __init__ needs arguments
    factories: dict[str, set[str]] = field(default_factory=dict)  # factory -> classifiers it builds


def _init_args(cls: ast.ClassDef) -> ast.arguments | None:
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and node.name == "__init__":
            return node.args
    return None


def _needs_arguments(args: ast.arguments) -> bool:
    positional = args.posonlyargs + args.args
    kw_missing = any(d is None for d in args.kw_defaults)
    return len(positional) - 1 > len(args.defaults) or kw_missing


def _referenced(start: str, direct: dict[str, set[str]], depth: int = 3) -> set[str]:
    """Names used by function `start` and, `depth` calls deep, by the module-level functions it names."""
    names, frontier = set(direct[start]), {start}
    for _ in range(depth):
        frontier = {n for f in frontier for n in direct[f] if n in direct and n not in frontier} - {start}
        for f in frontier:
            names |= direct[f]
    return names


def _names_in_body(cls: ast.ClassDef) -> set[str]:
    return {node.id for stmt in cls.body for node in ast.walk(stmt) if isinstance(node, ast.Name)}


def scan(root: Path, in_scope, counted=lambda rel: True) -> list[FileDefs]:
    """Every counted file's module definitions, classification classes and factories (bases: all files)."""
    trees: dict[Path, ast.Module] = {}
    for path in sorted(root.rglob("*.py")):
        try:
            trees[path] = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
    classes = [(p, c) for p, t in trees.items() for c in ast.walk(t) if isinstance(c, ast.ClassDef)]
    module_names: set[str] = set()
    while True:  # fixed point: a class deriving from a module definition is one
        grown = {
            c.name
            for _, c in classes
            if any(_is_nn_base(b) or b.rsplit(".", 1)[-1] in module_names for b in map(_dotted, c.bases))
        }
        if grown <= module_names:
            break
        module_names |= grown
    found = []
    for path, tree in trees.items():
        if not counted(path.relative_to(root)):
            continue
        defs = FileDefs(path, in_scope(path.relative_to(root)))
        mine = {c.name: c for p, c in classes if p == path and c.name in module_names}
        used = {name: _names_in_body(c) for name, c in mine.items()}
        for cls in mine.values():
            defs.modules.append(cls.name)
            if any(cls.name in names for other, names in used.items() if other != cls.name):
                continue  # a head or auxiliary classifier, built inside a model of the file
            args = _init_args(cls)
            names = {a.arg for a in (args.posonlyargs + args.args + args.kwonlyargs)} if args else set()
            if defs.in_scope and "num_classes" in names:
                defs.classifiers.append(cls.name)
                if _needs_arguments(args):
                    defs.no_defaults.add(cls.name)
        functions = [f for f in tree.body if isinstance(f, ast.FunctionDef)] if defs.in_scope else []
        direct = {f.name: {n.id for n in ast.walk(f) if isinstance(n, ast.Name)} for f in functions}
        for fn in functions:
            if any(_dotted(d).endswith("register_model") for d in fn.decorator_list):
                defs.factories[fn.name] = _referenced(fn.name, direct) & set(defs.classifiers)
        found.append(defs)
    return found


def torchvision_scope(rel: Path) -> bool:
    return len(rel.parts) == 2 and rel.parts[0] == "models"


def torchvision_counted(rel: Path) -> bool:
    return rel.parts[0] == "models"


def timm_scope(rel: Path) -> bool:
    return len(rel.parts) == 2 and rel.parts[0] == "models"


# -- running cnnlint ---------------------------------------------------------------------------


@dataclass
class Outcome:
    models: dict[tuple[str, str], dict] = field(default_factory=dict)  # (resolved file, name) -> model
    diagnostics: set[tuple] = field(default_factory=set)  # (file, row, code, severity, message)
    crashes: list[str] = field(default_factory=list)
    processes: int = 0


def _run(
    cmd: list[str], files: list[Path], names: list[tuple[str, str]]
) -> tuple[list[Path], subprocess.CompletedProcess | str]:
    declared = [f"--input={name}={size}" for name, size in names]
    args = [*cmd, "summary", "--output-format", "json", *declared, *map(str, files)]
    try:
        return files, subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return files, f"timeout after {TIMEOUT} s"


def _collect(outcome: Outcome, files: list[Path], proc: subprocess.CompletedProcess | str) -> None:
    outcome.processes += 1
    where = files[0].name if len(files) == 1 else f"{len(files)} files"
    if isinstance(proc, str):
        outcome.crashes.append(f"{where}: {proc}")
        return
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        data = None
    if data is None or proc.returncode not in (0, 1) or "Traceback" in proc.stderr:
        outcome.crashes.append(f"{where}: exit {proc.returncode} {proc.stderr.strip()[-300:]}")
    if data is None:
        return
    found = set()
    for model in data.get("models", []):
        filename = str(Path(model["filename"]).resolve())
        outcome.models.setdefault((filename, model["name"]), model)
        for layer in model.get("layers", []):
            for d in layer.get("diagnostics", []):
                found.add((filename, layer["row"], d["code"], d["severity"], d["message"]))
    for d in data.get("diagnostics", []):
        row = (d.get("location") or {}).get("row")
        found.add((str(Path(d["filename"]).resolve()), row, d["code"], d["severity"], d["message"]))
    outcome.crashes += [f"{Path(d[0]).name}:{d[1]}: {d[4]}" for d in found if d[2] == "CNL998"]
    outcome.diagnostics |= found


def config_inputs(names: list[str]) -> dict[str, str]:
    """timm's registered input size of each factory (batch 1); empty when timm cannot be imported."""
    try:
        import types

        # torchvision's compiled ops are a CUDA build here; timm's models use none of them
        sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
        import timm.models
    except Exception:  # noqa: BLE001 - the benchmark then declares 224 for every factory
        print("(timm not importable: every factory declared at 224)", file=sys.stderr)
        return {}
    out = {}
    for name in names:
        cfg = timm.models.get_pretrained_cfg(name)
        if cfg is not None and cfg.input_size:
            out[name] = "1," + ",".join(map(str, cfg.input_size))
    return out


def run_cnnlint(cmd: list[str], defs: list[FileDefs], jobs: int, inputs: dict[str, str] | None = None) -> Outcome:
    inputs = inputs or {}
    named = [
        (d.path, [(n, inputs.get(n, INPUT)) for n in d.classifiers + list(d.factories)])
        for d in defs
        if d.classifiers or d.factories
    ]
    rest = [d.path for d in defs if not (d.classifiers or d.factories)]
    outcome = Outcome()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_run, cmd, [path], names) for path, names in named]
        if rest:
            futures.append(pool.submit(_run, cmd, rest, []))
        for future in futures:
            _collect(outcome, *future.result())
    return outcome


# -- judging and printing ----------------------------------------------------------------------


def followed(model: dict | None) -> bool:
    if model is None:
        return False
    if "followed" in model:
        return bool(model["followed"])
    out = model.get("output_shape")
    return bool(out) and None not in out and model.get("total_params") is not None and not model.get("partial")


_BUCKETS = [
    (r"arguments given with \* or \*\*", "*args/**kwargs passed to a torch layer"),
    (r"^unknown layer self\.", "helper method returning layers"),
    (r"^unknown layer ", "unknown layer (project class, helper, or layer passed in)"),
    (r"^\*.* cannot be followed", "nn.Sequential(*list) built elsewhere"),
    (r"is not an op cnnlint knows", "tensor op not modelled"),
    (r"size not resolvable", "view/reshape size not resolvable"),
    (r"is assigned more than once", "attribute assigned more than once"),
    (r"OrderedDict|add_module", "OrderedDict / add_module"),
    (r"forward is not straight-line .*\(calls ", "forward: calls a function or method"),
]


def bucket(message: str) -> str:
    message = re.sub(r"^shape following stops here: ", "", message)
    for pattern, label in _BUCKETS:
        if re.search(pattern, message):
            return label
    straight = re.search(r"forward is not straight-line .*\((.*)\)", message)
    if straight:
        return f"forward: {straight.group(1)}"
    return re.sub(r"\d+", "N", message)[:70]


def stop_reason(model: dict | None) -> str:
    if model is None:
        return "no model reported for this name"
    if model.get("stopped"):
        return bucket(str(model["stopped"].get("reason", "")))
    diagnostics = [d for layer in model.get("layers", []) for d in layer.get("diagnostics", [])]
    errors = [d["code"] for d in diagnostics if d["severity"] == "error"]
    if errors:
        return f"an error ({errors[0]}) at this input size"
    notes = [d for d in diagnostics if d["code"] == "CNL100"]
    if notes:
        return bucket(notes[0]["message"])
    if model.get("input_shape") is None:
        return "no input size reached the model"
    if not model.get("partial") and model.get("total_macs") is not None:
        return "followed to the end, output not one tensor (a tuple)"
    return "not followed, no CNL100 says why"


def report(label: str, root: Path, defs: list[FileDefs], outcome: Outcome, seconds: float, names: int = 0) -> None:
    def model(d: FileDefs, name: str) -> dict | None:
        return outcome.models.get((str(d.path.resolve()), name))

    modules = [(d, n) for d in defs for n in d.modules]
    classes = [(d, n) for d in defs for n in d.classifiers]
    factories = [(d, n) for d in defs for n in d.factories]
    factory_ok = {(id(d), n) for d, n in factories if followed(model(d, n))}
    class_ok = [
        (d, n)
        for d, n in classes
        if followed(model(d, n)) or any((id(d), f) in factory_ok for f, built in d.factories.items() if n in built)
    ]
    reasons: dict[str, collections.Counter] = {"classes": collections.Counter(), "factories": collections.Counter()}
    examples: dict[str, list[str]] = collections.defaultdict(list)
    for kind, items in (("classes", [c for c in classes if c not in class_ok]), ("factories", factories)):
        for d, n in items:
            if not followed(model(d, n)):
                reason = stop_reason(model(d, n))
                reasons[kind][reason] += 1
                examples[reason].append(f"{d.path.name}:{n}")
    severities = collections.Counter(diag[3] for diag in outcome.diagnostics)
    share = len(class_ok) / len(classes) if classes else 0.0
    rows = [
        ("module definitions (nn.Module subclasses)", len(modules)),
        ("  reported as a model by cnnlint", sum(model(d, n) is not None for d, n in modules)),
        ("  followed to the end", sum(followed(model(d, n)) for d, n in modules)),
        ("classification model classes", len(classes)),
        ("  needing constructor arguments", sum(len(d.no_defaults) for d in defs)),
        ("  followed (class or a factory)", f"{len(class_ok)} = {share:.0%}  target >= {TARGETS[label]:.0%}"),
        ("  followed as the class with its defaults", sum(followed(model(d, n)) for d, n in classes)),
        ("factories (@register_model)", len(factories)),
        ("  followed to the end", len(factory_ok)),
    ]
    print(f"== {label}: {root}  ({len(defs)} files, {outcome.processes} cnnlint runs, {seconds:.1f} s wall)")
    for name, value in rows:
        print(f"{name + ':':<46}{value}")
    print(f"{'first blocker of each not followed':<62} classes  factories")
    total = collections.Counter(reasons["classes"]) + reasons["factories"]
    for reason, _ in total.most_common():
        print(f"  {reason[:60]:<60} {reasons['classes'][reason]:>7} {reasons['factories'][reason]:>9}")
        if names:
            print(f"      {', '.join(examples[reason][:names])}")
    errors, warnings = severities["error"], severities["warning"]
    print(f"errors={errors} warnings={warnings} crashes={len(outcome.crashes)} seconds={seconds:.1f}")
    for crash in outcome.crashes[:10]:
        print(f"  crash: {crash}")
    for diag in sorted(x for x in outcome.diagnostics if x[3] in ("error", "warning"))[:10]:
        print(f"  {Path(diag[0]).relative_to(root.parent)}:{diag[1]}: {diag[2]} {diag[4]}")
    print()


def _cnnlint_command(given: str | None) -> list[str]:
    if given:
        return given.split()
    script = Path(sys.executable).parent / "cnnlint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cnnlint"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cnnlint", help="command that runs cnnlint (default: the one beside this Python)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="cnnlint processes at once")
    parser.add_argument("--only", choices=sorted(TARGETS))
    parser.add_argument("--names", type=int, default=0, help="list up to this many file:name per blocker")
    parser.add_argument("--forced-input", action="store_true", help="declare 1,3,224,224 for timm's factories too")
    args = parser.parse_args()
    cmd = _cnnlint_command(args.cnnlint)
    for label in ("torchvision", "timm"):
        if args.only and args.only != label:
            continue
        if label == "torchvision":
            root = torchvision_package()
            defs = scan(root, torchvision_scope, torchvision_counted)
        else:
            root = realworld_src() / label
            defs = scan(root, timm_scope)
        start = time.perf_counter()
        inputs = {} if label != "timm" or args.forced_input else config_inputs([n for d in defs for n in d.factories])
        outcome = run_cnnlint(cmd, defs, args.jobs, inputs)
        report(label, root, defs, outcome, time.perf_counter() - start, args.names)


if __name__ == "__main__":
    main()
