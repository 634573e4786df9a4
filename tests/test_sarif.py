"""SARIF output: valid against the official 2.1.0 schema, and what GitHub code scanning requires."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")

import cnnlint  # noqa: E402
from cnnlint import rules  # noqa: E402
from cnnlint.diagnostics import Diagnostic, Edit, Fix, Location  # noqa: E402
from cnnlint.report import sarif  # noqa: E402

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-2.1.0.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def _errors(validator, log) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]


@pytest.fixture
def diagnostics(tmp_path: Path) -> list[Diagnostic]:
    (tmp_path / "models").mkdir()
    alex = str(tmp_path / "models" / "alex net.py")  # a space: must be percent-encoded in the URI
    fix = Fix("Set `in_features` to 6400", (Edit("6400", Location(14, 19), Location(14, 23)),))
    return [
        Diagnostic("CNL001", "in_features=9216, but the input has 6400", alex, Location(14, 9), Location(14, 31), fix),
        Diagnostic("CNL003", "drops 3 rows", alex, Location(5, 9), Location(5, 45)),
        Diagnostic("CNL100", "unknown layer `Foo`", str(tmp_path / "b.py"), Location(2, 1), Location(2, 6)),
        Diagnostic("CNL999", "invalid syntax", str(tmp_path / "broken.py"), Location(1, 5), Location(1, 5)),
    ]


def _log(diags, root) -> dict:
    return json.loads(sarif.render(diags, root=root, cwd=root))


def test_valid_against_the_official_schema(validator, diagnostics, tmp_path):
    assert _errors(validator, _log(diagnostics, tmp_path)) == []


def test_empty_run_is_valid(validator, tmp_path):
    log = _log([], tmp_path)
    assert _errors(validator, log) == []
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(rules.RULES)


def test_schema_catches_a_broken_log(validator, diagnostics, tmp_path):
    """The validator is not vacuous."""
    log = _log(diagnostics, tmp_path)
    del log["runs"][0]["results"][0]["message"]
    log["runs"][0]["results"][1]["level"] = "fatal"
    assert len(_errors(validator, log)) >= 2


def test_github_required_top_level(diagnostics, tmp_path):
    log = _log(diagnostics, tmp_path)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "cnnlint"
    assert driver["version"] == cnnlint.__version__
    assert driver["informationUri"].startswith("https://")


def test_github_required_rule_fields(tmp_path):
    driver = _log([], tmp_path)["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == list(rules.RULES)
    for descriptor in driver["rules"]:
        rule = rules.RULES[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"]
        assert descriptor["help"]["text"]
        assert descriptor["help"]["markdown"]
        assert descriptor["helpUri"] == rule.url
        expected_level = {"error": "error", "warning": "warning", "info": "note"}[rule.severity]
        assert descriptor["defaultConfiguration"]["level"] == expected_level


def test_github_required_result_fields(diagnostics, tmp_path):
    run = _log(diagnostics, tmp_path)["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["CNL100", "CNL999", "CNL003", "CNL001"]  # sorted by file, row
    for result in results:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["message"]["text"]
        assert 1 <= len(result["locations"]) <= 10
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        region = physical["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert region["endLine"] >= region["startLine"]
        assert "partialFingerprints" not in result  # optional: upload-sarif computes them from the sources
    assert [r["level"] for r in results] == ["note", "error", "warning", "error"]


def test_uri_is_repository_relative_posix_and_percent_encoded(diagnostics, tmp_path):
    run = _log(diagnostics, tmp_path)["runs"][0]
    linear = run["results"][3]
    location = linear["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "models/alex%20net.py"
    assert location["region"] == {"startLine": 14, "startColumn": 9, "endLine": 14, "endColumn": 31}
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file://") and base.endswith("/")


def test_relative_filename_resolved_against_cwd_then_made_root_relative(tmp_path):
    (tmp_path / "pkg").mkdir()
    d = Diagnostic("CNL004", "empty", "pkg/net.py", Location(1, 1), Location(1, 2))
    log = json.loads(sarif.render([d], root=tmp_path, cwd=tmp_path / "pkg" / ".."))
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pkg/net.py"
    nested = json.loads(
        sarif.render(
            [Diagnostic("CNL004", "e", "net.py", Location(1, 1), Location(1, 2))], root=tmp_path, cwd=tmp_path / "pkg"
        )
    )
    uri = nested["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "pkg/net.py"


def test_file_outside_root_gets_an_absolute_file_uri(validator, tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    outside = tmp_path / "other" / "net.py"
    log = _log([Diagnostic("CNL004", "empty", str(outside), Location(1, 1), Location(1, 2))], root)
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": outside.as_uri()}
    assert _errors(validator, log) == []


def test_fix_is_a_sarif_fix(diagnostics, tmp_path):
    linear = _log(diagnostics, tmp_path)["runs"][0]["results"][3]
    assert linear["fixes"] == [
        {
            "description": {"text": "Set `in_features` to 6400"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "models/alex%20net.py", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {"startLine": 14, "startColumn": 19, "endLine": 14, "endColumn": 23},
                            "insertedContent": {"text": "6400"},
                        }
                    ],
                }
            ],
        }
    ]
    others = _log(diagnostics, tmp_path)["runs"][0]["results"][:3]
    assert all("fixes" not in r for r in others)


def test_rule_help_comes_from_the_rule_docs(tmp_path):
    driver = _log([], tmp_path)["runs"][0]["tool"]["driver"]
    descriptor = driver["rules"][0]
    rule = rules.RULES[descriptor["id"]]
    if rule.why:
        assert rule.why.strip()[:40] in descriptor["help"]["text"]
        assert rule.why.strip()[:40] in descriptor["fullDescription"]["text"]
    assert rule.url in descriptor["help"]["markdown"]


def test_render_is_indented_json(tmp_path):
    out = sarif.render([], root=tmp_path)
    assert out.startswith('{\n  "$schema": ') and out.endswith("}\n")
