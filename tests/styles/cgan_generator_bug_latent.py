# styles: model=Generator() name=generator input=(8, 100) input=(8,):long
"""Conditional GAN generator whose first block forgot the label embedding is concatenated to the noise."""

import numpy as np
import torch
import torch.nn as nn

n_classes = 10
latent_dim = 100
img_shape = (1, 32, 32)


class Generator(nn.Module):
    def __init__(self):
        super(Generator, self).__init__()

        self.label_emb = nn.Embedding(n_classes, n_classes)

        def block(in_feat, out_feat, normalize=True):
            layers = [nn.Linear(in_feat, out_feat)]  # expect: CNL001
            if normalize:
                layers.append(nn.BatchNorm1d(out_feat, 0.8))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            return layers

        self.model = nn.Sequential(
            *block(latent_dim, 128, normalize=False),
            *block(128, 256),
            *block(256, 512),
            *block(512, 1024),
            nn.Linear(1024, int(np.prod(img_shape))),
            nn.Tanh()
        )

    def forward(self, noise, labels):
        # Concatenate label embedding and image to produce input
        gen_input = torch.cat((self.label_emb(labels), noise), -1)
        img = self.model(gen_input)
        img = img.view(img.size(0), *img_shape)
        return img


if __name__ == "__main__":
    generator = Generator()
    z = torch.randn(8, latent_dim)
    gen_labels = torch.zeros(8, dtype=torch.long)
    gen_imgs = generator(z, gen_labels)
    print(gen_imgs.shape)
