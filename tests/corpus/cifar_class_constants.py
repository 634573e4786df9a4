"""CIFAR-10 class models: class-level constants, aliased imports, functional ops, x.flatten(1)."""

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn import BatchNorm2d as BN
from torch.nn import Conv2d as Conv
from torch.nn import Linear as FC

CORPUS_INPUTS = {"SimpleCNN": (8, 3, 32, 32), "AllConvNet": (8, 3, 32, 32)}


# cnnlint: input=(B, 3, 32, 32)
class SimpleCNN(nn.Module):
    NUM_CLASSES = 10
    WIDTH = 64

    def __init__(self):
        super().__init__()
        self.conv1 = Conv(3, self.WIDTH, 3, padding=1)
        self.bn1 = BN(self.WIDTH)
        self.conv2 = Conv(self.WIDTH, self.WIDTH * 2, 3, padding=1)
        self.bn2 = BN(self.WIDTH * 2)
        self.conv3 = Conv(self.WIDTH * 2, self.WIDTH * 4, 3, padding=1)
        self.fc1 = FC(self.WIDTH * 4 * 4 * 4, 256)
        self.fc2 = FC(256, self.NUM_CLASSES)

    def forward(self, x):
        x = F.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(torch.relu(self.bn2(self.conv2(x))), 2)
        x = F.avg_pool2d(F.relu(self.conv3(x)), kernel_size=2, stride=2)
        x = x.flatten(1)
        x = F.dropout(F.relu(self.fc1(x)), p=0.5, training=self.training)
        return F.softmax(self.fc2(x), dim=1)


# Springenberg et al.'s All-Convolutional net: strided convs instead of pooling
class AllConvNet(nn.Module):
    def __init__(self, n_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 96, 3, padding=1)
        self.conv2 = nn.Conv2d(96, 96, 3, padding=1)
        self.conv3 = nn.Conv2d(96, 96, 3, stride=2, padding=1)
        self.conv4 = nn.Conv2d(96, 192, 3, padding=1)
        self.conv5 = nn.Conv2d(192, 192, 3, padding=1)
        self.conv6 = nn.Conv2d(192, 192, 3, stride=2, padding=1)
        self.conv7 = nn.Conv2d(192, 192, 3, padding=1)
        self.conv8 = nn.Conv2d(192, 192, 1)
        self.class_conv = nn.Conv2d(192, n_classes, 1)

    def forward(self, x):
        x = F.dropout(x, 0.2)
        conv1_out = F.relu(self.conv1(x))
        conv2_out = F.relu(self.conv2(conv1_out))
        conv3_out = F.relu(self.conv3(conv2_out))
        conv3_out_drop = F.dropout(conv3_out, 0.5)
        conv4_out = F.relu(self.conv4(conv3_out_drop))
        conv5_out = F.relu(self.conv5(conv4_out))
        conv6_out = F.relu(self.conv6(conv5_out))
        conv6_out_drop = F.dropout(conv6_out, 0.5)
        conv7_out = F.relu(self.conv7(conv6_out_drop))
        conv8_out = F.relu(self.conv8(conv7_out))
        class_out = F.relu(self.class_conv(conv8_out))
        pool_out = F.adaptive_avg_pool2d(class_out, 1)
        pool_out = pool_out.view(pool_out.size(0), -1)
        return pool_out


if __name__ == "__main__":
    net = AllConvNet()
    print(net(torch.randn(8, 3, 32, 32)).shape)
