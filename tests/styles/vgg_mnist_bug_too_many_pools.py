# styles: model=VGG("VGG11") name=net input=(8, 1, 28, 28)
"""The CIFAR VGG11 config reused on 28x28 MNIST digits: the fifth 2x2 pool gets a 1x1 map."""

import torch
import torch.nn as nn

cfg = {
    "VGG11": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
}


class VGG(nn.Module):
    def __init__(self, vgg_name, in_channels=1, num_classes=10):
        super().__init__()
        self.features = self._make_layers(cfg[vgg_name], in_channels)
        self.classifier = nn.Linear(512, num_classes)

    def forward(self, x):
        out = self.features(x)
        out = out.view(out.size(0), -1)
        return self.classifier(out)

    def _make_layers(self, cfg, in_channels):
        layers = []
        for x in cfg:
            if x == "M":
                layers += [nn.MaxPool2d(kernel_size=2, stride=2)]  # expect: CNL003, CNL004
            else:
                layers += [nn.Conv2d(in_channels, x, kernel_size=3, padding=1), nn.BatchNorm2d(x), nn.ReLU(inplace=True)]
                in_channels = x
        return nn.Sequential(*layers)


if __name__ == "__main__":
    net = VGG("VGG11")
    print(net(torch.randn(8, 1, 28, 28)).shape)
