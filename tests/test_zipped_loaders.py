"""Loops over several loaders at once and over iterator classes of the checked code: ``zip(source_loader,
target_loader)`` (domain adaptation), ``zip(real_loader, latent_iterator)`` (MAD-GAN, corpus G #30) and
``next(sampler)`` each give their item; the model fed from them is followed. A model call inside such a
loop that surely raises ends the script there. The truth: torch running the same script."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import script_and_check

pytest.importorskip("torch")

SCRIPT = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn
    from torch.utils.data import DataLoader, TensorDataset


    class LatentIterator:
        def __init__(self, shape):
            self.shape = shape

        def __iter__(self):
            return self

        def __next__(self):
            return torch.rand(*self.shape)


    net = nn.Sequential(nn.Flatten(), nn.Linear(48, 10))
    gen = nn.Linear({latent}, 48)
    source = DataLoader(TensorDataset(torch.randn(20, 3, 4, 4), torch.zeros(20)), batch_size=4)
    target = DataLoader(TensorDataset(torch.randn(20, 3, 4, {width})), batch_size=4)
    for i, ((xs, ys), (xt,), z) in enumerate(zip(source, target, LatentIterator([4, 6]))):
        net(xs)
        net(xt)
        gen(z)
        loss = nn.MSELoss()(net(xs), torch.zeros(5, 10))
    noise = LatentIterator([2, 6])
    for step in range(2):
        gen(next(noise))
    """
)


@pytest.mark.parametrize(
    ("width", "latent", "error", "found"),
    [
        (4, 6, "must match the size of tensor b (5)", [(25, "CNL015")]),  # the loss: nothing before it fails
        (5, 6, "4x60 and 48x10", [(17, "CNL001")]),  # the target images; the loss after is never reached
        (4, 8, "4x6 and 8x48", [(18, "CNL001")]),  # the latent size
    ],
)
def test_what_each_zipped_source_gives_is_followed(tmp_path: Path, width: int, latent: int, error: str, found: list):
    path = tmp_path / "adapt.py"
    path.write_text(SCRIPT.format(width=width, latent=latent))
    got_error, got = script_and_check(path)
    assert got_error is not None and error in got_error
    assert got == found
