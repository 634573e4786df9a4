"""C3D-style video nets on (N, 3, 16, 112, 112) clips: Conv3d, BatchNorm3d, MaxPool3d((1, 2, 2))."""

import torch
import torch.nn as nn


# cnnlint: input=(2, 3, 16, 112, 112)
class C3DSmall(nn.Module):
    def __init__(self, num_classes=101):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv3d(3, 32, kernel_size=3, padding=1),
            nn.BatchNorm3d(32),
            nn.ReLU(inplace=True),
            nn.MaxPool3d(kernel_size=(1, 2, 2), stride=(1, 2, 2)),
            nn.Conv3d(32, 64, kernel_size=3, padding=1),
            nn.BatchNorm3d(64),
            nn.ReLU(inplace=True),
            nn.MaxPool3d(kernel_size=2, stride=2),
            nn.Conv3d(64, 128, kernel_size=(3, 3, 3), padding=(1, 1, 1)),
            nn.BatchNorm3d(128),
            nn.ReLU(inplace=True),
            nn.MaxPool3d(2),
            nn.Conv3d(128, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool3d(1),
        )
        self.fc = nn.Linear(256, num_classes)

    def forward(self, x):
        x = self.features(x)
        x = x.flatten(1)
        return self.fc(x)


CORPUS_INPUTS = {"C3DSmall": (2, 3, 16, 112, 112), "clip_net": (2, 3, 8, 64, 64)}

clip_net = nn.Sequential(
    nn.Conv3d(3, 16, kernel_size=(1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1)),
    nn.ReLU(),
    nn.Conv3d(16, 32, kernel_size=(3, 1, 1), padding=(1, 0, 0)),
    nn.ReLU(),
    nn.AvgPool3d(kernel_size=(2, 2, 2)),
    nn.Flatten(),
    nn.Linear(32 * 4 * 16 * 16, 10),
)

print(clip_net(torch.zeros(2, 3, 8, 64, 64)).shape)
