"""The command line as users and CI see it: formats, exit statuses, suppression, fixes, stdin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from conftest import FIXTURES, ROOT, run_cli

BUGGY = textwrap.dedent(
    """\
    import torch.nn as nn

    net = nn.Sequential(  # cnnlint: input=(1, 256, 5, 5)
        nn.Flatten(),
        nn.Linear(9216, 4096),
    )
    """
)
CLEAN = BUGGY.replace("9216", "6400")


@pytest.fixture
def buggy(tmp_path):
    path = tmp_path / "model.py"
    path.write_text(BUGGY)
    return path


def test_text_output_and_exit_1(buggy):
    result = run_cli("check", str(buggy))
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{buggy}:5:5: CNL001 ") or first.endswith("CNL001 " + first.split("CNL001 ", 1)[1])
    assert ":5:5: CNL001 Linear expects in_features=9216 but receives 6400" in result.stdout
    assert "Found 1 error" in result.stdout


def test_clean_file_exit_0(tmp_path):
    path = tmp_path / "model.py"
    path.write_text(CLEAN)
    result = run_cli("check", str(path))
    assert result.exit_code == 0, result.stdout


def test_json_has_ruffs_field_names(buggy):
    (item,) = run_cli("check", "--output-format", "json", str(buggy)).json()
    assert {"code", "name", "message", "severity", "filename", "location", "end_location", "fix", "url"} <= set(item)
    assert item["name"] == "linear-in-features" and item["severity"] == "error"
    assert item["location"] == {"row": 5, "column": 5}
    assert item["end_location"] == {"row": 5, "column": 26}
    assert item["fix"]["edits"] == [
        {"content": "6400", "location": {"row": 5, "column": 15}, "end_location": {"row": 5, "column": 19}}
    ]


def test_exit_zero(buggy):
    assert run_cli("check", "--exit-zero", str(buggy)).exit_code == 0


@pytest.mark.parametrize("comment", ["# noqa", "# noqa: CNL001", "# NOQA:CNL001,CNL002"])
def test_noqa_suppresses(tmp_path, comment):
    path = tmp_path / "m.py"
    path.write_text(BUGGY.replace("nn.Linear(9216, 4096),", f"nn.Linear(9216, 4096),  {comment}"))
    assert run_cli("check", str(path)).exit_code == 0


def test_noqa_for_another_code_does_not_suppress(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(BUGGY.replace("nn.Linear(9216, 4096),", "nn.Linear(9216, 4096),  # noqa: CNL002"))
    assert run_cli("check", str(path)).exit_code == 1


def test_select_and_ignore(buggy):
    assert run_cli("check", "--ignore", "CNL001", str(buggy)).exit_code == 0
    assert run_cli("check", "--select", "CNL002", str(buggy)).exit_code == 0
    assert run_cli("check", "--select", "CNL001", str(buggy)).exit_code == 1


def test_unknown_code_in_select_is_a_usage_error(buggy):
    result = run_cli("check", "--select", "XYZ123", str(buggy))
    assert result.exit_code == 2
    assert "XYZ123" in result.stderr


def test_show_info_reports_where_following_stops(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("import torch.nn as nn\nnet = nn.Sequential(MyBlock(3), nn.Linear(4, 2))\n")
    assert run_cli("check", str(path)).stdout.count("CNL100") == 0
    result = run_cli("check", "--show-info", "--output-format", "json", str(path))
    assert [d["code"] for d in result.json()] == ["CNL100"]
    assert result.exit_code == 0  # info is not a finding


def test_input_option_declares_the_size(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Flatten(), nn.Linear(72, 2))\n")
    assert run_cli("check", str(path)).exit_code == 0  # 5x5 inputs (and 3x11, ...) work: no size declared, no error
    result = run_cli("check", "--input", "net=1,3,12,12", "--output-format", "json", str(path))
    (d,) = result.json()
    assert d["code"] == "CNL001" and "800" in d["message"]


def test_bad_input_option_is_a_usage_error(buggy):
    assert run_cli("check", "--input", "net", str(buggy)).exit_code == 2


def test_fix_rewrites_in_place_keeping_other_bytes(tmp_path):
    path = tmp_path / "m.py"
    original = BUGGY.replace("\n", "\r\n").replace("import torch", "# -*- coding: utf-8 -*-\r\nimport torch")
    path.write_bytes(original.encode())
    result = run_cli("check", "--fix", str(path))
    assert result.exit_code == 0, result.stdout
    assert path.read_bytes() == original.replace("9216", "6400").encode()


def test_diff_prints_without_writing(buggy):
    before = buggy.read_bytes()
    result = run_cli("check", "--diff", str(buggy))
    assert result.exit_code == 1
    assert "-    nn.Linear(9216, 4096)," in result.stdout and "+    nn.Linear(6400, 4096)," in result.stdout
    assert buggy.read_bytes() == before


def test_stdin_filename(tmp_path):
    result = run_cli("check", "--stdin-filename", "pkg/model.py", "-", input=BUGGY)
    assert result.exit_code == 1
    assert "pkg/model.py:5:5: CNL001" in result.stdout


def test_stdin_fix_writes_fixed_source_to_stdout():
    result = run_cli("check", "--fix", "--stdin-filename", "m.py", input=BUGGY)
    assert result.stdout == CLEAN


def test_missing_path_exit_2_and_others_still_checked(buggy, tmp_path):
    result = run_cli("check", str(tmp_path / "nope.py"), str(buggy))
    assert result.exit_code == 2
    assert "nope.py" in result.stderr and "CNL001" in result.stdout


def test_directory_without_python_files(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    result = run_cli("check", str(tmp_path))
    assert result.exit_code == 0
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root reads everything")
def test_unreadable_file(tmp_path, buggy):
    path = tmp_path / "secret.py"
    path.write_text(BUGGY)
    path.chmod(0)
    result = run_cli("check", str(path), str(buggy))
    assert result.exit_code == 2 and "secret.py" in result.stderr


def test_unknown_option_exit_2():
    proc = subprocess.run(
        [sys.executable, "-m", "cnnlint", "check", "--no-such-option"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "no-such-option" in proc.stderr and "Traceback" not in proc.stderr


def test_walk_skips_venvs_and_git(tmp_path):
    for hidden in (".git", ".venv", "node_modules"):
        (tmp_path / hidden).mkdir()
        (tmp_path / hidden / "m.py").write_text(BUGGY)
    assert run_cli("check", str(tmp_path)).exit_code == 0
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "m.py").write_text(BUGGY)
    assert run_cli("check", str(tmp_path)).exit_code == 1


def test_fixtures_directory_end_to_end():
    result = run_cli("check", str(FIXTURES))
    assert result.exit_code == 1
    assert "CNL001" in result.stdout and "CNL003" in result.stdout


def _modules_loaded_by(args: list[str]) -> set[str]:
    code = textwrap.dedent(
        f"""
        import sys, runpy
        sys.argv = ["cnnlint", *{args!r}]
        try:
            runpy.run_module("cnnlint", run_name="__main__")
        except SystemExit:
            pass
        print("MODULES", " ".join(sorted(sys.modules)))
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("MODULES")][0]
    return set(line.split()[1:])


def test_static_path_never_imports_torch_or_pygls():
    loaded = _modules_loaded_by(["check", str(FIXTURES / "alexnet_original.py")])
    assert "cnnlint.shapes.propagate" in loaded  # the model was really followed
    assert not {"torch", "pygls", "numpy", "libcst"} & loaded


def test_files_without_models_never_import_libcst(tmp_path):
    path = tmp_path / "utils.py"
    path.write_text("def add(a, b):\n    return a + b\n")
    loaded = _modules_loaded_by(["check", str(path)])
    assert "cnnlint.cli" in loaded
    assert "libcst" not in loaded and "torch" not in loaded


def test_syntax_newer_than_this_python_is_not_a_syntax_error(tmp_path):
    """libcst knows newer grammars: a PEP 695 alias on Python 3.11 is not CNL999, and is said not analysed."""
    path = tmp_path / "m.py"
    path.write_text("type Alias = int\n")
    if sys.version_info < (3, 12):
        found = run_cli("check", "--output-format", "json", str(path)).json()
        assert [d["code"] for d in found] == ["CNL100"] and "not analysed" in found[0]["message"]
        text = run_cli("check", str(path))
        assert text.exit_code == 0 and "not analysed" in text.stdout and "All checks passed!" not in text.stdout
        # the closing count says it too, also when the result comes from the cache
        assert text.stdout.endswith(
            "\nFound 1 note. Checked 0 models in 1 file (1 file not analysed: newer Python syntax)\n"
        )
        again = run_cli("check", str(path))
        assert again.stdout == text.stdout
    else:
        assert run_cli("check", "--output-format", "json", str(path)).json() == []
    py2 = tmp_path / "old.py"
    py2.write_text('print "hello"\n')
    assert [d["code"] for d in run_cli("check", "--output-format", "json", str(py2)).json()] == ["CNL999"]


def test_json_output_is_valid_for_empty_runs(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(CLEAN)
    assert json.loads(run_cli("check", "--output-format", "json", str(path)).stdout) == []


def _fast_stdout(argv: list[str]) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = "import sys; from cnnlint.fastpath import try_fast_check; sys.exit(try_fast_check(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, *argv], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def test_fast_path_force_exclude_agrees_with_the_full_path(tmp_path, monkeypatch):
    """--force-exclude: the fast path answers only where nothing can be excluded (else the full path)."""
    from cnnlint import config, fastpath

    assert frozenset(config.DEFAULT_EXCLUDE) == fastpath.DEFAULT_EXCLUDE
    (tmp_path / "build").mkdir()
    skipped = tmp_path / "build" / "gen.py"
    skipped.write_text("X = 1\n")
    assert fastpath.try_fast_check(["check", "--force-exclude", str(skipped)]) is None
    monkeypatch.chdir(tmp_path)
    full = run_cli("check", "--force-exclude", "build/gen.py")
    assert full.exit_code == 0 and full.stdout == "" and "No Python files found" in full.stderr


def test_hook_fast_path_skips_click_and_agrees_with_the_full_path(tmp_path):
    """`cnnlint check FILE...` on files without a model answers before click is imported."""
    from cnnlint.fastpath import try_fast_check

    plain = tmp_path / "utils.py"
    plain.write_text("def add(a, b):\n    return a + b\n")
    loaded = _modules_loaded_by(["check", str(plain)])
    assert "click" not in loaded and "cnnlint.commands" not in loaded
    assert try_fast_check(["check", str(plain)]) == 0
    fast = _fast_stdout(["check", str(plain)])
    assert fast == run_cli("check", str(plain)).stdout == "All checks passed! Checked 0 models in 1 file\n"
    twice = ["check", str(plain), str(plain)]
    assert try_fast_check(twice) is None  # one file named twice is checked once: the full path counts

    broken = tmp_path / "broken.py"
    broken.write_text("def f(:\n")
    model = tmp_path / "model.py"
    model.write_text(BUGGY)
    for argv in (
        ["check", str(broken)],
        ["check", str(model)],
        ["check", str(plain), "--quiet"],
        ["check", str(tmp_path)],
    ):
        assert try_fast_check(argv) is None  # the full command line answers these
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.cnnlint]\nselcet = []\n")
    assert try_fast_check(["check", str(plain)]) is None  # a bad configuration is reported by the full path
    assert run_cli("check", str(plain)).exit_code == 2
