"""Never hang, never crash (issue 10, items 6-11 and 13).

Each reproducer is generated here and run in a subprocess under a generous
timeout: a hang fails the test instead of stalling the suite, and a crash of
libcst's native parser cannot take pytest down. The timeouts only detect
hangs (the fixed code takes well under a second or two here; the old code took
minutes or forever on the same inputs); benchmarks/stress.py measures.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from cnnlint.runtime_worker import Unsafe, validate

HANG = 90  # seconds: only ever reached by a hang
GOOD = "import torch.nn as nn\nnet = nn.Sequential(nn.Flatten(), nn.Linear(10, 5), nn.Linear(7, 2))\n"
GOOD_LINE = "good.py:2:53: CNL001"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _cnnlint(*args: str, cwd: Path | None = None, timeout: float = HANG) -> subprocess.CompletedProcess[str]:
    """A real run; on a hang, it and every process it started are killed and the test fails."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cnnlint", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=_env(), cwd=cwd or ROOT, start_new_session=True,
    )  # fmt: skip
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"cnnlint {' '.join(a[:40] for a in args)} did not finish within {timeout} s")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _with_good(tmp_path: Path, name: str, data: bytes | str) -> tuple[Path, Path]:
    bad = tmp_path / name
    bad.write_bytes(data.encode() if isinstance(data, str) else data)
    good = tmp_path / "good.py"
    good.write_text(GOOD)
    return bad, good


# --------------------------------------------------------------------------- 6. libcst never crashes or hangs the run

DEEP = {
    "not_20000": "x = " + "not " * 20_000 + "1\n",
    "lambda_5000": "x = " + "lambda: " * 5_000 + "1\n",
    "sum_10000": "x = " + "+".join(["1"] * 10_000) + "\nx = = 1\n",
    "attributes_10000": "x = a" + ".b" * 10_000 + "\nx = = 1\n",
    "calls_10000": "x = f" + "()" * 10_000 + "\nx = = 1\n",
    "subscripts_10000": "x = a" + "[0]" * 10_000 + "\nx = = 1\n",
    "newer_marker_and_chain": "type T = int\nx = a" + "[0]" * 3_000 + "\ntype U = = 1\n",
}


@pytest.mark.parametrize("name", list(DEEP))
def test_deep_files_are_one_cnl999_and_the_run_goes_on(tmp_path: Path, name: str) -> None:
    bad, good = _with_good(tmp_path, f"{name}.py", DEEP[name])
    proc = _cnnlint("check", str(bad), str(good))
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-500:])
    lines = [ln for ln in proc.stdout.splitlines() if f"{name}.py" in ln]
    assert len(lines) == 1 and "CNL999" in lines[0], proc.stdout[-500:]
    assert GOOD_LINE in proc.stdout and "Traceback" not in proc.stderr


def test_cpython_giving_up_is_reported_as_too_deeply_nested(tmp_path: Path) -> None:
    bad, _good = _with_good(tmp_path, "deep.py", DEEP["not_20000"])
    proc = _cnnlint("check", str(bad))
    assert "too deeply nested" in proc.stdout


def test_libcst_is_asked_only_within_bounds() -> None:
    from cnnlint import newer

    assert newer.shape("x = a" + "[0]" * 3000)[0] > newer.MAX_CHAIN
    assert newer.shape("x = (1 +\n" + "1 +\n" * 2000 + "1)")[0] > newer.MAX_CHAIN  # across lines, inside brackets
    assert newer.shape("x = " + "(" * 60 + ")" * 60)[1] > newer.MAX_DEPTH
    row = "    nn.Conv2d(3, 4, kernel_size=3, padding=(1, 1)), nn.ReLU(),\n"
    layers = "net = nn.Sequential(\n" + row * 1000 + ")\n"
    assert newer.shape(layers) == (11, 3)  # a long model is many short chains
    assert not newer.newer_syntax("type T = int\nx = a" + "[0]" * 3000 + "\n", 1, False)
    assert not newer.newer_syntax("x = = 1\n", 1, False)  # no newer construct on the rejected row


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="PEP 695 is this Python's own syntax")
def test_a_large_newer_file_is_decided_in_a_child_process(tmp_path: Path) -> None:
    body = "".join(f"v{i} = {i}\n" for i in range(8_000))  # over newer.IN_PROCESS_BYTES
    path = tmp_path / "big_new.py"
    path.write_text("type Alias = int\n" + body)
    proc = _cnnlint("check", "--output-format", "concise", str(path))
    assert proc.returncode == 0 and "CNL100" in proc.stdout and "not analysed" in proc.stdout, proc.stdout


# --------------------------------------------------------------------------- 7. bounded constant folding

FOLDING = {
    "round_huge_ndigits": "import torch.nn as nn\nnet = nn.Sequential(nn.Linear(round(1, -10**9), 3))\n",
    "nested_repetition": (
        "import torch.nn as nn\nA=(0,)*10000; B=(A,)*10000; C=(B,)*10000\nnet = nn.Sequential(nn.LayerNorm(C))\n"
    ),
    "huge_message": "import torch.nn as nn\nA='a'*9999\nnet=nn.Sequential(nn.LayerNorm((A,)*3000))\n",
    "long_message": "import torch.nn as nn\nnet = nn.Sequential(nn.LayerNorm(('" + "a" * 5000 + "',)))\n",
}


@pytest.mark.parametrize("name", list(FOLDING))
def test_folding_is_bounded_and_messages_short(tmp_path: Path, name: str) -> None:
    bad, good = _with_good(tmp_path, f"{name}.py", FOLDING[name])
    proc = _cnnlint("check", "--output-format", "concise", str(bad), str(good))
    assert proc.returncode == 1 and GOOD_LINE in proc.stdout, proc.stderr[-500:]
    assert all(len(line) < 400 for line in proc.stdout.splitlines()), max(map(len, proc.stdout.splitlines()))


def test_bounds_helpers() -> None:
    from cnnlint import bounds

    with pytest.raises(bounds.TooBig):
        bounds.checked_round(1, -(10**9))
    a = (0,) * 10_000
    with pytest.raises(bounds.TooBig):
        bounds.checked_mul((a,), 10_000)
    assert bounds.element_count(((a,) * 10,) * 10) == bounds.MAX_ELEMENTS + 1
    deep: tuple = (1,)
    for _ in range(50_000):
        deep = (deep,)
    assert bounds.element_count(deep, 10**6) == 50_001  # no recursion
    assert len(bounds.short_repr(deep)) <= 80 and len(bounds.short_repr(((a,) * 100,) * 100)) <= 80
    assert bounds.short_repr((1, "a")) == "(1, 'a')" and bounds.short_repr((1,)) == "(1,)"
    assert bounds.checked_pow(2, 10) == 1024
    with pytest.raises(bounds.TooBig):
        bounds.checked_pow(10, 10**6)


# --------------------------------------------------------------------------- 8. linear pragma and comment scanning

SCANS = {
    "pragma_then_spaces": "# cnnlint: input=1" + " " * 200_000 + "x\n" + GOOD,
    "many_hash_strings": GOOD + "".join(f's{i} = "#cnnlint"\n' for i in range(60_000)),
    "long_line_of_hashes": GOOD + "x = '" + "#" * 1_500_000 + "'  # cnnlint\n",
}


@pytest.mark.parametrize("name", list(SCANS))
def test_pragma_and_comment_scanning_is_linear(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.py"
    path.write_text(SCANS[name])
    proc = _cnnlint("check", "--output-format", "concise", str(path))
    assert proc.returncode == 1 and f"{name}.py:" in proc.stdout, proc.stderr[-500:]


# --------------------------------------------------------------------------- 9. FIFOs and devices


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_named_fifo_is_refused_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "f.py")
    _bad, good = _with_good(tmp_path, "x.py", "x = 1\n")
    proc = _cnnlint("check", str(tmp_path / "f.py"), str(good))
    assert proc.returncode == 2 and "not a regular file" in proc.stderr and GOOD_LINE in proc.stdout
    fast = _cnnlint("check", str(tmp_path / "f.py"))  # the pre-commit fast path's arguments
    assert fast.returncode == 2 and "not a regular file" in fast.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_device_is_refused_not_read(tmp_path: Path) -> None:
    _bad, good = _with_good(tmp_path, "x.py", "x = 1\n")
    proc = _cnnlint("check", "/dev/zero", str(good))
    assert proc.returncode == 2 and "not a regular file" in proc.stderr and GOOD_LINE in proc.stdout


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_standard_input_is_read_bounded(tmp_path: Path) -> None:
    with open("/dev/zero", "rb") as zero:
        proc = subprocess.run(
            [sys.executable, "-m", "cnnlint", "check", "--stdin-filename", "x.py"], stdin=zero, capture_output=True,
            text=True, env=_env(), cwd=tmp_path, timeout=HANG,
        )  # fmt: skip
    assert proc.returncode == 2 and "standard input is larger" in proc.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_pyproject_linked_to_a_device_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").symlink_to("/dev/zero")
    (tmp_path / "plain.py").write_text("x = 1\n")
    proc = _cnnlint("check", "plain.py", cwd=tmp_path)  # the fast path: no model in the file
    assert proc.returncode == 0 and "All checks passed!" in proc.stdout
    (tmp_path / "m.py").write_text(GOOD)  # the full command line's configuration discovery
    proc = _cnnlint("check", "--output-format", "concise", "m.py", cwd=tmp_path)
    assert proc.returncode == 1 and "m.py:2:53: CNL001" in proc.stdout, proc.stderr[-500:]


# --------------------------------------------------------------------------- 10. globs in configuration


def test_an_invalid_glob_is_a_configuration_error_naming_the_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.cnnlint]\nper-file-ignores = { "[z-a].py" = ["CNL001"] }\n')
    (tmp_path / "m.py").write_text(GOOD)
    result = run_cli("check", str(tmp_path / "m.py"), "--config", str(tmp_path / "pyproject.toml"))
    assert result.exit_code == 2 and "per-file-ignores" in result.stderr and "[z-a]" in result.stderr


def test_a_backtracking_glob_does_not_hang(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.cnnlint]\nper-file-ignores = { "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b" = ["CNL001"] }\n'
    )
    bad, good = _with_good(tmp_path, "a" * 200 + ".py", GOOD)  # a finding: its file is matched
    proc = _cnnlint("check", str(bad), str(good), cwd=tmp_path)
    assert proc.returncode == 1 and GOOD_LINE in proc.stdout and "a" * 200 + ".py:2:53: CNL001" in proc.stdout


def test_a_walk_computes_realpath_once_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cnnlint import config
    from cnnlint.discover import discover

    tree = tmp_path / "tree"
    tree.mkdir()
    for i in range(50):
        (tree / f"m{i}.py").write_text("x = 1\n")
    settings = config.load_settings(None, cwd=tmp_path / "elsewhere")  # the files are outside the root
    calls = []
    real = os.path.realpath
    monkeypatch.setattr(os.path, "realpath", lambda p, *a, **k: calls.append(p) or real(p, *a, **k))
    found = list(discover([tree], lambda p: config.is_excluded(settings, p)))
    assert len(found) == 50
    assert len(calls) <= 2 * 51  # was 2 per default exclude per file (52 per file)


# --------------------------------------------------------------------------- 11. --runtime


@pytest.mark.parametrize(
    "code, reason",
    [
        ("nn.Linear(" + "+".join(["1"] * 1500) + ", 3)", "nested"),
        ('nn.Identity("a" * 4 * 10**9)', "numbers"),
        ("nn.Identity('" + "a" * 5000 + "')", "too large"),
        ("nn.Linear(" + "1" * 40 + ", 3)", "too large"),
        ('nn.ParameterDict([("a", F.importlib)])', "torch.nn.functional.importlib"),
        ("nn.ParameterList([F.torch])", "torch.nn.functional.torch"),
        ("nn.Linear((((((10 ** 64) ** 64) ** 64) ** 64) ** 64) ** 64, 3)", "power"),
    ],
)
def test_the_validator_caps_sizes_and_refuses_modules(code: str, reason: str) -> None:
    aliases = {"nn": "torch.nn", "F": "torch.nn.functional"}
    with pytest.raises(Unsafe) as err:
        validate(code, aliases, {})
    assert reason in str(err.value)


def test_the_validator_still_takes_layer_arguments() -> None:
    aliases = {"nn": "torch.nn", "F": "torch.nn.functional"}
    for code in (
        "nn.MaxPool2d((2,) * 2)",
        "nn.TransformerEncoderLayer(8, 2, activation=F.gelu)",
        "nn.Linear(2**10, 3)",
    ):
        validate(code, aliases, {})


def test_the_worker_caps_its_address_space() -> None:
    code = (
        "import resource, runpy, sys; ns = runpy.run_path(sys.argv[1]); ns['_limit_memory'](); "
        "print(resource.getrlimit(resource.RLIMIT_AS)[0])"
    )
    worker = ROOT / "cnnlint" / "runtime_worker.py"
    out = subprocess.run([sys.executable, "-c", code, str(worker)], capture_output=True, text=True, timeout=60)
    if sys.platform.startswith("linux"):
        import resource

        assert 0 < int(out.stdout.strip()) != resource.RLIM_INFINITY


@pytest.mark.parametrize("value", ["inf", "nan", "0", "-1"])
def test_runtime_timeout_must_be_positive_and_finite(tmp_path: Path, value: str) -> None:
    path = tmp_path / "m.py"
    path.write_text(GOOD)
    result = run_cli("check", "--runtime-timeout", value, str(path))
    assert result.exit_code == 2 and "--runtime-timeout" in result.stderr


@pytest.mark.skipif(
    __import__("importlib").util.find_spec("torch") is None, reason="--runtime needs torch"
)  # fmt: skip
def test_runtime_contains_a_deep_argument_per_model(tmp_path: Path) -> None:
    terms = "+".join(["1"] * 1500)
    bad, good = _with_good(tmp_path, "sum.py", f"import torch.nn as nn\nnet = nn.Sequential(nn.Linear({terms}, 3))\n")
    proc = _cnnlint("check", "--runtime", str(bad), str(good), timeout=300)
    assert proc.returncode == 1 and GOOD_LINE in proc.stdout and "Traceback" not in proc.stderr, proc.stderr[-800:]


# --------------------------------------------------------------------------- 13. CLI


def test_stdin_with_paths_is_refused(tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_text(GOOD)
    result = run_cli("check", "--stdin-filename", "x.py", "-", str(good), input=b"x = 1\n")
    assert result.exit_code == 2 and "--stdin-filename" in result.stderr


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="PEP 695 is this Python's own syntax")
def test_newer_syntax_is_said_not_analysed(tmp_path: Path) -> None:
    path = tmp_path / "new.py"
    path.write_text("import torch.nn as nn\ntype Alias = int\nnet = nn.Sequential(nn.Linear(1, 2), nn.Linear(3, 4))\n")
    result = run_cli("check", str(path))
    assert result.exit_code == 0
    assert "CNL100" in result.stdout and "not analysed" in result.stdout and "All checks passed!" not in result.stdout


def test_big_values_in_nested_loops_spend_the_work_budget() -> None:
    """``[0] * 99999`` four thousand times over took 18 s on a 100-byte file: a big value costs work
    in proportion to its size each time it is made or used, so the loops stop within the budget."""
    import ast

    from cnnlint.interpret.models import find_models

    text = (
        "n = 0\nfor i in range(4096):\n    for j in range(4096):\n        x = [0] * 99999\n"
        "        y = (x, x)\n        n = n + 1\n"
    )
    found = find_models(ast.parse(text), text, "m.py")
    assert found.session is not None
    runs = found.session.main.globals["n"]
    assert 0 < runs < 1_000  # each list is a thousand nodes' work: a few hundred rounds, not 100,000
