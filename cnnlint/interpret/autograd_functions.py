"""``torch.autograd.Function`` subclasses: ``Swish.apply(x)`` runs the class's static ``forward(ctx, x)``.

Memory-efficient activations are written this way (efficientnet_pytorch's
``SwishImplementation``, geffnet's ``SwishJitAutoFn``). ``ctx`` is an object
that keeps what is set on it and whose methods (``save_for_backward``,
``mark_dirty``, ...) return None: they do not change a shape.
"""

from __future__ import annotations

from cnnlint.interpret.values import UNKNOWN, ClassVal, FuncVal, MethodOf, ModuleObj, QualName

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CTX_KIND = "autograd_ctx"
CTX_METHODS = frozenset(
    {"save_for_backward", "mark_dirty", "mark_non_differentiable", "set_materialize_grads", "save_for_forward"}
)
_FUNCTION_BASES = frozenset({"torch.autograd.Function", "torch.autograd.function.Function"})


def is_function_class(cls: ClassVal) -> bool:
    return any(isinstance(c, QualName) and c.name in _FUNCTION_BASES for c in cls.mro())


def apply(interp: Any, cls: ClassVal, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    """``cls.apply(*args)``: the static ``forward`` with a fresh ``ctx``; unknown when there is none."""
    forward, _ = cls.lookup("forward")
    forward = interp.resolve(forward)
    if not isinstance(forward, FuncVal) or forward.kind != "staticmethod":
        return UNKNOWN
    return interp.call_function(forward, [ModuleObj(CTX_KIND), *args], kwargs, node)


def ctx_attr(obj: ModuleObj, name: str) -> Any:
    """What ``ctx.<name>`` is when nothing set it: its methods, else unknown."""
    return MethodOf(obj, name) if name in CTX_METHODS else UNKNOWN
