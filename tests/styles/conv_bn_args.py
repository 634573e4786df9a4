# styles: model=ResNet9() name=model input=(16, 3, 32, 32)
"""A conv_bn(*args, **kwargs) helper forwarding everything to Conv2d (common in small-repo CIFAR nets)."""

import torch
import torch.nn as nn


def conv_bn(*args, **kwargs):
    return nn.Sequential(nn.Conv2d(*args, bias=False, **kwargs), nn.BatchNorm2d(args[1]), nn.ReLU(inplace=True))


class Residual(nn.Module):
    def __init__(self, *layers):
        super().__init__()
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.body(x)


class ResNet9(nn.Module):
    """The DAWNBench ResNet-9: prep, three stages (two with a residual), pooled head."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.net = nn.Sequential(
            conv_bn(3, 64, kernel_size=3, padding=1),
            conv_bn(64, 128, kernel_size=3, padding=1),
            nn.MaxPool2d(2),
            Residual(conv_bn(128, 128, kernel_size=3, padding=1), conv_bn(128, 128, kernel_size=3, padding=1)),
            conv_bn(128, 256, kernel_size=3, padding=1),
            nn.MaxPool2d(2),
            conv_bn(256, 512, kernel_size=3, padding=1),
            nn.MaxPool2d(2),
            Residual(conv_bn(512, 512, kernel_size=3, padding=1), conv_bn(512, 512, kernel_size=3, padding=1)),
            nn.AdaptiveMaxPool2d((1, 1)),
            nn.Flatten(),
            nn.Linear(512, num_classes, bias=False),
        )

    def forward(self, x):
        return self.net(x) * 0.125


if __name__ == "__main__":
    model = ResNet9()
    print(model(torch.randn(16, 3, 32, 32)).shape)
