"""nn.Sequential(OrderedDict([...])) as in the torch.nn.Sequential docs, and a named classifier."""

from collections import OrderedDict

import torch
import torch.nn as nn

CORPUS_INPUTS = {"model": (1, 1, 28, 28), "classifier": (10, 3, 32, 32)}

# Using Sequential with OrderedDict. This is functionally the
# same as the code above
model = nn.Sequential(OrderedDict([
    ('conv1', nn.Conv2d(1, 20, 5)),
    ('relu1', nn.ReLU()),
    ('conv2', nn.Conv2d(20, 64, 5)),
    ('relu2', nn.ReLU())
]))

# cnnlint: input=(10, 3, 32, 32)
classifier = nn.Sequential(
    OrderedDict(
        [
            ("conv", nn.Conv2d(3, 8, kernel_size=3, stride=1, padding=1)),
            ("bn", nn.BatchNorm2d(8)),
            ("act", nn.ReLU(inplace=True)),
            ("pool", nn.MaxPool2d(4)),
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(8 * 8 * 8, 10)),
        ]
    )
)

print(model(torch.randn(1, 1, 28, 28)).shape)
