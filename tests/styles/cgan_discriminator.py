# styles: model=Discriminator() name=discriminator input=(8, 1, 32, 32) input=(8,):long
"""Conditional GAN discriminator (PyTorch-GAN style): forward(img, labels) flattens and concatenates."""

import numpy as np
import torch
import torch.nn as nn

n_classes = 10
img_shape = (1, 32, 32)


class Discriminator(nn.Module):
    def __init__(self):
        super(Discriminator, self).__init__()

        self.label_embedding = nn.Embedding(n_classes, n_classes)

        self.model = nn.Sequential(
            nn.Linear(n_classes + int(np.prod(img_shape)), 512),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(512, 512),
            nn.Dropout(0.4),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(512, 512),
            nn.Dropout(0.4),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(512, 1),
        )

    def forward(self, img, labels):
        # Concatenate label embedding and image to produce input
        d_in = torch.cat((img.view(img.size(0), -1), self.label_embedding(labels)), -1)
        validity = self.model(d_in)
        return validity


if __name__ == "__main__":
    discriminator = Discriminator()
    imgs = torch.randn(8, *img_shape)
    labels = torch.zeros(8, dtype=torch.long)
    print(discriminator(imgs, labels).shape)
