"""``inspect.isfunction`` and friends: layer factories pick their branch with them.

pytorchcv builds every norm and activation through
``normalization(**kw) if isfunction(normalization) else normalization``;
without an answer, each of its blocks loses its layers.
"""

from __future__ import annotations

from typing import Any

from cnnlint.interpret.values import (
    UNKNOWN,
    BoundMethod,
    Builtin,
    ClassVal,
    DictVal,
    FuncVal,
    ListVal,
    ModuleObj,
    Partial,
    QualName,
    TensorVal,
    TorchLayer,
    is_plain,
)


def _torch_class(value: Any) -> bool:
    """``nn.ReLU``: a class of torch's by the convention its names keep."""
    if not isinstance(value, QualName):
        return False
    return value.name.startswith("torch.nn.") and value.name.rsplit(".", 1)[-1][:1].isupper()


def _not_a_function_or_class(value: Any) -> bool:
    return isinstance(value, (ModuleObj, TorchLayer, TensorVal, Partial, Builtin, BoundMethod, ListVal, DictVal)) or (
        is_plain(value) or isinstance(value, tuple)
    )


def isfunction(value: Any) -> Any:
    if isinstance(value, FuncVal):
        return True if value.kind in ("function", "staticmethod") else UNKNOWN
    if isinstance(value, ClassVal) or _torch_class(value) or _not_a_function_or_class(value):
        return False
    return UNKNOWN


def isclass(value: Any) -> Any:
    if isinstance(value, ClassVal) or _torch_class(value):
        return True
    if isinstance(value, FuncVal) or _not_a_function_or_class(value):
        return False
    return UNKNOWN


_CALLS = {"isfunction": isfunction, "isclass": isclass}


def call(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``inspect.<name>(args)``; unknown for anything else."""
    test = _CALLS.get(name)
    if test is None or len(args) != 1 or kwargs:
        return UNKNOWN
    return test(args[0])
