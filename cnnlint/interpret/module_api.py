"""Modules as the interpreter sees them: containers, a module's attributes, items and methods.

``TorchAPI`` (torch_api.py) inherits these: ``nn.Sequential``/``ModuleList``/
``ModuleDict`` construction and registration, ``self.x`` reads,
``children()`` / ``add_module`` / ``parameters()`` and the other methods of a
module, in torch's registration order.
"""

from __future__ import annotations

from cnnlint.interpret import (
    autograd_functions,
    data_pipeline,
    input_sources,
    layer_changes,
    norm_buffers,
    param_containers,
    quantization,
)
from cnnlint.interpret.pyops import bind_class_attribute
from cnnlint.interpret.values import (
    CONTAINERS,
    MISSING,
    UNKNOWN,
    DictVal,
    FuncVal,
    MethodOf,
    ModuleObj,
    ModulesView,
    TensorVal,
    is_module,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# the tensors a subclass of a torch layer reads from the layer underneath it (``self.running_mean``)
_BASE_TENSORS = frozenset({"weight", "bias"}) | norm_buffers.RUNNING_STATS
_SELF_RETURNING = frozenset(
    {
        "to",
        "cuda",
        "cpu",
        "eval",
        "train",
        "float",
        "double",
        "half",
        "bfloat16",
        "requires_grad_",
        "apply",
        "share_memory",
        "type",
        "zero_grad",
    }
)
_NONE_METHODS = frozenset(
    {
        "register_forward_hook",
        "register_forward_pre_hook",
        "register_backward_hook",
        "register_full_backward_hook",
        "load_state_dict",
        "reset_parameters",
        "_init_weights",
        "init_weights",
        "zero_grad",
    }
)
_MODULE_METHODS = frozenset(
    [
        "add_module",
        "register_module",
        "register_buffer",
        "register_parameter",
        "append",
        "extend",
        "insert",
        "modules",
        "children",
        "named_children",
        "named_modules",
        "parameters",
        "named_parameters",
        "buffers",
        "named_buffers",
        "keys",
        "values",
        "items",
        "update",
        "state_dict",
    ]
)
# Catalogue layers that hold submodules in torch (``MultiheadAttention.out_proj``, a transformer layer's
# attention and linears); every other entry is a leaf, ``children()`` empty (tests/test_interpret_ops.py).
LAYERS_WITH_CHILDREN = frozenset(
    {"MultiheadAttention", "TransformerEncoderLayer", "TransformerDecoderLayer", "TransformerEncoder", "Transformer"}
)

_D2L_INPUTS = frozenset({"layer_summary", "apply_init"})  # d2l methods (``add_to_class``) naming an input


class ModuleAPI:
    session: Any

    def _container_init(self, interp: Any, obj: ModuleObj, kind: str, args: list[Any], kwargs: dict[str, Any]) -> None:
        if kind == "Sequential":
            if len(args) == 1 and isinstance(args[0], DictVal):
                if args[0].uncertain:
                    obj.uncertain = True
                for key, value in args[0].items.items():
                    self.register(interp, obj, str(key), value, child=True)
                return
            for i, value in enumerate(args):
                self.register(interp, obj, str(i), value, child=True)
            return
        if kind == "ModuleList":
            items = interp.iterate(args[0], None) if args else []
            if items is None:
                obj.uncertain = True
                return
            for i, value in enumerate(items):
                self.register(interp, obj, str(i), value, child=True)
            return
        if kind == "ModuleDict" and args:
            source = args[0]
            if isinstance(source, DictVal) and not source.uncertain:
                for key, value in source.items.items():
                    self.register(interp, obj, str(key), value)
            else:
                pairs = interp.iterate(source, None)
                if pairs is None:
                    obj.uncertain = True
                    return
                for pair in pairs:
                    kv = interp.iterate(pair, None)
                    if kv is None or len(kv) != 2:
                        obj.uncertain = True
                        return
                    self.register(interp, obj, str(kv[0]), kv[1])

    def container(self, interp: Any, kind: str, args: list[Any], kwargs: dict[str, Any], node: Any) -> ModuleObj:
        obj = ModuleObj(kind, origin=self.session.origin(node, interp), born=interp.innermost_log())
        self._container_init(interp, obj, kind, args, kwargs)
        if self.containers_built is not None:
            self.containers_built.append(obj)
        return obj

    def register(self, interp: Any, obj: ModuleObj, name: str, value: Any, child: bool = False) -> None:
        """``self.name = value`` / ``add_module``: attributes, and a container's children in order.

        ``child``: given to the container as a child (``nn.Sequential(a, b)``, ``append``), whatever it is;
        a non-module child stops shape following there, as torch would refuse it.
        """
        sequential = obj.kind in CONTAINERS or (obj.cls is not None and obj.cls.torch_base() in CONTAINERS)
        if sequential and (child or is_module(value) or value is UNKNOWN or value is None):
            if name not in obj.attrs or name not in obj.keys:  # (attrs first: a dict, so no quadratic scan)
                if interp.uncertain_change(obj):
                    obj.uncertain = True
                obj.keys.append(name)
                obj.items.append(value)
            else:
                obj.items[obj.keys.index(name)] = value
        interp.write(obj.attrs, name, value)
        base_layer = getattr(obj, "base_layer", None)
        if base_layer is not None and name in ("weight", "bias"):  # the torch layer underneath holds them
            layer_changes.attribute_set(interp, base_layer, name, value)
        if is_module(value):
            self.session.name_child(obj, name, value)

    def extend_container(self, interp: Any, container: ModuleObj, operand: Any, frame: Any) -> None:
        items = interp.iterate(operand, frame)
        if items is None or interp.uncertain_change(container):
            container.uncertain = True
            if items is None:
                return
        for value in items:
            self.register(interp, container, str(len(container.items)), value, child=True)

    def module_attr(self, interp: Any, obj: ModuleObj, name: str) -> Any:
        value = obj.attrs.get(name, MISSING)
        if value is not MISSING:
            return interp.resolve(value)
        if obj.kind == autograd_functions.CTX_KIND:
            return autograd_functions.ctx_attr(obj, name)
        if obj.cls is not None:
            found, owner = obj.cls.lookup(name)
            if found is not MISSING:
                return bind_class_attribute(interp, interp.resolve(found), obj, obj.cls)
        if obj.kind == "object":
            return _through_dunder(interp, obj, "__getattr__", name)  # MONAI's ``Conv.CONV``
        base_layer = getattr(obj, "base_layer", None)
        if base_layer is not None and (name in base_layer.args or name in _BASE_TENSORS):
            return self.layer_attr(base_layer, name)
        if name == norm_buffers.CHECK_INPUT and norm_buffers.is_norm(base_layer):
            return MethodOf(obj, name)  # ``self._check_input_dim(x)`` in a BatchNorm subclass's forward
        if name == "_modules":  # ``for m in self._modules.values()``: the children torch registered, in order
            named = _registered(obj)
            return ModulesView(obj, dict(named)) if named is not None else UNKNOWN
        if name == "training":
            mode = getattr(obj, "in_eval", False)
            return UNKNOWN if mode is None else not mode
        if name in ("forward", "__call__"):
            return MethodOf(obj, "__call__")
        if name == "__class__":
            return obj.cls if obj.cls is not None else UNKNOWN
        if obj.cls is not None and obj.cls.has_unknown_base:
            return MethodOf(obj, name) if name in _D2L_INPUTS and getattr(obj, "unread_base", False) else UNKNOWN
        if name in _MODULE_METHODS or name in _SELF_RETURNING or name in _NONE_METHODS or name in _D2L_INPUTS:
            return MethodOf(obj, name)
        return UNKNOWN  # an attribute nobody set: unknown (never a truthy stand-in)

    def module_item(self, interp: Any, obj: ModuleObj, key: Any) -> Any:
        if obj.uncertain:
            return UNKNOWN
        if param_containers.is_param_container(obj):
            return param_containers.item(obj, key)
        if obj.kind == "object":
            return _through_dunder(interp, obj, "__getitem__", key)  # MONAI's ``Conv[Conv.CONV, 3]``
        if obj.kind == "ModuleDict" or (obj.cls is not None and obj.cls.torch_base() == "ModuleDict"):
            return obj.attrs.get(key, UNKNOWN) if isinstance(key, str) else UNKNOWN
        if isinstance(key, int) and not isinstance(key, bool):
            if -len(obj.items) <= key < len(obj.items):
                return obj.items[key]
            return UNKNOWN
        if isinstance(key, slice):
            parts = (key.start, key.stop, key.step)
            if not all(p is None or isinstance(p, int) for p in parts):
                return UNKNOWN
            kind = obj.kind if obj.kind in CONTAINERS else (obj.cls.torch_base() if obj.cls else "Sequential")
            sliced = ModuleObj(kind or "Sequential", origin=obj.origin)
            sliced.items = obj.items[key]
            sliced.keys = obj.keys[key]
            sliced.attrs = dict(zip(sliced.keys, sliced.items))
            return sliced
        return UNKNOWN

    def module_delitem(self, interp: Any, obj: ModuleObj, key: Any) -> None:
        """``del seq[-1]`` / ``del layers[1:]`` / ``del blocks["name"]`` as torch's ``__delitem__`` does.

        Sequential and ModuleList renumber what is left ("0", "1", ...), so the old names are gone; a
        ModuleDict only drops the key. Anything else (an index torch would refuse, a branch that may not
        run) leaves the children uncertain.
        """
        names = None if obj.uncertain or interp.branching else _deleted_names(obj, key)
        if names is None:
            obj.uncertain = True
            return
        kept = [(k, m) for k, m in zip(obj.keys, obj.items) if k not in names]
        for name in obj.keys:
            obj.attrs.pop(name, None)
        if _container_kind(obj) != "ModuleDict":
            kept = [(str(i), m) for i, (_, m) in enumerate(kept)]
        obj.keys = [k for k, _ in kept]
        obj.items = [m for _, m in kept]
        obj.attrs.update(kept)

    def module_iter(self, obj: ModuleObj) -> list[Any] | None:
        if obj.uncertain:
            return None
        if param_containers.is_param_container(obj):
            return param_containers.iterate(obj)
        if obj.kind == "ModuleDict" or (obj.cls is not None and obj.cls.torch_base() == "ModuleDict"):
            return list(obj.keys)
        if obj.kind in ("Sequential", "ModuleList") or (
            obj.cls is not None and obj.cls.torch_base() in ("Sequential", "ModuleList")
        ):
            return list(obj.items)
        return None

    def _module_method(self, interp: Any, obj: ModuleObj, name: str, args: list[Any], kwargs: dict, node: Any) -> Any:
        if obj.kind == autograd_functions.CTX_KIND:
            return None if name in autograd_functions.CTX_METHODS else UNKNOWN
        if name.startswith("__torch_init__:"):
            base = name.split(":", 1)[1][len("torch.nn.") :]
            if base in CONTAINERS:
                self._container_init(interp, obj, base, args, kwargs)
            elif base != "Module" and "." not in base:
                # ``class LayerNorm2d(nn.LayerNorm)``: the torch layer underneath holds the parameters
                obj.base_layer = self.layer(interp, f"torch.nn.{base}", args, kwargs, node)  # type: ignore[attr-defined]
            return None
        if name == norm_buffers.CHECK_INPUT and len(args) == 1 and not kwargs:
            return norm_buffers.check_input(interp, obj.base_layer, args[0], node)  # type: ignore[attr-defined]
        if param_containers.is_param_container(obj):
            done = param_containers.method(interp, obj, name, args, kwargs)
            if done is not NotImplemented:
                return done
        if obj.kind == quantization.KIND and name == "add_relu":
            return quantization.add_relu(self, interp, args, kwargs, node)
        if name == "__container_forward__" or name == "__call__":
            return self.session.forward.call_module(interp, obj, args, kwargs, node, container_only=name != "__call__")
        by_name = ("name", "module")[len(args) :]  # ``add_module(name=str(i), module=conv)`` (MixNet)
        if name in ("add_module", "register_module") and kwargs and set(kwargs) == set(by_name) and len(args) < 2:
            args, kwargs = [*args, *(kwargs[k] for k in by_name)], {}
        if name in ("add_module", "register_module") and len(args) == 2 and isinstance(args[0], str):
            self.register(interp, obj, args[0], args[1], child=True)
            return None
        if name in ("add_module", "register_module"):
            obj.uncertain = True
            return None
        if name in ("register_buffer", "register_parameter") and len(args) >= 2 and isinstance(args[0], str):
            value = args[1]
            if isinstance(value, TensorVal) and name == "register_buffer":
                value = TensorVal(value.shape, value.integer, param=False)
            interp.write(obj.attrs, args[0], value)
            return None
        if name in ("register_buffer", "register_parameter"):
            obj.unread_names = True  # type: ignore[attr-defined]  # hasattr cannot rule a name out
            return None
        if name == "append" and args:
            if interp.uncertain_change(obj):
                obj.uncertain = True
            self.register(interp, obj, str(len(obj.items)), args[0], child=True)
            return obj
        if name == "extend" and args:
            self.extend_container(interp, obj, args[0], None)
            return obj
        is_dict = obj.kind == "ModuleDict" or (obj.cls is not None and obj.cls.torch_base() == "ModuleDict")
        if name == "update" and is_dict and len(args) == 1 and not kwargs:
            # ``ModuleDict.update(layers)`` (timm's FeatureDictNet): each key set in order, as ``d[key] = m``
            source = args[0]
            pairs = list(source.items.items()) if isinstance(source, DictVal) and not source.uncertain else None
            if pairs is None:
                listed = interp.iterate(source, None)
                ok = listed is not None and all(isinstance(p, tuple) and len(p) == 2 for p in listed)
                pairs = listed if ok else None
            if pairs is None or not all(isinstance(k, str) for k, _ in pairs):
                obj.uncertain = True
                return None
            for key, value in pairs:
                self.register(interp, obj, key, value, child=True)
            return None
        if name == "insert" and len(args) == 2 and isinstance(args[0], int):
            if obj.uncertain or interp.branching:
                obj.uncertain = True
                return None
            obj.items.insert(args[0], args[1])
            obj.keys = [str(i) for i in range(len(obj.items))]
            obj.attrs = {**{k: v for k, v in obj.attrs.items() if k not in obj.keys}, **dict(zip(obj.keys, obj.items))}
            return None
        if name in ("keys", "values", "items") and (
            obj.kind == "ModuleDict" or obj.cls and obj.cls.torch_base() == "ModuleDict"
        ):
            if obj.uncertain:
                return UNKNOWN
            if name == "keys":
                return tuple(obj.keys)
            if name == "values":
                return tuple(obj.items)
            return tuple(zip(obj.keys, obj.items))
        if name in ("named_modules", "modules") and not args and not kwargs:
            walked = named_modules(obj)  # torch's order: the module itself, then each child's tree, each once
            if walked is None:
                return UNKNOWN
            return tuple(walked) if name == "named_modules" else tuple(m for _, m in walked)
        if name in ("parameters", "buffers") and not kwargs and not args:
            return data_pipeline.TensorStream()  # ``next(self.parameters())``: a tensor, its shape unknown
        if name in ("children", "named_children") and not args and not kwargs:
            named = direct_children(obj)  # timm's RegStage: ``for block in self.children(): x = block(x)``
            if named is not None:
                return tuple(named) if name == "named_children" else tuple(m for _, m in named)
        if name in _SELF_RETURNING:
            _set_mode(obj, name, args, kwargs)
            return obj
        if name in _NONE_METHODS:
            return None
        if name in _D2L_INPUTS:  # d2l: the input size the code gives its model
            input_sources.module_method(self.session, interp, obj, name, args, node)
        return UNKNOWN


MAX_WALKED_MODULES = 100_000


def named_modules(root: ModuleObj) -> list[tuple[str, Any]] | None:
    """``root.named_modules()``: (dotted name, module) depth first from ``root`` (named ""), each module once;
    None when some module's children are not all known (an unknown layer, an unseen addition)."""
    out: list[tuple[str, Any]] = []
    seen: set[int] = set()
    stack: list[tuple[str, Any]] = [("", root)]
    while stack:
        prefix, module = stack.pop()
        if id(module) in seen:
            continue
        seen.add(id(module))
        out.append((prefix, module))
        if len(out) > MAX_WALKED_MODULES:
            return None
        if not isinstance(module, ModuleObj):  # a torch layer: a leaf unless torch gives it submodules
            if getattr(module, "spec", None) is None or module.spec.name in LAYERS_WITH_CHILDREN:
                return None
            continue
        children = direct_children(module)
        if children is None:
            return None
        stack.extend((f"{prefix}.{k}" if prefix else k, m) for k, m in reversed(children))
    return out


def direct_children(obj: ModuleObj) -> list[tuple[str, Any]] | None:
    """``obj.named_children()``: a container's items in order, a module's submodules as registered; None
    when they are not all known."""
    if obj.kind in CONTAINERS and obj.cls is None:
        return None if obj.uncertain else [(k, m) for k, m in zip(obj.keys, obj.items) if m is not None]
    return _instance_children(obj)


def _container_kind(obj: ModuleObj) -> str | None:
    """ "Sequential" / "ModuleList" / "ModuleDict" for a container or a subclass of one, else None."""
    kind = obj.kind if obj.kind in CONTAINERS else (obj.cls.torch_base() if obj.cls is not None else None)
    return kind if kind in CONTAINERS else None


def _deleted_names(obj: ModuleObj, key: Any) -> set[str] | None:
    """The children ``del obj[key]`` removes, by name; None when torch would refuse or it is not known."""
    kind = _container_kind(obj)
    if kind == "ModuleDict":
        return {key} if isinstance(key, str) and key in obj.keys else None
    if kind is None or len(obj.keys) != len(obj.items):
        return None
    if kind == "ModuleList" and obj.keys != [str(i) for i in range(len(obj.keys))]:
        return None  # torch deletes by the number's name: another name is not what it finds
    if isinstance(key, slice):
        parts = (key.start, key.stop, key.step)
        if not all(p is None or (isinstance(p, int) and not isinstance(p, bool)) for p in parts) or key.step == 0:
            return None
        return set(obj.keys[key])
    if isinstance(key, int) and not isinstance(key, bool) and -len(obj.keys) <= key < len(obj.keys):
        return {obj.keys[key]}
    return None


def _registered(obj: ModuleObj) -> list[tuple[str, Any]] | None:
    """What ``obj._modules`` holds: a container's items (a subclass's too), else its submodule attributes."""
    container = obj.kind in CONTAINERS or (obj.cls is not None and obj.cls.torch_base() in CONTAINERS)
    if container and (obj.items or obj.keys):
        return None if obj.uncertain else [(k, m) for k, m in zip(obj.keys, obj.items) if m is not None]
    return direct_children(obj)


def _instance_children(obj: ModuleObj) -> list[tuple[str, Any]] | None:
    """A user module's direct submodules as torch registers them (assignment order, None skipped, each
    once); None when an attribute is unknown (a module may hide there) or children were added unseen."""
    base = getattr(obj, "base_layer", None)  # ``class BatchNormAct2d(nn.BatchNorm2d)``: its parameters are its own
    if obj.uncertain or (base is not None and (base.spec is None or base.spec.name in LAYERS_WITH_CHILDREN)):
        return None
    named: list[tuple[str, Any]] = []
    seen: set[int] = set()
    for key, value in obj.attrs.items():
        if value is UNKNOWN:
            return None
        if is_module(value) and id(value) not in seen:
            seen.add(id(value))
            named.append((key, value))
    return named


def _set_mode(obj: ModuleObj, name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    """``model.eval()`` / ``model.train(False)``: torch's training-only errors no longer apply."""
    if name == "eval":
        obj.in_eval = True  # type: ignore[attr-defined]
    elif name == "train":
        mode = args[0] if args else kwargs.get("mode", True)
        if isinstance(mode, bool):
            obj.in_eval = not mode  # type: ignore[attr-defined]
        else:
            obj.in_eval = None  # type: ignore[attr-defined]  # not known: either may hold


def _through_dunder(interp: Any, obj: ModuleObj, dunder: str, arg: Any) -> Any:
    """``obj[key]`` / ``obj.missing`` on an instance of a plain class of the checked code: its own ``__getitem__``
    / ``__getattr__`` answers, as in Python (a layer factory's registry); unknown where it has none, or where
    its attributes are not certain (the one asked for may have been set under a name cnnlint lost)."""
    if obj.uncertain or obj.cls is None or obj.cls.has_unknown_base:
        return UNKNOWN
    method, _owner = obj.cls.lookup(dunder)
    method = interp.resolve(method)
    if not isinstance(method, FuncVal):
        return UNKNOWN
    return interp.call_function(method, [obj, arg], {}, None)
