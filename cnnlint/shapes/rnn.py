"""Recurrent family: RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell.

torch shows ``(*args, **kwargs)`` for RNN, LSTM and GRU (they forward to
``RNNBase``); ``binds`` holds what the arguments really bind to: RNN puts
``nonlinearity`` fourth, only LSTM takes ``proj_size`` (a keyword
``proj_size`` to RNN or GRU is a ValueError -> CNL005 from binding).

Rules matched against torch (2.13):
- construction (CNL005): ``input_size`` and ``hidden_size`` ints > 0,
  ``num_layers`` >= 1, ``dropout`` a number in [0, 1] (not a bool), ``bias``
  and ``batch_first`` bools, ``0 <= proj_size < hidden_size``, RNN's
  ``nonlinearity`` 'tanh' or 'relu'. Cells: sizes ints >= 0, RNNCell's
  nonlinearity (torch raises at the first forward).
- forward: 2-D (unbatched) or 3-D input (cells: 1-D or 2-D), else CNL006;
  the last dim must be ``input_size`` (CNL002, the output still recovered).
- output ``(T, N, D*H_out)`` (``(N, T, ...)`` with batch_first; ``(T, D*H_out)``
  unbatched), ``H_out = proj_size or hidden_size``, D = 2 if bidirectional;
  h_n ``(D*num_layers, N, H_out)`` whatever batch_first; LSTM's c_n has
  ``hidden_size``. Cells: ``(N, hidden_size)`` or ``(hidden_size,)``.
- MACs: FlopCounterMode counts the recurrent kernels through their
  decomposition into ``mm``/``addmm`` (meta device included): per time step
  and batch row, ``G*in + G*H_out`` per layer and direction (G = gates x
  hidden_size), plus ``proj_size*hidden_size`` with a projection; biases and
  gate nonlinearities are not counted.
"""

from __future__ import annotations

from numbers import Number

from cnnlint.shapes.dims import UNKNOWN, Shape, format_shape, is_known
from cnnlint.shapes.spec import ArgFix, Args, Count, LayerSpec, Param, ShapeError, int_arg

_FACTORY = (Param("device", None), Param("dtype", None))
_ANY = (Param("*args"), Param("**kwargs"))
_GATES = {"RNN": 1, "GRU": 3, "LSTM": 4, "RNNCell": 1, "GRUCell": 3, "LSTMCell": 4}


def _bool_arg(name: str, args: Args, param: str) -> None:
    value = args[param]
    if value is not UNKNOWN and not isinstance(value, bool):
        raise ShapeError("CNL005", f"{name} {param} should be of type bool, got {type(value).__name__}: {value!r}")


def _check_rnn(name: str, args: Args) -> None:
    int_arg(name, args, "input_size", minimum=1)
    hidden = int_arg(name, args, "hidden_size", minimum=1)
    int_arg(name, args, "num_layers", minimum=1)
    dropout = args["dropout"]
    if dropout is not UNKNOWN and (
        isinstance(dropout, bool) or not isinstance(dropout, Number) or not 0 <= dropout <= 1  # type: ignore[operator]
    ):
        raise ShapeError("CNL005", f"{name} dropout should be a number in range [0, 1], got {dropout!r}")
    _bool_arg(name, args, "bias")
    _bool_arg(name, args, "batch_first")
    if "proj_size" in args:
        proj = int_arg(name, args, "proj_size", minimum=0)
        if is_known(proj, hidden) and proj >= hidden:  # type: ignore[operator]
            raise ShapeError("CNL005", f"{name} proj_size={proj} has to be smaller than hidden_size={hidden}")
    _check_nonlinearity(name, args)


def _check_nonlinearity(name: str, args: Args) -> None:
    value = args.get("nonlinearity", "tanh")
    if value is not UNKNOWN and value not in ("tanh", "relu"):
        raise ShapeError("CNL005", f"{name} nonlinearity must be 'tanh' or 'relu', got {value!r}")


def _check_cell(name: str, args: Args) -> None:
    int_arg(name, args, "input_size", minimum=0)
    int_arg(name, args, "hidden_size", minimum=0)
    _check_nonlinearity(name, args)


def _flag(args: Args, param: str) -> object:
    value = args.get(param, False)
    return UNKNOWN if value is UNKNOWN else bool(value)


def _h_out(args: Args) -> object:
    proj, hidden = args.get("proj_size", 0), args["hidden_size"]
    if not is_known(proj, hidden):
        return UNKNOWN
    return proj if proj > 0 else hidden  # type: ignore[operator]


def _input_size(name: str, args: Args, shape: Shape, ranks: tuple[int, int], recovered: Shape) -> None:
    rank = shape.rank
    if (rank is not None and rank not in ranks) or (rank is None and shape.min_rank > ranks[1]):
        raise ShapeError(
            "CNL006",
            f"{name} expects a {ranks[0]}-D (unbatched) or {ranks[1]}-D input but receives {format_shape(shape)}",
        )
    want, got = args["input_size"], shape.dim(-1)
    if is_known(want, got) and want != got:
        raise ShapeError(
            "CNL002",
            f"{name} expects input_size={want} in the last dimension but receives {got}; input "
            f"{format_shape(shape)}; set input_size={got}",
            fix=ArgFix("input_size", got),  # type: ignore[arg-type]
            recovered=recovered,
        )


def _kind(args: Args) -> str:
    if "proj_size" in args:
        return "LSTM"
    return "RNN" if "nonlinearity" in args else "GRU"


def rnn_outputs(args: Args, in_shape: Shape) -> tuple[Shape, Shape | tuple[Shape, Shape]]:
    """``output, h_n`` of RNN/GRU, ``output, (h_n, c_n)`` of LSTM (which one: from the bound args).

    Raises CNL006 on a rank RNNs reject, CNL002 (with the shapes recovered) on
    an ``input_size`` mismatch.
    """
    kind = _kind(args)
    bidir, batch_first = _flag(args, "bidirectional"), _flag(args, "batch_first")
    layers, hidden, h_out = args["num_layers"], args["hidden_size"], _h_out(args)
    dirs = UNKNOWN if bidir is UNKNOWN else 2 if bidir else 1
    features = dirs * h_out if is_known(dirs, h_out) else UNKNOWN  # type: ignore[operator]
    stacked = dirs * layers if is_known(dirs, layers) else UNKNOWN  # type: ignore[operator]
    hidden = hidden if is_known(hidden) else UNKNOWN
    rank = in_shape.rank
    if rank == 2:
        output = Shape(in_shape.dims[0], features)
        h_n, c_n = Shape(stacked, h_out), Shape(stacked, hidden)
    elif rank == 3 and batch_first is not UNKNOWN:
        batch = in_shape.dims[0] if batch_first else in_shape.dims[1]
        output = Shape(*in_shape.dims[:2], features)
        h_n, c_n = Shape(stacked, batch, h_out), Shape(stacked, batch, hidden)
    else:
        output = Shape(features, open=True)
        h_n, c_n = Shape(h_out, open=True), Shape(hidden, open=True)
    state: Shape | tuple[Shape, Shape] = (h_n, c_n) if kind == "LSTM" else h_n
    _input_size(kind, args, in_shape, (2, 3), output)
    return output, state


def cell_outputs(name: str, args: Args, in_shape: Shape) -> Shape | tuple[Shape, Shape]:
    """``h'`` of RNNCell/GRUCell, ``(h', c')`` of LSTMCell."""
    hidden = args["hidden_size"] if is_known(args["hidden_size"]) else UNKNOWN
    rank = in_shape.rank
    out = Shape(hidden) if rank == 1 else Shape(in_shape.dims[0], hidden) if rank == 2 else Shape(hidden, open=True)
    _input_size(name, args, in_shape, (1, 2), out)
    return (out, out) if name == "LSTMCell" else out


def _count(name: str, args: Args) -> tuple[int, int] | None:
    """(gate rows G, 1 if biased), None when either is unknown."""
    hidden, bias = args["hidden_size"], _flag(args, "bias")
    if not is_known(hidden, args["input_size"]) or bias is UNKNOWN:
        return None
    return _GATES[name] * hidden, int(bias)  # type: ignore[operator, arg-type]


def _layer_inputs(args: Args) -> list[int] | None:
    """Per layer and direction: the input width, for the parameter and MAC formulas."""
    layers, h_out, bidir = args["num_layers"], _h_out(args), _flag(args, "bidirectional")
    if not is_known(layers, h_out, args["input_size"]) or bidir is UNKNOWN or layers > 10_000:  # type: ignore[operator]
        return None  # (a count over ten thousand stacked layers is not worth a list that long)
    dirs = 2 if bidir else 1
    return [args["input_size"] if layer == 0 else h_out * dirs for layer in range(layers) for _ in range(dirs)]  # type: ignore[operator]


def _rnn_params(name: str, args: Args, shape: Shape) -> Count:
    counted, widths, h_out = _count(name, args), _layer_inputs(args), _h_out(args)
    if counted is None or widths is None:
        return UNKNOWN
    gates, bias = counted
    proj = args.get("proj_size", 0)
    per = [gates * w + gates * h_out + 2 * gates * bias + proj * args["hidden_size"] for w in widths]  # type: ignore[operator]
    return sum(per)


def _rnn_macs(name: str, args: Args, in_shape: Shape, out_shape: Shape) -> Count:
    counted, widths, h_out = _count(name, args), _layer_inputs(args), _h_out(args)
    rank = in_shape.rank
    if counted is None or widths is None or rank not in (2, 3):
        return UNKNOWN
    steps = in_shape.dims[0] if rank == 2 else in_shape.dims[0] * in_shape.dims[1]  # type: ignore[operator]
    if not is_known(steps):
        return UNKNOWN
    gates = counted[0]
    proj = args.get("proj_size", 0)
    return steps * sum(gates * w + gates * h_out + proj * args["hidden_size"] for w in widths)  # type: ignore[operator]


def _cell_params(name: str, args: Args, shape: Shape) -> Count:
    counted = _count(name, args)
    if counted is None:
        return UNKNOWN
    gates, bias = counted
    return gates * (args["input_size"] + args["hidden_size"]) + 2 * gates * bias


def _cell_macs(name: str, args: Args, in_shape: Shape, out_shape: Shape) -> Count:
    counted, rank = _count(name, args), in_shape.rank
    if counted is None or rank not in (1, 2):
        return UNKNOWN
    rows = 1 if rank == 1 else in_shape.dims[0]
    if not is_known(rows):
        return UNKNOWN
    gates = counted[0]
    return rows * gates * (args["input_size"] + args["hidden_size"])  # type: ignore[operator]


def _rnn_spec(name: str) -> LayerSpec:
    head = (Param("input_size"), Param("hidden_size"), Param("num_layers", 1))
    flags = (Param("bias", True), Param("batch_first", False), Param("dropout", 0.0), Param("bidirectional", False))
    if name == "RNN":
        binds = (*head, Param("nonlinearity", "tanh"), *flags, *_FACTORY)
    elif name == "LSTM":
        binds = (*head, *flags, Param("proj_size", 0), *_FACTORY)
    else:
        binds = (*head, *flags, *_FACTORY)
    return LayerSpec(
        name=name,
        params=_ANY,
        binds=binds,
        infer=lambda args, shape: rnn_outputs(args, shape)[0],
        count_params=lambda args, shape: _rnn_params(name, args, shape),
        macs=lambda args, i, o: _rnn_macs(name, args, i, o),
        check=lambda args: _check_rnn(name, args),
        ranks=(2, 3),
    )


def _cell_spec(name: str) -> LayerSpec:
    params = (Param("input_size"), Param("hidden_size"), Param("bias", True))
    if name == "RNNCell":
        params += (Param("nonlinearity", "tanh"),)

    def infer(args: Args, shape: Shape) -> Shape:
        out = cell_outputs(name, args, shape)
        return out[0] if isinstance(out, tuple) else out

    return LayerSpec(
        name=name,
        params=(*params, *_FACTORY),
        infer=infer,
        count_params=lambda args, shape: _cell_params(name, args, shape),
        macs=lambda args, i, o: _cell_macs(name, args, i, o),
        check=lambda args: _check_cell(name, args),
        ranks=(1, 2),
    )


SPECS = [
    _rnn_spec("RNN"),
    _rnn_spec("LSTM"),
    _rnn_spec("GRU"),
    *(_cell_spec(n) for n in ("RNNCell", "LSTMCell", "GRUCell")),
]
