"""``F.multi_head_attention_forward(...)``: the shapes torch gives and the errors the shapes decide.

OpenAI CLIP's and open_clip's ``AttentionPool2d`` call the functional form with
their own projections. torch's steps (2.13, ``torch/nn/functional.py``):

- query ``(L, N, E)`` batched or ``(L, E)`` unbatched, key and value of the
  same rank (else AssertionError: CNL006);
- ``E != embed_dim_to_check`` and ``E % num_heads`` raise (CNL002, CNL005);
- packed weights need key and value of one shape, separate ones the same
  sequence and batch dims (CNL002); the projections are ``linear`` by
  ``(E, E)``/``(E, Ek)``/``(E, Ev)`` weights, the output projection by
  ``out_proj_weight`` whose rows are the output's last dim;
- attention weights ``(N, L, S)`` averaged over heads, ``(N, H, L, S)`` not,
  without N unbatched, None when ``need_weights`` is false. ``S`` is the key
  length, one more for ``bias_k``/``bias_v``, one more for ``add_zero_attn``.

Only what is certain: an error needs known sizes that differ; a weight of a
shape other than the one torch needs, static keys, or a flag not known leave
the result unknown with a CNL100 note. Masks are not read (as for the layer).
"""

from __future__ import annotations

from cnnlint.interpret.values import UNKNOWN, Sym, TensorVal
from cnnlint.shapes.dims import Dim, Shape, format_shape, is_known
from cnnlint.shapes.ops_common import differ
from cnnlint.shapes.spec import ShapeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NAME = "F.multi_head_attention_forward"
PARAMS = (
    "query", "key", "value", "embed_dim_to_check", "num_heads", "in_proj_weight", "in_proj_bias", "bias_k",
    "bias_v", "add_zero_attn", "dropout_p", "out_proj_weight", "out_proj_bias", "training", "key_padding_mask",
    "need_weights", "attn_mask", "use_separate_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight",
    "static_k", "static_v", "average_attn_weights", "is_causal",
)  # fmt: skip
_DEFAULTS = {
    "training": True, "key_padding_mask": None, "need_weights": True, "attn_mask": None,
    "use_separate_proj_weight": False, "q_proj_weight": None, "k_proj_weight": None, "v_proj_weight": None,
    "static_k": None, "static_v": None, "average_attn_weights": True, "is_causal": False,
}  # fmt: skip


class NotFollowed(Exception):
    """The result is not certain: following stops with this reason."""


def call(session: Any, interp: Any, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    """The ``(attn_output, attn_weights)`` pair, or NotImplemented (the caller makes it unknown)."""
    from cnnlint.interpret.tensor_operators import unknown_tensor

    bound = bind(args, kwargs)
    if bound is None:
        return NotImplemented
    q, k, v = bound["query"], bound["key"], bound["value"]
    if not all(isinstance(t, TensorVal) and t.shape.rank is not None for t in (q, k, v)):
        return NotImplemented
    tainted = any(t.tainted for t in (q, k, v))
    try:
        out, weights = shapes(bound)
    except ShapeError as err:
        if not tainted:
            session.forward.op_error(interp, err, node, NAME)
        return unknown_tensor(tainted), unknown_tensor(tainted)
    except NotFollowed as why:
        session.forward.stop(interp, node, f"shape following stops here: {NAME}: {why}")
        return unknown_tensor(), unknown_tensor()
    _record(session, interp, q.shape, out, _macs(bound, out), node)
    second = weights if weights is None or weights is UNKNOWN else TensorVal(weights, tainted=tainted)
    return TensorVal(out, tainted=tainted), second


def bind(args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any] | None:
    """torch's signature: the first 13 parameters are required; None when the call does not bind."""
    if len(args) > len(PARAMS) or set(kwargs) - set(PARAMS):
        return None
    bound = dict(zip(PARAMS, args))
    if any(k in bound for k in kwargs):
        return None
    bound.update(kwargs)
    for key, value in _DEFAULTS.items():
        bound.setdefault(key, value)
    return bound if all(p in bound for p in PARAMS) else None


def _flag(bound: dict[str, Any], name: str) -> bool:
    value = bound[name]
    if isinstance(value, bool) or (type(value) is int):
        return bool(value)
    raise NotFollowed(f"{name} is not known")


def _int(value: Any) -> Dim:
    return value if isinstance(value, int) and not isinstance(value, (bool, Sym)) else UNKNOWN


def _dim(value: Any) -> Any:
    """A size as the engine's shapes hold it: an int, a symbol's name, or UNKNOWN."""
    if isinstance(value, Sym):
        return str(value)
    return _int(value)


def _weight(bound: dict[str, Any], name: str, want: tuple[Any, ...]) -> None:
    """A projection weight of the shape torch needs (torch raises for another; here: not followed)."""
    w = bound[name]
    if w is None:
        raise NotFollowed(f"{name} is None")  # torch raises an AssertionError, or linear a TypeError
    if not isinstance(w, TensorVal):
        raise NotFollowed(f"{name} is not a tensor cnnlint knows")
    shape = w.shape
    if shape.rank is not None and (shape.rank != len(want) or any(differ(a, b) for a, b in zip(shape.dims, want))):
        raise NotFollowed(f"{name} of shape {format_shape(shape)} where torch needs {format_shape(Shape(*want))}")


def _mismatch(code: str, what: str, q: Shape, k: Shape, v: Shape) -> ShapeError:
    shown = f"query {format_shape(q)}, key {format_shape(k)}, value {format_shape(v)}"
    return ShapeError(code, f"{NAME}: {what}; {shown}")


def shapes(bound: dict[str, Any]) -> tuple[Shape, Any]:
    """(attn_output, attn_weights or None or UNKNOWN) in torch's order of checks."""
    q, k, v = (bound[n].shape for n in ("query", "key", "value"))
    if q.rank not in (2, 3):
        raise ShapeError("CNL006", f"{NAME}: query should be unbatched 2-D or batched 3-D, got {format_shape(q)}")
    if k.rank != q.rank or v.rank != q.rank:
        raise _mismatch("CNL006", f"for a {q.rank}-D query, key and value must be {q.rank}-D", q, k, v)
    batched = q.rank == 3
    qd, kd, vd = (s.dims if batched else (s.dims[0], 1, s.dims[1]) for s in (q, k, v))
    length, batch, e = qd
    if bound["is_causal"] is True and bound["attn_mask"] is None:
        raise ShapeError("CNL005", f"{NAME}: is_causal needs an attn_mask")
    check, heads = _dim(bound["embed_dim_to_check"]), _int(bound["num_heads"])
    if differ(e, check):
        raise _mismatch("CNL002", f"embed_dim_to_check={check} but the query's last dimension is {e}", q, k, v)
    if not is_known(heads) or heads <= 0:  # type: ignore[operator]
        raise NotFollowed("num_heads is not a known positive number")
    if is_known(e) and e % heads:  # type: ignore[operator]
        raise ShapeError("CNL005", f"{NAME}: embed_dim {e} not divisible by num_heads {heads}")
    separate = _flag(bound, "use_separate_proj_weight")
    lead = 2 if separate else 3
    if any(differ(a, b) for a, b in zip(kd[:lead], vd[:lead])):
        what = "key's sequence and batch dims differ from value's" if separate else "key and value shapes differ"
        raise _mismatch("CNL002", what, q, k, v)
    _projections(bound, separate, e, kd[2], vd[2], q, k, v)
    source = _source_length(bound, kd[0])
    if differ(kd[1], batch) and is_known(kd[0], e) and kd[0] and e:  # ``k.view(S, N * H, E // H)`` raises
        raise _mismatch("CNL002", f"the key's batch size {kd[1]} differs from the query's {batch}", q, k, v)
    out_w = bound["out_proj_weight"]
    if not isinstance(out_w, TensorVal) or out_w.shape.rank != 2:
        raise NotFollowed("out_proj_weight is not a 2-D tensor cnnlint knows")
    rows, cols = out_w.shape.dims
    if differ(cols, e):
        raise ShapeError("CNL002", f"{NAME}: out_proj_weight {format_shape(out_w.shape)} for an embed_dim of {e}")
    out = Shape(length, batch, rows) if batched else Shape(length, rows)
    return out, _weights(bound, batched, batch, heads, length, source)


def _projections(bound: dict[str, Any], separate: bool, e: Any, ek: Any, ev: Any, *qkv: Shape) -> None:
    """The in-projection's weights and bias; a key of another width than a packed weight's raises."""
    bias = bound["in_proj_bias"]
    if bias is not None:
        _weight(bound, "in_proj_bias", (_times(3, e),))
    if separate:
        _weight(bound, "q_proj_weight", (e, e))
        _weight(bound, "k_proj_weight", (e, ek))
        _weight(bound, "v_proj_weight", (e, ev))
        return
    if differ(ek, e):  # linear(k, w_k) with a (E, E) slice of the packed weight
        raise _mismatch("CNL002", f"the key's last dimension {ek} is not the embed_dim {e}", *qkv)
    _weight(bound, "in_proj_weight", (_times(3, e), e))


def _times(n: int, d: Any) -> Any:
    return n * d if is_known(d) else UNKNOWN


def _source_length(bound: dict[str, Any], keys: Any) -> Any:
    """The key length with ``bias_k``/``bias_v`` and ``add_zero_attn`` counted."""
    if bound["static_k"] is not None or bound["static_v"] is not None:
        raise NotFollowed("static_k / static_v are not followed")
    bias_k, bias_v = bound["bias_k"], bound["bias_v"]
    if (bias_k is None) != (bias_v is None):
        which = "bias_k is set but bias_v is None" if bias_v is None else "bias_v is set but bias_k is None"
        raise ShapeError("CNL005", f"{NAME}: {which}")
    extra = (bias_k is not None) + _flag(bound, "add_zero_attn")
    if not extra:
        return keys
    return keys + extra if is_known(keys) else UNKNOWN


def _weights(bound: dict[str, Any], batched: bool, batch: Any, heads: int, length: Any, source: Any) -> Any:
    """``(N, L, S)`` averaged, ``(N, H, L, S)`` per head, no N unbatched; None without ``need_weights``."""
    need = bound["need_weights"]
    if not isinstance(need, bool) and type(need) is not int:
        return UNKNOWN
    if not need:
        return None
    average = bound["average_attn_weights"]
    if not isinstance(average, bool) and type(average) is not int:
        return Shape.unknown()
    dims = (length, source) if average else (heads, length, source)
    return Shape(batch, *dims) if batched else Shape(*dims)


def _macs(bound: dict[str, Any], out: Shape) -> Any:
    """Projections, ``q @ k^T``, ``attn @ v`` and the output projection (what FlopCounterMode counts, halved)."""
    q, k, v = (bound[n].shape for n in ("query", "key", "value"))
    if not is_known(*q.dims, *k.dims, *v.dims, *out.dims):
        return UNKNOWN
    n = q.dims[1] if q.rank == 3 else 1
    length, e, keys, ek, ev, e_out = q.dims[0], q.dims[-1], k.dims[0], k.dims[-1], v.dims[-1], out.dims[-1]
    return n * (length * e * e + keys * e * ek + keys * e * ev + 2 * length * keys * e + length * e * e_out)


def _record(session: Any, interp: Any, in_shape: Shape, out: Shape, macs: Any, node: Any) -> None:
    """A row of the summary for the call, with its output shape and MACs."""
    from cnnlint.shapes.propagate import Step
    from cnnlint.shapes.spec import Layer

    rec = session.forward.recording
    if rec is None:
        return
    origin = session.op_call(interp, node, None, NAME)
    step = Step(Layer(None, origin=origin, note=NAME), rec.depth, in_shape, out, params=0, macs=macs)
    step.op = True  # type: ignore[attr-defined]
    rec.steps.append(step)
