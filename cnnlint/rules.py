"""Rule metadata as data: the one registry of code -> name, severity, docs.

The same records feed ``cnnlint rule``, the README table, SARIF rule
descriptors, JSON ``url`` and the parametrised test that runs every VALID
and INVALID example through the whole pipeline (Fixit's pattern). In an
INVALID example, the line that must be reported ends with ``# error: CODE``.
"""

from __future__ import annotations

from cnnlint.records import dataclass, field

DOCS_URL = "https://github.com/cnnlint/cnnlint/blob/main/docs/rules.md"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str  # "error", "warning", "info"
    summary: str
    why: str = ""
    example: str = ""
    use_instead: str = ""
    fix_safety: str = "No automatic fix."
    valid: tuple[str, ...] = field(default=())
    invalid: tuple[str, ...] = field(default=())

    @property
    def url(self) -> str:
        """The rule's section of docs/rules.md (``cnnlint.rules_doc`` writes it; a test checks it resolves)."""
        from cnnlint.rules_doc import anchor

        return f"{DOCS_URL}#{anchor(self)}"

    @property
    def fixable(self) -> bool:
        return self.fix_safety.lower().startswith("safe")


RULES: dict[str, Rule] = {}


def _rule(rule: Rule) -> None:
    RULES[rule.code] = rule


_rule(
    Rule(
        "CNL001",
        "linear-in-features",
        "error",
        "`nn.Linear` in_features differs from the size of the incoming last dimension",
        why=(
            "torch raises `mat1 and mat2 shapes cannot be multiplied (1x6400 and 9216x4096)` at the first forward "
            "pass, usually after a Flatten whose size was computed by hand for another input size. cnnlint "
            "computes the flattened size (C x H x W) from the declared input and names it. Where the input is "
            "still 3-D or more, an `nn.Flatten()` is probably missing."
        ),
        example="""net = nn.Sequential(  # cnnlint: input=(1, 256, 5, 5)
    nn.Flatten(),
    nn.Linear(9216, 4096),
)""",
        use_instead="""net = nn.Sequential(  # cnnlint: input=(1, 256, 5, 5)
    nn.Flatten(),
    nn.Linear(6400, 4096),
)""",
        fix_safety=(
            "Safe when in_features is written as a literal (`9216` becomes `6400`) or as a product of literals "
            "whose factors can be kept (`256 * 6 * 6` becomes `256 * 5 * 5`); unsafe (applied only with "
            "`--fix --unsafe-fixes`) when it is a name or an expression using one (`HIDDEN`, `c * 4`), which the "
            "literal would no longer follow. Only when the input is 2-D (after a Flatten)."
        ),
        valid=(
            """import torch.nn as nn
net = nn.Sequential(  # cnnlint: input=(1, 256, 5, 5)
    nn.Flatten(),
    nn.Linear(6400, 4096),
    nn.ReLU(),
    nn.Linear(4096, 10),
)""",
            """from torch import nn
# no input declared: a Linear after a Linear is still checked
head = nn.Sequential(nn.Linear(512, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 10))""",
        ),
        invalid=(
            """import torch.nn as nn
net = nn.Sequential(  # cnnlint: input=(1, 256, 5, 5)
    nn.Flatten(),
    nn.Linear(9216, 4096),  # error: CNL001
)""",
            """from torch import nn
head = nn.Sequential(
    nn.Linear(512, 256),
    nn.ReLU(),
    nn.Linear(512, 10),  # error: CNL001
)""",
            """import torch.nn as nn
net = nn.Sequential(  # cnnlint: input=(1, 256, 5, 5)
    nn.Linear(6400, 10),  # error: CNL001
)""",
        ),
    )
)
_rule(
    Rule(
        "CNL002",
        "channel-mismatch",
        "error",
        "a layer's channel or feature count differs from the incoming tensor",
        why=(
            "`in_channels` of a convolution, `num_features` of a BatchNorm, `num_channels` of a GroupNorm and "
            "`normalized_shape` of a LayerNorm must match the tensor they receive, or torch raises at the first "
            "forward pass (`expected input[1, 32, 56, 56] to have 64 channels, but got 32 channels instead`). "
            "The previous layer fixes that number, so no input size is needed to find it."
        ),
        example="""features = nn.Sequential(
    nn.Conv2d(3, 32, 3, padding=1),
    nn.BatchNorm2d(64),
)""",
        use_instead="""features = nn.Sequential(
    nn.Conv2d(3, 32, 3, padding=1),
    nn.BatchNorm2d(32),
)""",
        fix_safety=(
            "Safe when the argument is a literal: sets in_channels / num_features to the incoming channel count; "
            "unsafe when it is a name or an expression (`--fix --unsafe-fixes`). No fix for a BatchNorm1d whose "
            "(B, T, C) input has the features last: BatchNorm1d normalises dim 1, so the fix is a transpose."
        ),
        valid=(
            """import torch.nn as nn
features = nn.Sequential(
    nn.Conv2d(3, 32, 3, padding=1),
    nn.BatchNorm2d(32),
    nn.ReLU(inplace=True),
    nn.Conv2d(32, 64, 3, padding=1),
)""",
        ),
        invalid=(
            """import torch.nn as nn
features = nn.Sequential(
    nn.Conv2d(3, 32, 3, padding=1),
    nn.BatchNorm2d(64),  # error: CNL002
)""",
            """import torch.nn as nn
features = nn.Sequential(
    nn.Conv2d(3, 32, 3, padding=1),
    nn.ReLU(),
    nn.Conv2d(64, 64, 3),  # error: CNL002
)""",
        ),
    )
)
_rule(
    Rule(
        "CNL003",
        "inexact-stride",
        "warning",
        "a conv or pool never reads the last rows/columns of its input",
        why=(
            "With `O = floor((I + 2P - D*(K-1) - 1) / S) + 1`, when the division is not exact the last "
            "rows/columns of the input are silently dropped: no window ever reads them. This is the AlexNet "
            "224-vs-227 trap: Conv2d(3, 96, 11, stride=4) on 224x224 gives (224 - 11) / 4 + 1 = 54.25, floored "
            "to 54, and every later size shrinks. A window that only skips padding is fine, and so is a layer "
            "whose windows skip rows between them by design (a 1x1 stride-2 ResNet shortcut reads every other "
            "row): its unread last row is no sign of a wrong input size."
        ),
        example="""net = nn.Sequential(  # cnnlint: input=(1, 3, 224, 224)
    nn.Conv2d(3, 96, kernel_size=11, stride=4),
)""",
        use_instead="""net = nn.Sequential(  # cnnlint: input=(1, 3, 227, 227)
    nn.Conv2d(3, 96, kernel_size=11, stride=4),
)""",
        valid=(
            """import torch.nn as nn
net = nn.Sequential(  # cnnlint: input=(1, 3, 227, 227)
    nn.Conv2d(3, 96, kernel_size=11, stride=4),
    nn.MaxPool2d(3, 2),
)""",
            """import torch.nn as nn
# ResNet's 3x3 stride-2 padding-1 on an even size only skips padding
down = nn.Sequential(nn.Conv2d(64, 128, 3, stride=2, padding=1))  # cnnlint: input=(1, 64, 56, 56)""",
        ),
        invalid=(
            """import torch.nn as nn
net = nn.Sequential(  # cnnlint: input=(1, 3, 224, 224)
    nn.Conv2d(3, 96, kernel_size=11, stride=4),  # error: CNL003
)""",
        ),
    )
)
_rule(
    Rule(
        "CNL004",
        "empty-output",
        "error",
        "a computed output dimension is zero or negative",
        why=(
            "Too many downsampling layers for the input size collapse a spatial dimension to zero; torch raises "
            "`Output size is too small` (or `Calculated padded input size per channel: (2 x 2). Kernel size: "
            "(3 x 3). Kernel size can't be greater than actual input size`)."
        ),
        example="""net = nn.Sequential(  # cnnlint: input=(1, 1, 8, 8)
    nn.MaxPool2d(2), nn.MaxPool2d(2), nn.MaxPool2d(2), nn.MaxPool2d(2),
)""",
        use_instead="Use a larger input, fewer poolings, or padding.",
        valid=(
            """import torch.nn as nn
net = nn.Sequential(nn.MaxPool2d(2), nn.MaxPool2d(2), nn.MaxPool2d(2))  # cnnlint: input=(1, 1, 8, 8)""",
        ),
        invalid=(
            """import torch.nn as nn
net = nn.Sequential(  # cnnlint: input=(1, 1, 6, 6)
    nn.Conv2d(1, 8, 3),
    nn.Conv2d(8, 8, 3),
    nn.Conv2d(8, 8, 3),  # error: CNL004
)""",
        ),
    )
)
_rule(
    Rule(
        "CNL005",
        "invalid-argument",
        "error",
        "an argument torch rejects at construction or forward",
        why=(
            "torch validates some arguments only when the layer is built or first run: a kernel, stride or "
            "dilation below 1, pool padding greater than half the kernel, `padding='same'` with a stride above "
            "1, `groups` that does not divide the channels, a tuple of the wrong length, a dropout probability "
            "outside [0, 1], an unexpected keyword. These need no input size."
        ),
        example="""block = nn.Sequential(nn.Conv2d(32, 64, 3, stride=2, padding="same"))""",
        use_instead="""block = nn.Sequential(nn.Conv2d(32, 64, 3, stride=2, padding=1))""",
        valid=(
            """import torch.nn as nn
block = nn.Sequential(nn.Conv2d(32, 64, 3, padding="same", groups=32), nn.Dropout(0.2))""",
        ),
        invalid=(
            """import torch.nn as nn
block = nn.Sequential(
    nn.Conv2d(32, 64, 3, stride=2, padding="same"),  # error: CNL005
)""",
            """import torch.nn as nn
block = nn.Sequential(
    nn.Conv2d(32, 64, 3),
    nn.Dropout(p=1.5),  # error: CNL005
)""",
            """import torch.nn as nn
block = nn.Sequential(
    nn.Conv2d(30, 64, 3, groups=4),  # error: CNL005
)""",
        ),
    )
)
_rule(
    Rule(
        "CNL006",
        "rank-mismatch",
        "error",
        "a layer receives a tensor of a rank it cannot take",
        why=(
            "A Conv2d after a Flatten, a BatchNorm1d on a 4-D map, a BatchNorm2d on a 2-D batch: torch raises "
            "`expected 4D input (got 2D input)`. With a batched input, a Conv1d that receives a 2-D tensor would "
            "silently read it as one unbatched sample; cnnlint reports that too."
        ),
        example="""net = nn.Sequential(  # cnnlint: input=(8, 3, 32, 32)
    nn.Conv2d(3, 16, 3), nn.Flatten(), nn.BatchNorm2d(16),
)""",
        use_instead="Use BatchNorm1d after a Flatten, or move the BatchNorm2d before it.",
        valid=(
            """import torch.nn as nn
net = nn.Sequential(  # cnnlint: input=(8, 3, 32, 32)
    nn.Conv2d(3, 16, 3), nn.BatchNorm2d(16), nn.Flatten(), nn.BatchNorm1d(14400),
)""",
        ),
        invalid=(
            """import torch.nn as nn
net = nn.Sequential(  # cnnlint: input=(8, 3, 32, 32)
    nn.Conv2d(3, 16, 3),
    nn.Flatten(),
    nn.BatchNorm2d(16),  # error: CNL006
)""",
        ),
    )
)
_rule(
    Rule(
        "CNL007",
        "runtime-mismatch",
        "error",
        "with --runtime: torch raised, or produced a shape other than the static one",
        why=(
            "`cnnlint check --runtime` builds each model with torch on the `meta` device (no memory, no compute) "
            "and runs a forward pass on the declared input. Any disagreement with the static answer is reported: "
            "torch raised where cnnlint saw no error, or a layer produced another shape. torch raising at a layer "
            "cnnlint does not follow (`nn.FractionalMaxPool2d(2, output_size=9)` on a 6x6 input, "
            "`nn.CosineSimilarity()` given one tensor by a Sequential) is reported too, with torch's message, "
            "where the layer is called with the one tensor cnnlint knows it receives. What the meta device "
            "cannot run, or an input dtype cnnlint does not know, is a CNL100 or nothing, never a CNL007."
        ),
        example="Only reported with --runtime.",
        use_instead=(
            "Where torch raised at a layer cnnlint does not follow, fix the model as torch's message says. "
            "Otherwise report the disagreement: it is a cnnlint bug or a layer cnnlint models incompletely."
        ),
    )
)
_rule(
    Rule(
        "CNL100",
        "unresolved",
        "info",
        "shape following stops: an unknown layer or an unresolvable argument",
        why=(
            "cnnlint never guesses: a user-defined block, a layer built from a variable, `nn.Sequential(*layers)` "
            "or an argument computed at run time makes the shape unknown from there on, and nothing is reported "
            "that depends on it. Shown only with --show-info, to see how far checking reached."
        ),
        example="nn.Sequential(*layers)",
        use_instead="Declare literal layers, or accept that the rest of the model is not checked.",
    )
)
_rule(
    Rule(
        "CNL997",
        "invalid-pragma",
        "warning",
        "a `# cnnlint:` pragma that cannot be read",
        why="A misspelt pragma would otherwise be ignored silently and the model checked without its input size.",
        example="net = nn.Sequential(  # cnnlint: input=(1, 3, 224",
        use_instead="net = nn.Sequential(  # cnnlint: input=(1, 3, 224, 224)",
    )
)
_rule(
    Rule(
        "CNL998",
        "internal-error",
        "error",
        "cnnlint itself failed on this file",
        why="A bug in cnnlint. The other files are still checked; the run exits 2. Please report it.",
    )
)
_rule(
    Rule(
        "CNL999",
        "syntax-error",
        "error",
        "the file cannot be parsed (syntax error, or not valid UTF-8 without a coding declaration)",
        why="Nothing in a file that does not parse can be checked.",
    )
)


def _register_forward_rules() -> None:
    from cnnlint.rules_forward import FORWARD_RULES
    from cnnlint.rules_inputfree import INPUT_FREE_RULES
    from cnnlint.rules_losses import LOSS_RULES

    for rule in (*FORWARD_RULES, *INPUT_FREE_RULES, *LOSS_RULES):
        _rule(rule)
    ordered = dict(sorted(RULES.items()))
    RULES.clear()
    RULES.update(ordered)


_register_forward_rules()


def severity(code: str) -> str:
    rule = RULES.get(code)
    return rule.severity if rule else "error"


def render_rule(rule: Rule) -> str:
    """ruff's sections: what it does, why, example, use instead, fix safety."""
    parts = [
        f"# {rule.name} ({rule.code})",
        "",
        f"Severity: {rule.severity}",
        "",
        "## What it does",
        rule.summary[0].upper() + rule.summary[1:] + ".",
    ]
    if rule.why:
        parts += ["", "## Why is this bad?", rule.why]
    if rule.example:
        parts += ["", "## Example", "```python", rule.example, "```"]
    if rule.use_instead:
        parts += [
            "",
            "## Use instead",
            rule.use_instead
            if "\n" not in rule.use_instead and not rule.use_instead.startswith(("net", "features", "block", "head"))
            else f"```python\n{rule.use_instead}\n```",
        ]
    parts += ["", "## Fix safety", rule.fix_safety, ""]
    return "\n".join(parts)


def rules_json(rules: list[Rule]) -> str:
    import json

    return json.dumps(
        [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity,
                "summary": r.summary,
                "explanation": render_rule(r),
                "fix": r.fixable,
                "url": r.url,
            }
            for r in rules
        ],
        indent=2,
    )


def rule_table() -> str:
    """The README's rule table, generated here so it cannot drift (a test compares)."""
    rows = ["| code | name | severity | fires when | fix |", "|---|---|---|---|---|"]
    for r in RULES.values():
        rows.append(f"| {r.code} | {r.name} | {r.severity} | {r.summary} | {'yes' if r.fixable else ''} |")
    return "\n".join(rows)
