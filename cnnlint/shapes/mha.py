"""``nn.MultiheadAttention(query, key, value)``: the ``(attn_output, attn_weights)`` shapes.

The catalogue entry (cnnlint/shapes/misc.py) counts parameters; this is the
forward, for the interpreter, with the checks torch makes (2.13,
``F.multi_head_attention_forward``):

- query 3-D (batched) or 2-D (unbatched), key and value of the same rank: CNL006;
- batch_first batched inputs are ``(N, L, E)``, else ``(L, N, E)``;
- the query's last dim must be ``embed_dim``, key's ``kdim``, value's ``vdim``
  (both default to ``embed_dim``): CNL002;
- with ``kdim == vdim == embed_dim`` key and value must have equal shapes,
  otherwise equal sequence and batch dims; key's batch must be the query's: CNL002.

attn_output is the query's shape with ``embed_dim`` last; attn_weights are
``(N, L, S)`` averaged over heads or ``(N, num_heads, L, S)`` (no N
unbatched), ``S`` the key length plus one for ``add_bias_kv`` and one for
``add_zero_attn``; None when ``need_weights`` is false. Masks are not modelled.
"""

from __future__ import annotations

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, format_shape, is_known
from cnnlint.shapes.ops_common import differ, pinned, settle
from cnnlint.shapes.spec import Args, ShapeError


def _flag(args: Args, name: str) -> object:
    value = args.get(name, False)
    return UNKNOWN if value is UNKNOWN else bool(value)


def _known(value: object) -> Dim:
    return value if is_known(value) else UNKNOWN  # type: ignore[return-value]


def _mismatch(what: str, q: Shape, k: Shape, v: Shape) -> ShapeError:
    shown = f"query {format_shape(q)}, key {format_shape(k)}, value {format_shape(v)}"
    return ShapeError("CNL002", f"MultiheadAttention: {what}; {shown}")


def mha_outputs(
    args: Args, q: Shape, k: Shape, v: Shape, need_weights: bool = True, average_attn_weights: bool = True
) -> tuple[Shape, Shape | None]:
    """``(attn_output, attn_weights)`` of a bound MultiheadAttention called on query, key, value."""
    e, heads = _known(args["embed_dim"]), _known(args["num_heads"])
    kdim = e if args["kdim"] is None else _known(args["kdim"])
    vdim = e if args["vdim"] is None else _known(args["vdim"])
    rank = q.rank
    if (rank is not None and rank not in (2, 3)) or q.min_rank > 3:
        raise ShapeError(
            "CNL006", f"MultiheadAttention: query should be unbatched 2-D or batched 3-D, got {format_shape(q)}"
        )
    kp, vp = (pinned(k, rank), pinned(v, rank)) if rank is not None else (k, v)
    if kp is None or vp is None:
        raise ShapeError(
            "CNL006",
            f"MultiheadAttention: for a {rank}-D query, key and value must be {rank}-D; got "
            f"{format_shape(k)} and {format_shape(v)}",
        )
    for name, want, got in (("query", e, q.dim(-1)), ("key", kdim, k.dim(-1)), ("value", vdim, v.dim(-1))):
        if differ(want, got):
            what = {"query": "embed_dim", "key": "kdim", "value": "vdim"}[name]
            raise _mismatch(f"{what}={want} but the {name}'s last dimension is {got}", q, k, v)
    weights_wanted = need_weights is not False
    if rank is None:
        return Shape(e, open=True), (Shape.unknown() if weights_wanted else None)
    batch_first = _flag(args, "batch_first")
    qd, kd, vd = q.dims, kp.dims, vp.dims
    if rank == 3:
        if batch_first is UNKNOWN:
            return Shape(UNKNOWN, UNKNOWN, e), (Shape.unknown() if weights_wanted else None)
        if batch_first:  # to torch's internal (L, N, E)
            qd, kd, vd = ((d[1], d[0], d[2]) for d in (qd, kd, vd))
    packed = is_known(kdim, vdim, e) and kdim == e and vdim == e
    lead = rank if packed else rank - 1
    if any(differ(a, b) for a, b in zip(kd[:lead], vd[:lead])):
        what = "key and value shapes differ" if packed else "key's sequence and batch dims differ from value's"
        raise _mismatch(what, q, k, v)
    if rank == 3 and differ(qd[1], kd[1]):
        raise _mismatch(f"the key's batch size {kd[1]} differs from the query's {qd[1]}", q, k, v)
    length = qd[0]
    source = settle((kd[0], vd[0]))
    extra = [_flag(args, "add_bias_kv"), _flag(args, "add_zero_attn")]
    if is_known(source) and UNKNOWN not in extra:
        source = source + sum(int(x) for x in extra)  # type: ignore[operator, arg-type]
    elif not (UNKNOWN not in extra and not any(extra)):
        source = UNKNOWN
    if rank == 2:
        out = Shape(length, e)
        weights = Shape(length, source) if average_attn_weights else Shape(heads, length, source)
    else:
        batch = settle((qd[1], kd[1], vd[1]))
        out = Shape(batch, length, e) if batch_first else Shape(length, batch, e)
        weights = Shape(batch, length, source) if average_attn_weights else Shape(batch, heads, length, source)
    return out, (weights if weights_wanted else None)
