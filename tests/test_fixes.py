"""Safe and unsafe fixes (issue 13, item 1): which edit, which applicability, and what each flag applies."""

from __future__ import annotations

import textwrap

import pytest
from conftest import run_cli

from cnnlint.diagnostics import Location
from cnnlint.fixes import SAFE, UNSAFE, make_fix, span_text

A, B = Location(1, 1), Location(1, 2)


@pytest.mark.parametrize(
    ("written", "value", "factors", "content", "applicability"),
    [
        ("9216", 6400, (), "6400", SAFE),
        ("64 * 7 * 7", 4096, (), "64 * 8 * 8", SAFE),  # rule 2: first kept, equal others
        ("64*7*7", 6272, (128, 7, 7), "128*7*7", SAFE),  # rule 1: the engine's factors, spacing kept
        ("256 * 6 *\n    6", 6400, (), "256 * 5 *\n    5", SAFE),
        ("(64 * 7) * 7", 4096, (), "(64 * 8) * 8", SAFE),
        ("64 * 7 * 7", 6272, (), "6272", UNSAFE),  # 6272 / 64 = 98 is not a square: no factors to keep
        ("64 * 7 * 5", 4096, (), "4096", UNSAFE),
        ("HIDDEN", 6400, (), "6400", UNSAFE),
        ("c * 4", 12, (), "12", UNSAFE),
        ("self.hidden * 2", 12, (), "12", UNSAFE),
        ("2 ** 13", 6400, (), "6400", UNSAFE),
    ],
)
def test_fix_content_and_applicability(written, value, factors, content, applicability):
    fix = make_fix("in_features", value, A, B, written, factors)
    assert fix is not None
    assert fix.applicability == applicability
    assert [e.content for e in fix.edits] == [content]


def test_unsafe_fix_message_names_what_it_cuts():
    fix = make_fix("in_features", 6400, A, B, "self.hidden * HIDDEN")
    assert fix is not None
    assert "replaces `self.hidden * HIDDEN` with a literal" in fix.message
    assert "HIDDEN, self.hidden" in fix.message


def test_no_fix_for_unknown_values_or_unparsable_text():
    assert make_fix("in_features", "B", A, B, "9216") is None
    assert make_fix("in_features", 10, A, B, "1 +") is None


def test_span_text_counts_characters_and_tokenizer_newlines():
    text = "é = 1\r\nnn.Linear(64 * 7,\n 7)\n"
    assert span_text(text, Location(2, 11), Location(3, 3)) == "64 * 7,\n 7"


MODEL = textwrap.dedent(
    """\
    import torch.nn as nn
    HIDDEN = 9216

    net = nn.Sequential(  # cnnlint: input=(1, 256, 5, 5)
        nn.Flatten(),
        nn.Linear(256 * 6 * 6, 100),
        nn.Linear(HIDDEN, 10),
    )
    """
)


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "model.py"
    path.write_text(MODEL)
    return path


def test_json_carries_applicability(model):
    items = run_cli("check", "--output-format", "json", str(model)).json()
    assert [(d["location"]["row"], d["fix"]["applicability"]) for d in items] == [(6, SAFE), (7, UNSAFE)]
    assert items[0]["fix"]["edits"][0]["content"] == "256 * 5 * 5"


def test_fix_applies_only_safe_fixes(model):
    result = run_cli("check", "--fix", str(model))
    assert result.exit_code == 1
    assert model.read_text() == MODEL.replace("256 * 6 * 6", "256 * 5 * 5")
    assert "1 fixed, 1 remaining" in result.stdout


def test_unsafe_fixes_applies_both(model):
    result = run_cli("check", "--fix", "--unsafe-fixes", str(model))
    assert result.exit_code == 0, result.stdout
    assert model.read_text() == MODEL.replace("256 * 6 * 6", "256 * 5 * 5").replace("Linear(HIDDEN", "Linear(100")


def test_text_total_counts_hidden_unsafe_fixes(model):
    out = run_cli("check", str(model)).stdout
    assert "(1 fixable with --fix; 1 more with --fix --unsafe-fixes)" in out


def test_diff_shows_both_and_labels_the_unsafe_one(model):
    result = run_cli("check", "--diff", str(model))
    assert result.exit_code == 1
    safe, unsafe = result.stdout.split("--- a/")[1:]
    assert "+    nn.Linear(256 * 5 * 5, 100)," in safe and "HIDDEN" not in safe.split("@@", 1)[0]
    assert "(unsafe fixes: applied only with --unsafe-fixes)" in unsafe.splitlines()[1]
    assert "+    nn.Linear(100, 10)," in unsafe
    assert model.read_text() == MODEL


def test_stdin_fix_with_only_unsafe_fixes_echoes_the_input():
    text = MODEL.replace("256 * 6 * 6", "6400")
    result = run_cli("check", "--fix", "--stdin-filename", "m.py", "-", input=text)
    assert result.stdout.startswith(text)


BN_TIME_LAST = textwrap.dedent(
    """\
    import torch.nn as nn
    net = nn.Sequential(  # cnnlint: input=(4, 10, 64)
        nn.BatchNorm1d(64),
    )
    """
)


def test_batchnorm1d_on_features_last_has_no_fix_and_says_why(tmp_path):
    path = tmp_path / "bn.py"
    path.write_text(BN_TIME_LAST)
    (item,) = run_cli("check", "--output-format", "json", str(path)).json()
    assert item["code"] == "CNL002" and item["fix"] is None
    assert "in the last dim" in item["message"] and "normalises dim 1" in item["message"]


def test_batchnorm1d_features_last_is_a_torch_error():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):
        torch.nn.BatchNorm1d(64, device="meta")(torch.empty(4, 10, 64, device="meta"))
