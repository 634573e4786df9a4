"""Huge files are checked in full and in linear time (issue 10: a 100k-layer model file).

The per-file work budget bounds loops and recursion, not straight-line code: a file's module
code gets at least one evaluated node per character, so a model written out layer by layer is
built whole by the interpreter however long it is. benchmarks/stress.py measures the time.
"""

from __future__ import annotations

import ast

from cnnlint.check import check_bytes
from cnnlint.interpret import limits
from cnnlint.interpret.models import find_models

TAIL = "import torch.nn as nn\nnet = nn.Sequential(nn.Flatten(), nn.Linear(10, 5), nn.Linear(9, 2))\n"


def test_module_code_longer_than_the_work_budget_is_interpreted_to_the_end() -> None:
    # Two evaluated nodes a line: well over MAX_WORK before the model is reached.
    text = "a = 1\n" * (limits.MAX_WORK // 2 + 1000) + TAIL
    found = find_models(ast.parse(text), text, "big.py")
    assert [c.model.name for c in found.candidates] == ["net"]
    assert len(found.candidates[0].obj.items) == 3


def test_the_budget_of_module_code_grows_with_the_file_only() -> None:
    assert limits.module_work(10) == limits.MAX_WORK
    assert limits.module_work(5_000_000) == 5_000_000


def test_a_long_sequential_is_one_model_with_every_layer() -> None:
    rows = "".join(f"    nn.Linear({i % 7 + 1}, {(i + 1) % 7 + 1}),\n" for i in range(3000))
    text = f"import torch.nn as nn\n\nnet = nn.Sequential(\n{rows}    nn.Linear(3, 2),\n)\n"
    result = check_bytes(text.encode(), "big.py", None)
    found = [(d.code, d.location.row, d.location.column, d.end_location.column) for d in result.diagnostics]
    assert found == [("CNL001", 3004, 5, 20)]  # the last layer, fed 3000 % 7 + 1 = 5 features
    assert "5" in result.diagnostics[0].message


def test_the_collector_is_left_as_found_enabled_with_nothing_frozen() -> None:
    import gc

    assert gc.isenabled()
    check_bytes(TAIL.encode(), "m.py", None)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        check_bytes(TAIL.encode(), "m.py", None)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_repeated_checks_leave_nothing_behind() -> None:
    """A check's interpreter state is cyclic garbage: the collector must still get to it after each
    check (the editor's worker checks one document thousands of times)."""
    import gc

    rows = "".join(f"    nn.Linear({i % 7 + 1}, {(i + 1) % 7 + 1}),\n" for i in range(300))
    data = f"import torch.nn as nn\n\nnet = nn.Sequential(\n{rows})\n".encode()
    for _ in range(3):
        check_bytes(data, "m.py", None)
    before = len(gc.get_objects())
    for _ in range(10):
        check_bytes(data, "m.py", None)
    assert len(gc.get_objects()) - before < 5_000  # one check's state is about 6,000 objects
