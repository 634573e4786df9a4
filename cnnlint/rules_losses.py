"""Rules found where a training script meets its loss (``cnnlint.interpret.losses``): the model's output
against its target. Registered into ``cnnlint.rules.RULES`` with their own VALID/INVALID examples."""

from __future__ import annotations

from cnnlint.rules import Rule

_AUTOENCODER = """import torch
import torch.nn as nn

net = nn.Sequential(nn.Conv2d(1, 4, 3, 2, 1), nn.ReLU(), nn.ConvTranspose2d(4, 1, 3, 2, 1{pad}))
criterion = nn.MSELoss()
for step in range(3):
    images = torch.randn(8, 1, 28, 28)
    loss = criterion(net(images), images){marker}
"""

_CLASSIFIER = """import torch
import torch.nn as nn
import torch.nn.functional as F

net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
images = torch.randn(8, 1, 28, 28)
labels = torch.randint(0, 10, ({labels},))
loss = F.cross_entropy(net(images), labels){marker}
"""

_REGRESSOR = """import torch
import torch.nn as nn

net = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 1))
x = torch.randn(64, 13)
y = torch.randn(64{target})
loss = nn.MSELoss()(net(x){squeeze}, y){marker}
"""

LOSS_RULES = (
    Rule(
        "CNL015",
        "loss-target-mismatch",
        "error",
        "a loss the script computes receives an input and a target whose shapes torch refuses: elementwise losses "
        "(`MSELoss`, `L1Loss`, ...) that do not broadcast, `BCELoss` / `BCEWithLogitsLoss` of different shapes, "
        "`CrossEntropyLoss` / `NLLLoss` with a target of another batch or size",
        why=(
            "Many shape bugs only show at the loss: an autoencoder whose decoder gives 27x27 back for a 28x28 "
            "image (`The size of tensor a (27) must match the size of tensor b (28)`), a discriminator whose "
            "`view(-1)` leaves 3200 scores for 128 labels, a classifier fed 8 images with 32 labels (`Expected "
            "input batch_size (8) to match target batch_size (32)`). cnnlint follows the model to its output and "
            "judges the loss call by torch's rules, where the script surely reaches it (a training loop's body, "
            "not an `if` or a `try`); a shape it does not know says nothing."
        ),
        example="loss = nn.MSELoss()(decoder(encoder(x)), x)  # output (8, 1, 27, 27), x (8, 1, 28, 28)",
        use_instead="Make the output the target's shape: fix the layer that changes it (`output_padding=1`).",
        valid=(
            _AUTOENCODER.format(pad=", output_padding=1", marker=""),
            _CLASSIFIER.format(labels=8, marker=""),
        ),
        invalid=(
            _AUTOENCODER.format(pad="", marker="  # error: CNL015"),
            _CLASSIFIER.format(labels=32, marker="  # error: CNL015"),
        ),
    ),
    Rule(
        "CNL016",
        "loss-broadcast",
        "warning",
        "an elementwise loss (`MSELoss`, `L1Loss`, `SmoothL1Loss`, `HuberLoss`) receives an input and a target of "
        "different shapes that broadcast: the loss compares the wrong elements",
        why=(
            "A regressor's `(64, 1)` output against a `(64,)` target broadcasts to a 64x64 grid: each prediction is "
            "compared with every target, the loss averages the grid and training goes nowhere. torch only warns "
            "(`Using a target size that is different to the input size`), once, among other output."
        ),
        example="loss = nn.MSELoss()(net(x), y)  # output (64, 1), y (64,)",
        use_instead="Give both the same shape: `net(x).squeeze(1)` or `y.unsqueeze(1)`.",
        valid=(_REGRESSOR.format(target="", squeeze=".squeeze(1)", marker=""),),
        invalid=(_REGRESSOR.format(target="", squeeze="", marker="  # expect: CNL016"),),
    ),
)
