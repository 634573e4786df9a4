"""Classes of the checked code that derive from ``dict`` (the AttrDict research code writes itself): every
read cnnlint claims is the one Python gives, or unknown; a model sized by one is followed. The truth: Python
running the same statements, and torch running the same script."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import interpreted_reads, script_and_check
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.interpret.values import UNKNOWN

FORMS = {
    "getattr_item": """
        class Config(dict):
            def __init__(self, d=None):
                super().__init__(d or {})

            def __getattr__(self, k):
                try:
                    return self[k]
                except KeyError:
                    raise AttributeError(k)

            def __setattr__(self, k, v):
                self[k] = v
    """,
    "dict_is_dict": """
        class Config(dict):
            def __init__(self, *args, **kwargs):
                super(Config, self).__init__(*args, **kwargs)
                self.__dict__ = self
    """,
    "aliases": """
        class Config(dict):
            __getattr__ = dict.get
            __setattr__ = dict.__setitem__
            __delattr__ = dict.__delitem__
    """,
    "converting": """
        class Config(dict):
            def __init__(self, d=None, **kwargs):
                if d is None:
                    d = {}
                if kwargs:
                    d.update(**kwargs)
                for k, v in d.items():
                    setattr(self, k, v)

            def __setattr__(self, name, value):
                if isinstance(value, (list, tuple)):
                    value = [self.__class__(x) if isinstance(x, dict) else x for x in value]
                elif isinstance(value, dict) and not isinstance(value, self.__class__):
                    value = self.__class__(value)
                super(Config, self).__setattr__(name, value)
                super(Config, self).__setitem__(name, value)

            __setitem__ = __setattr__

            def update(self, e=None, **f):
                d = e or dict()
                d.update(f)
                for k in d:
                    setattr(self, k, d[k])
    """,
    "explicit_base": """
        class Config(dict):
            def __init__(self, *args, **kwargs):
                dict.__init__(self, *args, **kwargs)

            def __getattr__(self, name):
                value = self.get(name)
                if isinstance(value, dict) and not isinstance(value, Config):
                    value = Config(value)
                return value

            def __setattr__(self, name, value):
                object.__setattr__(self, name, value)
    """,
    "own_getitem": """
        class Config(dict):
            def __getitem__(self, k):
                return dict.get(self, k, 0)

            def __getattr__(self, k):
                return self[k]

            def __setattr__(self, k, v):
                dict.__setitem__(self, k, v * 2 if isinstance(v, int) else v)
    """,
    "missing": """
        class Config(dict):
            def __missing__(self, k):
                return 11

            def __getattr__(self, k):
                return self[k]
    """,
    "ordered": """
        import collections

        class Config(collections.OrderedDict):
            def __getattr__(self, k):
                if k in self:
                    return self[k]
                raise AttributeError(k)

            def __setattr__(self, k, v):
                self[k] = v
    """,
}
STATEMENTS = [
    "cfg.x = 3",
    'cfg["w"] = {"v": 5}',
    'cfg.y = {"z": 4}',
    "cfg.update(q=9)",
    'cfg.update({"x": 10})',
    'cfg.sub = Config({"k": 6})',
    "cfg = copy.deepcopy(cfg)",
    'cfg.setdefault("x", 12)',
]
RAISES = object()
READS = [
    "cfg.a",
    "cfg.b",
    "cfg.b.c",
    "cfg.x",
    'cfg["x"]',
    "cfg.y.z",
    "cfg.w.v",
    "cfg.sub.k",
    'cfg.get("x")',
    "cfg.q",
    "len(cfg)",
    "cfg.nope",
    '"x" in cfg',
    "isinstance(cfg, Config)",
    'dict(**cfg).get("a")',
]


def _setup(form: str, statements: list[str]) -> str:
    lines = ["import copy", textwrap.dedent(FORMS[form]), 'cfg = Config({"a": 1, "b": {"c": 2}})', *statements]
    return "\n".join(lines) + "\n"


def _real(form: str, statements: list[str]) -> list:
    """Each read's value, or ``RAISES`` where Python raises (the statements themselves must run)."""
    namespace: dict = {}
    exec(compile(_setup(form, statements), "c", "exec"), namespace)
    values = []
    for read in READS:
        try:
            values.append(eval(read, namespace))
        except (AttributeError, KeyError, TypeError):
            values.append(RAISES)
    return values


def _interpreted(source: str) -> list:
    return interpreted_reads(source, len(READS))


def _program(form: str, statements: list[str]) -> str:
    return _setup(form, statements) + "\n".join(f"r{i} = {read}" for i, read in enumerate(READS)) + "\n"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(FORMS)), st.lists(st.sampled_from(STATEMENTS), max_size=4))
def test_each_read_is_pythons(form: str, statements: list[str]) -> None:
    try:
        expected = _real(form, statements)
    except Exception:  # noqa: BLE001 - Python refuses the statements (a method the form lacks)
        return
    for read, want, got in zip(READS, expected, _interpreted(_program(form, statements))):
        if got is UNKNOWN:
            continue  # unknown is always allowed
        assert want is not RAISES, f"{form}: {read} raises, cnnlint says {got!r}"
        if isinstance(want, (int, bool)) or want is None:
            assert (type(got), got) == (type(want), want), f"{form} {statements}: {read}"


@pytest.mark.parametrize("form", ["getattr_item", "dict_is_dict", "aliases", "converting", "explicit_base"])
def test_the_common_forms_are_read(form: str) -> None:
    """What the forms exist for: attributes set and read back, nested configs, ``cfg[key]`` beside them."""
    statements = ["cfg.x = 3", 'cfg.sub = Config({"k": 6})']
    got = dict(zip(READS, _interpreted(_program(form, statements))))
    want = dict(zip(READS, _real(form, statements)))
    for read in ("cfg.a", "cfg.x", 'cfg["x"]', "cfg.sub.k", "len(cfg)", "isinstance(cfg, Config)"):
        assert got[read] == want[read] if want[read] is not RAISES else got[read] is UNKNOWN, read


def test_a_class_that_redefines_the_dict_is_not_guessed() -> None:
    """``__missing__`` changes what every read of an absent key gives: the class is not read as a dict."""
    got = dict(zip(READS, _interpreted(_program("missing", []))))
    assert got["cfg.nope"] is UNKNOWN and got['cfg.get("x")'] is UNKNOWN


MODEL = """
import torch
import torch.nn as nn


{form}


def get_config():
    config = Config()
    config.hidden = 64
    config.head = Config({{"classes": {classes}}})
    return config


class Net(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.fc = nn.Linear(config.hidden, config.head.classes)
        self.out = nn.Linear(config["hidden"], 3)

    def forward(self, x):
        return self.out(self.fc(x))


model = Net(get_config())
model(torch.randn(2, 64))
"""


@pytest.mark.parametrize("form", ["getattr_item", "dict_is_dict", "aliases", "converting"])
@pytest.mark.parametrize("classes", [10, 64])
def test_a_model_sized_by_one_is_followed(tmp_path: Path, form: str, classes: int) -> None:
    """The vit-pytorch port's bug (corpus G #05): a Linear sized from a nested config fails in torch at the
    line cnnlint names, and nothing is said when the sizes agree."""
    path = tmp_path / "model.py"
    path.write_text(MODEL.format(form=textwrap.dedent(FORMS[form]), classes=classes))
    error, found = script_and_check(path)
    if classes == 64:
        assert error is None and found == []
    else:
        assert error is not None and "2x10 and 64x3" in error
        row = path.read_text().splitlines().index('        self.out = nn.Linear(config["hidden"], 3)') + 1
        assert found == [(row, "CNL001")]
