"""The input-free rule (issue 12): a model no input size can pass, found without a declared input.

Registered into ``cnnlint.rules.RULES`` like the forward rules, with VALID and
INVALID examples the test suite runs through the whole pipeline.
"""

from __future__ import annotations

from cnnlint.rules import Rule

INPUT_FREE_RULES = (
    Rule(
        "CNL013",
        "no-valid-input",
        "error",
        "a model with no declared input size accepts no batched input size at all",
        why=(
            "Without an input size, cnnlint treats each spatial size as a variable (1..4096 per dim for images "
            "and volumes, 1..2^20 for 1-D signals, the batch symbolic) and follows the model with the engine's "
            "own formulas. Every conv and pool maps its input size monotonically, so a `Linear` after `Flatten` "
            "whose `in_features` falls between two sizes the layers can produce, or is not a multiple of the "
            "channels that reach `Flatten`, fails for every input: the model cannot run on anything. When some "
            "sizes work, `cnnlint summary` and the editor say which (`accepts H in 28..31, W in 28..31`)."
        ),
        example="""net = nn.Sequential(
    nn.Conv2d(3, 64, 3, stride=2), nn.ReLU(),
    nn.Flatten(),
    nn.Linear(1000, 10),  # 1000 is not a multiple of 64: no input size works
)""",
        use_instead=(
            "Set `in_features` to what the layers produce for your input (declare the input, "
            "`# cnnlint: input=(1, 3, 32, 32)`, and CNL001 names the value), or put an "
            "`nn.AdaptiveAvgPool2d(1)` before `Flatten` so any input size works."
        ),
        valid=(
            """import torch.nn as nn

net = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(16 * 5 * 5, 10),  # inputs 28..29 give 5x5
)
""",
        ),
        invalid=(
            """import torch.nn as nn

net = nn.Sequential(
    nn.Conv2d(3, 64, 3, stride=2), nn.ReLU(),
    nn.Flatten(),
    nn.Linear(1000, 10),  # error: CNL013
)
""",
            """import torch.nn as nn

net = nn.Sequential(
    nn.Conv2d(3, 16, 3, padding=1), nn.Upsample(scale_factor=2),
    nn.Flatten(),
    nn.Linear(16 * 30, 10),  # error: CNL013
)
""",
        ),
    ),
)
