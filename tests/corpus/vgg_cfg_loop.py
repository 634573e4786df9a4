"""torchvision's make_layers(cfg) loop: layers built in a loop and splatted, nothing to resolve statically."""

import torch
import torch.nn as nn

cfg = [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]


def make_layers(cfg, batch_norm=False):
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            else:
                layers += [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


CORPUS_INPUTS = {"features": None, "vgg11": (2, 3, 224, 224)}
CORPUS_UNTRACED: set = set()

features = make_layers(cfg, batch_norm=True)
vgg11 = nn.Sequential(
    features,
    nn.AdaptiveAvgPool2d((7, 7)),
    nn.Flatten(),
    nn.Linear(512 * 7 * 7, 4096),
    nn.ReLU(True),
    nn.Dropout(),
    nn.Linear(4096, 10),
)

print(vgg11(torch.randn(2, 3, 224, 224)).shape)
