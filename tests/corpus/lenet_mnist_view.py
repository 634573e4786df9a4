"""A classic LeNet on 1x28x28 MNIST: unpadded 5x5 convs, F.max_pool2d, x.view(x.size(0), -1)."""

import torch.nn as nn
import torch.nn.functional as F

CORPUS_INPUTS = {"LeNet": (16, 1, 28, 28)}


# cnnlint: input=(N, 1, 28, 28)
class LeNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, kernel_size=5)
        self.conv2 = nn.Conv2d(20, 50, kernel_size=5)
        self.fc1 = nn.Linear(4 * 4 * 50, 500)
        self.fc2 = nn.Linear(500, num_classes)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(x, 2, 2)
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2, 2)
        x = x.view(x.size(0), -1)
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)
