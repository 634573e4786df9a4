"""torch as the interpreter sees it: layer classes, containers, modules' attributes, and stdlib helpers.

Layer constructors bind against the catalogue (``cnnlint.shapes``) through
the same ``build`` step the engine's tests use, so a layer built here is the
engine's layer. Tensor operations live in ``tensor_api.py`` and ``tensor_operators.py``.
"""

from __future__ import annotations

import math
import re

from cnnlint import build
from cnnlint.interpret import (
    argparse_values,
    array_images,
    attr_dicts,
    autograd_functions,
    data_pipeline,
    dict_subclasses,
    enums,
    losses,
    namedtuples,
    never_silent,
    norm_buffers,
    norm_wrappers,
    numpy_arrays,
    packed_sequences,
    param_containers,
    quantization,
    stdlib_calls,
    tensor_api,
    tensor_operators,
    tensor_value_calls,
    tensor_values,
    torch_calls,
    unreached,
)
from cnnlint.interpret.dataclass_api import DataclassAPI, dataclass_fields
from cnnlint.interpret.known_names import ALIASES, STDLIB_CONSTANTS
from cnnlint.interpret.module_api import (  # noqa: F401 - re-exported
    _MODULE_METHODS,
    _NONE_METHODS,
    _SELF_RETURNING,
    CONTAINERS,
    LAYERS_WITH_CHILDREN,
    ModuleAPI,
)
from cnnlint.interpret.numpy_arrays import ShapedArray
from cnnlint.interpret.plain_methods import dict_method, list_method, str_method
from cnnlint.interpret.pyops import CaughtTypeError
from cnnlint.interpret.sets import set_method
from cnnlint.interpret.torch_stacks import STACKS, stack
from cnnlint.interpret.values import (
    MISSING,
    UNKNOWN,
    AttrDictVal,
    BoundMethod,
    Builtin,
    ClassVal,
    DataclassInit,
    DictInstance,
    DictVal,
    FuncVal,
    ListVal,
    MethodOf,
    ModuleObj,
    QualName,
    SetVal,
    SuperVal,
    TensorVal,
    TorchLayer,
    is_plain,
)
from cnnlint.shapes.catalogue import CATALOGUE
from cnnlint.shapes.dims import Shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_NOT_LAYERS = (
    "torch.nn.functional.",
    "torch.nn.init.",
    "torch.nn.utils.",
    "torch.nn.parameter.",
    "torch.nn.modules.utils.",
)
_MODULES_PATH = re.compile(r"^torch\.nn\.modules(?:\.\w+)*\.([A-Z]\w*)$")
_CONV_TUPLE_ARGS = frozenset({"kernel_size", "stride", "padding", "dilation", "output_padding"})
# What ``dataclasses.field`` may be given and still be read: the rest (init=False, kw_only) is unknown.
_MATH_CONSTS = {"pi": math.pi, "e": math.e, "inf": math.inf, "tau": math.tau}


# Wrappers whose forward is the wrapped module's (``nn.DataParallel(model)``; ``model.module`` is the model).
PARALLEL = {
    "torch.nn.DataParallel": "DataParallel",
    "torch.nn.parallel.DataParallel": "DataParallel",
    "torch.nn.parallel.data_parallel.DataParallel": "DataParallel",
    "torch.nn.parallel.DistributedDataParallel": "DistributedDataParallel",
    "torch.nn.parallel.distributed.DistributedDataParallel": "DistributedDataParallel",
}

DATA_PARALLEL = frozenset({"torch.nn.parallel.data_parallel", "torch.nn.parallel.data_parallel.data_parallel"})


def normalize(name: str) -> str:
    if name in ALIASES:
        return ALIASES[name]
    match = _MODULES_PATH.match(name)
    return f"torch.nn.{match.group(1)}" if match else name


# Layers whose ``.bias`` is the constructor's flag: the others (``nn.Linear``, the convs, the norms) hold the
# bias parameter there, or None (timm's attention pools read ``self.q.bias``).
_BIAS_IS_A_FLAG = frozenset(
    {"RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell", "MultiheadAttention", "TransformerEncoderLayer",
     "TransformerDecoderLayer", "Transformer"}
)  # fmt: skip


class TorchAPI(ModuleAPI, DataclassAPI):
    def __init__(self, session: Any) -> None:
        self.session = session
        self.containers_built: list[ModuleObj] | None = None  # collected while ``unreached`` runs code

    # ---- names -----------------------------------------------------------------------

    def qualname_attr(self, owner: QualName, name: str) -> Any:
        if owner.name == "math" and name in _MATH_CONSTS:
            return _MATH_CONSTS[name]
        if owner.name in ("torch", "numpy") and name in ("pi", "e", "inf"):  # ``angles * 2 * torch.pi``
            return _MATH_CONSTS[name]
        if name == "__name__":
            return owner.name.rsplit(".", 1)[-1]
        if owner.name == "numpy" and name == "newaxis":  # ``t[:, np.newaxis]`` (Whisper's sinusoids): None
            return None
        constant = STDLIB_CONSTANTS.get(f"{owner.name}.{name}")
        if constant is not None:
            return constant
        return QualName(normalize(f"{owner.name}.{name}"))

    # ---- construction ----------------------------------------------------------------

    def instantiate(self, interp: Any, cls: ClassVal, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
        base = cls.torch_base()
        if base is None and not _is_module_class(cls):
            return self._plain_instance(interp, cls, args, kwargs, node)
        kind = "instance"
        obj = ModuleObj(kind, cls=cls, origin=self.session.origin(node, interp), born=interp.innermost_log())
        init, _owner = cls.lookup("__init__")
        self.session.instantiating(cls, obj, node)  # (a class without its own ``__init__`` too)
        if isinstance(init, FuncVal):
            self.session.constructing.append(id(obj))
            try:
                result = interp.call_function(init, [obj, *args], kwargs, node)
            finally:
                self.session.constructing.pop()
            if result is UNKNOWN and not init.node.body:
                return UNKNOWN
            if _bind_failed(init, [obj, *args], kwargs):
                return UNKNOWN
        elif base in CONTAINERS:
            self._container_init(interp, obj, base, args, kwargs)
        elif base not in (None, "Module"):
            obj.base_layer = self.layer(interp, f"torch.nn.{base}", args, kwargs, node)  # type: ignore[attr-defined]
        elif cls.has_unknown_base:
            obj.uncertain = True
        return obj

    def _plain_instance(self, interp: Any, cls: ClassVal, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
        """A non-module class of the checked code (a config object, a NamedTuple): attributes from ``__init__``."""
        if enums.is_enum(cls):
            return enums.lookup(cls, args, kwargs)
        if dict_subclasses.is_dict_class(cls):  # ``class Config(dict)``: a dict read by attribute too
            return dict_subclasses.build(interp, cls, args, kwargs, node)
        if cls.has_unknown_base:  # its own ``__init__`` is read; what the base does stays unknown
            return unreached.base_unread_instance(self.session, interp, cls, args, kwargs, node)
        obj = ModuleObj("object", cls=cls)
        init, _ = cls.lookup("__init__")
        if isinstance(init, FuncVal):
            if _bind_failed(init, [obj, *args], kwargs):
                return UNKNOWN
            interp.call_function(init, [obj, *args], kwargs, node)
        elif dataclass_fields(cls) is not None and self.dataclass_init(interp, cls, obj, args, kwargs, node) is UNKNOWN:
            return UNKNOWN
        return obj

    def layer(self, interp: Any, name: str, args: list[Any], kwargs: dict[str, Any], node: Any) -> TorchLayer:
        """``nn.Conv2d(...)``: the catalogue entry with its arguments bound (torch's own binding rules)."""
        short = name[len("torch.nn.") :]
        origin = self.session.origin(node, interp)
        call = self.session.layer_call(interp, node, name, args, kwargs)
        if short not in CATALOGUE:
            origin.call = call
            return TorchLayer(None, {}, origin, short, note=f"{short} is not a layer cnnlint knows")
        built = build.build_one(call)
        if built.bind_error is not None and interp.catching:
            raise CaughtTypeError  # torch's signature rejects the call: Python's TypeError, caught by the code
        if built.bind_error is None and built.spec is not None:
            call.bound_code(short, built.args)
        layer = TorchLayer(built.spec, built.args, origin, short, bind_error=built.bind_error)
        # Built in a branch that may not run. A loop body of unknown length is interpreted as its first pass,
        # which is certain wherever the loop runs: a model it builds and feeds (``for x in loader: net = E()``).
        layer.maybe = interp.forking and not interp.in_loops_only  # type: ignore[attr-defined]
        layer.owner = self.session.constructing[-1] if self.session.constructing else None  # type: ignore[attr-defined]
        layer.built = built  # type: ignore[attr-defined]
        origin.call = call
        built.origin = call
        self.session.layer_built(layer)
        return layer

    # ---- attributes ------------------------------------------------------------------

    def super_attr(self, interp: Any, sup: SuperVal, name: str) -> Any:
        obj = sup.obj
        cls = obj.cls if isinstance(obj, (ModuleObj, DictInstance)) else (obj if isinstance(obj, ClassVal) else None)
        if cls is None:
            return UNKNOWN
        mro = cls.mro()
        start = next((i for i, c in enumerate(mro) if c is sup.owner), None)
        if start is None:
            return UNKNOWN
        for c in mro[start + 1 :]:
            if isinstance(c, ClassVal):
                if name == "__init__" and "__init__" not in c.ns and getattr(c, "fields", None) is not None:
                    return DataclassInit(c, obj)
                if name in c.ns:
                    found = interp.resolve(c.ns[name])
                    if isinstance(found, FuncVal):
                        if found.kind == "staticmethod":
                            return found
                        return BoundMethod(found, obj if found.kind != "classmethod" else cls)
                    return found
                continue
            if c is UNKNOWN:
                return UNKNOWN
            if isinstance(obj, DictInstance) and dict_subclasses.is_dict_base(c):
                return dict_subclasses.base_method(obj, name)
            if isinstance(c, QualName):
                if name == "__init__":
                    return MethodOf(obj, "__torch_init__:" + c.name)
                if name == "forward":
                    return MethodOf(obj, "__container_forward__")
                if name == "__call__" and isinstance(obj, ModuleObj) and c.name.startswith("torch.nn."):
                    return MethodOf(obj, "__call__")  # nn.Module's: runs forward (``Forward.call_module``)
                return UNKNOWN
        return UNKNOWN

    def layer_attr(self, layer: TorchLayer, name: str) -> Any:
        if name in layer.own:
            return layer.own[name]
        if layer.spec is None:
            return UNKNOWN
        if name in layer.args and not (name == "bias" and layer.type_name not in _BIAS_IS_A_FLAG):
            value = layer.args[name]
            if name in _CONV_TUPLE_ARGS and layer.type_name.startswith(("Conv", "LazyConv")) and isinstance(value, int):
                n = int(layer.type_name[-2]) if layer.type_name[-2].isdigit() else 1
                return (value,) * n
            if isinstance(value, list):
                return tuple(value)
            return value
        if name in ("weight", "bias"):
            if name == "bias" and layer.args.get("bias") is False:
                return None
            from cnnlint.interpret.functional import param_shape

            weight = TensorVal(param_shape(layer, name), param=True)
            weight.param_of = (id(layer), name)  # type: ignore[attr-defined]  # tied where set on another layer
            return weight
        if name == "training":
            return True
        if name in norm_buffers.RUNNING_STATS and norm_buffers.is_norm(layer):
            return norm_buffers.buffer(layer, name)
        return MethodOf(layer, name)

    # ---- tensors (tensor_api.py) -----------------------------------------------------

    def tensor_attr(self, t: TensorVal, name: str) -> Any:
        return tensor_api.tensor_attr(t, name)

    def tensor_binop(self, interp: Any, op: str, left: Any, right: Any, node: Any) -> Any:
        return tensor_operators.binop(self.session, interp, op, left, right, node)

    def tensor_index(self, interp: Any, t: TensorVal, key: Any, node: Any) -> Any:
        return tensor_operators.tensor_index(self.session, interp, t, key, node)

    def tensor_iter(self, t: TensorVal) -> list[Any] | None:
        items = tensor_values.rows(t)
        if not getattr(t, "numpy", False):
            tensor_values.forget(t)  # the items would be views of it (a NumPy array's are Python numbers)
        if items is None and not getattr(t, "numpy", False):
            items = tensor_api.rows_of(t)  # ``for i, o in enumerate(output)`` over a batch
        return items

    # ---- calls by name ---------------------------------------------------------------

    def call_qualname(self, interp: Any, name: str, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
        name = normalize(name)
        if name.startswith(data_pipeline.PREFIXES):
            return data_pipeline.call(interp, name, args, kwargs)
        if name.startswith(array_images.PREFIXES):
            return array_images.call(interp, name, args, kwargs)
        if name in quantization.NAMES:
            return quantization.build(self, interp, name, args, kwargs, node)
        known = tensor_value_calls.call_torch(name, args, kwargs)
        if known is not NotImplemented:
            return known
        if name in PARALLEL and args and isinstance(args[0], (ModuleObj, TorchLayer)):
            wrapper = ModuleObj(PARALLEL[name], origin=self.session.origin(node, interp))
            self.register(interp, wrapper, "module", args[0])
            return wrapper
        if name in losses.FUNCTIONAL:
            return losses.call(self.session, interp, losses.FUNCTIONAL[name], args, kwargs, node)
        if name in norm_wrappers.NAMES:
            wrapped = norm_wrappers.wrap(name, args, kwargs)
            if wrapped is not NotImplemented:
                return wrapped
        if name in packed_sequences.NAMES:
            return packed_sequences.call(name, args, kwargs)
        if name in DATA_PARALLEL and len(args) >= 2 and isinstance(args[0], (ModuleObj, TorchLayer)):
            # ``nn.parallel.data_parallel(self.main, x, range(self.ngpu))`` (DCGAN): the module's forward on x
            inputs = list(args[1]) if isinstance(args[1], tuple) else [args[1]]
            return self.session.forward.call_module(interp, args[0], inputs, {}, node)
        if name.startswith("torch.nn.") and not name.startswith(_NOT_LAYERS):
            short = name[len("torch.nn.") :]
            if short in CONTAINERS:
                return self.container(interp, short, args, kwargs, node)
            if short.endswith(".__init__") and args and isinstance(args[0], ModuleObj):
                # ``nn.Sequential.__init__(self, ...)``: what ``super().__init__(...)`` does
                base = "torch.nn." + short[: -len(".__init__")]
                return self._module_method(interp, args[0], "__torch_init__:" + base, args[1:], kwargs, node)
            if short in ("Parameter", "parameter.Parameter", "Buffer"):
                tensor = args[0] if args else kwargs.get("data", UNKNOWN)
                shape = tensor.shape if isinstance(tensor, TensorVal) else Shape.unknown()
                return TensorVal(shape, param=short != "Buffer")
            if short == "Module":
                return ModuleObj("instance")
            if short in STACKS:
                return stack(self, interp, short, args, kwargs, node)
            if short in param_containers.KINDS:
                return param_containers.build(interp, short, args, kwargs, self.session.origin(node, interp))
            if "." not in short and short[:1].isupper():
                return self.layer(interp, name, args, kwargs, node)
            return UNKNOWN
        if name in ("torch.nn.parameter.Parameter",):
            tensor = args[0] if args else UNKNOWN
            return TensorVal(tensor.shape if isinstance(tensor, TensorVal) else Shape.unknown(), param=True)
        if name.startswith("torch.nn.init."):
            return args[0] if args and name.endswith("_") else None
        if name.startswith(("torch.", "torchvision.ops.")) and name != "torch":
            mark = never_silent.before(self.session)
            out = torch_calls.call_torch(self.session, interp, name, args, kwargs, node)
            never_silent.after(self.session, interp, name, [*args, *kwargs.values()], out, node, mark)
            return out
        return stdlib_calls.call(self, interp, name, args, kwargs, node)

    def unresolved_call(self, interp: Any, func: Any, node: Any, reason: str, starred: Any = None) -> Any:
        """A call whose ``*``/``**`` arguments could not be resolved. ``starred``: (the arguments
        before the first unresolved ``*x``, its node): ``nn.Sequential(a, b, *x)`` keeps ``a, b``."""
        func = interp.resolve(func)
        receiver = func.obj if isinstance(func, MethodOf) else func.self_obj if isinstance(func, BoundMethod) else None
        if isinstance(receiver, ModuleObj):
            # ``super().__init__(*layers)`` with layers unknown: the module's children are unknown, never "none"
            receiver.uncertain = True
        if isinstance(func, QualName) and normalize(func.name).startswith("torch.nn."):
            short = normalize(func.name)[len("torch.nn.") :]
            if short == "Sequential" and starred is not None:
                known, star = starred
                obj = self.container(interp, short, list(known), {}, node)
                text = self.session.text_of(interp, star)
                rest = TorchLayer(None, {}, self.session.origin(node, interp), text, note=f"{text} cannot be followed")
                self.register(interp, obj, str(len(obj.items)), rest, child=True)
                return obj
            if short[:1].isupper() and "." not in short and short not in CONTAINERS:
                origin = self.session.origin(node, interp)
                return TorchLayer(None, {}, origin, short, note=f"{short}: {reason}")
        if isinstance(receiver, TensorVal):
            # ``x.view(-1, *sizes)`` with sizes unknown: what follows is unknown, and the model is not said to be
            # followed to the end
            tensor_values.forget(receiver)
            name = func.name if isinstance(func, MethodOf) else "call"
            self.session.forward.stop(interp, node, f"shape following stops here: {name}: {reason}")
            return TensorVal(Shape.unknown())
        self.session.note_limit(node, reason)
        return UNKNOWN

    # ---- methods -----------------------------------------------------------------------

    def call_method(self, interp: Any, obj: Any, name: str, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
        if isinstance(obj, ClassVal) and name == "apply":  # a torch.autograd.Function subclass
            return autograd_functions.apply(interp, obj, args, kwargs, node)
        if isinstance(obj, namedtuples.NamedTupleVal):
            done = namedtuples.method(obj, name, args, kwargs)
            if done is not MISSING:
                return done
        if isinstance(obj, TensorVal):
            mark = never_silent.before(self.session)
            out = tensor_api.call_method(self.session, interp, obj, name, args, kwargs, node)
            never_silent.after(self.session, interp, f"{name}(...)", [obj, *args, *kwargs.values()], out, node, mark)
            return out
        if isinstance(obj, argparse_values.ArgParser):
            return argparse_values.method(obj, name, args, kwargs)
        if isinstance(obj, AttrDictVal) and name in attr_dicts.OWN_METHODS:
            return attr_dicts.method(interp, obj, name, args, kwargs)
        if isinstance(obj, DictInstance) and name in dict_subclasses.OWN_METHODS:
            return dict_subclasses.method(interp, obj, name, args, kwargs)
        if isinstance(obj, Builtin):  # ``dict.__init__(self, d)``, ``object.__setattr__(self, k, v)``
            return dict_subclasses.unbound(interp, obj, name, args, kwargs)
        if isinstance(obj, data_pipeline.Image):
            return data_pipeline.image_method(obj, name, args)
        if isinstance(obj, ShapedArray):
            return numpy_arrays.method(obj, name, args, kwargs)
        if isinstance(obj, SetVal):
            return set_method(interp, obj, name, args)
        if isinstance(obj, ListVal):
            return list_method(interp, obj, name, args, kwargs)
        if isinstance(obj, DictVal):
            return dict_method(interp, obj, name, args, kwargs)
        if isinstance(obj, str):
            return str_method(interp, obj, name, args, kwargs)
        if isinstance(obj, tuple):
            if name in ("index", "count") and len(args) == 1 and is_plain(args[0]) and all(is_plain(i) for i in obj):
                try:
                    return getattr(obj, name)(args[0])
                except ValueError:
                    return UNKNOWN
            return UNKNOWN
        if isinstance(obj, ModuleObj):
            tensor_values.escape(args, kwargs)
            return self._module_method(interp, obj, name, args, kwargs, node)
        if isinstance(obj, TorchLayer):
            tensor_values.escape(args, kwargs)
            if name in _SELF_RETURNING:
                return obj
            if name in ("children", "named_children") and not args and not kwargs:
                # timm's named_apply walks every module: a leaf layer has no children in torch
                spec = obj.spec
                return () if spec is not None and spec.name not in LAYERS_WITH_CHILDREN else UNKNOWN
            if name in ("__call__", "forward"):
                return self.session.forward.call_module(interp, obj, args, kwargs, node)
            return UNKNOWN
        return UNKNOWN


def layer_code(name: str, args: dict[str, Any]) -> str:
    """The constructor call with the bound values, for the runtime check (``""`` when a value is not plain)."""
    from cnnlint.shapes.spec import REQUIRED

    parts = []
    for key, value in args.items():
        if value is REQUIRED:
            return ""
        if key in ("device", "dtype"):
            continue  # the runtime check builds on the meta device
        if not _literal(value):
            if type(value).__name__ == "Default":
                continue  # torch's own default object: leave it out
            return ""
        parts.append(f"{key}={value!r}")
    return f"torch.nn.{name}({', '.join(parts)})"


def _literal(value: Any) -> bool:
    if isinstance(value, (tuple, list)):
        return all(_literal(v) for v in value)
    return value is None or (isinstance(value, (bool, int, float, str)) and value is not UNKNOWN)


def _is_module_class(cls: ClassVal) -> bool:
    return any(isinstance(c, QualName) and c.name.startswith("torch.nn.") for c in cls.mro())


def _bind_failed(func: FuncVal, args: list[Any], kwargs: dict[str, Any]) -> bool:
    from cnnlint.interpret.machine import bind_arguments

    return bind_arguments(func, args, kwargs) is None
