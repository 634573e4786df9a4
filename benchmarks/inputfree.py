"""The added cost of input-free checking (issue 12) on the timm model sources.

    python benchmarks/inputfree.py [--src DIR] [--runs 1]

Checks every file of the tree in this process (``check_bytes``, as ``cnnlint
check`` does per file, no cache) with input-free checking on and off
(``inputsearch.ENABLED``), and prints the CPU time of each, the added cost in
percent (target: < 10% of the check's time), how many models the search
answered ("some" sizes, "none": CNL013, or unknown) and the forwards it ran.
The difference of two passes carries the machine's noise (a few percent on a
shared machine), so the time spent inside the search itself is also measured
in the "on" pass, and its share of that pass printed beside it.
The tree defaults to timm in ``${XDG_CACHE_HOME:-~/.cache}/cnnlint-realworld/src``
(made by ``realworld.sh`` or ``benchmarks/tree.py``).
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cnnlint.check import check_bytes  # noqa: E402
from cnnlint.interpret import inputsearch  # noqa: E402


def default_src() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cnnlint-realworld"
    return cache / "src" / "timm"


def one_pass(files: list[Path], enabled: bool, tally: collections.Counter) -> float:
    inputsearch.ENABLED = enabled
    original = inputsearch.search

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.process_time()
        found = original(*args, **kwargs)
        tally["inside"] += time.process_time() - start
        tally[found.status] += 1
        tally["forwards"] += found.runs
        return found

    inputsearch.search = counted
    start = time.process_time()
    try:
        for path in files:
            check_bytes(path.read_bytes(), str(path))
    finally:
        inputsearch.search = original
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    src = args.src or default_src()
    files = sorted(src.rglob("*.py"))
    if not files:
        sys.exit(f"no Python files under {src}: run ../shared/tools/realworld.sh once, or give --src")
    off, on, inside = [], [], []
    tally: collections.Counter = collections.Counter()
    for _ in range(args.runs):  # alternated, so a busy machine weighs on both alike
        off.append(one_pass(files, False, collections.Counter()))
        tally.clear()
        on.append(one_pass(files, True, tally))
        inside.append(tally["inside"] / on[-1])
    t_off, t_on = min(off), min(on)
    added = 100 * (t_on - t_off) / t_off
    print(f"files: {len(files)} ({src})")
    print(f"check without input-free checking: {t_off:.1f} s CPU")
    print(f"check with input-free checking:    {t_on:.1f} s CPU")
    print(f"added cost: {added:+.1f}% (target < 10%), the difference of the two passes")
    print(f"time inside the search: {100 * min(inside):.1f}% of the check with it (target < 10%)")
    print(
        f"models searched: {sum(tally[k] for k in ('some', 'none', 'unknown'))} "
        f"(some sizes: {tally['some']}, none/CNL013: {tally['none']}, unknown: {tally['unknown']}); "
        f"forwards run: {tally['forwards']}"
    )


if __name__ == "__main__":
    main()
