"""``cnnlint.records.dataclass``: what ``dataclasses.dataclass`` makes, made at first use (Python is the oracle)."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import pickle
import pkgutil
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cnnlint
from cnnlint import records

OPTIONS = st.fixed_dictionaries(
    {"eq": st.booleans(), "frozen": st.booleans(), "order": st.booleans(), "repr": st.booleans()}
).filter(lambda o: o["eq"] or not o["order"])
FIELDS = st.lists(st.sampled_from(["plain", "default", "factory", "no_compare", "no_repr"]), min_size=0, max_size=4)


def _source(decorator: str, options: dict, kinds: list[str]) -> str:
    args = ", ".join(f"{k}={v}" for k, v in options.items())
    lines = [f"@{decorator}({args})", "class Point:"]
    lines += ["    tag: ClassVar[int] = 7"]
    seen_default = False
    for i, kind in enumerate(kinds):
        if kind == "plain" and not seen_default:
            lines.append(f"    f{i}: int")
            continue
        seen_default = True
        value = {
            "plain": "0",
            "default": f"{i}",
            "factory": "field(default_factory=list)",
            "no_compare": "field(default=5, compare=False)",
            "no_repr": "field(default=6, repr=False)",
        }[kind]
        lines.append(f"    f{i}: int = {value}")
    lines.append("    def total(self):\n        return 1")
    return "\n".join(lines)


def _build(decorator: str, options: dict, kinds: list[str]) -> type:
    made_by = records if decorator == "lazy" else dataclasses
    namespace = {"dataclass": dataclasses.dataclass, "lazy": records.dataclass, "field": made_by.field}
    source = "from typing import ClassVar\n" + _source(decorator, options, kinds)
    exec(compile(source, "<point>", "exec", dont_inherit=True), namespace)  # real annotations, not strings
    return namespace["Point"]


def _shown(value: object) -> str:
    return re.sub(r" at 0x[0-9a-f]+", "", repr(value)).replace(type(value).__qualname__, "P")


def _observe(cls: type, kinds: list[str]) -> list:
    """What a user of the class can see: construction, printing, comparing, hashing, changing."""
    needed = [1] * sum(1 for k in kinds if k == "plain")
    a, b, c = cls(*needed), cls(*needed), cls(*[2] * len(needed))
    seen = [_shown(a), a == b, a == c, a != c, a == 1]
    for left, right in ((a, b), (a, c)):
        try:
            seen.append(("order", left < right, left <= right))
        except TypeError as err:
            seen.append(("no order", type(err)))
    try:
        seen.append(("hash", hash(a) == hash(b)))
    except TypeError:
        seen.append("unhashable")
    try:
        a.f0 = 9
        seen.append(("set", _shown(a)))
    except dataclasses.FrozenInstanceError:
        seen.append("frozen")
    except AttributeError:
        seen.append("no field")
    seen.append([f.name for f in dataclasses.fields(a)])
    if "__record_fields__" in vars(cls):  # cnnlint's own fields() and replace() say the same
        assert seen[-1] == [f.name for f in records.fields(a)]
        assert _shown(records.replace(b)) == _shown(dataclasses.replace(b))
    seen.append(_shown(dataclasses.replace(b)))
    seen.append(dataclasses.asdict(b))
    seen.append(cls.tag)
    return seen


@settings(max_examples=150, deadline=None)
@given(OPTIONS, FIELDS)
def test_a_lazy_dataclass_behaves_as_the_standard_one(options, kinds):
    lazy = _build("lazy", options, kinds)
    assert "__record_fields__" not in lazy.__dict__  # nothing made at import time
    assert _observe(lazy, kinds) == _observe(_build("dataclass", options, kinds), kinds)


def test_bases_are_made_for_a_subclass_and_for_a_plain_subclass():
    @records.dataclass(frozen=True)
    class Base:
        x: int

    @records.dataclass(frozen=True)
    class Child(Base):
        y: int = 2

    class Plain(Base):
        def __init__(self) -> None:
            super().__init__(5)

    assert [f.name for f in records.fields(Plain)] == ["x"]  # Base made for it, before any instance
    assert [f.name for f in dataclasses.fields(Child)] == ["x", "y"]  # and Child, before any instance
    assert Child(1) == Child(1, 2) and repr(Child(1)).endswith("<locals>.Child(x=1, y=2)")
    assert Plain().x == 5 and hash(Base(1)) == hash(Base(1))


@records.dataclass(frozen=True)
class Pickled:
    name: str


def test_copies_made_before_their_class_compare_and_hash_as_dataclasses():
    @records.dataclass(frozen=True)
    class Key:
        name: str

    blank = object.__new__(Key)  # as an unpickler or copy.copy makes it: no __init__ ran
    blank.__dict__["name"] = "a"
    assert Key in records._PENDING
    assert hash(blank) == hash(Key("a")) and blank == Key("a")
    assert copy.deepcopy(Key("b")) == Key("b")
    assert pickle.loads(pickle.dumps(Pickled("c"))) == Pickled("c")


def test_an_instance_unpickled_where_its_class_was_never_built_is_a_dataclass():
    """The language server receives diagnostics pickled by its worker and ``dataclasses.replace``s them."""
    import subprocess
    import sys

    from conftest import ROOT

    from cnnlint.diagnostics import Diagnostic, Location

    sent = Diagnostic("CNL001", "m", "a.py", Location(3, 4), Location(3, 9))
    code = (
        "import dataclasses, pickle, sys\n"
        "from cnnlint import diagnostics\n"
        "from cnnlint.records import _PENDING\n"
        "assert diagnostics.Diagnostic in _PENDING and diagnostics.Location in _PENDING\n"
        "got = pickle.loads(sys.stdin.buffer.read())\n"
        "moved = dataclasses.replace(got, location=diagnostics.Location(4, 4))\n"
        "same = hash(got.location) == hash(diagnostics.Location(3, 4))\n"
        "print(moved.location.row, got.location.row, got == pickle.loads(pickle.dumps(got)), same)"
    )
    done = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(sent), capture_output=True,
                          env={"PYTHONPATH": str(ROOT)}, cwd=ROOT)  # fmt: skip
    assert done.stdout.decode().split() == ["4", "3", "True", "True"], done.stderr.decode()


def test_a_standard_field_in_a_record_is_refused_at_first_use():
    @records.dataclass
    class Mixed:
        items: list = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError, match="cnnlint.records.field"):
        Mixed()


def test_an_unhashable_dataclass_stays_unhashable():
    @records.dataclass
    class Box:
        size: int

    with pytest.raises(TypeError):
        hash(Box(1))
    with pytest.raises(TypeError):
        hash(Box(1))


def test_every_class_of_cnnlint_can_be_made():
    """A definition error (a field without a default after one with it) shows at first use, not at import:
    every cnnlint module is imported and every class it defers is made here."""
    modules = []
    for module in pkgutil.walk_packages(cnnlint.__path__, "cnnlint."):
        if not module.name.startswith(("cnnlint.lsp", "cnnlint.runtime_worker")):
            modules.append(importlib.import_module(module.name))
    classes = {
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type) and value.__module__ == module.__name__
    }
    for cls in [cls for cls in records._PENDING if cls.__module__.startswith("cnnlint")]:
        records.made(cls)
    assert not [cls for cls in records._PENDING if cls.__module__.startswith("cnnlint")]
    assert len([cls for cls in classes if "__record_fields__" in cls.__dict__]) > 50
