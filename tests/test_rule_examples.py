"""Rules are documentation: every VALID example is silent, every INVALID one fires at its marked line."""

from __future__ import annotations

import pytest
from conftest import expected_markers, run_cli

from cnnlint.rules import RULES, rule_table

EXAMPLES = [
    pytest.param(rule.code, kind, text, id=f"{rule.code}-{kind}-{i}")
    for rule in RULES.values()
    for kind, texts in (("valid", rule.valid), ("invalid", rule.invalid))
    for i, text in enumerate(texts)
]


@pytest.mark.parametrize(("code", "kind", "text"), EXAMPLES)
def test_rule_example_through_the_cli(code, kind, text, tmp_path):
    path = tmp_path / "example.py"
    path.write_text(text)
    result = run_cli("check", "--output-format", "json", str(path))
    got = {(d["location"]["row"], d["code"]) for d in result.json()}
    if kind == "valid":
        assert got == set(), f"VALID example reports {got}"
        assert result.exit_code == 0
    else:
        want = expected_markers(text)
        assert want and all(c == code for _, c in want)
        assert got == want
        assert result.exit_code == 1


@pytest.mark.parametrize("code", ["CNL001", "CNL002", "CNL003", "CNL004", "CNL005", "CNL006"])
def test_every_shape_rule_has_both_kinds_of_example(code):
    assert RULES[code].valid and RULES[code].invalid


def test_readme_rule_table_is_generated_from_the_rules():
    from conftest import ROOT

    assert rule_table() in (ROOT / "README.md").read_text()


def test_rule_command_prints_the_docs():
    result = run_cli("rule", "CNL003")
    assert result.exit_code == 0
    assert "inexact-stride" in result.stdout and "## Why is this bad?" in result.stdout and "224" in result.stdout
    everything = run_cli("rule", "--all")
    assert all(code in everything.stdout for code in RULES)
    assert run_cli("rule", "CNL404").exit_code == 2
