"""Configuration dicts read by attribute (easydict, yacs' CfgNode, ml_collections' ConfigDict, munch): each
read is the library's own answer, or unknown; a model sized by one is followed. The truth: the libraries
themselves, and torch running the same script."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings, interpreted_reads, script_and_check
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.interpret.values import UNKNOWN

LIBRARIES = {
    "easydict": "from easydict import EasyDict as Config",
    "yacs": "from yacs.config import CfgNode as Config",
    "ml_collections": "from ml_collections import ConfigDict as Config",
    "munch": "from munch import Munch as Config",
}
STATEMENTS = [
    "cfg.x = 3",
    'cfg.y = {"z": 4}',
    'cfg["w"] = {"v": 5}',
    'cfg.sub = Config({"k": 6})',
    "cfg.b.c = 7",
    'cfg.merge_from_list(["x", "8"])',
    "cfg = cfg.clone()",
    "cfg.freeze()",
]
RAISES = object()
READS = ["cfg.a", "cfg.b.c", "cfg.x", "cfg.y.z", "cfg.w.v", "cfg.sub.k", 'cfg["b"]["c"]', 'cfg.get("x")', "cfg.nope"]


def _program(library: str, statements: list[str]) -> str:
    lines = [LIBRARIES[library], 'cfg = Config({"a": 1, "b": {"c": 2}})', *statements]
    return "\n".join(lines) + "\n" + "\n".join(f"r{i} = {read}" for i, read in enumerate(READS)) + "\n"


def _real(library: str, statements: list[str]) -> list:
    """Each read's value, or ``RAISES`` where the library raises (the statements themselves must run)."""
    namespace: dict = {}
    exec(
        compile("\n".join([LIBRARIES[library], 'cfg = Config({"a": 1, "b": {"c": 2}})', *statements]), "c", "exec"),
        namespace,
    )
    values = []
    for read in READS:
        try:
            values.append(eval(read, namespace))
        except (AttributeError, KeyError):
            values.append(RAISES)
    return values


def _interpreted(source: str) -> list:
    return interpreted_reads(source, len(READS))


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(LIBRARIES)), st.lists(st.sampled_from(STATEMENTS), max_size=4))
def test_each_read_is_the_librarys(library: str, statements: list[str]) -> None:
    try:
        expected = _real(library, statements)
    except Exception:  # noqa: BLE001 - the library refuses the statements (a frozen node, a method it lacks)
        return
    for read, want, got in zip(READS, expected, _interpreted(_program(library, statements))):
        if got is UNKNOWN:
            continue  # unknown is always allowed
        assert want is not RAISES, f"{library}: {read} raises, cnnlint says {got!r}"
        if isinstance(want, int) or want is None:
            assert (type(got), got) == (type(want), want), read


def test_plain_reads_are_known() -> None:
    """Not everything is unknown: the commonest reads give the library's values."""
    for library in LIBRARIES:
        got = _interpreted(_program(library, ["cfg.x = 3"]))
        nested = UNKNOWN if library == "munch" else 2  # Munch leaves a nested dict a dict: ``cfg.b.c`` raises
        assert got[:3] == [1, nested, 3], library


SCRIPT = """
import torch
from torch import nn
{import_line}

cfg = Config()
cfg.MODEL = Config()
cfg.MODEL.WIDTH = 16
cfg.MODEL.HEAD_IN = {head_in}


class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(3, c.MODEL.WIDTH, 3, padding=1)
        self.fc = nn.Linear(c.MODEL.HEAD_IN, 10)

    def forward(self, x):
        return self.fc(self.conv(x).mean((2, 3)))


net = Net(cfg)
out = net(torch.randn(2, 3, 8, 8))
"""


@pytest.mark.parametrize("library", sorted(LIBRARIES))
@pytest.mark.parametrize("head_in", [16, 32])
def test_a_model_sized_by_a_configuration(tmp_path: Path, library: str, head_in: int) -> None:
    path = tmp_path / "train.py"
    path.write_text(SCRIPT.format(import_line=LIBRARIES[library], head_in=head_in))
    error, got = script_and_check(path)
    if head_in == 16:
        assert error is None and got == []
    else:
        assert error is not None and "cannot be multiplied" in error
        assert got == [(16, "CNL001")]


def test_a_configuration_merged_from_a_file_is_unknown(tmp_path: Path) -> None:
    """``cfg.merge_from_file("exp.yaml")`` may change any value: nothing read after it is reported."""
    path = tmp_path / "train.py"
    source = SCRIPT.format(import_line=LIBRARIES["yacs"], head_in=32)
    path.write_text(source.replace("\n\nclass Net", '\ncfg.merge_from_file("exp.yaml")\n\n\nclass Net', 1))
    assert [code for _, code, _ in findings(path) if code != "CNL100"] == []
