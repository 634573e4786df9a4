# styles: model=SpecNet() name=model input=(8, 1, 64, 101)
"""Keyword spotter over (batch, 1, mels, frames) spectrograms that uses Conv1d where it meant Conv2d."""

import torch
import torch.nn as nn


class SpecNet(nn.Module):
    def __init__(self, n_mels=64, n_classes=12):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(1, 32, kernel_size=3, padding=1),  # expect: CNL006
            nn.BatchNorm2d(32),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.fc = nn.Linear(32, n_classes)

    def forward(self, spec):
        x = self.conv(spec)
        return self.fc(torch.flatten(x, 1))


if __name__ == "__main__":
    model = SpecNet()
    print(model(torch.randn(8, 1, 64, 101)).shape)
