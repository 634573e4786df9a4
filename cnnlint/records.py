"""``@dataclass``, made when a class is first used rather than when its module is imported, and cheaper.

On Python 3.11 ``dataclasses.dataclass`` compiles each generated method with its own ``exec``: about
1 ms per class, and cnnlint has over a hundred. A pre-commit hook checking one file spent a quarter of its
wall time there, mostly on classes the run never touched. This decorator records the options and puts
stand-ins for the generated methods on the class; the first call of any of them (building an instance,
comparing, hashing, printing one) makes the class in place, which replaces the stand-ins.

Making it: ``dataclasses`` itself works out the fields (defaults, factories, ``ClassVar``, inheritance,
``fields()``/``replace()``/``asdict()`` support) with no method generated; then ``__init__`` is compiled
(the method hot paths call most: one small ``exec``), and ``__eq__``, ``__hash__`` (over
``operator.attrgetter``), ``__repr__``, ordering and the frozen ``__setattr__``/``__delattr__`` are
closures. The result behaves as the standard decorator's (a hypothesis test compares them). Options this
does not cover (``unsafe_hash``, ``slots``, ...) go to the standard decorator whole; ``kw_only`` fields
and ``InitVar`` are refused (a test makes every cnnlint class, so a new one using them fails there).

An instance that arrives without ``__init__`` (unpickled from a worker, copied) makes its class through a
``__setstate__`` stand-in. The class itself must not be read as a dataclass before it is made
(``dataclasses.fields(Cls)``, a field's default read from the class): :func:`made` makes it first.
"""

from __future__ import annotations

import dataclasses
import operator
import reprlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T", bound=type)

_PENDING: dict[type, dict[str, Any]] = {}  # class -> its dataclass options, until made
_STAND_INS: dict[type, tuple[str, ...]] = {}
_LOCK = threading.RLock()


def dataclass(cls: T | None = None, /, **options: Any) -> Any:
    """``dataclasses.dataclass``'s signature, made lazily (options beyond ``_COVERED``: at once, by dataclasses)."""

    def wrap(target: T) -> T:
        if set(options) - _COVERED:  # slots=True replaces the class; the rest is rare: made at once
            return dataclasses.dataclass(target, **options)
        _defer(target, options)
        return target

    return wrap if cls is None else wrap(cls)


def made(cls: type) -> type:
    """``cls`` with its dataclass methods made (a no-op once they are)."""
    _make(cls)
    return cls


def _defer(cls: type, options: dict[str, Any]) -> None:
    eq = options.get("eq", True)
    names = ["__init__"] if options.get("init", True) else []
    if options.get("repr", True):
        names.append("__repr__")
    if eq:  # and the hash that goes with it: generated when frozen, None when not
        names += ["__eq__", "__hash__"]
    if options.get("order"):
        names += ["__lt__", "__le__", "__gt__", "__ge__"]
    names.append("__setstate__")  # an instance unpickled (from a worker) or copied before any was built
    own = cls.__dict__
    stand_ins = tuple(name for name in names if name not in own)
    with _LOCK:
        _PENDING[cls] = options
        _STAND_INS[cls] = stand_ins
        for name in stand_ins:
            setattr(cls, name, _stand_in(cls, name))


def _stand_in(cls: type, name: str) -> Callable[..., Any]:
    if name == "__hash__":

        def rehash(self: Any) -> int:
            _make(cls)
            return hash(self)

        rehash.stand_in = True  # type: ignore[attr-defined]
        return rehash
    if name == "__setstate__":

        def restore(self: Any, state: Any) -> None:
            """What pickle and copy do without a ``__setstate__`` (the instance ``__dict__`` updated, slots
            set), once the class is made: ``dataclasses.replace`` and ``fields`` then work on the copy."""
            _make(cls)
            if isinstance(state, tuple) and len(state) == 2:
                state, slots = state
                for key, value in (slots or {}).items():
                    object.__setattr__(self, key, value)
            if state:
                self.__dict__.update(state)

        restore.stand_in = True  # type: ignore[attr-defined]
        return restore

    def first_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        _make(cls)
        return getattr(cls, name)(self, *args, **kwargs)

    first_call.__name__ = name
    first_call.stand_in = True  # type: ignore[attr-defined]
    return first_call


def _make(cls: type) -> None:
    """Make ``cls`` (its bases first). The stand-ins stay until the real methods replace them, and the class
    leaves ``_PENDING`` only when made: another thread meanwhile waits on the lock, never sees it half made."""
    if cls not in _PENDING:
        return
    with _LOCK:
        options = _PENDING.get(cls)
        if options is None:  # made meanwhile, by another thread
            return
        for base in reversed(cls.__mro__[1:]):
            if base in _PENDING:
                _make(base)
        stand_ins = _STAND_INS[cls]
        _make_cheaply(cls, options, {k: v for k, v in cls.__dict__.items() if k not in stand_ins})
        for name in stand_ins:
            if getattr(cls.__dict__.get(name), "stand_in", False):
                delattr(cls, name)
        del _STAND_INS[cls]
        del _PENDING[cls]


_COVERED = {"init", "repr", "eq", "order", "frozen"}
_FACTORY = object()  # the default of an argument whose field has a default_factory (dataclasses' <factory>)


def _make_cheaply(cls: type, options: dict[str, Any], own: dict[str, Any]) -> None:
    """Make ``cls`` in place; ``own`` is its namespace as written (without the stand-ins)."""
    init, eq, frozen = options.get("init", True), options.get("eq", True), options.get("frozen", False)
    class_hash = own.get("__hash__", dataclasses.MISSING)
    explicit_hash = not (class_hash is dataclasses.MISSING or (class_hash is None and "__eq__" in own))
    undocumented = not cls.__doc__
    if undocumented:  # dataclasses would word one from inspect.signature: 1 ms of tokenizing on first use
        cls.__doc__ = cls.__name__
    dataclasses.dataclass(cls, init=False, repr=False, eq=False)  # the fields only: no method is compiled
    fields = [f for f in cls.__dataclass_fields__.values() if f._field_type is dataclasses._FIELD]  # type: ignore[attr-defined]
    declared = cls.__dataclass_fields__.values()  # type: ignore[attr-defined]
    initvar = dataclasses._FIELD_INITVAR  # type: ignore[attr-defined]
    if any(f.kw_only is True or f._field_type is initvar or f.name == "self" for f in declared):
        raise TypeError(f"{cls.__qualname__}: kw_only, InitVar or a field named self need dataclasses.dataclass")
    if undocumented:
        cls.__doc__ = f"{cls.__name__}({', '.join(f.name for f in fields if f.init)})"
    if init and "__init__" not in own:
        namespace: dict[str, Any] = {"_FACTORY": _FACTORY, "_set": object.__setattr__}
        exec(_init_source(cls, fields, frozen, namespace), namespace)  # noqa: S102 - as dataclasses does
        namespace["__init__"].__qualname__ = f"{cls.__qualname__}.__init__"
        cls.__init__ = namespace["__init__"]  # type: ignore[misc]
    compared = [f.name for f in fields if f.compare]
    if eq and "__eq__" not in own:
        cls.__eq__ = _eq_method(cls, compared)  # type: ignore[method-assign]
    hashing = eq and not explicit_hash
    if hashing and frozen:
        cls.__hash__ = _hash_method(cls, [f.name for f in fields if (f.compare if f.hash is None else f.hash)])  # type: ignore[method-assign]
    if hashing and not frozen:
        cls.__hash__ = None  # type: ignore[assignment]
    if options.get("repr", True) and "__repr__" not in own:
        cls.__repr__ = _repr_method(cls, [f.name for f in fields if f.repr])  # type: ignore[method-assign]
    if options.get("order"):
        _add_order(cls, compared, own)
    if frozen:
        _add_frozen(cls, {f.name for f in fields}, own)


def _values(names: list[str]) -> Callable[[Any], tuple]:
    """The fields' values as a tuple (``attrgetter`` gives a bare value for one name: a 1-tuple compares
    ``nan`` to itself as equal, as dataclasses' ``(self.x,) == (other.x,)`` does)."""
    if len(names) == 1:
        name = names[0]
        return lambda value: (getattr(value, name),)
    return operator.attrgetter(*names) if names else lambda value: ()


def _eq_method(cls: type, names: list[str]) -> Callable[[Any, Any], Any]:
    values = _values(names)

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    __eq__.__qualname__ = f"{cls.__qualname__}.__eq__"
    return __eq__


def _hash_method(cls: type, names: list[str]) -> Callable[[Any], int]:
    values = _values(names)

    def __hash__(self: Any) -> int:
        return hash(values(self))

    __hash__.__qualname__ = f"{cls.__qualname__}.__hash__"
    return __hash__


def _init_source(cls: type, fields: list, frozen: bool, namespace: dict[str, Any]) -> str:
    """``__init__``'s source, as dataclasses writes it; the defaults it names go into ``namespace``."""
    arguments, body = ["self"], []
    for f in fields:
        name = f.name
        has_factory = f.default_factory is not dataclasses.MISSING
        if has_factory:
            namespace[f"_dflt_{name}"] = f.default_factory
        elif f.default is not dataclasses.MISSING:
            namespace[f"_dflt_{name}"] = f.default
        if f.init:
            if has_factory:
                arguments.append(f"{name}=_FACTORY")
                value = f"_dflt_{name}() if {name} is _FACTORY else {name}"
            elif f.default is not dataclasses.MISSING:
                arguments.append(f"{name}=_dflt_{name}")
                value = name
            else:
                arguments.append(name)
                value = name
        elif has_factory:
            value = f"_dflt_{name}()"
        elif f.default is not dataclasses.MISSING:
            value = f"_dflt_{name}"
        else:
            continue
        body.append(f" _set(self, {name!r}, {value})" if frozen else f" self.{name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append(" self.__post_init__()")
    return f"def __init__({', '.join(arguments)}):\n" + ("\n".join(body) or " pass")


def _repr_method(cls: type, names: list[str]) -> Callable[[Any], str]:
    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    __repr__.__qualname__ = f"{cls.__qualname__}.__repr__"
    return __repr__


def _add_order(cls: type, names: list[str], own: dict[str, Any]) -> None:
    def method(name: str, compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], Any]:
        def ordered(self: Any, other: Any) -> Any:
            if other.__class__ is self.__class__:
                return compare(tuple(getattr(self, n) for n in names), tuple(getattr(other, n) for n in names))
            return NotImplemented

        ordered.__name__ = name
        ordered.__qualname__ = f"{cls.__qualname__}.{name}"
        return ordered

    for name, compare in (("__lt__", operator.lt), ("__le__", operator.le), ("__gt__", operator.gt),
                          ("__ge__", operator.ge)):  # fmt: skip
        if name in own:
            raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
        setattr(cls, name, method(name, compare))


def _add_frozen(cls: type, names: set[str], own: dict[str, Any]) -> None:
    if "__setattr__" in own or "__delattr__" in own:
        raise TypeError(f"Cannot overwrite attribute __setattr__ in class {cls.__name__}")

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    __setattr__.__qualname__ = f"{cls.__qualname__}.__setattr__"
    __delattr__.__qualname__ = f"{cls.__qualname__}.__delattr__"
    cls.__setattr__ = __setattr__  # type: ignore[method-assign]
    cls.__delattr__ = __delattr__  # type: ignore[method-assign]
