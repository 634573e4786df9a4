"""1x1 squeeze / 3x3 / 1x1 expand bottlenecks (ResNet-50 shapes, no skip), no declared input at all."""

import torch.nn as nn

C = 256

CORPUS_INPUTS = {"bottleneck": (1, C, 56, 56), "bottleneck_down": (1, C, 56, 56)}
CORPUS_NO_INPUT = {"bottleneck", "bottleneck_down"}

bottleneck = nn.Sequential(
    nn.Conv2d(C, C // 4, kernel_size=1, bias=False),
    nn.BatchNorm2d(C // 4),
    nn.ReLU(inplace=True),
    nn.Conv2d(C // 4, C // 4, kernel_size=3, padding=1, bias=False),
    nn.BatchNorm2d(C // 4),
    nn.ReLU(inplace=True),
    nn.Conv2d(C // 4, C, kernel_size=1, bias=False),
    nn.BatchNorm2d(C),
)

bottleneck_down = nn.Sequential(
    nn.Conv2d(C, C // 2, kernel_size=1, bias=False),
    nn.BatchNorm2d(C // 2),
    nn.ReLU(inplace=True),
    nn.Conv2d(C // 2, C // 2, kernel_size=3, stride=2, padding=1, bias=False),
    nn.BatchNorm2d(C // 2),
    nn.ReLU(inplace=True),
    nn.Conv2d(C // 2, C * 2, kernel_size=1, bias=False),
    nn.BatchNorm2d(C * 2),
)
