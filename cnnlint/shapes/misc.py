"""Miscellaneous layers: Embedding, TransformerEncoderLayer, MultiheadAttention.

Rules matched against torch (2.13):
- Embedding reads integer indices of any shape and appends ``embedding_dim``;
  ``padding_idx`` must lie in ``[-num_embeddings, num_embeddings)`` and be an
  int (AssertionError / TypeError -> CNL005).
- TransformerEncoderLayer keeps the shape of a 2-D (unbatched) or 3-D input;
  its last dimension must be ``d_model`` (AssertionError -> CNL002, recovered);
  ``d_model`` and ``nhead`` must be >= 1 and ``nhead`` must divide ``d_model``,
  ``activation`` must be 'relu', 'gelu' or a callable, ``dropout`` in [0, 1]
  (all CNL005). Its MACs follow torch's FlopCounterMode / 2 in training mode:
  the four projections, the two feed-forward layers and the two attention
  matmuls (``QK^T`` and ``AV``).
- MultiheadAttention takes query, key and value: not chainable (CNL100), but
  its parameters are counted.
"""

from __future__ import annotations

from cnnlint.shapes.dims import UNKNOWN, Shape, format_shape, is_known
from cnnlint.shapes.spec import Args, Count, Default, LayerSpec, Param, ShapeError, int_arg, is_int

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_FACTORY = (Param("device", None), Param("dtype", None))


def _flag(args: Args, name: str) -> Any:
    value = args[name]
    return UNKNOWN if value is UNKNOWN else bool(value)


# ---- Embedding ---------------------------------------------------------------


def _check_embedding(args: Args) -> None:
    num = int_arg("Embedding", args, "num_embeddings", minimum=0)
    int_arg("Embedding", args, "embedding_dim", minimum=0)
    pad = args["padding_idx"]
    if pad is None or pad is UNKNOWN:
        return
    if not is_int(pad):
        raise ShapeError("CNL005", f"Embedding padding_idx must be an int or None, got {pad!r}")
    if is_known(num) and not -num <= pad < num:  # type: ignore[operator]
        raise ShapeError(
            "CNL005",
            f"Embedding padding_idx={pad} must be within num_embeddings: [{-num}, {num - 1}]",  # type: ignore[operator]
        )


def _infer_embedding(args: Args, shape: Shape) -> Shape:
    dim = args["embedding_dim"]
    return Shape(*shape.dims, dim if is_known(dim) else UNKNOWN, open=shape.open)


def _embedding_params(args: Args, shape: Shape) -> Count:
    num, dim = args["num_embeddings"], args["embedding_dim"]
    return num * dim if is_known(num, dim) else UNKNOWN  # type: ignore[operator]


EMBEDDING = LayerSpec(
    name="Embedding",
    params=(
        Param("num_embeddings"),
        Param("embedding_dim"),
        Param("padding_idx", None),
        Param("max_norm", None),
        Param("norm_type", 2.0),
        Param("scale_grad_by_freq", False),
        Param("sparse", False),
        Param("_weight", None),
        Param("_freeze", False),
        *_FACTORY,
    ),
    infer=_infer_embedding,
    count_params=_embedding_params,
    check=_check_embedding,
    integer_input=True,
)


# ---- attention ---------------------------------------------------------------


def _check_heads(name: str, args: Args, embed: str, heads: str) -> None:
    e = int_arg(name, args, embed)
    h = int_arg(name, args, heads)
    if is_known(e, h) and (e <= 0 or h <= 0):  # type: ignore[operator]
        raise ShapeError("CNL005", f"{name} {embed} and {heads} must be greater than 0, got {e} and {h}")
    if is_known(e, h) and e % h:  # type: ignore[operator]
        raise ShapeError("CNL005", f"{name} {heads}={h} must divide {embed}={e}")


def _check_probability(name: str, args: Args, param: str) -> None:
    p = args[param]
    if p is UNKNOWN:
        return
    if not isinstance(p, (int, float)):
        raise ShapeError("CNL005", f"{name} {param} must be a number, got {p!r}")
    if not 0 <= p <= 1:
        raise ShapeError("CNL005", f"{name} {param} probability must be between 0 and 1, got {p!r}")


def _check_encoder(args: Args) -> None:
    _check_heads("TransformerEncoderLayer", args, "d_model", "nhead")
    int_arg("TransformerEncoderLayer", args, "dim_feedforward", minimum=0)
    _check_probability("TransformerEncoderLayer", args, "dropout")
    activation = args["activation"]
    if isinstance(activation, str) and activation not in ("relu", "gelu"):
        raise ShapeError(
            "CNL005", f"TransformerEncoderLayer activation must be 'relu', 'gelu' or a callable, got {activation!r}"
        )


def _infer_encoder(args: Args, shape: Shape) -> Shape:
    d_model, got = args["d_model"], shape.dim(-1)
    if is_known(d_model, got) and d_model != got:
        raise ShapeError(
            "CNL002",
            f"TransformerEncoderLayer expects d_model={d_model} in the last dimension but receives {got}; "
            f"input {format_shape(shape)}",
            recovered=shape,
        )
    return shape


def _encoder_params(args: Args, shape: Shape) -> Count:
    e, f, bias = args["d_model"], args["dim_feedforward"], _flag(args, "bias")
    if not is_known(e, f) or bias is UNKNOWN:
        return UNKNOWN
    b = int(bias)
    attention = 4 * e * e + 4 * e * b  # in_proj (3E x E) and out_proj (E x E)
    feed_forward = 2 * e * f + (f + e) * b  # linear1, linear2
    norms = 2 * e * (1 + b)  # norm1, norm2
    return attention + feed_forward + norms


def _encoder_macs(args: Args, in_shape: Shape, out_shape: Shape) -> Count:
    e, f = args["d_model"], args["dim_feedforward"]
    rank = in_shape.rank
    if rank not in (2, 3) or not is_known(e, f):
        return UNKNOWN
    if rank == 2:
        batch, seq = 1, in_shape.dim(0)
    elif _flag(args, "batch_first") is UNKNOWN:
        return UNKNOWN
    elif args["batch_first"]:
        batch, seq = in_shape.dim(0), in_shape.dim(1)
    else:
        seq, batch = in_shape.dim(0), in_shape.dim(1)
    if not is_known(batch, seq):
        return UNKNOWN
    tokens = batch * seq  # type: ignore[operator]
    return tokens * (4 * e * e + 2 * e * f) + 2 * batch * seq * seq * e  # type: ignore[operator]


TRANSFORMER_ENCODER_LAYER = LayerSpec(
    name="TransformerEncoderLayer",
    params=(
        Param("d_model"),
        Param("nhead"),
        Param("dim_feedforward", 2048),
        Param("dropout", 0.1),
        Param("activation", Default("relu")),
        Param("layer_norm_eps", 1e-5),
        Param("batch_first", False),
        Param("norm_first", False),
        Param("bias", True),
        *_FACTORY,
    ),
    infer=_infer_encoder,
    count_params=_encoder_params,
    macs=_encoder_macs,
    check=_check_encoder,
    ranks=(2, 3),
)


def _mha_params(args: Args, shape: Shape) -> Count:
    e = args["embed_dim"]
    kdim = e if args["kdim"] is None else args["kdim"]
    vdim = e if args["vdim"] is None else args["vdim"]
    bias, bias_kv = _flag(args, "bias"), _flag(args, "add_bias_kv")
    if not is_known(e, kdim, vdim) or bias is UNKNOWN or bias_kv is UNKNOWN:
        return UNKNOWN
    projections = e * e + e * kdim + e * vdim  # q, k, v (one packed tensor when kdim == vdim == E)
    out = e * e
    return projections + out + int(bias) * (3 * e + e) + int(bias_kv) * 2 * e


MULTIHEAD_ATTENTION = LayerSpec(
    name="MultiheadAttention",
    params=(
        Param("embed_dim"),
        Param("num_heads"),
        Param("dropout", 0.0),
        Param("bias", True),
        Param("add_bias_kv", False),
        Param("add_zero_attn", False),
        Param("kdim", None),
        Param("vdim", None),
        Param("batch_first", False),
        *_FACTORY,
    ),
    infer=lambda args, shape: Shape.unknown(),
    count_params=_mha_params,
    check=lambda args: _check_heads("MultiheadAttention", args, "embed_dim", "num_heads"),
    chainable=False,
    inputs=3,
)


SPECS = [EMBEDDING, TRANSFORMER_ENCODER_LAYER, MULTIHEAD_ATTENTION]
