"""A VAE-style decoder: latent vector -> Linear -> Unflatten -> ConvTranspose2d up to 1x28x28."""

import torch.nn as nn

LATENT_DIM = 20

CORPUS_INPUTS = {"decoder": (32, LATENT_DIM)}

decoder = nn.Sequential(  # cnnlint: input=(B, 20)
    nn.Linear(LATENT_DIM, 64 * 7 * 7),
    nn.ReLU(),
    nn.Unflatten(1, (64, 7, 7)),
    nn.ConvTranspose2d(64, 32, kernel_size=4, stride=2, padding=1),
    nn.ReLU(),
    nn.ConvTranspose2d(32, 1, kernel_size=4, stride=2, padding=1),
    nn.Sigmoid(),
)
