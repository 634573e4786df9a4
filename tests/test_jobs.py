"""``--jobs N``: worker processes never change what is reported, nor its order."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

from cnnlint.runner import Run
from cnnlint.schedule import _workers, cpu_count


def _cnnlint(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "cnnlint", "check", "--no-cache", "-v", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def _workers_used(stderr: str) -> int:
    found = re.search(r"; (\d+) workers?;", stderr)
    assert found, stderr
    return int(found.group(1))


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    for i in range(3):
        shutil.copytree(FIXTURES, root / f"copy{i}")
    (root / "copy1" / "broken.py").write_text("def f(:\n")  # a CNL999 in the middle of the order
    return root


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_workers_report_what_one_process_reports_in_the_same_order(tree: Path, fmt: str) -> None:
    serial = _cnnlint("--jobs", "1", "--output-format", fmt, str(tree))
    parallel = _cnnlint("--jobs", "3", "--output-format", fmt, str(tree))
    assert _workers_used(serial.stderr) == 1 and _workers_used(parallel.stderr) == 3
    assert parallel.stdout == serial.stdout and parallel.returncode == serial.returncode == 1
    assert "broken.py" in serial.stdout and "CNL999" in serial.stdout


def test_fixes_from_workers_are_applied(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES, tmp_path / "a")
    shutil.copytree(FIXTURES, tmp_path / "b")
    _cnnlint("--jobs", "1", "--fix", str(tmp_path / "a"))
    result = _cnnlint("--jobs", "2", "--fix", str(tmp_path / "b"))
    assert _workers_used(result.stderr) == 2
    for path in sorted((tmp_path / "a").glob("*.py")):
        assert (tmp_path / "b" / path.name).read_text() == path.read_text(), path.name


def test_the_number_of_workers(tree: Path) -> None:
    files = sorted(tree.rglob("*.py"))
    work = [(p, p.read_bytes()) for p in files]
    everything = list(range(len(work)))
    run = Run(settings=None, jobs=4)
    assert _workers(run, work, everything) == 4
    assert _workers(run, work, everything[:2]) == 2  # never more than the files to check
    assert _workers(run, work, everything[:1]) == 1  # one file: this process
    run.jobs = None  # the default: every CPU, once there is enough model source to pay for them
    assert _workers(run, work, everything) == 1  # three copies of the fixtures are not enough
    big = [(p, data * 100) for p, data in work]
    assert _workers(run, big, everything) == min(cpu_count(), len(work))
    run.keep_models = True  # summary keeps traces in this process
    assert _workers(run, big, everything) == 1


def test_jobs_must_be_positive() -> None:
    result = run_cli("check", "--jobs", "0", str(FIXTURES))
    assert result.exit_code == 2 and "--jobs" in result.stderr


def test_without_process_support_the_run_stays_in_one_process(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    def no_processes(*args: object, **kwargs: object) -> None:
        raise OSError(38, "Function not implemented")  # a sandbox without sem_open

    expected = run_cli("check", "--no-cache", "--jobs", "1", str(tree))
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_processes)
    result = run_cli("check", "--no-cache", "--jobs", "2", str(tree))
    assert result.stdout == expected.stdout and result.exit_code == expected.exit_code == 1
    assert "Traceback" not in result.stderr
