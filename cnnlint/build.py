"""Turn the layer calls the interpreter records into engine layers.

``torch.nn.X(...)`` binds against the catalogue entry X. Functional ops and
tensor methods met in a ``forward`` (``F.max_pool2d(x, 2)``, ``torch.flatten(x, 1)``,
``x.view(x.size(0), -1)``) bind against their own signature and become the
equivalent layer, so one engine serves both. Anything else is an unknown layer:
shape following stops there, silently (CNL100 is info).
"""

from __future__ import annotations

from cnnlint.model import LayerCall
from cnnlint.shapes.catalogue import CATALOGUE
from cnnlint.shapes.dims import UNKNOWN
from cnnlint.shapes.spec import REQUIRED, Layer, LayerSpec, Param, ShapeError, bind, unknown_layer
from cnnlint.shapes.tensor_ops import RESHAPE, SizeOf

# Functional op -> (layer it equals, its parameters after the tensor, parameters the layer does not take).
_P = Param
_INPLACE = (_P("inplace", False),)
_POOL = (_P("kernel_size"), _P("stride", None), _P("padding", 0))
FUNCTIONAL: dict[str, tuple[str, tuple[Param, ...], frozenset[str]]] = {
    "relu": ("ReLU", _INPLACE, frozenset()),
    "relu6": ("ReLU6", _INPLACE, frozenset()),
    "elu": ("ELU", (_P("alpha", 1.0), *_INPLACE), frozenset()),
    "celu": ("CELU", (_P("alpha", 1.0), *_INPLACE), frozenset()),
    "selu": ("SELU", _INPLACE, frozenset()),
    "leaky_relu": ("LeakyReLU", (_P("negative_slope", 0.01), *_INPLACE), frozenset()),
    "gelu": ("GELU", (_P("approximate", "none"),), frozenset()),
    "silu": ("SiLU", _INPLACE, frozenset()),
    "mish": ("Mish", _INPLACE, frozenset()),
    "hardswish": ("Hardswish", _INPLACE, frozenset()),
    "hardsigmoid": ("Hardsigmoid", _INPLACE, frozenset()),
    "hardtanh": ("Hardtanh", (_P("min_val", -1.0), _P("max_val", 1.0), *_INPLACE), frozenset()),
    "sigmoid": ("Sigmoid", (), frozenset()),
    "tanh": ("Tanh", (), frozenset()),
    "softsign": ("Softsign", (), frozenset()),
    "tanhshrink": ("Tanhshrink", (), frozenset()),
    "logsigmoid": ("LogSigmoid", (), frozenset()),
    "softplus": ("Softplus", (_P("beta", 1.0), _P("threshold", 20.0)), frozenset()),
    "dropout": ("Dropout", (_P("p", 0.5), _P("training", True), *_INPLACE), frozenset({"training"})),
    "dropout1d": ("Dropout1d", (_P("p", 0.5), _P("training", True), *_INPLACE), frozenset({"training"})),
    "dropout2d": ("Dropout2d", (_P("p", 0.5), _P("training", True), *_INPLACE), frozenset({"training"})),
    "dropout3d": ("Dropout3d", (_P("p", 0.5), _P("training", True), *_INPLACE), frozenset({"training"})),
    "alpha_dropout": ("AlphaDropout", (_P("p", 0.5), _P("training", False), *_INPLACE), frozenset({"training"})),
    "softmax": (
        "Softmax",
        (_P("dim", None), _P("_stacklevel", 3), _P("dtype", None)),
        frozenset({"_stacklevel", "dtype"}),
    ),
    "log_softmax": (
        "LogSoftmax",
        (_P("dim", None), _P("_stacklevel", 3), _P("dtype", None)),
        frozenset({"_stacklevel", "dtype"}),
    ),
    "softmin": (
        "Softmin",
        (_P("dim", None), _P("_stacklevel", 3), _P("dtype", None)),
        frozenset({"_stacklevel", "dtype"}),
    ),
    "glu": ("GLU", (_P("dim", -1),), frozenset()),
    "adaptive_avg_pool1d": ("AdaptiveAvgPool1d", (_P("output_size"),), frozenset()),
    "adaptive_avg_pool2d": ("AdaptiveAvgPool2d", (_P("output_size"),), frozenset()),
    "adaptive_avg_pool3d": ("AdaptiveAvgPool3d", (_P("output_size"),), frozenset()),
    "adaptive_max_pool1d": ("AdaptiveMaxPool1d", (_P("output_size"), _P("return_indices", False)), frozenset()),
    "adaptive_max_pool2d": ("AdaptiveMaxPool2d", (_P("output_size"), _P("return_indices", False)), frozenset()),
    "adaptive_max_pool3d": ("AdaptiveMaxPool3d", (_P("output_size"), _P("return_indices", False)), frozenset()),
    "pixel_shuffle": ("PixelShuffle", (_P("upscale_factor"),), frozenset()),
    "local_response_norm": (
        "LocalResponseNorm",
        (_P("size"), _P("alpha", 1e-4), _P("beta", 0.75), _P("k", 1.0)),
        frozenset(),
    ),
    "rrelu": (
        "RReLU",
        (_P("lower", 1.0 / 8), _P("upper", 1.0 / 3), _P("training", False), *_INPLACE),
        frozenset({"training"}),
    ),
    "threshold": ("Threshold", (_P("threshold"), _P("value"), *_INPLACE), frozenset()),
    "pixel_unshuffle": ("PixelUnshuffle", (_P("downscale_factor"),), frozenset()),
    "unfold": ("Unfold", (_P("kernel_size"), _P("dilation", 1), _P("padding", 0), _P("stride", 1)), frozenset()),
    "fold": (
        "Fold",
        (_P("output_size"), _P("kernel_size"), _P("dilation", 1), _P("padding", 0), _P("stride", 1)),
        frozenset(),
    ),
}
for _n in (1, 2, 3):
    FUNCTIONAL[f"max_pool{_n}d"] = (
        f"MaxPool{_n}d",
        (*_POOL, _P("dilation", 1), _P("ceil_mode", False), _P("return_indices", False)),
        frozenset(),
    )
    _avg = (*_POOL, _P("ceil_mode", False), _P("count_include_pad", True))
    if _n > 1:
        _avg = (*_avg, _P("divisor_override", None))
    FUNCTIONAL[f"avg_pool{_n}d"] = (f"AvgPool{_n}d", _avg, frozenset())

# torch.X(input, ...) and x.X(...) that equal a functional op or a layer.
TORCH_FUNCS: dict[str, str] = {
    "relu": "relu",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "softmax": "softmax",
    "log_softmax": "log_softmax",
    "dropout": "dropout",
    "selu": "selu",
    "celu": "celu",
}
FLATTEN_PARAMS = (_P("start_dim", 0), _P("end_dim", -1))
IDENTITY_METHODS = frozenset({"contiguous", "clone", "detach", "float", "cpu", "cuda", "to"})


def build_one(call: LayerCall) -> Layer:
    qualname = call.qualname
    if qualname is None:
        return unknown_layer(call.reason or f"unknown layer {call.callee}", origin=call)
    if call.star:
        return unknown_layer(f"{call.callee}: arguments given with * or ** cannot be followed", origin=call)
    if qualname.startswith("torch.nn.functional."):
        return _functional(call, qualname.rsplit(".", 1)[1])
    if qualname.startswith("torch.nn."):
        name = qualname[len("torch.nn.") :]
        spec = CATALOGUE.get(name)
        if spec is None:
            return unknown_layer(f"{call.callee} is not a layer cnnlint knows", origin=call)
        return _bound(spec, call, [a.value for a in call.args], [(a.keyword or "", a.value) for a in call.kwargs])
    if qualname.startswith("torch."):
        name = qualname[len("torch.") :]
        if name == "flatten":
            return _as_layer(call, "Flatten", FLATTEN_PARAMS, frozenset())
        if name in TORCH_FUNCS:
            return _functional(call, TORCH_FUNCS[name])
    if qualname.startswith("Tensor."):
        return _method(call, qualname[len("Tensor.") :])
    return unknown_layer(f"{call.callee} is not a layer cnnlint knows", origin=call)


def _bound(spec: LayerSpec, call: LayerCall, positional: list, keywords: list) -> Layer:
    try:
        return Layer(spec, bind(spec, positional, keywords), origin=call)
    except ShapeError as err:
        return Layer(spec, {}, origin=call, bind_error=err.finding)


def _functional(call: LayerCall, name: str) -> Layer:
    entry = FUNCTIONAL.get(name)
    if entry is None:
        return unknown_layer(f"{call.callee} is not an op cnnlint knows", origin=call)
    return _as_layer(call, *entry)


def _as_layer(call: LayerCall, layer_name: str, params: tuple[Param, ...], drop: frozenset[str]) -> Layer:
    """Bind a call against its own signature, then hand the layer the arguments it shares."""
    spec = CATALOGUE.get(layer_name)
    if spec is None:
        return unknown_layer(f"{call.callee} is not an op cnnlint knows", origin=call)
    own = LayerSpec(name=call.callee, params=params, infer=spec.infer)
    try:
        bound = bind(own, [a.value for a in call.args], [(a.keyword or "", a.value) for a in call.kwargs])
    except ShapeError as err:
        return Layer(spec, {}, origin=call, bind_error=err.finding)
    keywords = [(k, v) for k, v in bound.items() if k not in drop and v is not REQUIRED]
    return _bound(spec, call, [], keywords)


def _method(call: LayerCall, name: str) -> Layer:
    if name in ("view", "reshape"):
        values = [a.value for a in call.args]
        if len(values) == 1 and isinstance(values[0], (tuple, list)):
            values = list(values[0])
        if call.kwargs or any(v is UNKNOWN for v in values):
            return unknown_layer(f"{call.callee}: size not resolvable", origin=call)
        target = tuple(SizeOf(v.index) if isinstance(v, SizeOf) else _size_marker(v) for v in values)
        return Layer(RESHAPE, {"shape": target, "method": name}, origin=call)
    if name == "flatten":
        return _as_layer(call, "Flatten", FLATTEN_PARAMS, frozenset())
    if name in IDENTITY_METHODS:
        return Layer(CATALOGUE["Identity"], {}, origin=call) if "Identity" in CATALOGUE else unknown_layer(name, call)
    if name in TORCH_FUNCS or name in FUNCTIONAL:
        return _functional(call, TORCH_FUNCS.get(name, name))
    return unknown_layer(f"{call.callee} is not an op cnnlint knows", origin=call)


def _size_marker(value: object) -> object:
    """The extractor writes ``x.size(0)`` as SizeOf(0); accept an equivalent dict/tuple form too."""
    return value
