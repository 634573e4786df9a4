"""Random model programs (tests/programgen.py) checked by cnnlint and by torch: the same answer.

Each example is a source file defining ``class Net`` from blocks (residual, concatenation,
loops over config lists, helper functions, ModuleList, ``_make_layer``) with a pragma
declaring its input. Torch's verdict comes from tests/styles_oracle.py (the file is run,
the model built on the meta device and called on a meta tensor of the declared input);
cnnlint's from ``check_bytes`` in-process, as ``cnnlint check`` / ``cnnlint summary`` do.

- torch runs it: cnnlint reports nothing but CNL003 (not even a CNL100: every line is
  followed), its CNL003 rows being exactly the rows of the convs/pools whose windows
  torch ran drop input (module or ``F.*_pool*d`` call), and the summary of
  ``Net`` gives torch's output shape, ``sum(p.numel())`` and, where cnnlint knows them,
  ``FlopCounterMode`` total // 2 MACs.
- torch raises: cnnlint reports exactly one error row, the row torch's exception is
  attributed to, with the code torch's message maps to. The mapping (styles_oracle's):
  an exception raised inside a torch layer's call (``nn.Conv2d.forward`` rejecting its
  input) is at the row where that layer's constructor call was written, wherever it was
  called from (``nn.Conv2d(...)`` inside ``conv_bn``, ``make_layers`` or a block's
  ``__init__``); an exception raised while the model is built (a constructor rejecting
  its arguments: ``groups`` not dividing ``out_channels``) or by an operation written in
  the file (``out += x``, ``torch.cat``, ``x.view``, ``F.max_pool2d``) is at the innermost
  row of the traceback inside the file. The code is the one torch's message maps to
  (styles_oracle.MESSAGES; CNL005 for a construction error).
  Nothing is reported at any other row (same row reached several times: one row).
- The generator knows which error it injected and where: torch must raise iff it injected
  one, at that row, so the generator itself is held to torch too.

``CNNLINT_PROGRAMS`` sets the number of examples (default 80; derandomized, so CI runs
the same programs every time). Bugs the property found are kept below as explicit
regressions (minimal programs).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

import fuzzgen  # noqa: E402
import programgen  # noqa: E402
from styles_oracle import inexact, judge  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

from cnnlint.check import CheckOptions, check_bytes  # noqa: E402
from cnnlint.report.summary import summary_records  # noqa: E402
from cnnlint.rules import severity  # noqa: E402

EXAMPLES = int(os.environ.get("CNNLINT_PROGRAMS", "80"))
BUG_MIX = (None,) * 14 + tuple(programgen.BUGS)  # 33 of the 80 CI programs get an error, of 6 kinds
SEEN: Counter[str] = Counter()  # what the run tried (printed with -s)


POOLS = {"max_pool1d": nn.MaxPool1d, "max_pool2d": nn.MaxPool2d, "avg_pool1d": nn.AvgPool1d, "avg_pool2d": nn.AvgPool2d}


@contextlib.contextmanager
def functional_pools(path: Path, rows: list[int]):
    """The rows of ``F.max_pool2d(x, k)`` calls in the program that drop input (styles_oracle sees modules only)."""
    saved = {name: getattr(F, name) for name in POOLS}

    def wrap(name: str):
        def pool(x, *args, **kwargs):
            caller = sys._getframe(1)
            if caller.f_code.co_filename == str(path) and inexact(POOLS[name](*args, **kwargs), tuple(x.shape)):
                rows.append(caller.f_lineno)
            return saved[name](x, *args, **kwargs)

        return pool

    for name in POOLS:
        setattr(F, name, wrap(name))
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(F, name, function)


def compare(source: str) -> dict:
    """Torch's verdict and cnnlint's on one program; asserts they agree. Returns torch's truth."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.py"
        path.write_text(source)
        pooled: list[int] = []
        with functional_pools(path, pooled):
            verdict = judge(path)
        result = check_bytes(source.encode(), str(path), CheckOptions(is_enabled=lambda code: True, want_models=True))
    assert not result.failed, result.diagnostics
    truth = verdict.truth
    errors = {(d.location.row, d.code) for d in result.diagnostics if severity(d.code) == "error"}
    messages = "\n".join(f"{d.location.row}: {d.code} {d.message}" for d in result.diagnostics)
    if "raises" in truth:
        assert errors == {(truth["row"], truth["code"])}, f"torch: {truth}\ncnnlint:\n{messages}"
        return truth
    assert not errors, f"torch ran it ({truth['output']})\ncnnlint:\n{messages}"
    assert {d.code for d in result.diagnostics} <= {"CNL003"}, f"followed to the end, nothing to say:\n{messages}"
    warned = {d.location.row for d in result.diagnostics if d.code == "CNL003"}
    dropping = set(verdict.inexact) | set(pooled)
    assert warned == dropping, f"CNL003 rows: torch {sorted(dropping)}\n{messages}"
    (net,) = [m for m in summary_records([result]) if m.name == "Net"]
    shape = list(net.output_shape.dims) if net.output_shape and not net.output_shape.open else None
    got = {"output": shape, "params": net.total_params}
    assert got == {"output": truth["output"], "params": truth["params"]}, f"torch: {truth}\ncnnlint:\n{messages}"
    if net.total_macs is not None:
        assert net.total_macs == truth["macs"]
    return truth


@pytest.fixture(scope="module", autouse=True)
def _report_what_was_tried():
    yield
    if SEEN:
        print("\nprograms tried:", dict(sorted(SEEN.items())))  # shown with -s


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_random_programs_agree_with_torch(data: st.DataObject) -> None:
    bug = data.draw(st.sampled_from(BUG_MIX))  # hypothesis' own mix: its integers lean towards 0
    program = programgen.program(fuzzgen.HypothesisChooser(data), bug=bug)
    truth = compare(program.source)
    SEEN.update(program.stages)
    SEEN["programs"] += 1
    SEEN["raised" if "raises" in truth else "ran"] += 1
    # the generator's claim, held to torch: an error iff it injected one, at its row, with its code
    if program.bug is None:
        assert "raises" not in truth, f"a program the generator calls valid raised: {truth}"
    else:
        assert (truth.get("row"), truth.get("code")) == (program.bug_row, program.bug_code), (program.bug, truth)
        SEEN[f"bug:{program.bug}"] += 1


def test_generator_covers_every_block_and_bug():
    """The generator's stages and injected bugs all occur over a fixed set of seeds (the test is not vacuous)."""
    stages: Counter[str] = Counter()
    bugs: Counter[str | None] = Counter()
    for seed in range(300):
        program = programgen.program(fuzzgen.RandomChooser(seed))
        compile(program.source, "model.py", "exec")
        stages.update(program.stages)
        bugs[program.bug] += 1
        if program.bug:
            assert program.bug_row in program.rows.values()
    assert set(stages) == set(programgen.STAGES)
    assert set(bugs) == {None, *programgen.BUGS}
    assert 0.5 < bugs[None] / 300 < 0.85


# ----------------------------------------------------------------------------- regressions and self-checks

HEADER = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n\n# cnnlint: input={input}\n"

# Found by the property: torch's MaxPool1d says "Invalid computed output size: 0" (not "too small"),
# which the oracle did not map to CNL004.
MAXPOOL1D_COLLAPSE = HEADER.format(input="(2, 4, 5)") + (
    "class Net(nn.Module):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.pool = nn.MaxPool1d(6)\n"
    "\n"
    "    def forward(self, x):\n"
    "        return self.pool(x)\n"
)


def test_maxpool1d_collapse_is_cnl004_at_the_pool():
    assert compare(MAXPOOL1D_COLLAPSE) == {"raises": "RuntimeError", "row": 10, "code": "CNL004", "where": "MaxPool1d"}


def test_compare_fails_where_cnnlint_cannot_follow():
    """The property can fail: a model cnnlint does not follow to the end is not torch's answer."""
    source = HEADER.format(input="(2, 4, 8)") + (
        "class Net(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.conv = nn.Conv1d(4, 8, 3)\n"
        "\n"
        "    def forward(self, x):\n"
        "        return torch.fft.rfft(self.conv(x)).real\n"
    )
    with pytest.raises(AssertionError, match="rfft.* is not an op cnnlint knows"):  # where it stops, said
        compare(source)
