"""Layers that take or return more than one tensor: attention, recurrent layers, Bilinear."""

from __future__ import annotations

from cnnlint.interpret.packed_sequences import PackedVal, through_rnn
from cnnlint.interpret.values import UNKNOWN, TensorVal, TorchLayer
from cnnlint.shapes.dims import Shape
from cnnlint.shapes.spec import Finding, ShapeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

RECURRENT = frozenset({"RNN", "LSTM", "GRU"})


def multi_output(forward: Any, interp: Any, layer: TorchLayer, args: list, kwargs: dict, node: Any) -> Any:
    name = layer.type_name
    if name == "MultiheadAttention":
        return _attention(forward, interp, layer, args, kwargs, node)
    if name in RECURRENT:
        return _recurrent(forward, interp, layer, args, kwargs, node)
    if name == "Bilinear":
        return TensorVal(Shape.unknown())
    if name.startswith("MaxUnpool"):
        return _unpool(forward, interp, layer, args, kwargs, node)
    return NotImplemented


def _unpool(forward: Any, interp: Any, layer: TorchLayer, args: list, kwargs: dict, node: Any) -> Any:
    """``unpool(x, indices)``: the default size is the catalogue entry's; with no indices (a Sequential
    feeds one tensor) torch raises a TypeError, and with an ``output_size`` the size is not followed."""
    name = layer.type_name
    if len(args) < 2 and "indices" not in kwargs:
        x = _tensor(args[0] if args else kwargs.get("input"))
        forward._stop(interp, node, layer, f"shape following stops here: {name} needs the indices too", x.shape)
        return TensorVal(Shape.unknown())
    if kwargs.get("output_size", args[2] if len(args) > 2 else None) is not None:
        forward.stop(interp, node, f"shape following stops here: {name} with an output_size is not followed")
        return TensorVal(Shape.unknown())
    return NotImplemented


def with_indices(args: dict, out: TensorVal) -> Any:
    """A max pool built with ``return_indices=True`` returns (values, indices), both of the pooled shape;
    with a flag whose value is not known, what it returns is not known either."""
    flag = args.get("return_indices", False)
    if isinstance(flag, bool) or type(flag) is int:
        return (out, TensorVal(out.shape, integer=True, tainted=out.tainted)) if flag else out
    return UNKNOWN


def _tensor(value: Any) -> TensorVal:
    return value if isinstance(value, TensorVal) else TensorVal(Shape.unknown())


def _attention(forward: Any, interp: Any, layer: TorchLayer, args: list, kwargs: dict, node: Any) -> Any:
    from cnnlint.shapes.mha import mha_outputs
    from cnnlint.shapes.propagate import Step

    names = ("query", "key", "value")
    given = dict(zip(names, args))
    given.update({k: v for k, v in kwargs.items() if k in names})
    q, k, v = (_tensor(given.get(n)) for n in names)
    need_weights = kwargs.get("need_weights", args[4] if len(args) > 4 else True)
    average = kwargs.get("average_attn_weights", True)
    unknown = (TensorVal(Shape.unknown()), TensorVal(Shape.unknown()) if need_weights is not False else None)
    rec = forward.recording
    if rec is None:
        return unknown
    built = layer.built  # type: ignore[attr-defined]
    step = Step(built, rec.depth, q.shape, Shape.unknown())
    rec.steps.append(step)
    try:
        layer.spec.check(layer.args)  # type: ignore[union-attr]
        attn, weights = mha_outputs(
            layer.args, q.shape, k.shape, v.shape, need_weights is not False, average is not False
        )
    except ShapeError as err:
        if not interp.forking and not q.tainted and not rec.raised:
            step.findings.append(err.finding)
        step.stopped = True
        return unknown
    except (TypeError, ValueError, KeyError):
        step.findings.append(Finding("CNL100", "MultiheadAttention: shapes could not be followed"))
        step.stopped = True
        return unknown
    step.out_shape = attn
    step.params = layer.spec.count_params(layer.args, q.shape)  # type: ignore[union-attr]
    step.macs = _attention_macs(layer.args, q.shape, k.shape)
    return (TensorVal(attn, tainted=q.tainted), TensorVal(weights) if weights is not None else None)


def _attention_macs(args: dict, q: Shape, k: Shape) -> Any:
    """Projections, Q @ K^T, attention @ V, output projection (what FlopCounterMode counts, halved)."""
    from cnnlint.shapes.dims import UNKNOWN, is_known

    e = args.get("embed_dim")
    kdim = args.get("kdim") or e
    vdim = args.get("vdim") or e
    if q.open or k.open or not is_known(*q.dims, *k.dims, e, kdim, vdim):
        return UNKNOWN
    if len(q.dims) == 3:
        n, length = (q.dims[0], q.dims[1]) if args.get("batch_first") else (q.dims[1], q.dims[0])
        source = k.dims[1] if args.get("batch_first") else k.dims[0]
    elif len(q.dims) == 2:
        n, length, source = 1, q.dims[0], k.dims[0]
    else:
        return UNKNOWN
    return n * (length * e * e + source * e * kdim + source * e * vdim + 2 * length * source * e + length * e * e)


def _recurrent(forward: Any, interp: Any, layer: TorchLayer, args: list, kwargs: dict, node: Any) -> Any:
    if isinstance(args[0] if args else kwargs.get("input"), PackedVal):
        return through_rnn(_recurrent, forward, interp, layer, args, kwargs, node)
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
    if rnn_outputs is not None and not x.shape.is_unknown and layer.bind_error is None:
        try:
            _, h = rnn_outputs(layer.args, x.shape)
            hidden = tuple(TensorVal(s) for s in h) if isinstance(h, tuple) else TensorVal(h)
        except (ShapeError, TypeError, ValueError, KeyError):
            pass
        else:
            given = args[1] if len(args) > 1 else kwargs.get("hx")
            wrong = _state_mismatch(layer.type_name, given, h) if not (x.tainted or out.tainted) else None
            if wrong is not None:
                forward.op_error(interp, ShapeError("CNL017", wrong), node, layer.type_name)
                return (TensorVal(Shape.unknown()), hidden)
    return (out, hidden)


def _state_mismatch(kind: str, given: Any, expected: Any) -> str | None:
    """torch's check of an initial state against the input: ``Expected hidden[0] size (2, 4, 256), got
    [2, 64, 256]`` (LSTM's h0 and c0), ``Expected hidden size ...`` (RNN, GRU), and ``For batched 3-D input,
    hx should also be 3-D``. A size is compared only where it is known on both sides (two ints, or the same
    symbol: the batch ``B`` of input-free checking is the same batch in the state built from ``x.size(0)``),
    so a mismatch holds for every value of the symbols."""
    pairs = list(zip(given, expected)) if kind == "LSTM" and isinstance(given, tuple) and len(given) == 2 else []
    if kind != "LSTM" and isinstance(given, TensorVal):
        pairs = [(given, expected)]
    for i, (state, shape) in enumerate(pairs):
        if not (isinstance(state, TensorVal) and isinstance(shape, Shape)) or state.tainted:
            continue
        got, want = state.shape, shape
        if got.open or want.open:
            continue
        which = ("h_0", "c_0")[i]
        if len(got.dims) != len(want.dims):
            return (
                f"{kind} expects an initial {which} of {len(want.dims)} dims for this {len(want.dims)}-D input, "
                f"but receives {len(got.dims)} dims {_dims(got.dims)}"
            )
        if not all(type(d) in (int, str) for d in (*got.dims, *want.dims)):
            continue
        if any(type(a) is int and type(b) is int and a != b for a, b in zip(got.dims, want.dims)):
            return (
                f"{kind} expects an initial {which} of size {_dims(want.dims)} (layers x directions, batch, hidden) "
                f"for this input, but receives {_dims(got.dims)}"
            )
    return None


def _dims(dims: Any) -> str:
    """``(2, 4, 256)``, symbols unquoted: ``(2, B, 256)``."""
    inner = ", ".join(str(d) for d in dims)
    return f"({inner},)" if len(dims) == 1 else f"({inner})"
