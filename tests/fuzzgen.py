"""Random but valid Python modules holding PyTorch models, for the property test and benchmarks/fuzz.py.

A program mixes ``nn.Sequential`` models and ``nn.Module`` subclasses (random
layers with random, sometimes wrong, arguments: ints of every size, floats,
bools, None, strings, tuples, names, arithmetic, ``*args``/``**kwargs``,
keywords torch does not know) with random statements (functions, lambdas,
loops, comprehensions, try/with, f-strings, globals, decorators). Input sizes
come from pragmas, ``torch.randn(...)`` calls flowing into the model, or
nowhere. Every program compiles: ``program`` checks it.

The generator draws through a ``Chooser`` so that the same code serves
``random.Random`` (the benchmark: fast, reproducible by seed) and hypothesis
(the test: ``HypothesisChooser`` draws from ``st.data()``, so failures shrink).

Nothing here imports cnnlint or torch: the layer table below is written out
from torch's signatures, independently of cnnlint's catalogue.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

# name -> (family, parameter names in torch's positional order)
LAYERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Conv1d": ("conv", ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups")),
    "Conv2d": ("conv", ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups")),
    "Conv3d": ("conv", ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups")),
    "ConvTranspose2d": (
        "conv",
        ("in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding", "groups"),
    ),
    "LazyConv2d": ("lazyconv", ("out_channels", "kernel_size", "stride", "padding")),
    "MaxPool1d": ("pool", ("kernel_size", "stride", "padding", "dilation")),
    "MaxPool2d": ("pool", ("kernel_size", "stride", "padding", "dilation")),
    "AvgPool2d": ("pool", ("kernel_size", "stride", "padding")),
    "AdaptiveAvgPool2d": ("adaptive", ("output_size",)),
    "AdaptiveMaxPool1d": ("adaptive", ("output_size",)),
    "BatchNorm1d": ("norm", ("num_features", "eps", "momentum", "affine")),
    "BatchNorm2d": ("norm", ("num_features", "eps", "momentum", "affine")),
    "InstanceNorm2d": ("norm", ("num_features", "eps", "momentum", "affine")),
    "GroupNorm": ("groupnorm", ("num_groups", "num_channels", "eps")),
    "LayerNorm": ("layernorm", ("normalized_shape", "eps")),
    "Linear": ("linear", ("in_features", "out_features", "bias")),
    "LazyLinear": ("lazylinear", ("out_features", "bias")),
    "Bilinear": ("bilinear", ("in1_features", "in2_features", "out_features")),
    "Flatten": ("flatten", ("start_dim", "end_dim")),
    "Unflatten": ("unflatten", ("dim", "unflattened_size")),
    "Dropout": ("dropout", ("p", "inplace")),
    "Dropout2d": ("dropout", ("p", "inplace")),
    "ReLU": ("act", ("inplace",)),
    "LeakyReLU": ("act", ("negative_slope", "inplace")),
    "GELU": ("act", ("approximate",)),
    "Tanh": ("act", ()),
    "Sigmoid": ("act", ()),
    "Softmax": ("act", ("dim",)),
    "Identity": ("act", ()),
    "ZeroPad2d": ("pad", ("padding",)),
    "ReflectionPad2d": ("pad", ("padding",)),
    "ConstantPad1d": ("pad", ("padding", "value")),
    "Upsample": ("upsample", ("size", "scale_factor", "mode")),
    "PixelShuffle": ("shuffle", ("upscale_factor",)),
    "PixelUnshuffle": ("shuffle", ("downscale_factor",)),
    "ChannelShuffle": ("shuffle", ("groups",)),
    "Embedding": ("embedding", ("num_embeddings", "embedding_dim")),
    "LSTM": ("unknown", ("input_size", "hidden_size", "num_layers")),
    "MultiheadAttention": ("unknown", ("embed_dim", "num_heads")),
}

IMPORTS = (
    ("import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n", "nn.", "F.", "torch."),
    ("import torch\nfrom torch import nn\nfrom torch.nn import functional as F\n", "nn.", "F.", "torch."),
    ("import torch\nimport torch.nn\nimport torch.nn.functional\n", "torch.nn.", "torch.nn.functional.", "torch."),
    ("import torch as T\nimport torch.nn as tnn\nimport torch.nn.functional as fn\n", "tnn.", "fn.", "T."),
)
FUNCTIONAL = ("relu", "max_pool2d", "avg_pool2d", "dropout", "softmax", "gelu", "adaptive_avg_pool2d", "sigmoid")
KEYWORDS_TORCH_REJECTS = ("strides", "bais", "in_channel", "kernel", "pading", "inplace_", "size_")


class Chooser:
    """Random choices; subclasses decide where randomness comes from."""

    def int(self, lo: int, hi: int) -> int:
        raise NotImplementedError

    def choice(self, seq: Sequence[Any]) -> Any:
        return seq[self.int(0, len(seq) - 1)]

    def chance(self, percent: int) -> bool:
        return self.int(0, 99) < percent


class RandomChooser(Chooser):
    def __init__(self, seed: int | random.Random) -> None:
        self.rnd = seed if isinstance(seed, random.Random) else random.Random(seed)

    def int(self, lo: int, hi: int) -> int:
        return self.rnd.randint(lo, hi)


class HypothesisChooser(Chooser):
    """Draws from hypothesis' ``st.data()``: examples shrink towards the first choices."""

    def __init__(self, data: Any) -> None:
        from hypothesis import strategies as st

        self.data = data
        self.st = st

    def int(self, lo: int, hi: int) -> int:
        return self.data.draw(self.st.integers(lo, hi))


# --------------------------------------------------------------------------- values


# Values that still crash cnnlint (bugs reported to the engine's owners). The benchmark generates
# them; the CI property test leaves them out (known_bugs=False) so that it stays green and catches
# new crashes. Empty this tuple once they are fixed.
#   - Upsample(scale_factor=1e308) on a known size: int(inf) -> OverflowError (shapes/upsample.py)
KNOWN_BUG_VALUES: tuple[str, ...] = ()


class Gen:
    def __init__(self, ch: Chooser, known_bugs: bool = True) -> None:
        self.ch = ch
        self.known_bugs = known_bugs
        self.names: list[str] = []  # module-level constants defined so far
        self.counter = 0
        _, self.nn, self.F, self.torch = ch.choice(IMPORTS)
        self.header = _
        self.lines: list[str] = []

    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}{self.counter}"

    # A size: usually a plausible positive int, sometimes anything at all.
    def size(self, plausible: Sequence[int] = (1, 2, 3, 4, 8, 16, 32, 64, 128)) -> str:
        ch = self.ch
        roll = ch.int(0, 99)
        if roll < 60:
            return str(ch.choice(plausible))
        if roll < 70 and self.names:
            return ch.choice(self.names)
        if roll < 76:
            return f"{ch.choice(plausible)} * {ch.choice(plausible)}"
        return self.odd_value()

    def odd_value(self) -> str:
        ch = self.ch
        return ch.choice(
            (
                "0",
                "-1",
                "-7",
                "True",
                "False",
                "None",
                "3.0",
                "64.0",
                "0.5",
                "1e308",
                "float('inf')",
                "float('nan')",
                "10**100",
                "10**10**10",
                "2**2**2**2**2",
                "-(10**30)",
                "'3'",
                "'same'",
                "'valid'",
                "(3, 3)",
                "(1, 2, 3)",
                "()",
                "[4, 4]",
                "(0, -1)",
                "1 // 1",
                "7 % 3",
                "3 - 5",
                "abs(-4)",
                "max(2, 3)",
                "len('abc')",
                "int('5')",
                "x_unbound",
                "...",
                "1j",
                "b'x'",
                "lambda: 3",
                "[i for i in range(3)]",
                "{'a': 1}",
                "not 0",
                "(1 if True else 2)",
            )
        )

    def prob(self) -> str:
        return self.ch.choice(("0.5", "0.1", "0", "1", "1.0", "0.25", "-0.1", "1.5", "2", "None", "'0.5'"))

    def arg_value(self, name: str) -> str:
        value = self._arg_value(name)
        if not self.known_bugs and value in KNOWN_BUG_VALUES:
            return "2"
        return value

    def _arg_value(self, name: str) -> str:
        ch = self.ch
        if name in ("p", "eps", "momentum", "negative_slope", "value"):
            return self.prob() if name == "p" or ch.chance(30) else ch.choice(("1e-5", "0.1", "0.0", "1"))
        if name in ("bias", "affine", "inplace", "ceil_mode"):
            return ch.choice(("True", "False", "True", "0", "1", "None", "'yes'"))
        if name == "padding":
            return (
                ch.choice(("0", "1", "2", "'same'", "'valid'", "(1, 1)", "(1, 2, 3, 4)", "-1", "(1,)"))
                if ch.chance(80)
                else self.odd_value()
            )
        if name in ("kernel_size", "stride", "dilation", "output_size"):
            if ch.chance(85):
                return ch.choice(("1", "2", "3", "5", "7", "11", "(3, 3)", "(2, 1)", "(1, 3, 3)", "100", "10**9"))
            return self.odd_value()
        if name in ("start_dim", "end_dim", "dim"):
            return ch.choice(("0", "1", "2", "-1", "-2", "5", "-9", "None")) if ch.chance(90) else self.odd_value()
        if name == "unflattened_size":
            return ch.choice(("(2, 2)", "(4, -1)", "(-1, -1)", "(16, 8, 8)", "(3,)", "[2, 8]", "()"))
        if name == "normalized_shape":
            return ch.choice(("16", "(16,)", "[8, 8]", "(4, 4, 4)", "0", "-1", "()")) if ch.chance(90) else self.size()
        if name == "approximate":
            return ch.choice(("'none'", "'tanh'", "'bogus'"))
        if name == "mode":
            return ch.choice(("'nearest'", "'bilinear'", "'bicubic'", "'nope'"))
        if name == "scale_factor":
            return (
                ch.choice(("2", "2.0", "0.5", "(2, 2)", "None", "1e308", "0", "-2"))
                if ch.chance(90)
                else self.odd_value()
            )
        if name == "size":
            return ch.choice(("None", "(8, 8)", "16", "(0, 4)"))
        if name == "groups" or name == "num_groups":
            return ch.choice(("1", "2", "3", "4", "0", "-2")) if ch.chance(90) else self.odd_value()
        if name in ("upscale_factor", "downscale_factor"):
            return ch.choice(("2", "3", "1", "0", "-2", "4"))
        return self.size()

    # --------------------------------------------------------------------- layers

    def layer(self, depth: int = 0) -> str:
        ch = self.ch
        roll = ch.int(0, 99)
        if roll < 5 and depth < 3:
            return self.sequential_expr(depth + 1)
        if roll < 7:
            return ch.choice(("(lambda x: x)", "None", "3", "print", "nn_unknown.Thing(3)", "Custom()", "make()"))
        if roll < 10 and self.names:
            return ch.choice(self.names)
        name = ch.choice(list(LAYERS))
        _, params = LAYERS[name]
        args = self.layer_args(params)
        return f"{self.nn}{name}({args})"

    def layer_args(self, params: Sequence[str]) -> str:
        ch = self.ch
        n_required = {0: 0}.get(len(params), min(len(params), ch.choice((1, 2, 3, 3, 3))))
        n_positional = ch.int(0, len(params)) if ch.chance(20) else min(n_required, len(params))
        parts = [self.arg_value(p) for p in params[:n_positional]]
        roll = ch.int(0, 99)
        if 8 <= roll < 10:
            parts.append(self.size())  # one positional too many (or just right)
        for p in params[n_positional:]:
            if ch.chance(35):
                parts.append(f"{p}={self.arg_value(p)}")
        if roll < 4:
            parts.append(f"{ch.choice(KEYWORDS_TORCH_REJECTS)}={self.size()}")
        elif roll < 6:
            parts.append("*extra_args")
        elif roll < 8:
            parts.append("**extra_kwargs")
        elif roll < 11 and n_positional:
            parts.append(f"{params[0]}={self.size()}")  # given twice: positionally and by keyword
        return ", ".join(parts)

    def sequential_expr(self, depth: int = 0) -> str:
        ch = self.ch
        n = ch.int(0, 6)
        layers = [self.layer(depth) for _ in range(n)]
        if ch.chance(8):
            layers.append("*blocks")
        if ch.chance(10) and layers:
            names = [f"('{self.fresh('l')}', {layer})" for layer in layers if not layer.startswith("*")]
            return f"{self.nn}Sequential(OrderedDict([{', '.join(names)}]))"
        sep = ",\n    " if ch.chance(50) else ", "
        return f"{self.nn}Sequential({sep.join(layers)})"

    def input_shape(self) -> str:
        ch = self.ch
        rank = ch.choice((2, 3, 4, 4, 4, 5))
        dims = [ch.choice(("1", "2", "8", "B"))]
        dims += [ch.choice(("1", "3", "8", "16", "32", "64")) for _ in range(rank - 1)]
        if ch.chance(5):
            dims[-1] = ch.choice(("0", "-1", "10**6", "H", "x"))
        return ", ".join(dims)

    # --------------------------------------------------------------------- models

    def sequential_model(self) -> None:
        ch = self.ch
        name = self.fresh("net")
        shape = self.input_shape()
        pragma = ch.chance(40)
        if pragma:
            self.lines.append(f"# cnnlint: input=({shape})")
        self.lines.append(f"{name} = {self.sequential_expr()}")
        if not pragma and ch.chance(50):
            tensor = self.fresh("X")
            dims = ", ".join(d for d in shape.split(", ") if not d.isidentifier()) or "1"
            factory = ch.choice(("randn", "rand", "zeros", "ones", "empty"))
            self.lines.append(f"{tensor} = {self.torch}{factory}({dims})")
            self.lines.append(
                ch.choice(
                    (
                        f"print({name}({tensor}).shape)",
                        f"y = {name}({tensor})",
                        f"for layer in {name}:\n    {tensor} = layer({tensor})",
                    )
                )
            )

    def module_model(self) -> None:
        ch = self.ch
        cls = self.fresh("Net")
        lines = self.lines
        if ch.chance(30):
            lines.append(f"# cnnlint: input=({self.input_shape()})")
        base = ch.choice((f"{self.nn}Module", f"{self.nn}Module", "object", f"{self.nn}Sequential"))
        lines.append(f"class {cls}({base}):")
        if ch.chance(20):
            lines.append(f"    width = {self.size()}")
        params = ch.choice(("self", "self, num_classes=10", "self, c=3, *args, **kwargs", "self, n: int = 4"))
        lines.append(f"    def __init__({params}):")
        supers = ("super().__init__()", f"super({cls}, self).__init__()", "pass")
        lines.append(f"        {ch.choice(supers)}")
        attrs = []
        for _ in range(ch.int(0, 5)):
            attr = self.fresh("layer")
            attrs.append(attr)
            lines.append(f"        self.{attr} = {self.layer()}")
        if ch.chance(15):
            lines.append("        if num_classes:\n            self.extra = None")
        lines.append("")
        lines.append("    def forward(self, x):")
        for _ in range(ch.int(0, 5)):
            lines.append(f"        x = {self.forward_expr(attrs)}")
        if ch.chance(10):
            lines.append("        if x is None:\n            return x")
        lines.append(f"        return {self.forward_expr(attrs) if ch.chance(50) else 'x'}")
        lines.append("")
        if ch.chance(40):
            shape = ", ".join(d for d in self.input_shape().split(", ") if not d.isidentifier()) or "1"
            lines.append(f"model_{cls} = {cls}()")
            lines.append(f"out = model_{cls}({self.torch}randn({shape}))")

    def forward_expr(self, attrs: list[str]) -> str:
        ch = self.ch
        roll = ch.int(0, 99)
        inner = "x"
        if roll < 50 and attrs:
            inner = f"self.{ch.choice(attrs)}(x)"
        elif roll < 65:
            fn = ch.choice(FUNCTIONAL)
            extra = {"max_pool2d": ", 2", "avg_pool2d": ", 2", "softmax": ", dim=1", "adaptive_avg_pool2d": ", 1"}
            inner = f"{self.F}{fn}(x{extra.get(fn, '')})"
        elif roll < 75:
            inner = ch.choice(
                ("x.view(x.size(0), -1)", "x.flatten(1)", f"{self.torch}flatten(x, 1)", "x.reshape(-1, 4)", "x.mean(1)")
            )
        elif roll < 80:
            inner = ch.choice(("x + 1", "x * x", "-x", "x[0]", "x.T", "(x, x)[0]"))
        if ch.chance(25) and attrs:
            inner = f"self.{ch.choice(attrs)}({inner})"
        return inner

    # --------------------------------------------------------------------- filler

    def statement(self) -> None:
        ch = self.ch
        lines = self.lines
        roll = ch.int(0, 16)
        if roll == 0:
            name = f"C{self.counter}"
            self.counter += 1
            lines.append(f"{name} = {self.size()}")
            self.names.append(name)
        elif roll == 1:
            lines.append(f"def {self.fresh('helper')}(a, b={self.size()}, *args, **kw):\n    return a * b")
        elif roll == 2:
            lines.append(f"for i in range({ch.int(0, 4)}):\n    pass\nelse:\n    i = 0")
        elif roll == 3:
            lines.append("try:\n    import numpy as np\nexcept ImportError:\n    np = None\nfinally:\n    pass")
        elif roll == 4:
            lines.append(f"squares = [i * i for i in range({ch.int(0, 9)}) if i % 2]")
        elif roll == 5:
            lines.append(f'label = f"{{({self.size()})!r:>10}}" + "x" * 3')
        elif roll == 6:
            lines.append(f"fn = lambda *a, **k: {self.layer()}")
        elif roll == 7:
            lines.append("while False:\n    break")
        elif roll == 8:
            lines.append("if __name__ == '__main__':\n    print('main')")
        elif roll == 9:
            lines.append("with open(__file__) as fh:\n    pass")
        elif roll == 10:
            lines.append(f"def deco(f):\n    return f\n\n@deco\ndef {self.fresh('g')}():\n    global G\n    G = 1")
        elif roll == 11:
            lines.append(f"extra_args = ({self.size()}, {self.size()})\nextra_kwargs = {{'bias': {self.size()}}}")
        elif roll == 12:
            lines.append(f"blocks = [{self.layer()} for _ in range({ch.int(0, 3)})]")
        elif roll == 13:
            lines.append(f"async def {self.fresh('co')}():\n    async with ctx() as c:\n        await c")
        elif roll == 14:
            lines.append(f"assert {self.size()} is not None, 'message'")
        elif roll == 15:
            lines.append(f"class {self.fresh('Plain')}:\n    attr: int = {self.size()}\n    def method(self): ...")
        else:
            lines.append(f"{self.fresh('v')} = {{k: v for k, v in zip('ab', (1, 2))}}")

    def module(self, size: int) -> str:
        ch = self.ch
        if ch.chance(50):
            self.lines.append("from collections import OrderedDict")
        for _ in range(size):
            roll = ch.int(0, 9)
            if roll < 3:
                self.sequential_model()
            elif roll < 5:
                self.module_model()
            else:
                self.statement()
        return self.header + "\n".join(self.lines) + "\n"


def program(ch: Chooser | int, size: int | None = None, known_bugs: bool = True) -> str:
    """One random module; ``ch`` is a Chooser or a seed. Raises SyntaxError if it does not compile."""
    if not isinstance(ch, Chooser):
        ch = RandomChooser(ch)
    if size is None:
        size = ch.int(1, 12)
    text = Gen(ch, known_bugs).module(size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # `3 is not None` and friends
        compile(text, "<fuzz>", "exec", dont_inherit=True)  # compiles only: nothing generated is ever run
    return text


def programs(seed: int, count: int, known_bugs: bool = True) -> Iterator[tuple[int, str]]:
    """``count`` programs from one seed, as (index, text) pairs."""
    rnd = random.Random(seed)
    for index in range(count):
        yield index, program(RandomChooser(rnd.getrandbits(64)), known_bugs=known_bugs)
