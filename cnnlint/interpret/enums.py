"""``enum.Enum`` classes: members, ``Fmt('NHWC')`` look-ups, and comparisons as Python makes them.

timm picks tensor layouts with ``class Format(str, Enum)`` and tests them with
``fmt == Format.NCHW`` / ``fmt is Format.NLC``. A member is one object per
name; it equals another member only when it is the same one, and equals a
plain value when the enum mixes in that value's type (``str``, ``int``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cnnlint.interpret.values import UNKNOWN, Builtin, ClassVal, QualName, Sym, is_plain

_ENUM_BASES = frozenset({"enum.Enum", "enum.IntEnum", "enum.StrEnum"})


@dataclass(eq=False)
class EnumMember:
    cls: ClassVal
    name: str
    value: Any


def is_enum(cls: Any) -> bool:
    return isinstance(cls, ClassVal) and any(isinstance(c, QualName) and c.name in _ENUM_BASES for c in cls.mro())


def setup(cls: ClassVal) -> None:
    """Turn the plain class attributes of an Enum class into its members (``_ignore_`` and dunders aside)."""
    if not is_enum(cls):
        return
    for key, value in list(cls.ns.items()):
        if not key.startswith("_") and (is_plain(value) or isinstance(value, tuple)):
            cls.ns[key] = EnumMember(cls, key, value)


def members(cls: ClassVal) -> list[EnumMember]:
    return [m for c in cls.mro() if isinstance(c, ClassVal) for m in c.ns.values() if isinstance(m, EnumMember)]


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


def attr(member: EnumMember, name: str) -> Any:
    if name == "value":
        return member.value
    if name == "name":
        return member.name
    return UNKNOWN
