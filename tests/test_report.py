"""The text, concise, pylint, json and github formats, from hand-made diagnostics."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from cnnlint import rules
from cnnlint.diagnostics import Diagnostic, Edit, Fix, Location
from cnnlint.report import FORMAT_NAMES, FORMATS, github, json_format, render, render_statistics, text
from cnnlint.report.text import summary


def diag(code, message, filename, row, col, end_row=None, end_col=None, fix=None, **extra):
    return Diagnostic(
        code=code,
        message=message,
        filename=str(filename),
        location=Location(row, col),
        end_location=Location(end_row if end_row is not None else row, end_col if end_col is not None else col + 10),
        fix=fix,
        extra=extra,
    )


LINEAR_FIX = Fix(
    message="Set `in_features` to 6400",
    edits=(Edit("6400", Location(14, 19), Location(14, 23)),),
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "models").mkdir()
    return tmp_path


@pytest.fixture
def sample(project: Path) -> list[Diagnostic]:
    """Deliberately out of order: two files, two rows on one file, same row different columns."""
    alex = project / "models" / "alexnet.py"
    lenet = project / "lenet.py"
    return [
        diag("CNL003", "Conv2d drops 3 rows and 3 columns of a 224x224 input", alex, 5, 9, 5, 45),
        diag("CNL001", "in_features=9216, but the input has 6400 features", alex, 14, 9, 14, 31, fix=LINEAR_FIX),
        diag("CNL002", "in_channels=3, but the input has 1 channel", lenet, 7, 20, 7, 38),
        diag("CNL006", "Conv2d receives a 2-D tensor", alex, 5, 5, 5, 8),
    ]


# ------------------------------------------------------------------------------------------ table


def test_formats_table_has_every_required_format():
    for name in ("text", "concise", "json", "github", "sarif", "pylint"):
        assert callable(FORMATS[name])
    assert FORMAT_NAMES[0] == "text"


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_takes_the_common_keywords(name, sample, project):
    out = FORMATS[name](sample, root=project, cwd=project, fixed=0)
    assert isinstance(out, str) and out.endswith("\n")


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_accepts_a_generator(name, sample, project):
    assert FORMATS[name]((d for d in sample), root=project, cwd=project) == FORMATS[name](
        sample, root=project, cwd=project
    )


def test_render_dispatches_by_name_in_either_argument_order(sample, project):
    assert render(sample, "json", cwd=project) == json_format.render(sample, cwd=project)
    assert render("github", sample, cwd=project) == github.render(sample, cwd=project)


# ------------------------------------------------------------------------------------------ text


def test_text_lines_sorted_relative_with_total(sample, project):
    out = text.render(sample, cwd=project)
    alex = os.path.join("models", "alexnet.py")
    assert out.splitlines() == [
        "lenet.py:7:20: CNL002 in_channels=3, but the input has 1 channel",
        f"{alex}:5:5: CNL006 Conv2d receives a 2-D tensor",
        f"{alex}:5:9: CNL003 Conv2d drops 3 rows and 3 columns of a 224x224 input",
        f"{alex}:14:9: CNL001 in_features=9216, but the input has 6400 features",
        "Found 3 errors, 1 warning (1 fixable with --fix).",
    ]


def test_text_lines_match_the_flake8_errorformat(sample, project):
    pattern = re.compile(r"^(?P<file>[^:]+):(?P<row>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<message>.+)$")
    lines = text.render_concise(sample, cwd=project).splitlines()
    assert len(lines) == 4
    for line in lines:
        assert pattern.match(line), line


def test_concise_has_no_total(sample, project):
    out = text.render_concise(sample, cwd=project)
    assert "Found" not in out and len(out.splitlines()) == 4
    assert text.render_concise([], cwd=project) == ""


def test_quiet_text_is_concise(sample, project):
    assert render(sample, "text", quiet=True, cwd=project) == text.render_concise(sample, cwd=project)
    assert render([], "text", quiet=True, cwd=project) == ""


def test_text_all_checks_passed(project):
    assert text.render([], cwd=project) == "All checks passed!\n"


def test_path_outside_cwd_is_absolute(tmp_path):
    inside = tmp_path / "work"
    inside.mkdir()
    other = tmp_path / "elsewhere" / "net.py"
    line = text.render_concise([diag("CNL004", "empty output", other, 3, 1)], cwd=inside)
    assert line == f"{other}:3:1: CNL004 empty output\n"


def test_relative_filename_stays_relative(project):
    line = text.render_concise([diag("CNL004", "empty", "pkg/net.py", 1, 2)], cwd=project)
    assert line == f"{os.path.join('pkg', 'net.py')}:1:2: CNL004 empty\n"


def test_message_with_newline_stays_on_one_line(project):
    out = text.render_concise([diag("CNL100", "stops here\nunknown layer", project / "a.py", 1, 1)], cwd=project)
    assert out == "a.py:1:1: CNL100 stops here unknown layer\n"


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ([], "All checks passed!"),
        (["CNL001"], "Found 1 error."),
        (["CNL001", "CNL002"], "Found 2 errors."),
        (["CNL003"], "Found 1 warning."),
        (["CNL003", "CNL003"], "Found 2 warnings."),
        (["CNL001", "CNL002", "CNL003"], "Found 2 errors, 1 warning."),
        (["CNL100"], "Found 1 note."),
        (["CNL001", "CNL003", "CNL100", "CNL100"], "Found 1 error, 1 warning, 2 notes."),
    ],
)
def test_total_counts_severities(codes, expected, project):
    diagnostics = [diag(code, "m", project / "a.py", i + 1, 1) for i, code in enumerate(codes)]
    assert summary(diagnostics) == expected


def test_total_counts_fixable(project):
    diagnostics = [
        diag("CNL001", "m", project / "a.py", 1, 1, fix=LINEAR_FIX),
        diag("CNL002", "m", project / "a.py", 2, 1, fix=LINEAR_FIX),
        diag("CNL002", "m", project / "a.py", 3, 1),
    ]
    assert summary(diagnostics) == "Found 3 errors (2 fixable with --fix)."


def test_unsafe_fix_is_not_counted_fixable(project):
    unsafe = Fix("maybe", LINEAR_FIX.edits, applicability="unsafe")
    assert summary([diag("CNL001", "m", project / "a.py", 1, 1, fix=unsafe)]) == (
        "Found 1 error (1 with --fix --unsafe-fixes)."
    )


def test_total_after_fix(project):
    remaining = [diag("CNL003", "m", project / "a.py", 1, 1)]
    assert summary(remaining, fixed=2) == "Found 2 errors, 1 warning (2 fixed, 1 remaining)."
    assert summary([], fixed=2) == "Found 2 errors (2 fixed, 0 remaining)."
    fixed = [diag("CNL001", "m", project / "a.py", 1, 1)]
    assert summary([], fixed=fixed) == "Found 1 error (1 fixed, 0 remaining)."
    assert text.render([], cwd=project, fixed=1) == "Found 1 error (1 fixed, 0 remaining).\n"


def test_would_fix_summary():
    assert text.would_fix_summary(0) == "No errors would be fixed."
    assert text.would_fix_summary(1) == "Would fix 1 error."
    assert text.would_fix_summary(3) == "Would fix 3 errors."


def test_pylint_format(sample, project):
    lines = text.render_pylint(sample, cwd=project).splitlines()
    assert lines[0] == "lenet.py:7: [CNL002] in_channels=3, but the input has 1 channel"
    assert len(lines) == 4


# ------------------------------------------------------------------------------------------ statistics


def test_statistics_text(project):
    diagnostics = [
        diag("CNL003", "m", project / "a.py", 1, 1),
        diag("CNL001", "m", project / "a.py", 2, 1, fix=LINEAR_FIX),
        diag("CNL001", "m", project / "a.py", 3, 1),
        diag("CNL002", "m", project / "a.py", 4, 1),
    ]
    assert render_statistics(diagnostics).splitlines() == [
        "2\tCNL001\t[*] linear-in-features",
        "1\tCNL002\t    channel-mismatch",
        "1\tCNL003\t    inexact-stride",
        "[*] fixable with --fix",
    ]


def test_statistics_json_and_empty(project):
    diagnostics = [diag("CNL003", "m", project / "a.py", 1, 1)] * 3
    rows = json.loads(render_statistics(diagnostics, output_format="json"))
    assert rows == [{"code": "CNL003", "name": "inexact-stride", "count": 3, "fixable": False}]
    assert render_statistics([]) == ""


def test_statistics_count_column_is_right_aligned(project):
    diagnostics = [diag("CNL003", "m", project / "a.py", i, 1) for i in range(1, 11)]
    diagnostics.append(diag("CNL004", "m", project / "a.py", 20, 1))
    lines = render_statistics(diagnostics).splitlines()
    assert lines == ["10\tCNL003\t    inexact-stride", " 1\tCNL004\t    empty-output"]


# ------------------------------------------------------------------------------------------ json

RUFF_KEYS = {
    "code",
    "name",
    "message",
    "severity",
    "filename",
    "location",
    "end_location",
    "fix",
    "noqa_row",
    "url",
    "cell",  # ruff's key for a notebook's cell; null for a Python file
}


def test_json_fields_like_ruff(sample, project):
    out = json_format.render(sample, cwd=project)
    items = json.loads(out)
    assert [i["code"] for i in items] == ["CNL002", "CNL006", "CNL003", "CNL001"]  # sorted
    for item in items:
        assert set(item) == RUFF_KEYS
        assert os.path.isabs(item["filename"])
        assert set(item["location"]) == {"row", "column"} == set(item["end_location"])
        assert item["url"] == rules.RULES[item["code"]].url
        assert item["name"] == rules.RULES[item["code"]].name
    linear = items[3]
    assert linear == {
        "code": "CNL001",
        "name": "linear-in-features",
        "message": "in_features=9216, but the input has 6400 features",
        "severity": "error",
        "filename": str(project / "models" / "alexnet.py"),
        "location": {"row": 14, "column": 9},
        "end_location": {"row": 14, "column": 31},
        "fix": {
            "applicability": "safe",
            "message": "Set `in_features` to 6400",
            "edits": [
                {"content": "6400", "location": {"row": 14, "column": 19}, "end_location": {"row": 14, "column": 23}}
            ],
        },
        "noqa_row": 14,
        "url": rules.RULES["CNL001"].url,
        "cell": None,
    }
    assert items[2]["severity"] == "warning" and items[2]["fix"] is None


def test_json_is_indented_by_two(sample, project):
    out = json_format.render(sample, cwd=project)
    assert out.startswith('[\n  {\n    "code": ')
    assert out.endswith("]\n")


def test_json_empty_is_an_empty_array():
    assert json_format.render([]) == "[]\n"


def test_json_relative_filename_made_absolute_against_cwd(project):
    item = json.loads(json_format.render([diag("CNL004", "m", "sub/x.py", 1, 1)], cwd=project))[0]
    assert item["filename"] == str(project / "sub" / "x.py")


def test_json_noqa_row_from_extra(project):
    d = diag("CNL001", "m", project / "a.py", 5, 3, noqa_row=4)
    assert json.loads(json_format.render([d]))[0]["noqa_row"] == 4


def test_json_unknown_code_still_renders(project):
    item = json.loads(json_format.render([diag("XYZ123", "m", project / "a.py", 1, 1)]))[0]
    assert item["code"] == "XYZ123" and item["severity"] == "error" and item["name"] is None


# ------------------------------------------------------------------------------------------ github


def test_github_commands(sample, project):
    lines = github.render(sample, cwd=project).splitlines()
    assert lines[0] == (
        "::error file=lenet.py,line=7,col=20,endLine=7,endColumn=38,title=cnnlint (CNL002)::"
        "in_channels=3, but the input has 1 channel"
    )
    assert lines[2] == (
        "::warning file=models/alexnet.py,line=5,col=9,endLine=5,endColumn=45,title=cnnlint (CNL003)::"
        "Conv2d drops 3 rows and 3 columns of a 224x224 input"
    )
    assert len(lines) == 4


def test_github_info_is_a_notice(project):
    out = github.render([diag("CNL100", "unknown layer", project / "a.py", 2, 3, 2, 9)], cwd=project)
    assert out == "::notice file=a.py,line=2,col=3,endLine=2,endColumn=9,title=cnnlint (CNL100)::unknown layer\n"


def test_github_escaping(project):
    d = diag("CNL001", "100% wrong,\r\nsee: here", project / "odd, name:1.py", 1, 1, 1, 2)
    out = github.render([d], cwd=project)
    assert out == (
        "::error file=odd%2C name%3A1.py,line=1,col=1,endLine=1,endColumn=2,title=cnnlint (CNL001)::"
        "100%25 wrong,%0D%0Asee: here\n"
    )


def test_github_escape_functions():
    assert github.escape_data("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad:e,f"
    assert github.escape_property("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad%3Ae%2Cf"


def test_github_empty():
    assert github.render([]) == ""


# ------------------------------------------------------------------------------------------ start-up cost


def test_report_and_config_import_no_heavy_modules():
    code = (
        "import sys, cnnlint.report, cnnlint.config; "
        "heavy = [m for m in ('torch', 'libcst', 'pygls', 'click') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_an_error_is_shown_under_the_model_that_meets_it_not_every_model_that_runs_the_line(tmp_path) -> None:
    """Two factories build one class; only ``bad``'s sizes make ``x @ self.table`` fail. ``good`` runs the same
    line and was summarised first: the error must not be placed on its row too."""
    path = tmp_path / "two.py"
    path.write_text(
        "import torch\nimport torch.nn as nn\n\n\nclass A(nn.Module):\n    def __init__(self, n):\n"
        "        super().__init__()\n        self.table = nn.Parameter(torch.zeros(n, 4))\n\n"
        "    def forward(self, x):\n        return x @ self.table\n\n\n"
        "def good(**kwargs):\n    return A(8)\n\n\ndef bad(**kwargs):\n    return A(6)\n"
    )
    result = run_cli("summary", "--output-format", "json", "--input", "good=2,8", "--input", "bad=2,8", str(path))
    found = {m["name"]: [d["code"] for row in m["layers"] for d in row["diagnostics"]] for m in result.json()["models"]}
    assert found["good"] == [] and found["bad"] == ["CNL010"]
