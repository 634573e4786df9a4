"""Classes of the checked code that derive from ``dict``: the AttrDict that research code writes itself.

Three forms are common, and each is read as Python runs it::

    class Config(dict):                       class AttrDict(dict):
        def __getattr__(self, k):                 def __init__(self, *a, **kw):
            return self[k]                            super().__init__(*a, **kw)
        def __setattr__(self, k, v):                  self.__dict__ = self
            self[k] = v
                                              class EasyDict(dict):
                                                  __getattr__ = dict.get
                                                  __setattr__ = dict.__setitem__

An instance is a dict (``DictInstance``): item access, ``**cfg``, ``len`` and iteration are the dict's.
An attribute is looked up as ``object.__getattribute__`` does (the instance ``__dict__``, the class, then
``__getattr__``), and set through the class's ``__setattr__``. A class that redefines what the dict's own
operations mean (``__getitem__``, ``__missing__``, ``get``, ...) is not modelled this way: its instances stay
plain objects, read as before.
"""

from __future__ import annotations

from cnnlint.interpret import attr_dicts
from cnnlint.interpret.values import (
    MISSING,
    UNKNOWN,
    BoundMethod,
    Builtin,
    ClassVal,
    DictInstance,
    DictVal,
    FuncVal,
    MethodOf,
    QualName,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Defined in the class, these change what the dict's own operations do in ways not read here (CPython's
# ``**cfg`` and ``dict(cfg)`` skip an overridden ``keys`` or ``__getitem__``, but not ``__iter__``): such a
# class is not a plain dict. ``__getitem__`` / ``__setitem__`` of its own are called for ``cfg[k]``.
_REDEFINES = frozenset(
    {"__missing__", "__contains__", "__iter__", "__len__", "__delitem__", "__getattribute__", "__new__"}
)
_DICT_CLASSES = frozenset({"collections.OrderedDict"})
# What ``dict.<name>`` / ``object.<name>`` are read as, called with the instance first
UNBOUND = {
    "dict": frozenset({"__init__", "__getitem__", "__setitem__", "get", "update", "setdefault", "pop"}),
    "object": frozenset({"__setattr__"}),
}
INIT = "__dict_init__"  # ``super().__init__(...)`` of a dict subclass: dict's own ``__init__``
STORE = "__object_setattr__"  # ``super().__setattr__(k, v)`` / ``object.__setattr__(self, k, v)``
GET = "__dict_getitem__"  # ``super().__getitem__(k)``: dict's own, never the class's
SET = "__dict_setitem__"
OWN_METHODS = frozenset({INIT, STORE, GET, SET})
_RAW = {"__init__": INIT, "__getitem__": GET, "__setitem__": SET}


def is_dict_base(c: Any) -> bool:
    """dict (or OrderedDict) in a class's bases."""
    return (isinstance(c, Builtin) and c.name == "dict") or (isinstance(c, QualName) and c.name in _DICT_CLASSES)


def is_dict_class(cls: ClassVal) -> bool:
    """Does ``cls`` derive from dict, with nothing between it and dict that changes what a dict does?"""
    for c in cls.mro():
        if isinstance(c, ClassVal):
            if any(name in c.ns for name in _REDEFINES):
                return False
            continue
        if is_dict_base(c):
            return True
        if not (isinstance(c, Builtin) and c.name == "object"):
            return False  # another base (unknown, a library class) before dict
    return False


def build(interp: Any, cls: ClassVal, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    """``Config(d)``: a new instance, filled by the class's ``__init__`` or by dict's."""
    from cnnlint.interpret.pyops import bind_arguments

    obj = DictInstance(cls)
    init, _ = cls.lookup("__init__")
    init = interp.resolve(init)
    if isinstance(init, FuncVal) and init.kind == "function":
        if bind_arguments(init, [obj, *args], kwargs) is None:
            return UNKNOWN  # Python raises TypeError
        interp.call_function(init, [obj, *args], kwargs, node)
    elif init is MISSING:
        _fill(interp, obj, args, kwargs)
    else:
        return UNKNOWN
    return obj


def _fill(interp: Any, obj: DictInstance, args: list[Any], kwargs: dict[str, Any]) -> None:
    """dict's ``__init__``: the keys of ``dict(*args, **kwargs)`` added (it never removes any)."""
    made = interp.session.builtin_call(interp, "dict", list(args), dict(kwargs), None, None)
    if not isinstance(made, DictVal) or made.uncertain:
        obj.uncertain = True
        return
    for key, value in made.items.items():
        set_raw(interp, obj, key, value)


def base_method(obj: DictInstance, name: str) -> Any:
    """``super().<name>`` where the next class is dict."""
    if name in _RAW:
        return MethodOf(obj, _RAW[name])
    if name == "__setattr__":
        return MethodOf(obj, STORE)
    if attr_dicts.dict_attribute(name) and not name.startswith("__"):
        return MethodOf(obj, name)
    return UNKNOWN


def method(interp: Any, obj: DictInstance, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if name == INIT:
        _fill(interp, obj, args, kwargs)
        return None
    if name == STORE and len(args) == 2 and not kwargs and isinstance(args[0], str):
        _store(interp, obj, args[0], args[1])
        return None
    if name == GET and len(args) == 1 and not kwargs:
        return get_raw(interp, obj, args[0])
    if name == SET and len(args) == 2 and not kwargs:
        set_raw(interp, obj, args[0], args[1])
        return None
    obj.uncertain = True
    return UNKNOWN


def unbound(interp: Any, owner: Builtin, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``dict.__init__(self, d)``, ``dict.get(cfg, k)``, ``object.__setattr__(self, k, v)``: dict's (object's)
    own method, on a first argument that is a dict (an instance of a dict subclass)."""
    target = args[0] if args else None
    if isinstance(target, DictInstance) and owner.name == "object":
        return method(interp, target, STORE, args[1:], kwargs)
    if isinstance(target, DictInstance) and name in _RAW:
        return method(interp, target, _RAW[name], args[1:], kwargs)
    if owner.name == "dict" and isinstance(target, DictVal) and name != "__init__":
        return interp.session.torch.call_method(interp, target, name, args[1:], kwargs, None)
    interp._unknown_effects(args, kwargs)
    return UNKNOWN


def own_item_method(obj: DictInstance, name: str) -> FuncVal | None:
    """The class's own ``__getitem__`` / ``__setitem__``, which ``cfg[k]`` calls."""
    found, _ = obj.cls.lookup(name)
    return found if isinstance(found, FuncVal) and found.kind == "function" else None


def get_raw(interp: Any, obj: DictInstance, key: Any) -> Any:
    """dict's own ``__getitem__``: a missing key raises KeyError (unknown here)."""
    from cnnlint.interpret.pyops import _hashable

    if obj.uncertain or not _hashable(key):
        return UNKNOWN
    return obj.items.get(key, UNKNOWN)


def set_raw(interp: Any, obj: DictInstance, key: Any, value: Any) -> None:
    """dict's own ``__setitem__`` (what ``dict.__init__`` and ``update`` use, whatever the class defines)."""
    from cnnlint.interpret.pyops import _hashable

    if not _hashable(key):
        obj.uncertain = True
        return
    if interp.branching and key not in obj.items:
        obj.uncertain = True  # a key added in a branch that may not run
    interp.write(obj.items, key, value)


def attribute(interp: Any, obj: DictInstance, name: str) -> Any:
    """``cfg.name`` as ``object.__getattribute__`` finds it, then the class's ``__getattr__``."""
    if name == "__dict__":
        if obj.attrs_are_items:
            return obj
        view = DictVal()
        view.items = obj.attrs  # the instance's own: writes through it are its attributes
        return view
    if name == "__class__":
        return obj.cls
    own = obj.items if obj.attrs_are_items else obj.attrs
    if name in own and not (obj.attrs_are_items and obj.uncertain):
        return own[name]
    if obj.attrs_are_items and obj.uncertain:
        return UNKNOWN  # the key may be there
    value, _ = obj.cls.lookup(name)
    if value is not MISSING:
        return _bound(interp, obj, interp.resolve(value))
    if attr_dicts.dict_attribute(name) and not name.startswith("__"):
        return MethodOf(obj, name)
    hook, _ = obj.cls.lookup("__getattr__")
    hook = interp.resolve(hook)
    if isinstance(hook, FuncVal) and hook.kind == "function":
        return interp.call_function(hook, [obj, name], {}, None)
    if _dict_method(hook, "get", "__getitem__"):
        if obj.uncertain:
            return UNKNOWN
        if name in obj.items:
            return obj.items[name]
        return None if hook.name == "get" else UNKNOWN  # (``dict.__getitem__`` raises KeyError)
    return UNKNOWN  # AttributeError, or a ``__getattr__`` not read


def set_value(interp: Any, obj: DictInstance, name: str, value: Any) -> None:
    """``cfg.name = value``: through the class's ``__setattr__`` where it has one."""
    if name == "__dict__":
        if value is obj:  # ``self.__dict__ = self``: attributes are the keys from now on
            obj.attrs_are_items = True
            if interp.branching:
                obj.uncertain = True
        else:
            forget(interp, obj)
        return
    hook, _ = obj.cls.lookup("__setattr__")
    hook = interp.resolve(hook)
    if hook is MISSING:
        _store(interp, obj, name, value)
    elif isinstance(hook, FuncVal) and hook.kind == "function":
        interp.call_function(hook, [obj, name, value], {}, None)
    elif _dict_method(hook, "__setitem__"):
        set_raw(interp, obj, name, value)
    else:
        forget(interp, obj)


def _store(interp: Any, obj: DictInstance, name: str, value: Any) -> None:
    """``object.__setattr__``: into the instance ``__dict__`` (the dict itself after ``self.__dict__ = self``)."""
    if obj.attrs_are_items:
        set_raw(interp, obj, name, value)
    else:
        interp.write(obj.attrs, name, value)


def forget(interp: Any, obj: DictInstance) -> None:
    """Code not read may have changed the instance: its keys and attributes are unknown."""
    obj.uncertain = True
    for key in list(obj.attrs):
        interp.write(obj.attrs, key, UNKNOWN)


def _bound(interp: Any, obj: DictInstance, value: Any) -> Any:
    if isinstance(value, FuncVal):
        if value.kind == "staticmethod":
            return value
        if value.kind == "classmethod":
            return BoundMethod(value, obj.cls)
        if value.kind == "property":
            return interp.call_function(value, [obj], {}, None)
        return BoundMethod(value, obj)
    if isinstance(value, MethodOf) and isinstance(value.obj, Builtin) and value.obj.name == "dict":
        return MethodOf(obj, value.name)  # ``get = dict.get`` in the class body
    return value


def _dict_method(value: Any, *names: str) -> bool:
    """``dict.get`` / ``dict.__setitem__`` assigned in the class body (``__getattr__ = dict.get``)."""
    if not isinstance(value, MethodOf) or not isinstance(value.obj, Builtin):
        return False
    return value.obj.name == "dict" and value.name in names
