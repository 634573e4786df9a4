"""EfficientNet-style MBConv stage: norm_layer = functools.partial(nn.BatchNorm2d, ...), squeeze-excitation, SiLU."""

from functools import partial

import torch
from torch import nn


class SqueezeExcitation(nn.Module):
    def __init__(self, input_channels, squeeze_channels, activation=nn.ReLU, scale_activation=nn.Sigmoid):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def _scale(self, input):
        scale = self.avgpool(input)
        scale = self.fc1(scale)
        scale = self.activation(scale)
        scale = self.fc2(scale)
        return self.scale_activation(scale)

    def forward(self, input):
        scale = self._scale(input)
        return scale * input


class ConvNormActivation(nn.Sequential):
    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, groups=1, norm_layer=nn.BatchNorm2d,
                 activation_layer=nn.ReLU):
        padding = (kernel_size - 1) // 2
        layers = [nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, groups=groups, bias=False)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer(inplace=True))
        super().__init__(*layers)
        self.out_channels = out_channels


class MBConv(nn.Module):
    def __init__(self, input_channels, out_channels, expand_ratio, kernel, stride, norm_layer, se_layer=SqueezeExcitation):
        super().__init__()
        self.use_res_connect = stride == 1 and input_channels == out_channels

        layers = []
        expanded_channels = input_channels * expand_ratio
        if expanded_channels != input_channels:
            layers.append(ConvNormActivation(input_channels, expanded_channels, kernel_size=1, norm_layer=norm_layer,
                                             activation_layer=nn.SiLU))
        layers.append(ConvNormActivation(expanded_channels, expanded_channels, kernel_size=kernel, stride=stride,
                                         groups=expanded_channels, norm_layer=norm_layer, activation_layer=nn.SiLU))
        squeeze_channels = max(1, input_channels // 4)
        layers.append(se_layer(expanded_channels, squeeze_channels, activation=partial(nn.SiLU, inplace=True)))
        layers.append(ConvNormActivation(expanded_channels, out_channels, kernel_size=1, norm_layer=norm_layer,
                                         activation_layer=None))
        self.block = nn.Sequential(*layers)

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result += input
        return result


# cnnlint: input=(2, 3, 64, 64)
class TinyEfficientNet(nn.Module):
    def __init__(self, num_classes=100):
        super().__init__()
        norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
        setting = [(1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 3, 40, 80, 2)]
        layers = [ConvNormActivation(3, 32, kernel_size=3, stride=2, norm_layer=norm_layer, activation_layer=nn.SiLU)]
        for expand_ratio, kernel, stride, input_channels, out_channels, num_layers in setting:
            stage = []
            for i in range(num_layers):
                stage.append(MBConv(input_channels if i == 0 else out_channels, out_channels, expand_ratio, kernel,
                                    stride if i == 0 else 1, norm_layer))
            layers.append(nn.Sequential(*stage))
        layers.append(ConvNormActivation(80, 320, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=0.2, inplace=True), nn.Linear(320, num_classes))

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)
