"""An error that every branch of an unknown condition meets is certain, whichever branch runs.

pytorch/examples' DCGAN writes ``if input.is_cuda and self.ngpu > 1: output =
nn.parallel.data_parallel(self.main, input, range(self.ngpu)) else: output = self.main(input)``. The
device is not known, both branches are followed, and an error inside ``self.main`` used to be dropped as
uncertain. Now the branches' steps are compared (``branch_steps.join_steps``) and an error both met at
the same step is reported (``Forward.promote``). The truth is torch, run with the condition both ways.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest
from conftest import reported, summary_model

torch = pytest.importorskip("torch")

HEAD = """
import sys
import torch
import torch.nn as nn

flag = len(sys.argv) > 1  # not known to cnnlint


class D(nn.Module):
    def __init__(self, ngpu=2):
        super().__init__()
        self.ngpu = ngpu
        self.main = nn.Sequential(nn.Conv2d(3, 8, 4, 2, 1), nn.ReLU(), nn.Conv2d(8, 1, 4, 1, 0))
        self.other = nn.Sequential(nn.Conv2d(3, 1, 1))

    def forward(self, x):
{body}


net = D()
out = net(torch.randn(2, 3, {size}, {size}))
"""

BOTH_MAIN = """\
        if flag:
            out = self.main(x)
        else:
            out = self.main(x)
        return out"""

DATA_PARALLEL = """\
        if x.is_cuda and self.ngpu > 1:
            out = nn.parallel.data_parallel(self.main, x, range(self.ngpu))
        else:
            out = self.main(x)
        return out.view(-1, 1).squeeze(1)"""

NESTED = """\
        if flag:
            if len(sys.argv) > 2:
                out = self.main(x)
            else:
                out = self.main(x)
        else:
            out = self.main(x)
        return out"""

ONE_BRANCH = """\
        if flag:
            out = self.main(x)
        else:
            out = self.other(x)
        return out"""

NO_ELSE = """\
        out = self.other(x)
        if flag:
            out = self.main(x)
        return out"""


def _write(tmp_path: Path, body: str, size: int) -> tuple[Path, int]:
    source = HEAD.format(body=body, size=size)
    path = tmp_path / "net.py"
    path.write_text(source)
    row = next(i for i, line in enumerate(source.splitlines(), 1) if "nn.Conv2d(8, 1, 4, 1, 0)" in line)
    return path, row


def _torch_raises_both_ways(path: Path) -> list[bool]:
    raised = []
    for argv in ([str(path)], [str(path), "--flag"]):
        saved, sys.argv = sys.argv, argv
        try:
            runpy.run_path(str(path))
            raised.append(False)
        except RuntimeError:
            raised.append(True)
        finally:
            sys.argv = saved
    return raised


@pytest.mark.parametrize("body", [BOTH_MAIN, DATA_PARALLEL, NESTED], ids=["if-else", "data-parallel", "nested"])
def test_an_error_every_branch_meets_is_reported(tmp_path: Path, body: str) -> None:
    path, row = _write(tmp_path, body, size=4)  # 4 -> 2, then a 4x4 kernel on 2x2
    assert _torch_raises_both_ways(path) == [True, True]
    assert reported(path) == {(row, "CNL004")}


@pytest.mark.parametrize("body", [ONE_BRANCH, NO_ELSE], ids=["one-branch", "no-else"])
def test_an_error_one_branch_meets_is_not_guessed(tmp_path: Path, body: str) -> None:
    path, _ = _write(tmp_path, body, size=4)
    assert sorted(_torch_raises_both_ways(path)) == [False, True]  # it depends on the condition
    assert reported(path) == set()


@pytest.mark.parametrize("body", [BOTH_MAIN, DATA_PARALLEL], ids=["if-else", "data-parallel"])
def test_a_model_right_in_every_branch_is_followed_to_torchs_output(tmp_path: Path, body: str) -> None:
    path, _ = _write(tmp_path, body, size=8)
    assert _torch_raises_both_ways(path) == [False, False]
    assert reported(path) == set()
    with torch.device("meta"):
        namespace = runpy.run_path(str(path))
        expected = list(namespace["net"](torch.empty(2, 3, 8, 8)).shape)
    assert summary_model(path, "D", "2,3,8,8")["output_shape"] == expected


# An operation's error (an RNN's state, a mismatched add) met in both branches of an unknown condition, the
# branches otherwise different (seq2seq's teacher forcing runs the decoder on the whole target or step by
# step): the same error whichever runs, reported where each branch meets it (corpus G #19).
RNN_HEAD = """
import sys
import torch
import torch.nn as nn

flag = len(sys.argv) > 1  # not known to cnnlint


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(8, 32, 1, batch_first=True)
        self.deep = nn.GRU(8, 32, 2, batch_first=True)

    def forward(self, x, h):
{body}


net = Decoder()
out = net(torch.randn(3, 5, 8), torch.randn(2, 3, 32))
"""

TEACHER_FORCING = """\
        if flag:
            out, h = self.rnn(x, h)
        else:
            out, h = self.rnn(x[:, :1], h)
            out = out + x.sum()
        return out"""

ONE_STATE_WRONG = """\
        if flag:
            out, h = self.rnn(x, h)
        else:
            out, h = self.deep(x[:, :1], h)
        return out"""


def _rnn_script(tmp_path: Path, body: str) -> tuple[Path, list[int]]:
    source = RNN_HEAD.format(body=body)
    path = tmp_path / "decoder.py"
    path.write_text(source)
    rows = [i for i, line in enumerate(source.splitlines(), 1) if "= self.rnn(" in line]
    return path, rows


def test_an_operation_error_every_branch_meets_is_reported_in_each(tmp_path: Path) -> None:
    path, rows = _rnn_script(tmp_path, TEACHER_FORCING)
    assert _torch_raises_both_ways(path) == [True, True]
    assert reported(path) == {(row, "CNL017") for row in rows}


def test_an_operation_error_one_branch_meets_is_not_guessed(tmp_path: Path) -> None:
    path, _ = _rnn_script(tmp_path, ONE_STATE_WRONG)
    assert sorted(_torch_raises_both_ways(path)) == [False, True]
    assert reported(path) == set()


SAME_CALL_BOTH = """\
        if flag:
            out, h = self.rnn(x, h)
        else:
            out, h = self.rnn(x, h)
        return out"""

ONE_BRANCH_OP_ERROR = """\
        if flag:
            out, _ = self.rnn(x)
            out = out + x.sum()
        else:
            out, _ = self.rnn(x)
            out = out + torch.zeros(5)
        return out"""


def test_alike_branches_that_meet_the_same_operation_error_report_it_once(tmp_path: Path) -> None:
    path, rows = _rnn_script(tmp_path, SAME_CALL_BOTH)
    assert _torch_raises_both_ways(path) == [True, True]
    assert reported(path) == {(rows[0], "CNL017")}


def test_an_operation_error_in_one_branch_leaves_the_model_counted(tmp_path: Path) -> None:
    """The error one branch may meet is not said, and does not make the branches' layers (and MACs) unknown."""
    path, _ = _rnn_script(tmp_path, ONE_BRANCH_OP_ERROR)
    assert sorted(_torch_raises_both_ways(path)) == [False, True]
    assert reported(path) == set()
    model = summary_model(path, "Decoder", "3,5,8")
    from torch.utils.flop_counter import FlopCounterMode

    with torch.device("meta"), FlopCounterMode(display=False) as counter:
        torch.nn.GRU(8, 32, 1, batch_first=True)(torch.empty(3, 5, 8))  # the layer both branches share
    assert model["total_macs"] == counter.get_total_flops() // 2
