"""Fuzz the whole static pipeline with random model programs (tests/fuzzgen.py).

    python benchmarks/fuzz.py [--programs 10000] [--seed 0] [--timeout 10] [--show 3] [--hostile 30] [--cpu]

Each program goes through ``check_bytes`` (decode, syntax check, extraction,
input declaration, build, propagation, diagnostics) with every rule enabled,
then through the JSON and SARIF reports and ``fix_bytes`` (the fixed file
must still compile). A crash is a CNL998, an exception escaping any of these,
a fixed file that no longer compiles, or a program taking longer than
``--timeout`` seconds (a hang; of CPU time with ``--cpu``, for a loaded machine),
or a message over 2,000 characters. ``--hostile P`` mixes the input shapes of
issue 10 into P% of the programs (tests/fuzzhostile.py: deep nesting, huge
folded constants, odd line separators, cookies on line 2, BOMs, \\r newlines);
those need not compile. Prints ``programs=N crashes=M`` and the first
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
import fuzzhostile  # noqa: E402

from cnnlint import check as check_module  # noqa: E402
from cnnlint.check import CheckOptions, FileResult, check_bytes  # noqa: E402
from cnnlint.fix import fix_bytes  # noqa: E402
from cnnlint.report import render  # noqa: E402


class Hang(BaseException):
    """Raised by the timer; a BaseException so that check_bytes' containment does not swallow it."""


def _alarm(signum, frame):  # type: ignore[no-untyped-def]
    raise Hang


MAX_MESSAGE = 2_000


def one(text: str | bytes, name: str) -> tuple[str | None, FileResult | None]:
    """None when the program went through cleanly, else what went wrong (with a traceback)."""
    data = text if isinstance(text, bytes) else text.encode()
    options = CheckOptions(is_enabled=lambda code: True)
    try:
        result = check_bytes(data, name, options)
        crash = next((d for d in result.diagnostics if d.code == "CNL998"), None)
        if crash is not None:
            return f"CNL998: {crash.message}\n{_traceback(data, name, options)}", result
        longest = max((len(d.message) for d in result.diagnostics), default=0)
        if longest > MAX_MESSAGE:
            return f"a message of {longest} characters", result
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
    parser.add_argument("--hostile", type=int, default=30, help="percent of programs given issue 10's shapes")
    parser.add_argument("--cpu", action="store_true", help="--timeout counts CPU seconds, not wall seconds")
    parser.add_argument(
        "--avoid-known-bugs", action="store_true", help="leave out fuzzgen.KNOWN_BUG_VALUES (as the CI test does)"
    )
    args = parser.parse_args()

    timer, alarm = (signal.ITIMER_PROF, signal.SIGPROF) if args.cpu else (signal.ITIMER_REAL, signal.SIGALRM)
    signal.signal(alarm, _alarm)
    import random

    mixer = fuzzgen.RandomChooser(random.Random(args.seed + 1))
    hostile = 0
    started = time.perf_counter()
    crashes: list[tuple[int, str, str]] = []
    codes: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    slowest = (0.0, -1)
    count = 0
    slowest_cpu = (0.0, -1)
    for index, program in fuzzgen.programs(args.seed, args.programs, known_bugs=not args.avoid_known_bugs):
        count += 1
        text: str | bytes = program
        if mixer.chance(args.hostile):
            text = fuzzhostile.hostile(mixer, program)
            hostile += 1
        t0, c0 = time.perf_counter(), time.process_time()
        signal.setitimer(timer, args.timeout)
        try:
            problem, result = one(text, f"fuzz_{index}.py")
        finally:
            signal.setitimer(timer, 0)
        slowest = max(slowest, (time.perf_counter() - t0, index))
        slowest_cpu = max(slowest_cpu, (time.process_time() - c0, index))
        if result is not None:
            codes.update(d.code for d in result.diagnostics)
        if problem is not None:
            crashes.append((index, text, problem))
            kinds[problem.splitlines()[0][:100]] += 1
    elapsed = time.perf_counter() - started

    hangs = sum(1 for _i, _t, problem in crashes if problem.startswith("hang"))
    print(f"programs={count} hostile={hostile} crashes={len(crashes)} hangs={hangs}")
    print(f"seed={args.seed} time={elapsed:.1f}s ({1000 * elapsed / max(count, 1):.1f} ms/program), "
          f"slowest={slowest[0]:.2f}s wall (#{slowest[1]}), {slowest_cpu[0]:.2f}s CPU (#{slowest_cpu[1]})")  # fmt: skip
    print("diagnostics: " + ", ".join(f"{code}={n}" for code, n in sorted(codes.items())))
    for kind, n in kinds.most_common():
        print(f"  {n:5d} x {kind}")
    for index, text, problem in crashes[: args.show]:
        shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        if len(shown) > 3000:
            shown = shown[:1500] + f"\n... ({len(shown)} characters) ...\n" + shown[-1500:]
        print(f"\n===== crash in program #{index} (seed {args.seed}) =====\n{shown}\n----- {problem}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
