"""``--fix`` never loses a byte (issue 10, items 1-5).

One encoding decision for check and fix (CPython's rule); a fix that would
break the file is refused; writes are atomic and re-checked against the file
on disk; rows are split on the newlines Python knows only.
"""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from cnnlint import fix, source
from cnnlint.diagnostics import Diagnostic, Edit, Fix, Location

MODEL_ROW = "net = nn.Sequential(nn.Flatten(), nn.Linear(10, 5), nn.Linear(9, 2))\n"
BUGGY = "import torch.nn as nn\n\nnet = nn.Sequential(nn.Flatten(), nn.Linear(10, 5), nn.Linear(7, 2))\n"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(ROOT)
    return env


# --------------------------------------------------------------------------- 1. one encoding decision


def test_cookie_on_line_two_after_code_is_ignored_by_check_and_fix(tmp_path: Path) -> None:
    """UTF-8 ``s = 'é'`` on line 1: CPython ignores a latin-1 cookie on line 2, so must --fix.

    Decoded as latin-1, the é is two characters and the edit lands one column early
    (``nn.Linear89, 2)``).
    """
    data = ("import torch.nn as nn; s = 'é'; " + MODEL_ROW + "# -*- coding: latin-1 -*-\n").encode("utf-8")
    path = tmp_path / "m.py"
    path.write_bytes(data)
    assert run_cli("check", "--fix", str(path)).exit_code == 0
    assert path.read_bytes() == data.replace(b"nn.Linear(9, 2)", b"nn.Linear(5, 2)")


def test_cookie_after_a_long_first_comment_line_is_honoured(tmp_path: Path) -> None:
    """A 5,000-byte comment line, then a latin-1 cookie: no byte cut-off (no false CNL999, a clean fix)."""
    data = (
        b"# " + b"x" * 5000 + b"\n# -*- coding: latin-1 -*-\nimport torch.nn as nn\n# Mod\xe8le\n"
        + MODEL_ROW.encode()
    )  # fmt: skip
    assert tokenize.detect_encoding(io.BytesIO(data).readline)[0] == "iso-8859-1"
    path = tmp_path / "m.py"
    path.write_bytes(data)
    found = run_cli("check", "--output-format", "json", str(path)).json()
    assert [d["code"] for d in found] == ["CNL001"]
    assert run_cli("check", "--fix", str(path)).exit_code == 0
    assert path.read_bytes() == data.replace(b"nn.Linear(9, 2)", b"nn.Linear(5, 2)")


def _header(rnd: random.Random) -> bytes:
    parts = [b"", b"\n", b"# c\n", b"x = 1\n", b"  \t\n", b"#!/usr/bin/env python\n", b"\r\n", b"# a\r"]
    cookies = [b"# -*- coding: latin-1 -*-\n", b"# vim: set fileencoding=utf-8 :\n", b"#coding=cp1252\n"]
    lines = [rnd.choice(parts + cookies) for _ in range(rnd.randint(0, 3))]
    bom = b"\xef\xbb\xbf" if rnd.random() < 0.2 else b""
    return bom + b"".join(lines) + b"y = 2\n"


def test_detect_encoding_agrees_with_tokenize() -> None:
    rnd = random.Random(10)
    for _ in range(400):
        data = _header(rnd)
        try:
            expected = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
        except SyntaxError:
            with pytest.raises(source.SourceError):
                source.detect_encoding(data)
            continue
        got = source.detect_encoding(data)
        assert got == expected or (got, expected) == ("cp1252", "cp1252"), data


# --------------------------------------------------------------------------- 2. refuse a fix that breaks the file


def _diag(row: int, col: int, end_col: int, content: str) -> Diagnostic:
    start, end = Location(row, col), Location(row, end_col)
    return Diagnostic("CNL001", "m", "m.py", start, end, Fix("set", (Edit(content, start, end),)))


def test_a_fix_that_would_not_compile_is_refused() -> None:
    data = b"import torch.nn as nn\nnet = nn.Linear(9, 2)\n"
    plan = fix.plan_fix(data, [_diag(2, 17, 18, "9, (")])
    assert plan.count == 0 and plan.fixed == data and "compile" in (plan.refused or "")
    assert fix.fix_bytes(data, [_diag(2, 17, 18, "9, (")]) == (data, 0)


def test_an_edit_off_its_line_is_refused() -> None:
    data = b"x = 1\ny = 2\n"
    assert fix.fix_bytes(data, [_diag(1, 5, 40, "3")]) == (data, 0)
    assert fix.plan_fix(data, [_diag(1, 5, 40, "3")]).refused


def test_refused_fix_is_reported_and_the_file_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cnnlint.runner

    path = tmp_path / "m.py"
    path.write_text(BUGGY)
    real = cnnlint.runner.check_bytes

    def broken_fix(data, filename, options):  # type: ignore[no-untyped-def]
        result = real(data, filename, options)
        result.diagnostics = [_diag(3, 54, 55, "5, (")]  # an edit that breaks the syntax
        return result

    monkeypatch.setattr(cnnlint.runner, "check_bytes", broken_fix)
    result = run_cli("check", "--fix", str(path))
    assert result.exit_code == 2 and "not fixed" in result.stderr
    assert path.read_text() == BUGGY


# --------------------------------------------------------------------------- 3. atomic writes


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_write_over_the_file_size_limit_leaves_the_original_whole(tmp_path: Path) -> None:
    """``ulimit -f``: the fixed file cannot be written; the original is untouched and nothing counts as fixed."""
    data = (BUGGY + "# padding\n" * 3000).encode()  # 30 KB, the limit 16 KB
    path = tmp_path / "big.py"
    path.write_bytes(data)
    code = (
        "import resource, sys; from cnnlint.cli import main; "
        "resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384)); "
        "sys.argv = ['cnnlint', 'check', '--fix', sys.argv[1]]; main()"
    )
    env = {**_env(), "PYTHONDONTWRITEBYTECODE": "1"}  # the limit would truncate .pyc files too
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env, timeout=120)
    assert path.read_bytes() == data
    assert proc.returncode == 2, proc.stderr
    assert "cannot write fix" in proc.stderr and "fixed" not in proc.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.py"]  # no temporary file left


def test_fix_keeps_the_mode_and_the_symbolic_link(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_text(BUGGY)
    real.chmod(0o751)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    assert run_cli("check", "--fix", str(link)).exit_code == 0
    assert link.is_symlink() and "nn.Linear(5, 2)" in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o751


# --------------------------------------------------------------------------- 4. edits made during the run


def test_a_file_edited_during_the_run_is_not_overwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cnnlint.runner

    path = tmp_path / "m.py"
    path.write_text(BUGGY)
    real = cnnlint.runner.check_bytes

    def check_then_user_edits(data, filename, options):  # type: ignore[no-untyped-def]
        result = real(data, filename, options)
        with open(path, "a") as handle:
            handle.write("# the user's edit\n")
        return result

    monkeypatch.setattr(cnnlint.runner, "check_bytes", check_then_user_edits)
    result = run_cli("check", "--fix", str(path))
    assert path.read_text() == BUGGY + "# the user's edit\n"  # the edit survives; no fix written over it
    assert result.exit_code == 2 and "changed on disk" in result.stderr


# --------------------------------------------------------------------------- 5. rows split on \r\n, \r, \n only


@pytest.mark.parametrize("separator", ["\x1c", "\x0b", "\x0c", "\x85", "\u2028"], ids=["FS", "VT", "FF", "NEL", "LS"])
def test_noqa_after_an_odd_separator_stays_on_its_row(tmp_path: Path, separator: str) -> None:
    model = "net = nn.Sequential(nn.Linear(1, 2), nn.Linear(3, 4))\n"
    text = f"import torch.nn as nn\nx = 1  # a{separator}# noqa\n{model}"
    path = tmp_path / "m.py"
    path.write_text(text, encoding="utf-8")
    found = run_cli("check", "--output-format", "json", str(path)).json()
    assert [(d["code"], d["location"]["row"]) for d in found] == [("CNL001", 3)]


def test_split_lines_is_the_tokenizer_s() -> None:
    assert source.split_lines("a\x0cb\u2028c\r\nd\re\n") == ["a\x0cb\u2028c", "d", "e"]
    assert source.split_lines("a\n\n") == ["a", ""]
    assert source.split_lines("") == []
