"""``inspect.isfunction``, ``isclass``, ``signature``: layer factories pick their branch and arguments with them.

pytorchcv builds every norm and activation through
``normalization(**kw) if isfunction(normalization) else normalization``;
without an answer, each of its blocks loses its layers.
"""

from __future__ import annotations

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

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


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


def signature(value: Any) -> Any:
    """``inspect.signature(obj)``, read for its ``.parameters`` (MONAI's ``has_option(norm_type,
    "num_features")``): a torch layer class's from the catalogue (the same names as torch's, checked against
    it), a function's or a class's ``__init__`` (without ``self``) from the code; unknown otherwise."""
    names = _parameter_names(value)
    if names is None:
        return UNKNOWN
    return ModuleObj("object", attrs={"parameters": DictVal(dict.fromkeys(names, UNKNOWN))})


def _parameter_names(value: Any) -> list[str] | None:
    if _torch_class(value):
        from cnnlint.shapes.catalogue import CATALOGUE

        spec = CATALOGUE.get(value.name.rsplit(".", 1)[-1])
        return [p.name.lstrip("*") for p in spec.params] if spec is not None else None
    if isinstance(value, ClassVal) and not value.has_unknown_base:
        init, _owner = value.lookup("__init__")
        names = _parameter_names(init) if isinstance(init, FuncVal) else None
        return names[1:] if names else None
    if isinstance(value, FuncVal) and value.kind == "function":
        a = value.node.args
        named = [*a.posonlyargs, *a.args, *([a.vararg] if a.vararg else []), *a.kwonlyargs]
        return [p.arg for p in named] + ([a.kwarg.arg] if a.kwarg else [])
    return None


_CALLS = {"isfunction": isfunction, "isclass": isclass, "signature": signature}


def call(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``inspect.<name>(args)``; unknown for anything else."""
    test = _CALLS.get(name)
    if test is None or len(args) != 1 or kwargs:
        return UNKNOWN
    return test(args[0])
