"""cnnlint against the real-style corpus (tests/styles): exact findings, exact summaries.

The answers are torch's (tests/styles/truth.json, proven by tests/test_styles_torch.py):
`cnnlint check` must report exactly the `# expect:` markers of each file (row, code), no
more, no less; on each clean file `cnnlint summary` must give torch's output shape, total
parameters and total MACs for the file's model (a model returning several tensors has a
list of shapes as output_shape).

Files cnnlint does not follow yet are listed below and xfail strictly: when the interpreter
starts to follow one, its XPASS fails the run until the file is removed from the list.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from conftest import expected_markers, reported, run_cli

STYLES = Path(__file__).resolve().parent / "styles"
FILES = sorted(STYLES.glob("*.py"))
TRUTH = json.loads((STYLES / "truth.json").read_text())

# `cnnlint check` does not report exactly the markers yet.
PENDING_CHECK: set[str] = set()

# `cnnlint summary` does not give torch's output shape, params and MACs yet (clean files only).
PENDING_SUMMARY: set[str] = set()


def _params(files: list[Path], pending: set[str]) -> list:
    mark = pytest.mark.xfail(strict=True, reason="not followed yet")
    return [pytest.param(p, id=p.name, marks=mark if p.name in pending else ()) for p in files]


CLEAN = [p for p in FILES if "raises" not in TRUTH[p.name]]


def test_pending_lists_name_real_files():
    assert not PENDING_CHECK - {p.name for p in FILES}
    assert not PENDING_SUMMARY - {p.name for p in CLEAN}


@pytest.mark.parametrize("path", _params(FILES, PENDING_CHECK))
def test_check_reports_exactly_the_markers(path):
    expected = expected_markers(path.read_text())
    found = reported(path)
    assert found == expected, f"missing {sorted(expected - found)}, unexpected {sorted(found - expected)}"


def _names_of(path: Path, variable: str) -> set[str]:
    """The truth names the variable a file feeds (``model = Net()``); cnnlint names a class model by its
    class and a factory's by the factory (SPEC §4): the callee bound to that variable."""
    names = set()
    tree = ast.parse(path.read_text())
    top = [*tree.body, *(n for s in tree.body if isinstance(s, ast.If) for n in s.body)]  # and `if __name__ ...`
    for node in top:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and any(isinstance(t, ast.Name) and t.id == variable for t in node.targets)
        ):
            func = node.value.func
            names.add(func.id if isinstance(func, ast.Name) else getattr(func, "attr", variable))
    return names


@pytest.mark.parametrize("path", _params(CLEAN, PENDING_SUMMARY))
def test_summary_is_torchs(path):
    truth = TRUTH[path.name]
    result = run_cli("summary", "--output-format", "json", str(path))
    # Clean files may carry CNL003 warnings (a legal stride that drops rows): summary exits 1 then, as check does.
    assert result.exit_code in (0, 1) and not result.stderr, result.stderr
    found = [m for m in json.loads(result.stdout)["models"] if m.get("input_shape")]
    models = [m for m in found if m["name"] == truth["name"]] or [
        m for m in found if m["name"] in _names_of(path, truth["name"])
    ]
    assert len(models) == 1, f"{truth['name']} with an input: {len(models)} models in the summary"
    (model,) = models
    if len(truth["inputs"]) == 1:
        assert model["input_shape"] == truth["inputs"][0]
    got = (model["output_shape"], model["total_params"], model["total_macs"])
    assert got == (truth["output"], truth["params"], truth["macs"])
