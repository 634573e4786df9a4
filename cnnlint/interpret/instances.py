"""``isinstance`` / ``issubclass`` as the interpreter answers them: Python's answer where the value and the
class are known well enough (plain values, classes of the checked code read whole, torch layers, the ABCs of
``typing``, ``collections.abc`` and ``numbers``), else unknown."""

from __future__ import annotations

import numbers

from cnnlint.interpret import enums
from cnnlint.interpret.layer_join import is_joined
from cnnlint.interpret.numpy_arrays import ShapedArray
from cnnlint.interpret.values import (
    CONTAINERS,
    UNKNOWN,
    Builtin,
    ClassVal,
    DefaultDictVal,
    DequeVal,
    DictInstance,
    DictVal,
    FuncVal,
    ListVal,
    ModuleObj,
    Partial,
    QualName,
    Sentinel,
    SetVal,
    Sym,
    TensorVal,
    TorchLayer,
    is_plain,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "tuple": tuple, "bytes": bytes}


def is_instance(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    value, kinds = args
    options = kinds if isinstance(kinds, tuple) else (kinds,)
    result: Any = False
    for kind in options:
        outcome = _instance_of(value, kind)
        if outcome is True:
            return True
        if outcome is UNKNOWN:
            result = UNKNOWN
    return result


# ``isinstance(channels, numbers.Integral)`` (timm's norm layers), answered for plain values as Python does.
_NUMBER_ABCS = {
    "numbers.Number": numbers.Number,
    "numbers.Complex": numbers.Complex,
    "numbers.Real": numbers.Real,
    "numbers.Rational": numbers.Rational,
    "numbers.Integral": numbers.Integral,
}


def _abc_instance(value: Any, method: str | None) -> Any:
    """Whether an instance of a class of the checked code whose every base is read (no torch, typing or abc
    base) is an instance of an ABC: of ``Iterable`` / ``Callable`` when a class of it defines ``__iter__`` /
    ``__call__`` (their subclass hooks), of ``Sequence`` (``method`` None) never. UNKNOWN for anything else."""
    if not isinstance(value, ModuleObj) or value.kind != "object" or value.cls is None:
        return UNKNOWN
    mro = value.cls.mro()
    if not all(isinstance(c, ClassVal) for c in mro):
        return UNKNOWN
    if method is None:
        return False
    for c in mro:
        if method in (c.ns or {}):
            return c.ns[method] is not None  # ``__iter__ = None`` opts out
    return False


def _instance_of(value: Any, kind: Any) -> Any:
    if value is UNKNOWN or kind is UNKNOWN:
        return UNKNOWN
    if isinstance(value, Sentinel):
        return isinstance(kind, Builtin) and kind.name == "object"
    callable_kinds = (QualName, ClassVal, FuncVal, Partial, Builtin)
    if isinstance(kind, Builtin):
        if kind.name == "type":
            if isinstance(value, ClassVal) or (
                isinstance(value, QualName) and value.name.rsplit(".", 1)[-1][:1].isupper()
            ):
                return True
            return (
                False if is_plain(value) or isinstance(value, (FuncVal, Partial, tuple, ListVal, DictVal)) else UNKNOWN
            )
        if kind.name == "list":
            return isinstance(value, ListVal) and not isinstance(value, (SetVal, DequeVal))
        if kind.name in ("set", "frozenset"):
            return UNKNOWN if isinstance(value, SetVal) else isinstance(value, ListVal)
        if kind.name == "dict":
            return isinstance(value, DictVal)
        py = _TYPES.get(kind.name)
        if py is not None:
            if isinstance(value, Sym):
                return kind.name == "int" or UNKNOWN
            if is_plain(value) or isinstance(value, tuple):
                return isinstance(value, py)
            known = (ListVal, DictVal, ModuleObj, TorchLayer, TensorVal, *callable_kinds)
            return False if isinstance(value, known) else UNKNOWN
        return UNKNOWN
    if isinstance(kind, ClassVal):
        if isinstance(value, enums.EnumMember):
            return enums.is_member_of(value, kind)
        if isinstance(value, ModuleObj) and value.cls is not None:
            return any(c is kind for c in value.cls.mro()) or (UNKNOWN if value.cls.has_unknown_base else False)
        if isinstance(value, DictInstance):
            return any(c is kind for c in value.cls.mro())
        if isinstance(value, (TorchLayer, TensorVal)) or is_plain(value) or isinstance(value, (tuple, ListVal)):
            return False
        if isinstance(value, ModuleObj) and value.cls is None and value.kind in CONTAINERS:
            return False  # a plain nn.Sequential is an instance of no class the code defines
        return UNKNOWN
    if isinstance(kind, QualName):
        name = kind.name
        if name == "functools.partial":
            return isinstance(value, Partial) or (UNKNOWN if value is UNKNOWN else False)
        if name == "collections.deque":
            known = (tuple, ListVal, DictVal, str, ModuleObj, TorchLayer, TensorVal, *callable_kinds)
            return isinstance(value, DequeVal) or (False if is_plain(value) or isinstance(value, known) else UNKNOWN)
        if name == "collections.defaultdict":  # a dict may be one that lost its factory in a join
            known = (tuple, ListVal, str, ModuleObj, TorchLayer, TensorVal, *callable_kinds)
            if isinstance(value, DefaultDictVal):
                return True
            return False if is_plain(value) or isinstance(value, known) else UNKNOWN
        if name in ("collections.abc.Iterable", "collections.abc.Sequence", "typing.Iterable", "typing.Sequence"):
            if isinstance(value, SetVal) and name.endswith("Sequence"):
                return False  # a set is iterable, not a sequence
            if isinstance(value, (tuple, ListVal, str)) or (name.endswith("Iterable") and isinstance(value, DictVal)):
                return True
            if is_plain(value) or isinstance(value, (*callable_kinds, TensorVal)):
                return False
            return _abc_instance(value, "__iter__" if name.endswith("Iterable") else None)  # ``ByoBlockCfg``
        if name in ("typing.Callable", "collections.abc.Callable"):
            if isinstance(value, (FuncVal, ClassVal, Partial, Builtin, TorchLayer)) or (
                isinstance(value, ModuleObj) and value.kind != "object"  # a module: nn.Module has __call__
            ):
                return True
            if is_plain(value) or isinstance(value, (tuple, ListVal, DictVal, TensorVal)):
                return False
            return _abc_instance(value, "__call__")
        if name in _NUMBER_ABCS:
            if isinstance(value, Sym):
                return True  # a size read from a tensor: an int
            if is_plain(value) or isinstance(value, tuple):
                return isinstance(value, _NUMBER_ABCS[name])
            known = (ListVal, DictVal, ModuleObj, TorchLayer, TensorVal, *callable_kinds)
            return False if isinstance(value, known) else UNKNOWN
        if name in ("collections.abc.Hashable", "typing.Hashable"):  # MONAI's ``look_up_option``
            return _hashable(value)
        if name in ("collections.abc.Mapping", "typing.Mapping", "collections.abc.MutableMapping"):
            if isinstance(value, DictVal):
                return True
            known = (tuple, ListVal, TensorVal, TorchLayer, ModuleObj, *callable_kinds)
            return False if is_plain(value) or isinstance(value, known) else UNKNOWN  # nn.ModuleDict is none
        if name in ("enum.EnumMeta", "enum.EnumType"):
            if isinstance(value, ClassVal):
                return True if enums.is_enum(value) else (UNKNOWN if value.has_unknown_base else False)
            known = (tuple, ListVal, DictVal, TensorVal, TorchLayer, ModuleObj, FuncVal, Partial, Builtin)
            return False if is_plain(value) or isinstance(value, known) else UNKNOWN
        if name == "numpy.ndarray":  # MONAI's ``ensure_tuple_rep``: a tuple is not converted
            if isinstance(value, TensorVal):
                return bool(getattr(value, "numpy", False))
            if isinstance(value, ShapedArray):
                return True
            known = (tuple, ListVal, DictVal, TorchLayer, ModuleObj, *callable_kinds)
            return False if is_plain(value) or isinstance(value, known) else UNKNOWN
        if name == "types.FunctionType":
            return isinstance(value, FuncVal) or (UNKNOWN if value is UNKNOWN else False)
        if name == "torch.Tensor":
            if isinstance(value, TensorVal):
                return not getattr(value, "numpy", False)  # np.linspace(...) is known as an ndarray
            known_other = is_plain(value) or isinstance(value, (tuple, ListVal, DictVal, ModuleObj, TorchLayer))
            return False if known_other else UNKNOWN
        if name.startswith("torch.nn."):
            short = name[len("torch.nn.") :]
            # torch's own hierarchy is not modelled: a base class (``nn.modules.batchnorm._BatchNorm``,
            # ``nn.RNNBase``) may be any layer's; a public layer class is no other layer's base.
            a_base = "." in short or short.startswith("_") or short.endswith("Base")
            if isinstance(value, TorchLayer):
                if is_joined(value):  # ``Identity or ReLU``: which one is not known
                    return True if short == "Module" else UNKNOWN
                return value.type_name == short or short == "Module" or (UNKNOWN if a_base else False)
            if isinstance(value, ModuleObj):
                if short == "Module":
                    return True
                if value.cls is None:
                    return value.kind == short or (UNKNOWN if a_base else False)
                torch_bases = [c for c in value.cls.mro() if isinstance(c, QualName) and c.name.startswith("torch.nn.")]
                if any(c.name == name for c in torch_bases):
                    return True
                plain = all(c.name[len("torch.nn.") :] in ("Module", *CONTAINERS) for c in torch_bases)
                return False if plain and not a_base and not value.cls.has_unknown_base else UNKNOWN
            if is_plain(value) or isinstance(value, (tuple, TensorVal)):
                return False
        return UNKNOWN
    return UNKNOWN


def is_subclass(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    cls, kinds = args
    options = kinds if isinstance(kinds, tuple) else (kinds,)
    result: Any = False
    for kind in options:
        if isinstance(cls, ClassVal):
            if any(c is kind or (isinstance(c, QualName) and c == kind) for c in cls.mro()):
                return True
            if cls.has_unknown_base or not isinstance(kind, (ClassVal, QualName)):
                result = UNKNOWN
            elif isinstance(kind, QualName) and kind.name == "torch.nn.Module" and cls.torch_base() is not None:
                return True
        elif isinstance(cls, QualName) and isinstance(kind, QualName):
            if cls == kind or (kind.name == "torch.nn.Module" and cls.name.startswith("torch.nn.")):
                return True
            result = UNKNOWN  # torch's own hierarchy is not modelled
        elif isinstance(cls, QualName) and isinstance(kind, ClassVal):
            continue  # a torch class never derives from a class of the checked code
        else:
            result = UNKNOWN
    return result


def _hashable(value: Any) -> Any:
    """``isinstance(value, Hashable)``, which asks the type only (a tuple is, whatever it holds): plain values,
    tuples, functions, classes, tensors and torch modules are; lists and dicts are not; anything else (a set
    or frozenset, an instance whose class may define ``__eq__``) is unknown."""
    if is_plain(value) or isinstance(value, (tuple, FuncVal, ClassVal, Builtin, QualName, Partial, TensorVal)):
        return True
    if isinstance(value, TorchLayer) or (isinstance(value, ModuleObj) and value.kind != "object"):
        return True  # nn.Module hashes by identity
    if isinstance(value, DictVal) or (isinstance(value, ListVal) and not isinstance(value, SetVal)):
        return False
    return UNKNOWN
