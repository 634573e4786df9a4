"""The text report's closing count of models (issue 12 item 3) and input keys that match no model (item 4)."""

from __future__ import annotations

import json
import textwrap

import pytest
from conftest import run_cli

from cnnlint import checked

MODELS = textwrap.dedent(
    """\
    import torch.nn as nn
    from somewhere_unknown import Mystery

    # cnnlint: input=(1, 4)
    net = nn.Sequential(nn.Linear(4, 2))

    # cnnlint: input=(1, 3, 8, 8)
    odd = nn.Sequential(nn.Conv2d(3, 4, 3), Mystery(), nn.ReLU())

    # cnnlint: input=(1, 3, 8, 8)
    bad = nn.Sequential(nn.Flatten(), nn.Conv2d(3, 4, 3))


    class Free(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3)

        def forward(self, x):
            return self.conv(x)
    """
)
LINE = (
    "Checked 4 models in 2 files (1 followed to the end, 1 without an input size, "
    "1 stopped at an unknown layer, 1 stopped at an error; --show-info for where)"
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "models.py").write_text(MODELS)
    (tmp_path / "util.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_closing_line_counts_each_bucket(project):
    result = run_cli("check", "--no-cache", ".")
    assert result.exit_code == 1
    # SPEC §4: the findings, then a one-line total (the count of what was checked ends it)
    *findings, total = result.stdout.splitlines()
    assert [line.split(" ")[:2] for line in findings] == [["models.py:11:35:", "CNL006"]]
    assert total == f"Found 1 error. {LINE}"
    shown = run_cli("check", "--no-cache", "--show-info", ".").stdout.splitlines()[-1]
    assert shown == "Found 1 error, 1 note. " + LINE.replace("; --show-info for where", "")


def test_closing_line_survives_the_cache_and_jobs(project):
    cold = run_cli("check", ".")
    warm = run_cli("check", ".")
    jobs = run_cli("check", "--no-cache", "--jobs", "2", ".")
    assert cold.stdout.splitlines()[-1] == f"Found 1 error. {LINE}"
    assert warm.stdout == cold.stdout == jobs.stdout


def test_clean_run_still_says_what_was_checked(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("import torch.nn as nn\n\n# cnnlint: input=(1, 4)\nnet = nn.Sequential(nn.Linear(4, 2))\n")
    result = run_cli("check", "--no-cache", str(path))
    assert result.stdout == "All checks passed! Checked 1 model in 1 file (1 followed to the end)\n"
    assert run_cli("check", "-q", str(path)).stdout == ""  # -q: the findings only, no total


def test_line_is_text_only(project):
    """JSON, concise, --quiet and --statistics print no closing line."""
    assert isinstance(json.loads(run_cli("check", "--output-format", "json", ".").stdout), list)
    assert json.loads(run_cli("check", "--output-format", "sarif", ".").stdout)["version"] == "2.1.0"
    assert "Checked" not in run_cli("check", "--output-format", "github", ".").stdout
    assert "Checked" not in run_cli("check", "--output-format", "concise", ".").stdout
    assert "Checked" not in run_cli("check", "--quiet", ".").stdout
    assert "Checked" not in run_cli("check", "--statistics", ".").stdout


@pytest.mark.parametrize("content", [None, "notes.txt"])
def test_no_python_files_warns_and_passes_nothing(tmp_path, content):
    if content:
        (tmp_path / content).write_text("hello\n")
    result = run_cli("check", str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout == ""  # never "All checks passed!" when nothing was checked
    assert "warning: No Python files found under the given path(s)" in result.stderr


def test_missing_path_never_passes(tmp_path):
    result = run_cli("check", str(tmp_path / "absent.py"))
    assert result.exit_code == 2 and "All checks passed!" not in result.stdout and "Checked" not in result.stdout
    (tmp_path / "ok.py").write_text("x = 1\n")
    both = run_cli("check", str(tmp_path / "ok.py"), str(tmp_path / "absent.py"))
    assert both.exit_code == 2 and both.stdout == "Checked 0 models in 1 file\n"  # the count alone: no "passed"


def test_status_buckets_from_the_trace():
    from cnnlint.diagnostics import Location
    from cnnlint.model import InputDecl, ModelDef, Span
    from cnnlint.shapes.dims import Shape
    from cnnlint.shapes.propagate import Step, Trace
    from cnnlint.shapes.spec import Finding, Layer

    span = Span(Location(1, 1), Location(1, 2))
    model = ModelDef("net", "sequential", span, [])
    assert checked.status(model, Trace([], Shape.unknown())) == checked.NO_INPUT
    model.input = InputDecl((1, 4), "cli", None)
    assert checked.status(model, Trace([], Shape(1, 4))) == checked.FOLLOWED
    step = Step(Layer(None), 0, Shape(1, 4), Shape.unknown(), stopped=True)
    assert checked.status(model, Trace([step], Shape.unknown())) == checked.STOPPED
    step.findings = [Finding("CNL006", "rank")]
    assert checked.status(model, Trace([step], Shape.unknown())) == checked.ERROR
    assert checked.record(model, Trace([step], Shape.unknown())) == ["net", "error", "cli", None]
    with pytest.raises(ValueError):
        checked.valid_record(["net", "fine", None, None])


# ---- item 4: input keys that match no model ------------------------------------------------------


def test_unknown_input_key_is_reported_with_the_models(project):
    for _ in range(2):  # the second run takes every result from the cache
        result = run_cli("check", "-v", "--input", "nett=1,4", ".")
        assert "warning: --input nett=1,4 matches no model; the models are: net, odd, bad, Free" in result.stderr
    assert "0 checked, 2 from cache" in result.stderr
    used = run_cli("check", "--input", "Free=1,3,8,8", ".")
    assert "warning" not in used.stderr
    total = used.stdout.splitlines()[-1]
    assert total.startswith("Found 1 error. Checked 4 models in 2 files (2 followed to the end, 1 stopped")


def test_unknown_input_key_in_summary(project):
    result = run_cli("summary", "--input", "ghost=1,4", "models.py")
    assert "--input ghost=1,4 matches no model" in result.stderr


def test_config_keys_that_match_no_model(project):
    (project / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [tool.cnnlint.inputs]
            "models.py::Fre" = [1, 3, 8, 8]
            "elsewhere.py::net" = [1, 4]
            "ghost" = [1, 4]
            "models.py::Free" = [1, 3, 8, 8]
            """
        )
    )
    result = run_cli("check", ".")
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 3, result.stderr
    assert '"models.py::Fre" matches no model in ' in warnings[0]
    assert "the models are: net, odd, bad, Free" in warnings[0]
    assert '"elsewhere.py::net" matches no model: no file checked matches "elsewhere.py"' in warnings[1]
    assert '"ghost" matches no model' in warnings[2]
    # a pre-commit run names files: neither a bare key nor a key for a file it was not given is reported
    # against a few files; a path key for a file it checks still is
    named = run_cli("check", "util.py", "models.py")
    assert "ghost" not in named.stderr and "elsewhere" not in named.stderr and '"models.py::Fre"' in named.stderr


MISTYPED = "from torch import nn\nnet = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Flatten(), nn.Linear(1, 10))\n"


@pytest.fixture
def mistyped(tmp_path, monkeypatch):
    """``models/a.py`` and a key for ``model/a.py`` (SPEC §2 item 3: a key matching no model is reported)."""
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "a.py").write_text(MISTYPED)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "b.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _config_warnings(*args: str) -> list[str]:
    result = run_cli(*args)
    return [line for line in result.stderr.splitlines() if "[tool.cnnlint.inputs]" in line]


@pytest.mark.parametrize("command", ["check", "summary"])
def test_a_key_whose_path_matches_no_file_is_reported(mistyped, command):
    (mistyped / "pyproject.toml").write_text('[tool.cnnlint.inputs]\n"model/a.py::net" = [1, 3, 12, 12]\n')
    for _ in range(2):  # the second check takes its result from the cache
        assert _config_warnings(command, ".") == [
            'cnnlint: warning: [tool.cnnlint.inputs] "model/a.py::net" matches no model: '
            'no file checked matches "model/a.py" (did you mean "models/a.py"?)'
        ]
    # the file's own directory was walked: it holds every file "model/a.py" could name, and so does the root
    assert len(_config_warnings(command, "models")) == 0  # "model/a.py" is not under models/
    assert len(_config_warnings(command, str(mistyped))) == 1


@pytest.mark.parametrize(
    ("key", "paths", "reported"),
    [
        ("models/b.py", ["models"], True),  # the walked directory holds models/b.py: it is not there
        ("models/b.py", ["."], True),
        ("models/b.py", ["other"], False),  # nothing walked could hold it
        ("models/b.py", ["models/a.py"], False),  # a pre-commit run over a few files
        ("models/b.py", ["models/a.py", "other"], False),
        ("models/*_net.py", ["models"], True),  # a glob: the directory before its first wildcard
        ("models/*_net.py", ["other"], False),
        ("models/**/x.py", ["models"], True),
        ("**/x.py", ["models"], False),  # a name at any depth: only walking the project covers it
        ("**/x.py", ["."], True),
        ("x.py", ["models", "other"], False),
        ("x.py", ["."], True),
        ("models/a.py", ["."], False),  # it matches: the model is there
        ("models/*.py", ["models"], False),
    ],
)
def test_which_runs_report_a_key_for_a_path_they_did_not_check(mistyped, key, paths, reported):
    (mistyped / "pyproject.toml").write_text(f'[tool.cnnlint.inputs]\n"{key}::net" = [1, 3, 12, 12]\n')
    warnings = _config_warnings("check", *paths)
    assert warnings == ([f'cnnlint: warning: [tool.cnnlint.inputs] "{key}::net" matches no model: no file checked '
                         f'matches "{key}"' + (' (did you mean "models/a.py"?)' if key == "models/b.py" else "")]
                        if reported else []), warnings  # fmt: skip


def test_a_key_for_an_excluded_file_is_reported_when_its_directory_is_walked(mistyped):
    (mistyped / "pyproject.toml").write_text(
        '[tool.cnnlint]\nextend-exclude = ["models"]\n[tool.cnnlint.inputs]\n"models/a.py::net" = [1, 3, 12, 12]\n'
    )
    assert _config_warnings("check", ".") == [
        'cnnlint: warning: [tool.cnnlint.inputs] "models/a.py::net" matches no model: '
        'no file checked matches "models/a.py"'
    ]


def test_pragma_comes_before_the_command_line_and_says_so(project):
    """SPEC §2: first match wins (pragma, code, then --input): the unused --input is reported."""
    result = run_cli("summary", "--output-format", "json", "--input", "net=2,4", "models.py")
    net = next(m for m in json.loads(result.stdout)["models"] if m["name"] == "net")
    assert net["input_shape"] == [1, 4] and net["input_source"] == "pragma"
    assert "--input net=2,4 is not used for net in models.py: its input comes from the pragma on line 4" in (
        result.stderr
    )


TIMM_CONFIGURED = """
import torch.nn as nn


def _cfg(**kwargs):
    return {"num_classes": 10, **kwargs}


default_cfgs = {"tiny": _cfg(input_size=(3, 8, 8))}


class Net(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(4 * 6 * 6, num_classes)

    def forward(self, x):
        return self.fc(self.conv(x).flatten(1))


def tiny(**kwargs):
    return Net(**kwargs)
"""


def test_a_timm_config_comes_before_the_command_line_and_says_so(tmp_path, monkeypatch):
    """SPEC §2.2: a timm-style ``input_size`` configuration is the file's own declaration."""
    (tmp_path / "tiny.py").write_text(TIMM_CONFIGURED)
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "--input", "tiny=1,3,9,9", "tiny.py")
    assert result.exit_code == 0, result.stdout
    assert (
        "--input tiny=1,3,9,9 is not used for tiny in tiny.py: its input comes from the file itself "
        "(a tensor it feeds the model, or its timm config) on line 9" in result.stderr
    )


def test_stdin_counts_one_file(project):
    result = run_cli("check", "--stdin-filename", "m.py", "-", input=MODELS)
    assert result.stdout.splitlines()[-1] == "Found 1 error. " + LINE.replace("2 files", "1 file")
