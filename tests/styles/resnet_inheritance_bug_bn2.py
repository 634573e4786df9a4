# styles: model=ResNet() name=model input=(2, 3, 32, 32)
"""CIFAR ResNet with Bottleneck(BasicBlock): the subclass keeps the parent's bn2 sized for planes but its conv2 widens."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)  # expect: CNL002
        self.shortcut = self.make_shortcut(in_planes, planes, stride)

    def make_shortcut(self, in_planes, planes, stride):
        out_planes = planes * self.expansion
        if stride == 1 and in_planes == out_planes:
            return nn.Identity()
        return nn.Sequential(
            nn.AvgPool2d(stride) if stride > 1 else nn.Identity(),
            nn.Conv2d(in_planes, out_planes, 1, bias=False),
            nn.BatchNorm2d(out_planes),
        )

    def residual(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return self.bn2(self.conv2(out))

    def forward(self, x):
        return F.relu(self.residual(x) + self.shortcut(x))


class Bottleneck(BasicBlock):
    expansion = 4

    def __init__(self, in_planes, planes, stride=1):
        super().__init__(in_planes, planes, stride)
        self.conv1 = nn.Conv2d(in_planes, planes, 1, bias=False)
        self.conv2 = nn.Conv2d(planes, planes * 2, 3, stride, 1, bias=False)
        self.conv3 = nn.Conv2d(planes * 2, planes * self.expansion, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)

    def residual(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        return self.bn3(self.conv3(out))


class ResNet(nn.Module):
    def __init__(self, block=Bottleneck, num_blocks=(2, 2, 2), num_classes=100):
        super().__init__()
        self.in_planes = 32
        self.stem = nn.Sequential(nn.Conv2d(3, 32, 3, 1, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True))
        stages = []
        for i, n in enumerate(num_blocks):
            planes = 32 * 2 ** i
            for j in range(n):
                stages.append(block(self.in_planes, planes, 2 if (j == 0 and i > 0) else 1))
                self.in_planes = planes * block.expansion
        self.stages = nn.Sequential(*stages)
        self.fc = nn.Linear(self.in_planes, num_classes)

    def forward(self, x):
        x = self.stages(self.stem(x))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


if __name__ == "__main__":
    model = ResNet()
    print(model(torch.randn(2, 3, 32, 32)).shape)
