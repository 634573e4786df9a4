"""The frame-stack entry (``cnnlint/stackroom.py``) on and off: wall, user and system time, side by side.

    python benchmarks/stackroom.py [--every 6] [--runs 3]

Checks every ``--every``-th file of the torchvision + timm model sources
(``realworld.py``'s tree) in one new process per run, first with checks
entered through ``call_with_room`` as shipped, then with it replaced by a
plain call. CPython 3.11 maps and unmaps a 16 KiB frame-stack chunk each time
a call crosses a chunk boundary (gh-142183); without the entry that is system
time. Prints the medians of ``--runs``.
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
from realworld import realworld_src  # noqa: E402

CHILD = """
import sys
from pathlib import Path
from cnnlint import check
if sys.argv[1] == "off":
    check.call_with_room = lambda fn, *args: fn(*args)
files = sorted(Path(sys.argv[2]).rglob("*.py"))[:: int(sys.argv[3])]
for f in files:
    check.check_bytes(f.read_bytes(), str(f), check.CheckOptions())
print(len(files))
"""


def run(mode: str, src: Path, every: int) -> tuple[float, float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, mode, str(src), str(every)], capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(done.stderr)
    return wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime, int(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=6, help="check every N-th file (default 6)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    src = realworld_src()
    results: dict[str, list[tuple[float, float, float, int]]] = {"on": [], "off": []}
    for _ in range(args.runs):
        for mode in ("on", "off"):  # alternated: a loaded machine slows both alike
            results[mode].append(run(mode, src, args.every))
    files = results["on"][0][3]
    print(f"{src}: every {args.every}th file ({files} files), median of {args.runs} runs, new processes")
    print(f"  {'entry':<18}{'wall':>9}{'user':>9}{'system':>9}")
    for mode, label in (("on", "call_with_room"), ("off", "plain call")):
        wall, user, system = (statistics.median(r[i] for r in results[mode]) for i in range(3))
        print(f"  {label:<18}{wall:8.2f}s{user:8.2f}s{system:8.2f}s")


if __name__ == "__main__":
    main()
