# styles: model=WideConvNet(num_classes=100) name=model input=(4, 3, 32, 32)
"""A base class with the head; the wide subclass changes the widths but passes the small net's feature_dim."""

import torch
import torch.nn as nn


class BaseClassifier(nn.Module):
    def __init__(self, feature_dim, num_classes=10, dropout=0.3):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(feature_dim, num_classes))  # expect: CNL001
        self.features = self.build_features()

    def build_features(self):
        raise NotImplementedError

    def forward(self, x):
        x = self.features(x)
        x = self.pool(x).flatten(1)
        return self.head(x)


class SmallConvNet(BaseClassifier):
    widths = [32, 64, 128]

    def __init__(self, num_classes=10):
        super().__init__(feature_dim=128, num_classes=num_classes)

    def build_features(self):
        layers = []
        in_ch = 3
        for w in self.widths:
            layers += [nn.Conv2d(in_ch, w, 3, padding=1), nn.BatchNorm2d(w), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            in_ch = w
        return nn.Sequential(*layers)


class WideConvNet(SmallConvNet):
    widths = [64, 128, 256]


if __name__ == "__main__":
    model = WideConvNet(num_classes=100)
    print(model(torch.randn(4, 3, 32, 32)).shape)
