"""Static mode executes nothing from the files it reads (SPEC §1), nor from the directory it runs in.

The checked directory is full of traps that leave a canary file behind when
run: module-level calls, a layer argument that would run a command, imports
of a sibling module, decorators, default values, ``exec``/``eval``, and
Python start-up tricks (``sitecustomize.py``, ``usercustomize.py``, a
``.pth`` file, modules named like the ones cnnlint imports, which
``python -m`` would pick up from the working directory). cnnlint runs as a
subprocess with that directory as its working directory; afterwards no
canary may exist.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CANARY = "CANARY"


def _touch(name: str, folder: Path) -> str:
    """Python source that creates ``folder/name`` when it runs."""
    return f"open({str(folder / name)!r}, 'w').close()"


def _traps(folder: Path) -> None:
    c = {n: str(folder / f"{CANARY}_{n}") for n in ("system", "open", "dunder", "layer", "import", "deco", "default",
                                                   "exec", "main", "class", "fstring", "lambda", "walrus")}  # fmt: skip
    (folder / "model.py").write_text(
        f"""import os
import torch
import torch.nn as nn

import sibling_module

os.system("touch {c["system"]}")
open("{c["open"]}", "w").close()
__import__("os").system("touch {c["dunder"]}")
exec("open({c["exec"]!r}, 'w').close()")
eval("__import__('os').system('touch {c["exec"]}_eval')")
label = f"{{__import__('os').system('touch {c["fstring"]}')}}"


def deco(f):
    open("{c["deco"]}", "w").close()
    return f


@deco
def helper(x=open("{c["default"]}", "w")):
    return x


class Sneaky:
    open("{c["class"]}", "w").close()


net = nn.Sequential(
    nn.Linear(__import__("os").system("touch {c["layer"]}"), 2),
    nn.Linear((n := __import__("os").system("touch {c["walrus"]}")), 4),
    nn.Flatten(),
    nn.Linear(10, 5),
    nn.Linear(7, 2),
    (lambda x: __import__("os").system("touch {c["lambda"]}")),
)

if __name__ == "__main__":
    open("{c["main"]}", "w").close()
    net(torch.randn(1, 10))
"""
    )
    (folder / "sibling_module.py").write_text(_touch(f"{CANARY}_sibling", folder) + "\n")
    shadows = ("sitecustomize", "usercustomize", "typing", "click", "json", "dataclasses", "ast", "libcst")
    shadows += ("tomllib", "tomli", "pathlib", "re", "enum", "functools", "difflib", "concurrent", "codecs")
    for name in shadows:
        (folder / f"{name}.py").write_text(_touch(f"{CANARY}_{name}", folder) + "\n")
    (folder / "cnnlint_evil.pth").write_text(f"import os; os.system('touch {folder / (CANARY + '_pth')}')\n")
    (folder / "setup.py").write_text(_touch(f"{CANARY}_setup", folder) + "\n")
    (folder / "conftest.py").write_text(_touch(f"{CANARY}_conftest", folder) + "\n")
    (folder / "__init__.py").write_text(_touch(f"{CANARY}_init", folder) + "\n")
    (folder / "__main__.py").write_text(_touch(f"{CANARY}_main_module", folder) + "\n")
    (folder / "pyproject.toml").write_text('[tool.cnnlint]\nignore = ["CNL100"]\n')


def _canaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(f"{CANARY}*"))


def _env(folder: Path) -> dict[str, str]:
    """A user's environment: no PYTHON* variables (so no PYTHONSAFEPATH protecting the run either)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def _run(args: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=folder, capture_output=True, text=True, env=_env(folder), timeout=120)


@pytest.fixture
def trapped(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    _traps(folder)
    return folder


def test_check_as_python_m_runs_nothing(trapped: Path) -> None:
    proc = _run([sys.executable, "-m", "cnnlint", "check", "--output-format", "json", "."], trapped)
    assert _canaries(trapped) == []
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stderr
    found = [(Path(d["filename"]).name, d["code"], d["location"]["row"]) for d in json.loads(proc.stdout)]
    # the file was read and checked: torch.randn(1, 10) flows in, two Linears are wrong
    assert [f for f in found if f[0] == "model.py"] == [("model.py", "CNL001", 33), ("model.py", "CNL001", 34)]


def test_console_script_and_other_static_commands_run_nothing(trapped: Path) -> None:
    script = shutil.which("cnnlint", path=str(Path(sys.executable).parent))
    commands = [
        [sys.executable, "-m", "cnnlint", "check", "--diff", "model.py"],
        [sys.executable, "-m", "cnnlint", "check", "--output-format", "sarif", "--show-info", "."],
        [sys.executable, "-m", "cnnlint", "summary", "model.py"],
        [sys.executable, "-m", "cnnlint", "check", "--fix", "model.py"],
    ]
    if script:
        commands.insert(0, [script, "check", "."])
    for command in commands:
        proc = _run(command, trapped)
        assert "Traceback" not in proc.stderr, (command, proc.stderr)
        assert _canaries(trapped) == [], command
    assert "nn.Linear(5, 2)" in (trapped / "model.py").read_text()  # --fix did its job, statically


def test_stdin_runs_nothing(trapped: Path) -> None:
    source = (trapped / "model.py").read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "cnnlint", "check", "--stdin-filename", "model.py"],
        cwd=trapped,
        input=source,
        capture_output=True,
        env=_env(trapped),
        timeout=120,
    )
    assert proc.returncode == 1 and b"CNL001" in proc.stdout
    assert _canaries(trapped) == []


def test_in_process_check_runs_nothing(trapped: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipeline itself, without the CLI: nothing imported from the checked file's directory either."""
    from cnnlint.check import CheckOptions, check_bytes

    monkeypatch.chdir(trapped)
    before = set(sys.modules)
    result = check_bytes((trapped / "model.py").read_bytes(), str(trapped / "model.py"), CheckOptions())
    assert "CNL001" in {d.code for d in result.diagnostics}
    assert _canaries(trapped) == []
    assert not {"sibling_module", "sitecustomize_evil"} & (set(sys.modules) - before)
