# ruff: noqa: UP008  (super(Class, self) is the style of the original code)
"""pytorch/examples' MNIST net: two unpadded 3x3 convs, one pool, dropout, 9216 features, log_softmax."""

import torch
import torch.nn.functional as F
from torch import nn

CORPUS_INPUTS = {"Net": (64, 1, 28, 28)}


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


if __name__ == "__main__":
    model = Net()
    data = torch.randn(64, 1, 28, 28)
    print(model(data).shape)
