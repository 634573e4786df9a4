"""The result cache: what is a hit, what invalidates an entry, and that no cache state can change a result."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

import cnnlint.cache
import cnnlint.schedule
from cnnlint.cache import ResultCache, _decode_diagnostic, _encode_diagnostic
from cnnlint.check import check_bytes
from cnnlint.diagnostics import Diagnostic, Edit, Fix, Location

BUGGY = """import torch.nn as nn

net = nn.Sequential(  # cnnlint: input=(1, 256, 5, 5)
    nn.Flatten(),
    nn.Linear(9216, 4096),
)
"""
CLEAN = BUGGY.replace("9216", "6400")
TALLY = re.compile(r"(\d+) files: (\d+) checked, (\d+) from cache")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root (pyproject with [tool.cnnlint]) holding a buggy, a clean and a model-free file."""
    monkeypatch.delenv("CNNLINT_CACHE_DIR", raising=False)
    monkeypatch.delenv("CNNLINT_NO_CACHE", raising=False)
    (tmp_path / "pyproject.toml").write_text("[tool.cnnlint]\n")
    (tmp_path / "buggy.py").write_text(BUGGY)
    (tmp_path / "clean.py").write_text(CLEAN)
    (tmp_path / "helpers.py").write_text("def f(x):\n    return x\n")
    return tmp_path


def check(project: Path, *args: str) -> tuple[str, tuple[int, int]]:
    """stdout and (checked, from cache) of ``cnnlint check -v ARGS PROJECT``."""
    result = run_cli("check", "-v", "--jobs", "1", *args, str(project))
    assert result.exit_code in (0, 1), result.stderr
    found = TALLY.search(result.stderr)
    assert found, result.stderr
    return result.stdout, (int(found.group(2)), int(found.group(3)))


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*/*.json"))


# --------------------------------------------------------------------------- hits and misses


def test_second_run_is_served_from_cache_with_the_same_output(project: Path) -> None:
    for fmt in ("text", "json", "sarif", "github", "concise"):
        cold, _ = check(project, "--no-cache", "--output-format", fmt)
        check(project, "--output-format", fmt)
        warm, tally = check(project, "--output-format", fmt)
        assert tally == (0, 3) and warm == cold, fmt
    diff_cold, _ = check(project, "--no-cache", "--diff")
    diff_warm, tally = check(project, "--diff")
    assert tally == (0, 3) and diff_warm == diff_cold and "+    nn.Linear(6400, 4096)," in diff_warm


def test_every_fixture_reports_the_same_from_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CNNLINT_CACHE_DIR", str(tmp_path))
    cold = run_cli("check", "--output-format", "json", "--show-info", str(FIXTURES))
    warm = run_cli("check", "--output-format", "json", "--show-info", "-v", str(FIXTURES))
    assert "0 checked, 16 from cache" in warm.stderr
    assert warm.stdout == cold.stdout and warm.exit_code == cold.exit_code == 1
    assert any(d["fix"] for d in warm.json())  # fixes, extra and all


def test_an_edited_file_is_checked_again_and_only_it(project: Path) -> None:
    check(project)
    (project / "clean.py").write_text(BUGGY)
    out, tally = check(project)
    assert tally == (1, 2) and "clean.py:5:5: CNL001" in out
    os.utime(project / "buggy.py", (1, 1))  # a new mtime alone changes nothing: entries are keyed by content
    assert check(project)[1] == (0, 3)


def test_a_file_is_keyed_by_its_path_as_well(project: Path) -> None:
    check(project)
    shutil.copy(project / "buggy.py", project / "copy.py")
    out, tally = check(project)
    assert tally == (1, 3) and "copy.py:5:5: CNL001" in out


def test_the_file_name_is_the_runs_own_spelling(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check(project)
    monkeypatch.chdir(project)
    result = run_cli("check", "-v", "buggy.py")
    assert "0 checked, 1 from cache" in result.stderr and result.stdout.startswith("buggy.py:5:5: CNL001")


def test_internal_errors_are_not_remembered(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cnnlint.build

    with monkeypatch.context() as patch:
        patch.setattr(cnnlint.build, "build_one", lambda call: (_ for _ in ()).throw(AttributeError("oops")))
        result = run_cli("check", str(project))
        assert result.exit_code == 2 and result.stdout.count("CNL998") == 2  # buggy.py and clean.py
    out, tally = check(project)
    assert tally == (2, 1) and "CNL998" not in out and "CNL001" in out


# --------------------------------------------------------------------------- what invalidates an entry


def _with_dependencies(monkeypatch: pytest.MonkeyPatch, deps: dict[str, list[Path]]) -> list[str]:
    """Make the checker report ``deps[name]`` as read for file ``name``; returns the files it checked."""
    real = cnnlint.schedule.check_bytes
    checked: list[str] = []

    def check_bytes_with_dependencies(data, filename, options):  # type: ignore[no-untyped-def]
        result = real(data, filename, options)
        name = Path(filename).name
        checked.append(name)
        result.dependencies = [str(p) for p in deps.get(name, [])]
        return result

    monkeypatch.setattr(cnnlint.schedule, "check_bytes", check_bytes_with_dependencies)
    return checked


def test_a_change_in_a_dependency_invalidates_its_importers(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layers = project / "layers.py"
    layers.write_text("WIDTH = 6400\n")
    checked = _with_dependencies(monkeypatch, {"buggy.py": [layers], "clean.py": [layers]})
    check(project)
    checked.clear()
    assert check(project)[1] == (0, 4) and checked == []
    layers.write_text("WIDTH = 9216\n")
    assert check(project)[1] == (3, 1) and sorted(checked) == ["buggy.py", "clean.py", "layers.py"]
    checked.clear()
    layers.unlink()  # gone: the importers are checked again
    assert check(project)[1] == (2, 1) and sorted(checked) == ["buggy.py", "clean.py"]


def test_a_dependency_that_appears_invalidates_its_importers(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    probed = project / "sub" / "layers.py"  # looked for while checking buggy.py, not there
    checked = _with_dependencies(monkeypatch, {"buggy.py": [probed]})
    check(project)
    assert check(project)[1] == (0, 3)
    checked.clear()
    probed.parent.mkdir()
    probed.write_text("WIDTH = 1\n")
    assert check(project)[1] == (2, 2) and sorted(checked) == ["buggy.py", "layers.py"]


@pytest.mark.parametrize(
    "args",
    [("--select", "CNL001"), ("--ignore", "CNL003"), ("--show-info",), ("--input", "net=1,256,5,5")],
    ids=["select", "ignore", "show-info", "input"],
)
def test_a_settings_change_is_a_miss_and_both_entries_are_kept(project: Path, args: tuple[str, ...]) -> None:
    check(project)
    assert check(project, *args)[1] == (3, 0)
    assert check(project, *args)[1] == (0, 3)
    assert check(project)[1] == (0, 3)


def test_configuration_changes_are_misses_for_the_files_they_touch(project: Path) -> None:
    check(project)
    (project / "pyproject.toml").write_text('[tool.cnnlint]\nper-file-ignores = { "buggy.py" = ["CNL001"] }\n')
    out, tally = check(project)
    assert tally == (1, 2) and "CNL001" not in out
    (project / "pyproject.toml").write_text('[tool.cnnlint.inputs]\n"clean.py::net" = [2, 256, 5, 5]\n')
    out, tally = check(project)  # clean.py has an input now; buggy.py is back to the first run's entry
    assert tally == (1, 2) and "buggy.py:5:5: CNL001" in out


def test_a_new_version_does_not_read_the_old_entries(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check(project)
    monkeypatch.setattr(cnnlint.cache, "__version__", "99.0")
    assert check(project)[1] == (3, 0)
    assert {p.name for p in (project / ".cnnlint_cache").iterdir() if p.is_dir()} == {cnnlint.__version__, "99.0"}


def test_entries_written_by_other_cnnlint_code_are_misses(project: Path) -> None:
    check(project)
    for entry in entries(project / ".cnnlint_cache"):
        data = json.loads(entry.read_text())
        data["code"] = "0" * 32  # as an edited or reinstalled checkout of the same version would have
        entry.write_text(json.dumps(data))
    assert check(project)[1] == (3, 0)


def test_empty_results_share_one_index_file_and_are_hits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files whose result is empty (no model, nothing read) cost one index entry each, not one file."""
    monkeypatch.delenv("CNNLINT_CACHE_DIR", raising=False)
    for i in range(30):
        (tmp_path / f"m{i}.py").write_text(f"x = {i}\n")
    (tmp_path / "bad.py").write_text("x = = 1\n")  # a result with a diagnostic keeps its own entry file
    (tmp_path / "pyproject.toml").write_text("[tool.cnnlint]\n")
    _, tally = check(tmp_path)
    cache = tmp_path / ".cnnlint_cache"
    index = json.loads((cache / cnnlint.__version__ / "empty.json").read_text())
    assert tally == (31, 0) and len(index["empty"]) == 30
    assert len(entries(cache)) == 2  # bad.py's own entry, and the index
    out, tally = check(tmp_path)
    assert tally == (0, 31) and "bad.py:1:5: CNL999" in out
    (tmp_path / "m3.py").write_text("x = = 3\n")  # an indexed file that changes is a miss, then its own entry
    out, tally = check(tmp_path)
    assert tally == (1, 30) and "m3.py:1:5: CNL999" in out
    (tmp_path / "m3.py").write_text("x = 3\n")  # and back: the index still holds its hash
    assert check(tmp_path)[1] == (0, 31)


def test_two_runs_adding_to_the_index_keep_both_runs_entries(tmp_path: Path) -> None:
    from cnnlint.check import CheckOptions, FileResult

    options = CheckOptions()
    first, second = ResultCache(tmp_path), ResultCache(tmp_path)
    for cache, name in ((first, "a.py"), (second, "b.py")):
        assert cache.lookup(Path(name), b"x = 1\n", options) is None
        cache.store(Path(name), b"x = 1\n", options, FileResult(name))
    first.flush()
    second.flush()  # merged with what the first wrote since it read the index
    third = ResultCache(tmp_path)
    assert third.lookup(Path("a.py"), b"x = 1\n", options) is not None
    assert third.lookup(Path("b.py"), b"x = 1\n", options) is not None
    assert third.lookup(Path("b.py"), b"x = 2\n", options) is None


# --------------------------------------------------------------------------- damage and concurrency


@pytest.mark.parametrize(
    "garbage",
    [b"", b"\x00\xff not json", b"[]", b'{"format": 1}', b"[" * 100_000 + b"]" * 100_000, None],
    ids=["empty", "binary", "list", "partial", "deep", "wrong-types"],
)
def test_a_corrupt_or_foreign_entry_is_ignored_and_rewritten(project: Path, garbage: bytes | None) -> None:
    reference, _ = check(project)
    for entry in entries(project / ".cnnlint_cache"):
        if garbage is None:
            data = json.loads(entry.read_text())
            data["diagnostics"] = [["CNL001", ["not", "a", "message"], 1, 1, 1, 2, None, {}, None]]
            entry.write_bytes(json.dumps(data).encode())
        else:
            entry.write_bytes(garbage)
    out, tally = check(project)
    assert out == reference and tally == (3, 0)
    assert check(project) == (reference, (0, 3))  # rewritten whole


def _subprocess_check(cache: Path, target: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PYTHONPATH=str(ROOT), CNNLINT_CACHE_DIR=str(cache))
    return subprocess.Popen(
        [sys.executable, "-m", "cnnlint", "check", "--output-format", "json", "--jobs", "1", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_two_concurrent_runs_share_one_cache(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    for i in range(4):  # 64 model files, each written by both runs at about the same time
        shutil.copytree(FIXTURES, tree / f"copy{i}")
    cache = tmp_path / "cache"
    reference = run_cli("check", "--no-cache", "--output-format", "json", str(tree)).stdout
    for _round in range(2):
        runs = [_subprocess_check(cache, tree) for _ in range(2)]
        for proc in runs:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 1 and "Traceback" not in err, err
            assert out == reference
        for entry in entries(cache):
            json.loads(entry.read_text())  # every entry whole
    assert not [p for p in cache.rglob("*") if p.name.endswith(".tmp")]
    warm = run_cli("check", "-v", "--cache-dir", str(cache), "--output-format", "json", str(tree))
    assert warm.stdout == reference and "0 checked, 64 from cache" in warm.stderr


def test_an_unwritable_cache_leaves_the_run_uncached(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reference, _ = check(project, "--no-cache")
    blocker = project / "not-a-directory"
    blocker.write_text("")
    result = run_cli("check", "-v", "--cache-dir", str(blocker / "cache"), str(project))
    assert result.stdout == reference and "not writable" in result.stderr and "Traceback" not in result.stderr

    check(project)  # a whole cache, then the disk turns read-only
    (project / "clean.py").write_text(BUGGY)

    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(os, "replace", read_only)
    out, tally = check(project)
    assert tally == (1, 2) and "clean.py:5:5: CNL001" in out  # the entries there were still read
    assert not list((project / ".cnnlint_cache").rglob("*.tmp"))


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes to mode-555 directories")
def test_a_read_only_cache_directory(project: Path) -> None:
    cache = project / ".cnnlint_cache"
    cache.mkdir()
    cache.chmod(0o555)
    try:
        out, tally = check(project)
    finally:
        cache.chmod(0o755)
    assert tally == (3, 0) and "buggy.py:5:5: CNL001" in out and not entries(cache)


# --------------------------------------------------------------------------- where it lives, and turning it off


def test_default_location_is_the_project_root_and_git_ignores_it(project: Path) -> None:
    check(project)
    cache = project / ".cnnlint_cache"
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert len(entries(cache)) == 3
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(project)], check=True)
        status = subprocess.run(["git", "status", "--porcelain", "-uall"], cwd=project, capture_output=True, text=True)
        assert ".cnnlint_cache" not in status.stdout and "buggy.py" in status.stdout


def test_no_cache_neither_reads_nor_writes(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert check(project, "--no-cache")[1] == (3, 0)
    assert not (project / ".cnnlint_cache").exists()
    check(project)
    assert check(project, "--no-cache")[1] == (3, 0)
    monkeypatch.setenv("CNNLINT_NO_CACHE", "1")
    assert check(project)[1] == (3, 0)


def test_cache_dir_from_the_environment_the_setting_and_the_command_line(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.setenv("CNNLINT_CACHE_DIR", str(elsewhere / "env"))
    check(project)
    assert len(entries(elsewhere / "env")) == 3 and not (project / ".cnnlint_cache").exists()
    monkeypatch.delenv("CNNLINT_CACHE_DIR")
    (project / "pyproject.toml").write_text('[tool.cnnlint]\ncache-dir = "build/lint-cache"\n')
    check(project)
    assert len(entries(project / "build" / "lint-cache")) == 3
    check(project, "--cache-dir", str(elsewhere / "cli"))
    assert len(entries(elsewhere / "cli")) == 3


def test_a_bad_cache_dir_setting_is_a_configuration_error(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.cnnlint]\ncache-dir = 3\n")
    result = run_cli("check", str(project))
    assert result.exit_code == 2 and "cache-dir" in result.stderr


def test_runs_that_need_traces_bypass_the_cache(project: Path) -> None:
    result = run_cli("summary", str(project / "buggy.py"))
    assert result.exit_code == 1 and "Linear" in result.stdout  # a layer has an error, as `check` says
    stdin = run_cli("check", "--stdin-filename", str(project / "buggy.py"), input=BUGGY)
    assert "CNL001" in stdin.stdout
    assert not (project / ".cnnlint_cache").exists()


# --------------------------------------------------------------------------- the entry format


def test_diagnostics_round_trip_through_an_entry() -> None:
    fix = Fix(
        "Set in_features=6400",
        (Edit("6400", Location(5, 15), Location(5, 19)), Edit("", Location(1, 1), Location(1, 1))),
    )
    originals = [
        Diagnostic("CNL001", "Linear expects 9216 — «unicode»", "m.py", Location(5, 5), Location(5, 30), fix),
        Diagnostic("CNL100", "stops", "m.py", Location(1, 1), Location(1, 2), None, {"noqa_row": 3}),
        Diagnostic("CNL002", "elsewhere", "other.py", Location(2, 1), Location(2, 9)),
    ]
    for d in originals:
        back = _decode_diagnostic(json.loads(json.dumps(_encode_diagnostic(d, "m.py"))), "m.py")
        assert back == d and back.extra == d.extra


def test_store_then_lookup_in_process(tmp_path: Path) -> None:
    result = check_bytes(BUGGY.encode(), "m.py")
    cache = ResultCache(tmp_path / "c")
    from cnnlint.check import CheckOptions

    options = CheckOptions()
    assert cache.lookup(Path("m.py"), BUGGY.encode(), options) is None
    cache.store(Path("m.py"), BUGGY.encode(), options, result)
    again = ResultCache(tmp_path / "c")
    hit = again.lookup(Path("m.py"), BUGGY.encode(), options)
    assert hit is not None and hit.diagnostics == result.diagnostics and (again.hits, again.misses) == (1, 0)
    assert again.lookup(Path("m.py"), CLEAN.encode(), options) is None


def test_the_code_fingerprint_follows_every_package_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "cnnlint"
    (package / "sub").mkdir(parents=True)
    (package / "cache.py").write_text("x = 1\n")
    (package / "sub" / "data.json").write_text("{}")
    monkeypatch.setattr(cnnlint.cache, "__file__", str(package / "cache.py"))
    first = cnnlint.cache._code_fingerprint()
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "cache.cpython-311.pyc").write_bytes(b"\0")
    assert cnnlint.cache._code_fingerprint() == first  # compiling changes nothing
    (package / "sub" / "data.json").write_text("{} ")
    assert cnnlint.cache._code_fingerprint() != first  # an edit, even of data, does
