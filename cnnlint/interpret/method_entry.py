"""A model the code runs only through another of its methods: ``net.calculate_serfiq(x)``, ``vae.encode(x)``.

Such a script never calls the model itself, so no input reaches its ``forward``;
the method it does call is where the tensor enters. The model is followed
through that method, at the tensor and the other arguments of the code's first
call (``repeats=3`` as written, not the default), so a wrong ``in_features``
that only the method reaches is found at its layer. A call of the model itself
(``net(x)``, ``self(x)`` inside the method) wins: its forward is the model.
"""

from __future__ import annotations

from cnnlint.interpret.values import FuncVal, ListVal, ModuleObj, TensorVal, TorchLayer
from cnnlint.records import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_NOT_ENTRIES = frozenset(["forward", "__call__", "__init__"])


@dataclass
class MethodFeed:
    """The code's first call of one of a model's methods with a tensor of known shape."""

    func: FuncVal
    tensor: TensorVal  # the first tensor among the arguments: the model's input
    args: list[Any]  # the positional arguments as the method receives them (``fed_value``)
    kwargs: dict[str, Any]
    node: Any
    in_eval: bool

    def inputs(self, x: Any) -> tuple[list[Any], dict[str, Any]]:
        """The call's arguments with ``x`` in the input's place."""
        return [x if a is self.tensor else a for a in self.args], dict(self.kwargs)


def observe(
    session: Any, interp: Any, obj: Any, func: FuncVal, args: list[Any], kwargs: dict[str, Any], node: Any
) -> None:
    """Record ``obj.func(*args, **kwargs)`` if the checked file's own code calls it outside any model."""
    if func.name not in _NOT_ENTRIES:
        _record(session, interp, obj, func, args, kwargs, node)


def observe_call(session: Any, interp: Any, obj: Any, args: list[Any], kwargs: dict[str, Any], node: Any) -> None:
    """``criterion(net, fc, x, y)``: a call of the model whose first argument is not its input tensor (other
    models, a state) enters its forward with those arguments as they are."""
    if isinstance(obj, ModuleObj) and obj.cls is not None:
        forward = interp.resolve(obj.cls.lookup("forward")[0])
        if isinstance(forward, FuncVal):
            _record(session, interp, obj, forward, args, kwargs, node)


def _record(
    session: Any, interp: Any, obj: Any, func: FuncVal, args: list[Any], kwargs: dict[str, Any], node: Any
) -> None:
    if interp.module is not session.main or session.forward.recording is not None or id(obj) in session.method_feeds:
        return
    if not isinstance(obj, ModuleObj) or obj.kind == "object":
        return
    tensor = next((a for a in args if isinstance(a, TensorVal)), None) or _first_in_a_list(args)
    if tensor is None or tensor.shape.open or not all(isinstance(d, (int, str)) for d in tensor.shape.dims):
        return
    fed = [_fed(a) for a in args]
    at = next((i for i, a in enumerate(args) if a is tensor), None)
    in_eval = getattr(obj, "in_eval", False) is not False
    named = {k: _fed(v) for k, v in kwargs.items()}
    # ``head([p3, p4])``: the tensors stay in their list, as fed; the first of them names the input
    given = fed[at] if at is not None else TensorVal(tensor.shape, tensor.integer)
    session.method_feeds[id(obj)] = MethodFeed(func, given, fed, named, node, in_eval)
    session.fed_models.append((obj, node))


def _first_in_a_list(args: list[Any]) -> TensorVal | None:
    """The first tensor of a list or tuple argument (a detection head's ``forward(self, x)`` over levels)."""
    for a in args:
        items = a.items if isinstance(a, ListVal) and not a.uncertain else a if isinstance(a, tuple) else ()
        found = next((i for i in items if isinstance(i, TensorVal)), None)
        if found is not None:
            return found
    return None


def _fed(value: Any) -> Any:
    """As the method receives it: the code's own models as they are (``fc(model(x))`` runs them), tensors by
    shape, plain values; anything else unknown."""
    from cnnlint.interpret.session import fed_value  # (the session imports the interpreter, which imports this)

    model = isinstance(value, TorchLayer) or (isinstance(value, ModuleObj) and value.kind != "object")
    return value if model else fed_value(value)
