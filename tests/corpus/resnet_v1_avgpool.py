"""Pre-adaptive-pooling ResNet ending (AvgPool2d(7, stride=1) on 7x7), all-positional Conv2d arguments."""

import torch.nn as nn

CORPUS_INPUTS = {"resnet_v1": (2, 3, 224, 224)}

# cnnlint: input=(2, 3, 224, 224)
resnet_v1 = nn.Sequential(
    nn.Conv2d(3, 64, 7, 2, 3, 1, 1, False),  # in, out, kernel, stride, padding, dilation, groups, bias
    nn.BatchNorm2d(64),
    nn.ReLU(inplace=True),
    nn.MaxPool2d(3, 2, 1),
    nn.Conv2d(64, 512, 3, 2, 1),
    nn.Conv2d(512, 512, 3, 2, 1),
    nn.Conv2d(512, 512, 3, 2, 1),
    nn.AvgPool2d(7, stride=1),
    nn.Flatten(),
    nn.Linear(512, 1000),
)
