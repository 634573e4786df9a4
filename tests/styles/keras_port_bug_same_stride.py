# styles: model=KerasNet() name=model input=(2, 3, 32, 32)
"""A Keras model ported line by line: padding="same" kept on a strided convolution."""

import torch
import torch.nn as nn


class KerasNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.block1 = nn.Sequential(
            nn.Conv2d(3, 32, 3, padding="same"),
            nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding="same"),  # expect: CNL005
            nn.ReLU(),
        )
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, num_classes))

    def forward(self, x):
        return self.head(self.block1(x))


if __name__ == "__main__":
    model = KerasNet()
    print(model(torch.randn(2, 3, 32, 32)).shape)
