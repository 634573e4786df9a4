# styles: model=SiameseNetwork() name=model input=(8, 1, 28, 28) input=(8, 1, 28, 28)
"""Siamese network (pytorch/examples style): forward_once shared tower, forward(input1, input2), cat and head."""

import torch
import torch.nn as nn


class SiameseNetwork(nn.Module):
    def __init__(self):
        super(SiameseNetwork, self).__init__()
        self.cnn = nn.Sequential(
            nn.Conv2d(1, 64, kernel_size=5),
            nn.ReLU(inplace=True),
            nn.BatchNorm2d(64),
            nn.MaxPool2d(2),
            nn.Conv2d(64, 128, kernel_size=5),
            nn.ReLU(inplace=True),
            nn.BatchNorm2d(128),
            nn.MaxPool2d(2),
        )
        self.fc_in_features = 128 * 4 * 4
        self.fc = nn.Sequential(
            nn.Linear(self.fc_in_features * 2, 256),
            nn.ReLU(inplace=True),
            nn.Linear(256, 1),
        )
        self.sigmoid = nn.Sigmoid()

    def forward_once(self, x):
        output = self.cnn(x)
        output = output.view(output.size()[0], -1)
        return output

    def forward(self, input1, input2):
        output1 = self.forward_once(input1)
        output2 = self.forward_once(input2)
        output = torch.cat((output1, output2), 1)
        output = self.fc(output)
        output = self.sigmoid(output)
        return output


if __name__ == "__main__":
    model = SiameseNetwork()
    images_1 = torch.randn(8, 1, 28, 28)
    images_2 = torch.randn(8, 1, 28, 28)
    print(model(images_1, images_2).shape)
