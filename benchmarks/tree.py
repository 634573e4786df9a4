"""A whole tree, side by side: flake8 (E,F), ruff, and cnnlint cold, warm and after touching one file.

    python benchmarks/tree.py [--runs 3] [--src DIR]

The tree is the model sources of torchvision and timm, unpacked from their
wheels into ``${XDG_CACHE_HOME:-~/.cache}/cnnlint-realworld/src`` the way
``realworld.sh`` does (downloaded with pip if missing; nothing is imported
or run). Each tool checks a private copy, from its root, as a project
would. Prints the median wall time of each, the ratios the targets are
stated in (cold <= 0.5x flake8; warm <= 0.05x cold) and how many files
cnnlint checked again after one file changed: the touched file is the one
whose direct importers (a static scan of import statements) number closest
to 20. It is changed twice: a comment appended (no code a check reads
changes: only the file itself is checked again), then a statement appended
to its top-level code (every file whose check loaded the module, directly or
through the helpers it ran, is checked again).
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

WHEELS = ("torchvision==0.29.1", "timm==1.0.31")
# Where each package's modules are in the unpacked tree.
PACKAGES = {"torchvision.models": "torchvision", "timm": "timm"}
TALLY = re.compile(r"(\d+) files: (\d+) checked, (\d+) from cache")


def source_tree(src: Path | None) -> Path:
    """The unpacked model sources, downloaded as realworld.sh does when missing."""
    if src is not None:
        return src
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cnnlint-realworld"
    src = cache / "src"
    if (src / "torchvision").is_dir() and (src / "timm").is_dir():
        return src
    shutil.rmtree(cache / "dl", ignore_errors=True)
    shutil.rmtree(src, ignore_errors=True)
    dl = cache / "dl"
    dl.mkdir(parents=True)
    pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(dl), *WHEELS]
    subprocess.run(pip, check=True, capture_output=True)
    unpacked = src / "unpacked"
    for wheel in dl.glob("*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(unpacked)
    (unpacked / "torchvision" / "models").rename(src / "torchvision")
    (unpacked / "timm").rename(src / "timm")
    shutil.rmtree(unpacked)
    return src


def _module_files(root: Path) -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package, directory in PACKAGES.items():
        for path in (root / directory).rglob("*.py"):
            parts = list(path.relative_to(root / directory).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join([package, *parts])] = path
    return modules


def _imported(path: Path, module: str, modules: dict[str, Path]) -> set[Path]:
    """The project files ``path`` (module ``module``) imports by name."""
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[Path] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        found |= {modules[name] for name in names if name in modules}
    found.discard(path)
    return found


def most_imported(root: Path, target: int = 20) -> tuple[Path, int]:
    """The file whose number of direct importers is closest to ``target`` (the most imported on ties)."""
    modules = _module_files(root)
    importers: dict[Path, int] = dict.fromkeys(modules.values(), 0)
    for module, path in modules.items():
        for dep in _imported(path, module, modules):
            importers[dep] += 1
    path = min(importers, key=lambda p: (abs(importers[p] - target), -importers[p], str(p)))
    return path, importers[path]


def _tool(name: str) -> list[str]:
    script = Path(sys.executable).parent / name
    return [str(script)] if script.exists() else [sys.executable, "-m", name]


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return seconds, proc.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs of each tool; the median is printed")
    parser.add_argument("--src", type=Path, help="check this tree instead of torchvision + timm")
    args = parser.parse_args()
    source = source_tree(args.src)
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        shutil.copytree(source, tree)
        cache = Path(tmp) / "cache"
        env = {k: v for k, v in os.environ.items() if k not in ("CNNLINT_NO_CACHE", "PYTHONDONTWRITEBYTECODE")}
        env["CNNLINT_CACHE_DIR"] = str(cache)
        cnnlint = [*_tool("cnnlint"), "check", "--exit-zero", "-v", "."]
        tools = {
            "flake8 --select E,F": [*_tool("flake8"), "--isolated", "--select", "E,F", "--exit-zero", "."],
            "ruff check --no-cache": [*_tool("ruff"), "check", "--isolated", "--no-cache", "--exit-zero", "."],
        }
        touched, importers = most_imported(tree)
        original = touched.read_bytes()
        times: dict[str, list[float]] = {
            name: [] for name in [*tools, "cnnlint cold", "cnnlint warm", "touched", "edited"]
        }
        rechecked: dict[str, list[int]] = {"touched": [], "edited": []}
        for run in range(args.runs):
            for name, cmd in tools.items():
                times[name].append(timed(cmd, tree, env)[0])
            shutil.rmtree(cache, ignore_errors=True)
            times["cnnlint cold"].append(timed(cnnlint, tree, env)[0])
            times["cnnlint warm"].append(timed(cnnlint, tree, env)[0])
            for change, added in (("touched", f"\n# touched {run}\n"), ("edited", f"\n_edited_{run} = {run}\n")):
                touched.write_bytes(original + added.encode())
                seconds, stderr = timed(cnnlint, tree, env)
                times[change].append(seconds)
                found = TALLY.search(stderr)
                rechecked[change].append(int(found.group(2)) if found else -1)
            touched.write_bytes(original)
        files = len(list(tree.rglob("*.py")))
        lines = sum(p.read_bytes().count(b"\n") for p in tree.rglob("*.py"))
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"{files} files, {lines} lines; median of {args.runs} runs, new processes, {os.cpu_count()} CPUs")
    for name, seconds in median.items():
        label = {"touched": "cnnlint, comment appended", "edited": "cnnlint, top level edited"}.get(name, name)
        print(f"  {label:<28} {seconds:8.3f} s")
    cold, warm, flake8 = median["cnnlint cold"], median["cnnlint warm"], median["flake8 --select E,F"]
    ruff = median["ruff check --no-cache"]
    print(f"  cold / flake8 = {cold / flake8:.2f} (target <= 0.50); cold / ruff = {cold / ruff:.1f}")
    print(f"  warm / cold   = {warm / cold:.3f} (target <= 0.05)")
    print(
        f"  touched {touched.relative_to(tree)} ({importers} files import it directly): files checked again: "
        f"{max(rechecked['touched'])} after a comment appended, "
        f"{max(rechecked['edited'])} after a statement appended to its top-level code"
    )


if __name__ == "__main__":
    main()
