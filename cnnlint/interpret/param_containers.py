"""``nn.ParameterList`` and ``nn.ParameterDict``: modules that hold parameters, not layers.

ViTs keep per-block scales in them (``for (attn, ff), ls in zip(self.layers,
self.ls)``), so iterating one must give its tensors, as torch does: a list
yields its values in order, a dict its keys (``values()``/``items()`` the
parameters). A tensor stored is a parameter (torch wraps it in
``nn.Parameter``), counted in the model's parameters. What cannot be followed
(an unknown iterable, a change in a branch that may not run) makes the
container uncertain: its items are unknown, never guessed.
"""

from __future__ import annotations

from cnnlint.interpret.values import UNKNOWN, DictVal, ListVal, ModuleObj, TensorVal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

KINDS = ("ParameterList", "ParameterDict")
_METHODS = frozenset({"append", "extend", "keys", "values", "items", "update"})


def is_param_container(obj: Any) -> bool:
    """A plain ``nn.ParameterList`` / ``nn.ParameterDict`` built by the code."""
    return isinstance(obj, ModuleObj) and obj.kind in KINDS and obj.cls is None


def build(interp: Any, kind: str, args: list[Any], kwargs: dict[str, Any], origin: Any) -> ModuleObj:
    """``nn.ParameterList(values)`` / ``nn.ParameterDict(parameters)`` with its items, as torch fills it."""
    obj = ModuleObj(kind, origin=origin, born=interp.innermost_log())
    source = args[0] if args else kwargs.get("values" if kind == "ParameterList" else "parameters")
    if len(args) > 1 or source is None:
        obj.uncertain = len(args) > 1
        return obj
    if kind == "ParameterList":
        _extend(interp, obj, source)
    else:
        _update(interp, obj, source)
    return obj


def _store(interp: Any, obj: ModuleObj, key: str, value: Any) -> None:
    """``self[key] = value``: a tensor becomes a parameter; a new key goes last, an old one keeps its place."""
    if isinstance(value, TensorVal):
        value = TensorVal(value.shape, value.integer, param=True, tainted=value.tainted)
    if interp.uncertain_change(obj):
        obj.uncertain = True
    if key in obj.keys:
        obj.items[obj.keys.index(key)] = value
    else:
        obj.keys.append(key)
        obj.items.append(value)
    interp.write(obj.attrs, key, value)


def _extend(interp: Any, obj: ModuleObj, values: Any) -> None:
    """``ParameterList.extend(values)``: each appended in order (torch refuses a tensor: left uncertain)."""
    items = interp.iterate(values, None) if not isinstance(values, TensorVal) else None
    if items is None:
        obj.uncertain = True
        return
    for value in items:
        _store(interp, obj, str(len(obj.items)), value)


def _update(interp: Any, obj: ModuleObj, source: Any) -> None:
    """``ParameterDict.update(source)``: a dict's items (torch sorts a plain dict's keys), or (key, value) pairs.

    A DictVal may stand for a dict or an OrderedDict: when sorting would change its order, the order is not known.
    """
    if isinstance(source, DictVal):
        keys = list(source.items)
        if source.uncertain or not all(isinstance(k, str) for k in keys) or keys != sorted(keys):
            obj.uncertain = True
            return
        pairs: list[Any] = list(source.items.items())
    else:
        listed = interp.iterate(source, None) if isinstance(source, (tuple, ListVal)) else None
        pairs = [p for p in listed or [] if isinstance(p, tuple) and len(p) == 2]
        if listed is None or len(pairs) != len(listed) or not all(isinstance(k, str) for k, _ in pairs):
            obj.uncertain = True
            return
    for key, value in pairs:
        _store(interp, obj, key, value)


def iterate(obj: ModuleObj) -> list[Any] | None:
    """``for p in params``: a list's values, a dict's keys; None when not known."""
    if obj.uncertain:
        return None
    return list(obj.items) if obj.kind == "ParameterList" else list(obj.keys)


def item(obj: ModuleObj, key: Any) -> Any:
    """``params[i]`` / ``params[a:b]`` / ``params["name"]``; UNKNOWN where torch would raise or it is not known."""
    if obj.uncertain:
        return UNKNOWN
    if obj.kind == "ParameterDict":
        return obj.attrs.get(key, UNKNOWN) if isinstance(key, str) else UNKNOWN
    if isinstance(key, int) and not isinstance(key, bool):
        return obj.items[key] if -len(obj.items) <= key < len(obj.items) else UNKNOWN
    if isinstance(key, slice) and all(p is None or type(p) is int for p in (key.start, key.stop, key.step)):
        if key.step == 0:
            return UNKNOWN
        sliced = ModuleObj("ParameterList", origin=obj.origin)
        sliced.items = obj.items[key]
        sliced.keys = [str(i) for i in range(len(sliced.items))]
        sliced.attrs = dict(zip(sliced.keys, sliced.items))
        return sliced
    return UNKNOWN


def method(interp: Any, obj: ModuleObj, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """The container's own methods; NotImplemented for a module's (``parameters()``, ``to()``)."""
    if name not in _METHODS:
        return NotImplemented
    listing = obj.kind == "ParameterList"
    if kwargs:
        pass
    elif listing and name == "append" and len(args) == 1:
        _store(interp, obj, str(len(obj.items)), args[0])
        return obj
    elif listing and name == "extend" and len(args) == 1:
        _extend(interp, obj, args[0])
        return obj
    elif not listing and name == "update" and len(args) == 1:
        _update(interp, obj, args[0])
        return None
    elif not listing and name in ("keys", "values", "items") and not args:
        if obj.uncertain:
            return UNKNOWN
        if name == "keys":
            return tuple(obj.keys)
        return tuple(obj.items) if name == "values" else tuple(zip(obj.keys, obj.items))
    obj.uncertain = True  # a call torch would refuse, or one not modelled: what it holds is no longer known
    return UNKNOWN
