"""A ShuffleNet-style unit: grouped 1x1 convs around nn.ChannelShuffle and a depthwise 3x3."""

import torch
import torch.nn as nn

GROUPS = 3

CORPUS_INPUTS = {"unit": (2, 240, 28, 28)}

unit = nn.Sequential(
    nn.Conv2d(240, 60, kernel_size=1, groups=GROUPS, bias=False),
    nn.BatchNorm2d(60),
    nn.ReLU(inplace=True),
    nn.ChannelShuffle(GROUPS),
    nn.Conv2d(60, 60, kernel_size=3, stride=2, padding=1, groups=60, bias=False),
    nn.BatchNorm2d(60),
    nn.Conv2d(60, 240, kernel_size=1, groups=GROUPS, bias=False),
    nn.BatchNorm2d(240),
    nn.ReLU(inplace=True),
)

x = torch.randn(2, 240, 28, 28)
print(unit(x).shape)
