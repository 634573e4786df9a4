"""``torch.X(...)`` and ``F.X(...)`` calls on abstract tensors: factories, ``cat``/``stack``, ``F.linear``,
``F.interpolate``, ``F.pad`` and the functional forms of layers and tensor methods.

Tensor methods and operators live in ``tensor_api.py``; this module calls
into it for what a function shares with a method (``torch.flatten(x)`` is
``x.flatten()``).
"""

from __future__ import annotations

from cnnlint.interpret import einsum, mha_functional, sampling, tensor_products, tensor_ranges, tensor_values
from cnnlint.interpret.numpy_arrays import ShapedArray
from cnnlint.interpret.tensor_api import _run_layer, call_method, dims_of
from cnnlint.interpret.tensor_names import _BINARY, FACTORIES, LIKE
from cnnlint.interpret.tensor_operators import _ops, binop, dtype_flags, known_args, matmul, unknown_tensor
from cnnlint.interpret.values import UNKNOWN, FuncVal, ListVal, ModuleObj, Sym, TensorVal, TorchLayer
from cnnlint.shapes.dims import Shape
from cnnlint.shapes.spec import ShapeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _unresolved(session: Any, interp: Any, name: str, t: TensorVal, node: Any) -> TensorVal:
    """An ``F.X(...)`` whose result cnnlint cannot work out (an op it does not model, a weight of unknown
    shape): unknown, and never silently so. An input already unknown said where following stopped."""
    if t.shape.rank is not None or t.shape.dims:
        short = name.replace("torch.nn.functional.", "F.")
        session.forward.stop(interp, node, f"shape following stops here: {short} could not be resolved")
    return unknown_tensor()


def _one_hot(t: TensorVal, args: list, kwargs: dict) -> TensorVal:
    """``F.one_hot(index, num_classes)``: the index's shape and one more dim of ``num_classes``
    (unknown for the default -1: it is the largest index plus one, data torch reads)."""
    classes = args[0] if args else kwargs.get("num_classes", -1)
    if t.shape.open:
        return unknown_tensor()
    size = classes if isinstance(classes, int) and not isinstance(classes, bool) and classes >= 0 else UNKNOWN
    return TensorVal(Shape(*t.shape.dims, size), integer=True)


_NTUPLE = {"_single": 1, "_pair": 2, "_triple": 3, "_quadruple": 4}


def _ntuple(interp: Any, n: int, args: list, kwargs: dict) -> Any:
    """torch's ``_pair(3)`` -> ``(3, 3)``; an iterable comes back as a tuple of its items, as torch's does."""
    if len(args) != 1 or kwargs:
        return UNKNOWN
    value = args[0]
    if isinstance(value, (tuple, ListVal)):
        items = interp.iterate(value, None)
        return tuple(items) if items is not None else UNKNOWN
    if value is UNKNOWN or isinstance(value, (TensorVal, str)):
        return UNKNOWN  # a string is iterable to torch too: ``_pair("same")`` is its characters
    return (value,) * n


# Questions about export and compilation that eager execution, which the checks follow, answers False.
NOT_EAGER = frozenset(
    {
        "torch.onnx.is_in_onnx_export",
        "torch.compiler.is_compiling",
        "torch.compiler.is_dynamo_compiling",
        "torch.compiler.is_exporting",
        "torch._dynamo.is_compiling",
        "torch.fx._symbolic_trace.is_fx_tracing",
    }
)
_TAKES_TENSORS = frozenset({"cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack"})


def call_torch(session: Any, interp: Any, name: str, args: list, kwargs: dict, node: Any) -> Any:
    """``torch.X(...)`` and ``torch.nn.functional.X(...)``."""
    from cnnlint.build import FUNCTIONAL, TORCH_FUNCS

    short = name.rsplit(".", 1)[1]
    if name.startswith("torch.nn.modules.utils.") and short in _NTUPLE:
        return _ntuple(interp, _NTUPLE[short], args, kwargs)
    if not args and ("input" in kwargs or "tensors" in kwargs and short in _TAKES_TENSORS):
        # ``F.interpolate(input=x, ...)``, ``torch.cat(tensors=[a, b])``: torch's first parameter, by name
        kwargs = dict(kwargs)
        args = [kwargs.pop("input" if "input" in kwargs else "tensors")]
    if name.startswith("torch.nn.functional."):
        if short == "multi_head_attention_forward":
            done = mha_functional.call(session, interp, args, kwargs, node)
            return done if done is not NotImplemented else (unknown_tensor(), UNKNOWN)
        if short in FUNCTIONAL and args and isinstance(args[0], TensorVal):
            return _run_layer(session, interp, name, args[0], args[1:], kwargs, node)
        if short in ("linear", "conv1d", "conv2d", "conv3d", "scaled_dot_product_attention"):
            from cnnlint.interpret import functional

            if short == "linear":
                done = functional.linear(session, interp, args, kwargs, node)
            elif short.startswith("conv"):
                done = functional.conv(session, interp, int(short[-2]), args, kwargs, node)
            else:
                done = functional.attention(session, interp, args, kwargs, node)
            if done is not NotImplemented:
                return done
        if short == "grid_sample":
            return sampling.grid_sample(args, kwargs)
        if short == "affine_grid":
            return sampling.affine_grid(args, kwargs)
        if not args or not isinstance(args[0], TensorVal):
            return UNKNOWN if not args else unknown_tensor()
        t = args[0]
        if short in ("interpolate", "upsample"):
            return _interpolate(session, interp, t, args[1:], kwargs, node)
        if short == "pad":
            return _pad(session, interp, t, args[1:], kwargs, node)
        if short == "one_hot":
            return _one_hot(t, args[1:], kwargs)
        if short == "embedding":
            return tensor_products.embedding(session, interp, args, kwargs, node)
        if short == "linear":
            return _linear(session, interp, t, args[1:], kwargs, node)
        if short in (
            "normalize",
            "dropout",
            "layer_norm",
            "rms_norm",
            "group_norm",
            "batch_norm",
            "instance_norm",
            "gelu",
            "softmax",
            "log_softmax",
            "silu",
            "hardswish",
            "hardsigmoid",
            "relu",
            "sigmoid",
        ):
            return TensorVal(t.shape)
        return _unresolved(session, interp, name, t, node)
    if name.startswith("torch.jit."):
        if short in ("is_scripting", "is_tracing"):
            return False
        if short == "annotate" and len(args) == 2:
            return args[1]
        if short == "trace" and len(args) >= 2:
            session.observe_input(args[0], args[1], node)
        if short in ("script", "trace") and args and isinstance(args[0], (ModuleObj, TorchLayer)):
            return args[0]  # the compiled module runs the same forward
        return UNKNOWN
    if name in NOT_EAGER:
        return False
    if name == "torch.compile" and args and isinstance(args[0], (ModuleObj, TorchLayer, FuncVal)):
        return args[0]  # the compiled model runs the same forward (its attributes are the model's)
    if name == "torch._assert" and args and args[0] is False:  # timm's ``_assert(H == self.img_size[0], ...)``
        test = session.text_of(interp, node.args[0]) if node is not None and node.args else "the condition"
        message = args[1] if len(args) > 1 else kwargs.get("message", UNKNOWN)
        session.forward.rejects(interp, node, f"torch._assert({test}) fails at this input", message)
        return None
    if name == "torch.onnx.export" and len(args) >= 2:
        session.observe_input(args[0], args[1], node)
        return None
    if short == "normal" and name.count(".") == 1:
        return _normal(session, interp, args, kwargs, node)
    if short in FACTORIES and name.count(".") == 1:
        sizes = args[:1] if short == "full" else (args[2:] if short == "randint" else args)
        if short == "randint":
            size = kwargs.get("size", args[-1] if args else None)
            dims = dims_of([size], interp) if size is not None else None
            return TensorVal(Shape(*dims), integer=True) if dims is not None else unknown_tensor()
        if "size" in kwargs:
            sizes = [kwargs["size"]]
        dims = dims_of(list(sizes), interp) if sizes else None
        fill = args[1] if short == "full" and len(args) > 1 else kwargs.get("fill_value")
        integer, mask = _flags(kwargs, type(fill) is int, type(fill) is bool)
        return TensorVal(Shape(*dims), integer, mask=mask) if dims is not None else unknown_tensor()
    if short == "eye" and name.count(".") == 1 and 1 <= len(args) <= 2:
        dims = dims_of([args[0], args[-1]], interp)  # eye(n) is n x n, eye(n, m) n x m
        if dims is not None and all(isinstance(d, str) or (isinstance(d, int) and d >= 0) for d in dims):
            integer, mask = _flags(kwargs, False, False)
            return TensorVal(Shape(*dims), integer, mask=mask)
        return unknown_tensor()
    if short == "linspace" and name.count(".") == 1:
        made = tensor_ranges.linspace(args, kwargs)
        return made if made is not None else unknown_tensor()
    if short in LIKE and args and isinstance(args[0], TensorVal):
        like = args[0]
        fill = args[1] if short == "full_like" and len(args) > 1 else kwargs.get("fill_value")
        if short == "full_like" and "dtype" not in kwargs and type(fill) is bool:
            return TensorVal(like.shape, mask=like.mask)  # a bool fill keeps the tensor's own dtype
        integer, mask = _flags(kwargs, like.integer, like.mask)
        return TensorVal(like.shape, integer, mask=mask)
    if short == "arange":
        bounds = tensor_ranges.arange_bounds(args, kwargs)
        if bounds is None:
            return unknown_tensor()
        args, kwargs = bounds, {k: v for k, v in kwargs.items() if k not in ("start", "end", "step")}
        numbers = [a for a in args if isinstance(a, int) and not isinstance(a, (bool, Sym))]
        if len(numbers) == len(args) and 1 <= len(args) <= 3 and not kwargs.get("step"):
            if not tensor_ranges.arange_valid(numbers):
                return unknown_tensor()  # torch raises (a zero step, or one of the wrong sign)
            return TensorVal(Shape(len(range(*numbers))), _flags(kwargs, True, False)[0])
        return _float_arange(args, kwargs)
    if args and isinstance(args[0], ShapedArray) and short in (*_LEGACY, "tensor", "as_tensor", "from_numpy"):
        return _from_array(short, args, kwargs)  # ``torch.FloatTensor(np.random.randn(32, 1, 64, 64))``
    if short in _LEGACY and name.count(".") == 1:
        return _legacy_constructor(short, args, kwargs)
    if short in ("tensor", "as_tensor"):
        return unknown_tensor()
    if name in ("torch.autograd.Variable", "torch.autograd.variable.Variable") and args:
        t = args[0]  # the legacy wrapper: a new tensor sharing t's data (its shape and dtype)
        if not isinstance(t, TensorVal):
            return unknown_tensor()
        tensor_values.forget(t)
        return TensorVal(t.shape, t.integer, tainted=t.tainted, mask=t.mask)
    if short in ("is_tensor",):
        return isinstance(args[0], TensorVal) if args else UNKNOWN
    if short in ("_assert", "manual_seed", "set_grad_enabled", "no_grad", "inference_mode", "enable_grad"):
        return None
    if short == "flatten" and args and isinstance(args[0], TensorVal):
        out = _run_layer(session, interp, "torch.flatten", args[0], args[1:], kwargs, node)
        if isinstance(out, TensorVal):  # the same elements: indices stay indices, a mask a mask
            out.integer, out.mask = args[0].integer, args[0].mask
        return out
    if short in TORCH_FUNCS and args and isinstance(args[0], TensorVal):
        return _run_layer(session, interp, name, args[0], args[1:], kwargs, node)
    if short in ("cat", "concat", "concatenate", "stack"):
        return _cat(session, interp, short, args, kwargs, node)
    if short == "tensordot":
        return tensor_products.tensordot(session, interp, args, kwargs, node)
    if short == "einsum":
        return einsum.einsum(session, interp, args, node)
    if short == "meshgrid":
        return einsum.meshgrid(args, kwargs, interp)
    if short in _BINARY and len(args) >= 2:
        return binop(session, interp, _BINARY[short], args[0], args[1], node)
    if short in ("matmul", "mm", "bmm") and len(args) == 2:
        return matmul(session, interp, args[0], args[1], node, short)
    if short == "where" and len(args) == 3:
        # ``torch.where(keep, x, 0.0)``: the tensors broadcast together, a number takes any shape
        numbers = [a for a in args[1:] if isinstance(a, (bool, int, float)) and not isinstance(a, Sym)]
        tensors = [a for a in args if isinstance(a, TensorVal)]
        if isinstance(args[0], TensorVal) and len(tensors) + len(numbers) == 3:
            out = tensors[0]
            for other in tensors[1:]:
                out = binop(session, interp, "where", out, other, node)
                if not isinstance(out, TensorVal):
                    return out
            values = args[1:]  # a mask where both values are bool, indices where both are integers
            mask = all(v.mask if isinstance(v, TensorVal) else type(v) is bool for v in values)
            integer = all(v.integer if isinstance(v, TensorVal) else type(v) is int for v in values)
            return TensorVal(out.shape, integer, tainted=any(t.tainted for t in tensors), mask=mask)
        return unknown_tensor()
    if args and isinstance(args[0], TensorVal):
        return call_method(session, interp, args[0], short, list(args[1:]), kwargs, node)
    return UNKNOWN


# torch's legacy constructors, by (integer, mask) of what they make
_LEGACY = {
    "Tensor": (False, False),
    "FloatTensor": (False, False),
    "DoubleTensor": (False, False),
    "HalfTensor": (False, False),
    "BFloat16Tensor": (False, False),
    "LongTensor": (True, False),
    "IntTensor": (True, False),
    "ShortTensor": (True, False),
    "CharTensor": (True, False),
    "ByteTensor": (True, False),
    "BoolTensor": (False, True),
}


def _legacy_constructor(short: str, args: list, kwargs: dict) -> Any:
    """``torch.Tensor(8, 3, 3, 3)``: sizes given one by one make an uninitialised tensor of that shape (pytorchcv's
    masks); ``torch.Tensor()`` an empty one. A list, tuple or tensor is data (``torch.Tensor((2, 3))`` holds
    two numbers), so any argument that is not a known size leaves the tensor unknown."""
    integer, mask = _LEGACY[short]
    if len(args) == 1 and not kwargs and isinstance(args[0], (ListVal, tuple)):
        nested = tensor_values._nested(args[0])  # ``torch.LongTensor([1, 2, 3])``: data, of its nesting's shape
        return TensorVal(Shape(*nested[0]), integer, mask=mask) if nested is not None else unknown_tensor()
    sizes = [a for a in args if isinstance(a, Sym) or _size(a)]
    if kwargs or len(sizes) != len(args):
        return unknown_tensor()
    dims = [str(a) if isinstance(a, Sym) else a for a in sizes] if sizes else [0]
    return TensorVal(Shape(*dims), integer, mask=mask)


def _from_array(short: str, args: list, kwargs: dict) -> Any:
    """A tensor of a NumPy array's shape: its dtype (integers or not) unless the call names another."""
    array = args[0]
    if len(args) != 1 or set(kwargs) - {"dtype", "device", "requires_grad"}:
        return unknown_tensor()
    if short in _LEGACY:
        integer, mask = _LEGACY[short]
    else:
        integer, mask = _flags(kwargs, array.integer, False)
    return TensorVal(Shape(*array.dims), integer, mask=mask)


def _size(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _flags(kwargs: dict, integer: bool, mask: bool) -> tuple[bool, bool]:
    """(integer, mask) of a made tensor: its ``dtype=`` when given (neither when it cannot be read), else
    what it has without one."""
    if "dtype" not in kwargs:
        return integer, mask
    return dtype_flags(kwargs["dtype"]) or (False, False)


def _normal(session: Any, interp: Any, args: list, kwargs: dict, node: Any) -> Any:
    """``torch.normal(mean, std, size)``: ``size`` when given, else the shape of the tensor ``mean``/``std``
    (both tensors: broadcast together)."""
    bound = dict(zip(("mean", "std", "size"), args))
    bound.update({k: v for k, v in kwargs.items() if k in ("mean", "std", "size")})
    if "size" in bound:
        dims = dims_of([bound["size"]], interp)
        return TensorVal(Shape(*dims)) if dims is not None else unknown_tensor()
    operands = [bound.get("mean"), bound.get("std", 1.0)]
    if any(o is UNKNOWN for o in operands) or not any(isinstance(o, TensorVal) for o in operands):
        return unknown_tensor()
    tensors = [o for o in operands if isinstance(o, TensorVal)]
    out = tensors[0] if len(tensors) == 1 else binop(session, interp, "normal", tensors[0], tensors[1], node)
    return TensorVal(out.shape, tainted=out.tainted) if isinstance(out, TensorVal) else out


def _cat(session: Any, interp: Any, short: str, args: list, kwargs: dict, node: Any) -> Any:
    seq = args[0] if args else kwargs.get("tensors")
    items = interp.iterate(seq, None) if seq is not None else None
    dim = args[1] if len(args) > 1 else kwargs.get("dim", kwargs.get("axis", 0))
    if items is None or not all(isinstance(i, TensorVal) for i in items) or not known_args(dim) or not items:
        return unknown_tensor()
    ops = _ops()
    if ops is None:
        return unknown_tensor()
    tainted = any(i.tainted for i in items)
    try:
        fn = ops.stack if short == "stack" else ops.cat
        integer, mask = all(i.integer for i in items), all(i.mask for i in items)
        return TensorVal(fn([i.shape for i in items], dim), integer, tainted=tainted, mask=mask)
    except ShapeError as err:
        if not tainted:
            session.forward.op_error(interp, err, node, f"torch.{short}")
        return unknown_tensor(tainted)
    except (TypeError, ValueError, IndexError):
        return unknown_tensor()


def _linear(session: Any, interp: Any, t: TensorVal, args: list, kwargs: dict, node: Any) -> Any:
    """``F.linear(x, weight, bias)``: ``x @ weight.T`` (its MACs counted as a matmul's), plus the bias."""
    weight = args[0] if args else kwargs.get("weight")
    if not isinstance(weight, TensorVal) or weight.shape.rank != 2:
        return unknown_tensor()
    transposed = TensorVal(Shape(*reversed(weight.shape.dims)), tainted=weight.tainted)
    out = matmul(session, interp, t, transposed, node, "F.linear")
    bias = args[1] if len(args) > 1 else kwargs.get("bias")
    if isinstance(bias, TensorVal) and isinstance(out, TensorVal) and not out.shape.open:
        return binop(session, interp, "+", out, bias, node)
    return out


def _interpolate(session: Any, interp: Any, t: TensorVal, args: list, kwargs: dict, node: Any) -> Any:
    ops = _ops()
    if ops is None:
        return unknown_tensor()
    names = ("size", "scale_factor", "mode", "align_corners", "recompute_scale_factor")
    bound = dict(zip(names, args))
    bound.update({k: v for k, v in kwargs.items() if k in names})
    for key in ("size", "scale_factor"):
        value = bound.get(key)
        if isinstance(value, (tuple, ListVal)):
            items = interp.iterate(value, None)
            if items is None:
                return unknown_tensor()
            bound[key] = tuple(items)
        if isinstance(bound.get(key), Sym) or bound.get(key) is UNKNOWN:
            return unknown_tensor()
        if isinstance(bound.get(key), tuple) and any(v is UNKNOWN or isinstance(v, Sym) for v in bound[key]):
            return unknown_tensor()
    if any(v is UNKNOWN for v in bound.values()):
        return unknown_tensor()
    try:
        return TensorVal(ops.interpolate(t.shape, **bound))
    except ShapeError as err:
        session.forward.op_error(interp, err, node, "interpolate")
        return unknown_tensor()
    except (TypeError, ValueError):
        return unknown_tensor()


def _pad(session: Any, interp: Any, t: TensorVal, args: list, kwargs: dict, node: Any) -> Any:
    ops = _ops()
    pad = args[0] if args else kwargs.get("pad")
    items = interp.iterate(pad, None) if pad is not None else None
    mode = args[1] if len(args) > 1 else kwargs.get("mode", "constant")
    if ops is None or items is None or not known_args(*items) or not isinstance(mode, str):
        return unknown_tensor()
    try:
        return TensorVal(ops.pad(t.shape, tuple(items), mode))
    except ShapeError as err:
        session.forward.op_error(interp, err, node, "pad")
        return unknown_tensor()
    except (TypeError, ValueError):
        return unknown_tensor()


def _float_arange(args: list, kwargs: dict) -> TensorVal:
    """``torch.arange(0.5, s)`` (timm's centred RoPE grid): ``ceil((end - start) / step)`` floats, as torch
    counts them in double precision; unknown where torch raises (a zero step, a step of the wrong sign)."""
    import math

    bounds = [*args, *([kwargs["step"]] if "step" in kwargs and len(args) == 2 else [])]
    plain = all(isinstance(a, (int, float)) and not isinstance(a, (bool, Sym)) for a in bounds)
    if not plain or not 1 <= len(bounds) <= 3 or set(kwargs) - {"step", "dtype", "device"}:
        return unknown_tensor()
    start, end, step = (0.0, bounds[0], 1.0) if len(bounds) == 1 else (*bounds, 1.0)[:3]
    if step == 0 or not all(math.isfinite(v) for v in (start, end, step)):
        return unknown_tensor()
    span = (float(end) - float(start)) / float(step)
    if span < 0:
        return unknown_tensor()
    size = math.ceil(span)
    return TensorVal(Shape(size), integer=all(isinstance(a, int) for a in bounds) and "dtype" not in kwargs)
