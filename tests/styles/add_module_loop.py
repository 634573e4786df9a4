"""Conv stack filled with add_module in a loop, and an OrderedDict head (older PyTorch code style)."""

from collections import OrderedDict

import torch
import torch.nn as nn


# cnnlint: input=(8, 1, 28, 28)
class ConvNet(nn.Module):
    def __init__(self, channels=(1, 32, 64), num_classes=10):
        super(ConvNet, self).__init__()
        self.features = nn.Sequential()
        for i, (c_in, c_out) in enumerate(zip(channels[:-1], channels[1:])):
            self.features.add_module("conv%d" % i, nn.Conv2d(c_in, c_out, kernel_size=3, padding=1))
            self.features.add_module("bn%d" % i, nn.BatchNorm2d(c_out))
            self.features.add_module("relu%d" % i, nn.ReLU(inplace=True))
            self.features.add_module("pool%d" % i, nn.MaxPool2d(2))
        self.classifier = nn.Sequential(OrderedDict([
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(channels[-1] * 7 * 7, 128)),
            ("relu", nn.ReLU(inplace=True)),
            ("fc2", nn.Linear(128, num_classes)),
        ]))

    def forward(self, x):
        return self.classifier(self.features(x))


if __name__ == "__main__":
    print(ConvNet()(torch.randn(8, 1, 28, 28)).shape)
