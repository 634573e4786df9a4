"""Python's introspection builtins as the interpreter answers them: ``type``, ``callable``, ``getattr``,
``setattr``, ``dir``, ``super`` (``isinstance`` is ``instances.py``, ``hasattr`` is ``has_attr.py``)."""

from __future__ import annotations

from cnnlint.interpret import quantization
from cnnlint.interpret.enums import EnumMember
from cnnlint.interpret.layer_join import is_joined
from cnnlint.interpret.torch_names import TorchDir
from cnnlint.interpret.values import (
    CONTAINERS,
    MISSING,
    TENSOR_TYPE,
    UNKNOWN,
    Builtin,
    ClassVal,
    DictInstance,
    DictVal,
    FuncVal,
    ListVal,
    ModuleObj,
    Partial,
    QualName,
    Sentinel,
    SuperVal,
    TensorVal,
    TorchLayer,
    is_plain,
)
from cnnlint.shapes.catalogue import CATALOGUE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def dir_(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    return TorchDir(args[0].name) if len(args) == 1 and isinstance(args[0], QualName) else UNKNOWN


def getattr_(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    value, name = args[0], args[1]
    if not isinstance(name, str):
        return UNKNOWN
    found = interp.get_attr(value, name)
    missing = found is UNKNOWN and len(args) > 2 and isinstance(value, ModuleObj) and name not in value.attrs
    known_class = missing and value.cls is not None and not value.cls.has_unknown_base
    if known_class and value.cls.lookup(name)[0] is MISSING:
        return args[2]
    return found


def setattr_(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    owner, name, value = args
    if isinstance(name, str):
        interp.set_attr(owner, name, value)
    else:
        interp.taint(owner)
    return None


def super_(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    if len(args) == 2 and isinstance(args[0], ClassVal):
        return SuperVal(args[0], args[1])
    func = frame.func if frame is not None else None
    if func is None or func.owner is None:
        return UNKNOWN
    params = [*func.node.args.posonlyargs, *func.node.args.args]
    if not params:
        return UNKNOWN
    return SuperVal(func.owner, frame.locals.get(params[0].arg, UNKNOWN))


# The torch class of a module the interpreter builds itself (no class of the checked code)
TORCH_CLASSES = {
    **{kind: f"torch.nn.{kind}" for kind in CONTAINERS},
    quantization.KIND: "torch.ao.nn.quantized.FloatFunctional",
}


def type_(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    """A user class's instance: its class; a list: ``list`` (hrnet's ``type(x) is list``); a tensor: a type that is
    no Python builtin. Anything else is unknown (a tuple may be a torch.Size, an int a NumPy integer)."""
    if len(args) != 1 or kwargs:
        return UNKNOWN
    value = args[0]
    if isinstance(value, ModuleObj) and value.cls is not None:
        return value.cls
    if isinstance(value, (EnumMember, DictInstance)):
        return value.cls
    if isinstance(value, TorchLayer) and value.spec is not None and not is_joined(value):
        return QualName(f"torch.nn.{value.type_name}")  # ``type(m) is nn.ReLU`` (torchvision's _replace_relu)
    if isinstance(value, ModuleObj) and value.kind in TORCH_CLASSES:
        return QualName(TORCH_CLASSES[value.kind])  # a plain nn.Sequential, a FloatFunctional
    if type(value) is ListVal and not value.uncertain:
        return interp.session.builtins.get("list", UNKNOWN)
    if isinstance(value, TensorVal):
        return TENSOR_TYPE
    if isinstance(value, Partial):  # pix2pix's ``type(norm_layer) == functools.partial``
        return QualName("functools.partial")
    if isinstance(value, (ClassVal, QualName)) and _is_class(value):
        return interp.session.builtins.get("type", UNKNOWN)  # a class's type is ``type`` (no metaclass read)
    return UNKNOWN


def _is_class(value: Any) -> bool:
    """A class of the checked code without a metaclass of its own, or a torch layer class."""
    if isinstance(value, QualName):
        short = value.name.rsplit(".", 1)[-1]
        return value.name.startswith("torch.nn.") and short[:1].isupper() and short in CATALOGUE
    node = getattr(value, "node", None)
    return node is not None and not getattr(node, "keywords", None) and not value.has_unknown_base


def callable_(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    v = args[0]
    if isinstance(v, (FuncVal, ClassVal, Builtin, ModuleObj, TorchLayer)):
        return True
    if isinstance(v, QualName) and v.name.startswith("torch.nn.") and v.name.rsplit(".", 1)[-1][:1].isupper():
        return True  # a torch layer class (MONAI's ``has_option(Norm[...], "num_features")``)
    if isinstance(v, EnumMember):  # a member is callable when its enum class defines ``__call__``
        found, _ = v.cls.lookup("__call__")
        return True if found is not MISSING else (UNKNOWN if v.cls.has_unknown_base else False)
    return False if is_plain(v) or isinstance(v, (tuple, ListVal, DictVal, Sentinel)) else UNKNOWN
