"""Layers' parameter tensors and the functional ops that take them: ``F.linear(x, self.weight, self.bias)``.

A subclass of a torch layer often keeps the layer's parameters and rewrites
``forward`` with the functional op (timm's ``Linear``, ``Conv2dSame``,
``StdConv2d``). ``self.weight`` then has the shape torch gives it, and
``F.conv2d(x, w, b, stride, padding, dilation, groups)`` /
``F.linear(x, w, b)`` are exactly the layer with those arguments:
``nn.Conv2d(w.shape[1] * groups, w.shape[0], w.shape[2:], ...)`` and
``nn.Linear(w.shape[1], w.shape[0])``. They run through the engine as that layer.
"""

from __future__ import annotations

from cnnlint.interpret.values import UNKNOWN, ListVal, Sym, TensorVal, TorchLayer
from cnnlint.shapes.dims import Shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, (bool, Sym))


def _dim(v: Any) -> Any:
    return v if _int(v) else UNKNOWN


def _tuple(v: Any, n: int) -> tuple[Any, ...] | None:
    if _int(v):
        return (v,) * n
    if isinstance(v, (tuple, list)) and len(v) == n:
        return tuple(v)
    return None


def param_shape(layer: TorchLayer, name: str) -> Shape:
    """The shape torch gives ``layer.weight`` / ``layer.bias`` (unknown where the layer's type is not covered)."""
    a, kind = layer.args, layer.type_name
    if kind == "Linear":
        return (
            Shape(_dim(a.get("out_features")), _dim(a.get("in_features")))
            if name == "weight"
            else Shape(_dim(a.get("out_features")))
        )
    if kind == "Embedding":  # (no bias)
        size = (_dim(a.get("num_embeddings")), _dim(a.get("embedding_dim")))
        return Shape(*size) if name == "weight" else Shape.unknown()
    if kind in ("Conv1d", "Conv2d", "Conv3d"):
        n = int(kind[-2])
        cout, cin, groups = a.get("out_channels"), a.get("in_channels"), a.get("groups", 1)
        if name == "bias":
            return Shape(_dim(cout))
        kernel = _tuple(a.get("kernel_size"), n)
        per_group = cin // groups if _int(cin) and _int(groups) and groups > 0 and cin % groups == 0 else UNKNOWN
        dims = tuple(_dim(k) for k in kernel) if kernel is not None else (UNKNOWN,) * n
        return Shape(_dim(cout), per_group, *dims)
    if kind == "LayerNorm":  # weight and bias of the normalized shape (None without elementwise_affine)
        given = a.get("normalized_shape")
        dims = (given,) if _int(given) else tuple(given) if isinstance(given, (tuple, list)) else (UNKNOWN,)
        if a.get("elementwise_affine") is not True or not all(_int(d) for d in dims):
            return Shape.unknown()
        return Shape(*dims)
    if kind.startswith("BatchNorm") or kind in ("GroupNorm",):
        if a.get("affine") is not True:
            return Shape.unknown()
        return Shape(_dim(a.get("num_features", a.get("num_channels"))))
    return Shape.unknown()


def linear(session: Any, interp: Any, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    """``F.linear(input, weight, bias=None)`` with a 2-D weight of known shape: ``nn.Linear(in, out)`` on input."""
    names = ("input", "weight", "bias")
    bound = dict(zip(names, args))
    bound.update({k: v for k, v in kwargs.items() if k in names})
    x, w = bound.get("input"), bound.get("weight")
    if not isinstance(x, TensorVal) or not _known_weight(w, 2):
        return NotImplemented
    out, cin = w.shape.dims
    layer_args = {"in_features": cin, "out_features": out, "bias": bound.get("bias") is not None}
    return _run(session, interp, "torch.nn.Linear", x, layer_args, node)


def conv(session: Any, interp: Any, n: int, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    """``F.conv2d(input, weight, bias, stride, padding, dilation, groups)``: ``nn.Conv2d`` with the same arguments."""
    names = ("input", "weight", "bias", "stride", "padding", "dilation", "groups")
    bound = {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, "bias": None}
    bound.update(zip(names, args))
    bound.update({k: v for k, v in kwargs.items() if k in names})
    x, w, groups = bound.get("input"), bound.get("weight"), bound["groups"]
    if isinstance(groups, Sym) and isinstance(x, TensorVal) and isinstance(w, TensorVal):
        return _batched_conv(session, interp, n, x, w, groups, bound, node)
    if not isinstance(x, TensorVal) or not _known_weight(w, n + 2) or not _int(groups):
        return NotImplemented
    out, per_group, *kernel = w.shape.dims
    values = {key: _plain(bound[key]) for key in ("stride", "padding", "dilation")}
    if any(v is UNKNOWN for v in values.values()):
        return NotImplemented
    layer_args = {
        "in_channels": per_group * groups,
        "out_channels": out,
        "kernel_size": tuple(kernel),
        **values,
        "groups": groups,
        "bias": bound["bias"] is not None,
    }
    return _run(session, interp, f"torch.nn.Conv{n}d", x, layer_args, node)


def _batched_conv(
    session: Any, interp: Any, n: int, x: TensorVal, w: TensorVal, groups: Sym, bound: dict[str, Any], node: Any
) -> Any:
    """A conv grouped by the batch: CondConv's ``x.reshape(1, B * C, H, W)`` and ``groups=self.groups * B``
    with a weight of ``B * out`` filters. Whatever B is, it is B convs of ``C`` to ``out`` channels in
    ``groups / B`` groups side by side: that conv is run, and the batch put back into the channels."""
    from collections import Counter

    from cnnlint.shapes.tensor_ops import compose, factors

    dims, kernel_dims = x.shape.dims, w.shape.dims
    if x.shape.open or w.shape.rank != n + 2 or len(dims) != n + 2:
        return NotImplemented
    if not (isinstance(dims[1], str) and isinstance(kernel_dims[0], str)) or not all(_int(d) for d in kernel_dims[1:]):
        return NotImplemented
    (g, g_names), (out, out_names), (channels, in_names) = factors(groups), factors(kernel_dims[0]), factors(dims[1])
    per_group = kernel_dims[1]
    same = Counter(g_names) == Counter(out_names) == Counter(in_names) and g_names
    if not same or per_group * g != channels or out % g:
        return NotImplemented  # torch's own checks would fail or depend on B: unknown, never a guess
    values = {key: _plain(bound[key]) for key in ("stride", "padding", "dilation")}
    if any(v is UNKNOWN for v in values.values()):
        return NotImplemented
    layer_args = {
        "in_channels": channels,
        "out_channels": out,
        "kernel_size": tuple(kernel_dims[2:]),
        **values,
        "groups": g,
        "bias": bound["bias"] is not None,
    }
    one = TensorVal(Shape(dims[0], channels, *dims[2:]))
    reduced = _run(session, interp, f"torch.nn.Conv{n}d", one, layer_args, node)
    if not isinstance(reduced, TensorVal) or reduced.shape.open:
        return reduced
    result = Shape(reduced.shape.dims[0], compose(out, Counter(out_names)), *reduced.shape.dims[2:])
    rec = session.forward.recording
    if rec is not None and rec.steps and rec.steps[-1].out_shape == reduced.shape:
        step = rec.steps[-1]  # the row shows torch's shapes; its MACs are those of one of the B convs
        step.in_shape, step.out_shape = x.shape, result
        step.macs = UNKNOWN
    return TensorVal(result)


def _known_weight(w: Any, rank: int) -> bool:
    return isinstance(w, TensorVal) and w.shape.rank == rank and all(_int(d) for d in w.shape.dims)


def _plain(v: Any) -> Any:
    if isinstance(v, ListVal):
        v = tuple(v.items) if not v.uncertain else UNKNOWN
    if _int(v) or (isinstance(v, str) and not isinstance(v, Sym)):
        return v
    if isinstance(v, tuple) and all(_int(i) for i in v):
        return v
    return UNKNOWN


def _run(session: Any, interp: Any, qualname: str, x: TensorVal, layer_args: dict[str, Any], node: Any) -> Any:
    from cnnlint.build import build_one

    call = session.layer_call(interp, node, qualname, [], layer_args)
    layer = build_one(call)
    return session.forward.run_layer(interp, layer, x, node)


def attention(session: Any, interp: Any, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    """``F.scaled_dot_product_attention(q, k, v)``: torch's math, ``softmax(q @ k.transpose(-2, -1)) @ v``.

    Shapes and multiply-accumulates are those two products (what ``FlopCounterMode`` counts);
    a mask is not read (its shape errors are not reported), grouped-query attention is unknown.
    """
    from cnnlint.interpret import tensor_api, tensor_operators

    names = ("query", "key", "value")
    bound = dict(zip(names, args))
    bound.update({k: v for k, v in kwargs.items() if k in names})
    q, k, v = (bound.get(n) for n in names)
    if not all(isinstance(t, TensorVal) for t in (q, k, v)) or kwargs.get("enable_gqa"):
        return NotImplemented
    if k.shape.rank is None or k.shape.rank < 2:
        return NotImplemented
    key_t = tensor_api.call_method(session, interp, k, "transpose", [-2, -1], {}, node)
    scores = tensor_operators.matmul(session, interp, q, key_t, node, "matmul")
    if not isinstance(scores, TensorVal) or scores.shape.open:
        return tensor_operators.unknown_tensor()
    return tensor_operators.matmul(session, interp, scores, v, node, "matmul")
