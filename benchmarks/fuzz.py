"""Fuzz the whole static pipeline with random model programs (tests/fuzzgen.py).

    python benchmarks/fuzz.py [--programs 10000] [--seed 0] [--timeout 10] [--show 3]

Each program goes through ``check_bytes`` (decode, syntax check, extraction,
input declaration, build, propagation, diagnostics) with every rule enabled,
then through the JSON and SARIF reports and ``fix_bytes`` (the fixed file
must still compile). A crash is a CNL998, an exception escaping any of these,
a fixed file that no longer compiles, or a program taking longer than
``--timeout`` seconds (a hang). Prints ``programs=N crashes=M`` and the first
crashes in full: the program, the message and the traceback. Exit status 1
when M > 0. Nothing generated is ever run: the programs are only compiled.
"""

from __future__ import annotations

import argparse
import collections
import json
import signal
import sys
import time
import traceback
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import fuzzgen  # noqa: E402

from cnnlint import check as check_module  # noqa: E402
from cnnlint.check import CheckOptions, FileResult, check_bytes  # noqa: E402
from cnnlint.fix import fix_bytes  # noqa: E402
from cnnlint.report import render  # noqa: E402


class Hang(BaseException):
    """Raised by the timer; a BaseException so that check_bytes' containment does not swallow it."""


def _alarm(signum, frame):  # type: ignore[no-untyped-def]
    raise Hang


def one(text: str, name: str) -> tuple[str | None, FileResult | None]:
    """None when the program went through cleanly, else what went wrong (with a traceback)."""
    data = text.encode()
    options = CheckOptions(is_enabled=lambda code: True)
    try:
        result = check_bytes(data, name, options)
        crash = next((d for d in result.diagnostics if d.code == "CNL998"), None)
        if crash is not None:
            return f"CNL998: {crash.message}\n{_traceback(data, name, options)}", result
        for fmt in ("json", "sarif"):
            json.loads(render(result.diagnostics, fmt))
        fixed, count = fix_bytes(data, result.diagnostics)
        if count:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    compile(fixed, name, "exec", dont_inherit=True)
                except SyntaxError as err:
                    return f"--fix broke the file: {err}\n--- fixed:\n{fixed.decode(errors='replace')}", result
        return None, result
    except Hang:
        return "hang: no result within the timeout; interrupted at:\n" + traceback.format_exc(), None
    except Exception:  # noqa: BLE001 - that is what we count
        return "exception escaped:\n" + traceback.format_exc(), None


def _traceback(data: bytes, name: str, options: CheckOptions) -> str:
    """The CNL998's traceback: run the uncontained stage again."""
    try:
        check_module._check(data, FileResult(name), options)
    except Exception:  # noqa: BLE001
        return traceback.format_exc()
    return "(no exception when run again)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per program before it counts as a hang")
    parser.add_argument("--show", type=int, default=3, help="how many crashes to print in full")
    parser.add_argument(
        "--avoid-known-bugs", action="store_true", help="leave out fuzzgen.KNOWN_BUG_VALUES (as the CI test does)"
    )
    args = parser.parse_args()

    signal.signal(signal.SIGALRM, _alarm)
    started = time.perf_counter()
    crashes: list[tuple[int, str, str]] = []
    codes: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    slowest = (0.0, -1)
    count = 0
    for index, text in fuzzgen.programs(args.seed, args.programs, known_bugs=not args.avoid_known_bugs):
        count += 1
        t0 = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, args.timeout)
        try:
            problem, result = one(text, f"fuzz_{index}.py")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        slowest = max(slowest, (time.perf_counter() - t0, index))
        if result is not None:
            codes.update(d.code for d in result.diagnostics)
        if problem is not None:
            crashes.append((index, text, problem))
            kinds[problem.splitlines()[0][:100]] += 1
    elapsed = time.perf_counter() - started

    print(f"programs={count} crashes={len(crashes)}")
    print(f"seed={args.seed} time={elapsed:.1f}s ({1000 * elapsed / max(count, 1):.1f} ms/program), "
          f"slowest={slowest[0]:.2f}s (#{slowest[1]})")  # fmt: skip
    print("diagnostics: " + ", ".join(f"{code}={n}" for code, n in sorted(codes.items())))
    for kind, n in kinds.most_common():
        print(f"  {n:5d} x {kind}")
    for index, text, problem in crashes[: args.show]:
        print(f"\n===== crash in program #{index} (seed {args.seed}) =====\n{text}\n----- {problem}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
