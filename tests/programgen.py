"""Random well-formed CNN programs written as source, for tests/test_property_programs.py.

A program is a module defining ``class Net(nn.Module)`` (a pragma above it declares the
input) built from blocks in the styles real projects use: an inline conv with BatchNorm,
helper functions returning layers (``conv_bn(cin, cout, stride)``, ``conv3x3(**kwargs)``,
``norm_layer=None``), block classes with call-site arguments (one inherited, calling
``super().forward``), residual blocks (``out = out + self.shortcut(x)`` with an identity or
1x1-conv shortcut; kuangliu's and torchvision's ``_make_layer``; MobileNetV2's
``if self.use_res_connect``), Inception branches and d2l's DenseBlock joined by
``torch.cat``, U-Net skips (one pair, or the down/up ModuleList loops), VGG's
``make_layers(cfg)`` over a config list, ModuleLists iterated in forward, ``add_module``
and ``zip`` loops, ShuffleNet units (chunk, channel shuffle), squeeze-excitation,
ConvNeXt blocks (permute, LayerNorm, ``nn.Parameter``), dilated / (1, 3) / "same" convs,
pooling, Dropout, and a head (adaptive pooling or a flatten, then Linear), all Conv1d or
all Conv2d.

The generator follows the shapes itself (nothing here imports cnnlint or torch), so a
program it calls valid must run under torch. About a third of the programs get ONE
injected error, placed where exactly one constructor or operation is wrong: a conv's
``in_channels``, a BatchNorm's ``num_features``, the head's ``in_features``, a residual
block whose shortcut condition misses a case, a concatenation whose spatial sizes differ
(a branch without padding, an odd size through a U-Net), a pool or conv whose output
collapses to nothing, ``groups`` not dividing ``out_channels``, a ``view`` of the wrong size.
``Program.rows`` maps a tag per layer constructor / operation written to its row;
``bug_tag`` names the one torch must raise at.
Choices go through fuzzgen's ``Chooser`` (hypothesis draws in the test, a seeded
``random.Random`` elsewhere).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fuzzgen import Chooser
from programblocks import Line
from programloops import NetStages
from programstages import conv_out

WIDTHS = (4, 6, 8, 12, 16, 24, 32)
BUGS = {  # kind -> the code torch's message maps to (tests/styles_oracle.MESSAGES)
    "in_channels": "CNL002",
    "num_features": "CNL002",
    "in_features": "CNL001",
    "residual": "CNL008",
    "concat": "CNL009",
    "collapse": "CNL004",
    "groups": "CNL005",
    "view": "CNL005",
}


@dataclass
class Program:
    source: str
    model: str
    input: tuple[int, ...]
    bug: str | None  # the injected error's kind, None for a valid program
    bug_tag: str | None  # the tag of the row torch raises at
    rows: dict[str, int] = field(default_factory=dict)  # tag -> 1-based row
    stages: list[str] = field(default_factory=list)

    @property
    def bug_row(self) -> int | None:
        return self.rows[self.bug_tag] if self.bug_tag else None

    @property
    def bug_code(self) -> str | None:
        return BUGS[self.bug] if self.bug else None


class _Gen(NetStages):
    def __init__(self, ch: Chooser) -> None:
        self.ch = ch
        self.d = ch.choice((2, 2, 1))
        self.nd = f"{self.d}d"
        if self.d == 2:
            h = ch.int(6, 36)
            self.size: tuple[int, ...] = (h, h if ch.chance(60) else ch.int(6, 36))
        else:
            self.size = (ch.int(8, 120),)
        self.c = ch.choice((1, 3) if self.d == 2 else (1, 2, 4))
        self.input = (2, self.c, *self.size)
        self.init: list[Line] = []
        self.fwd: list[Line] = []
        self.defs: dict[str, Callable[[], list[Line]]] = {}  # module-level definitions, in order
        self.methods: dict[str, Callable[[], list[Line]]] = {}  # Net's helper methods
        self.variant: dict[str, object] = {}  # per shared definition: its parameters and bug
        self.counts: dict[str, int] = {}
        self.pending = None if ch.chance(65) else ch.choice(tuple(BUGS))  # 0, where hypothesis starts: valid
        self.bug_tag: str | None = None
        self.buffer: list[Line] = []  # module expressions waiting to become Net attributes
        self.stages: list[str] = []
        self.imports: set[str] = set()

    # ------------------------------------------------------------------ helpers

    def n(self, stem: str) -> int:
        self.counts[stem] = self.counts.get(stem, 0) + 1
        return self.counts[stem]

    def take(self, kind: str, possible: bool = True) -> bool:
        """Place the pending bug here (if it is of this kind and the place can take it)."""
        return bool(self.pending == kind and self.bug_tag is None and possible and self.ch.chance(60))

    def place(self, tag: str) -> None:
        self.bug_tag = tag

    def width(self) -> int:
        return self.ch.choice(WIDTHS)

    def off(self, value: int) -> int:
        return value + self.ch.choice((1, 2, max(value, 1)))

    def dims(self, value: int) -> str:
        return str(value) if self.d == 1 or self.ch.chance(60) else f"({value}, {value})"

    def fits(self, k: int, s: int = 1, p: int = 0) -> bool:
        return all(conv_out(n, k, s, p) >= 1 for n in self.size)

    def shrink(self, k: int, s: int = 1, p: int = 0) -> None:
        # past a collapse torch has raised: the rest stays well-formed (no second error to report)
        self.size = tuple(max(conv_out(n, k, s, p), 1) for n in self.size)

    def define(self, name: str, build: Callable[[], list[Line]], methods: bool = False) -> None:
        (self.methods if methods else self.defs).setdefault(name, build)

    # ------------------------------------------------------------------ stages: Net-level code

    def st_conv(self) -> None:
        """``self.convN = nn.ConvNd(...)`` (+ BatchNorm) written in Net, relu in forward."""
        self.flush()
        i, cout = self.n("conv"), self.width()
        k = self.ch.choice((1, 3, 3, 5))
        p = self.ch.choice((k // 2, k // 2, 0))
        s = self.ch.choice((1, 1, 2))
        if not self.fits(k, s, p):
            k, s, p = 3, 1, 1
        cin, tag = self.c, f"conv{i}"
        if self.take("in_channels"):
            cin = self.off(cin)
            self.place(tag)
        elif self.take("collapse"):
            k = min(self.size) + 2 * p + 1
            self.place(tag)
        groups = ""
        divisors = [g for g in (2, 4, cin) if g > 1 and cin % g == 0]
        if self.bug_tag != tag and divisors and self.ch.chance(30):
            g = self.ch.choice(divisors)
            bad = [w for w in WIDTHS if w % g]
            if self.take("groups", bool(bad)):
                cout = self.ch.choice(bad)
                self.place(tag)
            elif cout % g:
                cout = g * self.ch.choice((1, 2))
            groups = f", groups={g}"
        if self.ch.chance(50):
            args = f"{cin}, {cout}, kernel_size={self.dims(k)}, stride={s}, padding={p}{groups}"
        else:
            args = f"{cin}, {cout}, {k}, {s}, {p}{groups}"
        self.init.append((f"        self.conv{i} = nn.Conv{self.nd}({args})", tag))
        bn = self.ch.chance(60)
        if bn:
            nf = cout
            if self.take("num_features"):
                nf = self.off(cout)
                self.place(f"bn{i}")
            self.init.append((f"        self.bn{i} = nn.BatchNorm{self.nd}({nf})", f"bn{i}"))
        inner = f"self.bn{i}(self.conv{i}(x))" if bn else f"self.conv{i}(x)"
        if self.ch.chance(50):
            self.fwd.append((f"        x = F.relu({inner})", None))
        else:
            self.fwd.append((f"        x = {inner}", None))
            self.fwd.append(("        x = torch.relu(x)", None))
        self.c = cout
        self.shrink(k, s, p)

    def st_functional_pool(self) -> None:
        """``x = F.max_pool2d(x, k)`` in forward."""
        self.flush()
        kind = self.ch.choice(("max", "avg"))
        tag = f"fpool{self.n('fpool')}"
        k = 2
        if self.take("collapse"):
            k = min(self.size) + 1
            self.place(tag)
        elif not self.fits(2, 2):
            return
        self.fwd.append((f"        x = F.{kind}_pool{self.nd}(x, {k})", tag))
        self.shrink(k, k)

    def st_pool(self) -> None:
        """A pooling layer (or Dropout / ReLU) as a module expression."""
        tag = f"pool{self.n('pool')}"
        roll = self.ch.int(0, 5)
        if self.take("collapse"):
            k = min(self.size) + 1
            self.buffer.append((f"nn.MaxPool{self.nd}({k})", tag))
            self.place(tag)
            self.shrink(k, k)
        elif roll == 0:
            self.buffer.append((f"nn.Dropout(p={self.ch.choice((0.1, 0.25, 0.5))})", tag))
        elif roll == 1:
            self.buffer.append(("nn.ReLU(inplace=True)", tag))
        elif roll == 2 and self.fits(3, 2, 1):
            self.buffer.append((f"nn.MaxPool{self.nd}(kernel_size=3, stride=2, padding=1)", tag))
            self.shrink(3, 2, 1)
        elif self.fits(2, 2):
            kind = self.ch.choice(("Max", "Avg"))
            args = self.ch.choice(("2", "kernel_size=2, stride=2", "2, 2"))
            self.buffer.append((f"nn.{kind}Pool{self.nd}({args})", tag))
            self.shrink(2, 2)

    def flush(self) -> None:
        """Module expressions become Net attributes: one each, one nn.Sequential, or a list of layers."""
        if not self.buffer:
            return
        exprs, self.buffer = self.buffer, []
        style = self.ch.int(0, 3) if len(exprs) > 1 else 0
        if style == 0:
            for expr, tag in exprs:
                name = f"layer{self.n('layer')}"
                self.init.append((f"        self.{name} = {expr}", tag))
                self.fwd.append((f"        x = self.{name}(x)", None))
            return
        name = f"features{self.n('features')}"
        if style == 1:
            self.init.append((f"        self.{name} = nn.Sequential(", None))
            self.init += [(f"            {expr},", tag) for expr, tag in exprs]
            self.init.append(("        )", None))
        elif style == 3:
            self.imports.add("from collections import OrderedDict")
            self.init.append((f"        self.{name} = nn.Sequential(OrderedDict([", None))
            self.init += [(f'            ("part{j}", {expr}),', tag) for j, (expr, tag) in enumerate(exprs)]
            self.init.append(("        ]))", None))
        else:
            self.init.append(("        layers = []", None))
            for expr, tag in exprs:
                line = f"layers.append({expr})" if self.ch.chance(50) else f"layers += [{expr}]"
                self.init.append((f"        {line}", tag))
            self.init.append((f"        self.{name} = nn.Sequential(*layers)", None))
        self.fwd.append((f"        x = self.{name}(x)", None))

    # ------------------------------------------------------------------ the file

    def forward(self) -> list[Line]:
        """forward, or torchvision's hand-off: ``return self._forward_impl(x)``."""
        if self.ch.chance(70):
            return [("    def forward(self, x):", None), *self.fwd, ("        return x", None)]
        impl = [("    def _forward_impl(self, x):", None), *self.fwd, ("        return x", None)]
        return [*impl, ("", None), ("    def forward(self, x):", None), ("        return self._forward_impl(x)", None)]

    def assemble(self) -> Program:
        lines: list[Line] = [
            ('"""A generated model (tests/programgen.py)."""', None),
            ("", None),
            ("import torch", None),
            ("import torch.nn as nn", None),
            ("import torch.nn.functional as F", None),
            *((line, None) for line in sorted(self.imports)),
        ]
        for build in list(self.defs.values()):
            lines += [("", None), ("", None), *build()]
        lines += [
            ("", None),
            ("", None),
            (f"# cnnlint: input=({', '.join(map(str, self.input))})", None),
            ("class Net(nn.Module):", None),
            (f"    def __init__(self, num_classes={self.classes}):", None),
            ("        super().__init__()", None),
            *self.init,
            ("", None),
            *self.forward(),
        ]
        for build in self.methods.values():
            lines += [("", None), *build()]
        rows = {tag: row for row, (_, tag) in enumerate(lines, start=1) if tag}
        source = "\n".join(text for text, _ in lines) + "\n"
        bug = self.pending if self.bug_tag else None
        return Program(source, "Net", self.input, bug, self.bug_tag, rows, self.stages)


STAGES: dict[str, Callable[[_Gen], None]] = {
    "conv": _Gen.st_conv,
    "functional_pool": _Gen.st_functional_pool,
    "pool": _Gen.st_pool,
    "conv_bn": _Gen.st_conv_bn,
    "conv_block": _Gen.st_conv_block,
    "basic": _Gen.st_basic,
    "make_layer": _Gen.st_make_layer,
    "res_layer": _Gen.st_res_layer,
    "inception": _Gen.st_inception,
    "dense": _Gen.st_dense,
    "vgg": _Gen.st_vgg,
    "module_list": _Gen.st_module_list,
    "skip": _Gen.st_skip,
    "se": _Gen.st_se,
    "inverted": _Gen.st_inverted,
    "shuffle": _Gen.st_shuffle,
    "geometry": _Gen.st_geometry,
    "unet": _Gen.st_unet,
    "convnext": _Gen.st_convnext,
    "inherit": _Gen.st_inherit,
}
HOSTS = {  # the stages that can take each kind of bug
    "in_channels": ("conv", "conv_bn", "conv_block", "vgg", "module_list", "geometry", "inherit"),
    "num_features": ("conv", "conv_block"),
    "in_features": (),
    "residual": ("basic", "make_layer", "res_layer", "inverted"),
    "concat": ("inception", "dense", "skip", "unet"),
    "collapse": ("conv", "functional_pool", "pool", "vgg"),
    "groups": ("conv",),
    "view": (),
}


def program(ch: Chooser, most: int = 5, bug: str | None = "draw") -> Program:
    """One program: a stem, up to ``most`` stages, a head; ``bug`` the kind to inject (None: valid)."""
    g = _Gen(ch)
    if bug != "draw":
        g.pending = bug
    stem = ch.choice(("conv", "conv_bn", "conv_block"))
    names = [stem] + [ch.choice(tuple(STAGES)) for _ in range(ch.int(1, most))]
    for index, name in enumerate(names):
        if index and g.pending and g.bug_tag is None and HOSTS[g.pending] and ch.chance(50):
            name = ch.choice(HOSTS[g.pending])
        g.stages.append(name)
        STAGES[name](g)
    for _ in range(3):  # the bug not placed yet: a few more stages that can take it
        if g.pending and g.bug_tag is None and HOSTS[g.pending]:
            name = ch.choice(HOSTS[g.pending])
            g.stages.append(name)
            STAGES[name](g)
    g.head()
    return g.assemble()
