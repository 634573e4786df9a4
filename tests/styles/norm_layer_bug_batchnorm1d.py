"""A conv block that takes its norm layer as an argument; the model passes nn.BatchNorm1d to 2-D convs."""

import torch.nn as nn


class ConvBlock(nn.Module):
    def __init__(self, in_ch, out_ch, norm_layer=nn.BatchNorm2d, act_layer=nn.ReLU):
        super().__init__()
        self.conv = nn.Conv2d(in_ch, out_ch, 3, padding=1, bias=False)
        self.norm = norm_layer(out_ch)  # expect: CNL006
        self.act = act_layer(inplace=True)

    def forward(self, x):
        return self.act(self.norm(self.conv(x)))


# cnnlint: input=(4, 3, 32, 32)
class Net(nn.Module):
    def __init__(self, num_classes=10, norm_layer=nn.BatchNorm1d):
        super().__init__()
        self.stem = ConvBlock(3, 32, norm_layer=norm_layer)
        self.stage = nn.Sequential(ConvBlock(32, 64, norm_layer=norm_layer), nn.MaxPool2d(2))
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, num_classes))

    def forward(self, x):
        return self.head(self.stage(self.stem(x)))
