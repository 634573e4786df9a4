"""The names of torch's tensor ops, by what the interpreter does with them (data for ``tensor_api``)."""

from __future__ import annotations

FACTORIES = frozenset({"zeros", "ones", "randn", "rand", "empty", "full", "randint", "normal"})
LIKE = frozenset({"zeros_like", "ones_like", "randn_like", "rand_like", "empty_like", "full_like"})
# Elementwise ops and methods that keep the shape (no step in the trace).
# (integer, mask) after a cast: indices (``pos_emb[idx.long()]``), a mask (``keep.bool()``), or neither.
_CASTS = {"long": (True, False), "int": (True, False), "bool": (False, True), "logical_not": (False, True)}
_CASTS.update(dict.fromkeys(("float", "double", "half", "bfloat16"), (False, False)))
_CASTS.update(dict.fromkeys(("isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit"), (False, True)))
SAME_SHAPE = frozenset(
    [
        "contiguous",
        "clone",
        "detach",
        "float",
        "double",
        "half",
        "bfloat16",
        "long",
        "int",
        "bool",
        "cpu",
        "cuda",
        "to",
        "type_as",
        "abs",
        "exp",
        "log",
        "sqrt",
        "rsqrt",
        "neg",
        "sign",
        "sin",
        "cos",
        "clamp",
        "clamp_",
        "clip",
        "pow",
        "masked_fill",
        "masked_fill_",
        "add_",
        "mul_",
        "sub_",
        "div_",
        "relu_",
        "sigmoid_",
        "tanh_",
        "fill_",
        "zero_",
        "normal_",
        "uniform_",
        "requires_grad_",
        "round",
        "floor",
        "ceil",
        "reciprocal",
        "exp_",
        "log_softmax_",
        "erf",
        "square",
        "nan_to_num",
        "detach_",
        "pin_memory",
        "cumsum",
        "cumprod",
        "flip",
        "roll",
        "logical_not",
        "bitwise_not",
        "isnan",
        "isinf",
        "isfinite",
        "isposinf",
        "isneginf",
        "signbit",
        "log2",
        "log10",
        "log1p",
        "expm1",
        "exp2",
        "trunc",
        "frac",
        "negative",
        "sgn",
        "clamp_min",
        "clamp_max",
        "logcumsumexp",
        # the tensor written into: its shape, whatever was scattered or added into it
        "scatter",
        "scatter_add",
        "scatter_reduce",
        "index_add",
        "index_copy",
        "index_fill",
        "masked_scatter",
        "index_put",
    ]
) | {"bernoulli", "bernoulli_"}  # each element drawn with its own probability: the probabilities' shape
_RESHAPING_INPLACE = frozenset(
    {"resize_", "resize_as_", "set_", "unsqueeze_", "squeeze_", "transpose_", "t_", "as_strided_", "swapdims_"}
    | {"swapaxes_"}
)
REDUCTIONS = frozenset(
    [
        "mean",
        "sum",
        "amax",
        "amin",
        "prod",
        "std",
        "var",
        "norm",
        "argmax",
        "argmin",
        "logsumexp",
        "max",
        "min",
        "any",
        "all",
        "median",
        "nansum",
        "nanmean",
        "std_mean",
        "var_mean",
        "vector_norm",
        "aminmax",
        "count_nonzero",
        "mode",
    ]
)
# Where ``dim`` and ``keepdim`` are given positionally, when not first and second:
# ``norm(p, dim, keepdim)``, ``std``/``var(dim, unbiased, keepdim)``.
_REDUCTION_POSITIONS = {"norm": (1, 2), "vector_norm": (1, 2), "std": (0, 2), "var": (0, 2)}
_REDUCTION_POSITIONS.update({"std_mean": (0, 2), "var_mean": (0, 2), "aminmax": (99, 99)})  # aminmax: keywords
_REDUCTION_POSITIONS["count_nonzero"] = (0, 99)  # no keepdim
_BINARY = {
    "add": "+",
    "sub": "-",
    "mul": "*",
    "div": "/",
    "true_divide": "/",
    "maximum": "max",
    "minimum": "min",
    "pow": "**",
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "gt": ">",
    "le": "<=",
    "ge": ">=",
    "multiply": "*",
    "subtract": "-",
    "divide": "/",
    "atan2": "atan2",
    "fmod": "%",
    "remainder": "%",
    "bitwise_and": "&",
    "bitwise_or": "|",
    "bitwise_xor": "^",
}
# Elementwise ops of two operands that broadcast, named as torch names them.
_BINARY.update({n: n for n in ("logical_and", "logical_or", "logical_xor", "isclose", "hypot", "copysign", "xlogy")})
_BINARY.update({n: n for n in ("heaviside", "float_power", "fmax", "fmin")})


# Methods whose result holds the elements of the tensor they are called on, rearranged: its dtype, so
# indices stay indices and a mask stays a mask (``keep.unsqueeze(0)[0]`` still selects).
_KEEPS_DTYPE = frozenset(
    {"view", "reshape", "flatten", "unflatten", "unsqueeze", "squeeze", "permute", "transpose", "t", "expand"}
    | {"expand_as", "view_as", "reshape_as", "repeat", "tile", "flip", "roll", "narrow", "select", "chunk"}
    | {"split", "unbind", "movedim", "moveaxis", "swapaxes", "swapdims", "index_select", "gather", "diagonal"}
    | {"repeat_interleave", "tril", "triu", "clone", "contiguous", "detach", "tensor_split"}
)


_DATA_DEPENDENT = frozenset({"nonzero", "argwhere", "masked_select", "unique", "unique_consecutive", "bincount"})


# Tensor methods that do not make a tensor of a shape to follow (read back or asked about): no stop to report.
_NOT_OPS = frozenset(
    {"item", "tolist", "numpy", "data_ptr", "is_contiguous", "element_size", "stride", "storage_offset"}
    | {"get_device", "is_floating_point", "is_complex", "dim_order", "register_hook", "backward", "retain_grad"}
    | {"_assert_async", "_assert"}  # ``torch._assert_async(cond)``: a check, nothing to follow
)
