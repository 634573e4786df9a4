"""d2l's Network in Network on 1x224x224, NiN blocks written out as nested Sequentials.

Correct and runs, but conv1 (11x11 stride 4 on 224) and the 3x3 stride-2 pools on even
sizes each leave their input's last row and column unread: CNL003 warnings, as marked.
"""

import torch
from torch import nn

CORPUS_INPUTS = {"net": (1, 1, 224, 224)}

net = nn.Sequential(
    nn.Sequential(
        nn.Conv2d(1, 96, kernel_size=11, stride=4, padding=0), nn.ReLU(),  # expect: CNL003
        nn.Conv2d(96, 96, kernel_size=1), nn.ReLU(),
        nn.Conv2d(96, 96, kernel_size=1), nn.ReLU()),
    nn.MaxPool2d(3, stride=2),  # expect: CNL003
    nn.Sequential(
        nn.Conv2d(96, 256, kernel_size=5, stride=1, padding=2), nn.ReLU(),
        nn.Conv2d(256, 256, kernel_size=1), nn.ReLU(),
        nn.Conv2d(256, 256, kernel_size=1), nn.ReLU()),
    nn.MaxPool2d(3, stride=2),  # expect: CNL003
    nn.Sequential(
        nn.Conv2d(256, 384, kernel_size=3, stride=1, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, kernel_size=1), nn.ReLU(),
        nn.Conv2d(384, 384, kernel_size=1), nn.ReLU()),
    nn.MaxPool2d(3, stride=2),  # expect: CNL003
    nn.Dropout(0.5),
    nn.Sequential(
        nn.Conv2d(384, 10, kernel_size=3, stride=1, padding=1), nn.ReLU(),
        nn.Conv2d(10, 10, kernel_size=1), nn.ReLU(),
        nn.Conv2d(10, 10, kernel_size=1), nn.ReLU()),
    nn.AdaptiveAvgPool2d((1, 1)),
    nn.Flatten())

X = torch.rand(size=(1, 1, 224, 224))
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__, 'output shape:\t', X.shape)
