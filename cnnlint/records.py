"""``@dataclass`` for cnnlint's own classes: made when a class is first used, and cheaply.

On Python 3.11, ``dataclasses.dataclass`` compiles six methods per class, each with its own ``exec``
(about 1 ms a class), and importing ``dataclasses`` pulls in ``inspect`` (12 ms more). cnnlint has over a
hundred such classes; a pre-commit hook checking one file spent a third of its wall time there, mostly on
classes the run never touched. This decorator records the options and puts stand-ins for the generated
methods on the class; the first call of any of them (building an instance, comparing, hashing, printing,
unpickling one) makes the class in place: its fields worked out here (annotations, defaults, ``field()``,
``ClassVar``, inheritance), its methods by ``cnnlint.record_methods``.

The result behaves as the standard decorator's (a hypothesis test compares them), ``dataclasses.fields``,
``replace``, ``asdict`` and ``is_dataclass`` included: ``__dataclass_fields__`` is built (importing
``dataclasses``) the first time something asks for it. cnnlint itself uses :func:`fields` and
:func:`replace` here, which need no import. Options beyond ``_COVERED`` go to ``dataclasses.dataclass`` at
once; ``InitVar`` and ``KW_ONLY`` annotations are refused (a test makes every cnnlint class, so a new one
using them fails there, not in a user's run).
"""

from __future__ import annotations

import _thread
import re
from collections.abc import Callable

from cnnlint.record_methods import MISSING, add_methods

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T", bound=type)

_COVERED = {"init", "repr", "eq", "order", "frozen"}
_PENDING: dict[type, dict[str, Any]] = {}  # class -> its options, until made
_STAND_INS: dict[type, tuple[str, ...]] = {}
_LOCK = _thread.RLock()  # (not threading's: importing that costs a hook call 1 ms)
_FIELDS = "__record_fields__"
_CLASS_VAR = re.compile(r"(?:typing\.|t\.)?ClassVar\b")  # as dataclasses reads a string annotation
_REFUSED = re.compile(r"(?:dataclasses\.)?(?:InitVar|KW_ONLY)\b")


class Field:
    """One field: what ``dataclasses.Field`` holds, less ``kw_only``."""

    __slots__ = ("name", "type", "default", "default_factory", "init", "repr", "hash", "compare", "metadata")

    def __init__(self, default: Any, default_factory: Any, init: bool, repr: bool, hash: bool | None,  # noqa: A002
                 compare: bool, metadata: Any) -> None:  # fmt: skip
        self.name: str = ""
        self.type: Any = None
        self.default, self.default_factory = default, default_factory
        self.init, self.repr, self.hash, self.compare, self.metadata = init, repr, hash, compare, metadata

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r}, default_factory={self.default_factory!r})"


def field(*, default: Any = MISSING, default_factory: Any = MISSING, init: bool = True, repr: bool = True,  # noqa: A002
          hash: bool | None = None, compare: bool = True, metadata: Any = None) -> Any:  # noqa: A002 # fmt: skip
    """``dataclasses.field``."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, init, repr, hash, compare, metadata)


def dataclass(cls: T | None = None, /, **options: Any) -> Any:
    """``dataclasses.dataclass``, made at first use."""

    def wrap(target: T) -> T:
        if set(options) - _COVERED:  # slots=True replaces the class; the rest is rare: made at once
            import dataclasses

            return dataclasses.dataclass(target, **options)
        _defer(target, options)
        return target

    return wrap if cls is None else wrap(cls)


def made(cls: type) -> type:
    """``cls`` with its methods and fields made (a no-op once they are)."""
    _make(cls)
    return cls


def fields(value: Any) -> tuple[Field, ...]:
    """``dataclasses.fields`` of a class (or instance) this module made."""
    cls = value if isinstance(value, type) else type(value)
    for klass in cls.__mro__:  # a plain subclass of a record reads its base's fields
        _make(klass)
    return tuple(getattr(cls, _FIELDS).values())


def replace(value: Any, /, **changes: Any) -> Any:
    """``dataclasses.replace``: a new instance with ``changes``, the other init fields copied."""
    for f in fields(value):
        if not f.init:
            if f.name in changes:
                raise ValueError(f"field {f.name} is declared with init=False, it cannot be specified with replace()")
        elif f.name not in changes:
            changes[f.name] = getattr(value, f.name)
    return value.__class__(**changes)


# --------------------------------------------------------------------------- deferring


def _defer(cls: type, options: dict[str, Any]) -> None:
    names = ["__init__"] if options.get("init", True) else []
    if options.get("repr", True):
        names.append("__repr__")
    if options.get("eq", True):  # and the hash that goes with it: made when frozen, None when not
        names += ["__eq__", "__hash__"]
    if options.get("order"):
        names += ["__lt__", "__le__", "__gt__", "__ge__"]
    names.append("__setstate__")  # an instance unpickled (from a worker) or copied before any was built
    stand_ins = tuple(name for name in names if name not in cls.__dict__)
    with _LOCK:
        _PENDING[cls] = options
        _STAND_INS[cls] = stand_ins
        for name in stand_ins:
            setattr(cls, name, _stand_in(cls, name))
        cls.__dataclass_fields__ = _StandardFields(cls)  # type: ignore[attr-defined]


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
            set), once the class is made."""
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
        own = {k: v for k, v in cls.__dict__.items() if k not in stand_ins and k != "__dataclass_fields__"}
        collected = _collect_fields(cls, own)
        made_fields = list(collected.values())
        if not cls.__doc__:
            cls.__doc__ = f"{cls.__name__}({', '.join(f.name for f in made_fields if f.init)})"
        add_methods(cls, options, made_fields, own)
        setattr(cls, _FIELDS, collected)
        if "__match_args__" not in own:
            cls.__match_args__ = tuple(f.name for f in made_fields if f.init)  # type: ignore[attr-defined]
        for name in stand_ins:
            if getattr(cls.__dict__.get(name), "stand_in", False):
                delattr(cls, name)
        del _STAND_INS[cls]
        del _PENDING[cls]


# --------------------------------------------------------------------------- fields


def _collect_fields(cls: type, own: dict[str, Any]) -> dict[str, Field]:
    """The fields, as dataclasses orders them: the bases' (most basic first), then this class's own."""
    collected: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        collected.update(base.__dict__.get(_FIELDS, {}))
    annotations = own.get("__annotations__")
    if annotations is None and "__annotate__" in own:  # Python 3.14 without the __future__ import: lazy
        annotations = cls.__annotations__
    for name, annotation in (annotations or {}).items():
        text = annotation if isinstance(annotation, str) else repr(annotation)
        if _REFUSED.match(text):
            raise TypeError(f"{cls.__qualname__}.{name}: InitVar and KW_ONLY need dataclasses.dataclass")
        if _CLASS_VAR.match(text):
            continue
        default = own.get(name, MISSING)
        if isinstance(default, Field):
            made_field = default
            if default.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, default.default)
        elif type(default).__module__ == "dataclasses":  # dataclasses.field(): its MISSING is not ours
            raise TypeError(f"{cls.__qualname__}.{name}: use cnnlint.records.field with cnnlint.records.dataclass")
        else:
            made_field = field(default=default)
        if made_field.default is not MISSING and type(made_field.default).__hash__ is None:
            raise ValueError(f"mutable default {type(made_field.default)} for field {name} is not allowed: "
                             "use default_factory")  # fmt: skip
        made_field.name, made_field.type = name, annotation
        collected[name] = made_field
    required_after_default = False
    for f in collected.values():
        if not f.init:
            continue
        if f.default is MISSING and f.default_factory is MISSING:
            if required_after_default:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")
        else:
            required_after_default = True
    return collected


class _StandardFields:
    """``__dataclass_fields__`` for ``dataclasses.fields``/``replace``/``asdict``/``is_dataclass``: real
    ``dataclasses.Field`` objects, built (and ``dataclasses`` imported) the first time one is asked for."""

    def __init__(self, owner: type) -> None:
        self.owner = owner

    def __get__(self, instance: Any, cls: type | None = None) -> dict[str, Any]:
        import dataclasses

        owner = self.owner
        _make(owner)
        standard: dict[str, Any] = {}
        for name, f in owner.__dict__[_FIELDS].items():
            default = dataclasses.MISSING if f.default is MISSING else f.default
            factory = dataclasses.MISSING if f.default_factory is MISSING else f.default_factory
            made_field = dataclasses.field(default=default, default_factory=factory, init=f.init, repr=f.repr,
                                           hash=f.hash, compare=f.compare, metadata=f.metadata)  # fmt: skip
            made_field.name, made_field.type, made_field.kw_only = name, f.type, False  # type: ignore[attr-defined]
            made_field._field_type = dataclasses._FIELD  # type: ignore[attr-defined]
            standard[name] = made_field
        owner.__dataclass_fields__ = standard  # built once: the plain dict from now on
        return standard
