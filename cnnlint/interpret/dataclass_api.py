"""``@dataclass`` classes of the checked code: ``__init__`` from their fields, ``dataclasses.replace`` and
``asdict`` (timm's and torchvision's model configs are dataclasses).

A mixin of ``TorchAPI``: it uses the session, and ``_plain_instance`` to build an instance.
"""

from __future__ import annotations

from cnnlint.interpret.values import (
    MISSING,
    UNKNOWN,
    ClassVal,
    DictVal,
    FieldDefault,
    FuncVal,
    ListVal,
    ModuleObj,
    SetVal,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class DataclassAPI:
    session: Any
    _plain_instance: Any  # TorchAPI's: an instance of a class of the checked code, built from arguments

    def dataclass_replace(self, interp: Any, obj: Any, changes: dict[str, Any], node: Any) -> Any:
        """``dataclasses.replace(cfg, **changes)``: a new instance built from the old one's fields and the changes."""
        fields = dataclass_fields(obj.cls) if isinstance(obj, ModuleObj) and obj.cls is not None else None
        if fields is None or obj.kind != "object" or any(f not in obj.attrs for f, _ in fields):
            return UNKNOWN
        if any(k not in {f for f, _ in fields} for k in changes):
            return UNKNOWN  # Python raises: no such field
        merged = {f: obj.attrs[f] for f, _ in fields}
        merged.update(changes)
        return self._plain_instance(interp, obj.cls, [], merged, node)

    def dataclass_asdict(self, value: Any, depth: int) -> Any:
        """``dataclasses.asdict(cfg)``: its fields as a dict, nested dataclasses too, everything else deep-copied."""
        if depth > 16:
            return UNKNOWN
        fields = dataclass_fields(value.cls) if isinstance(value, ModuleObj) and value.cls is not None else None
        if fields is None or value.kind != "object" or value.uncertain or any(f not in value.attrs for f, _ in fields):
            return UNKNOWN  # Python raises for a non-dataclass; an object the interpreter lost track of is unknown
        return DictVal({f: self._asdict_item(value.attrs[f], depth + 1) for f, _ in fields})

    def _asdict_item(self, value: Any, depth: int) -> Any:
        nested = isinstance(value, ModuleObj) and value.kind == "object" and value.cls is not None
        if nested and dataclass_fields(value.cls) is not None:
            return self.dataclass_asdict(value, depth)
        if isinstance(value, ListVal) and not isinstance(value, SetVal):
            items = ListVal([self._asdict_item(v, depth + 1) for v in value.items])
            items.uncertain = value.uncertain
            return items
        if type(value) is tuple:
            return tuple(self._asdict_item(v, depth + 1) for v in value)
        if isinstance(value, DictVal):
            items = DictVal({k: self._asdict_item(v, depth + 1) for k, v in value.items.items()})
            items.uncertain = value.uncertain
            return items
        return self.session.copy_value(value)

    def dataclass_init(self, interp: Any, cls: ClassVal, obj: Any, args: list[Any], kwargs: dict, node: Any) -> Any:
        fields = dataclass_fields(cls) or []
        bound = dict(zip([f for f, _ in fields], args))
        bound.update(kwargs)
        for name, default in fields:
            value = bound.get(name, default)
            if isinstance(default, FieldDefault) and name not in bound:
                factory = default.factory
                value = default.default if factory is MISSING else interp.call(factory, [], {}, node, None)
            if value is MISSING:
                return UNKNOWN
            interp.write(obj.attrs, name, value)
        post, _ = cls.lookup("__post_init__")
        if isinstance(post, FuncVal):
            interp.call_function(post, [obj], {}, node)
        return None


def dataclass_fields(cls: ClassVal) -> list[tuple[str, Any]] | None:
    """The fields of a ``@dataclass`` (inherited ones first), or None for another class."""
    fields: list[tuple[str, Any]] = []
    found = False
    for c in reversed(cls.mro()):
        own = getattr(c, "fields", None)
        if own is not None:
            found = True
            names = {n for n, _ in own}
            fields = [f for f in fields if f[0] not in names] + list(own)
    return fields if found else None
