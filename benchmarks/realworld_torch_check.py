"""Every error cnnlint reports on timm's factories, checked against torch (the oracle).

    python benchmarks/realworld_torch_check.py [--jobs 2]

Each ``@register_model`` factory of timm's released model files (the real-world cache of
``../shared/tools/realworld.sh``) is declared at its pretrained config's input with batch 1, as
``benchmarks/realworld.py`` declares it, in one ``cnnlint summary`` run per file. For every model cnnlint
reports an error in, the same factory is built with the installed timm (``timm.create_model``) on the meta
device, in training mode (as a new model is), and run on a tensor of that shape: the error is confirmed when
torch raises too. Prints one line per model and, last, ``models with an error: N; torch raises too: A; torch
runs: R`` (R is the number of false errors; it must be 0). Needs the dev extra (torch, torchvision, timm).
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import json
import subprocess
import sys
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realworld import _cnnlint_command, realworld_src  # noqa: E402


def _factories(path: Path) -> list[str]:
    def registers(d: ast.expr) -> bool:
        return (isinstance(d, ast.Name) and d.id == "register_model") or (
            isinstance(d, ast.Attribute) and d.attr == "register_model"
        )

    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and any(map(registers, n.decorator_list))]


def _input_of(timm: types.ModuleType, name: str) -> tuple[int, ...]:
    try:
        cfg = timm.get_pretrained_cfg(name)
    except Exception:  # noqa: BLE001 - a factory without a registered config: the default input
        cfg = None
    return (1, *(cfg.input_size if cfg is not None else (3, 224, 224)))


def _errors(cnnlint: list[str], path: Path, dims: dict[str, tuple[int, ...]]) -> list[tuple[str, str, str]]:
    """(model, code, message) of the first error cnnlint reports in each declared model of ``path``."""
    args = [a for name, d in dims.items() for a in ("--input", f"{name}={','.join(map(str, d))}")]
    run = subprocess.run([*cnnlint, "summary", "--output-format", "json", *args, str(path)], capture_output=True)
    found = []
    for model in json.loads(run.stdout or b"{}").get("models", []):
        if model["name"] not in dims:
            continue
        diags = [d for layer in model.get("layers", []) for d in layer.get("diagnostics", [])]
        first = next((d for d in diags if d.get("severity") == "error"), None)
        if first is not None:
            found.append((model["name"], first["code"], first["message"]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2, help="cnnlint processes at once")
    args = parser.parse_args()
    # torchvision's compiled extension is a CUDA build: timm needs none of its operators
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    import timm
    import torch

    cnnlint = _cnnlint_command(None)
    files = sorted((realworld_src() / "timm" / "models").glob("*.py"))
    work = [(f, {n: _input_of(timm, n) for n in _factories(f)}) for f in files]
    work = [(f, dims) for f, dims in work if dims]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda item: (item[0], item[1], _errors(cnnlint, *item)), work))
    raises = runs = 0
    for path, dims, errors in results:
        for name, code, message in errors:
            try:
                with torch.device("meta"):
                    model = timm.create_model(name)
                    model.train()
                    model(torch.zeros(*dims[name]))
                verdict = "TORCH RUNS (a false error)"
                runs += 1
            except Exception as err:  # noqa: BLE001 - whatever torch raises confirms the error
                verdict = f"torch raises {type(err).__name__}: {str(err).splitlines()[0][:100]}"
                raises += 1
            print(f"{path.name}:{name} {dims[name]} {code} {message[:100]}\n    -> {verdict}")
    print(f"models with an error: {raises + runs}; torch raises too: {raises}; torch runs: {runs}")


if __name__ == "__main__":
    main()
