"""Command-line surface from issue 13: stdin as `-`, missing paths, CNL100 selection, JSON statistics,
summary's exit status and default path, help text, plurals, relative paths outside the working directory."""

from __future__ import annotations

import json
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
    )
    """
)
UNKNOWN_LAYER = textwrap.dedent(
    """\
    import torch.nn as nn
    from mylib import Block

    net = nn.Sequential(  # cnnlint: input=(1, 3, 32, 32)
        Block(),
        nn.Conv2d(3, 8, 3),
    )
    """
)


def _cli(*args: str, cwd=None, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "cnnlint", *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=env,
        timeout=120,
    )  # fmt: skip


# ---- item 4: stdin and missing paths -----------------------------------------------


def test_dash_reads_standard_input_named_dash():
    result = run_cli("check", "-", input=BUGGY)
    assert result.exit_code == 1
    assert result.stdout.startswith("-:5:5: CNL001 ")


def test_a_missing_path_is_an_error_and_never_all_checks_passed(tmp_path):
    result = _cli("check", str(tmp_path / "missing.py"))
    assert result.returncode == 2
    assert "No such file or directory" in result.stderr
    assert "All checks passed" not in result.stdout + result.stderr


def test_a_missing_path_next_to_a_buggy_file_still_reports_the_bug(tmp_path):
    (tmp_path / "m.py").write_text(BUGGY)
    result = _cli("check", "m.py", "missing.py", cwd=tmp_path)
    assert result.returncode == 2
    assert "m.py:5:5: CNL001" in result.stdout and "Found 1 error" in result.stdout


# ---- item 6: CNL100 selectable -----------------------------------------------------


@pytest.mark.parametrize(
    "flags", [("--select", "CNL100"), ("--extend-select", "CNL100"), ("--select", "ALL"), ("--select", "CNL1")]
)
def test_cnl100_shown_when_selected(tmp_path, flags):
    path = tmp_path / "m.py"
    path.write_text(UNKNOWN_LAYER)
    codes = {d["code"] for d in run_cli("check", "--output-format", "json", *flags, str(path)).json()}
    assert "CNL100" in codes


def test_cnl100_hidden_by_default_and_shown_by_config_select_all(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(UNKNOWN_LAYER)
    assert run_cli("check", "--output-format", "json", str(path)).json() == []
    (tmp_path / "pyproject.toml").write_text('[tool.cnnlint]\nselect = ["ALL"]\n')
    codes = {d["code"] for d in run_cli("check", "--output-format", "json", str(path)).json()}
    assert codes == {"CNL100"}
    result = run_cli("check", "--output-format", "json", "--extend-select", "CNL100", "--ignore", "CNL100", str(path))
    assert result.json() == []


# ---- item 7: --statistics honours --output-format json -------------------------------


def test_statistics_json(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(BUGGY)
    result = run_cli("check", "--statistics", "--output-format", "json", str(path))
    assert json.loads(result.stdout) == [{"code": "CNL001", "name": "linear-in-features", "count": 1, "fixable": True}]
    assert result.exit_code == 1


# ---- item 10 --------------------------------------------------------------------


def test_summary_exits_1_on_an_error_and_defaults_to_dot(tmp_path):
    (tmp_path / "m.py").write_text(BUGGY)
    result = _cli("summary", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "net (nn.Sequential) m.py:3" in result.stdout
    (tmp_path / "m.py").write_text(BUGGY.replace("9216", "6400"))
    assert _cli("summary", cwd=tmp_path).returncode == 0


def test_help_lines_are_whole_sentences():
    result = _cli("--help")
    commands = result.stdout.split("Commands:", 1)[1].strip().splitlines()
    assert len(commands) == 4
    for line in commands:
        assert line.rstrip().endswith(".") and "..." not in line and "e.g" not in line, line


def test_one_channel_is_singular(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(3, 1, 3), nn.Conv2d(8, 4, 3))\n")
    (item,) = run_cli("check", "--output-format", "json", str(path)).json()
    assert "receives 1 channel;" in item["message"]


def test_relative_path_outside_the_working_directory_stays_relative(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "m.py").write_text(BUGGY)
    (tmp_path / "work").mkdir()
    result = _cli("check", os.path.join("..", "lib", "m.py"), cwd=tmp_path / "work")
    assert result.stdout.startswith(os.path.join("..", "lib", "m.py") + ":5:5: CNL001"), result.stdout


# ---- item 5: CNL003 fits an editor line ---------------------------------------------


def test_cnl003_message_opens_with_one_short_sentence():
    (item, *_) = run_cli("check", "--output-format", "json", str(ROOT / "fixtures" / "alexnet_224_trap.py")).json()
    first, rest = item["message"].split(". ", 1)
    assert first == "Conv2d never reads the last 1 row and 1 column of its 224x224 input"
    assert rest.startswith("Kernel 11, stride 4, padding 0: (224 + 2*0 - 11) / 4 + 1 = 54.25")
