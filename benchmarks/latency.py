"""Start-up latency as a pre-commit hook sees it: new processes, median wall time.

    python benchmarks/latency.py [--runs 15]

Prints the median of `python -c pass`, `cnnlint check` on a file with no model,
`cnnlint check` on the AlexNet fixture, and `flake8` on the same two files,
with the ratios the targets are stated in (no-model file <= 0.5x flake8;
AlexNet file <= 1.0x flake8), and issue 11's absolute one: a file with one
AlexNet-size model checked end to end in under 150 ms. That file is measured
where a user has it, a project of their own (a copy in a temporary directory,
no cnnlint configuration), with no result cache (`--no-cache`: checked for
real) and with one; and in this repository, whose pyproject.toml has a
[tool.cnnlint] table to parse.

Run it without PYTHONDONTWRITEBYTECODE: installs have compiled bytecode, and
without it every run would measure compiling cnnlint, not running it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALEXNET = ROOT / "fixtures" / "alexnet_original.py"
NO_MODEL = '''"""Helpers with no model in them: what a pre-commit hook sees most."""

import os


def read_config(path):
    with open(path) as handle:
        return dict(line.strip().split("=", 1) for line in handle if "=" in line)


def list_sources(root):
    return sorted(p for p in os.listdir(root) if p.endswith(".py"))
'''


def _tool(name: str) -> list[str]:
    script = Path(sys.executable).parent / name
    if script.exists():
        return [str(script)]
    found = shutil.which(name)
    return [found] if found else [sys.executable, "-m", name]


def median_seconds(cmd: list[str], runs: int) -> float:
    subprocess.run(cmd, capture_output=True)  # warm the page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("warning: PYTHONDONTWRITEBYTECODE is set: the figures include compiling (env -u it)")
    with tempfile.TemporaryDirectory() as tmp:
        no_model = Path(tmp) / "helpers.py"
        no_model.write_text(NO_MODEL)
        own = Path(tmp) / "alexnet.py"
        own.write_bytes(ALEXNET.read_bytes())
        cnnlint, flake8 = _tool("cnnlint"), _tool("flake8")
        rows = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "cnnlint check no-model file": [*cnnlint, "check", str(no_model)],
            "cnnlint check alexnet fixture": [*cnnlint, "check", str(ALEXNET)],
            "flake8 no-model file": [*flake8, str(no_model)],
            "flake8 alexnet fixture": [*flake8, str(ALEXNET)],
            "alexnet, own project, no cache": [*cnnlint, "check", "--no-cache", str(own)],
            "alexnet, own project, cached": [*cnnlint, "check", str(own)],
            "alexnet, this repo, no cache": [*cnnlint, "check", "--no-cache", str(ALEXNET)],
        }
        figures = {name: median_seconds(cmd, args.runs) for name, cmd in rows.items()}
    print(f"median of {args.runs} runs each, new processes, {sys.platform}, Python {sys.version.split()[0]}")
    for name, seconds in figures.items():
        print(f"  {name:<32} {seconds * 1000:8.1f} ms")
    no_model_ratio = figures["cnnlint check no-model file"] / figures["flake8 no-model file"]
    alexnet_ratio = figures["cnnlint check alexnet fixture"] / figures["flake8 alexnet fixture"]
    print(f"  no-model file: cnnlint/flake8 = {no_model_ratio:.2f} (target <= 0.50)")
    print(f"  alexnet file:  cnnlint/flake8 = {alexnet_ratio:.2f} (target <= 1.00)")
    cold = figures["alexnet, own project, no cache"] * 1000
    print(f"  alexnet file, own project, checked for real: {cold:.0f} ms (target < 150 ms)")


if __name__ == "__main__":
    main()
