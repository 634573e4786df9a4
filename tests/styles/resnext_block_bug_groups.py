"""ResNeXt-style grouped bottleneck whose width per group is computed from planes // 2: 100 is not a multiple of 32."""

import torch.nn as nn


class GroupedBottleneck(nn.Module):
    def __init__(self, in_planes, planes, cardinality=32):
        super().__init__()
        width = planes // 2
        self.conv1 = nn.Conv2d(in_planes, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, padding=1, groups=cardinality, bias=False)  # expect: CNL005
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, planes, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + x)


# cnnlint: input=(2, 200, 28, 28)
class Stage(nn.Module):
    def __init__(self, planes=200, depth=2):
        super().__init__()
        self.blocks = nn.Sequential(*[GroupedBottleneck(planes, planes) for _ in range(depth)])

    def forward(self, x):
        return self.blocks(x)
