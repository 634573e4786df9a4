"""MobileNet-v1-style depthwise-separable blocks (groups=C), widths from a module-level constant."""

import torch
import torch.nn as nn

C = 32

CORPUS_INPUTS = {"mobilenet": (2, 3, 224, 224)}

mobilenet = nn.Sequential(
    nn.Conv2d(3, C, 3, stride=2, padding=1, bias=False),
    nn.BatchNorm2d(C),
    nn.ReLU6(inplace=True),
    # depthwise 3x3 + pointwise 1x1
    nn.Conv2d(C, C, 3, stride=1, padding=1, groups=C, bias=False),
    nn.BatchNorm2d(C),
    nn.ReLU6(inplace=True),
    nn.Conv2d(C, C * 2, 1, bias=False),
    nn.BatchNorm2d(C * 2),
    nn.ReLU6(inplace=True),
    nn.Conv2d(C * 2, C * 2, 3, stride=2, padding=1, groups=C * 2, bias=False),
    nn.BatchNorm2d(C * 2),
    nn.ReLU6(inplace=True),
    nn.Conv2d(C * 2, C * 4, 1, bias=False),
    nn.BatchNorm2d(C * 4),
    nn.ReLU6(inplace=True),
    nn.Conv2d(C * 4, C * 4, 3, stride=2, padding=1, groups=C * 4, bias=False),
    nn.BatchNorm2d(C * 4),
    nn.ReLU6(inplace=True),
    nn.Conv2d(C * 4, C * 8, 1, bias=False),
    nn.BatchNorm2d(C * 8),
    nn.ReLU6(inplace=True),
    nn.Conv2d(C * 8, C * 8, 3, stride=2, padding=1, groups=C * 8, bias=False),
    nn.BatchNorm2d(C * 8),
    nn.ReLU6(inplace=True),
    nn.Conv2d(C * 8, C * 16, 1, bias=False),
    nn.BatchNorm2d(C * 16),
    nn.ReLU6(inplace=True),
    nn.AdaptiveAvgPool2d(1),
    nn.Flatten(),
    nn.Dropout(0.2),
    nn.Linear(C * 16, 1000),
)

if __name__ == "__main__":
    x = torch.zeros(2, 3, 224, 224)
    print(mobilenet(x).shape)
