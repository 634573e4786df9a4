"""The methods ``cnnlint.records`` gives a class: what ``dataclasses`` generates, made without its six
``exec``s per class. ``__init__`` is compiled (hot paths build instances all the time; one small ``exec``);
``__eq__``, ``__hash__`` (over ``operator.attrgetter``), ``__repr__``, ordering and the frozen
``__setattr__``/``__delattr__`` are closures."""

from __future__ import annotations

import operator
import reprlib
from collections.abc import Callable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MISSING: Any = type("MISSING", (), {"__repr__": lambda self: "MISSING"})()
_FACTORY = object()  # the default of an argument whose field has a default_factory (dataclasses' <factory>)


def add_methods(cls: type, options: dict[str, Any], fields: list, own: dict[str, Any]) -> None:
    """Put the methods on ``cls`` as ``dataclasses.dataclass(cls, **options)`` would (``own``: the class
    namespace as written: a method written there is kept, as dataclasses keeps it)."""
    eq, frozen = options.get("eq", True), options.get("frozen", False)
    class_hash = own.get("__hash__", MISSING)
    explicit_hash = not (class_hash is MISSING or (class_hash is None and "__eq__" in own))
    if options.get("init", True) and "__init__" not in own:
        namespace: dict[str, Any] = {"_FACTORY": _FACTORY, "_set": object.__setattr__}
        exec(_init_source(cls, fields, frozen, namespace), namespace)  # noqa: S102 - as dataclasses does
        _put(cls, "__init__", namespace["__init__"])
    compared = [f.name for f in fields if f.compare]
    if eq and "__eq__" not in own:
        _put(cls, "__eq__", _eq_method(compared))
    if eq and not explicit_hash:  # dataclasses' hash table, unsafe_hash=False: made when frozen, else None
        if frozen:
            _put(cls, "__hash__", _hash_method([f.name for f in fields if (f.compare if f.hash is None else f.hash)]))
        else:
            cls.__hash__ = None  # type: ignore[assignment]
    if options.get("repr", True) and "__repr__" not in own:
        _put(cls, "__repr__", _repr_method([f.name for f in fields if f.repr]))
    if options.get("order"):
        for name, compare in (("__lt__", operator.lt), ("__le__", operator.le), ("__gt__", operator.gt),
                              ("__ge__", operator.ge)):  # fmt: skip
            if name in own:
                raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
            _put(cls, name, _order_method(compared, compare))
    if frozen:
        if "__setattr__" in own or "__delattr__" in own:
            raise TypeError(f"Cannot overwrite attribute __setattr__ in class {cls.__name__}")
        _add_frozen(cls, {f.name for f in fields})


def _put(cls: type, name: str, function: Any) -> None:
    function.__name__ = name
    function.__qualname__ = f"{cls.__qualname__}.{name}"
    setattr(cls, name, function)


def _init_source(cls: type, fields: list, frozen: bool, namespace: dict[str, Any]) -> str:
    """``__init__``'s source, as dataclasses writes it; the defaults it names go into ``namespace``."""
    arguments, body = ["self"], []
    for f in fields:
        name = f.name
        has_factory = f.default_factory is not MISSING
        if has_factory:
            namespace[f"_dflt_{name}"] = f.default_factory
        elif f.default is not MISSING:
            namespace[f"_dflt_{name}"] = f.default
        if f.init:
            if has_factory:
                arguments.append(f"{name}=_FACTORY")
                value = f"_dflt_{name}() if {name} is _FACTORY else {name}"
            elif f.default is not MISSING:
                arguments.append(f"{name}=_dflt_{name}")
                value = name
            else:
                arguments.append(name)
                value = name
        elif has_factory:
            value = f"_dflt_{name}()"
        elif f.default is not MISSING:
            value = f"_dflt_{name}"
        else:
            continue
        body.append(f" _set(self, {name!r}, {value})" if frozen else f" self.{name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append(" self.__post_init__()")
    return f"def __init__({', '.join(arguments)}):\n" + ("\n".join(body) or " pass")


def _values(names: list[str]) -> Callable[[Any], tuple]:
    """The fields' values as a tuple (``attrgetter`` gives a bare value for one name: a 1-tuple compares
    ``nan`` to itself as equal, as dataclasses' ``(self.x,) == (other.x,)`` does)."""
    if len(names) == 1:
        name = names[0]
        return lambda value: (getattr(value, name),)
    return operator.attrgetter(*names) if names else lambda value: ()


def _eq_method(names: list[str]) -> Callable[[Any, Any], Any]:
    values = _values(names)

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return __eq__


def _order_method(names: list[str], compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], Any]:
    values = _values(names)

    def ordered(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return compare(values(self), values(other))
        return NotImplemented

    return ordered


def _hash_method(names: list[str]) -> Callable[[Any], int]:
    values = _values(names)

    def __hash__(self: Any) -> int:
        return hash(values(self))

    return __hash__


def _repr_method(names: list[str]) -> Callable[[Any], str]:
    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return __repr__


def _add_frozen(cls: type, names: set[str]) -> None:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            _frozen(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            _frozen(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    _put(cls, "__setattr__", __setattr__)
    _put(cls, "__delattr__", __delattr__)


def _frozen(message: str) -> None:
    import dataclasses  # the error dataclasses raises (an AttributeError): its import only when one is raised

    raise dataclasses.FrozenInstanceError(message)
