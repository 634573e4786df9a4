"""Assignment: storing a value into a name, an unpacked target, an attribute or an item, as Python does.

Writes go through the interpreter's ``write`` so an unknown branch can undo and join them (``frames.py``);
what a branch changes in a list or a module's children that cannot be undone makes it uncertain.
"""

from __future__ import annotations

import ast

from cnnlint.interpret import attr_dicts, dict_subclasses, layer_changes, limits, tensor_elements, tensor_values
from cnnlint.interpret.frames import Frame
from cnnlint.interpret.pyops import _hashable
from cnnlint.interpret.values import (
    MISSING,
    UNKNOWN,
    AttrDictVal,
    ClassVal,
    DictInstance,
    DictVal,
    ListVal,
    ModuleNS,
    ModuleObj,
    ModulesView,
    Sym,
    TorchLayer,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Assignments:
    """The assignment part of ``Interpreter`` (a mixin: it uses the interpreter's eval, write, iterate)."""

    def assign(self, target: ast.expr, value: Any, frame: Frame) -> None:
        if type(target) is ast.Name:  # most assignments: ``write``, inlined where no branch is logged
            if self.logs or value is MISSING:
                self.write(frame.locals, target.id, value)  # type: ignore[attr-defined]
            else:
                frame.locals[target.id] = value  # type: ignore[attr-defined]
        elif isinstance(target, (ast.Tuple, ast.List)):
            self.unpack(target.elts, value, frame)
        elif isinstance(target, ast.Attribute):
            owner = self.eval(target.value, frame)
            self.set_attr(owner, target.attr, value)
        elif isinstance(target, ast.Subscript):
            owner = self.eval(target.value, frame)
            key = self.eval(target.slice, frame)
            self.set_item(owner, key, value)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, value, frame)

    def unpack(self, targets: list[ast.expr], value: Any, frame: Frame) -> None:
        items = self.iterate(value, frame)
        star = next((i for i, t in enumerate(targets) if isinstance(t, ast.Starred)), None)
        if items is not None:
            if star is None and len(items) == len(targets):
                for t, v in zip(targets, items):
                    self.assign(t, v, frame)
                return
            if star is not None and len(items) >= len(targets) - 1:
                after = len(targets) - star - 1
                for t, v in zip(targets[:star], items[:star]):
                    self.assign(t, v, frame)
                self.assign(targets[star], ListVal(items[star : len(items) - after]), frame)
                for t, v in zip(targets[star + 1 :], items[len(items) - after :]):
                    self.assign(t, v, frame)
                return
        for t in targets:
            self.assign(t, UNKNOWN, frame)

    def set_attr(self, owner: Any, name: str, value: Any) -> None:
        if name == "__class__" and isinstance(owner, ModuleObj):
            # pytorchvideo's ``setattr(self, k, v)`` over ``locals()`` sets ``__class__`` to the defining class:
            # Python changes the object's class, a no-op unless that is a base class of it (then not followed)
            if value is not owner.cls:
                self.taint(owner)
            return
        if isinstance(owner, ModuleObj):
            self.session.torch.register(self, owner, name, value)
        elif isinstance(owner, ClassVal):
            self.write(owner.ns, name, value)
        elif isinstance(owner, ModuleNS):
            self.write(owner.globals, name, value)
        elif isinstance(owner, TorchLayer):
            self.write(owner.own, name, value)  # read back as written
            layer_changes.attribute_set(self, owner, name, value)  # and by torch's forward
        elif isinstance(owner, AttrDictVal):
            attr_dicts.set_value(self, owner, name, value)
        elif isinstance(owner, DictInstance):
            dict_subclasses.set_value(self, owner, name, value)

    def set_item(self, owner: Any, key: Any, value: Any) -> None:
        if isinstance(owner, ModulesView):
            if not isinstance(key, str) or self.branching:
                owner.module.uncertain = True  # which child, or whether it changed at all, is not known
            else:
                self.session.torch.register(self, owner.module, key, value, child=True)
        if type(owner) is DictInstance:  # ``cfg[k] = v`` of a dict subclass: through its own ``__setitem__``
            own = dict_subclasses.own_item_method(owner, "__setitem__")
            if own is not None:
                self.call_function(own, [owner, key, value], {}, None)
                return
        if isinstance(owner, DictVal):
            if _hashable(key):
                if self.branching and key not in owner.items:
                    owner.uncertain = True  # a key added in a branch that may not run: its length is unknown
                self.write(owner.items, key, value)
            else:
                owner.uncertain = True
        elif isinstance(owner, ListVal) and isinstance(key, slice) and key.step is None:
            # ``x[i:i] = [...]``: Python's slice assignment, on known bounds and a known iterable
            bounds = (key.start, key.stop)
            items = self.iterate(value, None)
            known = all(b is None or (isinstance(b, int) and not isinstance(b, (bool, Sym))) for b in bounds)
            small = items is not None and len(owner.items) + len(items) <= limits.MAX_ELEMENTS
            if known and small and not owner.uncertain and not self.branching:
                owner.items[key] = items
            else:
                owner.uncertain = True
        elif isinstance(owner, ListVal):
            if isinstance(key, int) and not isinstance(key, bool) and -len(owner.items) <= key < len(owner.items):
                if self.branching:
                    owner.uncertain = True
                owner.items[key] = value
            else:
                owner.uncertain = True
        elif isinstance(owner, ModuleObj) and owner.kind == "ModuleDict" and isinstance(key, str):
            self.session.torch.register(self, owner, key, value)
        elif isinstance(owner, ModuleObj) and _indexed_container(owner) and type(key) is int:
            # ``model.classifier[6] = nn.Linear(4096, 5)``: torch sets the child at that position (its name kept)
            if owner.uncertain or self.branching or not -len(owner.items) <= key < len(owner.items):
                owner.uncertain = True
            else:
                self.session.torch.register(self, owner, owner.keys[key], value, child=True)
        elif isinstance(owner, ModuleObj):
            owner.uncertain = True
        elif self.uncertain_change(owner) or not tensor_elements.set_item(owner, key, value):
            tensor_values.forget(owner)


def _indexed_container(obj: ModuleObj) -> bool:
    """An ``nn.Sequential`` or ``nn.ModuleList`` (or a subclass): children set by position."""
    kinds = ("Sequential", "ModuleList")
    return obj.kind in kinds or (obj.cls is not None and obj.cls.torch_base() in kinds)
