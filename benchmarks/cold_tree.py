"""Cold `cnnlint check` of torchvision's and timm's model sources, against flake8 and ruff (issue 11, item 6).

    python benchmarks/cold_tree.py [--runs 3] [--cnnlint CMD] [--baseline-commit REV | --baseline WALL,CPU]
                                   [--skip-flake8]

The tree is the real-world corpus of benchmarks/realworld.py (the torchvision
0.29.1 and timm 1.0.31 wheels' model packages, ~365 files). Each tool runs in a
new process on the whole tree with its defaults for parallelism, after one
untimed ruff run that warms the page cache; the medians of ``--runs`` are
printed, wall and CPU (user + system of the tool's processes: steadier than
wall on a loaded machine), with the ratios. flake8 and ruff check the same
selection (E and F, no configuration; ruff and cnnlint without their caches),
so every run is cold. The issue wants cnnlint within 1.5x of its wall time before the
abstract interpreter, on the same machine: ``--baseline-commit ef795e3`` (the
default) extracts that commit's ``cnnlint`` package from this repository's
history and times it side by side (``--baseline-commit none`` skips it;
``--baseline WALL,CPU`` compares with figures measured elsewhere instead).
Figures from another day or machine are not comparable: the 7.4 s measured
for ef795e3 when this script was written was a slower host (flake8 then took
28 s of CPU, 17 s on 2026-12-04); side by side on 2026-12-04, ef795e3 took
1.95 s wall, 3.4 s CPU.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realworld import _cnnlint_command, realworld_src  # noqa: E402

LIMIT = 1.5
PRE_INTERPRETER = "ef795e3"  # main before the abstract interpreter (issue 11)


def _tool(name: str) -> list[str]:
    script = Path(sys.executable).parent / name
    return [str(script)] if script.exists() else [sys.executable, "-m", name]


def median_seconds(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU (user + system, the tool's processes) seconds."""
    wall, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd[:3])} … exited {proc.returncode}: {proc.stderr[-500:]}")
    return statistics.median(wall), statistics.median(cpu)


def extract_commit(rev: str, into: str) -> None:
    """``rev``'s cnnlint package, from git history, under ``into`` (never the working tree)."""
    repo = Path(__file__).resolve().parent.parent
    archive = Path(into) / "cnnlint.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "-C", str(repo), "archive", rev, "cnnlint"], stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cnnlint", help="command that runs cnnlint (default: the one beside this Python)")
    parser.add_argument("--baseline", help="WALL,CPU: cnnlint's seconds before the interpreter, for the 1.5x check")
    parser.add_argument(
        "--baseline-commit",
        default=PRE_INTERPRETER,
        help=f"time this commit's cnnlint side by side (default {PRE_INTERPRETER}; 'none' to skip)",
    )
    parser.add_argument("--skip-flake8", action="store_true", help="flake8 takes ~30 s of CPU a run")
    args = parser.parse_args()
    tree = str(realworld_src())
    files = len(list(Path(tree).rglob("*.py")))
    same = ["--isolated", "--select", "E,F", "--exit-zero"]
    tools = {
        "cnnlint check": [*_cnnlint_command(args.cnnlint), "check", "--no-cache", "--exit-zero", "-q", tree],
        "flake8 --select E,F": [*_tool("flake8"), *same, tree],
        "ruff check --select E,F": [*_tool("ruff"), "check", "--no-cache", "-q", *same, tree],
    }
    if args.skip_flake8:
        del tools["flake8 --select E,F"]
    old = None
    if args.baseline_commit != "none" and not args.baseline:
        old = tempfile.TemporaryDirectory()
        extract_commit(args.baseline_commit, old.name)
        # Its own command line (no cache then, so every run is cold), with this Python's libraries.
        tools[f"cnnlint at {args.baseline_commit}"] = [
            "env",
            f"PYTHONPATH={old.name}",
            sys.executable,
            "-P",  # not the checkout's cnnlint from the current directory
            "-m",
            "cnnlint",
            "check",
            tree,
        ]
    subprocess.run(tools["ruff check --select E,F"], capture_output=True)  # reads every file: warms the page cache
    print(f"{tree}: {files} files, median of {args.runs} cold runs")
    seconds = {name: median_seconds(cmd, args.runs) for name, cmd in tools.items()}
    ours, ours_cpu = seconds["cnnlint check"]
    print(f"  {'':<26} {'wall':>8} {'cpu':>8}   cnnlint / this (wall, cpu)")
    for name, (wall, cpu) in seconds.items():
        print(f"  {name:<26} {wall:7.2f}s {cpu:7.2f}s   {ours / wall:5.2f}x {ours_cpu / cpu:5.2f}x")
    baseline = None
    if args.baseline:
        baseline = tuple(map(float, args.baseline.split(",")))
    elif old is not None:
        baseline = seconds[f"cnnlint at {args.baseline_commit}"]
        old.cleanup()
    if baseline is not None:
        for kind, now, then in zip(("wall", "cpu"), (ours, ours_cpu), baseline):
            verdict = "ok" if now <= LIMIT * then else "OVER"
            print(f"  {kind} vs before the interpreter {then:.2f} s: {now / then:.2f}x (limit {LIMIT}x) {verdict}")


if __name__ == "__main__":
    main()
