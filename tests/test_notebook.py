"""Jupyter notebooks (issue 13, item 2): cells concatenated, findings per cell, fixes that touch one cell only."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from cnnlint.notebook import Notebook

# nbformat's own layout (indent=1, ensure_ascii=False, sorted keys) with outputs, an image, metadata
# and non-ASCII text: everything a round trip must leave alone.
NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "id": "a1", "metadata": {}, "source": ["# LeNet, d2l style\n", "Ünïcödé ✓"]},
        {
            "cell_type": "code",
            "execution_count": 1,
            "id": "b2",
            "metadata": {"collapsed": False},
            "outputs": [],
            "source": [
                "%matplotlib inline\n",
                "import torch\n",
                "from torch import nn\n",
                "!pip list\n",
                "X = torch.randn(1, 1, 28, 28)  # the input, made in an earlier cell",
            ],
        },
        {
            "cell_type": "code",
            "execution_count": 2,
            "id": "c3",
            "metadata": {"tags": ["model"]},
            "outputs": [
                {"name": "stdout", "output_type": "stream", "text": ["torch.Size([1, 6, 28, 28])\n"]},
                {
                    "data": {
                        "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGA\n",
                        "text/plain": ["<Figure size 432x288 with 1 Axes>"],
                    },
                    "metadata": {"needs_background": "light"},
                    "output_type": "display_data",
                },
            ],
            "source": [
                "net = nn.Sequential(\n",
                "    nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),\n",
                "    nn.AvgPool2d(kernel_size=2, stride=2),\n",
                "    nn.Flatten(),\n",
                "    nn.Linear(6 * 15 * 15, 10))  # ✓\n",
                "for layer in net:\n",
                "    X = layer(X)\n",
                "    %time print(X.shape)",
            ],
        },
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "d4",
            "metadata": {},
            "outputs": [],
            "source": ["%%bash\n", "echo not python at all ((\n"],
        },
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python", "version": "3.11.4"},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def _write(path: Path, notebook: dict, **dumps) -> bytes:
    options = {"indent": 1, "sort_keys": True, "ensure_ascii": False, **dumps}
    data = (json.dumps(notebook, **options) + "\n").encode("utf-8")
    path.write_bytes(data)
    return data


@pytest.fixture
def nb(tmp_path):
    path = tmp_path / "lenet.ipynb"
    _write(path, NOTEBOOK)
    return path


def test_text_reports_cell_row_and_column(nb, monkeypatch):
    monkeypatch.chdir(nb.parent)
    result = run_cli("check", "lenet.ipynb")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(
        "lenet.ipynb:cell 3:5:5: CNL001 Linear expects in_features=1350 but receives 1176 (6 x 14 x 14 after Flatten)"
    )


def test_json_locations_are_relative_to_the_cell(nb):
    (item,) = run_cli("check", "--output-format", "json", str(nb)).json()
    assert item["cell"] == 3
    assert item["location"] == {"row": 5, "column": 5} and item["end_location"]["row"] == 5
    assert item["fix"]["edits"][0]["location"] == {"row": 5, "column": 15}
    assert item["fix"]["edits"][0]["content"] == "6 * 14 * 14"


def test_python_files_have_a_null_cell(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("import torch.nn as nn\nnet = nn.Sequential(nn.Linear(4, 8), nn.Linear(4, 2))\n")
    (item,) = run_cli("check", "--output-format", "json", str(path)).json()
    assert item["cell"] is None


def test_fix_round_trip_changes_only_the_fixed_line(nb):
    before = nb.read_bytes()
    result = run_cli("check", "--fix", str(nb))
    assert result.exit_code == 0, result.stdout
    after = nb.read_bytes()
    old_lines, new_lines = before.split(b"\n"), after.split(b"\n")
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
    line = '    "    nn.Linear(6 * {0} * {0}, 10))  # ✓\\n",'
    assert changed == [(line.format(15).encode(), line.format(14).encode())]
    expected = json.loads(before)
    expected["cells"][2]["source"][4] = "    nn.Linear(6 * 14 * 14, 10))  # ✓\n"
    assert json.loads(after) == expected


def test_round_trip_keeps_ascii_escapes_and_string_sources(tmp_path):
    notebook = json.loads(json.dumps(NOTEBOOK))
    notebook["cells"][2]["source"] = "".join(notebook["cells"][2]["source"])  # one string, not a list
    path = tmp_path / "escaped.ipynb"
    before = _write(path, notebook, ensure_ascii=True, indent=2, sort_keys=False)
    assert run_cli("check", "--fix", str(path)).exit_code == 0
    after = path.read_bytes()
    assert after == before.replace(b"6 * 15 * 15", b"6 * 14 * 14")
    assert b"\\u2713" in after


def test_unsafe_fix_that_joins_lines_rebuilds_only_that_cell(tmp_path):
    notebook = json.loads(json.dumps(NOTEBOOK))
    source = notebook["cells"][2]["source"]
    source[4:5] = ["    nn.Linear(SIZE *\n", "              1, 10))\n"]
    notebook["cells"][1]["source"].append("\nSIZE = 1350")
    path = tmp_path / "multi.ipynb"
    before = _write(path, notebook)
    result = run_cli("check", "--fix", "--unsafe-fixes", str(path))
    assert result.exit_code == 0, result.stdout
    after = json.loads(path.read_bytes())
    assert after["cells"][2]["source"][4] == "    nn.Linear(1176, 10))\n"
    assert len(after["cells"][2]["source"]) == len(source) - 1
    expected = json.loads(before)
    expected["cells"][2]["source"] = after["cells"][2]["source"]
    assert after == expected
    text = path.read_text(encoding="utf-8")
    assert '   "source": [\n    "net = nn.Sequential(\\n",\n    "    nn.Conv2d' in text  # nbformat's layout kept


def test_ipython_lines_are_blanked_row_for_row(nb):
    book = Notebook.parse(nb.read_bytes())
    lines = book.python.split("\n")
    assert lines[0] == "" and lines[3] == ""  # %matplotlib, !pip
    assert lines[12] == "    pass"  # an indented %time keeps its block valid
    assert lines[13:15] == ["", ""]  # the %%bash cell
    assert book.rows[4] == (0, 5) and book.rows[9] == (1, 5)  # (index among code cells, row in the cell)
    assert [cell.number for cell in book.cells] == [2, 3, 4]


@pytest.mark.parametrize(
    ("line", "blank"),
    [("x?", True), ("nn.Linear??", True), ("files = !ls", True), ("%load_ext autoreload", True),
     ("y = x % 2", False), ("print(a != b)", False), ("z = 'why?'", False)],
)  # fmt: skip
def test_which_lines_are_ipython(line, blank):
    from cnnlint.notebook import _blank_ipython

    assert (_blank_ipython(line) == "") is blank


def test_noqa_in_a_cell(tmp_path):
    notebook = json.loads(json.dumps(NOTEBOOK))
    notebook["cells"][2]["source"][4] = "    nn.Linear(6 * 15 * 15, 10))  # noqa: CNL001\n"
    path = tmp_path / "quiet.ipynb"
    _write(path, notebook)
    assert run_cli("check", str(path)).exit_code == 0


def test_a_notebook_that_is_not_json_is_one_cnl999(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [')
    (item,) = run_cli("check", "--output-format", "json", str(path)).json()
    assert item["code"] == "CNL999" and "notebook cannot be read" in item["message"]


def test_a_syntax_error_is_reported_in_its_cell(tmp_path):
    notebook = json.loads(json.dumps(NOTEBOOK))
    notebook["cells"][2]["source"][6] = "    X = layer(X\n"
    path = tmp_path / "bad.ipynb"
    _write(path, notebook)
    (item,) = run_cli("check", "--output-format", "json", str(path)).json()
    assert item["code"] == "CNL999" and item["cell"] == 3


def test_sarif_points_at_the_row_of_the_ipynb_file(nb):
    jsonschema = pytest.importorskip("jsonschema")
    log = json.loads(run_cli("check", "--output-format", "sarif", str(nb)).stdout)
    jsonschema.validate(log, json.loads((ROOT / "tests" / "data" / "sarif-2.1.0.json").read_text()))
    (result,) = log["runs"][0]["results"]
    physical = result["locations"][0]["physicalLocation"]
    region = physical["region"]
    held = {"line": region["startLine"], "col": region["startColumn"], "endLine": region["endLine"]}
    assert _held(nb.read_text(encoding="utf-8"), {**held, "endColumn": region["endColumn"]}) == (
        "nn.Linear(6 * 15 * 15, 10)"
    )
    assert physical["properties"] == {"cell": 3, "row": 5, "column": 5}


def _github_region(out: str) -> dict[str, int]:
    """The position properties of the one ``::error`` line (SPEC §4: line, col, endLine, endColumn)."""
    (line,) = out.splitlines()
    props = dict(item.split("=", 1) for item in line.split(" ", 1)[1].split("::")[0].split(","))
    assert list(props) == ["file", "line", "col", "endLine", "endColumn", "title"], line
    return {key: int(props[key]) for key in ("line", "col", "endLine", "endColumn")}


def _held(text: str, region: dict[str, int]) -> str:
    """The .ipynb file's text between a region's start and end (1-based rows and columns, end exclusive)."""
    lines = text.splitlines()
    if region["line"] == region["endLine"]:
        return lines[region["line"] - 1][region["col"] - 1 : region["endColumn"] - 1]
    inner = lines[region["line"] : region["endLine"] - 1]
    first = lines[region["line"] - 1][region["col"] - 1 :]
    last = lines[region["endLine"] - 1][: region["endColumn"] - 1]
    return "\n".join([first, *inner, last])


def test_github_annotation_points_at_the_row_of_the_ipynb_file(nb):
    out = run_cli("check", "--output-format", "github", str(nb)).stdout
    region = _github_region(out)
    assert _held(nb.read_text(encoding="utf-8"), region) == "nn.Linear(6 * 15 * 15, 10)"
    assert "::cell 3:5:5: Linear expects" in out


@pytest.mark.parametrize("ensure_ascii", [True, False])
@pytest.mark.parametrize("form", ["string", "list"])
def test_github_and_sarif_columns_count_the_json_as_written(tmp_path, form, ensure_ascii):
    """col/endColumn are the .ipynb text's own columns: escapes (``\\n``, ``\\"``, ``\\u00e9``, a surrogate
    pair) count as written, and a source held as one string keeps every line on one row of the file."""
    source = [
        "import torch.nn as nn\n",
        's = "é😀\\t"; net = nn.Sequential(nn.Linear(4, 8), nn.Linear(5,\n',
        '                          2))  # "ok"\n',
    ]
    notebook = json.loads(json.dumps(NOTEBOOK))
    notebook["cells"][2]["source"] = source if form == "list" else "".join(source)
    del notebook["cells"][1:2], notebook["cells"][2:]
    path = tmp_path / "cols.ipynb"
    _write(path, notebook, ensure_ascii=ensure_ascii)
    text = path.read_text(encoding="utf-8")
    out = run_cli("check", "--output-format", "github", str(path)).stdout
    assert f"::cell 2:2:{source[1].index('nn.Linear(5') + 1}: Linear expects in_features=5" in out
    region = _github_region(out)
    written = "nn.Linear(5,\\n" + ('",\n' if form == "list" else "") + "                          2)"
    assert _held(text, region).replace('    "', "") == written.replace('    "', "")
    assert (region["endLine"] > region["line"]) == (form == "list")
    log = json.loads(run_cli("check", "--output-format", "sarif", str(path)).stdout)
    sarif = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert sarif == {"startLine": region["line"], "startColumn": region["col"],
                     "endLine": region["endLine"], "endColumn": region["endColumn"]}  # fmt: skip


def test_walking_includes_notebooks_and_exclude_or_extend_include_adjust_it(nb, monkeypatch):
    root = nb.parent
    monkeypatch.chdir(root)
    (root / "script.pyw").write_text("import torch.nn as nn\nnet = nn.Sequential(nn.Linear(4, 8), nn.Linear(4, 2))\n")
    files = {d["filename"] for d in run_cli("check", "--output-format", "json", ".").json()}
    assert {Path(f).name for f in files} == {"lenet.ipynb"}
    (root / "pyproject.toml").write_text('[tool.cnnlint]\nextend-exclude = ["*.ipynb"]\nextend-include = ["*.pyw"]\n')
    files = {d["filename"] for d in run_cli("check", "--output-format", "json", ".").json()}
    assert {Path(f).name for f in files} == {"script.pyw"}


def test_an_r_notebook_is_skipped(tmp_path):
    notebook = json.loads(json.dumps(NOTEBOOK))
    notebook["metadata"]["language_info"] = {"name": "R"}
    path = tmp_path / "r.ipynb"
    _write(path, notebook)
    assert run_cli("check", str(path)).exit_code == 0


def test_diff_shows_the_notebook_change(nb):
    out = run_cli("check", "--diff", str(nb)).stdout
    assert (
        textwrap.dedent(
            """\
        -    "    nn.Linear(6 * 15 * 15, 10))  # ✓\\n",
        +    "    nn.Linear(6 * 14 * 14, 10))  # ✓\\n",
        """
        )
        in out
    )
