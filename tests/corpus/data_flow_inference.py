"""Inputs inferred from how tensors flow: a backbone/head split, a d2l loop feeding a second net, eval/no_grad.

Only the model a literal tensor reaches directly gets an input; a model fed another model's
output (head, proj, net2, dec) must not inherit the literal's size.
"""

import torch
import torch.nn as nn

CORPUS_INPUTS = {
    "backbone": (4, 3, 64, 64),
    "head": (4, 128),
    "proj": (4, 10),
    "blk": (2, 1, 28, 28),
    "net2": (2, 8, 28, 28),
    "model": (3, 20),
    "enc": (5, 32),
    "dec": (5, 16),
}
CORPUS_NO_INPUT = {"head", "proj", "net2", "dec"}

backbone = nn.Sequential(
    nn.Conv2d(3, 64, 3, stride=2, padding=1), nn.ReLU(),
    nn.Conv2d(64, 128, 3, stride=2, padding=1), nn.ReLU(),
    nn.AdaptiveAvgPool2d(1), nn.Flatten())
head = nn.Sequential(nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
proj = nn.Sequential(nn.Linear(10, 3))

x = torch.randn(4, 3, 64, 64)
feats = backbone(x)
logits = head(feats)
x = proj(logits)
print(x.shape)

blk = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU())
net2 = nn.Sequential(nn.Flatten(), nn.Linear(8 * 28 * 28, 10))
X = torch.rand(2, 1, 28, 28)
for layer in blk:
    X = layer(X)
print(net2(X).shape)

model = nn.Sequential(nn.Linear(20, 5))
model.eval()
with torch.no_grad():
    y = model.forward(torch.ones((3, 20)))
    z = model(torch.zeros([3, 20], dtype=torch.float32))

enc = nn.Sequential(nn.Linear(32, 16), nn.ReLU())
dec = nn.Sequential(nn.Linear(16, 32))
out = dec(enc(torch.randn(5, 32)))
