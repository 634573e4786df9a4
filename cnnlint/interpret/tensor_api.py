"""Tensor operations over abstract tensors: methods, ``torch.*`` and ``F.*`` functions, operators.

Ops that equal a catalogue layer (``F.relu``, ``F.max_pool2d``,
``torch.flatten``, ``x.view``) go through ``cnnlint.build`` and the engine,
and are steps of the trace like layers. Other ops use the engine's pure
tensor-op functions (``cnnlint.shapes.ops``); an op the engine does not know
gives an unknown tensor. Operators and indexing: ``cnnlint.interpret.tensor_operators``.
"""

from __future__ import annotations

from cnnlint.interpret import batch_views, tensor_value_calls, tensor_values
from cnnlint.interpret.multi import with_indices
from cnnlint.interpret.namedtuples import NamedTupleVal
from cnnlint.interpret.tensor_names import (
    _BINARY,
    _CASTS,
    _DATA_DEPENDENT,
    _KEEPS_DTYPE,
    _NOT_OPS,
    _REDUCTION_POSITIONS,
    _RESHAPING_INPLACE,
    REDUCTIONS,
    SAME_SHAPE,
)
from cnnlint.interpret.tensor_operators import (
    BROADCASTS_WITH,
    _ops,
    binop,
    broadcast_operands,
    dtype_flags,
    known_args,
    matmul,
    numpy_aliases,
    ternary,
    unknown_tensor,
)
from cnnlint.interpret.tensor_select import MIN_MAX, pieces, select, values_indices
from cnnlint.interpret.values import UNKNOWN, ListVal, Sym, TensorVal
from cnnlint.shapes.dims import Shape, is_known
from cnnlint.shapes.spec import ShapeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def dims_of(values: Any, interp: Any) -> tuple | None:
    """Sizes as given to ``torch.zeros(1, 3, 224, 224)`` / ``(..)`` / ``size=``; None when not all resolvable."""
    if len(values) == 1 and isinstance(values[0], (tuple, ListVal)):
        values = interp.iterate(values[0], None)
        if values is None:
            return None
    dims = []
    for v in values:
        if isinstance(v, Sym):
            dims.append(str(v))
        elif isinstance(v, int) and not isinstance(v, bool):
            dims.append(v)
        else:
            dims.append(UNKNOWN)
    return tuple(dims)


def _dim_value(d: Any) -> Any:
    return Sym(d) if isinstance(d, str) else d


def shape_tuple(shape: Shape) -> Any:
    if shape.open:
        return UNKNOWN
    return tuple(_dim_value(d) for d in shape.dims)


MAX_TENSOR_ROWS = 64  # a loop over more rows than this is one pass over a row of unknown count


def tensor_row(t: TensorVal) -> TensorVal | None:
    """What a loop over ``t`` binds on every pass: a tensor of its shape without the first dimension (none
    for a 0-d tensor, which torch refuses to iterate, or one of unknown rank)."""
    rank = t.shape.rank
    if rank is None or rank == 0:
        return None
    return TensorVal(Shape(*t.shape.dims[1:]), t.integer, tainted=t.tainted, mask=t.mask)


# torch.nn's namespaces of functions, not layer classes.
def rows_of(t: TensorVal) -> list[TensorVal] | None:
    """What a loop over ``t`` binds pass by pass: as many rows as its first dimension, each of the rest."""
    row = tensor_row(t)
    first = t.shape.dims[0] if row is not None else None
    if type(first) is int and 0 <= first <= MAX_TENSOR_ROWS:
        return [TensorVal(row.shape, t.integer, tainted=t.tainted, mask=t.mask) for _ in range(first)]
    return None


def tensor_attr(t: TensorVal, name: str) -> Any:
    from cnnlint.interpret.values import MethodOf

    if name == "shape":
        return shape_tuple(t.shape)
    if name == "ndim":
        return t.shape.rank if t.shape.rank is not None else UNKNOWN
    if name == "data":
        return tensor_values.alias(t)
    if name in ("T", "H", "mT", "mH", "real", "imag"):
        tensor_values.forget(t)  # a view of it
    if name in ("mT", "mH"):  # the last two dims swapped (torch raises under 2-D)
        shape = t.shape
        if shape.min_rank < 2:
            return unknown_tensor()
        dims = list(shape.dims)
        dims[-2], dims[-1] = dims[-1], dims[-2]
        return TensorVal(shape.with_dims(dims), t.integer, tainted=t.tainted, mask=t.mask)
    if name == "T":
        return TensorVal(Shape(*reversed(t.shape.dims))) if not t.shape.open else unknown_tensor()
    if name in ("real", "imag"):
        return TensorVal(t.shape)  # a complex tensor's parts (a real tensor's ``real`` is itself)
    if name in ("dtype", "device", "is_cuda", "requires_grad", "grad", "grad_fn"):
        return UNKNOWN
    return MethodOf(t, name)


def _run_layer(session: Any, interp: Any, call_name: str, t: TensorVal, args: list, kwargs: dict, node: Any) -> Any:
    """An op that equals a catalogue layer: bind it as ``build`` does and run it through the engine."""
    from cnnlint.build import build_one

    call = session.layer_call(
        interp,
        node,
        call_name,
        [t, *args] if not call_name.startswith("Tensor.") else args,
        kwargs,
        drop_first=not call_name.startswith("Tensor."),
    )
    layer = build_one(call)
    return with_indices(getattr(layer, "args", None) or {}, session.forward.run_layer(interp, layer, t, node))


def _reshaped_in_place(
    session: Any, interp: Any, t: TensorVal, name: str, args: list, kwargs: dict, node: Any
) -> TensorVal:
    """``t.resize_as_(x)``, ``t.unsqueeze_(0)``: ``t`` itself takes the new shape, under every name it has (the
    pre-0.4 ``input.resize_as_(real).copy_(real)`` placeholder). Unknown where the change may not happen (a
    branch that may not run) or the new shape is not known."""
    new = Shape.unknown()
    if name == "resize_as_" and len(args) == 1 and not kwargs and isinstance(args[0], TensorVal):
        new = args[0].shape
    elif name == "resize_" and args and not kwargs:
        sizes = args[0] if len(args) == 1 and isinstance(args[0], (tuple, ListVal)) else tuple(args)
        items = interp.iterate(sizes, None)
        if items is not None and all(type(d) is int and d >= 0 for d in items):
            new = Shape(*items)
    elif name not in ("set_", "as_strided_"):
        out = _call_method(session, interp, t, name[:-1], args, kwargs, node)  # ``unsqueeze_``: ``unsqueeze``
        if isinstance(out, TensorVal):
            new = out.shape
    tensor_values.forget(t)
    t.shape = Shape.unknown() if interp.branching else new
    t.producer, t.relayed = None, False
    return t


def call_method(session: Any, interp: Any, t: TensorVal, name: str, args: list, kwargs: dict, node: Any) -> Any:
    result = _call_method(session, interp, t, name, args, kwargs, node)
    if name in _KEEPS_DTYPE and (t.integer or t.mask):
        for out in result if isinstance(result, tuple) else (result,):
            if isinstance(out, TensorVal):
                out.integer, out.mask = t.integer, t.mask
    return result


def _call_method(session: Any, interp: Any, t: TensorVal, name: str, args: list, kwargs: dict, node: Any) -> Any:
    from cnnlint.build import FUNCTIONAL, TORCH_FUNCS

    if "axis" in kwargs or "keepdims" in kwargs:
        kwargs = numpy_aliases(name, kwargs)
        if kwargs is None:
            return unknown_tensor()
    known = tensor_value_calls.call_method(t, name, args, kwargs)
    if known is not NotImplemented:
        return known
    shape = t.shape
    if name in ("tolist", "item") and not args and not kwargs:
        return _python_data(name, shape)
    if name == "size" or name == "dim" or name == "numel":
        if name == "dim":
            return shape.rank if shape.rank is not None else UNKNOWN
        if name == "numel":
            n = shape.numel()
            return n if is_known(n) else UNKNOWN
        if not args and "dim" not in kwargs:
            return shape_tuple(shape)
        index = args[0] if args else kwargs["dim"]
        if not isinstance(index, int) or isinstance(index, bool):
            return UNKNOWN
        if shape.rank is not None and not -shape.rank <= index < shape.rank:
            return UNKNOWN
        return _dim_value(shape.dim(index))
    if name in BROADCASTS_WITH:
        others = [*args, *(kwargs[k] for k in BROADCASTS_WITH[name] if k in kwargs)]
        if name == "masked_fill":
            others = others[:1] if args else others  # the value is a number or a 0-D tensor
        if any(isinstance(o, TensorVal) or o is UNKNOWN for o in others):
            return broadcast_operands(session, interp, name, t, others, node)
    if name in _RESHAPING_INPLACE:
        return _reshaped_in_place(session, interp, t, name, args, kwargs, node)
    if name in SAME_SHAPE or (name.endswith("_") and name not in _RESHAPING_INPLACE):
        integer, mask = _CASTS.get(name, (t.integer, t.mask))
        return TensorVal(shape, integer, tainted=t.tainted, mask=mask)
    if name in ("view", "reshape"):
        if len(args) == 1 and isinstance(args[0], (tuple, ListVal)):
            items = interp.iterate(args[0], None)
            if items is None:
                return unknown_tensor()
            args = items
        out = _run_layer(
            session, interp, f"Tensor.{name}", t, [str(a) if isinstance(a, Sym) else a for a in args], kwargs, node
        )
        if isinstance(out, TensorVal) and not kwargs:
            batch_views.batch_mixing_view(session.forward, interp, t, list(args), node, name)
        return out
    if name == "type" and (args or "dtype" in kwargs):  # ``x.type(torch.float64)``; ``x.type()`` is a string
        integer, mask = dtype_flags(args[0] if args else kwargs["dtype"]) or (False, False)
        return TensorVal(shape, integer, tainted=t.tainted, mask=mask)
    if name == "to" and any(dtype_flags(v) is not None for v in (*args, *kwargs.values())):
        integer, mask = next(f for f in map(dtype_flags, (*args, *kwargs.values())) if f is not None)
        return TensorVal(shape, integer, tainted=t.tainted, mask=mask)
    if name == "ravel" and not args and not kwargs:
        return _run_layer(session, interp, "Tensor.flatten", t, [], {}, node)
    if name == "where" and len(args) == 2 and not kwargs:  # ``x.where(cond, y)`` is ``torch.where(cond, x, y)``
        from cnnlint.interpret.torch_calls import call_torch

        return call_torch(session, interp, "torch.where", [args[0], t, args[1]], {}, node)
    if name in ("view_as", "reshape_as", "expand_as") and args and isinstance(args[0], TensorVal):
        return TensorVal(args[0].shape)
    if name == "flatten":
        return _run_layer(session, interp, "Tensor.flatten", t, args, kwargs, node)
    if name == "unfold":  # sliding windows along a dim: not F.unfold (im2col), whose name it shares
        return tensor_op(session, interp, name, t, args, kwargs, node)
    if name in TORCH_FUNCS or name in FUNCTIONAL:
        return _run_layer(session, interp, f"Tensor.{name}", t, args, kwargs, node)
    if name in ("size",):
        return UNKNOWN
    if name in _BINARY and args:
        return binop(session, interp, _BINARY[name], t, args[0], node)
    if name in ("matmul", "mm", "bmm") and args:
        return matmul(session, interp, t, args[0], node, name)
    if name in ("addcmul", "addcdiv", "lerp") and len(args) >= 2:
        return ternary(session, interp, name, t, args[:2], node)
    if name == "new" and args and not kwargs and all(type(a) is int and a >= 0 for a in args):
        return TensorVal(Shape(*args))  # ``weight.new(n_layers, batch, hidden)``: sizes (a list would be data)
    if name in ("new_zeros", "new_ones", "new_empty", "new_full") and args:
        dims = dims_of(args[:1] if name == "new_full" else args, interp)
        return TensorVal(Shape(*dims)) if dims is not None else unknown_tensor()
    return tensor_op(session, interp, name, t, args, kwargs, node)


def tensor_op(session: Any, interp: Any, name: str, t: TensorVal, args: list, kwargs: dict, node: Any) -> Any:
    """Shape-changing tensor ops, through the engine's pure functions."""
    return _taint(_tensor_op(session, interp, name, t, args, kwargs, node), t.tainted)


def _taint(value: Any, tainted: bool) -> Any:
    if tainted:
        for v in value if isinstance(value, tuple) else (value,):
            if isinstance(v, TensorVal):
                v.tainted = True
    return value


def _tensor_op(session: Any, interp: Any, name: str, t: TensorVal, args: list, kwargs: dict, node: Any) -> Any:
    ops = _ops()
    if ops is None:
        return unknown_tensor()
    shape = t.shape
    try:
        if name in REDUCTIONS:
            if name in ("max", "min") and args and isinstance(args[0], TensorVal):  # torch.max(a, b)
                return binop(session, interp, name, t, args[0], node)
            at_dim, at_keepdim = _REDUCTION_POSITIONS.get(name, (0, 1))
            dim = args[at_dim] if len(args) > at_dim else kwargs.get("dim", -1 if name == "mode" else None)
            keepdim = args[at_keepdim] if len(args) > at_keepdim else kwargs.get("keepdim", False)
            if isinstance(dim, (tuple, ListVal)):
                dim = interp.iterate(dim, None)
                if dim is None:
                    return unknown_tensor()
                dim = tuple(dim)
            if not (dim is None or known_args(dim)) or not known_args(keepdim):
                return unknown_tensor()
            out = TensorVal(ops.reduce(shape, dim, bool(keepdim)))
            out.integer, out.mask = _reduced_flags(name, t)
            if name in ("max", "min", "median") and dim is not None or name == "mode":
                values, indices = pair = values_indices(out.shape)
                values.integer, values.mask = out.integer, out.mask
                return pair
            if name in ("std_mean", "var_mean"):
                return (out, TensorVal(out.shape))
            if name == "aminmax":
                return NamedTupleVal([out, TensorVal(out.shape)], MIN_MAX)
            if name in ("argmax", "argmin", "count_nonzero"):
                out.integer = True
            return out
        if name == "permute":
            if not args and set(kwargs) != {"dims"}:
                return unknown_tensor()
            dims = args[0] if len(args) == 1 and isinstance(args[0], (tuple, ListVal)) else args or kwargs["dims"]
            dims = interp.iterate(dims, None) if not isinstance(dims, list) else dims
            if dims is None or not known_args(*dims):
                return unknown_tensor()
            return TensorVal(ops.permute(shape, tuple(dims)))
        if name in ("transpose", "swapaxes", "swapdims"):
            pair = [*args, *(kwargs[k] for k in ("dim0", "dim1")[len(args) :] if k in kwargs)]
            if len(pair) == 2 and len(args) + len(kwargs) == 2 and known_args(*pair):
                return TensorVal(ops.transpose(shape, pair[0], pair[1]))
        if name == "t":
            return TensorVal(ops.t(shape))
        if name in ("movedim", "moveaxis") and len(args) == 2 and known_args(*args):
            return TensorVal(ops.movedim(shape, args[0], args[1]))
        if name == "unsqueeze":
            d = args[0] if args else kwargs.get("dim")
            return TensorVal(ops.unsqueeze(shape, d)) if known_args(d) else unknown_tensor()
        if name == "squeeze":
            d = args[0] if args else kwargs.get("dim")
            return TensorVal(ops.squeeze(shape, d)) if known_args(d) or d is None else unknown_tensor()
        if name in ("expand", "repeat", "tile", "broadcast_to"):
            keyword = {"expand": "size", "repeat": "repeats", "tile": "dims", "broadcast_to": "size"}[name]
            if not args and keyword not in kwargs:
                return unknown_tensor()
            sizes = dims_of(args or [kwargs[keyword]], interp)
            if sizes is None or any(s is UNKNOWN for s in sizes):
                return unknown_tensor()
            return TensorVal(getattr(ops, "expand" if name == "broadcast_to" else name)(shape, sizes))
        if name == "repeat_interleave":
            repeats = args[0] if args else kwargs.get("repeats")
            dim = args[1] if len(args) > 1 else kwargs.get("dim")
            if not known_args(repeats) or not (dim is None or known_args(dim)):
                return unknown_tensor()
            return TensorVal(ops.repeat_interleave(shape, repeats, dim))
        if name == "unflatten" and len(args) == 2:
            sizes = interp.iterate(args[1], None)
            if sizes is None or not known_args(args[0], *sizes):
                return unknown_tensor()
            return TensorVal(ops.unflatten(shape, args[0], tuple(sizes)))
        if name in ("chunk", "split", "unbind", "tensor_split"):
            return pieces(ops, interp, name, shape, args, kwargs)
        if name == "unfold":
            values = [*args, *(kwargs[k] for k in ("dimension", "size", "step")[len(args) :] if k in kwargs)]
            if len(values) != 3 or len(args) + len(kwargs) != 3 or not known_args(*values):
                return unknown_tensor()
            return TensorVal(ops.unfold_dim(shape, *values))
        if name in ("softmax", "log_softmax") and args:
            return TensorVal(shape)
        chosen = select(name, t, args, kwargs)
        if chosen is not NotImplemented:
            return chosen
    except ShapeError as err:
        if not t.tainted:
            session.forward.op_error(interp, err, node, name)
        return unknown_tensor(t.tainted)
    except (TypeError, ValueError, IndexError, AttributeError):
        return unknown_tensor()
    if name in _DATA_DEPENDENT:
        session.forward.stop(
            interp, node, f"shape following stops here: how many elements {name}(...) gives only the data decides"
        )
    elif name not in _NOT_OPS:
        session.forward.stop(interp, node, f"shape following stops here: {name}(...) is not an op cnnlint knows")
    return unknown_tensor()


def _python_data(name: str, shape: Shape) -> Any:
    """``.tolist()`` / ``.item()`` of values not known: Python numbers, never a tensor (``mask[i].tolist()
    .count(0)`` is a count). Nested lists of a tensor of rank 1 or more, their lengths the data's."""
    if name == "item" or shape.rank == 0:
        return UNKNOWN
    if shape.rank is None:
        return UNKNOWN  # a number or a list
    data = ListVal([])
    data.uncertain = True
    return data


def _reduced_flags(name: str, t: TensorVal) -> tuple[bool, bool]:
    """(integer, mask) of a reduction's values: chosen elements keep their dtype, ``any``/``all`` give
    bools, sums of bools or integers are integers."""
    if name in ("max", "min", "amax", "amin", "median", "mode"):
        return t.integer, t.mask
    if name in ("any", "all"):
        return False, True
    return name in ("sum", "prod", "nansum") and (t.integer or t.mask), False
