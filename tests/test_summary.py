"""`cnnlint summary`: the seeds' tables, totals, partial models, diagnostics in place, golden text.

Golden files (tests/golden/*.txt) hold the exact text rendering. After an
intended change of the table, regenerate them with

    CNNLINT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_summary.py

and review the diff (the tests that rewrote a file pass).
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

from cnnlint.check import CheckOptions, check_bytes
from cnnlint.report.summary import ModelSummary, summary_records
from cnnlint.report.summary_text import format_shape, render_summary
from cnnlint.shapes.dims import UNKNOWN, Shape

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("CNNLINT_UPDATE_GOLDEN", "") not in ("", "0")


def check(path: Path, **inputs: tuple):  # type: ignore[no-untyped-def]
    """FileResult of one file, with the filename relative to the repository (stable output)."""
    name = os.path.relpath(path, ROOT) if path.is_relative_to(ROOT) else str(path)
    return check_bytes(path.read_bytes(), name, CheckOptions(cli_inputs=dict(inputs), want_models=True))


def models(path: Path, **inputs: tuple) -> dict[str, ModelSummary]:
    return {m.name: m for m in summary_records([check(path, **inputs)])}


def leaf_rows(m: ModelSummary, *types: str):  # type: ignore[no-untyped-def]
    return [r for r in m.layers if not r.container and (not types or r.type in types)]


def hw(shape: Shape) -> str:
    """The seeds' notation: 55x55x96 (H x W x C), or the length of a flat vector."""
    dims = shape.dims
    if len(dims) == 2:
        return str(dims[1])
    return f"{dims[2]}x{dims[3]}x{dims[1]}"


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {path.name} was missing and has been written: review it and run again")
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs (CNNLINT_UPDATE_GOLDEN=1 to rewrite)"


# ---- the seeds ----------------------------------------------------------------------


def test_alexnet_227_table_reproduces_the_seeds():
    m = models(FIXTURES / "alexnet_original.py")["alexnet"]
    assert m.input_dims == (1, 3, 227, 227) and m.input_source == "pragma"
    shaped = leaf_rows(m, "Conv2d", "MaxPool2d", "Linear")
    assert [hw(r.output_shape) for r in shaped] == [
        "55x55x96", "27x27x96", "27x27x256", "13x13x256", "13x13x384", "13x13x384", "13x13x256", "6x6x256",
        "4096", "4096", "1000",
    ]  # fmt: skip
    with_params = [r.params for r in leaf_rows(m) if r.params]
    assert with_params == [34_944, 614_656, 885_120, 1_327_488, 884_992, 37_752_832, 16_781_312, 4_097_000]
    assert sum(r.params for r in leaf_rows(m, "Conv2d")) == 3_747_200
    assert m.total_params == m.trainable_params == 62_378_344
    assert m.total_macs == 1_135_256_096
    assert m.total_flops == 2_270_512_192
    assert not m.partial and not m.stopped
    assert format_shape(m.output_shape) == "[1, 1000]"
    for r in leaf_rows(m):  # pools, activations, dropout and flatten cost no MACs
        if r.type not in ("Conv2d", "Linear"):
            assert r.macs == 0 and r.params == 0


def test_d2l_alexnet_on_1x224x224():
    m = models(FIXTURES / "d2l_alexnet.py")["net"]
    assert m.input_dims == (1, 1, 224, 224) and m.input_source == "inferred"
    sizes = [r.output_shape.dims[-1] for r in leaf_rows(m, "Conv2d", "MaxPool2d")]
    assert sizes == [54, 26, 26, 12, 12, 12, 12, 5]
    (flatten,) = leaf_rows(m, "Flatten")
    assert flatten.output_shape == Shape(1, 6400)
    assert m.total_params == 46_764_746
    assert not m.partial


def test_bottleneck_figures():
    found = models(FIXTURES / "bottleneck.py")
    direct, bottleneck = found["direct"], found["bottleneck"]
    assert direct.total_params == 819_456
    assert direct.total_macs == 8_192_000_000
    assert [r.macs for r in bottleneck.layers] == [40_960_000, 2_048_000_000]
    assert [format_shape(r.output_shape) for r in bottleneck.layers] == ["[1, 32, 100, 100]", "[1, 256, 100, 100]"]
    assert bottleneck.total_params == 209_184
    assert bottleneck.total_macs == 2_088_960_000
    assert round(direct.total_macs / bottleneck.total_macs, 1) == 3.9


# ---- the command line ---------------------------------------------------------------


def test_text_has_thousands_separators_totals_and_the_convention():
    result = run_cli("summary", str(FIXTURES / "alexnet_original.py"))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "34,944" in out and "37,752,832" in out
    assert "Total params: 62,378,344" in out
    assert "Trainable params: 62,378,344" in out
    assert "Total MACs: 1,135,256,096" in out
    assert "Total FLOPs: 2,270,512,192" in out
    assert "FLOPs = 2 x MACs" in out.splitlines()[1]  # stated in the header
    assert "Input shape: [1, 3, 227, 227]" in out and "pragma" in out
    assert "[1, 96, 55, 55]" in out


def test_json_follows_the_spec():
    result = run_cli("summary", "--output-format", "json", str(FIXTURES / "alexnet_original.py"))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    (model,) = data["models"]
    assert {"name", "filename", "row", "input_shape", "output_shape", "layers", "total_params", "total_macs"} <= set(
        model
    )
    assert model["name"] == "alexnet"
    assert model["filename"].endswith("alexnet_original.py") and os.path.isabs(model["filename"])
    assert model["row"] == 10
    assert model["input_shape"] == [1, 3, 227, 227]
    assert model["output_shape"] == [1, 1000]
    assert model["total_params"] == 62_378_344 and model["total_macs"] == 1_135_256_096
    assert model["total_flops"] == 2 * 1_135_256_096
    first = model["layers"][0]
    assert {"row", "type", "output_shape", "params", "macs"} <= set(first)
    assert first == {**first, "row": 11, "type": "Conv2d", "output_shape": [1, 96, 55, 55], "params": 34_944}
    assert first["macs"] == 105_415_200
    for layer in model["layers"]:
        assert all(isinstance(d, int) for d in layer["output_shape"])
        assert isinstance(layer["params"], int) and isinstance(layer["macs"], int)


def test_columns_align_and_rows_follow_the_source():
    out = run_cli("summary", str(FIXTURES / "vgg16.py")).stdout
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.lstrip().startswith("Line"))
    rule = lines[head - 1]
    body = lines[head + 2 : lines.index(rule, head + 2)]
    assert len(body) == 39
    header = lines[head]
    shape_col = header.index("Output Shape")
    for line in [header, *body]:
        assert len(line) == len(rule)  # the MACs column is right-aligned to the rule's end
        assert line[shape_col - 1] == " "
    rows = [int(line[: header.index("Layer")].strip()) for line in body]
    assert rows == sorted(rows) and rows[0] == 14


def test_symbolic_batch_dimension(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(
        textwrap.dedent(
            """\
            from torch import nn

            # cnnlint: input=(B, 3, 32, 32)
            net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.Flatten(), nn.Linear(8 * 32 * 32, 10))
            """
        )
    )
    (m,) = summary_records([check(path)])
    assert format_shape(m.layers[0].output_shape) == "[B, 8, 32, 32]"
    assert m.macs_per_sample and m.total_macs == 3 * 3 * 3 * 8 * 32 * 32 + 8 * 32 * 32 * 10
    data = json.loads(render_summary([check(path)], "json"))
    assert data["models"][0]["input_shape"] == ["B", 3, 32, 32]
    assert data["models"][0]["layers"][0]["output_shape"] == ["B", 8, 32, 32]
    assert "MACs are per sample (B = 1)" in render_summary([check(path)], "text")


def test_input_from_the_command_line():
    result = run_cli("summary", "--input", "head=4,512", str(FIXTURES / "partial_unknown_block.py"))
    assert "Input shape: [4, 512] (from --input)" in result.stdout
    data = json.loads(
        run_cli(
            "summary", "--output-format", "json", "--input", "head=4,512", str(FIXTURES / "partial_unknown_block.py")
        ).stdout
    )
    head = next(m for m in data["models"] if m["name"] == "head")
    assert head["output_shape"] == [4, 10]
    assert head["total_macs"] == 4 * (512 * 256 + 256 * 10)


# ---- what cannot be followed --------------------------------------------------------


def test_no_input_declared_shows_parameters_and_says_how_to_declare():
    m = models(FIXTURES / "partial_unknown_block.py")["head"]
    assert m.input_dims is None
    assert m.total_params == 512 * 256 + 256 + 256 * 10 + 10
    assert m.total_macs is None and m.macs.partial
    out = render_summary([check(FIXTURES / "partial_unknown_block.py")], "text")
    block = out[out.index("head (nn.Sequential)") :]
    assert "No input size was declared" in block
    assert "# cnnlint: input=(1, 512)" in block and "--input head=1,512" in block
    assert "Total MACs: unknown" in block
    assert "Total params: 133,898" in block
    data = json.loads(render_summary([check(FIXTURES / "partial_unknown_block.py")], "json"))
    head = next(m for m in data["models"] if m["name"] == "head")
    assert head["input_shape"] is None and head["total_macs"] is None and head["total_params"] == 133_898
    assert head["layers"][0]["output_shape"] is None  # rank unknown: only the last dimension is fixed


def test_unknown_layer_marks_the_row_and_the_totals_partial():
    m = models(FIXTURES / "partial_unknown_block.py")["backbone"]
    assert m.stopped and m.stopped_at == 20
    se = next(r for r in m.layers if r.name == "se")
    assert se.stopped and se.type == "SqueezeExcite" and se.notes and se.notes[0].code == "CNL100"
    assert m.total_params is None and m.total_macs is None  # never a silent wrong total
    known = 3 * 32 * 9 + 32 + 2 * 32 + 32 * 64 * 9 + 64 + 64 * 10 + 10
    assert m.params.at_least == known
    out = render_summary([check(FIXTURES / "partial_unknown_block.py")], "text")
    assert f"Total params: >= {known:,} (partial" in out
    lines = out.splitlines()
    row = next(i for i, line in enumerate(lines) if "se (SqueezeExcite)" in line)
    assert "CNL100" in lines[row + 1] and "shape following stops here" in lines[row + 1]
    data = json.loads(render_summary([check(FIXTURES / "partial_unknown_block.py")], "json"))
    backbone = next(m for m in data["models"] if m["name"] == "backbone")
    assert backbone["total_params"] is None and backbone["total_params_at_least"] == known
    assert backbone["partial"] is True


def test_nested_sequentials_are_indented_by_depth():
    m = models(FIXTURES / "partial_unknown_block.py")["backbone"]
    stem = m.layers[0]
    assert stem.container and stem.name == "stem" and stem.depth == 0
    assert [r.depth for r in m.layers[1:4]] == [1, 1, 1]
    assert stem.params == 3 * 32 * 9 + 32 + 2 * 32  # a container row sums its children
    out = render_summary([check(FIXTURES / "partial_unknown_block.py")], "text").splitlines()
    stem_line = next(line for line in out if "stem (Sequential)" in line)
    child = out[out.index(stem_line) + 1]
    assert child.index("Conv2d") == stem_line.index("stem") + 2


def test_errors_are_shown_in_place():
    result = run_cli("summary", str(FIXTURES / "d2l_alexnet_wrong_linear.py"))
    lines = result.stdout.splitlines()
    row = next(i for i, line in enumerate(lines) if re.match(r"\s*20\s+Linear\b", line))
    note = lines[row + 1]
    assert "^ CNL001 (error)" in note and "9216" in note and "6400" in note
    assert "[1, 6400]" in lines[row - 1]  # the Flatten row above: where the shapes diverge
    assert any("CNL003 (warning)" in line for line in lines[:row])
    assert "Total MACs: >= " in result.stdout and "partial" in result.stdout
    assert "Total params: 58,299,082" in result.stdout  # the model as written: torch builds it


def test_module_called_twice_counts_its_parameters_once(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(
        textwrap.dedent(
            """\
            import torch.nn as nn
            import torch.nn.functional as F


            # cnnlint: input=(1, 16)
            class Tied(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(16, 16)
                    self.out = nn.Linear(16, 4)

                def forward(self, x):
                    x = F.relu(self.fc(x))
                    x = F.relu(self.fc(x))
                    return self.out(x)
            """
        )
    )
    (m,) = summary_records([check(path)])
    assert m.total_params == 16 * 16 + 16 + 16 * 4 + 4
    assert m.total_macs == 2 * 16 * 16 + 16 * 4
    fc_rows = [r for r in m.layers if r.name == "fc"]
    assert len(fc_rows) == 2 and fc_rows[0].row == fc_rows[1].row == 9
    assert [r.type for r in m.layers if r.name is None] == ["F.relu", "F.relu"]


def test_a_file_with_no_model_and_a_syntax_error(tmp_path):
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    assert "No models found." in run_cli("summary", str(empty)).stdout
    broken = tmp_path / "broken.py"
    broken.write_text("import torch.nn as nn\nnet = nn.Sequential(\n")
    out = run_cli("summary", str(broken)).stdout
    assert "CNL999" in out
    data = json.loads(run_cli("summary", "--output-format", "json", str(broken)).stdout)
    assert data["models"] == [] and data["diagnostics"][0]["code"] == "CNL999"


def test_unknown_counts_are_null_in_json_and_question_marks_in_text():
    text = render_summary([check(FIXTURES / "partial_unknown_block.py")], "text")
    assert re.search(r"se \(SqueezeExcite\)\s+\?\s+\?\s+\?$", text, re.M)
    assert format_shape(Shape(1, UNKNOWN, 5)) == "[1, ?, 5]"
    assert format_shape(Shape(10, open=True)) == "[..., 10]"
    assert format_shape(Shape.unknown()) == "?"


def test_runtime_column_confirms_shapes_with_torch():
    pytest.importorskip("torch")
    result = run_cli("summary", "--runtime", "--output-format", "json", str(FIXTURES / "partial_unknown_block.py"))
    assert result.exit_code == 0, result.stderr
    backbone, head = json.loads(result.stdout)["models"]
    assert backbone["runtime"] is True and backbone["runtime_failure"] is None
    stem_conv = backbone["layers"][1]
    assert stem_conv["runtime_output_shape"] == stem_conv["output_shape"] == [1, 32, 32, 32]
    assert all(layer["runtime_output_shape"] is None for layer in head["layers"])  # no input: not run
    text = run_cli("summary", "--runtime", str(FIXTURES / "alexnet_original.py")).stdout
    header = next(line for line in text.splitlines() if line.lstrip().startswith("Line"))
    assert "Torch" in header
    rows = [line for line in text.splitlines() if re.match(r"\s+\d+\s+[A-Z]", line)]
    assert len(rows) == 21 and all(" ok " in line for line in rows)


# ---- golden text --------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["alexnet_original.py", "partial_unknown_block.py"])
def test_golden_text(fixture):
    text = render_summary([check(FIXTURES / fixture)], "text", cwd=ROOT)
    golden(fixture.replace(".py", ".txt"), text)
