"""Encoder built as an OrderedDict in a loop; the loop never moves in_ch forward."""

from collections import OrderedDict

import torch.nn as nn


# cnnlint: input=(2, 3, 64, 64)
class Encoder(nn.Module):
    def __init__(self, in_ch=3, widths=(32, 64, 128, 256)):
        super().__init__()
        layers = OrderedDict()
        for i, out_ch in enumerate(widths):
            layers[f"conv{i}"] = nn.Conv2d(in_ch, out_ch, 3, stride=2, padding=1)  # expect: CNL002
            layers[f"norm{i}"] = nn.BatchNorm2d(out_ch)
            layers[f"act{i}"] = nn.LeakyReLU(0.1)
        self.body = nn.Sequential(layers)
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        return self.pool(self.body(x)).flatten(1)
