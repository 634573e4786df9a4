"""The language server's pure parts: hover/inlay from step records, carrying results over a syntax error,
call spans recovered from forward, and the buffer's encoding. No server process here."""

from __future__ import annotations

import ast
import dataclasses

import pytest

from cnnlint.diagnostics import Diagnostic, Edit, Fix, Location
from cnnlint.lsp import carry, forward_spans
from cnnlint.lsp.views import StepView, hover_text, hover_views, inlay_hints

LINE = "        x = self.pool(F.relu(self.conv1(x)))"
ROW = 20


def _span(text: str, start_col: int | None = None) -> tuple[Location, Location]:
    """The span of ``text`` on LINE (1-based columns, end exclusive)."""
    col = LINE.index(text) if start_col is None else start_col
    return Location(ROW, col + 1), Location(ROW, col + 1 + len(text))


STATEMENT = (Location(ROW, 9), Location(ROW, len(LINE) + 1))


def _view(name: str, out: str | None, call: tuple | None, definition: tuple | None, **extra) -> StepView:
    return StepView(
        model="Net",
        has_input=True,
        nested=False,
        type_name=name,
        in_text="(1, 1, 32, 32)",
        out_text=out,
        out_full=out,
        params=None,
        macs=None,
        def_span=definition,
        call_span=call,
        statement=STATEMENT if call is not None else None,
        **extra,
    )


CONV_DEF = (Location(11, 22), Location(11, 40))
POOL_DEF = (Location(12, 21), Location(12, 39))
CONV = _view("Conv2d", "(1, 6, 28, 28)", _span("self.conv1(x)"), CONV_DEF)
RELU = _view("ReLU", "(1, 6, 28, 28)", _span("F.relu(self.conv1(x))"), _span("F.relu(self.conv1(x))"))
POOL = _view("MaxPool2d", "(1, 6, 14, 14)", _span("self.pool(F.relu(self.conv1(x)))"), POOL_DEF)
FORWARD = [CONV, RELU, POOL]


def _at(text: str, offset: int = 0) -> Location:
    return Location(ROW, LINE.index(text) + 1 + offset)


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (_at("self.conv1"), "Conv2d"),
        (_at("conv1", 2), "Conv2d"),
        (_at("(x)))", 1), "Conv2d"),  # the argument of conv1
        (_at("F.relu"), "ReLU"),
        (_at("self.pool"), "MaxPool2d"),
        (_at("pool("), "MaxPool2d"),
        (CONV_DEF[0], "Conv2d"),  # on the constructor in __init__
    ],
)
def test_each_call_gets_its_own_hover(where: Location, expected: str) -> None:
    found, span = hover_views(FORWARD, where)
    assert [v.type_name for v in found] == [expected]
    assert span is not None and span[0] <= where < span[1]


def test_no_hover_outside_calls() -> None:
    assert hover_views(FORWARD, Location(ROW, 9)) == ([], None)  # on "x ="
    assert hover_views(FORWARD, Location(ROW + 1, 12)) == ([], None)


def test_hover_text_shapes_and_no_input_note() -> None:
    text = hover_text([dataclasses.replace(CONV, params=156, macs=117600)])
    assert text is not None
    assert "**Conv2d** in `Net`" in text
    assert "`(1, 1, 32, 32)` \u2192 `(1, 6, 28, 28)`" in text
    assert "params 156" in text and "MACs 117,600" in text
    assert "no input size declared" not in text
    bare = hover_text([dataclasses.replace(CONV, has_input=False, out_text=None, in_text=None, params=156)])
    assert bare is not None and "no input size declared" in bare


def test_one_inlay_hint_per_statement_with_the_assigned_value() -> None:
    (hint,) = inlay_hints(FORWARD)
    assert hint.position == STATEMENT[1]  # the statement's end, not inside the expression
    assert hint.label == "\u2192 (1, 6, 14, 14)"  # the pool's output: what x is assigned
    # A record order that is not execution order still picks the outermost call.
    (hint,) = inlay_hints([POOL, CONV, RELU])
    assert hint.label == "\u2192 (1, 6, 14, 14)"


def test_inlay_hints_without_call_spans_go_to_constructors() -> None:
    layer = _view("Conv2d", "(1, 6, 28, 28)", None, CONV_DEF)
    unknown = _view("Linear", None, None, POOL_DEF)
    no_input = dataclasses.replace(layer, has_input=False, def_span=(Location(30, 1), Location(30, 9)))
    (hint,) = inlay_hints([layer, unknown, no_input])
    assert (hint.position, hint.label) == (CONV_DEF[1], "\u2192 (1, 6, 28, 28)")
    # A statement whose value has no whole shape gets no hint.
    assert inlay_hints([dataclasses.replace(POOL, out_full=None), CONV, RELU]) == []


# ------------------------------------------------------------------------------------- carry over

OLD = "a = 1\nb = 2\nnet = 3\nc = 4\nd = 5\n"


def _diag(row: int, code: str = "CNL001", fix_row: int | None = None) -> Diagnostic:
    fix = None
    if fix_row is not None:
        fix = Fix("Set x", (Edit("9", Location(fix_row, 1), Location(fix_row, 2)),))
    return Diagnostic(code, "m", "f.py", Location(row, 1), Location(row, 4), fix)


def test_row_map_and_carried_diagnostics() -> None:
    new = "a = 1\nb = 2\nnet = (\n\n\nc = 4\nd = 5\n"  # row 3 changed, two rows inserted after it
    rows = carry.row_map(OLD, new)
    assert (rows.prefix, rows.old_suffix, rows.delta) == (2, 4, 2)
    kept = carry.carry_diagnostics(
        [_diag(1), _diag(3), _diag(4, fix_row=5), _diag(5, fix_row=3), _diag(2, "CNL999")], rows
    )
    assert [(d.location.row, d.end_location.row) for d in kept] == [(1, 1), (6, 6), (7, 7)]
    assert kept[1].fix is not None and kept[1].fix.edits[0].location == Location(7, 1)
    assert kept[2].fix is None  # its edit was on the changed row


def test_row_map_identical_and_deleted_rows() -> None:
    rows = carry.row_map(OLD, OLD)
    assert all(rows.row(r) == r for r in range(1, 7))
    rows = carry.row_map(OLD, "a = 1\nd = 5\n")
    assert rows.row(1) == 1 and rows.row(5) == 2 and rows.row(3) is None


def test_carried_views_drop_what_the_edit_touched() -> None:
    old = "".join(f"r{i}\n" for i in range(1, 31))
    rows = carry.row_map(old, old.replace("r20\n", "x = (\n\n"))  # row 20 changed, one row added
    kept = carry.carry_views([CONV, _view("Linear", "(1, 10)", None, (Location(25, 5), Location(25, 20)))], rows)
    assert [v.type_name for v in kept] == ["Linear"]
    assert kept[0].def_span == (Location(26, 5), Location(26, 20))


# ------------------------------------------------------------------------------------- forward spans

LENET = """\
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc = nn.Linear(6 * 14 * 14, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = torch.flatten(x, 1)
        return self.fc(x)


net = Net()
y = net(torch.randn(1, 1, 32, 32))
"""


def test_forward_call_spans_from_todays_front_end() -> None:
    from cnnlint.check import CheckOptions, check_bytes
    from cnnlint.lsp.worker import step_views

    result = check_bytes(LENET.encode(), "lenet.py", CheckOptions(want_models=True))
    assert not result.diagnostics
    lines = LENET.split("\n")
    views = step_views(result)
    by_name = {v.type_name: v for v in views}

    def text_of(span):
        (start, end) = span
        assert start.row == end.row
        return lines[start.row - 1][start.column - 1 : end.column - 1]

    assert text_of(by_name["Conv2d"].call_span) == "self.conv1(x)"
    assert text_of(by_name["ReLU"].call_span) == "F.relu(self.conv1(x))"
    assert text_of(by_name["MaxPool2d"].call_span) == "self.pool(F.relu(self.conv1(x)))"
    assert text_of(by_name["Linear"].call_span) == "self.fc(x)"
    assert text_of(by_name["Conv2d"].def_span) == "nn.Conv2d(1, 6, 5)"
    hints = {(h.position.row, h.label) for h in inlay_hints(views)}
    assert hints == {(14, "\u2192 (1, 6, 14, 14)"), (15, "\u2192 (1, 1176)"), (16, "\u2192 (1, 10)")}


def test_recorded_call_span_wins_over_the_fallback() -> None:
    """Once the front end fills Step.call_span, the records use it as it is."""
    from cnnlint.check import CheckOptions, check_bytes
    from cnnlint.lsp.worker import step_views
    from cnnlint.model import Span

    result = check_bytes(LENET.encode(), "lenet.py", CheckOptions(want_models=True))
    marked = Span(Location(16, 16), Location(16, 26))
    for model in result.models:
        for step in model.trace.steps:
            step.call_span = marked
    views = step_views(result)
    assert views and all(v.call_span == (marked.start, marked.end) for v in views)


def test_statements_and_non_ascii_columns() -> None:
    text = "s = '\u00e9\u00e9'; t = f(g(1))\nu = 2\n"
    rows = forward_spans.SourceRows(text)
    tree = ast.parse(text)
    call = tree.body[1].value  # f(g(1))
    span = rows.span(call)
    assert span == (Location(1, 15), Location(1, 22))  # code points, not UTF-8 bytes
    index = forward_spans.Index(tree, rows)
    assert index.statement_holding(span) == (Location(1, 11), Location(1, 22))
    assert index.statement_holding((Location(2, 1), Location(2, 2))) == (Location(2, 1), Location(2, 6))
    assert index.statement_holding((Location(1, 5), Location(1, 8))) == (Location(1, 1), Location(1, 9))


# ------------------------------------------------------------------------------------- encoding


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("x = '\u00e9'\n", "utf-8"),
        ("# -*- coding: latin-1 -*-\nx = 1\n", "iso-8859-1"),
        ("#!/usr/bin/env python\n# coding: latin-1\n", "iso-8859-1"),
        ("s = '\u00e9'\n# -*- coding: latin-1 -*-\n", "utf-8"),  # line 1 is code: CPython ignores line 2
        ("# " + "a" * 5000 + "\n# coding: latin-1\n", "iso-8859-1"),  # no byte limit
        ("\n\n# coding: latin-1\n", "utf-8"),  # line 3 never counts
        ("# coding: no-such-codec\n", "utf-8"),
    ],
)
def test_buffer_encoding_is_cpythons(text: str, encoding: str) -> None:
    import io
    import tokenize

    from cnnlint.lsp.documents import buffer_encoding, encode_buffer

    assert buffer_encoding(text) == encoding
    data = encode_buffer(text)
    if encoding != "utf-8":
        assert tokenize.detect_encoding(io.BytesIO(data).readline)[0] == encoding
        assert data.decode(encoding) == text


def test_worker_imports_neither_pygls_nor_torch() -> None:
    """The checking process pays only for the checker (start-up after a kill is on the user's time)."""
    import subprocess
    import sys

    from lspclient import ROOT

    code = (
        "import sys, cnnlint.lsp.worker as w; w.step_views; "
        "print(sorted(m for m in ('pygls', 'lsprotocol', 'torch', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stderr


def test_fallback_call_spans_for_a_model_named_by_its_variable() -> None:
    """``net = Net(); net(x)``: the fallback finds class Net's forward by its rows."""
    from cnnlint.check import CheckOptions, check_bytes
    from cnnlint.lsp.worker import step_views

    result = check_bytes(LENET.encode(), "lenet.py", CheckOptions(want_models=True))
    assert [m.model.name for m in result.models] == ["Net"]
    for model in result.models:
        for step in model.trace.steps:
            step.call_span = None
    by_name = {v.type_name: v for v in step_views(result)}
    assert by_name["Linear"].call_span is not None
    (start, end) = by_name["Linear"].call_span
    assert LENET.split("\n")[start.row - 1][start.column - 1 : end.column - 1] == "self.fc(x)"
