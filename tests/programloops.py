"""The stages of tests/programgen.py written into ``Net`` itself: loops over blocks, U-Net skips, the head."""

from __future__ import annotations

from programstages import BlockStages


class NetStages(BlockStages):
    """Mixed into programgen's generator, after the block stages."""

    classes: int
    imports: set[str]
    d: int

    def st_module_list(self) -> None:
        """Blocks built by a loop: a ModuleList (comprehension or append) iterated in forward, add_module, zip."""
        self.flush()
        i = self.n("blocks")
        unit = self.ch.choice(("ConvBlock", "conv_bn"))
        k = self.unit_conv_block() if unit == "ConvBlock" else self.unit_conv_bn()
        style = self.ch.int(0, 3)
        if style == 0:
            n = self.ch.int(1, 3)
            line = f"self.blocks{i} = nn.ModuleList([{unit}({self.c}, {self.c}) for _ in range({n})])"
            self.init.append((f"        {line}", None))
        elif style == 3:
            widths = [self.width() for _ in range(self.ch.int(1, 3))]
            strides = []
            for _ in widths:
                strides.append(self.ch.choice((1, 2)) if self.fits(k, 2, k // 2) else 1)
                self.shrink(k, strides[-1], k // 2)
            self.init += [
                (f"        chans = {[self.c, *widths]}", None),
                (f"        strides = {strides}", None),
                ("        blocks = []", None),
                ("        for cin, cout, s in zip(chans[:-1], chans[1:], strides):", None),
                (f"            blocks.append({unit}(cin, cout, s))", None),
                (f"        self.blocks{i} = nn.Sequential(*blocks)", None),
            ]
            self.c = widths[-1]
        else:
            widths = [self.width() for _ in range(self.ch.int(1, 3))]
            bug = self.take("in_channels", any(w != self.c for w in widths[:-1]))
            if bug:
                self.place(f"{unit}.conv")
            if style == 1:
                self.init.append((f"        self.blocks{i} = nn.ModuleList()", None))
                add = f"self.blocks{i}.append({unit}(cin, w))"
            else:
                self.init.append((f"        self.blocks{i} = nn.Sequential()", None))
                add = f'self.blocks{i}.add_module("block" + str(j), {unit}(cin, w))'
            self.init.append((f"        cin = {self.c}", None))
            self.init.append((f"        for j, w in enumerate({widths}):", None))
            self.init.append((f"            {add}", None))
            if not bug:
                self.init.append(("            cin = w", None))
            self.c = widths[-1]
        if style in (0, 1) and self.ch.chance(30):
            self.fwd.append((f"        for j in range(len(self.blocks{i})):", None))
            self.fwd.append((f"            x = self.blocks{i}[j](x)", None))
        elif style in (0, 1):
            self.fwd.append((f"        for blk in self.blocks{i}:", None))
            self.fwd.append(("            x = blk(x)", None))
        else:
            self.fwd.append((f"        x = self.blocks{i}(x)", None))

    def st_skip(self) -> None:
        """U-Net: keep x, go down (pool, conv) and up (ConvTranspose or Upsample), ``torch.cat`` with the skip."""
        self.flush()
        if min(self.size) < 2:
            return
        i, c2, nd = self.n("skip"), self.width(), self.nd
        odd = any(n % 2 for n in self.size)
        bug = odd and self.take("concat", min(self.size) >= 3)
        conv = f"nn.Conv{nd}({self.c}, {c2}, kernel_size=3, padding=1)"
        self.init.append(
            (f"        self.down{i} = nn.Sequential(nn.MaxPool{nd}(2), {conv}, nn.ReLU(inplace=True))", None)
        )
        if self.ch.chance(50):
            self.init.append((f"        self.up{i} = nn.ConvTranspose{nd}({c2}, {c2}, kernel_size=2, stride=2)", None))
        else:
            self.init.append((f'        self.up{i} = nn.Upsample(scale_factor=2, mode="nearest")', None))
        self.fwd += [(f"        skip{i} = x", None), (f"        x = self.up{i}(self.down{i}(x))", None)]
        if odd and not bug:
            mode = "" if self.ch.chance(50) else ', mode="nearest"'
            self.fwd.append((f"        x = F.interpolate(x, size=skip{i}.shape[2:]{mode})", None))
        if bug:
            self.place(f"skip{i}.cat")
        cat = self.ch.choice((f"torch.cat([x, skip{i}], dim=1)", f"torch.cat((skip{i}, x), 1)"))
        self.fwd.append((f"        x = {cat}", f"skip{i}.cat"))
        self.c += c2

    def head(self) -> None:
        self.flush()
        self.classes = self.ch.choice((2, 5, 10))
        c, size, nd = self.c, self.size, self.nd
        spatial = " * ".join(str(n) for n in size)
        style = 2 if self.pending == "view" and self.bug_tag is None else self.ch.int(0, 3)
        features = c if style in (0, 1) else c * _prod(size)
        tag = "fc"
        written = str(features) if style < 2 or self.ch.chance(40) else f"{c} * {spatial}"
        if self.pending == "in_features" and self.bug_tag is None:
            forgot = style >= 2 and _prod(size) > 1 and self.ch.chance(50)
            written = str(c) if forgot else str(self.off(features))
            self.place(tag)
        flat = self.ch.choice(
            ("torch.flatten(x, 1)", "x.view(x.size(0), -1)", "x.flatten(1)", "x.reshape(x.shape[0], -1)")
        )
        if style == 2 and self.bug_tag is None and (self.pending == "view" or self.ch.chance(40)):
            flat = self.ch.choice(("x.view(x.size(0), {})", "x.view(-1, {})", "x.reshape(x.size(0), {})"))
            if self.pending == "view" and "size(0)" in flat:
                written = str(self.off(features))
                self.place("view")
            flat = flat.format(written)
        if style == 0:
            out = self.ch.choice(("1", "(1, 1)" if self.d == 2 else "1"))
            kind = self.ch.choice(("Avg", "Max"))
            self.init.append((f"        self.pool = nn.Adaptive{kind}Pool{nd}({out})", None))
            self.init.append((f"        self.fc = nn.Linear({written}, num_classes)", tag))
            self.fwd += [
                ("        x = self.pool(x)", None),
                (f"        x = {flat}", None),
                ("        x = self.fc(x)", None),
            ]
        elif style == 1:
            reduce = (
                f"F.adaptive_avg_pool{nd}(x, 1).flatten(1)" if self.ch.chance(50) else f"x.mean({_spatial(self.d)})"
            )
            self.init.append((f"        self.fc = nn.Linear({written}, num_classes)", tag))
            self.fwd += [(f"        x = {reduce}", None), ("        x = self.fc(x)", None)]
        elif style == 2:
            self.init.append((f"        self.fc = nn.Linear({written}, num_classes)", tag))
            if self.ch.chance(50):
                self.init.append(("        self.dropout = nn.Dropout(0.5)", None))
                self.fwd += [(f"        x = {flat}", "view"), ("        x = self.fc(self.dropout(x))", None)]
            else:
                self.fwd += [(f"        x = {flat}", "view"), ("        x = self.fc(x)", None)]
        else:
            hidden = self.ch.choice((32, 64, 100))
            self.init += [
                ("        self.classifier = nn.Sequential(", None),
                ("            nn.Flatten(),", None),
                (f"            nn.Linear({written}, {hidden}),", tag),
                ("            nn.ReLU(True),", None),
                ("            nn.Dropout(p=0.5),", None),
                (f"            nn.Linear({hidden}, num_classes),", None),
                ("        )", None),
            ]
            self.fwd.append(("        x = self.classifier(x)", None))

    def st_unet(self) -> None:
        """aladdinpersson's U-Net loops: downs/ups ModuleLists, a skip list reversed, ``skips[idx // 2]``."""
        self.flush()
        levels = self.ch.int(1, 2)
        if min(self.size) < 2**levels:
            return
        fits = all(n % 2**levels == 0 for n in self.size)
        bug = not fits and self.take("concat")
        if not fits and not bug:
            return
        self.unit_conv_bn()
        i, nd, features = self.n("unet"), self.nd, [self.width() for _ in range(levels)]
        if bug:
            self.place(f"unet{i}.cat")
        self.init += [
            (f"        self.downs{i} = nn.ModuleList()", None),
            (f"        self.ups{i} = nn.ModuleList()", None),
            (f"        ch = {self.c}", None),
            (f"        for feature in {features}:", None),
            (f"            self.downs{i}.append(conv_bn(ch, feature))", None),
            ("            ch = feature", None),
            (f"        for feature in reversed({features}):", None),
            (f"            self.ups{i}.append(nn.ConvTranspose{nd}(ch, feature, kernel_size=2, stride=2))", None),
            (f"            self.ups{i}.append(conv_bn(feature * 2, feature))", None),
            ("            ch = feature", None),
        ]
        self.fwd += [
            ("        skips = []", None),
            (f"        for down in self.downs{i}:", None),
            ("            x = down(x)", None),
            ("            skips.append(x)", None),
            (f"            x = F.max_pool{nd}(x, 2)", None),
            ("        skips = skips[::-1]", None),
            (f"        for idx in range(0, len(self.ups{i}), 2):", None),
            (f"            x = self.ups{i}[idx](x)", None),
            ("            x = torch.cat((skips[idx // 2], x), dim=1)", f"unet{i}.cat"),
            (f"            x = self.ups{i}[idx + 1](x)", None),
        ]
        self.c = features[0]


def _prod(values: tuple[int, ...]) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def _spatial(d: int) -> str:
    return "[2, 3]" if d == 2 else "2"
