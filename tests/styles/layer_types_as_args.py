# styles: model=Backbone() name=model input=(2, 3, 64, 64)
"""A generic conv backbone configured by layer types: conv=nn.Conv2d, norm=nn.GroupNorm via partial, act=nn.SiLU."""

from functools import partial

import torch
import torch.nn as nn


class ConvNormAct(nn.Module):
    def __init__(self, in_ch, out_ch, kernel_size=3, stride=1, conv_layer=nn.Conv2d, norm_layer=nn.BatchNorm2d,
                 act_layer=nn.ReLU):
        super().__init__()
        self.conv = conv_layer(in_ch, out_ch, kernel_size, stride=stride, padding=kernel_size // 2, bias=False)
        self.norm = norm_layer(out_ch)
        self.act = act_layer()

    def forward(self, x):
        return self.act(self.norm(self.conv(x)))


class Backbone(nn.Module):
    def __init__(self, block=ConvNormAct, widths=(32, 64, 128, 256), norm_layer=None, act_layer=nn.SiLU,
                 num_classes=10):
        super().__init__()
        if norm_layer is None:
            norm_layer = partial(nn.GroupNorm, 8)
        layers = [block(3, widths[0], norm_layer=norm_layer, act_layer=act_layer)]
        for c_in, c_out in zip(widths[:-1], widths[1:]):
            layers.append(block(c_in, c_out, stride=2, norm_layer=norm_layer, act_layer=act_layer))
        self.body = nn.Sequential(*layers)
        self.fc = nn.Linear(widths[-1], num_classes)

    def forward(self, x):
        x = self.body(x)
        x = x.mean([2, 3])
        return self.fc(x)


if __name__ == "__main__":
    model = Backbone()
    print(model(torch.randn(2, 3, 64, 64)).shape)
