"""Layers that take or return more than one tensor: attention, recurrent layers, Bilinear."""

from __future__ import annotations

from typing import Any

from cnnlint.interpret.values import TensorVal, TorchLayer
from cnnlint.shapes.dims import Shape
from cnnlint.shapes.spec import ShapeError

RECURRENT = frozenset({"RNN", "LSTM", "GRU"})


def multi_output(forward: Any, interp: Any, layer: TorchLayer, args: list, kwargs: dict, node: Any) -> Any:
    name = layer.type_name
    if name == "MultiheadAttention":
        return _attention(forward, interp, layer, args, kwargs, node)
    if name in RECURRENT:
        return _recurrent(forward, interp, layer, args, kwargs, node)
    if name == "Bilinear":
        return TensorVal(Shape.unknown())
    return NotImplemented


def _tensor(value: Any) -> TensorVal:
    return value if isinstance(value, TensorVal) else TensorVal(Shape.unknown())


def _attention(forward: Any, interp: Any, layer: TorchLayer, args: list, kwargs: dict, node: Any) -> Any:
    names = ("query", "key", "value")
    given = dict(zip(names, args))
    given.update({k: v for k, v in kwargs.items() if k in names})
    q, k, v = (_tensor(given.get(n)) for n in names)
    need_weights = kwargs.get("need_weights", args[4] if len(args) > 4 else True)
    average = kwargs.get("average_attn_weights", True)
    out = forward.run_layer(interp, layer.built, q, node)  # the catalogue entry checks the query and counts
    try:
        from cnnlint.shapes.ops import mha_outputs  # type: ignore[attr-defined]
    except ImportError:
        return (out, TensorVal(Shape.unknown()) if need_weights is not False else None)
    try:
        attn, weights = mha_outputs(
            layer.args, q.shape, k.shape, v.shape, need_weights is not False, average is not False
        )
    except ShapeError as err:
        forward.op_error(interp, err, node, "MultiheadAttention")
        return (TensorVal(Shape.unknown()), TensorVal(Shape.unknown()))
    except (TypeError, ValueError):
        return (out, TensorVal(Shape.unknown()))
    return (
        TensorVal(attn) if out.shape.is_unknown is False else out,
        TensorVal(weights) if weights is not None else None,
    )


def _recurrent(forward: Any, interp: Any, layer: TorchLayer, args: list, kwargs: dict, node: Any) -> Any:
    x = _tensor(args[0] if args else kwargs.get("input"))
    out = forward.run_layer(interp, layer.built, x, node)
    try:
        from cnnlint.shapes.ops import rnn_outputs  # type: ignore[attr-defined]
    except ImportError:
        rnn_outputs = None
    if rnn_outputs is None:
        try:
            from cnnlint.shapes.rnn import rnn_outputs  # type: ignore[no-redef]
        except ImportError:
            rnn_outputs = None
    hidden: Any = TensorVal(Shape.unknown())
    if layer.type_name == "LSTM":
        hidden = (TensorVal(Shape.unknown()), TensorVal(Shape.unknown()))
    if rnn_outputs is not None and not x.shape.is_unknown:
        try:
            _, h = rnn_outputs(layer.args, x.shape)
            hidden = tuple(TensorVal(s) for s in h) if isinstance(h, tuple) else TensorVal(h)
        except (ShapeError, TypeError, ValueError):
            pass
    return (out, hidden)
