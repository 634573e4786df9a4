"""The pathological inputs of issue 10, each through the real command line.

    python benchmarks/stress.py [--repeat 3] [--only NAME] [--timeout 60]

Every input is generated into a temporary directory and checked by
``python -m cnnlint check ...`` in a fresh process; the table gives, per
input, the worst wall time and the worst peak memory (the child's maximum
resident set) over ``--repeat`` runs, the exit status and the first line
printed. Targets: under 2 s and 300 MB each; a 100k-layer model file under
10 s (its memory is shown, not judged). Peak memory is the largest of the
run and the processes it waited for (``--runtime``'s torch worker included,
whose start-up is in the time too). A row over its target is marked ``MISS``.
Nothing generated is run.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NN = "import torch.nn as nn\n"
GOOD = "import torch.nn as nn\nnet = nn.Sequential(nn.Flatten(), nn.Linear(10, 5), nn.Linear(7, 2))\n"
MODEL = "import torch.nn as nn\n\nnet = nn.Sequential(nn.Flatten(), nn.Linear(10, 5), nn.Linear(9, 2))\n"

# name -> (builder(dir) -> argv after "cnnlint", seconds target)
Case = tuple[Callable[[Path], list[str]], float]


def _file(name: str, data: bytes | str, *extra: str) -> Callable[[Path], list[str]]:
    def build(d: Path) -> list[str]:
        (d / name).write_bytes(data.encode() if isinstance(data, str) else data)
        return ["check", *extra, name]

    return build


def _fifo(d: Path) -> list[str]:
    os.mkfifo(d / "f.py")
    return ["check", "f.py"]


def _pyproject_to_zero(d: Path) -> list[str]:
    (d / "pyproject.toml").symlink_to("/dev/zero")
    (d / "plain.py").write_text("x = 1\n")
    return ["check", "plain.py"]


def _config(pattern: str, name: str) -> Callable[[Path], list[str]]:
    def build(d: Path) -> list[str]:
        (d / "pyproject.toml").write_text(f'[tool.cnnlint]\nper-file-ignores = {{ "{pattern}" = ["CNL001"] }}\n')
        (d / name).write_text(GOOD)
        return ["check", name]

    return build


def _tiny_files(count: int) -> Callable[[Path], list[str]]:
    def build(d: Path) -> list[str]:
        tree = d / "tree"
        for i in range(count // 1000 + 1):
            sub = tree / f"pkg{i}"
            sub.mkdir(parents=True)
            for j in range(min(1000, count - 1000 * i)):
                (sub / f"m{j}.py").write_bytes(b"x = 1\n")
        return ["check", "tree"]

    return build


def _runtime(code: str) -> Callable[[Path], list[str]]:
    def build(d: Path) -> list[str]:
        head = "import torch\nimport torch.nn as nn\n"
        (d / "m.py").write_text(f"{head}net = nn.Sequential({code})\nx = torch.randn(2, 3)\n")
        return ["check", "--runtime", "m.py"]

    return build


def _layers(n: int) -> str:
    rows = "".join(f"    nn.Linear({i % 50 + 1}, {(i + 1) % 50 + 1}),\n" for i in range(n))
    return f"import torch.nn as nn\n\n# cnnlint: input=(1, 1)\nnet = nn.Sequential(\n{rows})\n"


CASES: dict[str, Case] = {
    # 1. encodings
    "cookie_line2_after_code": (_file("m.py", ("s = 'é'\n# -*- coding: latin-1 -*-\n" + MODEL).encode(), "--fix"), 2),
    "cookie_after_5000_byte_line": (
        _file("m.py", b"# " + b"x" * 5000 + b"\n# -*- coding: latin-1 -*-\n# \xe9\n" + MODEL.encode(), "--fix"),
        2,
    ),
    # 5. odd line separators
    "odd_separators_noqa": (
        _file("m.py", "import torch.nn as nn\nx = 1 # a\x1c\x0b\x0c\x85\u2028# noqa\n" + MODEL.split("\n", 2)[2]),
        2,
    ),
    # 6. deep nesting (CPython gives up / libcst would hang or crash)
    "not_x20000": (_file("m.py", "x = " + "not " * 20_000 + "1\n"), 2),
    "lambda_x5000": (_file("m.py", "x = " + "lambda: " * 5_000 + "1\n"), 2),
    "sum_10k_terms_plus_error": (_file("m.py", "x = " + "+".join(["1"] * 10_000) + "\nx = = 1\n"), 2),
    "sum_10k_terms_valid": (_file("m.py", GOOD + "x = " + "+".join(["1"] * 10_000) + "\n"), 2),
    "attributes_10k_plus_error": (_file("m.py", "x = a" + ".b" * 10_000 + "\nx = = 1\n"), 2),
    "calls_10k_plus_error": (_file("m.py", "x = f" + "()" * 10_000 + "\nx = = 1\n"), 2),
    "subscripts_10k_plus_error": (_file("m.py", "x = a" + "[0]" * 10_000 + "\nx = = 1\n"), 2),
    "newer_syntax_plus_chain": (_file("m.py", "type T = int\nx = a" + "[0]" * 3_000 + "\ntype U = = 1\n"), 2),
    "newer_syntax_small": (_file("m.py", "type Alias = int\n" + GOOD), 2),
    "parentheses_x5000": (_file("m.py", "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n"), 2),
    # 7. constant folding
    "round_1_minus_1e9": (_file("m.py", NN + "net = nn.Sequential(nn.Linear(round(1, -10**9), 3))\n"), 2),
    "nested_repetition_1e12": (
        _file("m.py", NN + "A=(0,)*10000; B=(A,)*10000; C=(B,)*10000\nnet=nn.Sequential(nn.LayerNorm(C))\n"),
        2,
    ),
    "message_of_30_MB": (_file("m.py", NN + "A='a'*9999\nnet=nn.Sequential(nn.LayerNorm((A,)*3000))\n"), 2),
    # 8. pragma and comment scanning
    "pragma_plus_40k_spaces": (_file("m.py", "# cnnlint: input=1" + " " * 40_000 + "x\n" + GOOD), 2),
    "20k_hash_cnnlint_strings": (_file("m.py", GOOD + "".join(f's{i} = "#cnnlint"\n' for i in range(20_000))), 2),
    "300KB_line_of_hashes": (_file("m.py", GOOD + "x = '" + "#" * 300_000 + "'  # cnnlint\n"), 2),
    # 9. FIFOs and devices
    "named_fifo": (_fifo, 2),
    "dev_zero": (lambda d: ["check", "/dev/zero"], 2),
    "pyproject_links_to_dev_zero": (_pyproject_to_zero, 2),
    # 10. globs
    "glob_reversed_range": (_config("[z-a].py", "m.py"), 2),
    "glob_backtracking": (_config("*a*a*a*a*a*a*a*a*a*a*a*a*b", "a" * 200 + ".py"), 2),
    "walk_5k_tiny_files": (_tiny_files(5_000), 2),
    # 11. --runtime (torch's own start-up is part of the time)
    "runtime_1500_term_sum": (_runtime("nn.Linear(" + "+".join(["1"] * 1500) + ", 3), nn.Linear(3, 2)"), 2),
    "runtime_4GB_string": (_runtime('nn.Identity("a" * 4 * 10**9), nn.Linear(3, 2)'), 2),
    # scale
    "100k_layer_model": (_file("big.py", _layers(100_000)), 10),
}


MEMORY_NOT_JUDGED = frozenset({"100k_layer_model"})


def run(argv: list[str], cwd: Path, timeout: float) -> tuple[float, float, float, int | None, str]:
    """Wall and CPU seconds, peak resident MB, exit status (None: killed at the timeout), first output line.

    CPU time (user + system of the run, not of processes it started) is shown next to wall time:
    on a shared machine the wall time also counts waiting for a core.
    """
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(ROOT)
    out_path = cwd / ".stress-out"
    with open(out_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "cnnlint", *argv], cwd=cwd, env=env, stdout=out, stderr=out, start_new_session=True
        )
        status: int | None = None
        rusage = None
        while True:
            pid, raw, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status = os.waitstatus_to_exitcode(raw)
                break
            if time.perf_counter() - start > timeout:
                os.killpg(proc.pid, signal.SIGKILL)  # the run and any worker processes it started
                _pid, _raw, rusage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        elapsed = time.perf_counter() - start
    proc.returncode = status if status is not None else -9  # already reaped
    first = (out_path.read_text(errors="replace").strip().splitlines() or [""])[0]
    peak_mb = rusage.ru_maxrss / 1024 if rusage is not None else float("nan")  # KB on Linux
    cpu = rusage.ru_utime + rusage.ru_stime if rusage is not None else float("nan")
    return elapsed, cpu, peak_mb, status, first


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", action="append", help="run only this case (repeatable)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a run counts as a hang")
    parser.add_argument("--memory-target", type=float, default=300.0, help="MB")
    args = parser.parse_args()
    names = args.only or list(CASES)
    misses = 0
    print(f"{'input':30} {'worst s':>8} {'cpu s':>6} {'target':>6} {'peak MB':>8}  exit  first line")
    for name in names:
        build, target = CASES[name]
        worst_t, worst_cpu, worst_mb, status, first = 0.0, 0.0, 0.0, None, ""
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory(prefix="cnnlint-stress-") as tmp:
                argv = build(Path(tmp))
                t, cpu, mb, status, first = run(argv, Path(tmp), args.timeout)
            worst_t, worst_cpu, worst_mb = max(worst_t, t), max(worst_cpu, cpu), max(worst_mb, mb)
        judged_mb = name not in MEMORY_NOT_JUDGED
        miss = worst_t >= target or (judged_mb and worst_mb >= args.memory_target) or status is None
        misses += miss
        shown = "hang" if status is None else str(status)
        flag = "  MISS" if miss else ""
        figures = f"{worst_t:8.2f} {worst_cpu:6.2f} {target:6.0f} {worst_mb:8.0f}"
        print(f"{name:30} {figures}  {shown:>4}  {first[:55]}{flag}")
        sys.stdout.flush()
    print(f"{len(names)} inputs, {misses} over target")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
