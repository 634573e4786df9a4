"""Cold `cnnlint check` of torchvision's and timm's model sources, against flake8 and ruff (issue 11, item 6).

    python benchmarks/cold_tree.py [--runs 3] [--cnnlint CMD] [--baseline WALL,CPU] [--skip-flake8]

The tree is the real-world corpus of benchmarks/realworld.py (the torchvision
0.29.1 and timm 1.0.31 wheels' model packages, ~365 files). Each tool runs in a
new process on the whole tree with its defaults for parallelism, after one
untimed ruff run that warms the page cache; the medians of ``--runs`` are
printed, wall and CPU (user + system of the tool's processes: steadier than
wall on a loaded machine), with the ratios. flake8 and ruff check the same
selection (E and F, no configuration; ruff without its cache), so every run
is cold. ``--baseline WALL,CPU`` are cnnlint's figures before the abstract
interpreter: the issue wants the new one within 1.5x of them.
Measured before it (main at ef795e3, 2 shared cores): CPU 7.1-7.8 s, wall
7.4 s idle to 23.6 s under a load of 11; flake8 28 s CPU, ruff 0.4-0.6 s CPU.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realworld import _cnnlint_command, realworld_src  # noqa: E402

LIMIT = 1.5


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cnnlint", help="command that runs cnnlint (default: the one beside this Python)")
    parser.add_argument("--baseline", help="WALL,CPU: cnnlint's seconds before the interpreter, for the 1.5x check")
    parser.add_argument("--skip-flake8", action="store_true", help="flake8 takes ~30 s of CPU a run")
    args = parser.parse_args()
    tree = str(realworld_src())
    files = len(list(Path(tree).rglob("*.py")))
    same = ["--isolated", "--select", "E,F", "--exit-zero"]
    tools = {
        "cnnlint check": [*_cnnlint_command(args.cnnlint), "check", "--exit-zero", "-q", tree],
        "flake8 --select E,F": [*_tool("flake8"), *same, tree],
        "ruff check --select E,F": [*_tool("ruff"), "check", "--no-cache", "-q", *same, tree],
    }
    if args.skip_flake8:
        del tools["flake8 --select E,F"]
    subprocess.run(tools["ruff check --select E,F"], capture_output=True)  # reads every file: warms the page cache
    print(f"{tree}: {files} files, median of {args.runs} cold runs")
    seconds = {name: median_seconds(cmd, args.runs) for name, cmd in tools.items()}
    ours, ours_cpu = seconds["cnnlint check"]
    print(f"  {'':<26} {'wall':>8} {'cpu':>8}   cnnlint / this (wall, cpu)")
    for name, (wall, cpu) in seconds.items():
        print(f"  {name:<26} {wall:7.2f}s {cpu:7.2f}s   {ours / wall:5.2f}x {ours_cpu / cpu:5.2f}x")
    if args.baseline:
        for kind, now, then in zip(("wall", "cpu"), (ours, ours_cpu), map(float, args.baseline.split(","))):
            verdict = "ok" if now <= LIMIT * then else "OVER"
            print(f"  {kind} vs baseline {then:.2f} s: {now / then:.2f}x (limit {LIMIT}x) {verdict}")


if __name__ == "__main__":
    main()
