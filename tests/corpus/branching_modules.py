"""Module classes whose forward is NOT straight-line (residuals, branches, torch.cat, if, two heads).

cnnlint must stop following shapes at the first such statement and stay silent: it must not read
the layers in definition order and, say, feed the main path into a shortcut or a second branch.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

CORPUS_INPUTS = {
    "BasicBlock": (2, 64, 32, 32),
    "MiniInception": (2, 192, 28, 28),
    "TinyUNet": (2, 3, 64, 64),
    "SEBlock": (2, 64, 16, 16),
    "DefinedOutOfOrder": (2, 3, 32, 32),
    "TwoHeads": (2, 3, 32, 32),
    "Residual": (2, 3, 32, 32),
}
CORPUS_UNTRACED: set = set()
# cnnlint: input=(2, 64, 32, 32)
class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes=64, planes=128, stride=2):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != self.expansion * planes:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_planes, self.expansion * planes, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(self.expansion * planes),
            )

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        out = F.relu(out)
        return out


# cnnlint: input=(2, 192, 28, 28)
class MiniInception(nn.Module):
    def __init__(self):
        super().__init__()
        self.branch1 = nn.Conv2d(192, 64, kernel_size=1)
        self.branch2 = nn.Sequential(nn.Conv2d(192, 96, 1), nn.ReLU(), nn.Conv2d(96, 128, 3, padding=1))
        self.branch3 = nn.Sequential(nn.MaxPool2d(3, 1, 1), nn.Conv2d(192, 32, 1))
        self.fuse = nn.Conv2d(64 + 128 + 32, 256, 1)

    def forward(self, x):
        b1 = self.branch1(x)
        b2 = self.branch2(x)
        b3 = self.branch3(x)
        out = torch.cat([b1, b2, b3], dim=1)
        return self.fuse(out)


# cnnlint: input=(2, 3, 64, 64)
class TinyUNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.down1 = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU())
        self.pool = nn.MaxPool2d(2)
        self.down2 = nn.Sequential(nn.Conv2d(32, 64, 3, padding=1), nn.ReLU())
        self.up = nn.ConvTranspose2d(64, 32, 2, stride=2)
        self.conv = nn.Sequential(nn.Conv2d(64, 32, 3, padding=1), nn.ReLU())
        self.out = nn.Conv2d(32, 1, 1)

    def forward(self, x):
        x1 = self.down1(x)
        x2 = self.down2(self.pool(x1))
        x = self.up(x2)
        x = torch.cat([x, x1], dim=1)
        x = self.conv(x)
        return self.out(x)


# cnnlint: input=(2, 64, 16, 16)
class SEBlock(nn.Module):
    def __init__(self, channels=64, reduction=16):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(
            nn.Linear(channels, channels // reduction, bias=False),
            nn.ReLU(inplace=True),
            nn.Linear(channels // reduction, channels, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, x):
        b, c, _, _ = x.size()
        y = self.pool(x).view(b, c)
        y = self.fc(y).view(b, c, 1, 1)
        return x * y.expand_as(x)


# cnnlint: input=(2, 3, 32, 32)
class DefinedOutOfOrder(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = nn.Linear(32, 10)
        self.aux = nn.Linear(999, 1)
        self.body = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.AdaptiveAvgPool2d(1), nn.Flatten())

    def forward(self, x):
        feats = self.body(x)
        if self.training:
            feats = F.dropout(feats, 0.1)
        return self.head(feats)


# cnnlint: input=(2, 3, 32, 32)
class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten()
        )
        self.cls = nn.Linear(16, 10)
        self.box = nn.Linear(16, 4)

    def forward(self, x):
        f = self.backbone(x)
        logits = self.cls(f)
        boxes = self.box(f)
        return logits, boxes


# cnnlint: input=(2, 3, 32, 32)
class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 3, 3, padding=1)
        self.conv2 = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        identity = x
        out = self.conv1(x)
        out = self.conv2(out)
        out = out + identity
        return F.relu(out)
