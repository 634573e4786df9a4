"""Engine vs torch at scale: every catalogue entry with a strategy, round-robin.

    python benchmarks/differential.py [--configs 100000] [--seed 0] [--jobs 2]

Draws ``(kwargs, in_shape)`` configurations from every ``STRATEGIES`` in
tests/strategies/*.py (the same strategies the tests use), an equal share per
entry in each round, runs each through the engine and through torch
(tests/strategies.reference_outcome: the meta-device oracle, or the CPU where
the meta kernels are laxer than the real ones) and counts disagreements:
a different output shape or parameter count, one side raising and not the
other, or torch raising where the engine merely lost track of the shape.

Where torch succeeds for a window layer (conv, max/avg/LP pool; not
transposed, adaptive or ceil_mode), the engine's CNL003 warning is also
checked against a brute-force enumeration of the input rows each window reads.

Prints progress, ``configs=N disagreements=M``, per-entry counts, and the
first 20 disagreements in full.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

SHOW = 20


def load_strategies() -> dict[str, Any]:
    from strategies import all_strategies

    return all_strategies()


# ---- CNL003 by brute force --------------------------------------------------


def _ntuple(value: Any, n: int) -> tuple[int, ...]:
    if isinstance(value, (tuple, list)):
        return tuple(value) if len(value) == n else tuple(value) * n
    return (value,) * n


def _window_geometry(name: str, kwargs: dict[str, Any], n: int) -> list[tuple[int, int, int, int]] | None:
    """Per spatial dim (kernel, stride, padding before, dilation), or None when CNL003 does not apply."""
    if kwargs.get("ceil_mode"):
        return None
    k = _ntuple(kwargs["kernel_size"], n)
    if "Conv" in name:
        s = _ntuple(kwargs.get("stride", 1), n)
        d = _ntuple(kwargs.get("dilation", 1), n)
        padding = kwargs.get("padding", 0)
        if padding == "valid":
            p = (0,) * n
        elif padding == "same":
            p = tuple(di * (ki - 1) // 2 for ki, di in zip(k, d))
            short = kwargs.get("dilation")
            if kwargs.get("padding_mode", "zeros") != "zeros" and isinstance(short, (tuple, list)):
                # torch's Python-side 'same' padding zips the raw dilation tuple:
                # a short one pads only the first len(dilation) dimensions
                p = p[: len(short)] + (0,) * (n - len(short))
        elif kwargs.get("padding_mode", "zeros") != "zeros" and isinstance(padding, (tuple, list)):
            # torch pads with F.pad(_reverse_repeat_tuple(padding, 2)): a short
            # tuple pads only the last len(padding) dimensions
            p = (0,) * (n - len(padding)) + tuple(padding)
        else:
            p = _ntuple(padding, n)
    else:
        stride = kwargs.get("stride")
        s = k if stride is None or stride == () or stride == [] else _ntuple(stride, n)
        p = _ntuple(kwargs.get("padding", 0), n)
        d = _ntuple(kwargs.get("dilation", 1), n)
    return list(zip(k, s, p, d))


def _window_name(name: str) -> bool:
    base = name.removeprefix("Lazy")
    return (base.startswith("Conv") and "Transpose" not in base) or base[:-2] in ("MaxPool", "AvgPool", "LPPool")


def expected_cnl003(
    name: str, kwargs: dict[str, Any], in_shape: tuple[int, ...], out_shape: tuple[int, ...]
) -> bool | None:
    """True when some window layout never reads the last real rows, by enumerating every read row."""
    if not _window_name(name):
        return None
    n = int(name[-2])
    try:
        geometry = _window_geometry(name, kwargs, n)
    except (KeyError, TypeError):
        return None
    if geometry is None:
        return None
    for (k, s, p, d), size, out in zip(geometry, in_shape[-n:], out_shape[-n:]):
        # every padded coordinate some window reads; the real rows are p .. p + size - 1
        read = {o * s + j * d for o in range(out) for j in range(k)}
        real_read = [r for r in read if p <= r < p + size]
        last = max(real_read) if real_read else p - 1
        if last < p + size - 1:  # the last real rows are never read
            return True
    return False


# ---- one entry, one round ---------------------------------------------------


def run_entry(task: tuple[str, int, int]) -> tuple[str, int, Counter, list[str], list[str]]:
    """Run ``count`` configurations of one entry.

    Returns (name, configs, outcome counts, disagreements, CNL003 differences).
    """
    name, count, entry_seed = task
    from strategies import compare, describe

    strategy = load_strategies()[name]
    counts: Counter = Counter()
    bad: list[str] = []
    cnl003: list[str] = []
    configs = 0

    @seed(entry_seed)
    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def check(case: tuple[dict[str, Any], tuple[int, ...]]) -> None:
        nonlocal configs
        kwargs, in_shape = case
        configs += 1
        try:
            ok, engine, torch_ = compare(name, kwargs, in_shape)
        except Exception as exc:  # an engine crash is a disagreement too
            counts["engine crashed"] += 1
            bad.append(f"{name}(**{kwargs!r}) on {in_shape}: engine crashed: {type(exc).__name__}: {exc}")
            return
        if ok:
            counts["both raise" if not torch_.ok else "agree"] += 1
        else:
            if torch_.ok and not engine.ok:
                kind = "engine raised, torch ran"
            elif not torch_.ok and engine.error == "unknown":
                kind = "torch raised, engine unknown"
            elif not torch_.ok:
                kind = "torch raised, engine ran"
            else:
                kind = "shape or params differ"
            counts[kind] += 1
            bad.append(f"[{kind}] " + describe(name, kwargs, in_shape, engine, torch_))
        if torch_.ok and engine.ok:
            expected = expected_cnl003(name, kwargs, in_shape, torch_.shape)
            if expected is not None:
                counts["cnl003 checked"] += 1
                if expected != ("CNL003" in engine.warnings):
                    counts["cnl003 differs"] += 1
                    cnl003.append(
                        f"{name}(**{kwargs!r}) on {in_shape} -> {torch_.shape}: brute force says "
                        f"{'drops rows' if expected else 'reads every row'}, engine warnings {engine.warnings}"
                    )

    check()
    return name, configs, counts, bad, cnl003


def _init_worker() -> None:
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=10, help="progress is printed after each round")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--only", nargs="*", help="restrict to these entries")
    args = parser.parse_args()

    strategies = load_strategies()
    names = sorted(n for n in strategies if not args.only or n in args.only)
    if not names:
        print("no strategies found", file=sys.stderr)
        return 2
    rounds = max(1, min(args.rounds, args.configs))
    per_task = max(1, math.ceil(args.configs / (len(names) * rounds)))
    print(f"{len(names)} entries, {rounds} rounds of {per_task} configurations each per entry, seed {args.seed}")

    totals: dict[str, Counter] = defaultdict(Counter)
    configs: Counter = Counter()
    disagreements: list[str] = []
    cnl003_misses: list[str] = []
    start = time.perf_counter()
    context = multiprocessing.get_context("fork") if args.jobs > 1 else None
    pool = context.Pool(args.jobs, initializer=_init_worker) if context else None
    try:
        for r in range(rounds):
            tasks = [(name, per_task, args.seed * 1_000_003 + r * 10_007 + i) for i, name in enumerate(names)]
            results = pool.imap_unordered(run_entry, tasks) if pool else map(run_entry, tasks)
            for name, n, counts, bad, cnl003 in results:
                configs[name] += n
                totals[name].update(counts)
                disagreements.extend(bad)
                cnl003_misses.extend(cnl003)
            done = sum(configs.values())
            print(
                f"round {r + 1}/{rounds}: configs={done} disagreements={len(disagreements)} "
                f"cnl003_differs={len(cnl003_misses)} elapsed={time.perf_counter() - start:.1f}s",
                flush=True,
            )
    finally:
        if pool:
            pool.close()
            pool.join()

    elapsed = time.perf_counter() - start
    total = sum(configs.values())
    print()
    print(f"configs={total} disagreements={len(disagreements)} time={elapsed:.1f}s")
    checked = sum(c["cnl003 checked"] for c in totals.values())
    print(f"cnl003 checked={checked} cnl003_differs={len(cnl003_misses)} (brute-force window enumeration)")
    print()
    kinds = [
        "agree",
        "both raise",
        "shape or params differ",
        "engine raised, torch ran",
        "torch raised, engine ran",
        "torch raised, engine unknown",
        "engine crashed",
        "cnl003 differs",
    ]
    header = f"{'entry':26} {'configs':>8} " + " ".join(f"{k[:14]:>14}" for k in kinds)
    print(header)
    for name in names:
        row = totals[name]
        print(f"{name:26} {configs[name]:8} " + " ".join(f"{row[k]:14}" for k in kinds))
    if disagreements:
        print(f"\nfirst {min(SHOW, len(disagreements))} disagreements:")
        for item in disagreements[:SHOW]:
            print(item)
    if cnl003_misses:
        print(f"\nfirst {min(SHOW, len(cnl003_misses))} CNL003 differences:")
        for item in cnl003_misses[:SHOW]:
            print(item)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
