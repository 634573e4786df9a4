"""What --runtime costs: wall time of `cnnlint check`, `cnnlint check --runtime` and a torchinfo summary.

Every measurement is a new process, as a user or CI would run it (torch import
included where torch is used). torchinfo builds the real model on the CPU and
runs a real forward (``torchinfo.summary(model, input_size=...)``), which is
what one would otherwise do to confirm the shapes.

    .venv/bin/python benchmarks/runtime_vs_static.py [--runs 5]

torchinfo imports numpy (not a dependency of torch): have it importable.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

# fixture, the model's variable, its declared input
CASES = [
    ("alexnet_original.py", "alexnet", (1, 3, 227, 227)),
    ("vgg16.py", "vgg16", (1, 3, 224, 224)),
]

TORCHINFO = """
import runpy, sys
import torchinfo
namespace = runpy.run_path(sys.argv[1])
torchinfo.summary(namespace[sys.argv[2]], input_size=tuple(map(int, sys.argv[3].split(","))), device="cpu", verbose=0)
"""

PRESTARTED = """
import sys
from cnnlint import runtime
runtime.start_worker()
from cnnlint.cli import main
sys.argv = ["cnnlint", *sys.argv[1:]]
main()
"""


def timed(argv: list[str], ok: tuple[int, ...] = (0, 1)) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the process and everything it waited for, workers included)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def median(argv: list[str], runs: int, ok: tuple[int, ...] = (0, 1)) -> tuple[float, float]:
    timed(argv, ok)  # warm the file cache
    samples = [timed(argv, ok) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    args = parser.parse_args()
    py = sys.executable
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"median of {args.runs} runs, each a new process; {os.cpu_count()} CPUs, load average {load:.1f}")
    print("wall seconds (CPU seconds: user + system, worker processes included)")
    print(f"{'model':<10}{'check':>14}{'--runtime':>14}{'prestarted':>14}{'torchinfo':>14}   ratios (wall)")
    for filename, name, shape in CASES:
        path = str(FIXTURES / filename)
        static = median([py, "-m", "cnnlint", "check", path], args.runs)
        runtime = median([py, "-m", "cnnlint", "check", "--runtime", path], args.runs)
        prestarted = median([py, "-c", PRESTARTED, "check", "--runtime", path], args.runs)
        info = median([py, "-c", TORCHINFO, path, name, ",".join(map(str, shape))], args.runs, ok=(0,))
        cells = "".join(f"{w:>7.2f} ({c:>4.1f})" for w, c in (static, runtime, prestarted, info))
        print(
            f"{name:<10}{cells}   --runtime/check {runtime[0] / static[0]:.1f}x,"
            f" --runtime/torchinfo {runtime[0] / info[0]:.2f}x"
        )
    print("prestarted: the torch worker started before the static pass (cnnlint.runtime.start_worker())")
    print("torchinfo: torchinfo.summary(model, input_size) on the real model built on the CPU, torch import included")


if __name__ == "__main__":
    main()
