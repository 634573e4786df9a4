"""`cnnlint check FILE.py...` (the pre-commit hook's call) runs without click and says what click's path says."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT, run_cli

BUGGY = textwrap.dedent(
    """\
    import torch.nn as nn

    net = nn.Sequential(  # cnnlint: input=(1, 256, 5, 5)
        nn.Flatten(),
        nn.Linear(9216, 4096),
        nn.BatchNorm1d(4000),
    )
    """
)
CLEAN = BUGGY.replace("9216", "6400").replace("4000", "4096")


def _console(cwd, *args: str, **env: str) -> subprocess.CompletedProcess:
    """The console command: ``cnnlint.cli.main`` in a new process, as the hook runs it (``-m cnnlint``: the
    process leaves without tearing the interpreter down; its output must be complete all the same)."""
    code = "import runpy; runpy.run_module('cnnlint', run_name='__main__', alter_sys=True)"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CNNLINT_")}
    environ.update(PYTHONPATH=str(ROOT), **env)
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=environ, capture_output=True, text=True)


def _modules_after(cwd, *args: str) -> set[str]:
    code = "import sys\nfrom cnnlint.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
    code += "print('MODULES', ' '.join(sorted(sys.modules)))"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CNNLINT_")}
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=dict(environ, PYTHONPATH=str(ROOT)),
                          capture_output=True, text=True)  # fmt: skip
    line = [row for row in done.stdout.splitlines() if row.startswith("MODULES")][0]
    return set(line.split()[1:])


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "buggy.py").write_text(BUGGY)
    (tmp_path / "clean.py").write_text(CLEAN)
    (tmp_path / "util.py").write_text("def add(a, b):\n    return a + b\n")
    (tmp_path / "broken.py").write_text("import torch.nn as nn\nnet = nn.Sequential(\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "gen.py").write_text(BUGGY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


CASES = [
    ["check", "buggy.py"],
    ["check", "clean.py"],
    ["check", "buggy.py", "clean.py", "util.py"],
    ["check", "broken.py"],
    ["check", "missing.py"],
    ["check", "--force-exclude", "build/gen.py", "buggy.py"],
    ["check", "--force-exclude", "build/gen.py"],
    ["check", "--no-cache", "buggy.py"],
    ["check", "--no-cache", "--force-exclude", "util.py", "clean.py"],
    ["check", "--quiet", "buggy.py"],
]


@pytest.mark.parametrize("argv", CASES, ids=[" ".join(a[1:]) for a in CASES])
def test_the_hook_call_says_what_the_full_command_line_says(project, argv):
    full = run_cli(*argv)
    for _ in range(2):  # the second run reads the result cache the first wrote
        hook = _console(project, *argv)
        assert (hook.returncode, hook.stdout, hook.stderr) == (full.exit_code, full.stdout, full.stderr)


def test_the_project_configuration_applies(project):
    (project / "pyproject.toml").write_text('[tool.cnnlint]\nignore = ["CNL001"]\n')
    hook = _console(project, "check", "buggy.py")
    assert "CNL001" not in hook.stdout and "CNL002" in hook.stdout and hook.returncode == 1
    assert hook.stdout == run_cli("check", "buggy.py").stdout
    (project / "pyproject.toml").write_text("[tool.cnnlint]\nselcet = []\n")
    bad = _console(project, "check", "buggy.py")
    assert (bad.returncode, bad.stderr) == (2, run_cli("check", "buggy.py").stderr)


def test_the_cache_environment_goes_through_click(project):
    hook = _console(project, "check", "buggy.py", CNNLINT_CACHE_DIR=str(project / "elsewhere"))
    assert hook.returncode == 1 and (project / "elsewhere").is_dir()
    assert not (project / ".cnnlint_cache").exists()


def test_a_model_file_is_checked_without_click(project):
    loaded = _modules_after(project, "check", "buggy.py")
    assert "cnnlint.interpret.following" in loaded  # it was checked here, not answered as "no model"
    assert "click" not in loaded and "cnnlint.commands" not in loaded
    # and none of what costs a hook call milliseconds: dataclasses (inspect, dis, tokenize), typing, threading
    assert not loaded & {"dataclasses", "inspect", "typing", "threading"}
    assert "click" not in _modules_after(project, "check", "--no-cache", "buggy.py")
    assert "click" in _modules_after(project, "check", "--quiet", "buggy.py")
