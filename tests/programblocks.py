"""The shared definitions tests/programgen.py writes into its programs: helpers and block classes.

Each is a template of real-style source (``{nd}`` is ``1d`` or ``2d``; other fields are the
variant the generator chose, including an injected bug) and a table saying which line
holds each tagged layer or operation (the first line containing the given text).
"""

from __future__ import annotations

Line = tuple[str, str | None]  # source text (indented), tag of the layer / op it writes


def block(template: str, tags: dict[str, str], **fields: object) -> list[Line]:
    """The template's lines, each tagged where ``tags`` finds it."""
    lines: list[Line] = [(text, None) for text in template.strip("\n").format(**fields).splitlines()]
    for tag, needle in tags.items():
        index = next(i for i, (text, _) in enumerate(lines) if needle in text)
        lines[index] = (lines[index][0], tag)
    return lines


CONV_BN = '''
def conv_bn(cin, cout, stride=1):
    """Conv, BatchNorm, ReLU."""
    return nn.Sequential(
        nn.Conv{nd}(cin, cout, {k}, stride, {p}, bias=False),
        nn.BatchNorm{nd}(cout),
        nn.ReLU(inplace=True),
    )
'''

CONV_BN_KWARGS = """
def conv3x3(in_planes, out_planes, stride=1, **kwargs):
    return nn.Conv{nd}(in_planes, out_planes, kernel_size={k}, stride=stride, padding={p}, bias=False, **kwargs)


def conv_bn(cin, cout, stride=1, norm_layer=None):
    if norm_layer is None:
        norm_layer = nn.BatchNorm{nd}
    layers = [conv3x3(cin, cout, stride, groups=1),
              norm_layer(cout)]
    layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)
"""
CONV_BN_TAGS = {"conv_bn.conv": "nn.Conv"}

CONV_BLOCK = """
class ConvBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv = nn.Conv{nd}(in_channels, out_channels, {k}, stride=stride, padding={p}, bias=False)
        self.bn = {norm}
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))
"""

SHORTCUT = """
        self.shortcut = {empty}
        if {cond}:
            self.shortcut = nn.Sequential(
                nn.Conv{nd}(in_planes, self.expansion * planes, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm{nd}(self.expansion * planes),
            )"""

BASIC_BLOCK = """
class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes, planes, stride=1):
        super(BasicBlock, self).__init__()
        self.conv1 = nn.Conv{nd}(in_planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm{nd}(planes)
        self.conv2 = nn.Conv{nd}(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm{nd}(planes)

{shortcut}

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        {add}
        out = F.relu(out)
        return out
"""

BOTTLENECK = """
class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, in_planes, planes, stride=1):
        super(Bottleneck, self).__init__()
        self.conv1 = nn.Conv{nd}(in_planes, planes, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm{nd}(planes)
        self.conv2 = nn.Conv{nd}(planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm{nd}(planes)
        self.conv3 = nn.Conv{nd}(planes, self.expansion * planes, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm{nd}(self.expansion * planes)

{shortcut}

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        {add}
        out = F.relu(out)
        return out
"""

MAKE_LAYER = """
    def _make_layer(self, block, planes, num_blocks, stride):
        strides = [stride] + [1] * (num_blocks - 1)
        layers = []
        for stride in strides:
            layers.append(block(self.in_planes, planes, stride))
            self.in_planes = planes * block.expansion
        return nn.Sequential(*layers)
"""

RES_BLOCK = """
class ResBlock(nn.Module):
    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv{nd}(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm{nd}(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv{nd}(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm{nd}(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x

        out = self.conv1(x)
        out = self.bn1(out)
        out = self.relu(out)

        out = self.conv2(out)
        out = self.bn2(out)

        if self.downsample is not None:
            identity = self.downsample(x)

        out += identity
        return self.relu(out)
"""

MAKE_RES_LAYER = """
    def _make_res_layer(self, planes, blocks, stride=1):
        downsample = None
        if {cond}:
            downsample = nn.Sequential(
                nn.Conv{nd}(self.inplanes, planes, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm{nd}(planes),
            )
        layers = [ResBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        for _ in range(1, blocks):
            layers.append(ResBlock(self.inplanes, planes))
        return nn.Sequential(*layers)
"""

INCEPTION = """
class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3):
        super().__init__()
        self.branch1 = nn.Conv{nd}(in_channels, c1, kernel_size=1)
        self.branch2 = nn.Sequential(nn.Conv{nd}(in_channels, c2, kernel_size=1), nn.ReLU(inplace=True),
                                     nn.Conv{nd}(c2, c2, kernel_size=3, padding={pad}))
        self.branch3 = nn.Sequential(nn.MaxPool{nd}(3, stride=1, padding=1),
                                     nn.Conv{nd}(in_channels, c3, kernel_size=1))

    def forward(self, x):
        outputs = [self.branch1(x), self.branch2(x), self.branch3(x)]
        return torch.cat(outputs, dim=1)
"""

INCEPTION_LIST = """
class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3):
        super().__init__()
        self.branches = nn.ModuleList([
            nn.Conv{nd}(in_channels, c1, kernel_size=1),
            nn.Sequential(nn.Conv{nd}(in_channels, c2, kernel_size=1), nn.ReLU(inplace=True),
                          nn.Conv{nd}(c2, c2, kernel_size=3, padding={pad})),
            nn.Sequential(nn.MaxPool{nd}(3, stride=1, padding=1), nn.Conv{nd}(in_channels, c3, kernel_size=1)),
        ])

    def forward(self, x):
        return torch.cat([branch(x) for branch in self.branches], 1)
"""

DENSE = """
def dense_conv(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm{nd}(input_channels),
        nn.ReLU(),
        nn.Conv{nd}(input_channels, num_channels, kernel_size=3, padding={pad}),
    )


class DenseBlock(nn.Module):
    def __init__(self, num_convs, input_channels, num_channels):
        super(DenseBlock, self).__init__()
        layer = []
        for i in range(num_convs):
            layer.append(dense_conv(num_channels * i + input_channels, num_channels))
        self.net = nn.Sequential(*layer)

    def forward(self, X):
        for blk in self.net:
            Y = blk(X)
            X = torch.cat((X, Y), dim=1)
        return X
"""

MAKE_LAYERS = """
def make_layers(cfg, in_channels=3, batch_norm=False):
    layers = []
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool{nd}(kernel_size=2, stride=2)]
        else:
            conv = nn.Conv{nd}(in_channels, v, kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv, nn.BatchNorm{nd}(v), nn.ReLU(inplace=True)]
            else:
                layers += [conv, nn.ReLU(inplace=True)]
{update}
    return nn.Sequential(*layers)
"""

SE_CONV = """
class SEBlock(nn.Module):
    def __init__(self, channels, reduction=4):
        super().__init__()
        self.fc1 = nn.Conv{nd}(channels, channels // reduction, kernel_size=1)
        self.fc2 = nn.Conv{nd}(channels // reduction, channels, kernel_size=1)

    def forward(self, x):
        w = F.adaptive_avg_pool{nd}(x, 1)
        w = F.relu(self.fc1(w))
        w = torch.sigmoid(self.fc2(w))
        return x * w
"""

SE_LINEAR = """
class SEBlock(nn.Module):
    def __init__(self, channels, reduction=4):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool{nd}(1)
        self.fc = nn.Sequential(
            nn.Linear(channels, channels // reduction, bias=False),
            nn.ReLU(inplace=True),
            nn.Linear(channels // reduction, channels, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, x):
        b, c = x.size(0), x.size(1)
        y = self.avg_pool(x).view(b, c)
        y = self.fc(y).view({view})
        return x * y.expand_as(x)
"""

INVERTED_RESIDUAL = """
class InvertedResidual(nn.Module):
    def __init__(self, inp, oup, stride, expand_ratio):
        super(InvertedResidual, self).__init__()
        self.stride = stride
        hidden_dim = int(round(inp * expand_ratio))
        self.use_res_connect = {use_res}

        layers = []
        if expand_ratio != 1:
            layers.append(nn.Conv{nd}(inp, hidden_dim, 1, 1, 0, bias=False))
            layers.append(nn.BatchNorm{nd}(hidden_dim))
            layers.append(nn.ReLU6(inplace=True))
        layers.extend([
            nn.Conv{nd}(hidden_dim, hidden_dim, 3, stride, 1, groups=hidden_dim, bias=False),
            nn.BatchNorm{nd}(hidden_dim),
            nn.ReLU6(inplace=True),
            nn.Conv{nd}(hidden_dim, oup, 1, 1, 0, bias=False),
            nn.BatchNorm{nd}(oup),
        ])
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        if self.use_res_connect:
            return x + self.conv(x)
        else:
            return self.conv(x)
"""

SHUFFLE = """
def channel_shuffle(x, groups):
    batchsize, num_channels, {spatial} = x.size()
    channels_per_group = num_channels // groups
    x = x.view(batchsize, groups, channels_per_group, {spatial})
    x = torch.transpose(x, 1, 2).contiguous()
    x = x.view(batchsize, -1, {spatial})
    return x


class ShuffleUnit(nn.Module):
    def __init__(self, channels):
        super().__init__()
        branch = channels // 2
        self.branch2 = nn.Sequential(
            nn.Conv{nd}(branch, branch, 1, bias=False),
            nn.BatchNorm{nd}(branch),
            nn.ReLU(inplace=True),
            nn.Conv{nd}(branch, branch, 3, 1, 1, groups=branch, bias=False),
            nn.BatchNorm{nd}(branch),
            nn.Conv{nd}(branch, branch, 1, bias=False),
            nn.BatchNorm{nd}(branch),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        x1, x2 = x.chunk(2, dim=1)
        out = torch.cat((x1, self.branch2(x2)), dim=1)
        return channel_shuffle(out, 2)
"""

CONVNEXT = """
class ConvNeXtBlock(nn.Module):
    def __init__(self, dim, layer_scale_init_value=1e-6):
        super().__init__()
        self.dwconv = nn.Conv{nd}(dim, dim, kernel_size=7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.act = nn.GELU()
        self.pwconv2 = nn.Linear(4 * dim, dim)
        self.gamma = nn.Parameter(layer_scale_init_value * torch.ones((dim,)), requires_grad=True)

    def forward(self, x):
        input = x
        x = self.dwconv(x)
        x = x.permute({last})
        x = self.norm(x)
        x = self.pwconv1(x)
        x = self.act(x)
        x = self.pwconv2(x)
        x = self.gamma * x
        x = x.permute({back})
        x = input + x
        return x
"""

CONV_BLOCK_DROP = """
class ConvBlockDrop(ConvBlock):
    def __init__(self, in_channels, out_channels, stride=1, p=0.1):
        super().__init__(in_channels, out_channels, stride)
        self.drop = nn.Dropout(p)

    def forward(self, x):
        return self.drop(super().forward(x))
"""
