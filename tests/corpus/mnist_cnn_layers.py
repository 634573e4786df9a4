# ruff: noqa: UP008  (super(Class, self) is the style of the original code)
"""The popular "CNN for MNIST" tutorial model: self.layer1/self.layer2 Sequentials, out.reshape(out.size(0), -1)."""

import torch
import torch.nn as nn

CORPUS_INPUTS = {"ConvNet": (100, 1, 28, 28)}


# Convolutional neural network (two convolutional layers)
class ConvNet(nn.Module):
    def __init__(self, num_classes=10):
        super(ConvNet, self).__init__()
        self.layer1 = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=5, stride=1, padding=2),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2))
        self.layer2 = nn.Sequential(
            nn.Conv2d(16, 32, kernel_size=5, stride=1, padding=2),
            nn.BatchNorm2d(32),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2))
        self.fc = nn.Linear(7 * 7 * 32, num_classes)

    def forward(self, x):
        out = self.layer1(x)
        out = self.layer2(out)
        out = out.reshape(out.size(0), -1)
        out = self.fc(out)
        return out


model = ConvNet()
images = torch.randn(100, 1, 28, 28)
outputs = model(images)
print(outputs.shape)
