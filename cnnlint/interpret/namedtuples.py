"""``collections.namedtuple`` / functional ``typing.NamedTuple`` types and their instances.

GoogLeNet and Inception3 return ``GoogLeNetOutputs(x, aux2, aux1)`` in
training mode: an instance is a real tuple (indexing, unpacking, ``len`` and
tuple outputs work as for any tuple) that also answers its field names.
"""

from __future__ import annotations

from cnnlint.interpret.values import MISSING, UNKNOWN, ListVal
from cnnlint.records import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@dataclass(eq=False)
class NamedTupleType:
    """The class ``namedtuple(name, fields)`` returns."""

    name: str
    fields: tuple[str, ...]
    defaults: tuple[Any, ...] = ()


class NamedTupleVal(tuple):
    """An instance: the tuple of its field values, and its type."""

    kind: NamedTupleType

    def __new__(cls, items: list[Any], kind: NamedTupleType) -> NamedTupleVal:
        value = super().__new__(cls, items)
        value.kind = kind
        return value


def _names(value: Any) -> list[str] | None:
    if isinstance(value, str):
        names = value.replace(",", " ").split()
    elif isinstance(value, (tuple, ListVal)):
        items = value.items if isinstance(value, ListVal) and not value.uncertain else value
        if not isinstance(items, (list, tuple)):
            return None
        # namedtuple takes names; typing.NamedTuple takes (name, type) pairs
        names = [i[0] if isinstance(i, tuple) and len(i) == 2 else i for i in items]
    else:
        return None
    if not all(isinstance(n, str) and n.isidentifier() and not n.startswith("_") for n in names):
        return None
    return names if len(set(names)) == len(names) else None


def define(args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``namedtuple("Name", ["a", "b"], defaults=(None,))``; UNKNOWN when the fields are not all known."""
    name = args[0] if args else kwargs.get("typename")
    fields = _names(args[1] if len(args) > 1 else kwargs.get("field_names", kwargs.get("fields")))
    if not isinstance(name, str) or fields is None or set(kwargs) - {"typename", "field_names", "fields", "defaults"}:
        return UNKNOWN
    defaults = kwargs.get("defaults") or ()
    if isinstance(defaults, ListVal):
        defaults = tuple(defaults.items) if not defaults.uncertain else None
    if not isinstance(defaults, tuple) or len(defaults) > len(fields):
        return UNKNOWN
    return NamedTupleType(name, tuple(fields), defaults)


def construct(kind: NamedTupleType, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``Name(x, aux2, aux1)``: bound as the generated ``__new__`` binds; UNKNOWN when it would raise."""
    if len(args) > len(kind.fields) or set(kwargs) - set(kind.fields):
        return UNKNOWN
    first_default = len(kind.fields) - len(kind.defaults)
    items = []
    for i, name in enumerate(kind.fields):
        if i < len(args):
            if name in kwargs:
                return UNKNOWN
            items.append(args[i])
        elif name in kwargs:
            items.append(kwargs[name])
        elif i >= first_default:
            items.append(kind.defaults[i - first_default])
        else:
            return UNKNOWN
    return NamedTupleVal(items, kind)


def field(value: NamedTupleVal, name: str) -> Any:
    """``out.logits``; MISSING for a name that is not a field (tuple methods are looked up as usual)."""
    if name in value.kind.fields:
        return value[value.kind.fields.index(name)]
    if name == "_fields":
        return value.kind.fields
    return MISSING


def method(value: NamedTupleVal, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``args._replace(stride=1)`` (efficientnet_pytorch's block arguments) and ``_asdict()``; MISSING for
    other names. A field name the type does not have is Python's ValueError: unknown."""
    if name == "_replace" and not args:
        if set(kwargs) - set(value.kind.fields):
            return UNKNOWN
        return NamedTupleVal([kwargs.get(f, v) for f, v in zip(value.kind.fields, value)], value.kind)
    if name == "_asdict" and not args and not kwargs:
        from cnnlint.interpret.values import DictVal

        return DictVal(dict(zip(value.kind.fields, value)))
    return MISSING
