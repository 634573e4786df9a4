"""Shared test helpers: run the CLI in-process, read `# expect: CODE` markers."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
sys.path.insert(0, str(Path(__file__).resolve().parent))

_EXPECT = re.compile(r"#\s*(?:expect|error):\s*((?:CNL\d{3}[ ,]*)+)")


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> list[dict]:
        return json.loads(self.stdout)


def run_cli(*args: str, input: bytes | str | None = None) -> CliResult:
    from click.testing import CliRunner

    from cnnlint.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
    return CliResult(result.exit_code, result.stdout, result.stderr)


def expected_markers(text: str) -> set[tuple[int, str]]:
    """(row, code) for every `# expect: CODE` / `# error: CODE` comment."""
    found = set()
    for row, line in enumerate(text.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match:
            for code in re.findall(r"CNL\d{3}", match.group(1)):
                found.add((row, code))
    return found


def reported(path: Path | str, *extra: str) -> set[tuple[int, str]]:
    result = run_cli("check", "--output-format", "json", *extra, str(path))
    assert result.exit_code in (0, 1), result.stderr
    return {(d["location"]["row"], d["code"]) for d in result.json()}


def run_path(path: Path) -> None:
    """Run a test program as a script, as its user would (torch is the oracle)."""
    import runpy

    runpy.run_path(str(path), run_name="__main__")


def found_and_fixed(path: Path, template: str, wrong: dict, right: dict, run: Callable[[Path], Any] = run_path) -> None:
    """The program with ``wrong`` raises in torch where cnnlint reports exactly its ``# error:`` markers; with
    ``right`` it runs, and cnnlint is quiet."""
    source = template.format(**wrong)
    path.write_text(source)
    with pytest.raises(RuntimeError):
        run(path)
    assert reported(path) == expected_markers(source)
    path.write_text(template.format(**right))
    run(path)
    assert reported(path) == set()


def findings(path: Path | str, *extra: str) -> list[tuple[int, str, str]]:
    """(row, code, message) of every diagnostic ``cnnlint check --show-info`` reports, in order."""
    result = run_cli("check", "--show-info", "--output-format", "json", *extra, str(path))
    assert result.exit_code in (0, 1), result.stderr
    return [(d["location"]["row"], d["code"], d["message"]) for d in result.json()]


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(autouse=True, scope="session")
def _result_cache_in_a_temporary_directory(tmp_path_factory):
    """Runs use the result cache as users' do, but never write one into the repository."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CNNLINT_CACHE_DIR", str(tmp_path_factory.mktemp("cnnlint-cache")))
        yield


def summary_model(path: Path | str, name: str, dims: str) -> dict:
    """``cnnlint summary PATH --input NAME=DIMS`` as JSON: the one model of that name (the run must not fail)."""
    result = run_cli("summary", str(path), "--input", f"{name}={dims}", "--output-format", "json")
    assert result.exit_code in (0, 1), result.stderr
    found = [m for m in result.json()["models"] if m["name"] == name]
    assert len(found) == 1, [m["name"] for m in result.json()["models"]]
    return found[0]


WRAPPING_NET = """


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x)
"""


def assert_net_is_torchs(source: str, path: Path) -> None:
    """``source`` binds ``net`` (torch imported, ``nn`` too); wrapped in a ``Net``, cnnlint's output shape and
    parameter count for a (2, 4) input are torch's running the same file."""
    import torch

    path.write_text(source + WRAPPING_NET)
    namespace: dict = {"__name__": "net"}
    with torch.device("meta"):
        exec(compile(source + WRAPPING_NET, str(path), "exec"), namespace)
        net = namespace["Net"]()
        expected = list(net(torch.empty(2, 4)).shape), sum(p.numel() for p in net.parameters())
    model = summary_model(path, "Net", "2,4")
    assert (model["output_shape"], model["total_params"]) == expected


def torch_built(source: str, path: Path, name: str, dims: tuple[int, ...]) -> tuple[list[int], int]:
    """The truth for a model written as source: write it to ``path``, build ``name()`` with torch on the
    meta device and run it on ``dims``; (output shape, parameter count)."""
    import torch

    path.write_text(source)
    namespace: dict = {}
    exec(compile(source, str(path), "exec"), namespace)
    with torch.device("meta"):
        net = namespace[name]()
        shape = list(net(torch.empty(*dims)).shape)
    return shape, sum(p.numel() for p in net.parameters())


def script_error(path: Path, *kinds: type[Exception]) -> str | None:
    """Run ``path`` as ``python path`` (no arguments): the message of the error of ``kinds`` it raises
    (RuntimeError unless told), or None when it runs through."""
    import runpy

    caught = kinds or (RuntimeError,)
    saved, sys.argv = sys.argv, [str(path)]  # as ``python path`` runs it: no command-line arguments
    try:
        runpy.run_path(str(path), run_name="__main__")
    except caught as err:
        return str(err)
    finally:
        sys.argv = saved
    return None


def script_and_check(path: Path, *kinds: type[Exception]) -> tuple[str | None, list[tuple[int, str]]]:
    """Torch's answer and cnnlint's for one script: the error it raises running (``script_error``), and the
    (row, code) of every finding ``cnnlint check`` reports but notes."""
    return script_error(path, *kinds), [(row, code) for row, code, _ in findings(path) if code != "CNL100"]


def module_globals(source: str, filename: str = "module.py") -> dict:
    """The names ``source``'s module code binds, as cnnlint's interpreter reads them (nothing is run)."""
    import ast

    from cnnlint.interpret.models import find_models

    return find_models(ast.parse(source), source, filename).session.main.globals


def interpreted_reads(source: str, count: int) -> list:
    """``r0`` .. ``r{count-1}`` as the interpreter reads them (unknown where unbound)."""
    from cnnlint.interpret.values import UNKNOWN

    names = module_globals(source)
    return [names.get(f"r{i}", UNKNOWN) for i in range(count)]
