"""The stages of tests/programgen.py that use shared definitions (helpers and block classes).

Each stage appends a call to a definition (written once per program, from
tests/programblocks.py) and moves the generator's shape along. A bug inside a shared
definition raises at its first use whose arguments trigger it; the stages place one only
where no earlier use would behave differently, so torch raises exactly at the tagged row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import programblocks as pb

STRIDE: Callable[[int, int, int], bool] = lambda s, cin, cout: s != 1  # noqa: E731
CHANNELS: Callable[[int, int, int], bool] = lambda s, cin, cout: cin != cout  # noqa: E731


def conv_out(n: int, k: int, s: int = 1, p: int = 0) -> int:
    return (n + 2 * p - (k - 1) - 1) // s + 1


def broadcast_fails(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return any(x != y and 1 not in (x, y) for x, y in zip(a, b))


class BlockStages:
    """Mixed into programgen's generator (which owns the state these methods use)."""

    ch: Any
    nd: str
    c: int
    size: tuple[int, ...]
    buffer: list[pb.Line]
    init: list[pb.Line]
    fwd: list[pb.Line]
    variant: dict[str, Any]
    defs: dict[str, Callable[[], list[pb.Line]]]
    pending: str | None
    bug_tag: str | None

    # ------------------------------------------------------------------ helpers and plain blocks

    def unit_conv_bn(self) -> int:
        """Define ``conv_bn`` (plain, or through ``conv3x3(**kwargs)`` and a ``norm_layer`` argument)."""
        k = self.variant.setdefault("conv_bn.k", self.ch.choice((1, 3)))
        kwargs = self.variant.setdefault("conv_bn.kwargs", self.ch.chance(40))
        template = pb.CONV_BN_KWARGS if kwargs else pb.CONV_BN
        self.define("conv_bn", lambda: pb.block(template, pb.CONV_BN_TAGS, nd=self.nd, k=k, p=k // 2))
        return k

    def unit_conv_block(self) -> int:
        k = self.variant.setdefault("ConvBlock.k", self.ch.choice((3, 3, 5)))
        self.variant.setdefault("ConvBlock.gn", self.ch.chance(30))

        def build() -> list[pb.Line]:
            nf = "out_channels * 2" if self.variant.get("ConvBlock.bug") else "out_channels"
            norm = f"nn.GroupNorm(2, {nf})" if self.variant["ConvBlock.gn"] else f"nn.BatchNorm{self.nd}({nf})"
            tags = {"ConvBlock.conv": "nn.Conv", "ConvBlock.bn": "self.bn = "}
            return pb.block(pb.CONV_BLOCK, tags, nd=self.nd, k=k, p=k // 2, norm=norm)

        self.define("ConvBlock", build)
        return k

    def st_conv_bn(self) -> None:
        """``conv_bn(cin, cout, stride)``: a helper function returning an nn.Sequential."""
        k = self.unit_conv_bn()
        s = self.ch.choice((1, 2)) if self.fits(k, 2, k // 2) else 1
        cout, cin = self.width(), self.c
        if self.take("in_channels"):
            cin = self.off(cin)
            self.place("conv_bn.conv")
        stride = self.ch.choice((f", {s}", f", stride={s}")) if s != 1 or self.ch.chance(50) else ""
        self.buffer.append((f"conv_bn({cin}, {cout}{stride})", None))
        self.c = cout
        self.shrink(k, s, k // 2)

    def st_conv_block(self) -> None:
        """``ConvBlock(cin, cout, stride=s)``: a block class with call-site arguments."""
        k = self.unit_conv_block()
        s = self.ch.choice((1, 2)) if self.fits(k, 2, k // 2) else 1
        cout, cin = self.width(), self.c
        if self.take("in_channels"):
            cin = self.off(cin)
            self.place("ConvBlock.conv")
        elif self.take("num_features"):
            self.variant["ConvBlock.bug"] = True
            self.place("ConvBlock.bn")
        stride = f", stride={s}" if s != 1 or self.ch.chance(30) else ""
        self.buffer.append((f"ConvBlock({cin}, {cout}{stride})", None))
        self.c = cout
        self.shrink(k, s, k // 2)

    def st_inherit(self) -> None:
        """A subclass of ConvBlock: ``super().__init__(...)`` with its arguments, ``super().forward(x)``."""
        k = self.unit_conv_block()
        self.define("ConvBlockDrop", lambda: pb.block(pb.CONV_BLOCK_DROP, {}))
        s = self.ch.choice((1, 2)) if self.fits(k, 2, k // 2) else 1
        cout, cin = self.width(), self.c
        if self.take("in_channels"):
            cin = self.off(cin)
            self.place("ConvBlock.conv")
        self.buffer.append((f"ConvBlockDrop({cin}, {cout}, {s}, p=0.2)", None))
        self.c = cout
        self.shrink(k, s, k // 2)

    def st_se(self) -> None:
        """A squeeze-excitation block: ``x * w`` with w (N, C, 1, 1) from 1x1 convs or Linear layers."""
        if self.c < 4:
            return
        linear = self.variant.setdefault("SEBlock.linear", self.ch.chance(50))
        view = "b, c, 1, 1" if self.nd == "2d" else "b, c, 1"
        template = pb.SE_LINEAR if linear else pb.SE_CONV
        self.define("SEBlock", lambda: pb.block(template, {}, nd=self.nd, view=view))
        self.buffer.append((f"SEBlock({self.c})" if self.ch.chance(50) else f"SEBlock({self.c}, reduction=4)", None))

    def st_geometry(self) -> None:
        """Less common conv/pool geometry: (1, 3) kernels, dilation, ``padding="same"``, ``ceil_mode=True``."""
        nd, tag, cout = self.nd, f"geo{self.n('geo')}", self.width()
        cin = self.c
        roll = self.ch.int(0 if nd == "2d" else 1, 3)
        if roll < 3 and self.take("in_channels"):
            cin = self.off(cin)
            self.place(tag)
        if roll == 0:
            k, pad = self.ch.choice((("(1, 3)", "(0, 1)"), ("(3, 1)", "(1, 0)")))
            self.buffer.append((f"nn.Conv2d({cin}, {cout}, kernel_size={k}, padding={pad})", tag))
        elif roll == 1:
            p = self.ch.choice((2, 0)) if min(self.size) >= 5 else 2
            self.buffer.append((f"nn.Conv{nd}({cin}, {cout}, 3, padding={p}, dilation=2)", tag))
            self.size = tuple(n + 2 * p - 4 for n in self.size)
        elif roll == 2:
            k = self.ch.choice((3, 4, 5))
            self.buffer.append((f'nn.Conv{nd}({cin}, {cout}, {k}, padding="same")', tag))
        elif min(self.size) >= 3:
            self.buffer.append((f"nn.MaxPool{nd}(3, stride=2, ceil_mode=True)", tag))
            self.size = tuple(-(-(n - 3) // 2) + 1 - (2 * (-(-(n - 3) // 2)) >= n) for n in self.size)
            return
        else:
            return
        self.c = cout

    # ------------------------------------------------------------------ residual blocks

    def residual_use(self, owner: str, cin: int, cout: int, s: int) -> None:
        """One block of ``owner``'s family; the pending residual bug drops a case of its shortcut test."""
        full = s != 1 or cin != cout
        uses: list = self.variant.setdefault(f"{owner}.uses", [])
        if self.pending == "residual" and self.bug_tag is None:
            out = (cout, *(conv_out(n, 3, s, 1) for n in self.size))
            for cand in self.ch.choice(((STRIDE, CHANNELS), (CHANNELS, STRIDE))):
                same_before = all(cand(*u) == (u[0] != 1 or u[1] != u[2]) for u in uses)
                fails = cand(s, cin, cout) != full and broadcast_fails(out, (cin, *self.size))
                if fails and same_before and self.take("residual"):
                    self.variant[f"{owner}.cond"] = cand
                    self.place(f"{owner}.add")
                    break
        uses.append((s, cin, cout))

    def condition(self, owner: str, inp: str, out: str) -> str:
        cand = self.variant.get(f"{owner}.cond")
        if cand is STRIDE:
            return "stride != 1"
        if cand is CHANNELS:
            return f"{inp} != {out}"
        return f"stride != 1 or {inp} != {out}"

    def define_residual(self, owner: str) -> None:
        def build() -> list[pb.Line]:
            template = pb.BASIC_BLOCK if owner == "BasicBlock" else pb.BOTTLENECK
            empty = self.ch.choice(("nn.Sequential()", "nn.Identity()"))
            add = self.ch.choice(("out = out + self.shortcut(x)", "out += self.shortcut(x)"))
            cond = self.condition(owner, "in_planes", "self.expansion * planes")
            shortcut = pb.SHORTCUT.format(nd=self.nd, cond=cond, empty=empty).strip("\n")
            return pb.block(template, {f"{owner}.add": add}, nd=self.nd, shortcut=shortcut, add=add)

        self.define(owner, build)

    def st_basic(self) -> None:
        """kuangliu's BasicBlock (shortcut: empty Sequential or Identity, else 1x1 conv), called directly."""
        self.define_residual("BasicBlock")
        planes, s = self.width(), self.ch.choice((1, 2)) if self.fits(3, 2, 1) else 1
        self.residual_use("BasicBlock", self.c, planes, s)
        args = f"{self.c}, {planes}, {s}" if self.ch.chance(50) else f"{self.c}, {planes}, stride={s}"
        self.buffer.append((f"BasicBlock({args})", None))
        self.c = planes
        self.shrink(3, s, 1)

    def st_make_layer(self) -> None:
        """kuangliu's ``self._make_layer(block, planes, num_blocks, stride)`` with ``self.in_planes``."""
        self.flush()
        owner = self.ch.choice(("BasicBlock", "BasicBlock", "Bottleneck"))
        expansion = 4 if owner == "Bottleneck" else 1
        self.define_residual(owner)
        self.define("_make_layer", lambda: pb.block(pb.MAKE_LAYER, {}), methods=True)
        planes = self.ch.choice((2, 4, 6, 8)) if expansion == 4 else self.width()
        blocks, s = self.ch.int(1, 3), self.ch.choice((1, 2)) if self.fits(3, 2, 1) else 1
        if self.variant.get("in_planes") != self.c:
            self.init.append((f"        self.in_planes = {self.c}", None))
        for index in range(blocks):
            cin = self.c if index == 0 else planes * expansion
            self.residual_use(owner, cin, planes * expansion, s if index == 0 else 1)
            if index == 0:
                self.shrink(3, s, 1)
        self.variant["in_planes"] = self.c = planes * expansion
        i = self.n("layer")
        call = f"self._make_layer({owner}, {planes}, {blocks}, stride={s})"
        self.init.append((f"        self.layer{i} = {call}", None))
        self.fwd.append((f"        x = self.layer{i}(x)", None))

    def st_res_layer(self) -> None:
        """torchvision's ``_make_res_layer(planes, blocks, stride)`` passing ``downsample`` to ResBlock."""
        self.flush()
        self.define("ResBlock", lambda: pb.block(pb.RES_BLOCK, {"ResBlock.add": "out += identity"}, nd=self.nd))
        cond = lambda: self.condition("ResBlock", "self.inplanes", "planes")  # noqa: E731
        self.define("_make_res_layer", lambda: pb.block(pb.MAKE_RES_LAYER, {}, nd=self.nd, cond=cond()), methods=True)
        planes, blocks = self.width(), self.ch.int(1, 3)
        s = self.ch.choice((1, 2)) if self.fits(3, 2, 1) else 1
        if self.variant.get("inplanes") != self.c:
            self.init.append((f"        self.inplanes = {self.c}", None))
        self.residual_use("ResBlock", self.c, planes, s)
        self.variant["inplanes"] = self.c = planes
        self.shrink(3, s, 1)
        i = self.n("layer")
        stride = f", stride={s}" if s != 1 or self.ch.chance(50) else ""
        self.init.append((f"        self.layer{i} = self._make_res_layer({planes}, {blocks}{stride})", None))
        self.fwd.append((f"        x = self.layer{i}(x)", None))

    def st_inverted(self) -> None:
        """MobileNetV2's InvertedResidual: ``if self.use_res_connect: return x + self.conv(x)`` (grouped 3x3)."""
        use = {STRIDE: "self.stride == 1", CHANNELS: "inp == oup"}

        def build() -> list[pb.Line]:
            cond = use.get(self.variant.get("InvertedResidual.cond"), "self.stride == 1 and inp == oup")
            tags = {"InvertedResidual.add": "x + self.conv(x)"}
            return pb.block(pb.INVERTED_RESIDUAL, tags, nd=self.nd, use_res=cond)

        self.define("InvertedResidual", build)
        oup, t = self.width(), self.ch.choice((1, 2, 6))
        if self.ch.chance(40):
            oup = self.c
        s = self.ch.choice((1, 2)) if self.fits(3, 2, 1) else 1
        self.residual_use("InvertedResidual", self.c, oup, s)
        self.buffer.append((f"InvertedResidual({self.c}, {oup}, {s}, {t})", None))
        self.c = oup
        self.shrink(3, s, 1)

    def st_convnext(self) -> None:
        """ConvNeXt's block: depthwise 7x7, permute to channels-last, LayerNorm, Linear MLP, layer scale, add."""
        last, back = ("0, 2, 3, 1", "0, 3, 1, 2") if self.nd == "2d" else ("0, 2, 1", "0, 2, 1")
        self.define("ConvNeXtBlock", lambda: pb.block(pb.CONVNEXT, {}, nd=self.nd, last=last, back=back))
        self.buffer.append((f"ConvNeXtBlock({self.c})", None))

    def st_shuffle(self) -> None:
        """ShuffleNetV2's unit: ``x.chunk(2, dim=1)``, a grouped branch, ``torch.cat``, channel shuffle."""
        if self.c % 2:
            return
        spatial = "height, width" if self.nd == "2d" else "length"
        self.define("ShuffleUnit", lambda: pb.block(pb.SHUFFLE, {}, nd=self.nd, spatial=spatial))
        self.buffer.append((f"ShuffleUnit({self.c})", None))

    # ------------------------------------------------------------------ concatenation

    def st_inception(self) -> None:
        """Parallel branches joined by ``torch.cat(..., 1)``; the bug: a 3x3 branch without padding."""
        if "Inception" not in self.defs and self.take("concat", min(self.size) >= 3):
            self.variant["Inception.bug"] = True
            self.place("Inception.cat")
        template = self.variant.setdefault("Inception.template", self.ch.choice((pb.INCEPTION, pb.INCEPTION_LIST)))
        pad = 0 if self.variant.get("Inception.bug") else 1
        self.define("Inception", lambda: pb.block(template, {"Inception.cat": "torch.cat"}, nd=self.nd, pad=pad))
        c1, c2, c3 = self.width(), self.width(), self.width()
        self.buffer.append((f"Inception({self.c}, {c1}, {c2}, {c3})", None))
        self.c = c1 + c2 + c3

    def st_dense(self) -> None:
        """d2l's DenseBlock: ``for blk in self.net: X = torch.cat((X, blk(X)), dim=1)``."""
        if "DenseBlock" not in self.defs and self.take("concat", min(self.size) >= 3):
            self.variant["DenseBlock.bug"] = True
            self.place("DenseBlock.cat")
        pad = 0 if self.variant.get("DenseBlock.bug") else 1
        self.define("DenseBlock", lambda: pb.block(pb.DENSE, {"DenseBlock.cat": "torch.cat"}, nd=self.nd, pad=pad))
        convs, growth = self.ch.int(1, 3), self.ch.choice((4, 8, 12))
        self.buffer.append((f"DenseBlock({convs}, {self.c}, {growth})", None))
        self.c += convs * growth

    # ------------------------------------------------------------------ loops over config lists

    def st_vgg(self) -> None:
        """VGG's ``make_layers(cfg, in_channels, batch_norm)`` over a config list of widths and "M"."""
        cfg: list[int | str] = []
        c, size = self.c, self.size
        for _ in range(self.ch.int(1, 4)):
            if self.ch.chance(35) and min(size) >= 2:
                cfg.append("M")
                size = tuple(conv_out(n, 2, 2) for n in size)
            else:
                cfg.append(self.width())
        if self.take("collapse"):
            cfg += ["M"] * (max(min(size), 1).bit_length() + 1)
            self.place("make_layers.pool")
        convs = [v for v in cfg if v != "M"]
        if self.take("in_channels", any(v != self.c for v in convs[:-1])):
            self.variant["make_layers.bug"] = True
            self.place("make_layers.conv")

        def build() -> list[pb.Line]:
            update = "" if self.variant.get("make_layers.bug") else "            in_channels = v"
            tags = {"make_layers.pool": "nn.MaxPool", "make_layers.conv": "nn.Conv"}
            return pb.block(pb.MAKE_LAYERS, tags, nd=self.nd, update=update)

        self.define("make_layers", build)
        i = self.n("cfg")
        text = "[" + ", ".join(repr(v) for v in cfg) + "]"
        if self.ch.chance(50):
            self.define(f"CFG_{i}", lambda line=f"CFG_{i} = {text}": [(line, None)])
            text = f"CFG_{i}"
        bn = self.ch.choice(("", ", batch_norm=True", ", True", ", batch_norm=False"))
        self.buffer.append((f"make_layers({text}, {self.c}{bn})", None))
        self.c, self.size = (convs[-1] if convs else c), tuple(max(n, 1) for n in size)

    # the generator's own helpers, typed for the mixin
    def flush(self) -> None: ...
    def take(self, kind: str, possible: bool = True) -> bool: ...
    def place(self, tag: str) -> None: ...
    def width(self) -> int: ...
    def off(self, value: int) -> int: ...
    def fits(self, k: int, s: int = 1, p: int = 0) -> bool: ...
    def shrink(self, k: int, s: int = 1, p: int = 0) -> None: ...
    def n(self, stem: str) -> int: ...
    def define(self, name: str, build: Callable[[], list[pb.Line]], methods: bool = False) -> None: ...
