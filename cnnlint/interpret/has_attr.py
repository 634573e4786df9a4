"""``hasattr(value, name)``: True or False only where the interpreter saw every way the name could be bound.

A module namespace lacks a name its text never binds; a plain nn.Module subclass lacks an attribute no write
set (kuangliu's optional shortcut); a torch layer or container lacks one the code never set and torch never
defines (pytorchcv's ``hasattr(module, "do_output")`` over a backbone's children). Anything else is unknown.
"""

from __future__ import annotations

import re

from cnnlint.interpret.torch_attrs import torch_may_define
from cnnlint.interpret.torch_names import has_name
from cnnlint.interpret.values import (
    CONTAINERS,
    MISSING,
    UNKNOWN,
    DictVal,
    ListVal,
    ModuleNS,
    ModuleObj,
    QualName,
    Sym,
    TorchLayer,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# A value of each type Python answers ``hasattr`` for by the type alone (the interpreter's list and dict included)
_EXAMPLES: dict[type, Any] = {tuple: (), str: "", int: 0, float: 0.0, bool: False, type(None): None}
_EXAMPLES |= {ListVal: [], DictVal: {}}


def has_attr(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    """The builtin ``hasattr``."""
    value, name = args
    if not isinstance(name, str):
        return UNKNOWN
    if isinstance(value, QualName):
        return has_name(value.name, name)
    if isinstance(value, ModuleNS):
        if name in value.globals:
            return True
        return False if not may_bind(value.text, name) else UNKNOWN
    if isinstance(value, TorchLayer):
        if name in value.own:
            return True
        if value.spec is None or value.own_unknown or name in value.args or torch_may_define(name):
            return UNKNOWN
        return False
    if isinstance(value, ModuleObj):
        if name in value.attrs:
            return True
        if value.cls is not None:
            found, _ = value.cls.lookup(name)
            if found is not MISSING:
                return True
        if _surely_absent(value, name):
            return False
        return UNKNOWN
    example = _EXAMPLES.get(type(value))  # ``hasattr(obj, "ndim")`` of a tuple: Python's own answer
    if example is not None and not isinstance(value, Sym):
        return hasattr(example, name)
    return UNKNOWN


# Code that binds module attributes by a name not written in it.
_INDIRECT_BINDING = re.compile(r"\bimport\s+\*|\bsetattr\s*\(|\bglobals\s*\(|\bvars\s*\(|__dict__|\bexec\s*\(")


def may_bind(text: str, name: str) -> bool:
    """Whether a module's own text may bind ``name`` (False: a module that lacks it now never had it).
    A name bound later than it is asked about, or by code that is not read, must stay unknown."""
    if name not in text:
        return _INDIRECT_BINDING.search(text) is not None
    word = re.escape(name)
    binding = rf"\b{word}\s*(?:[-+*/%|&^@]?=(?!=)|:|,)|\b(?:def|class|as|import|global|for)\s+{word}\b"
    return re.search(binding, text) is not None or _INDIRECT_BINDING.search(text) is not None


# nn.Module's own public attributes (torch 2.x): present on every module.
_MODULE_ATTRS = frozenset({
    "T_destination", "add_module", "apply", "bfloat16", "buffers", "call_super_init", "children", "compile", "cpu",
    "cuda", "double", "dump_patches", "eval", "extra_repr", "float", "forward", "get_buffer", "get_extra_state",
    "get_parameter", "get_submodule", "half", "ipu", "load_state_dict", "modules", "mtia", "named_buffers",
    "named_children", "named_modules", "named_parameters", "parameters", "register_backward_hook",
    "register_buffer", "register_forward_hook", "register_forward_pre_hook", "register_full_backward_hook",
    "register_full_backward_pre_hook", "register_load_state_dict_post_hook", "register_load_state_dict_pre_hook",
    "register_module", "register_parameter", "register_state_dict_post_hook", "register_state_dict_pre_hook",
    "requires_grad_", "set_extra_state", "set_submodule", "share_memory", "state_dict", "to", "to_empty", "train",
    "training", "type", "xpu", "zero_grad",
})  # fmt: skip


def _surely_absent(obj: ModuleObj, name: str) -> bool:
    """``hasattr(self, "shortcut")`` is False: a module whose every write the interpreter saw never set it,
    and nothing it inherits could supply it: a plain nn.Module subclass without ``__getattr__`` of its own,
    or a torch container (or a subclass of one) asked for a name torch never defines."""
    if obj.uncertain or getattr(obj, "unread_names", False):
        return False
    if not name.isidentifier() or name.startswith("_") or name in _MODULE_ATTRS:
        return False
    cls = obj.cls
    if cls is None:
        return obj.kind in CONTAINERS and not torch_may_define(name)
    if cls.has_unknown_base:
        return False
    base = cls.torch_base()
    if base != "Module" and (base not in CONTAINERS or torch_may_define(name)):
        return False
    return cls.lookup("__getattr__")[0] is MISSING and cls.lookup("__getattribute__")[0] is MISSING
