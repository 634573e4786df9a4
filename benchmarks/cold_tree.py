"""Cold `cnnlint check` of torchvision's and timm's model sources, against flake8 and ruff (issue 11, item 6).

    python benchmarks/cold_tree.py [--runs 3] [--cnnlint CMD] [--baseline SECONDS]

The tree is the real-world corpus of benchmarks/realworld.py (the torchvision
0.29.1 and timm 1.0.31 wheels' model packages, ~365 files). Each tool runs in a
new process on the whole tree with its defaults for parallelism, after one
untimed ruff run that warms the page cache; the median of ``--runs`` is
printed with the ratios. flake8 and ruff check the same selection (E and F,
no configuration; ruff without its cache), so every run is cold.
``--baseline`` is the cnnlint figure measured before the abstract
interpreter: the issue wants the new one within 1.5x of it. Timings swing
with the machine's load: compare runs made back to back.
"""

from __future__ import annotations

import argparse
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


def median_seconds(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd[:3])} … exited {proc.returncode}: {proc.stderr[-500:]}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cnnlint", help="command that runs cnnlint (default: the one beside this Python)")
    parser.add_argument("--baseline", type=float, help="cnnlint seconds before the interpreter, for the 1.5x check")
    args = parser.parse_args()
    tree = str(realworld_src())
    files = len(list(Path(tree).rglob("*.py")))
    same = ["--isolated", "--select", "E,F", "--exit-zero"]
    tools = {
        "cnnlint check": [*_cnnlint_command(args.cnnlint), "check", "--exit-zero", "-q", tree],
        "flake8 --select E,F": [*_tool("flake8"), *same, tree],
        "ruff check --select E,F": [*_tool("ruff"), "check", "--no-cache", "-q", *same, tree],
    }
    subprocess.run(tools["ruff check --select E,F"], capture_output=True)  # reads every file: warms the page cache
    print(f"{tree}: {files} files, median of {args.runs} cold runs")
    seconds = {name: median_seconds(cmd, args.runs) for name, cmd in tools.items()}
    ours = seconds["cnnlint check"]
    for name, value in seconds.items():
        print(f"  {name:<26} {value:7.2f} s   cnnlint / this = {ours / value:6.2f}x")
    if args.baseline:
        verdict = "ok" if ours <= LIMIT * args.baseline else "OVER"
        print(f"  vs baseline {args.baseline:.2f} s: {ours / args.baseline:.2f}x (limit {LIMIT}x) {verdict}")


if __name__ == "__main__":
    main()
