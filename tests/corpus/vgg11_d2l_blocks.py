"""d2l's VGG-11 at a quarter of the width (Fashion-MNIST 224x224), blocks as nested Sequentials."""

import torch
from torch import nn

CORPUS_INPUTS = {"net": (1, 1, 224, 224)}

net = nn.Sequential(
    nn.Sequential(nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(),
                  nn.MaxPool2d(kernel_size=2, stride=2)),
    nn.Sequential(nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(),
                  nn.MaxPool2d(kernel_size=2, stride=2)),
    nn.Sequential(nn.Conv2d(32, 64, kernel_size=3, padding=1), nn.ReLU(),
                  nn.Conv2d(64, 64, kernel_size=3, padding=1), nn.ReLU(),
                  nn.MaxPool2d(kernel_size=2, stride=2)),
    nn.Sequential(nn.Conv2d(64, 128, kernel_size=3, padding=1), nn.ReLU(),
                  nn.Conv2d(128, 128, kernel_size=3, padding=1), nn.ReLU(),
                  nn.MaxPool2d(kernel_size=2, stride=2)),
    nn.Sequential(nn.Conv2d(128, 128, kernel_size=3, padding=1), nn.ReLU(),
                  nn.Conv2d(128, 128, kernel_size=3, padding=1), nn.ReLU(),
                  nn.MaxPool2d(kernel_size=2, stride=2)),
    nn.Flatten(),
    nn.Linear(128 * 7 * 7, 1024), nn.ReLU(), nn.Dropout(0.5),
    nn.Linear(1024, 1024), nn.ReLU(), nn.Dropout(0.5),
    nn.Linear(1024, 10))

X = torch.randn(size=(1, 1, 224, 224))
for blk in net:
    X = blk(X)
    print(blk.__class__.__name__, 'output shape:\t', X.shape)
