"""The editor re-checks only the parts of a document whose text changed (issue 13, item 9).

The bar: after any edit, what the editor shows equals a fresh whole-file check
of the same text. Checks are counted through the checker the cache is given.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnlint.lsp import units
from cnnlint.lsp.incremental import Incremental
from cnnlint.lsp.worker import run_job, step_views, views_by_model

DOC = '''"""Four models and the names they share."""

import torch
import torch.nn as nn

HIDDEN = 400
WIDTH = 16


def block(c):
    return nn.Sequential(nn.Conv2d(c, c, 3, padding=1), nn.ReLU())


class Net1(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 16, 5)
        self.fc = nn.Linear(HIDDEN, 10)

    def forward(self, x):
        x = self.conv(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


net1 = Net1()
out1 = net1(torch.randn(1, 1, 10, 10))


class Net2(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = block(WIDTH)
        self.fc = nn.Linear(WIDTH * 8 * 8, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.body(x), 1))


net2 = Net2()
net2(torch.randn(2, 16, 8, 8))

seq = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 30 * 30, 10))
seq(torch.randn(1, 3, 32, 32))

free = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Flatten(), nn.Linear(8 * 30 * 30, 10))
'''

ENABLED = ["CNL001", "CNL002", "CNL003", "CNL004", "CNL005", "CNL013", "CNL100", "CNL998", "CNL999"]


def job(text: str) -> dict:
    return {"data": text.encode(), "filename": "models.py", "enabled": ENABLED, "inputs": {}}


class Counting:
    """The worker's checker, counting the checks and the models each one built."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, job: dict) -> tuple[dict, Any]:
        answer, result = run_job(job)
        self.calls.append([m.model.name for m in result.models])
        return answer, result


def fresh(text: str) -> tuple[list, list[str]]:
    answer, result = run_job(job(text))
    return answer["diagnostics"], sorted(repr(v) for v in step_views(result))


def shown(cache: Incremental, text: str) -> tuple[list, list[str]]:
    answer, later = cache.run(job(text))
    return answer["diagnostics"], sorted(repr(v) for v in later())


def edited(text: str, row: int, line: str) -> str:
    lines = text.split("\n")
    lines[row] = line
    return "\n".join(lines)


def row_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n")) if needle in line)


@pytest.fixture
def cache() -> tuple[Incremental, Counting]:
    counting = Counting()
    cache = Incremental(counting, views_by_model)
    shown(cache, DOC)
    assert cache.last.mode == "full"
    return cache, counting


def test_an_edit_inside_one_model_rechecks_that_model_only(cache):
    inc, counting = cache
    text = edited(DOC, row_of(DOC, "self.fc = nn.Linear(HIDDEN, 10)"), "        self.fc = nn.Linear(HIDDEN, 11)")
    assert shown(inc, text) == fresh(text)
    assert inc.last.mode == "partial"
    assert counting.calls[-1] == ["Net1"]
    assert len(counting.calls) == 2  # the first full check, then one check of Net1's part


def test_an_edit_to_a_constant_rechecks_the_model_reading_it(cache):
    inc, counting = cache
    before = [d for d in fresh(DOC)[0] if d.code == "CNL001"]
    assert before, "the fixture has Net1's Linear(400, 10) fed 5 * 5 * 16 = 400 features... or not"
    text = edited(DOC, row_of(DOC, "HIDDEN = 400"), "HIDDEN = 1000")
    diagnostics, views = shown(inc, text)
    assert (diagnostics, views) == fresh(text)
    assert counting.calls[-1] == ["Net1"]
    assert diagnostics != fresh(DOC)[0]


def test_an_edit_to_a_shared_helper_rechecks_its_users(cache):
    inc, counting = cache
    text = edited(DOC, row_of(DOC, "WIDTH = 16"), "WIDTH = 8")
    assert shown(inc, text) == fresh(text)
    assert counting.calls[-1] == ["Net2"]


def test_lines_inserted_above_move_the_diagnostics(cache):
    inc, _ = cache
    old = fresh(DOC)[0]
    assert old
    text = DOC.replace("import torch.nn as nn\n", "import torch.nn as nn\n# a comment\n# and another\n")
    diagnostics, views = shown(inc, text)
    assert (diagnostics, views) == fresh(text)
    assert [d.location.row for d in diagnostics] == [d.location.row + 2 for d in old]
    assert inc.last.mode == "cached"  # nothing checked again: the findings moved with their text
    text = text.replace("class Net2(nn.Module):", "\n\n\nclass Net2(nn.Module):")
    assert shown(inc, text) == fresh(text)  # WIDTH is above, Net2 below: the rows between them changed
    assert inc.last.mode == "partial" and inc.last.models == ["Net2"]


def test_a_half_typed_line_does_not_cost_the_parts(cache):
    inc, counting = cache
    row = row_of(DOC, "self.fc = nn.Linear(HIDDEN, 10)")
    for typed in ("        self.fc = nn.Linear(", "        self.fc = nn.Linear(HIDDEN, 9"):
        text = edited(DOC, row, typed)
        assert shown(inc, text) == fresh(text)
        assert [d.code for d in shown(inc, text)[0]] == ["CNL999"]
    text = edited(DOC, row, "        self.fc = nn.Linear(HIDDEN, 9)")
    assert shown(inc, text) == fresh(text)
    assert inc.last.mode == "partial" and counting.calls[-1] == ["Net1"]


def test_a_row_inserted_inside_a_component_rechecks_it(cache):
    inc, counting = cache
    text = DOC.replace("net1 = Net1()\n", "net1 = Net1()\n\n")
    assert shown(inc, text) == fresh(text)
    # Net2 reads WIDTH, above the new row, and is below it: its rows moved apart, so it is checked too;
    # seq and free lie wholly below: moved, not checked.
    assert inc.last.mode == "partial" and counting.calls[-1] == ["Net1", "Net2"]


def test_an_edit_that_changes_nothing_checked_reuses_everything(cache):
    inc, counting = cache
    text = DOC.replace("WIDTH = 16\n\n\n", "WIDTH = 16\n# a note, rows kept\n\n")
    assert shown(inc, text) == fresh(text)
    assert inc.last.mode == "cached"


def test_a_model_checked_without_an_input_is_checked_with_the_whole_file(cache):
    """The editor bisects accepted ranges for the first models in file order: their order matters."""
    inc, counting = cache
    bad = "free = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Flatten(), nn.Linear(7, 10))"
    text = edited(DOC, row_of(DOC, "free = "), bad)
    assert shown(inc, text) == fresh(text)
    assert inc.last.mode == "full"


def test_models_checked_without_an_input_swapped_check_the_whole_file():
    """Same text, other order: which of them get the accepted ranges may change."""
    second = "other = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(4 * 14 * 14, 10))"
    inc = Incremental(run_job, views_by_model)
    text = DOC + "\n" + second + "\n"
    shown(inc, text)
    lines = text.split("\n")
    a, b = row_of(text, "free = "), row_of(text, "other = ")
    lines[a], lines[b] = lines[b], lines[a]
    text = "\n".join(lines)
    assert shown(inc, text) == fresh(text)
    assert inc.last.mode == "full"


@pytest.mark.parametrize(
    "line",
    [
        "globals()['net1'] = None",
        "torch.nn.Linear.extra = 1",
        "nn.Conv2d.__init__ = None",
        "exec('x = 1')",
    ],
)
def test_what_names_cannot_follow_checks_the_whole_file(cache, line):
    inc, _ = cache
    text = edited(DOC, row_of(DOC, "seq(torch.randn"), line)
    assert shown(inc, text) == fresh(text)
    assert inc.last.mode == "full"


EDITS = [
    "",
    "# cnnlint is named here",
    "HIDDEN = 256",
    "WIDTH = 4",
    "net1 = Net1()",
    "out1 = net1(torch.randn(1, 1, 12, 12))",
    "net2(torch.randn(2, 8, 8, 8))",
    "        self.fc = nn.Linear(HIDDEN, 10)",
    "        self.fc = nn.Linear(WIDTH * 4 * 4, 10)",
    "        self.conv = nn.Conv2d(1, 16, 3)",
    "        x = self.conv(x)",
    "    return nn.Sequential(nn.Conv2d(c, c, 5), nn.ReLU())",
    "free(torch.randn(1, 3, 32, 32))",
    "seq = nn.Sequential(nn.Conv2d(3, 8, 5), nn.Flatten(), nn.Linear(8 * 30 * 30, 10))",
    "class Net3(Net1):",
    "    pass",
    "x = [i for i in range(3)]",
    "def make():",
    "    return Net2()",
    "block = None",
    "nn = None",
    "        return self.fc(x) + HIDDEN",
]


def apply(text: str, row: int, kind: str, payload: int) -> str:
    """One editor change: a digit retyped, a comment typed, a line inserted, replaced or deleted."""
    lines = text.split("\n")
    row %= len(lines)
    if kind == "digit":
        numbered = [i for i, line in enumerate(lines) if any(c.isdigit() for c in line)]
        row = numbered[row % len(numbered)]
        places = [i for i, c in enumerate(lines[row]) if c.isdigit()]
        place = places[payload % len(places)]
        lines[row] = lines[row][:place] + str(1 + payload % 9) + lines[row][place + 1 :]
    elif kind == "comment":
        lines[row] += "  # typed"
    elif kind == "blank":
        lines.insert(row, "")
    elif kind == "delete":
        del lines[row]
    else:
        lines[row] = EDITS[payload % len(EDITS)]
    return "\n".join(lines)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, 10_000),
            st.sampled_from(["digit", "digit", "comment", "blank", "delete", "line"]),
            st.integers(0, 10_000),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_incremental_diagnostics_equal_a_fresh_check(edits):
    inc = Incremental(run_job, views_by_model)
    text = DOC
    shown(inc, text)
    for row, kind, payload in edits:
        text = apply(text, row, kind, payload)
        assert shown(inc, text) == fresh(text), (inc.last, row, kind, payload)


def test_the_differential_edits_reach_the_partial_path():
    """The property above is about partial re-checks: most of its kinds of edit take that path."""
    inc = Incremental(run_job, views_by_model)
    text = DOC
    shown(inc, text)
    modes = []
    for row in range(8, DOC.count("\n"), 7):
        text = apply(text, row, "digit", row)
        assert shown(inc, text) == fresh(text)
        modes.append(inc.last.mode)
    assert modes.count("partial") >= len(modes) // 2, modes


def test_names_follow_scopes():
    import ast

    source = (
        "def f(a):\n"
        "    b = a + G\n"
        "    return [i for i in range(b)] + [H for _ in b]\n"
        "class C(Base):\n"
        "    k = K\n"
        "    def m(self):\n"
        "        global S\n"
        "        S = 1\n"
        "        return (lambda z: z + L)(self)\n"
        "for t in T:\n"
        "    pass\n"
    )
    split = units.split(ast.parse(source), source.split("\n"))
    assert split is not None
    f, c, loop = split.units
    assert f.binds == {"f"} and {"G", "H", "range"} <= f.reads and not {"a", "b", "i"} & f.reads
    assert {"C", "S"} <= c.binds and {"Base", "K", "L", "S"} <= c.reads and not {"self", "z"} & c.reads
    assert loop.binds == {"t"} and "T" in loop.reads


def _shape(split: units.Split | None) -> Any:
    if split is None:
        return None
    plain = [(u.start, u.end, u.text, u.is_global, u.factory, u.binds, u.reads, u.stored) for u in split.units]
    return plain, split.components, split.global_key


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 10_000),
            st.sampled_from(["digit", "comment", "blank", "delete", "line", "open", "indent"]),
            st.integers(0, 10_000),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_reparsing_the_changed_rows_splits_as_parsing_the_file(edits):
    """Broken text included: ``resplit`` answers as ``split`` of the whole text, or None (parse it all)."""
    import ast

    from cnnlint.source import split_lines

    text = DOC
    previous = units.split(ast.parse(text), split_lines(text))
    for row, kind, payload in edits:
        if kind in ("open", "indent"):
            lines = text.split("\n")
            row %= len(lines)
            lines[row] = ("    " + lines[row]) if kind == "indent" else lines[row] + ' ("""'[payload % 5]
            text = "\n".join(lines)
        else:
            text = apply(text, row, kind, payload)
        try:
            whole = units.split(ast.parse(text), split_lines(text))
        except SyntaxError:
            whole = None
        assert previous is not None
        again = units.resplit(previous, split_lines(text))
        if again is not None:
            assert _shape(again) == _shape(whole)
        if whole is not None:
            previous = whole


def test_a_changed_project_file_checks_the_whole_file(tmp_path):
    """What an import read from another file of the project is in every part: that file changing is global."""
    import os

    blocks = tmp_path / "blocks.py"
    blocks.write_text("WIDTH = 16\n")
    doc = (
        "import torch\nimport torch.nn as nn\nfrom blocks import WIDTH\n\n"
        "net = nn.Sequential(nn.Linear(WIDTH, 4))\nnet(torch.randn(1, 16))\n\n"
        "other = nn.Sequential(nn.Linear(8, 4))\nother(torch.randn(1, 8))\n"
    )
    path = str(tmp_path / "model.py")
    inc = Incremental(run_job, views_by_model)

    def check(text: str) -> list:
        answer, later = inc.run({**job(text), "filename": path})
        later()
        return answer["diagnostics"]

    def whole(text: str) -> list:
        return run_job({**job(text), "filename": path})[0]["diagnostics"]

    assert check(doc) == whole(doc) == []
    text = doc.replace("nn.Linear(8, 4)", "nn.Linear(8, 5)")
    assert check(text) == whole(text)
    assert inc.last.mode == "partial"
    blocks.write_text("WIDTH = 12\n")
    os.utime(blocks, ns=(1, 1))  # another time stamp even on a coarse clock
    text = doc.replace("nn.Linear(8, 4)", "nn.Linear(8, 6)")
    shown_now = check(text)
    assert inc.last.mode == "full"
    assert shown_now == whole(text) and [d.code for d in shown_now] == ["CNL001"]


def test_a_class_with_an_unread_base_beside_another_model():
    """d2l style (``class LeNet(d2l.Classifier)``, ``self.net``): an edit elsewhere shows a fresh check's view."""
    doc = (
        "import torch\nfrom torch import nn\nfrom d2l import torch as d2l\n\n\n"
        "class LeNet(d2l.Classifier):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.net = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Flatten(), nn.Linear(6 * 24 * 24, 10))\n\n\n"
        "other = nn.Sequential(nn.Linear(8, 4))\nother(torch.randn(1, 8))\n"
    )
    inc = Incremental(run_job, views_by_model)
    shown(inc, doc)
    text = doc.replace("nn.Linear(8, 4)", "nn.Linear(9, 4)")
    assert shown(inc, text) == fresh(text)
    assert [d.code for d in fresh(text)[0]] == ["CNL001"]
