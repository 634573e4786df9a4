"""Torch proves tests/styles: clean files run, each bug file raises at its marked row.

The figures cnnlint is held to (output shape, params, MACs; the row and code of each bug)
are torch's, kept in tests/styles/truth.json and re-checked against torch on every run.
Regenerate after editing a model file: ``CNNLINT_REGEN=1 pytest -n 0 tests/test_styles_torch.py``.
"""

from __future__ import annotations

import ast
import json
import os
from functools import cache
from pathlib import Path

import pytest
from conftest import expected_markers

torch = pytest.importorskip("torch")

from styles_oracle import HEADER, Verdict, judge, read_spec, run_main, side_effects  # noqa: E402

STYLES = Path(__file__).resolve().parent / "styles"
FILES = sorted(STYLES.glob("*.py"))
TRUTH = STYLES / "truth.json"
REGEN = os.environ.get("CNNLINT_REGEN") == "1"


def errors(path: Path) -> set[tuple[int, str]]:
    """The injected bug's marker (CNL003 markers are legal strides SPEC warns about, not bugs)."""
    return {(row, code) for row, code in expected_markers(path.read_text()) if code != "CNL003"}


@cache
def verdict(path: Path) -> Verdict:
    return judge(path)


def _truth() -> dict:
    return json.loads(TRUTH.read_text()) if TRUTH.exists() else {}


def _has_main(tree: ast.Module) -> bool:
    return any(isinstance(n, ast.If) and "__name__" in ast.unparse(n.test) for n in tree.body)


# ----------------------------------------------------------------------------- the corpus


def test_corpus_is_large_and_half_buggy():
    markers = {p.name: errors(p) for p in FILES}
    clean = [n for n, m in markers.items() if not m]
    buggy = [n for n, m in markers.items() if m]
    assert len(FILES) >= 70 and len(clean) >= 35 and len(buggy) >= 30, (len(clean), len(buggy))
    assert all(len(markers[n]) == 1 for n in buggy), "one injected bug per file"
    codes = {code for n in buggy for _, code in markers[n]}
    assert {"CNL001", "CNL002", "CNL004", "CNL005", "CNL006", "CNL008", "CNL009", "CNL010"} <= codes


def _rows_of_the_table(tree: ast.Module) -> set[str]:
    """Which rows of issue 11's table of constructs a file exercises (read from its syntax)."""
    classes = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    funcs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    src = ast.unparse(tree)
    rows = set()

    def callee(call: ast.Call) -> str:
        return ast.unparse(call.func).split(".")[-1]

    if any(callee(c) in classes and (c.args or c.keywords) for c in calls):
        rows.add("project class with call-site args")
    if any(callee(c) == "Sequential" and any(isinstance(a, ast.Starred) for a in c.args) for c in calls):
        rows.add("Sequential(*layers)")
    if any((f.args.vararg or f.args.kwarg) and f.name != "forward" for f in funcs):
        rows.add("*args/**kwargs")
    forwards = [f for f in funcs if f.name == "forward"]
    methods = {f.name for c in classes.values() for f in c.body if isinstance(f, ast.FunctionDef)}
    if any(
        isinstance(c.func, ast.Attribute) and ast.unparse(c.func.value) == "self" and c.func.attr in methods
        for f in forwards
        for c in ast.walk(f)
        if isinstance(c, ast.Call)
    ):
        rows.add("forward hands off")
    inits = [f for f in funcs if f.name in ("__init__", "forward")]
    if any(isinstance(n, (ast.If, ast.IfExp)) for f in inits for n in ast.walk(f)):
        rows.add("if on constructor values")
    if any(
        len(f.args.args) > 2 or any(isinstance(r.value, ast.Tuple) for r in ast.walk(f) if isinstance(r, ast.Return))
        for f in forwards
    ):
        rows.add("several inputs/outputs")
    if any(callee(c) == "Sequential" and not c.args for c in calls) or "add_module" in src or "OrderedDict" in src:
        rows.add("empty Sequential/add_module/OrderedDict")
    if any(
        isinstance(v, (ast.Name, ast.Attribute))
        and (ast.unparse(v).split(".")[-1] in classes or ast.unparse(v).startswith("nn."))
        for c in calls
        if callee(c) not in ("super", "isinstance")
        for v in [*c.args, *(k.value for k in c.keywords)]
    ) or any(
        isinstance(d, (ast.Name, ast.Attribute)) and ast.unparse(d).startswith("nn.")
        for f in funcs
        for d in f.args.defaults + f.args.kw_defaults
        if d is not None
    ):
        rows.add("layer type as argument")
    if any(ast.unparse(b) in classes for c in classes.values() for b in c.bases):
        rows.add("derives from a project class")
    if any(
        f.name not in ("__init__", "forward")
        and f not in forwards
        and "nn." in ast.unparse(f)
        and any(isinstance(r, ast.Return) and r.value is not None for r in ast.walk(f))
        for f in funcs
    ):
        rows.add("helper returning layers")
    fwd = "\n".join(ast.unparse(f) for f in forwards)
    if (
        "torch.cat" in src
        or " += " in fwd
        or any(
            isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Add, ast.Mult)) and "(" in ast.unparse(n)
            for f in forwards
            for n in ast.walk(f)
        )
    ):
        rows.add("residual/cat/branches")
    if any(m in fwd for m in (".mean(", ".permute(", ".transpose(", "[:, ", ".view(", ".reshape(", "flatten(")):
        rows.add("tensor ops")
    if any(isinstance(n, ast.For) for f in forwards for n in ast.walk(f)):
        rows.add("for loop in forward")
    return rows


def test_every_row_of_the_table_has_several_files():
    counts: dict[str, int] = {}
    for path in FILES:
        for row in _rows_of_the_table(ast.parse(path.read_text())):
            counts[row] = counts.get(row, 0) + 1
    assert len(counts) == 13 and min(counts.values()) >= 3, counts
    text = "\n".join(p.read_text() for p in FILES)
    for spelling in [
        "nn.LSTM(",
        "nn.GRU(",
        "nn.MultiheadAttention(",
        "nn.Parameter(",
        "partial(",
        "_forward_impl",
        "_make_layer",
        "def conv3x3",
        'if __name__ == "__main__":',
        "# cnnlint: input=",
    ]:
        assert spelling in text, spelling


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_only_defines_at_import(path):
    assert not side_effects(path)
    spec = read_spec(path)
    assert spec.inputs, f"{path.name}: no input"


# -------------------------------------------------------------------------- torch's verdict


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_torch_raises_exactly_at_the_marked_row(path):
    result = verdict(path).truth
    markers = errors(path)
    if not markers:
        assert "raises" not in result, f"{path.name} is unmarked but torch raised: {result}"
    else:
        ((row, code),) = markers
        assert "raises" in result, f"{path.name}: marked {code} at {row}, but torch ran it"
        assert (result["row"], result["code"]) == (row, code), result
    marked = {r for r, c in expected_markers(path.read_text()) if c == "CNL003"}
    assert set(verdict(path).inexact) == marked, f"{path.name}: rows of convs/pools that drop input (CNL003)"


@pytest.mark.parametrize("path", [p for p in FILES if _has_main(ast.parse(p.read_text()))], ids=lambda p: p.name)
def test_main_block_agrees(path):
    """The script's own `__main__` run feeds the declared input and fails (or not) the same way."""
    raised, calls = run_main(path)
    truth = verdict(path).truth
    if "raises" in truth:
        assert raised is not None and (raised["row"], raised["code"]) == (truth["row"], truth["code"]), raised
        return
    assert raised is None, f"{path.name}: the __main__ block raised {raised}"
    if HEADER.search(path.read_text()):
        fed = [[list(s) for s in shapes] for _, shapes in calls]
        assert truth["inputs"] in fed, f"{path.name}: header input {truth['inputs']}, __main__ fed {fed}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_truth_json_is_what_torch_says(path):
    if REGEN:
        pytest.skip("regenerating")
    assert _truth().get(path.name) == verdict(path).truth, f"{path.name}: rerun with CNNLINT_REGEN=1"


def test_truth_json_lists_every_file():
    if REGEN:
        TRUTH.write_text(json.dumps({p.name: verdict(p).truth for p in FILES}, indent=1, sort_keys=True) + "\n")
    assert sorted(_truth()) == [p.name for p in FILES]
