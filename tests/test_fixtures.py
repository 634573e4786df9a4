"""Every shipped fixture reports exactly the codes marked `# expect: CODE` on its lines."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, expected_markers, reported, run_cli

FIXTURE_FILES = sorted(FIXTURES.glob("*.py"))


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_fixture_reports_exactly_its_markers(path):
    assert reported(path) == expected_markers(path.read_text())


def test_clean_fixtures_exist_and_errors_exist():
    """The set must keep both sides: clean models and each kind of bug."""
    markers = {code for p in FIXTURE_FILES for _, code in expected_markers(p.read_text())}
    assert {"CNL001", "CNL002", "CNL003", "CNL004"} <= markers
    clean = [p.name for p in FIXTURE_FILES if not expected_markers(p.read_text())]
    assert {"alexnet_original.py", "vgg16.py", "lenet.py"} <= set(clean)


def test_d2l_wrong_linear_names_the_flattened_size():
    result = run_cli("check", "--output-format", "json", str(FIXTURES / "d2l_alexnet_wrong_linear.py"))
    (cnl001,) = [d for d in result.json() if d["code"] == "CNL001"]
    assert "9216" in cnl001["message"] and "6400" in cnl001["message"]
    assert "256 x 5 x 5" in cnl001["message"]
    assert cnl001["fix"]["edits"][0]["content"] == "6400"


def test_224_trap_warns_at_conv1_with_the_arithmetic():
    result = run_cli("check", "--output-format", "json", str(FIXTURES / "alexnet_224_trap.py"))
    first = min(result.json(), key=lambda d: d["location"]["row"])
    assert first["code"] == "CNL003"
    assert first["location"] == {"row": 12, "column": 5}
    assert "54.25" in first["message"]


def test_missing_flatten_suggests_flatten():
    result = run_cli("check", "--output-format", "json", str(FIXTURES / "missing_flatten.py"))
    (d,) = result.json()
    assert "Flatten" in d["message"] and d["fix"] is None
