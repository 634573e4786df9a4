"""Bad inputs never crash a run (SPEC §4, issue 7).

Every bad file is checked next to a second, buggy model file in the same
invocation, whose CNL001 must still be reported. A file that cannot be
parsed is one CNL999 (exit 1); a file that cannot be read, a missing path or
an internal failure exits 2 with a one-line message naming the file on
stderr, never a traceback. The in-process runs (click's CliRunner) keep the
suite fast; the subprocess runs check stderr as a user sees it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import fuzzgen
import pytest
from conftest import ROOT, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnlint.check import CheckOptions, check_bytes
from cnnlint.fix import fix_bytes

BUGGY = """import torch.nn as nn

net = nn.Sequential(
    nn.Flatten(),
    nn.Linear(10, 5),
    nn.Linear(7, 2),
)
"""
BUGGY_LINE = "buggy.py:6:5: CNL001"

# A model whose second Linear is wrong: CNL001 on row 2 of the model statement.
MODEL = "import torch.nn as nn\nnet = nn.Sequential(nn.Linear(1, 2), nn.Linear(3, 4))\n"


def _random_bytes(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


# name -> file content; each is exactly one CNL999 at (row, column).
UNPARSABLE: dict[str, tuple[bytes, int, int]] = {
    "unterminated_string_at_eof": (b'import torch.nn as nn\nx = "abc', 2, 5),
    "unterminated_triple_quote": (b'x = """never closed\n\n', 1, 5),
    "python2_print": (b"import torch.nn as nn\nprint net\n", 2, 1),
    "python2_print_in_model_file": (MODEL.encode() + b"print 'done'\n", 3, 1),
    "unclosed_paren_at_eof": (b"import torch.nn as nn\nnet = nn.Sequential(nn.Linear(1, 2),\n", 2, 20),
    "unexpected_indent": (b"x = 1\n    y = 2\n", 2, 4),
    "missing_operand": (b"x = 1 +\n", 1, 8),
    "tabs_and_spaces": (b"if True:\n\tx = 1\n        y = 2\n", 3, 1),
    "non_utf8_without_cookie": (b'# caf\xe9\nx = "\xe9"\n', 1, 6),
    "non_utf8_in_model_file": (MODEL.encode() + b"# r\xe9sum\xe9\n", 3, 4),
    "nul_byte": (b"x = 1\x00\n", 1, 6),
    "nul_byte_in_model_file": (b"import torch.nn as nn\x00\nnet = nn.Sequential()\n", 1, 22),
    "binary_named_py": (_random_bytes(4096), None, None),  # type: ignore[dict-item]
    "binary_mentioning_sequential": (_random_bytes(512) + b"nn.Sequential(" + _random_bytes(512, 8), None, None),  # type: ignore[dict-item]
    "deep_parentheses_5000": (b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n", None, None),  # type: ignore[dict-item]
    "bom_with_latin1_cookie": (b"\xef\xbb\xbf# -*- coding: latin-1 -*-\nx = 1\n", 1, 1),
    "unknown_encoding": (b"# -*- coding: klingon -*-\nx = 1\n", 1, 1),
}


def _nested_sequentials(depth: int) -> bytes:
    inner = "nn.Linear(4, 4)"
    for _ in range(depth):
        inner = f"nn.Sequential({inner})"
    return f"import torch.nn as nn\nnet = {inner}\n".encode()


UNPARSABLE["nested_sequentials_1000"] = (_nested_sequentials(1000), None, None)  # type: ignore[assignment]


@pytest.fixture
def buggy(tmp_path: Path) -> Path:
    path = tmp_path / "buggy.py"
    path.write_text(BUGGY)
    return path


def _json(result) -> list[dict]:  # type: ignore[no-untyped-def]
    return json.loads(result.stdout)


def _codes_for(diags: list[dict], name: str) -> list[tuple[str, int, int]]:
    return [(d["code"], d["location"]["row"], d["location"]["column"]) for d in diags if d["filename"].endswith(name)]


def _subprocess(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "cnnlint", "check", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=timeout,
    )


# --------------------------------------------------------------------------- unparsable: one CNL999, exit 1


@pytest.mark.parametrize("name", list(UNPARSABLE))
def test_unparsable_file_is_one_cnl999(tmp_path: Path, buggy: Path, name: str) -> None:
    data, row, column = UNPARSABLE[name]
    bad = tmp_path / f"{name}.py"
    bad.write_bytes(data)

    alone = run_cli("check", "--output-format", "json", str(bad))
    assert alone.exit_code == 1, alone.stderr
    diags = _json(alone)
    assert [d["code"] for d in diags] == ["CNL999"], diags
    assert diags[0]["name"] == "syntax-error" and diags[0]["severity"] == "error"
    if row is not None:
        assert (diags[0]["location"]["row"], diags[0]["location"]["column"]) == (row, column), diags[0]
    assert "Traceback" not in alone.stderr

    both = run_cli("check", str(bad), str(buggy))
    assert both.exit_code == 1
    lines = [ln for ln in both.stdout.splitlines() if f"{name}.py" in ln]
    assert len(lines) == 1 and "CNL999" in lines[0], both.stdout  # one line, naming the file
    assert BUGGY_LINE in both.stdout


@pytest.mark.parametrize(
    "content",
    [b"", b"   \n\t\n  ", b"\n\n\n", b"\xef\xbb\xbf", b"# just a comment", b"\x0c\n"],
    ids=["empty", "whitespace", "newlines", "bom_only", "comment_no_newline", "form_feed"],
)
def test_empty_and_whitespace_files_are_clean(tmp_path: Path, buggy: Path, content: bytes) -> None:
    path = tmp_path / "blank.py"
    path.write_bytes(content)
    assert run_cli("check", str(path)).exit_code == 0
    both = run_cli("check", "--output-format", "json", str(path), str(buggy))
    assert both.exit_code == 1
    assert [d["code"] for d in _json(both)] == ["CNL001"]


# --------------------------------------------------------------------------- odd encodings and line endings


@pytest.mark.parametrize(
    ("content", "row", "column"),
    [
        (b"\xef\xbb\xbf" + MODEL.encode(), 2, 38),  # the BOM is not a column
        (MODEL.replace("\n", "\r\n").encode(), 2, 38),
        (MODEL.replace("\n", "\r").encode(), 2, 38),
        (b"import torch.nn as nn\r\n\r# mixed\nnet = nn.Sequential(nn.Linear(1, 2), nn.Linear(3, 4))\r\n", 4, 38),
        (b"import torch.nn as nn\x0c\nnet = nn.Sequential(nn.Linear(1, 2), nn.Linear(3, 4))\n", 2, 38),
    ],
    ids=["bom", "crlf", "lone_cr", "mixed_endings", "form_feed"],
)
def test_line_endings_and_bom_keep_positions_and_fixes(tmp_path: Path, buggy: Path, content, row, column) -> None:
    path = tmp_path / "model.py"
    path.write_bytes(content)
    both = run_cli("check", "--output-format", "json", str(path), str(buggy))
    assert both.exit_code == 1
    assert _codes_for(_json(both), "model.py") == [("CNL001", row, column)]
    assert _codes_for(_json(both), "buggy.py") == [("CNL001", 6, 5)]

    assert run_cli("check", "--fix", str(path)).exit_code == 0
    fixed = path.read_bytes()
    assert fixed == content.replace(b"nn.Linear(3, 4)", b"nn.Linear(2, 4)")  # every other byte kept


def test_tab_indented_module_is_checked(tmp_path: Path, buggy: Path) -> None:
    source = (
        "import torch.nn as nn\n\n"
        "class Net(nn.Module):\n"
        "\tdef __init__(self):\n"
        "\t\tsuper().__init__()\n"
        "\t\tself.a = nn.Linear(8, 16)\n"
        "\t\tself.b = nn.Linear(32, 2)\n\n"
        "\tdef forward(self, x):\n"
        "\t\treturn self.b(self.a(x))\n"
    )
    path = tmp_path / "tabs.py"
    path.write_text(source)
    both = run_cli("check", "--output-format", "json", str(path), str(buggy))
    assert _codes_for(_json(both), "tabs.py") == [("CNL001", 7, 12)]
    assert _codes_for(_json(both), "buggy.py") == [("CNL001", 6, 5)]


LATIN1 = (
    b"# -*- coding: latin-1 -*-\n"
    b"# Mod\xe8le d'\xe9cole\n"
    b"import torch.nn as nn\n"
    b"net = nn.Sequential(nn.Flatten(), nn.Linear(10, 5), nn.Linear(7, 2))  # \xe0 corriger\n"
)


def test_latin1_cookie_is_decoded_checked_and_fixed_in_latin1(tmp_path: Path, buggy: Path) -> None:
    path = tmp_path / "latin.py"
    path.write_bytes(LATIN1)
    both = run_cli("check", "--output-format", "json", str(path), str(buggy))
    assert both.exit_code == 1
    assert _codes_for(_json(both), "latin.py") == [("CNL001", 4, 53)]
    assert _codes_for(_json(both), "buggy.py") == [("CNL001", 6, 5)]

    diff = run_cli("check", "--diff", str(path))
    assert "+net = nn.Sequential(nn.Flatten(), nn.Linear(10, 5), nn.Linear(5, 2))  # \xe0 corriger" in diff.stdout

    fixed = run_cli("check", "--fix", str(path))
    assert fixed.exit_code == 0, fixed.stdout
    assert path.read_bytes() == LATIN1.replace(b"nn.Linear(7, 2)", b"nn.Linear(5, 2)")  # still latin-1 bytes
    assert b"\xe9cole" in path.read_bytes() and "\xe9".encode() not in path.read_bytes()


def test_utf8_cookie_and_non_ascii_identifiers(tmp_path: Path) -> None:
    source = "# coding: utf-8\nimport torch.nn as nn\nnetz = nn.Sequential(nn.Linear(1, 2), nn.Linear(3, 4))  # grüß\n"
    path = tmp_path / "umlaut.py"
    path.write_text(source, encoding="utf-8")
    assert _codes_for(_json(run_cli("check", "--output-format", "json", str(path))), "umlaut.py") == [("CNL001", 3, 39)]


# --------------------------------------------------------------------------- size and depth


def test_ten_thousand_layer_sequential_is_checked(tmp_path: Path, buggy: Path) -> None:
    body = ",\n".join("    nn.Linear(8, 8)" if i % 2 == 0 else "    nn.ReLU()" for i in range(10_000))
    source = f"import torch.nn as nn\n\nnet = nn.Sequential(\n{body},\n    nn.Linear(9, 2),\n)\n"
    path = tmp_path / "wide.py"
    path.write_text(source)
    both = run_cli("check", "--output-format", "json", str(path), str(buggy))
    assert both.exit_code == 1
    # 10,000 layers on rows 4..10003; the wrong Linear(9, 2) follows them.
    assert _codes_for(_json(both), "wide.py") == [("CNL001", 10_004, 5)]
    assert _codes_for(_json(both), "buggy.py") == [("CNL001", 6, 5)]


def test_deeply_chained_sequentials_never_raise_recursion_error(tmp_path: Path, buggy: Path) -> None:
    """Sequentials nested through variables, deeper than Python's recursion limit allows to follow
    (no bracket limit applies): CNL999 or a clean result, never a crash, and the file's other models are checked.
    """
    depth = 400
    lines = ["import torch.nn as nn", "s0 = nn.Linear(4, 4)"]
    lines += [f"s{i} = nn.Sequential(s{i - 1}, nn.ReLU())" for i in range(1, depth + 1)]
    lines += [f"deep = nn.Sequential(s{depth}, nn.Linear(4, 2))"]
    lines += ["net = nn.Sequential(nn.Linear(3, 4), nn.Linear(5, 2))"]
    path = tmp_path / "chain.py"
    path.write_text("\n".join(lines) + "\n")
    result = run_cli("check", "--output-format", "json", str(path), str(buggy))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    diags = _json(result)
    assert {d["code"] for d in diags} <= {"CNL999", "CNL001"}
    assert _codes_for(diags, "buggy.py") == [("CNL001", 6, 5)]
    if "CNL999" not in {d["code"] for d in diags}:
        assert ("CNL001", depth + 4, 38) in _codes_for(diags, "chain.py")


def test_moderately_nested_sequentials_are_followed(tmp_path: Path) -> None:
    """Below Python's 200-bracket limit, nesting is followed to the end."""
    inner = "nn.Linear(4, 4)"
    for _ in range(90):
        inner = f"nn.Sequential({inner}, nn.ReLU())"
    path = tmp_path / "nested.py"
    path.write_text(f"import torch.nn as nn\nnet = nn.Sequential({inner}, nn.Linear(5, 2))\n")
    diags = _json(run_cli("check", "--output-format", "json", str(path)))
    assert [d["code"] for d in diags] == ["CNL001"]


def _twenty_megabytes(target: int = 20_000_000) -> str:
    """A generated module the size of a big _pb2 file: a model, then tables, blobs and functions, then a model."""
    rnd = random.Random(20)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    parts = [BUGGY, "\n\n"]
    size = sum(map(len, parts))
    i = 0
    while size < target:
        blob = "".join(rnd.choice(alphabet) for _ in range(76))
        chunk = (
            f"def table_{i}(index):\n    return TABLE_{i}[index % {i + 1}]\n\n\n"
            f"TABLE_{i} = [{', '.join(str(rnd.randrange(1000)) for _ in range(24))}]\n"
            f'BLOB_{i} = (\n    "{blob * 13}"\n    "{blob[::-1] * 13}"\n)\n\n'
        )
        parts.append(chunk)
        size += len(chunk)
        i += 1
    parts.append(
        "\nclass Tail(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc = nn.Linear(3, 4)\n        self.out = nn.Linear(5, 2)\n\n"
        "    def forward(self, x):\n        return self.out(self.fc(x))\n"
    )
    return "".join(parts)


@pytest.mark.slow
def test_twenty_megabyte_file_finishes(tmp_path: Path, buggy: Path) -> None:
    text = _twenty_megabytes()
    assert len(text) >= 20_000_000
    path = tmp_path / "generated_pb2.py"
    path.write_text(text)
    tail_row = text[: text.index("        self.out = nn.Linear(5, 2)")].count("\n") + 1
    proc = _subprocess("--output-format", "json", str(path), str(buggy), timeout=900)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr == ""
    diags = json.loads(proc.stdout)
    assert _codes_for(diags, "generated_pb2.py") == [("CNL001", 6, 5), ("CNL001", tail_row, 20)]
    assert _codes_for(diags, "buggy.py") == [("CNL001", 6, 5)]


# --------------------------------------------------------------------------- paths that cannot be read: exit 2


def _stderr_lines_naming(stderr: str, name: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if name in ln]


def test_missing_path(tmp_path: Path, buggy: Path) -> None:
    result = run_cli("check", str(tmp_path / "does_not_exist.py"), str(buggy))
    assert result.exit_code == 2
    assert len(_stderr_lines_naming(result.stderr, "does_not_exist.py")) == 1
    assert BUGGY_LINE in result.stdout


def test_directory_named_like_a_python_file_is_walked(tmp_path: Path, buggy: Path) -> None:
    folder = tmp_path / "x.py"
    folder.mkdir()
    (folder / "inner.py").write_text(BUGGY)
    (folder / "empty.py").mkdir()  # an empty directory named .py, inside: nothing to check
    for args in ([str(folder), str(buggy)], [str(tmp_path)]):
        result = run_cli("check", "--output-format", "json", *args)
        assert result.exit_code == 1 and result.stderr == ""
        assert sorted(Path(d["filename"]).name for d in _json(result)) == ["buggy.py", "inner.py"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_file_reached_twice_is_checked_once(tmp_path: Path) -> None:
    """A file, a link to it beside it, and the folder named again through a linked path: one file, one finding."""
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "net.py").write_text(BUGGY)
    (folder / "alias.py").symlink_to(folder / "net.py")
    (tmp_path / "linked").symlink_to(folder, target_is_directory=True)
    for args in (
        [str(folder)],
        [str(folder), str(tmp_path / "linked")],
        [str(tmp_path / "linked" / "net.py"), str(folder)],
    ):
        result = run_cli("check", "--output-format", "json", *args)
        assert result.exit_code == 1 and result.stderr == ""
        assert len(_json(result)) == 1, args


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
@pytest.mark.parametrize("walked", [False, True], ids=["named", "walked"])
def test_broken_symlink_and_symlink_loop(tmp_path: Path, buggy: Path, walked: bool) -> None:
    folder = tmp_path / "links"
    folder.mkdir()
    (folder / "dangling.py").symlink_to(folder / "nowhere.py")
    (folder / "loop.py").symlink_to(folder / "loop.py")
    (folder / "a.py").symlink_to(folder / "b.py")
    (folder / "b.py").symlink_to(folder / "a.py")
    names = [str(folder)] if walked else [str(folder / n) for n in ("dangling.py", "loop.py", "a.py")]
    result = run_cli("check", *names, str(buggy))
    assert result.exit_code == 2
    assert BUGGY_LINE in result.stdout
    assert "Traceback" not in result.stderr
    for name, reason in (("dangling.py", "broken symbolic link"), ("loop.py", "symbolic link loop")):
        lines = _stderr_lines_naming(result.stderr, name)
        assert len(lines) == 1 and reason in lines[0], result.stderr
    assert "symbolic link loop" in _stderr_lines_naming(result.stderr, "a.py")[0]


def test_unreadable_file_in_process(tmp_path: Path, buggy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, which reads mode-000 files: make reading fail instead."""
    secret = tmp_path / "secret.py"
    secret.write_text(BUGGY)
    import cnnlint.runner

    real = cnnlint.runner.read_regular_file

    def read(path, *args):  # type: ignore[no-untyped-def]
        if Path(path).name == "secret.py":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args)

    monkeypatch.setattr(cnnlint.runner, "read_regular_file", read)
    result = run_cli("check", str(secret), str(buggy))
    assert result.exit_code == 2
    lines = _stderr_lines_naming(result.stderr, "secret.py")
    assert len(lines) == 1 and "Permission denied" in lines[0]
    assert BUGGY_LINE in result.stdout and "secret.py:" not in result.stdout


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads mode-000 files")
def test_unreadable_file_real_permissions(tmp_path: Path, buggy: Path) -> None:
    secret = tmp_path / "secret.py"
    secret.write_text(BUGGY)
    secret.chmod(0)
    try:
        proc = _subprocess(str(secret), str(buggy))
    finally:
        secret.chmod(0o644)
    assert proc.returncode == 2
    assert len(_stderr_lines_naming(proc.stderr, "secret.py")) == 1 and "Traceback" not in proc.stderr
    assert BUGGY_LINE in proc.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_fifo_in_a_walked_directory_is_not_read(tmp_path: Path, buggy: Path) -> None:
    """Reading a FIFO nobody writes to blocks forever: a walk reports it instead (exit 2)."""
    os.mkfifo(tmp_path / "pipe.py")
    result = run_cli("check", str(tmp_path))
    assert result.exit_code == 2
    lines = _stderr_lines_naming(result.stderr, "pipe.py")
    assert len(lines) == 1 and "not a regular file" in lines[0]
    assert BUGGY_LINE in result.stdout


def test_file_deleted_between_discovery_and_reading(
    tmp_path: Path, buggy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doomed = tmp_path / "doomed.py"
    doomed.write_text(BUGGY)
    import cnnlint.discover

    real = cnnlint.discover.discover

    def discover_then_delete(paths, is_excluded, **options):  # type: ignore[no-untyped-def]
        for found in real(paths, is_excluded, **options):
            if found.path.name == "doomed.py":
                found.path.unlink()
            yield found

    monkeypatch.setattr(cnnlint.discover, "discover", discover_then_delete)
    result = run_cli("check", str(tmp_path))
    assert result.exit_code == 2
    lines = _stderr_lines_naming(result.stderr, "doomed.py")
    assert len(lines) == 1 and "No such file" in lines[0]
    assert BUGGY_LINE in result.stdout


def test_fix_that_cannot_be_written(tmp_path: Path, buggy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stuck = tmp_path / "stuck.py"
    stuck.write_text(BUGGY)
    real = os.replace

    def replace(src, dst):  # type: ignore[no-untyped-def]
        if Path(dst).name == "stuck.py":
            raise OSError(30, "Read-only file system", str(dst))
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    result = run_cli("check", "--fix", str(stuck), str(buggy))
    assert result.exit_code == 2
    assert len(_stderr_lines_naming(result.stderr, "stuck.py")) == 1
    assert stuck.read_text() == BUGGY  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["buggy.py", "stuck.py"]  # no temporary left behind
    assert "nn.Linear(5, 2)" in buggy.read_text()  # the other file was still fixed


# --------------------------------------------------------------------------- as a user sees it: subprocess


def test_subprocess_every_bad_input_at_once(tmp_path: Path) -> None:
    """One real run over all the bad inputs: no traceback, one line per bad file, the buggy file reported."""
    root = tmp_path / "tree"
    root.mkdir()
    (root / "buggy.py").write_text(BUGGY)
    for name, (data, _, _) in UNPARSABLE.items():
        (root / f"{name}.py").write_bytes(data)
    (root / "empty.py").write_bytes(b"")
    (root / "latin.py").write_bytes(LATIN1)
    (root / "crlf.py").write_bytes(MODEL.replace("\n", "\r\n").encode())
    (root / "dir.py").mkdir()
    (root / "dangling.py").symlink_to(root / "nowhere.py")
    (root / "loop.py").symlink_to(root / "loop.py")
    os.mkfifo(root / "pipe.py")
    missing = tmp_path / "missing.py"

    proc = _subprocess(str(root), str(missing))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "Error:" not in proc.stderr
    # stderr: exactly one line per path that could not be read
    assert sorted(Path(ln.split(": ")[1]).name for ln in proc.stderr.splitlines()) == [
        "dangling.py",
        "loop.py",
        "missing.py",
        "pipe.py",
    ]
    out = proc.stdout.splitlines()
    for name in UNPARSABLE:
        lines = [ln for ln in out if f"/{name}.py:" in ln]
        assert len(lines) == 1 and " CNL999 " in lines[0], (name, lines)
    assert any("latin.py:4:53: CNL001" in ln for ln in out)
    assert any("crlf.py:2:38: CNL001" in ln for ln in out)
    assert any("tree/buggy.py:6:5: CNL001" in ln for ln in out)

    alone = _subprocess(str(root / "python2_print.py"))
    assert alone.returncode == 1 and alone.stderr == ""


# --------------------------------------------------------------------------- containment: CNL998


def _boom(exc: type[Exception]):  # type: ignore[no-untyped-def]
    def infer(args, shape):  # type: ignore[no-untyped-def]
        if exc is KeyError:
            raise KeyError("kernel_size")
        return 1 // 0

    return infer


CONV_MODEL = (
    "import torch.nn as nn\n\n# cnnlint: input=(1, 3, 32, 32)\nnet = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())\n"
)


@pytest.mark.parametrize("exc", [ZeroDivisionError, KeyError])
@pytest.mark.parametrize("where", ["infer", "lint", "check"])
def test_a_crash_in_one_layer_entry_is_contained(
    tmp_path: Path, buggy: Path, monkeypatch: pytest.MonkeyPatch, exc: type[Exception], where: str
) -> None:
    from cnnlint.shapes import catalogue

    spec = catalogue.CATALOGUE["Conv2d"]
    boom = _boom(exc)
    replacement = {"infer": boom, "lint": boom, "check": lambda args: boom(args, None)}[where]
    monkeypatch.setitem(catalogue.CATALOGUE, "Conv2d", dataclasses.replace(spec, **{where: replacement}))
    conv = tmp_path / "conv.py"
    conv.write_text(CONV_MODEL)

    result = run_cli("check", "--output-format", "json", str(conv), str(buggy))
    assert result.exit_code == 2
    diags = _json(result)
    crash = [d for d in diags if d["filename"].endswith("conv.py")]
    assert [d["code"] for d in crash] == ["CNL998"]
    assert crash[0]["name"] == "internal-error"
    assert exc.__name__ in crash[0]["message"] and "please report" in crash[0]["message"]
    assert _codes_for(diags, "buggy.py") == [("CNL001", 6, 5)]
    # --select/--ignore never hide an internal failure
    ignored = run_cli("check", "--ignore", "CNL998", str(conv), str(buggy))
    assert ignored.exit_code == 2 and "CNL998" in ignored.stdout


def test_a_crash_is_contained_as_a_user_sees_it(tmp_path: Path, buggy: Path) -> None:
    conv = tmp_path / "conv.py"
    conv.write_text(CONV_MODEL)
    code = (
        "import dataclasses, sys\n"
        "from cnnlint.shapes import catalogue\n"
        "def infer(args, shape):\n    return {}['missing']\n"
        "catalogue.CATALOGUE['Conv2d'] = dataclasses.replace(catalogue.CATALOGUE['Conv2d'], infer=infer)\n"
        "from cnnlint.cli import main\n"
        f"sys.argv = ['cnnlint', 'check', {str(conv)!r}, {str(buggy)!r}]\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [
        f"cnnlint: internal error while checking {conv}: KeyError: 'missing' "
        "(please report it at https://github.com/cnnlint/cnnlint/issues)"
    ]
    crash = [ln for ln in proc.stdout.splitlines() if "conv.py" in ln]
    assert len(crash) == 1 and "CNL998" in crash[0] and "KeyError" in crash[0] and "please report" in crash[0]
    assert BUGGY_LINE in proc.stdout


@pytest.mark.parametrize("output_format", ["text", "concise", "json", "github", "sarif"])
def test_an_internal_failure_says_so_on_stderr_in_every_format(
    tmp_path: Path, buggy: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    """SPEC §4: exit 2 for an internal failure, "with a message on stderr; other files are still checked"."""
    import cnnlint.check

    real = cnnlint.check._check

    def failing(data: bytes, result, options):  # type: ignore[no-untyped-def]
        if result.filename.endswith("conv.py"):
            raise KeyError("kernel_size")
        return real(data, result, options)

    monkeypatch.setattr(cnnlint.check, "_check", failing)
    conv = tmp_path / "conv.py"
    conv.write_text(CONV_MODEL)
    result = run_cli("check", "--no-cache", "--jobs", "1", "--output-format", output_format, str(conv), str(buggy))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"cnnlint: internal error while checking {conv}: KeyError: 'kernel_size' "
        "(please report it at https://github.com/cnnlint/cnnlint/issues)"
    ]
    assert "CNL998" in result.stdout and "CNL001" in result.stdout  # the other file was checked
    summary = run_cli("summary", str(conv), str(buggy))  # summary never uses the cache
    assert summary.exit_code == 2 and "internal error while checking" in summary.stderr and "buggy.py" in summary.stdout


def test_check_bytes_never_raises_on_internal_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    import cnnlint.build

    monkeypatch.setattr(cnnlint.build, "build_one", lambda call: (_ for _ in ()).throw(AttributeError("oops")))
    result = check_bytes(MODEL.encode(), "m.py", CheckOptions())
    assert result.failed and [d.code for d in result.diagnostics] == ["CNL998"]
    assert "AttributeError" in result.diagnostics[0].message


# --------------------------------------------------------------------------- property: random model programs


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    database=None,
)
@given(st.data())
def test_random_model_programs_never_crash(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, 8))
    text = fuzzgen.program(fuzzgen.HypothesisChooser(data), size=size, known_bugs=False)
    raw = text.encode()
    result = check_bytes(raw, "fuzz.py", CheckOptions(is_enabled=lambda code: True))
    assert not result.failed, (text, result.diagnostics)
    assert "CNL998" not in {d.code for d in result.diagnostics}
    rows = text.count("\n") + 1
    for diag in result.diagnostics:
        assert 1 <= diag.location.row <= rows and diag.location.column >= 1, diag
    fixed, count = fix_bytes(raw, result.diagnostics)
    if count:
        compile(fixed, "fuzz.py", "exec", dont_inherit=True)  # a fix never breaks the file (compiled, never run)


def test_random_model_programs_through_the_cli(tmp_path: Path) -> None:
    """The CLI's JSON output over a directory of generated programs: valid JSON, no CNL998, no exit 2."""
    for index, text in fuzzgen.programs(seed=11, count=60, known_bugs=False):
        (tmp_path / f"p{index:03d}.py").write_text(text)
    result = run_cli("check", "--output-format", "json", "--show-info", str(tmp_path))
    assert result.exit_code in (0, 1), result.stderr
    diags = _json(result)
    assert diags and "CNL998" not in {d["code"] for d in diags}
    assert all(d["filename"].endswith(".py") and d["location"]["row"] >= 1 for d in diags)
