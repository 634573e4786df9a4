"""One wrong size written once and met by several layers is reported once, where torch raises first.

Two heads built from the same wrong expression (AC-GAN's ``128 * ds_size ** 2``) fed the same
features are one bug: torch raises at the first head. Two heads each with their own literal typo,
or heads that disagree differently, are separate bugs and are all reported.
"""

from __future__ import annotations

import textwrap

import pytest
from conftest import expected_markers, reported

TEMPLATE = textwrap.dedent(
    """\
    import torch.nn as nn

    ds_size = 32 // 2 ** 3


    # cnnlint: input=(4, 1, 32, 32)
    class Discriminator(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 128, 3, 2, 1)
            self.adv = nn.Linear(ADV, 1)  # expect: CNL001
            self.aux = nn.Linear(AUX, 10)AUX_MARK

        def forward(self, img):
            out = self.conv(img).flatten(1)
            return self.adv(out), self.aux(out)
    """
)


@pytest.mark.parametrize(
    ("adv", "aux", "aux_reported"),
    [
        ("128 * ds_size ** 2", "128 * ds_size ** 2", False),  # one wrong expression: one error
        ("512", "512", True),  # two literal typos: two bugs
        ("128 * ds_size ** 2", "128 * ds_size", True),  # different mismatches: two bugs
    ],
)
def test_the_same_wrong_expression_is_reported_at_the_first_layer(tmp_path, adv, aux, aux_reported):
    source = TEMPLATE.replace("ADV", adv).replace("AUX_MARK", "  # expect: CNL001" if aux_reported else "")
    source = source.replace("AUX", aux)
    path = tmp_path / "gan.py"
    path.write_text(source)
    assert reported(path) == expected_markers(source)
