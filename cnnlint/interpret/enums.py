"""``enum.Enum`` classes: members, ``Fmt('NHWC')`` look-ups, and comparisons as Python makes them.

timm picks tensor layouts with ``class Format(str, Enum)`` and tests them with
``fmt == Format.NCHW`` / ``fmt is Format.NLC``. A member is one object per
name; it equals another member only when it is the same one, and equals a
plain value when the enum mixes in that value's type (``str``, ``int``).
torchvision's weights are members whose values are objects
(``IMAGENET1K_V1 = Weights(url=..., meta={...})``), read through the enum's own
methods and properties (``weights.meta["categories"]``, ``Weights.verify(w)``);
``DEFAULT = IMAGENET1K_V2`` is an alias: the same member.
"""

from __future__ import annotations

from cnnlint.interpret.pyops import bind_class_attribute
from cnnlint.interpret.values import MISSING, UNKNOWN, Builtin, ClassVal, FuncVal, QualName, Sym, is_plain
from cnnlint.records import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_ENUM_BASES = frozenset({"enum.Enum", "enum.IntEnum", "enum.StrEnum"})


@dataclass(eq=False)
class EnumMember:
    cls: ClassVal
    name: str
    value: Any


def is_enum(cls: Any) -> bool:
    return isinstance(cls, ClassVal) and any(isinstance(c, QualName) and c.name in _ENUM_BASES for c in cls.mro())


def setup(cls: ClassVal) -> None:
    """Turn the class attributes of an Enum class into its members, as ``EnumMeta`` does: not functions,
    descriptors or nested classes; names with a leading underscore stay as they are; a value equal to an
    earlier member's (the same object, for one that is not a plain value) makes an alias of that member."""
    if not is_enum(cls):
        return
    made: list[EnumMember] = []
    for key, value in list(cls.ns.items()):
        if key.startswith("_") or value is UNKNOWN or isinstance(value, (FuncVal, ClassVal, Builtin, QualName)):
            continue
        alias = next((m for m in made if _same_value(m.value, value)), None)
        cls.ns[key] = alias if alias is not None else EnumMember(cls, key, value)
        if alias is None:
            made.append(cls.ns[key])


def _same_value(a: Any, b: Any) -> bool:
    if a is b:
        return True
    plain = (is_plain(a) or isinstance(a, tuple)) and (is_plain(b) or isinstance(b, tuple))
    return plain and type(a) is type(b) and a == b


def members(cls: ClassVal) -> list[EnumMember]:
    return [m for c in cls.mro() if isinstance(c, ClassVal) for m in c.ns.values() if isinstance(m, EnumMember)]


def distinct_members(cls: ClassVal) -> list[EnumMember]:
    """What iterating the class gives: each member once, in definition order (aliases skipped)."""
    seen: set[int] = set()
    out = []
    for m in members(cls):
        if id(m) not in seen:
            seen.add(id(m))
            out.append(m)
    return out


def _mixin(cls: ClassVal) -> type | None:
    for c in cls.mro():
        if isinstance(c, Builtin) and c.name in ("str", "int"):
            return str if c.name == "str" else int
        if isinstance(c, QualName) and c.name in ("enum.IntEnum", "enum.StrEnum"):
            return int if c.name == "enum.IntEnum" else str
    return None


def lookup(cls: ClassVal, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``Format(value)``: the member itself, or the member with that value; unknown when Python would raise."""
    if len(args) != 1 or kwargs:
        return UNKNOWN
    value = args[0]
    if isinstance(value, EnumMember):
        return value if value.cls is cls else UNKNOWN
    if not is_plain(value) or isinstance(value, Sym) or value is None:
        return UNKNOWN
    for member in members(cls):
        if is_plain(member.value) and type(member.value) is type(value) and member.value == value:
            return member
    return UNKNOWN


def by_name(cls: ClassVal, name: Any) -> Any:
    """``Weights["IMAGENET1K_V1"]``: the member of that name (an alias gives its member); unknown where
    Python raises a KeyError."""
    if type(name) is not str:
        return UNKNOWN
    for c in cls.mro():
        if isinstance(c, ClassVal):
            member = c.ns.get(name, MISSING)
            if isinstance(member, EnumMember):
                return member
    return UNKNOWN


def equal(a: Any, b: Any) -> Any:
    """``a == b`` where one side is a member: True, False or UNKNOWN."""
    if a is b:
        return True
    member, other = (a, b) if isinstance(a, EnumMember) else (b, a)
    if isinstance(other, EnumMember):
        return False
    if other is UNKNOWN or isinstance(other, Sym):
        return UNKNOWN
    if is_plain(other):
        mixin = _mixin(member.cls)
        if mixin is None:
            return False
        return isinstance(other, mixin) and not isinstance(other, bool) and other == member.value
    return UNKNOWN


def attr(interp: Any, member: EnumMember, name: str) -> Any:
    """``member.value`` / ``.name``, and what the enum class defines: methods bound to the member, properties
    run on it (torchvision's ``WeightsEnum.meta`` returns ``self.value.meta``)."""
    if name == "value":
        return member.value
    if name == "name":
        return member.name
    found, _owner = member.cls.lookup(name)
    if found is MISSING:
        return UNKNOWN
    # ``Color.RED.BLUE`` is ``Color.BLUE`` (Python 3.11 still allows it)
    return bind_class_attribute(interp, interp.resolve(found), member, member.cls)


def is_member_of(member: EnumMember, kind: Any) -> Any:
    """``isinstance(member, kind)`` for a class of the checked code."""
    if any(c is kind for c in member.cls.mro()):
        return True
    return UNKNOWN if member.cls.has_unknown_base else False
